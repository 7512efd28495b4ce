"""The index build keeps only what our parser can match and nothing two authorities claim."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from legal_training.generation.authorities import load_authorities
from legal_training.generation.authority_build import build_index


def _write(path: Path, jurisdiction: str, entries: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps({"jurisdiction": jurisdiction, "entries": entries}), "utf-8")
    return path


def _case(name: str, *citations: str, year: int, **extra: Any) -> dict[str, Any]:
    return {
        "type": "case",
        "name": name,
        "citations": list(citations),
        "court": "House of Lords",
        "year": year,
        "topics": ["Tort Law: Professional Negligence"],
        "source": "test",
        **extra,
    }


def test_build_keeps_parsable_citations_and_reports_the_rest(tmp_path: Path) -> None:
    source = _write(
        tmp_path / "uk_a.json",
        "uk",
        [
            _case("Donoghue v Stevenson", "[1932] AC 562", "not a citation", year=1932),
            _case("Future v Case", "[2099] UKSC 1", year=2099),
            _case("Caparo Industries plc v Dickman", "[1990] 2 AC 605", "[1985] 1 WLR 1",
                  year=1990),
            _case("Bad Topic v X", "[1991] 1 AC 1", year=1991, topics=["No: Such Topic"]),
        ],
    )  # fmt: skip
    out = tmp_path / "out"
    report = build_index([source], out)
    index = load_authorities(sorted(out.glob("*.json")))
    assert [a.name for a in index.authorities] == [
        "Donoghue v Stevenson",
        "Caparo Industries plc v Dickman",
        "Bad Topic v X",
    ]
    donoghue = index.authorities[0]
    assert donoghue.citations == ("[1932] AC 562",)
    assert donoghue.keys == ("uk:report:AC:1932::562",)
    assert donoghue.topics == ("Tort Law - Professional Negligence",)
    assert index.authorities[1].citations == ("[1990] 2 AC 605",)  # 1985 disagrees with 1990
    assert index.authorities[2].topics == ()
    assert any("'not a citation'" in line for line in report.dropped_citations)
    assert any("Future v Case" in line for line in report.dropped_entries)
    assert any("No: Such Topic" in line for line in report.topic_problems)


def test_same_authority_from_two_files_is_merged(tmp_path: Path) -> None:
    a = _write(
        tmp_path / "a.json", "uk", [_case("Donoghue v Stevenson", "[1932] AC 562", year=1932)]
    )
    b = _write(
        tmp_path / "b.json",
        "uk",
        [
            _case(
                "M'Alister (or Donoghue) v Stevenson", "[1932] AC 562", "1932 SC (HL) 31", year=1932
            )
        ],
    )
    report = build_index([a, b], tmp_path / "out")
    index = load_authorities(sorted((tmp_path / "out").glob("*.json")))
    (authority,) = index.authorities
    assert authority.citations == ("[1932] AC 562", "1932 SC (HL) 31")
    assert "M'Alister (or Donoghue) v Stevenson" in authority.aliases
    assert report.merged


def test_a_citation_two_different_cases_claim_is_dropped_from_both(tmp_path: Path) -> None:
    a = _write(
        tmp_path / "a.json",
        "uk",
        [_case("Donoghue v Stevenson", "[1932] AC 562", "1932 SC (HL) 31", year=1932)],
    )
    b = _write(tmp_path / "b.json", "uk", [_case("Smith v Jones", "[1932] AC 562", year=1932)])
    report = build_index([a, b], tmp_path / "out")
    index = load_authorities(sorted((tmp_path / "out").glob("*.json")))
    assert [a.citations for a in index.authorities] == [("1932 SC (HL) 31",)]
    assert index.conflicts() == {}
    assert report.conflicts and "[1932] AC 562" not in str(index.authorities)


def test_a_treaty_by_title_takes_the_key_of_its_articles(tmp_path: Path) -> None:
    source = _write(
        tmp_path / "eu.json",
        "eu",
        [
            {
                "type": "treaty",
                "name": "Treaty on the Functioning of the European Union",
                "aliases": ["TFEU"],
                "citations": ["Treaty on the Functioning of the European Union"],
                "year": 2007,
                "articles": [1, 358],
                "topics": [],
                "source": "test",
            }
        ],
    )
    build_index([source], tmp_path / "out")
    index = load_authorities(sorted((tmp_path / "out").glob("*.json")))
    treaty = index.by_key("eu:treaty:TFEU:art102")
    assert treaty is not None and treaty.articles == (1, 358)
