"""The quality gate: every check, one report, one accept/reject decision.

The gate runs every check (none short-circuits) so a rejection lists every reason at once, and a
lenient-mode sample carries all its flags. Checks are pure functions elsewhere (``checks.py``,
``citations.py``); duplicates are looked up through a :class:`DuplicateLookup` so the gate needs
no database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, Protocol

from legal_training.catalog import Difficulty, Jurisdiction, SampleType
from legal_training.generation.checks import (
    CHECK_CITATION_JURISDICTION,
    CHECK_CITATION_PLAUSIBILITY,
    CHECK_CITATIONS,
    CHECK_DUPLICATE,
    GATE_CHECK_NAMES,
    CheckResult,
    run_structure_checks,
)
from legal_training.generation.citations import analyse_citations

QualityMode = Literal["strict", "lenient"]
QUALITY_MODES: tuple[str, ...] = ("strict", "lenient")
# Weights of each check in the 0-100 score; failing a heavy check costs more.
CHECK_WEIGHTS: Mapping[str, int] = {
    "not_truncated": 10,
    "required_fields": 20,
    "answer_words": 12,
    "reasoning_steps": 10,
    "reasoning_length": 5,
    "sections": 13,
    CHECK_CITATIONS: 10,
    CHECK_CITATION_PLAUSIBILITY: 7,
    CHECK_CITATION_JURISDICTION: 5,
    CHECK_DUPLICATE: 8,
}
assert set(CHECK_WEIGHTS) == set(GATE_CHECK_NAMES), "every gate check needs a weight"


class DuplicateLookup(Protocol):
    """Where earlier samples live (the database, in practice)."""

    def exact(self, question: str) -> list[str]: ...

    def near(self, question: str, answer: str) -> list[tuple[str, float]]: ...


@dataclass(frozen=True)
class QualityReport:
    """The stored verdict on one sample."""

    score: float
    accepted: bool
    mode: QualityMode
    checks: tuple[CheckResult, ...]
    flags: tuple[str, ...] = ()

    @property
    def failed(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.passed]

    @property
    def reasons(self) -> list[str]:
        """``"check: reason"`` per failed check, for error messages and rejection counts."""
        return [f"{c.name}: {c.reason}" for c in self.failed]

    def as_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "accepted": self.accepted,
            "mode": self.mode,
            "passed": [c.name for c in self.checks if c.passed],
            "failed": [{"check": c.name, "reason": c.reason} for c in self.failed],
            "checks": {c.name: {"passed": c.passed, **_jsonable(c.details)} for c in self.checks},
            "flags": list(self.flags),
        }


def _jsonable(details: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in details.items():
        if isinstance(value, str | int | float | bool) or value is None:
            out[key] = value
        elif isinstance(value, Sequence) and not isinstance(value, str | bytes):
            out[key] = [v if isinstance(v, str | int | float | bool) else str(v) for v in value]
        else:
            out[key] = str(value)
    return out


def citation_checks(
    data: Mapping[str, Any],
    *,
    difficulty: Difficulty,
    jurisdiction: Jurisdiction,
    today: date | None = None,
) -> list[CheckResult]:
    """Distinct authorities (answer + case_citation): enough, plausible, of the jurisdiction."""
    text = "\n".join(str(data.get(k) or "") for k in ("answer", "case_citation"))
    analysis = analyse_citations(text, jurisdiction=jurisdiction.id, today=today)
    enough = analysis.in_jurisdiction_count >= difficulty.min_citations
    implausible = [f"{c.text} ({'; '.join(c.problems)})" for c in analysis.implausible]
    foreign = [c.text for c in analysis.foreign]
    return [
        CheckResult(
            CHECK_CITATIONS,
            enough,
            None
            if enough
            else (
                f"{analysis.in_jurisdiction_count} distinct {jurisdiction.id} authorities cited, "
                f"at least {difficulty.min_citations} required"
            ),
            {
                "distinct": analysis.distinct_count,
                "in_jurisdiction": analysis.in_jurisdiction_count,
                "required": difficulty.min_citations,
                "found": [c.text for c in analysis.citations][:20],
            },
        ),
        CheckResult(
            CHECK_CITATION_PLAUSIBILITY,
            not implausible,
            None if not implausible else "implausible citation(s): " + ", ".join(implausible[:5]),
            {"implausible": implausible[:20]},
        ),
        CheckResult(
            CHECK_CITATION_JURISDICTION,
            not foreign,
            None
            if not foreign
            else f"authorities from outside {jurisdiction.id}: " + ", ".join(foreign[:5]),
            {"foreign": foreign[:20]},
        ),
    ]


def duplicate_check(data: Mapping[str, Any], lookup: DuplicateLookup | None) -> CheckResult:
    question = data.get("question")
    answer = data.get("answer")
    if lookup is None or not isinstance(question, str) or not isinstance(answer, str):
        return CheckResult(CHECK_DUPLICATE, True, None, {"checked": lookup is not None})
    exact = lookup.exact(question)
    if exact:
        return CheckResult(
            CHECK_DUPLICATE,
            False,
            f"exact duplicate of the question of sample {exact[0]!r}",
            {"kind": "exact", "matches": exact},
        )
    near = lookup.near(question, answer)
    if near:
        sample_id, similarity = near[0]
        return CheckResult(
            CHECK_DUPLICATE,
            False,
            f"near duplicate of sample {sample_id!r} (similarity {similarity:.2f})",
            {"kind": "near", "matches": [m for m, _ in near], "similarity": similarity},
        )
    return CheckResult(CHECK_DUPLICATE, True, None, {"checked": True})


def evaluate(
    data: Mapping[str, Any] | None,
    *,
    difficulty: Difficulty,
    sample_type: SampleType,
    jurisdiction: Jurisdiction,
    finish_reason: str | None = None,
    duplicates: DuplicateLookup | None = None,
    mode: QualityMode = "strict",
    flags: Sequence[str] = (),
    today: date | None = None,
) -> QualityReport:
    """Run the whole gate. Strict mode rejects on any failed check; lenient keeps and flags.

    Lenient mode still rejects what is unusable as training data at all: a truncated answer,
    missing fields and duplicates.
    """
    fields: Mapping[str, Any] = data if isinstance(data, Mapping) else {}
    checks = run_structure_checks(
        data, difficulty=difficulty, sample_type=sample_type, finish_reason=finish_reason
    )
    checks += citation_checks(fields, difficulty=difficulty, jurisdiction=jurisdiction, today=today)
    checks.append(duplicate_check(fields, duplicates))
    total = sum(CHECK_WEIGHTS.values())
    earned = sum(CHECK_WEIGHTS[c.name] for c in checks if c.passed)
    failed = {c.name for c in checks if not c.passed}
    if mode == "strict":
        accepted = not failed
    else:
        accepted = not (failed & {"not_truncated", "required_fields", CHECK_DUPLICATE})
    return QualityReport(
        score=round(100 * earned / total, 1),
        accepted=accepted,
        mode=mode,
        checks=tuple(checks),
        flags=tuple(flags),
    )
