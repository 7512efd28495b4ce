"""The audited plausibility tables: reporter years, courts' dates, nominative reporters,
state public-domain citations, court parentheticals, ECLI courts and the PCIJ series.

Each real citation here is a well-known authority; each flagged one differs from a real one
only in the detail the table exists to catch.
"""

from __future__ import annotations

from datetime import date

import pytest

from legal_training.generation.citations import Citation, parse_citations

TODAY = date(2025, 6, 1)


def _first(text: str) -> Citation:
    found = parse_citations(text, today=TODAY)
    assert found, text
    return found[0]


REAL = [
    # Nominative parentheticals of the early U.S. Reports
    "Marbury v. Madison, 5 U.S. (1 Cranch) 137 (1803)",
    "McCulloch v. Maryland, 17 U.S. (4 Wheat.) 316 (1819)",
    "Dred Scott v. Sandford, 60 U.S. (19 How.) 393 (1857)",
    # Audited reporter years (reporters-db dates F.R.D. from 2001 and F. Supp. 2d from 1988)
    "Zippo Mfg. Co. v. Zippo Dot Com, Inc., 952 F. Supp. 1119 (W.D. Pa. 1997)",
    "Hickman v. Taylor, 4 F.R.D. 479 (E.D. Pa. 1945)",
    "Zeran v. America Online, Inc., 129 F.3d 327 (4th Cir. 1997)",
    "Authors Guild v. Google, Inc., 804 F.3d 202 (2d Cir. 2015)",
    "Rogers v. Koons, 960 F.2d 301 (2d Cir. 1992)",
    # Courts within their years (courts-db)
    "Nichols v. Universal Pictures Corp., 45 F.2d 119 (2d Cir. 1930)",
    "Lotus Dev. Corp. v. Borland Int'l, Inc., 49 F.3d 807 (1st Cir. 1995)",
    "In re Bilski, 545 F.3d 943 (Fed. Cir. 2008)",
    "Unocal Corp. v. Mesa Petroleum Co., 493 A.2d 946 (Del. 1985)",
    "Guth v. Loft, Inc., 5 A.2d 503 (Del. 1939)",
    # State public-domain citations
    "State v. Smith, 2005 ND 12",
    "Doe v. Roe, 2003-Ohio-1234",
    "People v. Doe, 2012 IL App (1st) 101234",
    # UK reports with the court that decided them
    "[1990] 2 AC 605 (HL)",
    "[2016] AC 1 (SC)",
    "[1964] 1 QB 1 (CCA)",
    # ECLIs and the PCIJ
    "ECLI:EU:F:2010:12",
    "ECLI:EU:T:1991:1",
    "ECLI:CE:ECHR:1989:0707JUD001403888",
    "The Case of the S.S. Lotus (France v Turkey) (1927) PCIJ Series A No 10",
    "Legal Status of Eastern Greenland (1933) PCIJ Ser A/B No 53",
    "Status of Eastern Carelia, 1923 P.C.I.J. (ser. B) No. 5",
]


@pytest.mark.parametrize("text", REAL)
def test_real_citation_passes_the_audited_tables(text: str) -> None:
    assert _first(text).problems == ()


FLAGGED = [
    ("Marbury v. Madison, 5 U.S. (2 Cranch) 137 (1803)", "2 Cranch is U.S. Reports volume 6"),
    ("X v. Y, 5 U.S. (12 Cranch) 137 (1803)", "Cranch has 9 volumes"),
    ("X v. Y, 952 F. Supp. 1119 (W.D. Pa. 2005)", "F. Supp. covers 1932–1998"),
    ("X v. Y, 100 F. Supp. 2d 1 (S.D.N.Y. 1990)", "F. Supp. 2d covers 1998–2014"),
    ("X v. Y, 129 F.3d 327 (4th Cir. 2024)", "F.3d covers 1993–2021"),
    ("X v. Y, 4 F.R.D. 479 (E.D. Pa. 1930)", "F.R.D. covers 1938"),
    ("X v. Y, 500 F.2d 1 (Fed. Cir. 1975)", "'Fed. Cir.' sat only 1982"),
    ("X v. Y, 600 F.2d 1 (11th Cir. 1979)", "'11th Cir.' sat only 1981"),
    ("X v. Y, 123 F. Supp. 1 (Ct. Cl. 1995)", "'Ct. Cl.'"),
    ("X v. Y, 500 P.2d 1 (Tex. Comm'n App. 1975)", "until 1945"),
    ("State v. Smith, 1995 ND 12", "'ND' public-domain citations exist only from 1997"),
    ("Doe v. Roe, 1999-Ohio-1234", "from 2002"),
    ("People v. Doe, 2005 IL 101234", "from 2011"),
    ("State v. Smith, 2005 ND 12 (2003)", "decided in 2005"),
    ("[2015] AC 1430 (HL)", "House of Lords (HL) sat until 2009"),
    ("[2005] 1 AC 1 (UKSC)", "UK Supreme Court"),
    ("[1980] 1 QB 1 (CCA)", "Court of Criminal Appeal"),
    ("ECLI:EU:F:2020:12", "'F' gave judgments only 2005–2016"),
    ("ECLI:EU:T:1985:1", "'T' gave judgments only 1989"),
    ("ECLI:CE:ECHR:1955:0101JUD000000155", "first judgment in 1960"),
    ("(1935) PCIJ Series A No 10", "Series A covers 1923–1930"),
    ("PCIJ Series B No 40", "runs from No 1 to No 18"),
    ("(1925) PCIJ Series A/B No 53", "Series A/B covers 1931–1940"),
]


@pytest.mark.parametrize(("text", "expected"), FLAGGED)
def test_impossible_detail_is_flagged(text: str, expected: str) -> None:
    problems = _first(text).problems
    assert any(expected in p for p in problems), problems


def test_nominative_volume_does_not_change_the_authority() -> None:
    assert _first("5 U.S. (1 Cranch) 137 (1803)").key == _first("5 U.S. 137 (1803)").key


def test_public_domain_and_regional_reports_are_one_authority() -> None:
    found = parse_citations("Smith v. Jones, 2005 ND 12, 700 N.W.2d 1", today=TODAY)
    assert len(found) == 2
    assert found[0].key == found[1].key
    assert found[1].own_key != found[0].own_key


def test_citation_records_its_span() -> None:
    text = "See Donoghue v Stevenson [1932] AC 562."
    (citation,) = parse_citations(text, today=TODAY)
    assert text[citation.start : citation.end] == "[1932] AC 562"
