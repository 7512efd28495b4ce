"""Repair of a rejected sample in place: one short follow-up instead of a whole new sample.

A new sample costs a full prompt and a full answer (about 2,500 tokens). Many rejections are
near-misses that a model can fix by writing a few lines: a section heading misspelt or left out,
one reasoning step short, reasoning a little under its character floor, an empty citation list
although the answer names its authorities, or a reply that is JSON except for a typo. For those,
and only when *every* failed check is one of them, :func:`plan_repair` describes the faults, and
:func:`repair_messages` asks for the faulty part alone (never the whole sample again).
:func:`merge_repair` puts the parts in; the caller then runs the whole gate again.

The request carries a machine-readable ``FAILURES (JSON):`` line so that any model (and the
simulator) can answer exactly what was asked; the reply is one JSON object with only the keys
listed there.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from legal_training.catalog import Difficulty, SampleType
from legal_training.generation.checks import (
    CHECK_REASONING_LENGTH,
    CHECK_REASONING_STEPS,
    CHECK_REQUIRED_FIELDS,
    CHECK_SECTIONS,
    find_reasoning_steps,
)
from legal_training.generation.citations import parse_citations
from legal_training.generation.extract import extract_json_object
from legal_training.generation.quality import QualityReport

__all__ = [
    "REPAIR_MARKER",
    "RepairPlan",
    "merge_repair",
    "plan_repair",
    "repair_messages",
]

REPAIR_MARKER: Final = "REPAIR REQUEST"
#: A reasoning this much of its floor or more is "a little short"; less is a different sample.
REASONING_SHORT_FLOOR: Final = 0.6
#: More missing sections than this is a rewrite, not a repair.
MAX_MISSING_SECTIONS: Final = 2
REPAIR_MAX_TOKENS: Final = 1200
_HEADING_LINE = re.compile(r"^[ \t#*>_-]*([A-Za-z][A-Za-z ]{1,40}?)[ \t*_]*:", re.MULTILINE)
_STEP_MARK = re.compile(r"\bstep\s*(\d{1,3})(\s*(?:\*\*|__)?\s*(?:[:\-–—)]|\.(?=\s)))", re.I)


@dataclass(frozen=True)
class RepairPlan:
    """What is wrong, per fault kind, in the form the follow-up states it.

    Kinds: ``sections`` (``missing``, ``misspelt`` headings as written), ``steps`` (``have``,
    ``need``), ``reasoning_length`` (``chars``, ``need``), ``case_citation`` (``authorities``
    named in the answer) and ``json`` (the decoder's ``error``; the whole reply is resent).
    """

    faults: dict[str, dict[str, Any]]
    checks: tuple[str, ...]
    reasons: tuple[str, ...] = field(default=())

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(self.faults)


def plan_repair(
    report: QualityReport,
    data: Mapping[str, Any] | None,
    *,
    difficulty: Difficulty,
    sample_type: SampleType,
    extraction_error: str | None = None,
    extraction_detail: str | None = None,
    raw: str | None = None,
) -> RepairPlan | None:
    """A plan when every failed check is repairable, else None (the sample is regenerated)."""
    failed = report.failed
    if not failed:
        return None
    reasons = tuple(f"{c.name}: {c.reason}" for c in failed)
    if data is None:
        if extraction_error == "invalid_json" and raw and "{" in raw:
            fault = {"error": extraction_detail or "invalid JSON"}
            return RepairPlan({"json": fault}, tuple(c.name for c in failed), reasons)
        return None
    faults: dict[str, dict[str, Any]] = {}
    for check in failed:
        details = check.details
        if check.name == CHECK_SECTIONS:
            missing = list(details.get("missing") or [])
            if not missing or len(missing) > MAX_MISSING_SECTIONS:
                return None
            answer = str(data.get("answer") or "")
            faults["sections"] = {
                "missing": missing,
                "misspelt": _misspelt_headings(answer, missing, sample_type),
            }
        elif check.name == CHECK_REASONING_STEPS:
            have, need = int(details.get("steps", -1)), difficulty.min_steps
            if have != need - 1:
                return None
            faults["steps"] = {"have": have, "need": need}
        elif check.name == CHECK_REASONING_LENGTH:
            chars = int(details.get("chars", 0))
            need = difficulty.min_reasoning_chars
            if chars < REASONING_SHORT_FLOOR * need:
                return None
            faults["reasoning_length"] = {"chars": chars, "need": need}
        elif check.name == CHECK_REQUIRED_FIELDS:
            bad = set(details.get("missing") or []) | set(details.get("empty") or [])
            if bad != {"case_citation"} or details.get("wrong_type"):
                return None
            named = [c.text for c in parse_citations(str(data.get("answer") or ""))]
            if not named:
                return None
            faults["case_citation"] = {"authorities": named[:20]}
        else:
            return None
    return RepairPlan(faults, tuple(c.name for c in failed), reasons)


def _misspelt_headings(answer: str, missing: list[str], sample_type: SampleType) -> list[str]:
    """Heading-like line openings that are close to a missing section's name."""
    known = {s.lower() for s in sample_type.sections}
    found: list[str] = []
    for match in _HEADING_LINE.finditer(answer):
        written = match.group(1).strip()
        if written.lower() in known:
            continue
        for name in missing:
            ratio = difflib.SequenceMatcher(None, written.lower(), name.lower()).ratio()
            if ratio >= 0.75 and written not in found:
                found.append(written)
    return found


_SYSTEM: Final = (
    "You repair one legal training sample that failed automatic checks. Fix only what the "
    "failures name; do not rewrite, shorten or restate anything else. Reply with one JSON "
    "object holding only the keys asked for, and nothing outside it."
)


def repair_messages(
    plan: RepairPlan,
    data: Mapping[str, Any] | None,
    *,
    raw: str | None = None,
    sample_type: SampleType,
) -> list[dict[str, str]]:
    """The follow-up: the failures, the faulty field(s) only, and the exact keys wanted."""
    lines = [REPAIR_MARKER, "", "The sample failed these checks:"]
    lines += [f"- {reason}" for reason in plan.reasons]
    lines += ["", "Reply with a JSON object with only these keys:"]
    fields: dict[str, Any] = {}
    faults = plan.faults
    if "json" in faults:
        lines.append(
            "- the whole sample object again, unchanged except that it is valid JSON "
            '(keys "question", "answer", "case_citation", "reasoning")'
        )
    if "sections" in faults:
        lines.append(
            '- "headings": {"<heading exactly as written>": "<correct section name>"} for a '
            "section that is there under a misspelt heading"
        )
        lines.append(
            '- "sections": {"<section name>": "<the text of that section, without its '
            'heading>"} for a section that is not there at all'
        )
        lines.append("  Section names, in order: " + ", ".join(sample_type.sections))
        fields["answer"] = (data or {}).get("answer")
    if "steps" in faults:
        need = faults["steps"]["need"] - faults["steps"]["have"]
        lines.append(
            f'- "steps": a list of {need} new reasoning step text(s), without the "Step N:" '
            "label, to insert before the final step"
        )
        fields["reasoning"] = (data or {}).get("reasoning")
    if "reasoning_length" in faults:
        short = faults["reasoning_length"]["need"] - faults["reasoning_length"]["chars"]
        lines.append(
            f'- "reasoning_addition": at least {short + 40} characters of further analysis to '
            "append to the final step"
        )
        fields["reasoning"] = (data or {}).get("reasoning")
    if "case_citation" in faults:
        lines.append('- "case_citation": the authorities the answer relies on, separated by "; "')
        fields["answer"] = (data or {}).get("answer")
    lines += ["", "FAILURES (JSON): " + json.dumps(faults, ensure_ascii=False)]
    if "json" in faults:
        lines += ["", "REPLY (not valid JSON):", raw or ""]
    else:
        lines += ["", "SAMPLE (JSON):", json.dumps(fields, ensure_ascii=False, indent=1)]
    return [{"role": "system", "content": _SYSTEM}, {"role": "user", "content": "\n".join(lines)}]


def merge_repair(
    plan: RepairPlan,
    data: Mapping[str, Any] | None,
    reply_text: str,
    *,
    sample_type: SampleType,
) -> tuple[dict[str, Any] | None, list[str]]:
    """The sample with the reply's parts put in, and one line per change made.

    A reply that cannot be read or changes nothing returns the sample as it was (the gate
    then rejects it again); the caller never trusts a repair without re-running the gate.
    """
    extraction = extract_json_object(reply_text)
    reply = extraction.data if extraction.ok else None
    if reply is None:
        return (dict(data) if data is not None else None), []
    if "json" in plan.faults:
        return reply, ["reply re-sent as valid JSON"]
    merged = dict(data or {})
    changes: list[str] = []
    faults = plan.faults
    if "sections" in faults:
        merged["answer"], done = _merge_sections(
            str(merged.get("answer") or ""), reply, faults["sections"], sample_type
        )
        changes += done
    if "steps" in faults:
        new_steps = [str(s).strip() for s in reply.get("steps") or [] if str(s).strip()]
        if new_steps:
            merged["reasoning"] = _insert_steps(str(merged.get("reasoning") or ""), new_steps)
            changes.append(f"added {len(new_steps)} reasoning step(s)")
    if "reasoning_length" in faults:
        extra = str(reply.get("reasoning_addition") or "").strip()
        if extra:
            merged["reasoning"] = str(merged.get("reasoning") or "").rstrip() + " " + extra
            changes.append(f"extended the reasoning by {len(extra) + 1} characters")
    if "case_citation" in faults:
        citation = reply.get("case_citation")
        if isinstance(citation, list):
            citation = "; ".join(str(c) for c in citation)
        if isinstance(citation, str) and citation.strip():
            merged["case_citation"] = citation.strip()
            changes.append("filled in case_citation")
    return merged, changes


def _merge_sections(
    answer: str, reply: Mapping[str, Any], fault: Mapping[str, Any], sample_type: SampleType
) -> tuple[str, list[str]]:
    changes: list[str] = []
    headings = reply.get("headings")
    if isinstance(headings, Mapping):
        for written, name in headings.items():
            written, name = str(written).strip(), str(name).strip()
            if not written or name.lower() not in {s.lower() for s in sample_type.sections}:
                continue
            pattern = re.compile(
                r"^([ \t#*>_-]*)" + re.escape(written) + r"(?=[ \t*_]*:)", re.I | re.M
            )
            answer, count = pattern.subn(_heading_replacer(name), answer, 1)
            if count:
                changes.append(f"heading {written!r} -> {name.upper()!r}")
    sections = reply.get("sections")
    if isinstance(sections, Mapping):
        order = [s.lower() for s in sample_type.sections]
        for name, text in sections.items():
            name, body = str(name).strip(), str(text or "").strip()
            if name.lower() not in order or not body:
                continue
            answer = _insert_section(answer, name, body, sample_type)
            changes.append(f"added section {name.upper()}")
    del fault
    return answer, changes


def _heading_replacer(name: str) -> Callable[[re.Match[str]], str]:
    return lambda match: match.group(1) + name.upper()


def _insert_section(answer: str, name: str, body: str, sample_type: SampleType) -> str:
    """Insert ``NAME: body`` before the next section in the type's order, else at the end."""
    names = list(sample_type.sections)
    index = next(i for i, s in enumerate(names) if s.lower() == name.lower())
    block = f"{name.upper()}: {body}"
    for later in names[index + 1 :]:
        match = re.search(r"^[ \t#*>_-]*" + re.escape(later) + r"[ \t*_]*:", answer, re.I | re.M)
        if match:
            return answer[: match.start()] + block + "\n\n" + answer[match.start() :]
    return answer.rstrip() + "\n\n" + block


def _insert_steps(reasoning: str, steps: list[str]) -> str:
    """Put new steps before the final one and number every step 1..n again."""
    marks = list(_STEP_MARK.finditer(reasoning))
    if not marks or not find_reasoning_steps(reasoning):
        head, tail = reasoning.rstrip(), ""
    else:
        last = marks[-1].start()
        head, tail = reasoning[:last].rstrip(), reasoning[last:]
    added = "\n".join(f"Step 0: {text}" for text in steps)
    joined = "\n".join(part for part in (head, added, tail) if part)
    counter = iter(range(1, 1000))
    return _STEP_MARK.sub(lambda m: f"Step {next(counter)}{m.group(2)}", joined)
