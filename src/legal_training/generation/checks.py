"""Structural quality checks: one pure function per check, each returning a :class:`CheckResult`.

Steps are counted in every form models write them, word floors depend on the difficulty, section
headings must open a line (a keyword inside a sentence is not a heading) and a truncated answer
always fails. Every threshold here comes from the catalog, the same
numbers the prompt states, and :func:`prompt_requirements` lists them per check so that a test can
prove the prompt and the gate agree.

Citation checks live in ``citations.py`` and ``verification.py`` and the duplicate check in the
duplicates module; their names are listed in :data:`GATE_CHECK_NAMES` so that the alignment test
covers the whole gate.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from legal_training.catalog import Difficulty, Jurisdiction, SampleType, Topic, get_catalog
from legal_training.catalog.fields import REQUIRED_FIELDS
from legal_training.generation.extract import TRUNCATION_FINISH_REASONS

__all__ = [
    "CHECK_ANSWER_WORDS",
    "CHECK_CITATIONS",
    "CHECK_CITATION_JURISDICTION",
    "CHECK_CITATION_PLAUSIBILITY",
    "CHECK_CITATION_VERIFICATION",
    "CHECK_DUPLICATE",
    "CHECK_NOT_TRUNCATED",
    "CHECK_REASONING_LENGTH",
    "CHECK_REASONING_STEPS",
    "CHECK_REQUIRED_FIELDS",
    "CHECK_SECTIONS",
    "FILLED_BY_US",
    "GATE_CHECK_NAMES",
    "MODEL_FIELDS",
    "REQUIRED_TEXT_FIELDS",
    "STRUCTURE_CHECK_NAMES",
    "CheckResult",
    "check_answer_words",
    "check_not_truncated",
    "check_reasoning_length",
    "check_reasoning_steps",
    "check_required_fields",
    "check_sections",
    "count_words",
    "find_reasoning_steps",
    "find_sections",
    "prompt_requirements",
    "run_structure_checks",
]

CHECK_REQUIRED_FIELDS: Final = "required_fields"
CHECK_ANSWER_WORDS: Final = "answer_words"
CHECK_REASONING_STEPS: Final = "reasoning_steps"
CHECK_REASONING_LENGTH: Final = "reasoning_length"
CHECK_SECTIONS: Final = "sections"
CHECK_NOT_TRUNCATED: Final = "not_truncated"
CHECK_CITATIONS: Final = "citations"
CHECK_CITATION_PLAUSIBILITY: Final = "citation_plausibility"
CHECK_CITATION_JURISDICTION: Final = "citation_jurisdiction"
CHECK_CITATION_VERIFICATION: Final = "citation_verification"
CHECK_DUPLICATE: Final = "duplicate"

STRUCTURE_CHECK_NAMES: Final[tuple[str, ...]] = (
    CHECK_NOT_TRUNCATED,
    CHECK_REQUIRED_FIELDS,
    CHECK_ANSWER_WORDS,
    CHECK_REASONING_STEPS,
    CHECK_REASONING_LENGTH,
    CHECK_SECTIONS,
)
GATE_CHECK_NAMES: Final[tuple[str, ...]] = (
    *STRUCTURE_CHECK_NAMES,
    CHECK_CITATIONS,
    CHECK_CITATION_PLAUSIBILITY,
    CHECK_CITATION_JURISDICTION,
    CHECK_CITATION_VERIFICATION,
    CHECK_DUPLICATE,
)

# Fields we already know and fill in ourselves: the id we assign, and the topic and difficulty
# (and sample type) the request asked for. Asking the model to echo them only gives it a way to
# be rejected, and paid for, over a typo in something we overwrite anyway.
FILLED_BY_US: Final[frozenset[str]] = frozenset({"id", "topic", "difficulty", "sample_type"})
# What the model must write, each a non-empty string: the prompt and the JSON schema ask for
# exactly these, and the gate requires exactly these.
REQUIRED_TEXT_FIELDS: Final[tuple[str, ...]] = tuple(
    f for f in REQUIRED_FIELDS if f not in FILLED_BY_US
)
MODEL_FIELDS: Final[tuple[str, ...]] = REQUIRED_TEXT_FIELDS

# A word is a run of word characters, with internal apostrophes or hyphens ("client's",
# "multi-factor"), so markdown, bullets and punctuation do not count as words.
_WORD = re.compile(r"\w+(?:['’\-]\w+)*")
# "Step 3:", "**Step 3:**", "**Step 3**:", "Step 3 -", "STEP 3 —", "Step 3)". A bare "Step 3."
# counts only when followed by whitespace so that "step 3.5" does not.
_STEP = re.compile(
    r"\bstep\s*(\d{1,3})\s*(?:\*\*|__)?\s*(?:[:\-–—)]|\.(?=\s))",
    re.IGNORECASE,
)
# A heading prefix that models put before a section name at the start of a line: blockquote,
# markdown hashes, bold/italic markers, a list number ("1.", "1)", "I.", "a)").
_HEADING_PREFIX = r"^[ \t]*(?:>[ \t]*)?(?:[-•][ \t]+)?(?:#{1,6}[ \t]*)?(?:(?:\*\*|__|\*|_)[ \t]*)?"
_HEADING_NUMBER = r"(?:(?:\d{1,2}|[IVXivx]{1,4}|[A-Ha-h])[.)][ \t]*)?"
_HEADING_MARKUP = r"(?:(?:\*\*|__|\*|_)[ \t]*)?"
# After the name: a colon, closing markup, a dash, or the end of the line.
_HEADING_END = r"s?[ \t]*(?:\*\*|__|\*|_)?[ \t]*(?::|\*\*|__|[-–—](?=\s)|$)"


@dataclass(frozen=True)
class CheckResult:
    """One named check; ``reason`` says why it failed (``None`` when it passed)."""

    name: str
    passed: bool
    reason: str | None
    details: dict[str, Any] = field(default_factory=dict)


def _difficulty(value: Difficulty | str) -> Difficulty:
    return value if isinstance(value, Difficulty) else get_catalog().difficulty(value)


def _sample_type(value: SampleType | str) -> SampleType:
    return value if isinstance(value, SampleType) else get_catalog().sample_type(value)


def _text(value: object, name: str, check: str) -> tuple[str | None, CheckResult | None]:
    """Guard for checks that need a string: a wrong type is a failure, not an exception."""
    if isinstance(value, str):
        return value, None
    got = "missing" if value is None else type(value).__name__
    return None, CheckResult(check, False, f"{name} is not a string (got {got})", {"type": got})


# -- required fields ---------------------------------------------------------------------------


def check_required_fields(data: Mapping[str, Any] | None) -> CheckResult:
    """Every field the sample is stored with must be a non-empty string."""
    if not isinstance(data, Mapping):
        got = "missing" if data is None else type(data).__name__
        return CheckResult(
            CHECK_REQUIRED_FIELDS, False, f"output is not a JSON object (got {got})", {"type": got}
        )
    missing = [f for f in REQUIRED_TEXT_FIELDS if f not in data or data[f] is None]
    wrong_type = {
        f: type(data[f]).__name__
        for f in REQUIRED_TEXT_FIELDS
        if f not in missing and not isinstance(data[f], str)
    }
    empty = [
        f for f in REQUIRED_TEXT_FIELDS if isinstance(data.get(f), str) and not data[f].strip()
    ]
    problems: list[str] = []
    if missing:
        problems.append("missing " + ", ".join(missing))
    if empty:
        problems.append("empty " + ", ".join(empty))
    if wrong_type:
        problems.append(
            "wrong type " + ", ".join(f"{f} ({t}, expected string)" for f, t in wrong_type.items())
        )
    details = {"missing": missing, "empty": empty, "wrong_type": wrong_type}
    if problems:
        return CheckResult(CHECK_REQUIRED_FIELDS, False, "; ".join(problems), details)
    return CheckResult(CHECK_REQUIRED_FIELDS, True, None, details)


# -- answer length -----------------------------------------------------------------------------


def count_words(text: str) -> int:
    return len(_WORD.findall(text))


def check_answer_words(answer: object, difficulty: Difficulty | str) -> CheckResult:
    """The answer must reach the difficulty's word minimum."""
    spec = _difficulty(difficulty)
    text, bad = _text(answer, "answer", CHECK_ANSWER_WORDS)
    if bad is not None:
        return bad
    assert text is not None
    words = count_words(text)
    details = {"words": words, "min_words": spec.min_words}
    if words < spec.min_words:
        reason = f"answer has {words} words; {spec.id} requires at least {spec.min_words}"
        return CheckResult(CHECK_ANSWER_WORDS, False, reason, details)
    return CheckResult(CHECK_ANSWER_WORDS, True, None, details)


# -- reasoning ---------------------------------------------------------------------------------


def find_reasoning_steps(reasoning: str) -> list[int]:
    """Distinct step numbers in the order they first appear."""
    seen: dict[int, None] = {}
    for match in _STEP.finditer(reasoning):
        seen.setdefault(int(match.group(1)), None)
    return list(seen)


def check_reasoning_steps(reasoning: object, difficulty: Difficulty | str) -> CheckResult:
    """At least the difficulty's lower bound of distinct ``Step N:`` markers.

    More steps than asked for is not a defect worth rejecting a sample for; far more (over
    ``max_steps + 2``) is recorded as a warning in the details.
    """
    spec = _difficulty(difficulty)
    text, bad = _text(reasoning, "reasoning", CHECK_REASONING_STEPS)
    if bad is not None:
        return bad
    assert text is not None
    numbers = find_reasoning_steps(text)
    details: dict[str, Any] = {
        "steps": len(numbers),
        "numbers": numbers,
        "min_steps": spec.min_steps,
        "max_steps": spec.max_steps,
    }
    if len(numbers) > spec.max_steps + 2:
        details["warning"] = f"{len(numbers)} steps; the prompt asks for at most {spec.max_steps}"
    if len(numbers) < spec.min_steps:
        reason = (
            f"reasoning has {len(numbers)} 'Step N:' steps; "
            f"{spec.id} requires at least {spec.min_steps}"
        )
        return CheckResult(CHECK_REASONING_STEPS, False, reason, details)
    return CheckResult(CHECK_REASONING_STEPS, True, None, details)


def check_reasoning_length(reasoning: object, difficulty: Difficulty | str) -> CheckResult:
    spec = _difficulty(difficulty)
    text, bad = _text(reasoning, "reasoning", CHECK_REASONING_LENGTH)
    if bad is not None:
        return bad
    assert text is not None
    chars = len(text.strip())
    details = {"chars": chars, "min_reasoning_chars": spec.min_reasoning_chars}
    if chars < spec.min_reasoning_chars:
        reason = (
            f"reasoning has {chars} characters; "
            f"{spec.id} requires at least {spec.min_reasoning_chars}"
        )
        return CheckResult(CHECK_REASONING_LENGTH, False, reason, details)
    return CheckResult(CHECK_REASONING_LENGTH, True, None, details)


# -- sections ----------------------------------------------------------------------------------


def _heading_pattern(section: str) -> re.Pattern[str]:
    name = r"[ \t]+".join(re.escape(word) for word in section.split())
    return re.compile(
        _HEADING_PREFIX + _HEADING_NUMBER + _HEADING_MARKUP + name + _HEADING_END,
        re.IGNORECASE | re.MULTILINE,
    )


def find_sections(answer: str, sections: tuple[str, ...]) -> dict[str, int]:
    """Offset of the first heading line for each section found (absent sections are left out)."""
    found: dict[str, int] = {}
    for section in sections:
        match = _heading_pattern(section).search(answer)
        if match is not None:
            found[section] = match.start()
    return found


def check_sections(answer: object, sample_type: SampleType | str) -> CheckResult:
    """Each of the sample type's section names must open a line as a heading.

    Accepts the forms models write (``ISSUE:``, ``**Issue**``, ``## Issue``, ``### 1. Issue``,
    ``1. ISSUE``); a word merely mentioned inside a sentence does not count. Order is reported
    but not enforced.
    """
    kind = _sample_type(sample_type)
    text, bad = _text(answer, "answer", CHECK_SECTIONS)
    if bad is not None:
        return bad
    assert text is not None
    found = find_sections(text, kind.sections)
    missing = [s for s in kind.sections if s not in found]
    present = [s for s in kind.sections if s in found]
    offsets = [found[s] for s in present]
    details: dict[str, Any] = {
        "required": list(kind.sections),
        "found": present,
        "missing": missing,
        "in_order": offsets == sorted(offsets),
    }
    if missing:
        headings = ", ".join(f"{s.upper()}:" for s in missing)
        reason = f"answer is missing the {kind.structure_name} section heading(s) {headings}"
        return CheckResult(CHECK_SECTIONS, False, reason, details)
    return CheckResult(CHECK_SECTIONS, True, None, details)


# -- truncation --------------------------------------------------------------------------------


def check_not_truncated(finish_reason: str | None) -> CheckResult:
    details = {"finish_reason": finish_reason}
    if finish_reason is not None and finish_reason.lower() in TRUNCATION_FINISH_REASONS:
        reason = f"output was cut off by the token limit (finish_reason={finish_reason!r})"
        return CheckResult(CHECK_NOT_TRUNCATED, False, reason, details)
    return CheckResult(CHECK_NOT_TRUNCATED, True, None, details)


# -- all structure checks ----------------------------------------------------------------------


def run_structure_checks(
    data: Mapping[str, Any] | None,
    *,
    difficulty: Difficulty | str,
    sample_type: SampleType | str,
    finish_reason: str | None = None,
) -> list[CheckResult]:
    """Every structural check in :data:`STRUCTURE_CHECK_NAMES` order; none short-circuits, so a
    rejection lists every reason at once."""
    fields: Mapping[str, Any] = data if isinstance(data, Mapping) else {}
    return [
        check_not_truncated(finish_reason),
        check_required_fields(data),
        check_answer_words(fields.get("answer"), difficulty),
        check_reasoning_steps(fields.get("reasoning"), difficulty),
        check_reasoning_length(fields.get("reasoning"), difficulty),
        check_sections(fields.get("answer"), sample_type),
    ]


# -- what the prompt must state ----------------------------------------------------------------


def prompt_requirements(
    topic: Topic,
    jurisdiction: Jurisdiction,
    difficulty: Difficulty,
    sample_type: SampleType,
) -> dict[str, object]:
    """For each gate check, the value the prompt must state for this request.

    The keys are exactly :data:`GATE_CHECK_NAMES`; the alignment test renders the prompt and finds
    each value in it, and maps every requirement the prompt states back to one of these keys.
    """
    return {
        CHECK_NOT_TRUNCATED: True,
        CHECK_REQUIRED_FIELDS: MODEL_FIELDS,
        CHECK_ANSWER_WORDS: difficulty.min_words,
        CHECK_REASONING_STEPS: (difficulty.min_steps, difficulty.max_steps),
        CHECK_REASONING_LENGTH: difficulty.min_reasoning_chars,
        CHECK_SECTIONS: sample_type.sections,
        CHECK_CITATIONS: difficulty.min_citations,
        CHECK_CITATION_PLAUSIBILITY: True,
        CHECK_CITATION_JURISDICTION: jurisdiction.id,
        CHECK_CITATION_VERIFICATION: True,
        CHECK_DUPLICATE: topic.full_name,
    }
