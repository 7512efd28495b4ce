"""Citation parsing and plausibility: real citations recognised, impossible ones flagged.

``TODAY`` is fixed so "a future year" does not drift with the calendar.
"""

from __future__ import annotations

from datetime import date

import pytest

from legal_training.generation.citations import (
    ACCEPTED_FAMILIES,
    Citation,
    analyse_citations,
    citation_family,
    parse_citations,
)

TODAY = date(2025, 6, 1)


def _only(text: str, *, today: date = TODAY) -> Citation:
    found = parse_citations(text, today=today)
    assert len(found) == 1, [c.text for c in found]
    return found[0]


# (text, kind, jurisdiction, year)
REAL = [
    # UK neutral citations
    ("[2017] UKSC 5", "uk_neutral", "uk", 2017),
    ("[2009] UKHL 12", "uk_neutral", "uk", 2009),
    ("[2019] EWCA Civ 12", "uk_neutral", "uk", 2019),
    ("[2003] EWCA Crim 1", "uk_neutral", "uk", 2003),
    ("[2020] EWHC 123 (Ch)", "uk_neutral", "uk", 2020),
    ("[2015] EWHC 77 (QB)", "uk_neutral", "uk", 2015),
    ("[2023] EWHC 456 (KB)", "uk_neutral", "uk", 2023),
    ("[2018] EWHC 3 (Comm)", "uk_neutral", "uk", 2018),
    ("[2016] EWHC 2 (Admin)", "uk_neutral", "uk", 2016),
    ("[2016] EWHC 3 (IPEC)", "uk_neutral", "uk", 2016),
    ("[2011] UKUT 421 (TCC)", "uk_neutral", "uk", 2011),
    ("[2019] UKUT 12 (IAC)", "uk_neutral", "uk", 2019),
    ("[2016] UKPC 8", "uk_neutral", "uk", 2016),
    ("[2014] CSIH 5", "uk_neutral", "uk", 2014),
    ("[2010] NICA 3", "uk_neutral", "uk", 2010),
    ("[2016] EWFC 10", "uk_neutral", "uk", 2016),
    # UK law reports
    ("[1990] 2 AC 605", "uk_report", "uk", 1990),
    ("[1932] AC 562", "uk_report", "uk", 1932),
    ("[2001] 1 WLR 1", "uk_report", "uk", 2001),
    ("[1998] 1 All ER 481", "uk_report", "uk", 1998),
    ("[1998] 1 All E.R. 481", "uk_report", "uk", 1998),
    ("[1893] 1 QB 256", "uk_report", "uk", 1893),
    ("[1964] AC 465", "uk_report", "uk", 1964),
    ("(1854) 9 Exch 341", "uk_report", "uk", 1854),
    ("(1871) LR 6 QB 597", "uk_report", "uk", 1871),
    ("(1868) LR 3 HL 330", "uk_report", "uk", 1868),
    ("[2016] Ch 1", "uk_report", "uk", 2016),
    ("[1978] 2 Lloyd's Rep 1", "uk_report", "uk", 1978),
    ("(1840) 3 Beav 334", "uk_report", "uk", 1840),
    ("(1889) 14 App Cas 337", "uk_report", "uk", 1889),
    ("[1980] ICR 303", "uk_report", "uk", 1980),
    # UK statutes and statutory instruments
    ("Companies Act 2006, s 172", "uk_statute", "uk", 2006),
    ("Misrepresentation Act 1967, s 2(1)", "uk_statute", "uk", 1967),
    ("Sale of Goods Act 1979", "uk_statute", "uk", 1979),
    ("Human Rights Act 1998", "uk_statute", "uk", 1998),
    ("Consumer Rights Act 2015, s 62", "uk_statute", "uk", 2015),
    ("Law of Property (Miscellaneous Provisions) Act 1989, s 2", "uk_statute", "uk", 1989),
    ("Occupiers' Liability Act 1957, s 2", "uk_statute", "uk", 1957),
    (
        "Transfer of Undertakings (Protection of Employment) Regulations 2006",
        "uk_statute",
        "uk",
        2006,
    ),
    ("SI 2006/246", "uk_statute", "uk", 2006),
    # US cases (eyecite) and statutes
    ("Miranda v. Arizona, 384 U.S. 436 (1966)", "us_case", "us", 1966),
    ("Marbury v. Madison, 5 U.S. 137 (1803)", "us_case", "us", 1803),
    ("Smith v. Jones, 123 F.3d 456 (9th Cir. 1999)", "us_case", "us", 1999),
    ("Aronson v. Lewis, 473 A.2d 805 (Del. 1984)", "us_case", "us", 1984),
    ("Smith v. Doe, 900 F.2d 100 (1st Cir. 1990)", "us_case", "us", 1990),
    ("Brown v. Board, 123 F. Supp. 2d 45 (D. Mass. 2000)", "us_case", "us", 2000),
    ("Bush v. Gore, 121 S. Ct. 525 (2000)", "us_case", "us", 2000),
    ("Greenman v. Yuba Power Products, Inc., 59 Cal. 2d 57 (1963)", "us_case", "us", 1963),
    ("Doe v. Roe, 250 Cal. Rptr. 3d 1 (Ct. App. 2019)", "us_case", "us", 2019),
    ("Henningsen v. Bloomfield Motors, 161 A.2d 69 (N.J. 1960)", "us_case", "us", 1960),
    ("People v. X, 600 N.E.2d 3 (Ill. 1992)", "us_case", "us", 1992),
    ("42 U.S.C. § 1983", "us_statute", "us", None),
    ("15 U.S.C. § 78j(b)", "us_statute", "us", None),
    ("U.C.C. § 2-207", "us_statute", "us", None),
    ("17 C.F.R. § 240.10b-5", "us_statute", "us", None),
    ("Fed. R. Civ. P. 12(b)(6)", "us_statute", "us", None),
    ("U.S. Const. amend. XIV", "us_statute", "us", None),
    ("8 Del. C. § 141(a)", "us_statute", "us", None),
    ("Securities Exchange Act of 1934", "us_statute", "us", 1934),
    ("Restatement (Second) of Contracts § 90", "us_statute", "us", None),
    # EU
    ("Case C-131/12", "eu_case", "eu", 2012),
    ("Case T-201/04", "eu_case", "eu", 2004),
    ("Joined Cases C-6/90 and C-9/90", "eu_case", "eu", 1990),
    ("Case 26/62", "eu_case", "eu", 1962),
    ("Case C-62/86", "eu_case", "eu", 1986),
    ("[1991] ECR I-5357", "eu_case", "eu", 1991),
    ("ECLI:EU:C:2014:317", "eu_ecli", "eu", 2014),
    ("EU:C:2019:576", "eu_ecli", "eu", 2019),
    ("Article 102 TFEU", "eu_treaty", "eu", 2007),
    ("Art. 6 TEU", "eu_treaty", "eu", 1992),
    ("Article 47 of the Charter of Fundamental Rights", "eu_treaty", "eu", 2000),
    ("Regulation (EU) 2016/679", "eu_legislation", "eu", 2016),
    ("Regulation (EC) No 1/2003", "eu_legislation", "eu", 2003),
    ("Directive 2011/83/EU", "eu_legislation", "eu", 2011),
    ("Council Directive 93/13/EEC", "eu_legislation", "eu", 1993),
    ("Directive (EU) 2019/790", "eu_legislation", "eu", 2019),
    ("Article 17 GDPR", "eu_legislation", "eu", 2016),
    # International
    ("UNCLOS, art 76", "intl_treaty", "international", 1982),
    ("Article 6 ECHR", "intl_treaty", "international", 1950),
    ("European Convention on Human Rights, Article 8", "intl_treaty", "international", 1950),
    ("ICCPR, art 14", "intl_treaty", "international", 1966),
    ("Rome Statute, art 12", "intl_treaty", "international", 1998),
    ("GATT 1994, Article XX", "intl_treaty", "international", 1947),
    ("Vienna Convention on the Law of Treaties, art 31", "intl_treaty", "international", 1969),
    ("[1986] ICJ Rep 14", "intl_case", "international", 1986),
    ("ICJ Reports 1986, p 14", "intl_case", "international", 1986),
    ("Application no. 5310/71", "intl_case", "international", 1971),
    ("(2005) 41 EHRR 849", "intl_case", "international", 2005),
    ("(1976) 1 EHRR 737", "intl_case", "international", 1976),
    ("WT/DS58/AB/R", "intl_case", "international", None),
    ("ICSID Case No. ARB/01/8", "intl_case", "international", 2001),
    ("PCA Case No 2013-19", "intl_case", "international", 2013),
    ("ICC-01/04-01/06", "intl_case", "international", 2006),
]


@pytest.mark.parametrize(("text", "kind", "jurisdiction", "year"), REAL)
def test_real_citation_is_recognised_and_plausible(
    text: str, kind: str, jurisdiction: str, year: int | None
) -> None:
    citation = _only(text)
    assert (citation.kind, citation.jurisdiction, citation.year) == (kind, jurisdiction, year)
    assert citation.problems == ()


def test_real_citations_are_distinct_authorities() -> None:
    keys = {_only(text).key for text, *_ in REAL}
    # Two pairs in REAL are the same authority written two ways.
    assert len(keys) == len(REAL) - 2
    assert _only("[1986] ICJ Rep 14").key == _only("ICJ Reports 1986, p 14").key
    assert _only("[1998] 1 All ER 481").key == _only("[1998] 1 All E.R. 481").key


# (text, words the problem must contain)
FLAGGED = [
    ("[2005] UKSC 1", "UKSC"),
    ("[2015] UKHL 3", "UKHL"),
    ("[1995] EWCA Civ 4", "EWCA Civ"),
    ("[2001] EWHC 5 (Ch)", "EWHC"),
    ("[2023] EWHC 12 (QB)", "(QB)"),
    ("[2019] EWHC 5 (KB)", "(KB)"),
    ("[2020] EWHC 99", "need a division"),
    ("[2020] EWHC 99 (Xyz)", "unknown EWHC division"),
    ("[2019] EWCA 12", "unknown court code"),
    ("[2012] EWFC 3", "EWFC"),
    ("[2031] UKSC 2", "future"),
    ("[1990] 2 XYZ 605", "unknown law report series"),
    ("[1850] AC 1", "AC"),
    ("[1950] 1 WLR 10", "WLR"),
    ("[2030] 1 WLR 10", "future"),
    ("ECLI:EU:C:14:317", "malformed ECLI"),
    ("ECLI:EU:Z:2014:317", "unknown EU court code"),
    ("Smith v. Jones, 123 F.3d 456 (9th Cir. 1950)", "F.3d"),
    ("Roe v. Wade, 410 U.S. 113 (1850)", "U.S. Reports volume 410"),
    ("Smith v. Jones, 123 F.3d 456 (2d Cir. 2099)", "future"),
    ("Case C-999/45", "C- (Court of Justice)"),
    ("Case T-12/85", "T- (General Court)"),
    ("Case 12/95", "without a C-/T- prefix"),
    ("Article 400 TFEU", "TFEU has 358 articles"),
    ("Directive 2018/12/EEC", "EEC suffix"),
    ("Directive 1985/1/EU", "EU suffix"),
    ("99 U.S.C. § 1", "titles 1–54"),
    ("U.C.C. § 12-207", "no Article 12"),
    ("Application no. 1234/45", "1955"),
    ("ICSID Case No. ARB/69/1", "1972"),
    ("Companies Act 2099, s 1", "future"),
    ("SI 1930/12", "1948"),
]


@pytest.mark.parametrize(("text", "expected"), FLAGGED)
def test_implausible_citation_is_flagged(text: str, expected: str) -> None:
    citation = _only(text)
    assert citation.problems, citation
    assert any(expected in problem for problem in citation.problems), citation.problems


def test_future_year_is_relative_to_injected_today() -> None:
    assert _only("[2024] UKSC 3", today=date(2025, 1, 1)).problems == ()
    problems = _only("[2024] UKSC 3", today=date(2023, 1, 1)).problems
    assert problems == ("year 2024 is in the future",)


def test_us_string_citation_years_are_read_per_case() -> None:
    # eyecite alone gives every case in a three-case string citation the last year.
    text = (
        "See Miranda v. Arizona, 384 U.S. 436 (1966); Marbury v. Madison, 5 U.S. 137 (1803); "
        "Smith v. Jones, 123 F.3d 456 (9th Cir. 1999)."
    )
    found = parse_citations(text, today=TODAY)
    assert [(c.text, c.year) for c in found] == [
        ("384 U.S. 436", 1966),
        ("5 U.S. 137", 1803),
        ("123 F.3d 456", 1999),
    ]
    assert all(c.problems == () for c in found)


def test_same_case_cited_twice_counts_once() -> None:
    text = "Caparo [1990] 2 AC 605 sets the test. Later, Caparo [1990] 2 AC 605 at 617 applies."
    analysis = analyse_citations(text, jurisdiction="uk", today=TODAY)
    assert len(analysis.citations) == 2
    assert analysis.distinct_count == 1


def test_parallel_citations_of_one_decision_count_once() -> None:
    uk = "R (Miller) v Secretary of State [2017] UKSC 5, [2018] AC 61 and R v G [2003] UKHL 50."
    assert analyse_citations(uk, jurisdiction="uk", today=TODAY).distinct_count == 2
    us = "Roe v. Wade, 410 U.S. 113, 93 S. Ct. 705, 35 L. Ed. 2d 147 (1973)."
    assert analyse_citations(us, jurisdiction="us", today=TODAY).distinct_count == 1
    eu = "Case C-131/12 Google Spain SL and Google Inc v AEPD, EU:C:2014:317."
    assert analyse_citations(eu, jurisdiction="eu", today=TODAY).distinct_count == 1


def test_two_neutral_citations_stay_two_cases() -> None:
    text = "See ([2017] UKSC 5; [2019] UKSC 41)."
    assert analyse_citations(text, jurisdiction="uk", today=TODAY).distinct_count == 2


def test_provisions_of_one_act_are_distinct_but_repeats_are_not() -> None:
    text = (
        "Companies Act 2006, s 172 and section 172 of the Companies Act 2006 overlap with "
        "Companies Act 2006, s 174."
    )
    analysis = analyse_citations(text, jurisdiction="uk", today=TODAY)
    assert len(analysis.citations) == 3
    assert analysis.distinct_count == 2


def test_treaty_articles_in_roman_and_arabic_are_one_authority() -> None:
    assert _only("GATT 1994, Article XX").key == _only("Article 20 of the GATT").key
    assert _only("Article 17 GDPR").key == _only("Regulation (EU) 2016/679, Article 17").key


def test_analysis_separates_foreign_and_implausible_citations() -> None:
    text = (
        "Donoghue v Stevenson [1932] AC 562 and Caparo [1990] 2 AC 605 apply under the "
        "Human Rights Act 1998 and Article 8 ECHR. Compare Palsgraf v. Long Island R.R. Co., "
        "248 N.Y. 339 (1928). Also [2005] UKSC 1."
    )
    analysis = analyse_citations(text, jurisdiction="uk", today=TODAY)
    assert analysis.distinct_count == 5
    assert analysis.in_jurisdiction_count == 4
    assert [c.text for c in analysis.foreign] == ["248 N.Y. 339"]
    assert [c.text for c in analysis.implausible] == ["[2005] UKSC 1"]

    as_us = analyse_citations(text, jurisdiction="us", today=TODAY)
    assert as_us.in_jurisdiction_count == 1
    assert {c.jurisdiction for c in as_us.foreign} == {"uk", "international"}


def test_eu_accepts_echr_but_not_uk_law() -> None:
    text = "Article 8 ECHR, Case C-131/12 and Donoghue v Stevenson [1932] AC 562."
    analysis = analyse_citations(text, jurisdiction="eu", today=TODAY)
    assert analysis.in_jurisdiction_count == 2
    assert [c.kind for c in analysis.foreign] == ["uk_report"]


def test_international_counts_domestic_case_law_as_foreign() -> None:
    text = "UNCLOS, art 76; [1986] ICJ Rep 14; [2017] UKSC 5; 384 U.S. 436 (1966)."
    analysis = analyse_citations(text, jurisdiction="international", today=TODAY)
    assert analysis.in_jurisdiction_count == 2
    assert [c.kind for c in analysis.foreign] == ["uk_neutral", "us_case"]


def test_acceptability_table_is_what_the_docs_say() -> None:
    assert ACCEPTED_FAMILIES["us"] == frozenset({"us"})
    assert "us" not in ACCEPTED_FAMILIES["uk"]
    assert {"eu", "echr"} <= ACCEPTED_FAMILIES["uk"]
    assert citation_family(_only("Article 6 ECHR")) == "echr"


def test_unknown_jurisdiction_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown jurisdiction"):
        analyse_citations("[2017] UKSC 5", jurisdiction="mars", today=TODAY)


@pytest.mark.parametrize(
    "text",
    [
        "In 2019 the court held (2020) that 5 Things matter; in 2015 it said 12 things.",
        "Section 2 of the Act applies. The Act 1998 is relevant. The Companies Act provides.",
        "On 12/05/2020 the claim was issued; 3/4 of the shares; ratio 26/62 percent.",
        "Article 5 of the contract and Article 3 of the lease.",
        "See paragraph [45]-[50] of the judgment and [2019] was a busy year.",
    ],
)
def test_prose_without_citations_yields_nothing(text: str) -> None:
    assert parse_citations(text, today=TODAY) == []


def test_statute_match_drops_leading_sentence_words() -> None:
    citation = _only("Under the Misrepresentation Act 1967, s 2(1) damages follow.")
    assert citation.text == "Misrepresentation Act 1967, s 2(1)"
