"""Build the bundled authority index from contributors' data files.

Contributors write one JSON file each in the format of ``docs``' authority schema (a
jurisdiction and a list of entries: type, name, aliases, citations, court, year, sections or
articles, topics as ``"Practice Area: Topic"``, source). The build turns those into the
package files :mod:`legal_training.generation.authorities` loads:

* every citation string is parsed by our own parser and must come out as exactly one
  citation with no plausibility problems (a US case citation is checked with the entry's year
  in brackets, so the reporter's and the court's years are checked too); a string that does
  not is left out of the index and listed in the report, because an index entry the parser
  cannot match is dead weight and one it flags is a contradiction;
* a treaty cited by its bare title gets the key the parser gives its articles;
* parallel citations must agree with the entry's year (within two years: a decision is
  often reported the year after, sometimes two); one that does not is left out;
* entries of two contributors that claim the same citation are merged when their names
  agree, and the citation is dropped from both when they do not (a key two different cases
  claim would verify a misattribution);
* topics must be catalog topics.

Run as ``python -m legal_training.generation.authority_build SOURCE_DIR [OUT_DIR]``; it prints
what it kept and dropped. The build never changes an entry's facts: it only keeps or drops.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from legal_training.catalog import get_catalog
from legal_training.generation.authorities import (
    AUTHORITY_TYPES,
    name_similarity,
    normalise_name,
)
from legal_training.generation.citations import instrument_key, parse_citations

__all__ = ["BuildReport", "build_index", "main"]

_ENTRY_KEYS: Final = frozenset(
    {
        "type", "name", "aliases", "citations", "court", "year", "sections", "articles",
        "topics", "source",
    }
)  # fmt: skip
_JURISDICTIONS: Final = ("uk", "us", "eu", "international")
_YEAR_SPREAD: Final = 2
_MERGE_SIMILARITY: Final = 90.0
_US_HAS_YEAR_RE: Final = re.compile(r"\(\s*[^()]*\d{4}\s*\)\s*$")
# Citations whose year is the decision's (or its report's); a case number's year is the year
# the case was lodged, an application number's the year it was filed.
_YEAR_IS_DECISION_RE: Final = re.compile(
    r"^(?:\w+:report:|\w+:neutral:|\w+:ecli:|us:case:|intl:pcij:)"
)


@dataclass
class BuildReport:
    """What the build kept and why it dropped the rest."""

    entries: int = 0
    citations: int = 0
    dropped_citations: list[str] = field(default_factory=list)
    dropped_entries: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    topic_problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"kept {self.entries} entries with {self.citations} citations"]
        for label, items in (
            ("dropped citation", self.dropped_citations),
            ("dropped entry", self.dropped_entries),
            ("conflict", self.conflicts),
            ("merged", self.merged),
            ("topic", self.topic_problems),
        ):
            out.extend(f"{label}: {item}" for item in items)
        return out


@dataclass
class _Entry:
    source_file: str
    jurisdiction: str
    row: dict[str, Any]
    citations: list[str]
    keys: list[str]
    topics: list[str]

    @property
    def label(self) -> str:
        return f"{self.source_file}: {self.row['name']}"


def _catalog_topics() -> dict[str, str]:
    """``"Contract Law: Formation of Contracts"`` (and the full name itself) → full name."""
    names: dict[str, str] = {}
    for topic in get_catalog().topics:
        names[f"{topic.practice_area}: {topic.topic}"] = topic.full_name
        names[topic.full_name] = topic.full_name
    return names


def _check_text(raw: str, row: Mapping[str, Any], jurisdiction: str) -> str:
    """The text the parser checks: a US case citation without a year gets the entry's."""
    if (
        jurisdiction == "us"
        and row.get("type") == "case"
        and isinstance(row.get("year"), int)
        and not _US_HAS_YEAR_RE.search(raw)
    ):
        return f"{raw} ({row['year']})"
    return raw


def _key_for(raw: str, row: Mapping[str, Any], jurisdiction: str) -> tuple[str | None, str]:
    """The key of one citation string, or ``None`` and the reason it cannot be indexed."""
    found = parse_citations(_check_text(raw, row, jurisdiction))
    if not found or (row.get("type") == "treaty" and len(found) == 1 and found[0].text != raw):
        # A treaty cited by its title alone: the title, or a name the entry gives it, must be
        # one the parser's instrument table knows.
        if row.get("type") in ("treaty", "legislation"):
            for name in (raw, row["name"], *row.get("aliases", ())):
                key = instrument_key(str(name))
                if key is not None:
                    return key, ""
        if not found:
            return None, "the parser finds no citation"
    if len(found) > 1:
        return None, f"the parser finds {len(found)} citations: {[c.text for c in found]}"
    citation = found[0]
    if citation.problems:
        return None, "the parser flags it: " + "; ".join(citation.problems)
    if citation.text != re.sub(r"\s+", " ", raw.strip()):
        return None, f"the parser reads only {citation.text!r}"
    key = citation.own_key
    year = row.get("year")
    if (
        _YEAR_IS_DECISION_RE.match(key)
        and row.get("type") in ("case", "decision")
        and isinstance(year, int)
        and citation.year is not None
        and abs(citation.year - year) > _YEAR_SPREAD
    ):
        return None, f"its year {citation.year} disagrees with the entry's year {year}"
    return key, ""


def _load_entries(path: Path, topics: Mapping[str, str], report: BuildReport) -> list[_Entry]:
    document = json.loads(path.read_text("utf-8"))
    jurisdiction = document.get("jurisdiction")
    if jurisdiction not in _JURISDICTIONS:
        raise ValueError(
            f"{path.name}: jurisdiction {jurisdiction!r} is not one of {_JURISDICTIONS}"
        )
    entries: list[_Entry] = []
    for row in document.get("entries", ()):
        label = f"{path.stem}: {row.get('name')!r}"
        unknown = set(row) - _ENTRY_KEYS
        if unknown or row.get("type") not in AUTHORITY_TYPES or not row.get("name"):
            report.dropped_entries.append(f"{label}: malformed (keys {sorted(unknown)})")
            continue
        entry_topics: list[str] = []
        for topic in row.get("topics", ()):
            full = topics.get(topic)
            if full is None:
                report.topic_problems.append(f"{label}: unknown topic {topic!r}")
            else:
                entry_topics.append(full)
        citations: list[str] = []
        keys: list[str] = []
        for raw in row.get("citations", ()):
            key, why = _key_for(str(raw), row, jurisdiction)
            if key is None:
                report.dropped_citations.append(f"{label}: {raw!r}: {why}")
                continue
            citations.append(str(raw))
            keys.append(key)
        if not citations:
            report.dropped_entries.append(f"{label}: no citation the parser can index")
            continue
        entries.append(_Entry(path.stem, jurisdiction, row, citations, keys, entry_topics))
    return entries


def _same_authority(a: _Entry, b: _Entry) -> bool:
    if a.row["type"] != b.row["type"]:
        return False
    # Two decisions years apart are two authorities, whatever their names; a treaty the
    # parser keys without a year (GATT 1947 and 1994) is one.
    year_a, year_b = a.row.get("year"), b.row.get("year")
    if (
        a.row["type"] != "treaty"
        and isinstance(year_a, int)
        and isinstance(year_b, int)
        and abs(year_a - year_b) > _YEAR_SPREAD
    ):
        return False
    names_a = [a.row["name"], *a.row.get("aliases", ())]
    names_b = [b.row["name"], *b.row.get("aliases", ())]
    return any(name_similarity(x, y) >= _MERGE_SIMILARITY for x in names_a for y in names_b)


def _merge(into: _Entry, other: _Entry) -> None:
    for citation, key in zip(other.citations, other.keys, strict=True):
        if key not in into.keys:
            into.citations.append(citation)
            into.keys.append(key)
    aliases = list(into.row.get("aliases", ()))
    for name in (other.row["name"], *other.row.get("aliases", ())):
        if name != into.row["name"] and name not in aliases:
            aliases.append(name)
    into.row["aliases"] = aliases
    into.topics.extend(t for t in other.topics if t not in into.topics)
    into.row["source"] = f"{into.row.get('source', '')} | {other.row.get('source', '')}"
    # Two contributors' ranges of one Act: keep the wider, so a provision either of them
    # knows to exist is never called impossible.
    for bounds in ("sections", "articles"):
        mine, theirs = into.row.get(bounds), other.row.get(bounds)
        if mine and theirs:
            into.row[bounds] = [min(mine[0], theirs[0]), max(mine[1], theirs[1])]
        elif theirs:
            into.row[bounds] = theirs


def _resolve_shared_keys(entries: list[_Entry], report: BuildReport) -> list[_Entry]:
    """Merge entries that are one authority; drop keys that different authorities claim."""
    kept: list[_Entry] = []
    owner: dict[str, _Entry] = {}
    for entry in entries:
        target: _Entry | None = None
        for key in entry.keys:
            other = owner.get(key)
            if other is not None and _same_authority(other, entry):
                target = other
                break
        if target is not None:
            _merge(target, entry)
            report.merged.append(f"{entry.label} into {target.label}")
            for key in target.keys:
                owner.setdefault(key, target)
            continue
        kept.append(entry)
        for key in entry.keys:
            owner.setdefault(key, entry)
    claims: dict[str, list[_Entry]] = {}
    for entry in kept:
        for key in dict.fromkeys(entry.keys):
            claims.setdefault(key, []).append(entry)
    contested = {key for key, owners in claims.items() if len(owners) > 1}
    for key in sorted(contested):
        report.conflicts.append(f"{key}: claimed by {[e.label for e in claims[key]]}")
    result: list[_Entry] = []
    for entry in kept:
        pairs = [(c, k) for c, k in zip(entry.citations, entry.keys, strict=True)]
        pairs = [(c, k) for c, k in pairs if k not in contested]
        if not pairs:
            report.dropped_entries.append(f"{entry.label}: every citation is contested")
            continue
        entry.citations = [c for c, _ in pairs]
        entry.keys = [k for _, k in pairs]
        result.append(entry)
    return result


def _slug(entry: _Entry) -> str:
    words = normalise_name(str(entry.row["name"])).replace(" v ", " ").split()
    year = entry.row.get("year")
    return "-".join([*words[:8], *([str(year)] if year else [])]) or "authority"


def _stored(entry: _Entry, authority_id: str) -> dict[str, Any]:
    row = entry.row
    out: dict[str, Any] = {"id": authority_id, "type": row["type"], "name": row["name"]}
    if row.get("aliases"):
        out["aliases"] = list(row["aliases"])
    out["citations"] = entry.citations
    out["keys"] = entry.keys
    for optional in ("court", "year", "sections", "articles"):
        if row.get(optional) is not None:
            out[optional] = row[optional]
    out["topics"] = entry.topics
    out["source"] = row.get("source", "")
    return out


def build_index(
    sources: Sequence[Path], out_dir: Path, *, report: BuildReport | None = None
) -> BuildReport:
    """Build the package files in ``out_dir`` from the contributors' ``sources``."""
    report = report or BuildReport()
    topics = _catalog_topics()
    entries: list[_Entry] = []
    for path in sources:
        entries.extend(_load_entries(path, topics, report))
    entries = _resolve_shared_keys(entries, report)
    used: set[str] = set()
    per_file: dict[str, tuple[str, list[dict[str, Any]]]] = {}
    for entry in entries:
        base = f"{entry.jurisdiction}/{_slug(entry)}"
        authority_id, n = base, 2
        while authority_id in used:
            authority_id, n = f"{base}-{n}", n + 1
        used.add(authority_id)
        rows = per_file.setdefault(entry.source_file, (entry.jurisdiction, []))[1]
        rows.append(_stored(entry, authority_id))
        report.entries += 1
        report.citations += len(entry.citations)
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.glob("*.json"):
        stale.unlink()
    for name, (jurisdiction, rows) in sorted(per_file.items()):
        document = {
            "_comment": (
                "Built by legal_training.generation.authority_build from a contributor's file; "
                "'keys' are the citation parser's keys for 'citations', in the same order. "
                "Edit the source file and rebuild rather than editing this one."
            ),
            "jurisdiction": jurisdiction,
            "entries": rows,
        }
        text = json.dumps(document, ensure_ascii=False, indent=1)
        (out_dir / f"{name}.json").write_text(text + "\n", "utf-8")
    return report


def _default_out() -> Path:
    return Path(__file__).parent / "data" / "authorities"


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("source_dir", type=Path)
    parser.add_argument("out_dir", type=Path, nargs="?", default=_default_out())
    args = parser.parse_args(list(argv) if argv is not None else None)
    sources = sorted(p for p in args.source_dir.glob("*.json"))
    report = build_index(sources, args.out_dir)
    sys.stdout.write("\n".join(report.lines()) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
