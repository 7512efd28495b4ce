"""The quality gate: every check, one report, one accept/reject decision.

The gate runs every check (none short-circuits) so a rejection lists every reason at once, and a
lenient-mode sample carries all its flags. Checks are pure functions elsewhere (``checks.py``,
``citations.py``, ``verification.py``); duplicates are looked up through a
:class:`DuplicateLookup` so the gate needs no database.

Two settings decide what rejects. ``mode``: strict rejects on any failed check, lenient keeps
the sample with its flags unless it is unusable (truncated, incomplete, a duplicate).
``citation_policy`` decides when the authorities fail verification (see
:func:`~legal_training.generation.verification.policy_failures`): ``standard`` (the default)
fails a misattributed authority and an answer in which no authority is in the index,
``verified_only`` fails every authority the index does not know, ``plausible`` fails none; an
implausible citation fails the plausibility check under every policy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, Protocol

from legal_training.catalog import Difficulty, Jurisdiction, SampleType
from legal_training.generation.authorities import AuthorityIndex
from legal_training.generation.checks import (
    CHECK_CITATION_JURISDICTION,
    CHECK_CITATION_PLAUSIBILITY,
    CHECK_CITATION_VERIFICATION,
    CHECK_CITATIONS,
    CHECK_DUPLICATE,
    GATE_CHECK_NAMES,
    CheckResult,
    run_structure_checks,
)
from legal_training.generation.citations import analyse_citations, parse_citations
from legal_training.generation.verification import (
    CITATION_POLICIES,
    DEFAULT_CITATION_POLICY,
    CitationPolicy,
    Verification,
    policy_failures,
    verify_citations,
)

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
    CHECK_CITATION_VERIFICATION: 8,
    CHECK_DUPLICATE: 8,
}
assert set(CHECK_WEIGHTS) == set(GATE_CHECK_NAMES), "every gate check needs a weight"

__all__ = [
    "CHECK_WEIGHTS",
    "CITATION_POLICIES",
    "QUALITY_MODES",
    "CitationPolicy",
    "DuplicateLookup",
    "QualityMode",
    "QualityReport",
    "citation_checks",
    "duplicate_check",
    "evaluate",
    "verification_check",
]


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
    #: Set when a follow-up repaired the sample (or tried to): which checks, what changed.
    repair: Mapping[str, Any] | None = None
    #: The judge's scores and rationale, or ``{"status": "unjudged", ...}`` when it failed.
    judge: Mapping[str, Any] | None = None

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
            **({"repair": _jsonable(self.repair)} if self.repair is not None else {}),
            **({"judge": _jsonable(self.judge)} if self.judge is not None else {}),
        }


def _jsonable(details: Mapping[str, Any]) -> dict[str, Any]:
    return {str(key): _json_value(value) for key, value in details.items()}


def _json_value(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, Mapping):
        return _jsonable(value)
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [_json_value(item) for item in value]
    return str(value)


def verification_check(verification: Verification, policy: CitationPolicy) -> CheckResult:
    """The authorities' verification statuses, failed as ``policy`` says."""
    reasons = policy_failures(verification, policy)
    details: dict[str, Any] = {
        "policy": policy,
        **verification.counts,
        "authorities": [v.as_dict() for v in verification.verdicts][:20],
    }
    reason = "; ".join(reasons[:5]) if reasons else None
    return CheckResult(CHECK_CITATION_VERIFICATION, not reasons, reason, details)


def citation_checks(
    data: Mapping[str, Any],
    *,
    difficulty: Difficulty,
    jurisdiction: Jurisdiction,
    today: date | None = None,
    citation_policy: CitationPolicy = DEFAULT_CITATION_POLICY,
    index: AuthorityIndex | None = None,
) -> list[CheckResult]:
    """Distinct authorities (answer + case_citation): enough, plausible, of the jurisdiction,
    and verified against the authority index as ``citation_policy`` requires."""
    text = "\n".join(str(data.get(k) or "") for k in ("answer", "case_citation"))
    parsed = parse_citations(text, today=today)
    analysis = analyse_citations(text, jurisdiction=jurisdiction.id, today=today, citations=parsed)
    verification = verify_citations(text, index=index, citations=parsed)
    enough = analysis.in_jurisdiction_count >= difficulty.min_citations
    implausible = [
        f"{v.citation.text} ({v.reason})" for v in verification.with_status("implausible")
    ]
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
        verification_check(verification, citation_policy),
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
    citation_policy: CitationPolicy = DEFAULT_CITATION_POLICY,
    index: AuthorityIndex | None = None,
) -> QualityReport:
    """Run the whole gate. Strict mode rejects on any failed check; lenient keeps and flags.

    Lenient mode still rejects what is unusable as training data at all: a truncated answer,
    missing fields and duplicates. ``index`` defaults to the bundled authority index.
    """
    if citation_policy not in CITATION_POLICIES:
        valid = ", ".join(CITATION_POLICIES)
        raise ValueError(f"unknown citation_policy {citation_policy!r}; expected one of {valid}")
    fields: Mapping[str, Any] = data if isinstance(data, Mapping) else {}
    checks = run_structure_checks(
        data, difficulty=difficulty, sample_type=sample_type, finish_reason=finish_reason
    )
    checks += citation_checks(
        fields,
        difficulty=difficulty,
        jurisdiction=jurisdiction,
        today=today,
        citation_policy=citation_policy,
        index=index,
    )
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
