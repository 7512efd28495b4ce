"""``legal-training check`` and ``verify``: the authority check on any text, and on the dataset.

``check FILE|-`` verifies the citations of a text file, or of each record of a JSONL file (its
``answer`` and ``case_citation``, or every string field when it has neither), and prints each
authority's status; the exit code is 1 when a text fails the citation policy or cites an
impossible authority. ``verify --batch-id ID | --all`` verifies stored samples and records the
result on each (see :mod:`legal_training.generation.reverify`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from legal_training.cli.common import console, fail, open_database, out, row_progress
from legal_training.generation.reverify import reverify_samples
from legal_training.generation.verification import (
    DEFAULT_CITATION_POLICY,
    CitationPolicy,
    Verification,
    policy_failures,
    verify_citations,
)
from legal_training.generation.verification import citation_policy as parse_citation_policy
from legal_training.settings import get_settings

_POLICY_HELP = (
    "standard (reject a misattributed authority, or a text citing none the index knows), "
    "verified_only (reject any authority it does not know) or plausible (only impossible ones)."
)
_STATUS_STYLE = {
    "verified": "green",
    "mismatch": "red",
    "unverified": "yellow",
    "implausible": "red",
}


def _policy(value: str) -> CitationPolicy:
    try:
        return parse_citation_policy(value)
    except ValueError as exc:
        raise fail(str(exc), 2) from exc


def _texts(raw: str) -> list[tuple[str, str]]:
    """``(label, text)`` per record of a JSONL file, or the whole text as one record."""
    lines = [line for line in raw.splitlines() if line.strip()]
    records: list[dict[str, Any]] = []
    for line in lines:
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            return [("text", raw)]
        if not isinstance(value, dict):
            return [("text", raw)]
        records.append(value)
    if not records:
        return [("text", raw)]
    texts = []
    for number, record in enumerate(records, start=1):
        fields = [record.get(k) for k in ("answer", "case_citation") if record.get(k)]
        if not fields:
            fields = [v for v in record.values() if isinstance(v, str)]
        label = str(record.get("id") or f"line {number}")
        texts.append((label, "\n".join(str(f) for f in fields)))
    return texts


def _report(label: str, verification: Verification, failures: list[str]) -> dict[str, Any]:
    return {
        "id": label,
        "passed": not failures,
        "reasons": failures,
        **verification.counts,
        "authorities": [v.as_dict() for v in verification.verdicts],
    }


def _print(report: dict[str, Any]) -> None:
    verdict = "[green]pass[/green]" if report["passed"] else "[red]fail[/red]"
    out.print(f"[bold]{report['id']}[/bold]: {verdict}")
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    for column in ("status", "citation", "name", "index / reason"):
        table.add_column(column)
    for authority in report["authorities"]:
        status = authority["status"]
        table.add_row(
            f"[{_STATUS_STYLE[status]}]{status}[/{_STATUS_STYLE[status]}]",
            authority["citation"],
            authority.get("name") or "",
            authority.get("reason") or authority.get("authority") or "",
        )
    out.print(table)
    for reason in report["reasons"]:
        out.print(f"  [red]·[/red] {reason}")


def check_command(
    path: Annotated[str, typer.Argument(help="A text or JSONL file, or '-' for stdin.")],
    citation_policy: Annotated[str, typer.Option(help=_POLICY_HELP)] = DEFAULT_CITATION_POLICY,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
) -> None:
    """Verify the citations of a text or JSONL file against the authority index."""
    policy = _policy(citation_policy)
    if path == "-":
        raw = sys.stdin.read()
    else:
        try:
            raw = Path(path).read_text("utf-8")
        except OSError as exc:
            raise fail(f"cannot read {path}: {exc.strerror or exc}", 2) from exc
        except UnicodeDecodeError as exc:
            raise fail(f"{path} is not UTF-8 text", 2) from exc
    failed = 0
    for label, text in _texts(raw):
        verification = verify_citations(text)
        failures = policy_failures(verification, policy) + [
            f"implausible: {v.citation.text} ({v.reason})"
            for v in verification.with_status("implausible")
        ]
        report = _report(label, verification, failures)
        failed += not report["passed"]
        if as_json:
            out.print_json(json.dumps(report, ensure_ascii=False), indent=None)
        else:
            _print(report)
    if failed:
        raise typer.Exit(1)


def verify_command(
    batch_id: Annotated[str | None, typer.Option(help="Verify the samples of this batch.")] = None,
    all_samples: Annotated[bool, typer.Option("--all", help="Verify every stored sample.")] = False,
    citation_policy: Annotated[str, typer.Option(help=_POLICY_HELP)] = DEFAULT_CITATION_POLICY,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Verify stored samples' authorities and record the result on each sample."""
    if (batch_id is None) == (not all_samples):
        raise fail("give --batch-id ID or --all", 2)
    policy = _policy(citation_policy)
    db = open_database(get_settings())
    try:
        with row_progress() as progress:
            task = progress.add_task("verifying", total=None)
            summary = reverify_samples(
                db,
                batch_id=batch_id,
                policy=policy,
                on_progress=lambda done: progress.update(task, completed=done),
            )
    finally:
        db.dispose()
    if as_json:
        out.print_json(json.dumps(summary.as_dict()))
        return
    counts = ", ".join(f"{n} {status}" for status, n in summary.authorities.items())
    out.print(
        f"{summary.samples} samples verified under '{policy}': {summary.passed} pass, "
        f"{summary.failed} fail" + (f"; authorities: {counts}" if counts else "")
    )
    if summary.samples == 0:
        console.print("no samples matched")
