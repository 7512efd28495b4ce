"""Build the system and user messages for one sample from the template files in ``templates/``.

The wording lives in Jinja2 templates and JSON data files, not in code, so that a prompt change is
reviewable as text. Every number the prompt states (words, citations, steps, reasoning length) and
every section heading comes from the catalog, the same source the checks in ``checks.py`` read,
and ``tests/generation/test_prompts.py`` proves the two agree for every type, difficulty and
jurisdiction.

Each prompt offers a handful of real authorities for its topic from the bundled authority index,
drawn afresh per seed so samples stay diverse, so that models cite law the gate can verify; every
example and typical context it shows is of the requested jurisdiction.

The user prompt opens with a machine-readable task block (``Topic:``, ``Jurisdiction:``,
``Difficulty:``, ``Sample type:`` lines) that the provider simulator parses.

The end user's optional reasoning instruction is untrusted text: it is length-limited, stripped
of control characters and of our delimiter tags, and placed inside ``<user_instruction>`` tags
after the requirements, with a note that it cannot override them.
"""

from __future__ import annotations

import json
import random
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Final, Literal

from jinja2 import Environment, PackageLoader, StrictUndefined

from legal_training.catalog import Difficulty, Jurisdiction, SampleType, Topic, get_catalog
from legal_training.errors import DomainError
from legal_training.generation.authorities import Authority, AuthorityIndex, get_authority_index
from legal_training.generation.checks import MODEL_FIELDS as _MODEL_FIELDS
from legal_training.generation.citations import ACCEPTED_FAMILIES
from legal_training.generation.verification import (
    CITATION_POLICIES,
    DEFAULT_CITATION_POLICY,
    CitationPolicy,
)

__all__ = [
    "MAX_REASONING_INSTRUCTION_CHARS",
    "SAMPLE_JSON_SCHEMA",
    "SCHEMA_MODES",
    "PromptError",
    "ScenarioPattern",
    "SchemaMode",
    "build_messages",
    "choose_scenario",
    "few_shot_example",
    "sanitize_instruction",
    "scenario_patterns",
    "suggested_authorities",
    "typical_context",
]

MAX_REASONING_INSTRUCTION_CHARS: Final = 1000
# How many indexed authorities a prompt offers: enough to build an answer on, few enough that
# samples of one topic do not all cite the same ones.
SUGGESTED_CASES: Final = 3
SUGGESTED_LEGISLATION: Final = 2

SchemaMode = Literal["json_schema", "json_object", "prompt"]
SCHEMA_MODES: Final[tuple[str, ...]] = ("json_schema", "json_object", "prompt")

SAMPLE_JSON_SCHEMA: Final[dict[str, Any]] = {
    "type": "object",
    "properties": {name: {"type": "string"} for name in _MODEL_FIELDS},
    "required": list(_MODEL_FIELDS),
    "additionalProperties": False,
}

_PACKAGE: Final = "legal_training.generation"
_DEFAULT_EXAMPLE_JURISDICTION: Final = "uk"
_DELIMITER_TAG = re.compile(r"<\s*/?\s*user_instruction\b[^>]*>", re.IGNORECASE)
_BLANK_LINES = re.compile(r"\n{3,}")
_KEEP_CONTROLS: Final = frozenset("\n\t")


class PromptError(DomainError, ValueError):
    """A request that cannot be turned into a prompt (over-long instruction, mismatched input)."""


@dataclass(frozen=True)
class ScenarioPattern:
    """One framing for ``case_analysis`` facts, varied per call so scenarios do not repeat."""

    id: str
    name: str
    instruction: str


# -- data files --------------------------------------------------------------------------------


@cache
def _environment() -> Environment:
    """Templates are plain text, not HTML, so autoescaping is off; undefined names are errors."""
    return Environment(
        loader=PackageLoader(_PACKAGE, "templates"),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


def _load_json(*parts: str) -> Any:
    text = resources.files(_PACKAGE).joinpath("templates", *parts).read_text("utf-8")
    return json.loads(text)


@cache
def _guidance() -> dict[str, Any]:
    data: dict[str, Any] = _load_json("guidance.json")
    return data


@cache
def _example_file(jurisdiction_id: str) -> dict[str, Any]:
    try:
        data: dict[str, Any] = _load_json("examples", f"{jurisdiction_id}.json")
    except FileNotFoundError:
        return {}
    return data


def _examples(jurisdiction_id: str) -> dict[str, dict[str, str]]:
    examples: dict[str, dict[str, str]] = _example_file(jurisdiction_id).get("examples", {})
    return examples


def typical_context(jurisdiction_id: str, sample_type: SampleType) -> str:
    """The typical question of this type in the jurisdiction's own law (a US statutory
    interpretation prompt must not show a UK Act as its typical context)."""
    contexts: dict[str, str] = _example_file(jurisdiction_id).get("typical_contexts", {})
    context = contexts.get(sample_type.id)
    if context is None:
        raise PromptError(
            f"no typical context for sample type {sample_type.id!r} in {jurisdiction_id!r}"
        )
    return context


def suggested_authorities(
    topic: Topic, *, seed: int | None, index: AuthorityIndex | None = None
) -> list[Authority]:
    """A few real authorities the index lists for ``topic``: up to three cases and two
    statutes or treaties, drawn by ``seed`` so that a batch's prompts rotate through them."""
    index = index if index is not None else get_authority_index()
    accepted = ACCEPTED_FAMILIES[topic.jurisdiction]
    pool = [a for a in index.for_topic(topic.full_name) if a.keys[0].split(":", 1)[0] in accepted]
    rng = random.Random(seed)
    cases = [a for a in pool if a.type in ("case", "decision")]
    laws = [a for a in pool if a.type in ("legislation", "treaty")]
    chosen = rng.sample(cases, min(SUGGESTED_CASES, len(cases)))
    chosen += rng.sample(laws, min(SUGGESTED_LEGISLATION, len(laws)))
    return chosen


def scenario_patterns() -> tuple[ScenarioPattern, ...]:
    return tuple(ScenarioPattern(**item) for item in _guidance()["scenario_patterns"])


def choose_scenario(seed: int | None) -> ScenarioPattern:
    """Seeded choice so a batch can reproduce a prompt; ``None`` draws from system entropy."""
    patterns = scenario_patterns()
    return random.Random(seed).choice(patterns)


def few_shot_example(jurisdiction_id: str, sample_type_id: str) -> tuple[str, dict[str, str]]:
    """The example for this type from the jurisdiction's file, else the UK one.

    Returns the jurisdiction the example is actually from, so the prompt can say so.
    """
    own = _examples(jurisdiction_id).get(sample_type_id)
    if own is not None:
        return jurisdiction_id, own
    fallback = _examples(_DEFAULT_EXAMPLE_JURISDICTION).get(sample_type_id)
    if fallback is None:
        raise PromptError(f"no few-shot example for sample type {sample_type_id!r}")
    return _DEFAULT_EXAMPLE_JURISDICTION, fallback


# -- user instruction --------------------------------------------------------------------------


def sanitize_instruction(text: str | None) -> str | None:
    """Make the end user's instruction safe to embed; ``None`` when nothing is left.

    Control and invisible format characters (bidi overrides, zero-width) are removed, our
    delimiter tags are stripped so the text cannot close its own block, and the length limit is
    applied to what remains.
    """
    if text is None:
        return None
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    kept = "".join(
        ch
        for ch in normalised
        if ch in _KEEP_CONTROLS or unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co"}
    )
    kept = _DELIMITER_TAG.sub("", kept)
    kept = _BLANK_LINES.sub("\n\n", kept).strip()
    if not kept:
        return None
    if len(kept) > MAX_REASONING_INSTRUCTION_CHARS:
        raise PromptError(
            f"reasoning_instruction is {len(kept)} characters; "
            f"the limit is {MAX_REASONING_INSTRUCTION_CHARS}"
        )
    return kept


# -- messages ----------------------------------------------------------------------------------


def _skeleton(topic: Topic, difficulty: Difficulty, sample_type: SampleType) -> str:
    headings = "\n\n".join(f"{s.upper()}: ..." for s in sample_type.sections)
    steps = "\n".join(f"Step {n}: ..." for n in range(1, difficulty.min_steps + 1))
    values = {
        "question": "...",
        "answer": headings,
        "topic": topic.full_name,
        "difficulty": difficulty.id,
        "case_citation": "...; ...",
        "reasoning": steps,
        "sample_type": sample_type.id,
    }
    # One line, with the "\n" escapes the model should write inside its strings.
    return json.dumps({key: values[key] for key in _MODEL_FIELDS}, ensure_ascii=False)


def build_messages(
    *,
    topic: Topic,
    jurisdiction: Jurisdiction,
    difficulty: Difficulty,
    sample_type: SampleType,
    reasoning_instruction: str | None = None,
    schema_mode: SchemaMode = "prompt",
    seed: int | None = None,
    citation_policy: CitationPolicy = DEFAULT_CITATION_POLICY,
    index: AuthorityIndex | None = None,
) -> list[dict[str, str]]:
    """The ``[system, user]`` messages asking for one sample of this topic, type and difficulty.

    ``schema_mode`` says how the output format is enforced: ``json_schema`` (the provider applies
    :data:`SAMPLE_JSON_SCHEMA`), ``json_object`` (JSON mode) or ``prompt`` (the prompt alone, so
    it also shows the object's shape). ``seed`` fixes the scenario pattern for ``case_analysis``
    and the authorities offered; ``citation_policy`` is the one the gate will apply, so the
    prompt says what it demands of the authorities.
    """
    if schema_mode not in SCHEMA_MODES:
        raise PromptError(f"unknown schema_mode {schema_mode!r}; valid: {', '.join(SCHEMA_MODES)}")
    if topic.jurisdiction != jurisdiction.id:
        raise PromptError(
            f"topic {topic.full_name!r} belongs to jurisdiction {topic.jurisdiction!r}, "
            f"not {jurisdiction.id!r}"
        )
    guidance = _guidance()["sample_types"].get(sample_type.id)
    if guidance is None:
        raise PromptError(f"no prompt guidance for sample type {sample_type.id!r}")
    instruction = sanitize_instruction(reasoning_instruction)
    example_from, example = few_shot_example(jurisdiction.id, sample_type.id)
    example_jurisdiction = (
        jurisdiction
        if example_from == jurisdiction.id
        else get_catalog().jurisdiction(example_from)
    )
    if citation_policy not in CITATION_POLICIES:
        raise PromptError(
            f"unknown citation_policy {citation_policy!r}; valid: {', '.join(CITATION_POLICIES)}"
        )
    scenario = choose_scenario(seed) if sample_type.id == "case_analysis" else None
    authorities = suggested_authorities(topic, seed=seed, index=index)

    env = _environment()
    context: dict[str, Any] = {
        "topic": topic,
        "jurisdiction": jurisdiction,
        "difficulty": difficulty,
        "sample_type": sample_type,
        "guidance": guidance,
        "scenario": scenario,
        "typical_context": typical_context(jurisdiction.id, sample_type),
        "authorities": [
            {"text": a.citation_text, "treaty": a.type == "treaty"} for a in authorities
        ],
        "citation_policy": citation_policy,
        "example_jurisdiction": example_jurisdiction,
        # The example files label each example with its topic, difficulty and type; the
        # model is shown only the fields it must write.
        "example_json": json.dumps(
            {key: example[key] for key in _MODEL_FIELDS}, ensure_ascii=False, indent=1
        ),
        "fields": _MODEL_FIELDS,
        "schema_mode": schema_mode,
        "skeleton": _skeleton(topic, difficulty, sample_type),
        "user_instruction": instruction,
    }
    system = env.get_template("system.md.j2").render(context).strip()
    user = env.get_template("user.md.j2").render(context).strip()
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]
