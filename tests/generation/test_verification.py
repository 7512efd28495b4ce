"""Verification statuses and citation policies, against a small index built here.

The index in these tests is built from a handful of well-known authorities so each status is
tested on purpose, whatever the bundled data holds.
"""

from __future__ import annotations

from typing import Any

import pytest

from legal_training.generation.authorities import Authority, AuthorityIndex, name_similarity
from legal_training.generation.citations import instrument_key, parse_citations
from legal_training.generation.verification import (
    Verification,
    case_name_near,
    policy_failures,
    verify_citations,
)


def _authority(jurisdiction: str, kind: str, name: str, *cites: str, **extra: Any) -> Authority:
    keys = []
    for cite in cites:
        found = parse_citations(f"{cite} ({extra['year']})" if jurisdiction == "us" else cite)
        keys.append(found[0].own_key if found else str(instrument_key(cite)))
    return Authority(
        id=f"{jurisdiction}/{name}",
        jurisdiction=jurisdiction,
        type=kind,  # type: ignore[arg-type]
        name=name,
        aliases=tuple(extra.get("aliases", ())),
        citations=cites,
        keys=tuple(keys),
        court=extra.get("court"),
        year=extra.get("year"),
        sections=extra.get("sections"),
        articles=extra.get("articles"),
        topics=(),
        source="test",
    )


INDEX = AuthorityIndex(
    (
        _authority(
            "uk", "case", "Donoghue v Stevenson", "[1932] AC 562", "1932 SC (HL) 31",
            court="House of Lords", year=1932, aliases=("M'Alister v Stevenson",),
        ),
        _authority(
            "uk", "case", "Caparo Industries plc v Dickman", "[1990] 2 AC 605",
            court="House of Lords", year=1990,
        ),
        _authority("uk", "case", "R v Woollin", "[1999] 1 AC 82", court="House of Lords",
                   year=1998),
        _authority(
            "uk", "case", "Montgomery v Lanarkshire Health Board", "[2015] UKSC 11",
            "[2015] AC 1430", court="UK Supreme Court", year=2015,
        ),
        _authority("uk", "legislation", "Companies Act 2006", "Companies Act 2006", year=2006,
                   sections=(1, 1300)),
        _authority(
            "us", "case", "Brown v. Board of Education", "347 U.S. 483", "74 S. Ct. 686",
            court="Supreme Court of the United States", year=1954, aliases=("Brown I",),
        ),
        _authority(
            "us", "case", "Zeran v. America Online, Inc.", "129 F.3d 327",
            court="United States Court of Appeals for the Fourth Circuit", year=1997,
        ),
        _authority("us", "legislation", "42 U.S.C. § 1983", "42 U.S.C. § 1983", year=1871),
        _authority(
            "eu", "case", "Google Spain v AEPD", "Case C-131/12", "ECLI:EU:C:2014:317",
            court="Court of Justice", year=2014, aliases=("Google Spain",),
        ),
        _authority("eu", "legislation", "General Data Protection Regulation",
                   "Regulation (EU) 2016/679", year=2016, articles=(1, 99)),
        _authority("eu", "treaty", "Treaty on the Functioning of the European Union",
                   "Treaty on the Functioning of the European Union", year=2007,
                   articles=(1, 358)),
    )
)  # fmt: skip


def _statuses(text: str) -> list[tuple[str, str]]:
    return [(v.citation.text, v.status) for v in verify_citations(text, index=INDEX).verdicts]


def _status(text: str) -> str:
    (verdict,) = verify_citations(text, index=INDEX).verdicts
    return verdict.status


VERIFIED = [
    "Donoghue v Stevenson [1932] AC 562",
    "In Donoghue v Stevenson [1932] AC 562, 1932 SC (HL) 31, Lord Atkin said",
    "the neighbour principle (M'Alister v Stevenson [1932] AC 562)",
    "As Lord Bridge put it in Caparo [1990] 2 AC 605",
    "Caparo Industries Plc v. Dickman [1990] 2 AC 605 (HL)",
    "[1990] 2 AC 605",
    "Montgomery v Lanarkshire Health Board [2015] UKSC 11; [2015] AC 1430",
    "Companies Act 2006, s 172",
    "section 994 of the Companies Act 2006",
    "Brown v. Board of Education, 347 U.S. 483 (1954)",
    "Brown v. Board of Education of Topeka, 347 U.S. 483, 74 S. Ct. 686 (1954)",
    "Zeran v. America Online, Inc., 129 F.3d 327 (4th Cir. 1997)",
    "42 U.S.C. § 1983",
    "Case C-131/12 Google Spain SL v Agencia Española de Protección de Datos",
    "Google Spain (C-131/12, EU:C:2014:317)",
    "Article 17 GDPR",
    "Article 102 TFEU",
]


@pytest.mark.parametrize("text", VERIFIED)
def test_known_authority_with_its_own_name_is_verified(text: str) -> None:
    assert _status(text) == "verified"


MISMATCHED = [
    # a known citation under another name, year or court
    "Smith v Jones [1932] AC 562",
    "R v Brown [1999] 1 AC 82",
    "Brown v. Mississippi, 347 U.S. 483 (1954)",
    "Brown v. Board of Education, 347 U.S. 483 (1955)",
    "Zeran v. America Online, Inc., 129 F.3d 327 (9th Cir. 1997)",
    "Donoghue v Stevenson [1932] AC 562 (CA)",
    "Case C-131/12 Costa v ENEL",
    # a known name with a citation that is not its own
    "Donoghue v Stevenson [1932] AC 563",
    "Donoghue v Stevenson [1933] AC 562",
    "Caparo Industries plc v Dickman [1990] 1 AC 605",
    "Brown v. Board of Education, 347 U.S. 484 (1954)",
    "Montgomery v Lanarkshire Health Board [2015] UKSC 12",
    "Google Spain, Case C-131/13",
    "R v Woollin [1999] 1 AC 83",
]


@pytest.mark.parametrize("text", MISMATCHED)
def test_misattribution_is_a_mismatch(text: str) -> None:
    assert _status(text) == "mismatch"


UNVERIFIED = [
    # well formed, plausible, not in the index
    "Fabricated Holdings Ltd v Imaginary plc [2016] EWCA Civ 1234",
    "Smith v. Jones, 123 F.3d 456 (9th Cir. 1999)",
    "Case C-555/19 Made-up v Commission",
    # same name, other decisions the index does not list: not a mismatch
    "Brown v. Board of Education, 349 U.S. 294 (1955)",
    "Caparo Industries plc v Dickman [1989] QB 653",
    "R v Woollin [1997] 1 Cr App R 97",
    # a name shared by many cases, another citation
    "R v Smith [2001] 1 AC 146",
    # another case of the same name lodged in the same year (Factortame I and II)
    "Google Spain, Case C-132/12",
]


@pytest.mark.parametrize("text", UNVERIFIED)
def test_unknown_plausible_authority_is_unverified(text: str) -> None:
    assert _status(text) == "unverified"


IMPLAUSIBLE = [
    "Smith v Jones [2005] UKSC 99",
    "Companies Act 2006, s 1400",
    "Article 120 GDPR",
    "Regulation (EU) 2016/679, Article 150",
    "Brown v. Board of Education, 347 U.S. 483 (1875)",
]


@pytest.mark.parametrize("text", IMPLAUSIBLE)
def test_impossible_citation_is_implausible(text: str) -> None:
    assert _status(text) == "implausible"


def test_parallel_citations_are_one_authority_and_the_gravest_finding_wins() -> None:
    verification = verify_citations(
        "Brown v. Board of Education, 347 U.S. 483, 74 S. Ct. 687 (1954)", index=INDEX
    )
    assert len(verification.verdicts) == 1
    assert verification.verdicts[0].status == "mismatch"


def test_string_citation_names_each_case() -> None:
    text = (
        "See Donoghue v Stevenson [1932] AC 562; Caparo Industries plc v Dickman [1990] 2 AC "
        "605; Smith v Jones [1999] 1 AC 82."
    )
    assert [s for _, s in _statuses(text)] == ["verified", "verified", "mismatch"]


def test_a_later_use_under_another_name_is_a_mismatch() -> None:
    text = (
        "In Donoghue v Stevenson [1932] AC 562 the House of Lords held so. Later, in Smith v "
        "Jones [1932] AC 562, the same rule was applied."
    )
    (verdict,) = verify_citations(text, index=INDEX).verdicts
    assert verdict.status == "mismatch" and "Smith v Jones" in (verdict.reason or "")


@pytest.mark.parametrize(
    "repeat",
    [
        "The House in [1932] AC 562 put it plainly.",
        "As Lord Atkin said in Donoghue v Stevenson [1932] AC 562 at 580, it is so.",
    ],
)
def test_a_later_use_without_another_partys_name_keeps_the_first_name(repeat: str) -> None:
    text = f"In Donoghue v Stevenson [1932] AC 562 the House of Lords held so. {repeat}"
    (verdict,) = verify_citations(text, index=INDEX).verdicts
    assert verdict.status == "verified"


def test_names_are_read_from_the_right_clause() -> None:
    text = "In Donoghue v Stevenson the court held so. This was applied in Caparo [1990] 2 AC 605."
    (citation,) = parse_citations(text)
    assert case_name_near(text, citation) == "Caparo"


def test_name_similarity_compares_party_by_party() -> None:
    assert name_similarity("Brown v Board of Education", "Brown v. Board of Education") == 100
    assert name_similarity("Caparo", "Caparo Industries plc v Dickman") == 100
    assert name_similarity("Brown v Mississippi", "Brown v. Board of Education") < 70
    assert name_similarity("R v Smith", "R v Woollin") < 70


# -- policies ---------------------------------------------------------------------------------


def _verification(text: str) -> Verification:
    return verify_citations(text, index=INDEX)


def test_standard_policy_rejects_mismatches_and_unknown_law_only() -> None:
    known = _verification("Donoghue v Stevenson [1932] AC 562; X v Y [2016] EWCA Civ 12")
    assert policy_failures(known, "standard") == []
    unknown = _verification("X v Y [2016] EWCA Civ 12; A v B [2017] EWCA Civ 13")
    assert policy_failures(unknown, "standard") == ["no authority cited is in the authority index"]
    wrong = _verification("Donoghue v Stevenson [1932] AC 562; Smith v Jones [1990] 2 AC 605")
    (reason,) = policy_failures(wrong, "standard")
    assert reason.startswith("mismatch: [1990] 2 AC 605 is Caparo")


def test_verified_only_policy_rejects_every_unknown_authority() -> None:
    mixed = _verification("Donoghue v Stevenson [1932] AC 562; X v Y [2016] EWCA Civ 12")
    assert policy_failures(mixed, "verified_only") == [
        "not in the authority index: [2016] EWCA Civ 12"
    ]


def test_plausible_policy_rejects_nothing_here() -> None:
    wrong = _verification("Smith v Jones [1990] 2 AC 605; X v Y [2016] EWCA Civ 12")
    assert policy_failures(wrong, "plausible") == []


def test_unknown_policy_is_an_error() -> None:
    with pytest.raises(ValueError, match="citation_policy"):
        policy_failures(_verification(""), "lenient")  # type: ignore[arg-type]


def test_verdicts_serialise_for_the_quality_report() -> None:
    (verdict,) = _verification("Smith v Jones [1932] AC 562").verdicts
    assert verdict.as_dict() == {
        "citation": "[1932] AC 562",
        "status": "mismatch",
        "name": "Smith v Jones",
        "authority": "uk/Donoghue v Stevenson",
        "reason": "[1932] AC 562 is Donoghue v Stevenson, not Smith v Jones",
    }
