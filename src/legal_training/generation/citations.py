"""Find legal citations in generated text and judge whether each is plausible.

The quality gate counts *distinct authorities of the topic's jurisdiction*, so this module has
three jobs: recognise citations (UK, US, EU, international), give each a normalised ``key`` so the
same authority cited twice (or in parallel reports) counts once, and flag the ones that are
well-formed but cannot be real -- a court cited outside the years it existed, a report series
that does not exist, a US reporter outside its date range, a future year, a malformed ECLI.

Why it is built this way:

* No maintained package parses UK or EU citations, so those are regexes driven by the tables in
  ``data/citation_tables.json`` (court codes with their years, report series with the years
  they ran, treaties with their article counts). Correcting a year is a data change, not a
  code change.
* US case law goes through eyecite, which ships reporters-db (reporter editions with start and
  end dates). eyecite's own parenthetical-year guess is wrong in string citations of three or
  more cases (it gives every case the last year), so the year is re-read from the text right
  after each citation. The U.S. Reports edition in reporters-db starts in 1875 (the nominative
  reporters were renumbered), so U.S. volumes are checked against our own volume/year table.
* Every finder returns candidate spans; overlaps are resolved by priority (our specific
  patterns beat eyecite, except an unknown dotted series such as ``(1966) 384 U.S. 436`` which
  is left to eyecite), then parallel citations of one decision are merged onto one key.

Keys start with the authority's *family* (``uk``, ``us``, ``eu``, ``echr``, ``intl``); the
family decides which requested jurisdictions accept the citation (``ACCEPTED_FAMILIES``).
Legislation is keyed per provision, as in a table of statutes: "Companies Act 2006, s 172" and
"section 172 of the Companies Act 2006" are one authority, s 174 is another, and a bare
"Companies Act 2006" is the Act as a whole. Subsections belong to their section. Treaty and EU
legislation articles work the same way ("Article 17 GDPR" is "Regulation (EU) 2016/679, Article
17"; "Article XX" and "Article 20" of the GATT are one).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from functools import cache
from importlib import resources
from itertools import pairwise
from types import MappingProxyType
from typing import Any, Final, Literal

import structlog
from eyecite.models import CitationToken, Document, FullCaseCitation, FullLawCitation
from eyecite.tokenizers import default_tokenizer

__all__ = [
    "ACCEPTED_FAMILIES",
    "Citation",
    "CitationAnalysis",
    "CitationKind",
    "analyse_citations",
    "citation_family",
    "instrument_key",
    "parse_citations",
    "uk_act_sections",
    "us_court_names",
]

logger = structlog.get_logger(__name__)

CitationKind = Literal[
    "uk_neutral",
    "uk_report",
    "uk_statute",
    "us_case",
    "us_statute",
    "eu_case",
    "eu_ecli",
    "eu_legislation",
    "eu_treaty",
    "intl_treaty",
    "intl_case",
]
Family = Literal["uk", "us", "eu", "echr", "intl"]


@dataclass(frozen=True)
class Citation:
    """One citation found in the text.

    ``key`` is the normalised identity of the authority (``<family>:...``): two citations with
    the same key are the same authority. ``problems`` lists why the citation cannot be real;
    it is empty when the citation is plausible.

    ``own_key`` is this citation's key before parallel citations were merged onto one key (a
    report of a decision keeps its own report key here, so it can be looked up on its own);
    ``start`` and ``end`` are its offsets in the parsed text, so callers can read the case name
    written next to it.
    """

    text: str
    kind: CitationKind
    jurisdiction: str
    year: int | None
    key: str
    problems: tuple[str, ...]
    own_key: str = ""
    start: int = 0
    end: int = 0


@dataclass(frozen=True)
class CitationAnalysis:
    """What the quality gate needs to judge a sample's authorities.

    ``foreign`` and ``implausible`` hold one citation per key (the first occurrence), so a
    report lists each offending authority once.
    """

    citations: tuple[Citation, ...]
    distinct_count: int
    in_jurisdiction_count: int
    foreign: tuple[Citation, ...]
    implausible: tuple[Citation, ...]


# Which families of authority count for a requested jurisdiction.
#   uk            UK law, plus EU law (retained EU law) and the ECHR (Human Rights Act 1998).
#                 Other international treaties and US law are foreign.
#   us            US law only.
#   eu            EU law and the ECHR (the Charter mirrors it; Article 6 TEU).
#   international treaties and international tribunals, EU law and the ECHR. Domestic UK and US
#                 law is foreign here: the prompt asks for international authorities, and an
#                 answer resting on domestic case law is the wrong-jurisdiction failure the gate
#                 exists to catch (domestic courts applying treaties can still be discussed in
#                 the text; they just do not count towards the minimum).
ACCEPTED_FAMILIES: Final[Mapping[str, frozenset[str]]] = MappingProxyType(
    {
        "uk": frozenset({"uk", "eu", "echr"}),
        "us": frozenset({"us"}),
        "eu": frozenset({"eu", "echr"}),
        "international": frozenset({"intl", "echr", "eu"}),
    }
)

_FAMILY_JURISDICTION: Final[Mapping[str, str]] = MappingProxyType(
    {"uk": "uk", "us": "us", "eu": "eu", "echr": "international", "intl": "international"}
)


# --------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------

YearRange = tuple[int, int | None]


@dataclass(frozen=True)
class _Court:
    code: str
    name: str
    years: YearRange
    division_required: bool
    divisions: Mapping[str, YearRange]


@dataclass(frozen=True)
class _Series:
    abbr: str
    name: str
    ranges: tuple[YearRange, ...]
    family: Family
    kind: CitationKind
    max_volume: int | None
    # A volume-numbered series may report judgments older than itself; round-bracket
    # citations carry the judgment year, which may then go back this far.
    earliest_decision: int | None


@dataclass(frozen=True)
class _Instrument:
    key: str
    aliases: tuple[str, ...]
    kind: CitationKind
    family: Family
    year: int
    max_article: int
    legislation_key: str | None


@dataclass(frozen=True)
class _Pcij:
    series: str
    numbers: tuple[int, int]
    years: tuple[int, int]


@dataclass(frozen=True)
class _Tables:
    courts: Mapping[str, _Court]
    series: Mapping[str, _Series]
    instruments: Mapping[str, _Instrument]
    us_nominative: tuple[tuple[int, int, int, int], ...]
    us_anchors: tuple[tuple[int, int], ...]
    us_tolerance: int
    # abbreviation key -> (display abbreviation, first U.S. volume, number of volumes)
    us_nominative_reporters: Mapping[str, tuple[str, int, int]]
    us_reporter_ranges: Mapping[str, YearRange]
    us_reporter_tolerance: int
    us_public_domain: Mapping[str, int]
    us_court_overrides: Mapping[str, tuple[YearRange, ...]]
    uk_court_parentheticals: Mapping[str, tuple[str, YearRange]]
    eu_ecli_courts: Mapping[str, YearRange]
    echr_first: int
    pcij: Mapping[str, _Pcij]
    # Act title key ("occupiers liability act 1957") -> highest section number
    uk_act_sections: Mapping[str, int]


def _abbr_key(text: str) -> str:
    """Normalise an abbreviation so ``A.C.``, ``AC`` and ``All E.R. (Comm)`` look things up."""
    return re.sub(r"[\s.()]", "", text.replace("’", "'")).casefold()


def _title_key(name: str) -> str:
    cleaned = name.replace("’", "'").replace("'", "").replace("&", "and")
    return re.sub(r"\s+", " ", cleaned).strip().casefold()


def _court_key(text: str) -> str:
    """Normalise a US court abbreviation: ``9th Cir.``, ``9th  Cir`` and ``9TH CIR.`` agree, and
    ``2nd``/``3rd`` (common in generated text) read as the Bluebook's ``2d``/``3d``."""
    key = re.sub(r"[\s.,]", "", text).casefold()
    return re.sub(r"(\d)(?:nd|rd)(?=cir)", r"\1d", key)


def _year_range(raw: Sequence[int | None]) -> YearRange:
    first = raw[0]
    if first is None:
        raise ValueError("a year range needs a first year")
    return (first, raw[1])


def _load_tables() -> _Tables:
    raw: dict[str, Any] = json.loads(
        resources.files("legal_training.generation")
        .joinpath("data", "citation_tables.json")
        .read_text("utf-8")
    )
    courts: dict[str, _Court] = {}
    for row in raw["neutral_courts"]:
        court = _Court(
            code=row["code"],
            name=row["name"],
            years=(row["first"], row["last"]),
            division_required=bool(row.get("division_required", False)),
            divisions=MappingProxyType(
                {_abbr_key(k): _year_range(v) for k, v in row.get("divisions", {}).items()}
            ),
        )
        courts[_abbr_key(court.code)] = court
    series: dict[str, _Series] = {}
    for row in raw["report_series"]:
        entry = _Series(
            abbr=row["abbr"],
            name=row["name"],
            ranges=tuple(_year_range(r) for r in row["ranges"]),
            family=row["family"],
            kind=row.get("kind", "uk_report"),
            max_volume=row.get("max_volume"),
            earliest_decision=row.get("earliest_decision"),
        )
        for alias in (row["abbr"], *row.get("aliases", ())):
            series[_abbr_key(alias)] = entry
    instruments: dict[str, _Instrument] = {}
    for row in raw["instruments"]:
        instrument = _Instrument(
            key=row["key"],
            aliases=tuple(row["aliases"]),
            kind=row["kind"],
            family=row["family"],
            year=row["year"],
            max_article=row["max_article"],
            legislation_key=row.get("legislation_key"),
        )
        for alias in instrument.aliases:
            instruments[alias] = instrument
    us = raw["us_reports"]
    nominative: dict[str, tuple[str, int, int]] = {}
    for row in raw["us_nominative_reporters"]["reporters"]:
        for alias in (row["abbr"], *row["aliases"]):
            nominative[_abbr_key(alias)] = (row["abbr"], row["first_us_volume"], row["volumes"])
    reporter_ranges = raw["us_reporter_ranges"]
    parentheticals = {
        _abbr_key(row["code"]): (row["name"], _year_range(row["years"]))
        for row in raw["uk_court_parentheticals"]["courts"]
    }
    ecli = raw["eu_ecli_courts"]
    return _Tables(
        courts=MappingProxyType(courts),
        series=MappingProxyType(series),
        instruments=MappingProxyType(instruments),
        us_nominative=tuple((a, b, c, d) for a, b, c, d in us["nominative"]),
        us_anchors=tuple((a, y) for a, y in us["anchors"]),
        us_tolerance=int(us["tolerance_years"]),
        us_nominative_reporters=MappingProxyType(nominative),
        us_reporter_ranges=MappingProxyType(
            {k: _year_range(v) for k, v in reporter_ranges["ranges"].items()}
        ),
        us_reporter_tolerance=int(reporter_ranges["tolerance_years"]),
        us_public_domain=MappingProxyType(
            {row["court"]: int(row["first"]) for row in raw["us_public_domain"]["forms"]}
        ),
        us_court_overrides=MappingProxyType(
            {
                _court_key(k): tuple(_year_range(r) for r in v)
                for k, v in raw["us_court_overrides"]["courts"].items()
            }
        ),
        uk_court_parentheticals=MappingProxyType(parentheticals),
        eu_ecli_courts=MappingProxyType({k: _year_range(v) for k, v in ecli["courts"].items()}),
        echr_first=int(ecli["echr_first"]),
        uk_act_sections=MappingProxyType(
            {
                _title_key(title): int(count)
                for title, count in raw["uk_act_sections"]["acts"].items()
            }
        ),
        pcij=MappingProxyType(
            {
                row["series"]: _Pcij(
                    row["series"],
                    (row["numbers"][0], row["numbers"][1]),
                    (row["years"][0], row["years"][1]),
                )
                for row in raw["pcij_series"]["series"]
            }
        ),
    )


_TABLES: Final = _load_tables()


# --------------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Found:
    """A candidate citation with its span, before overlaps and parallels are resolved."""

    start: int
    end: int
    priority: int
    citation: Citation
    # "neutral": a UK neutral citation (one per judgment); "report": a law report, US reporter
    # or ECLI (several may report one decision); "identifier": a tribunal's case number.
    role: Literal["neutral", "identifier", "report", "other"] = "other"
    series: str = ""


# The first year of a span whose real start is unknown or irrelevant (a court checked only
# against the year it was abolished).
_NO_START: Final = 1600

_PRIORITY_SPECIFIC: Final = 3
_PRIORITY_EYECITE: Final = 2
_PRIORITY_WEAK: Final = 1

_ROMAN_RE: Final = re.compile(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
_ROMAN_VALUES: Final[Mapping[str, int]] = MappingProxyType(
    {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
)


def _roman_to_int(numeral: str) -> int | None:
    if not numeral or not _ROMAN_RE.fullmatch(numeral):
        return None
    total = 0
    for index, char in enumerate(numeral):
        value = _ROMAN_VALUES[char]
        following = _ROMAN_VALUES[numeral[index + 1]] if index + 1 < len(numeral) else 0
        total += -value if value < following else value
    return total


def _scan(pattern: re.Pattern[str], text: str, *needles: str) -> Iterable[re.Match[str]]:
    """``pattern``'s matches, skipping the scan when none of the literal ``needles`` it needs
    is in the text: the verification budget is a few milliseconds per sample."""
    if not any(needle in text for needle in needles):
        return ()
    return pattern.finditer(text)


def _future(year: int | None, today: date) -> list[str]:
    if year is not None and year > today.year:
        return [f"year {year} is in the future"]
    return []


def _span_text(years: YearRange) -> str:
    return f"{years[0]}–{years[1] if years[1] is not None else 'present'}"


def _in_range(year: int, years: YearRange) -> bool:
    return years[0] <= year and (years[1] is None or year <= years[1])


def _two_digit_year(yy: int, today: date) -> int:
    """Resolve a two-digit year to the latest year that is not in the future."""
    return 2000 + yy if 2000 + yy <= today.year else 1900 + yy


def _make(
    text: str,
    kind: CitationKind,
    family: Family,
    year: int | None,
    key: str,
    problems: Iterable[str],
) -> Citation:
    return Citation(
        text=re.sub(r"\s+", " ", text.strip()),
        kind=kind,
        jurisdiction=_FAMILY_JURISDICTION[family],
        year=year,
        key=key,
        problems=tuple(dict.fromkeys(problems)),
    )


def citation_family(citation: Citation) -> str:
    """The family (``uk``, ``us``, ``eu``, ``echr``, ``intl``) that decides acceptability."""
    return citation.key.split(":", 1)[0]


Finder = Callable[[str, date], list[_Found]]


# --------------------------------------------------------------------------------------------
# UK neutral citations and law reports (also ECR, CMLR, EHRR, ICJ Rep: the same shape)
# --------------------------------------------------------------------------------------------

_WORD: Final = r"[A-Z](?:[A-Za-z'’]|\.(?=[A-Za-z]))*\.?"
_PAREN_TOKEN: Final = r"\([A-Z][A-Za-z]{0,5}\)"
_SERIES: Final = rf"{_WORD}(?:(?:\s+|\s*&\s*){_WORD}|\s*{_PAREN_TOKEN}){{0,5}}"
_YEARS: Final = r"(?P<y1>\d{4})(?:\s*[-–]\s*(?P<y2>\d{2,4}))?"

# A page may carry a folio side or a note mark: "5 Co Rep 117a", "[1967] 2 AC 134n".
_PAGE: Final = r"(?P<page>(?:I{1,2}\s?-\s?)?\d{1,6}(?:[abn]\b)?)(?![\d/])"
_SQUARE_RE: Final = re.compile(
    rf"\[{_YEARS}\]\s*(?:(?P<vol>\d{{1,3}})\s+)?(?P<series>{_SERIES})\s+{_PAGE}"
    rf"(?:\s*\((?P<div>[A-Za-z&]{{1,12}})\))?"
)
_ROUND_RE: Final = re.compile(
    rf"\({_YEARS}\)\s*(?P<lr>L\.?\s?R\.?\s+)?(?P<vol>\d{{1,3}})\s+(?P<series>{_SERIES})\s+{_PAGE}"
)
# Single-volume nominate reports have no volume: "(1615) Hob 105". Only series the table
# knows are read this way, so "(2019) Smith 12" is not taken for a report.
_ROUND_NO_VOLUME_RE: Final = re.compile(
    rf"\({_YEARS}\)\s*(?P<lr>(?!))?(?P<vol>(?!))?(?P<series>{_SERIES})\s+{_PAGE}"
)
_COURT_LIKE_RE: Final = re.compile(r"(?:UK|EW|NI|CS|HCJ)[A-Za-z]{0,8}(?:\s+[A-Z][a-z]{1,5})?")


def _neutral(m: re.Match[str], court: _Court, today: date) -> _Found:
    year = int(m["y1"])
    problems: list[str] = []
    if m["vol"]:
        problems.append("a neutral citation carries no volume number")
    if m["y2"]:
        problems.append("a neutral citation carries a single year")
    if not _in_range(year, court.years):
        problems.append(
            f"{court.code} ({court.name}) citations exist only for {_span_text(court.years)}; "
            f"{year} is outside that range"
        )
    end = m.end("page")
    division = m["div"]
    if court.divisions:
        if division is None:
            if court.division_required:
                problems.append(f"{court.code} citations need a division in brackets")
        else:
            end = m.end()
            years = court.divisions.get(_abbr_key(division))
            if years is None:
                problems.append(f"unknown {court.code} division ({division})")
            elif not _in_range(year, years):
                problems.append(
                    f"{court.code} ({division}) exists only for {_span_text(years)}; "
                    f"{year} is outside that range"
                )
    number = int(m["page"]) if m["page"].isdigit() else 0
    if number == 0:
        problems.append("a judgment number must be a positive integer")
    problems.extend(_future(year, today))
    key = f"uk:neutral:{court.code}:{year}:{number}"
    citation = _make(m.string[m.start() : end], "uk_neutral", "uk", year, key, problems)
    return _Found(m.start(), end, _PRIORITY_SPECIFIC, citation, "neutral")


def _report(
    m: re.Match[str], series: _Series | None, series_text: str, *, square: bool, today: date
) -> _Found:
    year = int(m["y1"])
    volume = int(m["vol"]) if m["vol"] else None
    page = re.sub(r"\s", "", m["page"])
    problems: list[str] = []
    end = m.end("page")
    if series is None:
        problems.append(f"unknown law report series '{series_text}'")
        family: Family = "uk"
        kind: CitationKind = "uk_report"
        abbr = series_text
    else:
        family, kind, abbr = series.family, series.kind, series.abbr
        ranges = series.ranges
        if not square and series.earliest_decision is not None:
            ranges = ((series.earliest_decision, ranges[-1][1]),)
        if not any(_in_range(year, r) for r in ranges):
            spans = ", ".join(_span_text(r) for r in series.ranges)
            problems.append(f"{abbr} ({series.name}) covers {spans}; {year} is outside that range")
        if series.max_volume is not None and volume is not None and volume > series.max_volume:
            problems.append(f"{abbr} has {series.max_volume} volumes; volume {volume} is too high")
        if "-" in page:
            if abbr != "ECR":
                problems.append("I-/II- page prefixes belong to the European Court Reports")
            elif year < 1990:
                problems.append("the ECR was split into I- and II- parts only from 1990")
    if square and volume is not None and volume > 9:
        problems.append(f"volume {volume} is implausible for a series organised by year")
    problems.extend(_future(year, today))
    if family == "uk":
        problems.extend(_uk_court_problems(m.string, end, year))
    key = f"{family}:report:{abbr}:{year}:{volume or ''}:{page}"
    citation = _make(m.string[m.start() : end], kind, family, year, key, problems)
    priority = _PRIORITY_WEAK if series is None and "." in series_text else _PRIORITY_SPECIFIC
    return _Found(m.start(), end, priority, citation, "report", abbr)


_UK_COURT_PAREN_RE: Final = re.compile(r"\s*\((?P<court>[A-Z][A-Za-z ]{0,8}?)\)")


def _uk_court_problems(text: str, end: int, year: int) -> list[str]:
    """``[2015] AC 1 (HL)``: a court named after a report must have sat in the report's year."""
    m = _UK_COURT_PAREN_RE.match(text, end)
    if m is None:
        return []
    known = _TABLES.uk_court_parentheticals.get(_abbr_key(m["court"]))
    if known is None:
        return []
    name, years = known
    if _in_range(year, years):
        return []
    span = f"until {years[1]}" if years[0] <= _NO_START and years[1] else _span_text(years)
    return [f"the {name} ({m['court']}) sat {span}; {year} is outside that range"]


# Scottish reports put the year first without brackets: "1932 SC (HL) 31", "1990 SLT 1".
_SCOTS_RE: Final = re.compile(
    r"\b(?P<y1>1[89]\d\d|20\d\d)(?P<y2>(?!))?(?P<vol>(?!))?(?P<lr>(?!))?\s+"
    r"(?P<series>SC\s?\((?:HL|PC)\)|SC|SLT|SCLR|JC)\s+(?P<page>\d{1,5})(?![\d/])"
)


def _find_bracketed(text: str, today: date) -> list[_Found]:
    found: list[_Found] = []
    for m in _SQUARE_RE.finditer(text):
        series_text = re.sub(r"\s+", " ", m["series"]).strip()
        norm = _abbr_key(series_text)
        court = _TABLES.courts.get(norm)
        if court is not None:
            found.append(_neutral(m, court, today))
            continue
        series = _TABLES.series.get(norm)
        if series is None and not m["vol"] and _COURT_LIKE_RE.fullmatch(series_text):
            year = int(m["y1"])
            problems = [f"unknown court code '{series_text}'", *_future(year, today)]
            key = f"uk:neutral:{series_text}:{year}:{m['page']}"
            citation = _make(m[0], "uk_neutral", "uk", year, key, problems)
            found.append(_Found(m.start(), m.end(), _PRIORITY_SPECIFIC, citation, "neutral"))
            continue
        found.append(_report(m, series, series_text, square=True, today=today))
    for m in _ROUND_NO_VOLUME_RE.finditer(text):
        series_text = re.sub(r"\s+", " ", m["series"]).strip()
        series = _TABLES.series.get(_abbr_key(series_text))
        if series is not None and series.family == "uk":
            found.append(_report(m, series, series_text, square=False, today=today))
    for m in _SCOTS_RE.finditer(text):
        series_text = re.sub(r"\s+", " ", m["series"]).strip()
        series = _TABLES.series.get(_abbr_key(series_text))
        found.append(_report(m, series, series_text, square=True, today=today))
    for m in _ROUND_RE.finditer(text):
        series_text = re.sub(r"\s+", " ", m["series"]).strip()
        if m["lr"]:
            series_text = f"LR {series_text}"
        series = _TABLES.series.get(_abbr_key(series_text))
        found.append(_report(m, series, series_text, square=False, today=today))
    return found


_ICJ_RE: Final = re.compile(
    r"\bI\.?\s?C\.?\s?J\.?\s+Rep(?:orts|\.)?\s+(?P<year>\d{4}),?\s+"
    r"(?:p(?:p|age)?\.?\s*|at\s+)(?P<page>\d{1,4})\b"
)


# The PCIJ's series: "(1927) PCIJ Series A No 10", "1927 P.C.I.J. (ser. A) No. 10",
# "PCIJ Rep Series A/B No 53 (1933)".
_PCIJ_RE: Final = re.compile(
    r"(?:(?:\((?P<y1>\d{4})\)|(?P<y2>\d{4}))\s+)?"
    r"\bP\.?\s?C\.?\s?I\.?\s?J\.?(?:\s+Rep(?:orts|\.)?)?,?\s*"
    r"(?:\(\s*(?:Series|[Ss]er\.?)\s*(?P<s1>A/B|[ABC])\s*\)|(?:Series|[Ss]er\.?)\s*(?P<s2>A/B|[ABC]))"
    r",?\s*No\.?\s*(?P<num>\d{1,3})\b(?:,?\s*\((?P<y3>\d{4})\))?"
)


def _find_pcij(text: str, today: date) -> list[_Found]:
    found: list[_Found] = []
    for m in _scan(_PCIJ_RE, text, "C.I.J", "CIJ"):
        series = _TABLES.pcij[m["s1"] or m["s2"]]
        number = int(m["num"])
        raw_year = m["y1"] or m["y2"] or m["y3"]
        year = int(raw_year) if raw_year else None
        problems: list[str] = []
        low, high = series.numbers
        if not low <= number <= high:
            problems.append(
                f"PCIJ Series {series.series} runs from No {low} to No {high}; "
                f"No {number} does not exist"
            )
        if year is not None:
            problems.extend(_future(year, today))
            first, last = series.years
            if not first <= year <= last:
                problems.append(
                    f"PCIJ Series {series.series} covers {first}–{last}; "
                    f"{year} is outside that range"
                )
        key = f"intl:pcij:{series.series}:{number}"
        citation = _make(m[0], "intl_case", "intl", year, key, problems)
        found.append(_Found(m.start(), m.end(), _PRIORITY_SPECIFIC, citation, "report", "PCIJ"))
    return found


def _find_icj_reports(text: str, today: date) -> list[_Found]:
    found: list[_Found] = []
    for m in _ICJ_RE.finditer(text):
        year = int(m["year"])
        problems = _future(year, today)
        if year < 1947:
            problems.append("the ICJ Reports begin in 1947")
        key = f"intl:report:ICJ Rep:{year}::{m['page']}"
        citation = _make(m[0], "intl_case", "intl", year, key, problems)
        found.append(_Found(m.start(), m.end(), _PRIORITY_SPECIFIC, citation, "report", "ICJ Rep"))
    return found


# --------------------------------------------------------------------------------------------
# UK statutes and statutory instruments; US Acts share the name grammar
# --------------------------------------------------------------------------------------------

_CAP: Final = r"[A-Z][A-Za-z'’\-]*"
_CONNECTOR: Final = r"(?:of|and|the|for|to|from|in|on|with|by|at|&|etc\.)"
_NAME_PAREN: Final = r"\([A-Z][^()\n]{0,80}\)"
_ACT_NAME: Final = (
    rf"{_CAP}(?:\s+(?:{_CAP}|{_CONNECTOR}|{_NAME_PAREN}))*?"
    # A title listing its subjects: "Domestic Violence, Crime and Victims Act 2004".
    rf"|{_CAP}(?:\s+{_CAP})*(?:,\s+{_CAP}(?:\s+{_CAP})*)+\s+and\s+{_CAP}"
    rf"(?:\s+(?:{_CAP}|{_CONNECTOR}|{_NAME_PAREN}))*?"
)
_PROVISION_WORD: Final = (
    r"(?:ss?\.?|[Ss]ections?|[Ss]ec\.|regs?\.?|[Rr]egulations?|rr?\.?|[Rr]ules?|paras?\.?|"
    r"Sch(?:ed(?:ule)?)?\.?|[Aa]rts?\.?|[Aa]rticles?|Part)"
)
_PROVISION_NUM: Final = r"\d+[A-Za-z]{0,2}(?:\(\w{1,4}\))*"
# "section 172 of the Companies Act 2006" and "Companies Act 2006, s 172" name one provision.
_LEADING_PROVISION: Final = (
    rf"(?:(?P<lw>{_PROVISION_WORD})\s*(?P<ln>{_PROVISION_NUM})\s+of\s+(?:the\s+)?)?"
)
_TRAILING_PROVISION: Final = rf"(?:,?\s+(?P<tw>{_PROVISION_WORD})\s*(?P<tn>{_PROVISION_NUM}))?"
_UK_ACT_RE: Final = re.compile(
    rf"\b{_LEADING_PROVISION}(?P<name>{_ACT_NAME})\s+(?P<type>Act|Regulations|Rules|Order)\s+"
    rf"(?P<year>\d{{4}})\b{_TRAILING_PROVISION}"
)
_US_ACT_RE: Final = re.compile(
    rf"\b{_LEADING_PROVISION}(?P<name>{_ACT_NAME})\s+Act\s+of\s+(?P<year>\d{{4}})\b"
    rf"{_TRAILING_PROVISION}"
)
_PROVISION_KINDS: Final[Mapping[str, str]] = MappingProxyType(
    {"s": "s", "ss": "s", "se": "s", "re": "reg", "r": "r", "ru": "r", "pa": "para",
     "sc": "sch", "ar": "art", "pt": "part"}
)  # fmt: skip


def _provision_suffix(m: re.Match[str]) -> str:
    """``":s172"`` for the provision a statute match names, or ``""`` for the whole Act.

    Each provision is its own authority, as in a table of statutes: s 172 and s 174 of the
    Companies Act 2006 are two duties. Subsections belong to their section.
    """
    word, number = (m["lw"], m["ln"]) if m["lw"] else (m["tw"], m["tn"])
    if not word or not number:
        return ""
    token = word.casefold().rstrip(".")
    kind = "part" if token == "part" else _PROVISION_KINDS.get(token[:2], token[:1])
    if token in {"s", "ss"}:
        kind = "s"
    main = re.match(r"\d+[A-Za-z]{0,2}", number)
    return f":{kind}{main[0].casefold() if main else number}"


def _statute_start(m: re.Match[str], cut: int) -> int:
    return m.start() if m["lw"] else m.start("name") + cut


_SI_RE: Final = re.compile(
    r"\b(?P<pfx>S\.?\s?S\.?\s?I\.?|S\.?\s?I\.?)\s*(?:No\.?\s*)?(?P<year>\d{4})\s*/\s*"
    r"(?P<num>\d{1,5})\b"
)

# Words that start a sentence or clause rather than an Act's short title ("Under the Companies
# Act 2006"); they are stripped from the front of a matched name.
_NAME_STOPWORDS: Final = frozenset(
    {
        "a", "an", "and", "also", "applying", "as", "at", "because", "before", "both", "by",
        "consequently", "crucially", "even", "finally", "first", "following", "for", "from",
        "further", "furthermore", "however", "here", "if", "importantly", "in", "indeed",
        "its", "moreover", "note", "notably", "now", "of", "on", "once", "only", "or", "our",
        "per", "pursuant", "second", "section", "sections", "see", "similarly", "since", "so",
        "specifically", "than", "that", "the", "their", "then", "these", "third", "this",
        "those", "thus", "to", "under", "unlike", "upon", "via", "when", "where", "whereas",
        "whether", "which", "while", "with", "within",
    }
)  # fmt: skip


def _strip_name(name: str) -> tuple[str, int]:
    """Drop leading stop words; return the short title and how many characters were cut."""
    words = list(re.finditer(r"\S+", name))
    cut = 0
    for word in words:
        token = word[0]
        if token.casefold() in _NAME_STOPWORDS or not token[0].isupper():
            cut = word.end()
            continue
        break
    else:
        return "", len(name)
    rest = name[cut:]
    stripped = rest.lstrip()
    return stripped, cut + (len(rest) - len(stripped))


# Instruments named after their parent Act: "Equality Act 2010 (Disability) Regulations 2010".
# The longer span wins over the Act it names.
_UK_SI_AFTER_ACT_RE: Final = re.compile(
    rf"\b(?P<lw>(?!))?(?P<ln>(?!))?(?P<tw>(?!))?(?P<tn>(?!))?"
    rf"(?P<name>{_CAP}(?:\s+(?:{_CAP}|{_CONNECTOR}))*?\s+Act\s+\d{{4}}(?:\s+{_NAME_PAREN})?)"
    rf"\s+(?P<type>Regulations|Rules|Order)\s+(?P<year>\d{{4}})\b"
)
# The Civil Procedure Rules by part or rule: "CPR Part 24", "CPR r 54.5(1)", "CPR 31.6".
_CPR_RE: Final = re.compile(
    r"\bCPR\s*,?\s*(?:Part\s+(?P<part>\d{1,3})\b|(?:r(?:ule)?\.?\s*)?(?P<rp>\d{1,3})\.(?P<rule>\d{1,3}))"
)
_CPR_PARTS: Final = 89
# Old statutes titled "Statute of ...": "Statute of Frauds 1677".
_STATUTE_OF_RE: Final = re.compile(r"\bStatute\s+of\s+(?P<name>[A-Z][a-z]+)\s+(?P<year>\d{4})\b")


def uk_act_sections() -> Mapping[str, int]:
    """The audited length of UK Acts: title key ("occupiers liability act 1957") → highest
    section number."""
    return _TABLES.uk_act_sections


def _section_problems(act: str, name: str, kind: str, year: int, suffix: str) -> list[str]:
    """A section past the end of an Act whose length the tables know."""
    last = _TABLES.uk_act_sections.get(act)
    number = re.match(r":s(\d+)", suffix)
    if last is None or number is None or int(number[1]) <= last:
        return []
    return [f"the {name} {kind} {year} has {last} sections; section {number[1]} does not exist"]


def _find_uk_statutes(text: str, today: date) -> list[_Found]:
    found: list[_Found] = []
    for m in _scan(_CPR_RE, text, "CPR"):
        part = int(m["part"] or m["rp"])
        problems = (
            [] if 1 <= part <= _CPR_PARTS else [f"the CPR have {_CPR_PARTS} Parts, not {part}"]
        )
        key = f"uk:cpr:part{part}" if m["part"] else f"uk:cpr:{part}.{int(m['rule'])}"
        citation = _make(m[0], "uk_statute", "uk", None, key, problems)
        found.append(_Found(m.start(), m.end(), _PRIORITY_SPECIFIC, citation))
    for m in _scan(_STATUTE_OF_RE, text, "Statute of"):
        year = int(m["year"])
        key = f"uk:act:statute of {m['name'].casefold()} {year}"
        citation = _make(m[0], "uk_statute", "uk", year, key, _future(year, today))
        found.append(_Found(m.start(), m.end(), _PRIORITY_SPECIFIC, citation))
    after_act = _scan(_UK_SI_AFTER_ACT_RE, text, "Regulations", "Rules", "Order")
    for m in (*_UK_ACT_RE.finditer(text), *after_act):
        name, cut = _strip_name(m["name"])
        if not name:
            continue
        year = int(m["year"])
        problems = _future(year, today)
        if year < 1200:
            problems.append(f"year {year} is implausible for a statute")
        start = _statute_start(m, cut)
        act = f"{_title_key(name)} {m['type'].casefold()} {year}"
        suffix = _provision_suffix(m)
        problems.extend(_section_problems(act, name, m["type"], year, suffix))
        key = f"uk:act:{act}{suffix}"
        citation = _make(text[start : m.end()], "uk_statute", "uk", year, key, problems)
        found.append(_Found(start, m.end(), _PRIORITY_SPECIFIC, citation))
    for m in _SI_RE.finditer(text):
        year = int(m["year"])
        scottish = m["pfx"].replace(".", "").replace(" ", "").upper() == "SSI"
        first = 1999 if scottish else 1948
        problems = _future(year, today)
        if year < first:
            label = "Scottish statutory instruments" if scottish else "Statutory instruments"
            problems.append(f"{label} are numbered by year only from {first}")
        prefix = "SSI" if scottish else "SI"
        key = f"uk:si:{prefix} {year}/{int(m['num'])}"
        citation = _make(m[0], "uk_statute", "uk", year, key, problems)
        found.append(_Found(m.start(), m.end(), _PRIORITY_SPECIFIC, citation))
    return found


# --------------------------------------------------------------------------------------------
# US: eyecite for case law, regexes for codes, rules and the Constitution
# --------------------------------------------------------------------------------------------

_USC_RE: Final = re.compile(
    r"\b(?P<title>\d{1,3})\s+U\.?\s?S\.?\s?C\.?(?:\s?A\.?)?\s*(?:§§?|[Ss]ec(?:tion|\.)?s?)\s*"
    r"(?P<sec>\d+[a-zA-Z]*(?:[-–]\d+[a-zA-Z]*)?)(?:\([A-Za-z0-9]{1,4}\))*"
)
_UCC_RE: Final = re.compile(
    r"(?<![\w.])(?:U\.\s?C\.\s?C\.|UCC)\s*(?:§§?|[Ss]ection|[Ss]ec\.)\s*"
    r"(?P<art>\d{1,2}A?)\s?[-–]\s?(?P<sec>\d{3}[A-Za-z]?)(?:\([0-9a-z]{1,3}\))*"
)
# SEC rules are cited by their number alone: "Rule 10b-5" is 17 C.F.R. § 240.10b-5.
_RULE_10B5_RE: Final = re.compile(r"\b(?:SEC\s+)?Rule\s+10b-5\b")
_CFR_RE: Final = re.compile(
    r"\b(?P<title>\d{1,2})\s+(?:C\.\s?F\.\s?R\.|CFR)\s*(?:§§?|[Pp]arts?|pt\.)\s*"
    r"(?P<sec>\d+(?:\.[0-9A-Za-z]+(?:-[0-9A-Za-z]+)?)?)"
)
_FED_RULE_RE: Final = re.compile(
    r"\bFed\.\s?R\.\s?(?P<set>Civ\.\s?P|Crim\.\s?P|Evid|App\.\s?P|Bankr\.\s?P)\.?\s*"
    r"(?P<rule>\d{1,4}(?:\.\d)?)(?:\([A-Za-z0-9]{1,4}\))*"
)
_CONST_RE: Final = re.compile(
    r"\bU\.\s?S\.\s?Const\.?\s*,?\s*(?:amend\.?\s*(?P<amend>[IVXL]+|\d{1,2})|"
    r"art\.?\s*(?P<art>[IVX]+|\d))(?:\s*,\s*§\s*\d+)?(?:\s*,\s*cl\.\s*\d+)?"
)
_ORDINAL_WORDS: Final = (
    "First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth",
    "Tenth", "Eleventh", "Twelfth", "Thirteenth", "Fourteenth", "Fifteenth", "Sixteenth",
    "Seventeenth", "Eighteenth", "Nineteenth", "Twentieth",
)  # fmt: skip
_ORDINALS: Final[Mapping[str, int]] = MappingProxyType(
    {word: number for number, word in enumerate(_ORDINAL_WORDS, start=1)}
)
_AMENDMENT_RE: Final = re.compile(
    r"\b(?P<ord>(?:Twenty-)?(?:First|Second|Third|Fourth|Fifth|Sixth|Seventh|Eighth|Ninth)|"
    r"Tenth|Eleventh|Twelfth|Thirteenth|Fourteenth|Fifteenth|Sixteenth|Seventeenth|"
    r"Eighteenth|Nineteenth|Twentieth)\s+Amendment\b"
)
_DEL_RE: Final = re.compile(
    r"\b(?:(?P<title>\d{1,2})\s+Del\.\s?C(?:\.|ode)(?:\s?Ann\.)?|"
    r"Del\.\s?Code\s?Ann\.?\s*,?\s*tit\.\s*(?P<title2>\d{1,2}),?|DGCL)\s*§+\s*"
    r"(?P<sec>\d+(?:-\d+)?[a-z]?)"
)
# Restatements are secondary authority but cited like codes, by section; they are reported as
# "us_statute", the nearest kind.
_RESTATEMENT_RE: Final = re.compile(
    r"\bRestatement\s+\((?P<ed>First|Second|Third|Fourth|Fifth|Sixth|Seventh)\)\s+of\s+(?:the\s+)?"
    r"(?P<subject>[A-Z][A-Za-z]*(?:\s+(?:of|and|the|[A-Z][A-Za-z]*))*?)"
    r"(?::\s*[A-Z][A-Za-z ]{1,40}?)?\s*§+\s*(?P<sec>\d+[A-Za-z]?)"
)
_RESTATEMENT_EDITIONS: Final = frozenset({"First", "Second", "Third", "Fourth"})
# The highest rule number of each set of federal rules (supplemental and lettered rules aside).
_FED_RULE_LAST: Final[Mapping[str, int]] = MappingProxyType(
    {"civp": 86, "crimp": 61, "evid": 1103, "appp": 48, "bankrp": 9037}
)
_US_CODE_TITLES: Final = 54
_CFR_TITLES: Final = 50
_AMENDMENTS: Final = 27
_UCC_ARTICLES: Final = frozenset({"1", "2", "2A", "3", "4", "4A", "5", "6", "7", "8", "9"})


def _us_statute(
    m: re.Match[str], key: str, problems: Iterable[str], year: int | None = None
) -> _Found:
    citation = _make(m[0], "us_statute", "us", year, key, problems)
    return _Found(m.start(), m.end(), _PRIORITY_SPECIFIC, citation)


def _find_us_statutes(text: str, today: date) -> list[_Found]:
    found: list[_Found] = []
    for m in _USC_RE.finditer(text):
        title = int(m["title"])
        problems = []
        if not 1 <= title <= _US_CODE_TITLES:
            problems.append(f"the United States Code has titles 1–{_US_CODE_TITLES}, not {title}")
        section = re.match(r"\d+[a-zA-Z]*", m["sec"])
        key = f"us:usc:{title}:{section[0] if section else m['sec']}"
        found.append(_us_statute(m, key, problems))
    for m in _UCC_RE.finditer(text):
        article = m["art"]
        problems = [] if article in _UCC_ARTICLES else [f"the UCC has no Article {article}"]
        found.append(_us_statute(m, f"us:ucc:{article}-{m['sec']}", problems))
    for m in _CFR_RE.finditer(text):
        title = int(m["title"])
        problems = []
        if not 1 <= title <= _CFR_TITLES:
            problems.append(f"the Code of Federal Regulations has titles 1–{_CFR_TITLES}")
        found.append(_us_statute(m, f"us:cfr:{title}:{m['sec']}", problems))
    for m in _FED_RULE_RE.finditer(text):
        rule_set = re.sub(r"[\s.]", "", m["set"]).casefold()
        problems = []
        last = _FED_RULE_LAST.get(rule_set)
        if last is not None and float(m["rule"]) > last:
            problems.append(
                f"Fed. R. {m['set'].strip('.')}. has rules up to {last}, not {m['rule']}"
            )
        found.append(_us_statute(m, f"us:rule:{rule_set}:{m['rule']}", problems))
    for m in _scan(_RULE_10B5_RE, text, "10b-5"):
        found.append(_us_statute(m, "us:cfr:17:240.10b-5", []))
    for m in _CONST_RE.finditer(text):
        if m["amend"]:
            raw = m["amend"]
            number = int(raw) if raw.isdigit() else _roman_to_int(raw)
            problems = []
            if number is None or not 1 <= number <= _AMENDMENTS:
                problems.append(f"the US Constitution has {_AMENDMENTS} amendments, not {raw}")
            found.append(_us_statute(m, f"us:const:amend:{number or raw}", problems))
        else:
            raw = m["art"]
            number = int(raw) if raw.isdigit() else _roman_to_int(raw)
            problems = []
            if number is None or not 1 <= number <= 7:
                problems.append(f"the US Constitution has seven articles, not {raw}")
            found.append(_us_statute(m, f"us:const:art:{number or raw}", problems))
    for m in _AMENDMENT_RE.finditer(text):
        ordinal = m["ord"]
        number = _ORDINALS.get(ordinal, 0)
        if ordinal.startswith("Twenty-"):
            number = 20 + _ORDINALS[ordinal.removeprefix("Twenty-")]
        problems = []
        if number > _AMENDMENTS:
            problems.append(f"the US Constitution has {_AMENDMENTS} amendments")
        found.append(_us_statute(m, f"us:const:amend:{number}", problems))
    for m in _RESTATEMENT_RE.finditer(text):
        subject = _title_key(m["subject"])
        key = f"us:restatement:{m['ed'].casefold()}:{subject}:{m['sec']}"
        problems = []
        if m["ed"] not in _RESTATEMENT_EDITIONS:
            problems.append(f"there is no {m['ed']} Restatement: the series has reached the Fourth")
        found.append(_us_statute(m, key, problems))
    for m in _DEL_RE.finditer(text):
        del_title = int(m["title"] or m["title2"] or "8")  # DGCL is title 8
        found.append(_us_statute(m, f"us:del:{del_title}:{m['sec']}", []))
    for m in _scan(_US_ACT_RE, text, " Act of "):
        name, cut = _strip_name(m["name"])
        if not name:
            continue
        year = int(m["year"])
        problems = _future(year, today)
        if year < 1776:
            problems.append(f"year {year} predates the United States")
        start = _statute_start(m, cut)
        key = f"us:act:{_title_key(name)} act of {year}{_provision_suffix(m)}"
        citation = _make(text[start : m.end()], "us_statute", "us", year, key, problems)
        found.append(_Found(start, m.end(), _PRIORITY_SPECIFIC, citation))
    return found


# The year of a US case is the last four-digit number of the first parenthetical after the
# citation, before any ";" (which starts the next case in a string cite); what precedes the
# date in that parenthetical names the court ("9th Cir.", "S.D.N.Y. Mar. 3,").
_US_YEAR_RE: Final = re.compile(r"[^;()\n]{0,80}?\((?P<court>[^()]{0,80}?)\b(?P<year>\d{4})\)")
_PAREN_DATE_RE: Final = re.compile(
    r"(?:\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s*\d{0,2},?\s*)$"
)
_US_REPORTS_NAMES: Final = frozenset({"U.S."})
_S_CT_OFFSET: Final = 1880  # volume N of the Supreme Court Reporter covers about 1880 + N
_S_CT_TOLERANCE: Final = 2
# eyecite is skipped unless something US-shaped appears: US reporters carry a period ("U.S.",
# "F.3d", "S. Ct.") or are Westlaw numbers; UK and EU reports normally do not.
_EYECITE_HINT_RE: Final = re.compile(
    r"\d\s+[A-Z][A-Za-z]*(?:\s[A-Z][A-Za-z]*)?\.|\d\s+WL\b|§|"
    r"\d\s+(?:Cranch|Black|Dall|Wheat|Pet|How|Wall)\b"
)


def _us_reports_year(volume: int) -> tuple[int, int]:
    """The span of years a U.S. Reports volume can plausibly carry."""
    for first_vol, last_vol, first_year, last_year in _TABLES.us_nominative:
        if first_vol <= volume <= last_vol:
            return first_year, last_year
    anchors = _TABLES.us_anchors
    tol = _TABLES.us_tolerance
    if volume <= anchors[0][0]:
        return anchors[0][1] - tol, anchors[0][1] + tol
    for (v0, y0), (v1, y1) in pairwise(anchors):
        if v0 <= volume <= v1:
            estimate = y0 + (volume - v0) * (y1 - y0) / (v1 - v0)
            return round(estimate) - tol, round(estimate) + tol
    (v0, y0), (v1, y1) = anchors[-2], anchors[-1]
    estimate = y1 + (volume - v1) * (y1 - y0) / (v1 - v0)
    return round(estimate) - tol, round(estimate) + tol


@cache
def _us_court_years() -> Mapping[str, tuple[str, tuple[YearRange, ...]]]:
    """courts-db's dates per court citation string (``"9th Cir."`` → 1891–present).

    A string several courts share gets the union of their dates. Federal courts keep both
    their start and end dates; a state court's citation string often also named its
    predecessors, so state courts are checked only against the years they ended (an abolished
    court cannot decide a case later). ``us_court_overrides`` corrects strings whose courts-db
    dates are too narrow for how they are cited.
    """
    from courts_db import courts  # loaded on first use: a table of 2,800 courts

    table: dict[str, tuple[str, list[YearRange]]] = {}
    for court in courts:
        label = court.get("citation_string")
        if not label:
            continue
        federal = court.get("system") == "federal"
        spans: list[YearRange] = []
        for dates in court.get("dates") or ():
            start, end = dates.get("start"), dates.get("end")
            if not federal:
                start = None
                if end is None:
                    spans = []
                    break
            first = int(start[:4]) if start else _NO_START
            spans.append((first, int(end[:4]) if end else None))
        if not spans:
            spans = [(_NO_START, None)]
        entry = table.setdefault(_court_key(label), (label, []))
        entry[1].extend(spans)
    result = {key: (label, tuple(spans)) for key, (label, spans) in table.items()}
    for key, overridden in _TABLES.us_court_overrides.items():
        label = result[key][0] if key in result else key
        result[key] = (label, overridden)
    return MappingProxyType(result)


@cache
def _us_court_name_table() -> Mapping[str, tuple[str, ...]]:
    from courts_db import courts

    names: dict[str, list[str]] = {}
    for court in courts:
        label = court.get("citation_string")
        if label and court.get("name"):
            names.setdefault(_court_key(label), []).append(str(court["name"]))
    return MappingProxyType({key: tuple(value) for key, value in names.items()})


def us_court_names(parenthetical: str) -> tuple[str, ...]:
    """courts-db's names for the court a US citation's parenthetical names ("Del. Ch." →
    "Court of Chancery of Delaware"); empty when courts-db does not know the string."""
    court_text = _PAREN_DATE_RE.sub("", parenthetical).strip(" ,")
    return _us_court_name_table().get(_court_key(court_text), ()) if court_text else ()


def _us_court_problems(parenthetical: str, year: int) -> list[str]:
    """A court named in a US citation's parenthetical must have existed in the year given."""
    court_text = _PAREN_DATE_RE.sub("", parenthetical).strip(" ,")
    if not court_text:
        return []
    found = _us_court_years().get(_court_key(court_text))
    if found is None:
        return []
    label, spans = found
    if any(_in_range(year, span) for span in spans):
        return []
    when = ", ".join(
        f"until {span[1]}" if span[0] <= _NO_START and span[1] is not None else _span_text(span)
        for span in spans
    )
    return [f"the court cited as '{label}' sat only {when}; {year} is outside that range"]


def _in_range_tolerant(year: int, span: YearRange, tolerance: int) -> bool:
    start, end = span
    return start - tolerance <= year and (end is None or year <= end + tolerance)


def _nominative_problems(groups: Mapping[str, str], reporter: str, volume: int | None) -> list[str]:
    """``5 U.S. (1 Cranch) 137``: the nominative volume must be the one the U.S. volume was."""
    nom_reporter, nom_volume = groups.get("reporter_nominative"), groups.get("volume_nominative")
    if not nom_reporter or not nom_volume or not nom_volume.isdigit():
        return []
    known = _TABLES.us_nominative_reporters.get(_abbr_key(nom_reporter))
    if known is None or reporter not in _US_REPORTS_NAMES or volume is None:
        return []
    abbr, first_us, count = known
    number = int(nom_volume)
    if not 1 <= number <= count:
        return [f"{abbr} has {count} volumes; volume {number} does not exist"]
    expected = first_us + number - 1
    if volume != expected:
        return [f"{number} {abbr} is U.S. Reports volume {expected}, not {volume}"]
    return []


def _us_case_problems(cite: Any, reporter: str, volume: int | None, year: int) -> list[str]:
    problems: list[str] = []
    if reporter in _US_REPORTS_NAMES and volume is not None:
        low, high = _us_reports_year(volume)
        if not low <= year <= high:
            problems.append(
                f"U.S. Reports volume {volume} covers about {low}–{high}; {year} is implausible"
            )
        return problems
    if reporter == "S. Ct." and volume is not None:
        expected = _S_CT_OFFSET + volume
        if abs(year - expected) > _S_CT_TOLERANCE:
            problems.append(
                f"S. Ct. volume {volume} covers about {expected}; {year} is implausible"
            )
        return problems
    if reporter == "WL" and volume is not None and volume != year:
        problems.append(f"a Westlaw citation's volume is its year ({volume}), not {year}")
        return problems
    tolerance = 0
    audited = _TABLES.us_reporter_ranges.get(reporter)
    if audited is not None:
        spans: list[YearRange] = [audited]
        tolerance = _TABLES.us_reporter_tolerance
    else:
        editions = list(getattr(cite, "all_editions", None) or [])
        if not editions and getattr(cite, "edition_guess", None) is not None:
            editions = [cite.edition_guess]
        spans = []
        for edition in editions:
            start = edition.start.year if edition.start is not None else 1600
            end = edition.end.year if edition.end is not None else None
            spans.append((start, end))
    if spans and not any(_in_range_tolerant(year, span, tolerance) for span in spans):
        ranges = ", ".join(_span_text(span) for span in spans)
        problems.append(f"{reporter} covers {ranges}; {year} is outside that range")
    return problems


# eyecite's get_citations also finds each citation's case name, pin cite and court (the court
# by matching the parenthetical against every court in courts-db, ~50 ms each). We need none
# of that: the year and court are read from the text below and the case name by the verifier.
# So only eyecite's tokenizer runs, on windows of text around what looks like a US citation,
# and each citation token becomes a citation object without that metadata.
_WINDOW_BEFORE: Final = 40
_WINDOW_AFTER: Final = 60


def _windows(text: str) -> list[tuple[int, int]]:
    spans: list[list[int]] = []
    for m in _EYECITE_HINT_RE.finditer(text):
        start, end = max(0, m.start() - _WINDOW_BEFORE), min(len(text), m.end() + _WINDOW_AFTER)
        while start > 0 and not text[start - 1].isspace():
            start -= 1
        while end < len(text) and not text[end].isspace():
            end += 1
        if spans and start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    return [(a, b) for a, b in spans]


def _eyecite_citations(text: str) -> list[tuple[int, Any]]:
    """``(offset, citation)`` for every full case or law citation eyecite's tokenizer finds."""
    found: list[tuple[int, Any]] = []
    for start, end in _windows(text):
        document: Any = Document(plain_text=text[start:end])
        document.tokenize(tokenizer=default_tokenizer)
        for index, token in document.citation_tokens:
            if type(token) is not CitationToken or token.short:
                continue
            editions = token.exact_editions or token.variation_editions
            sources = {edition.reporter.source for edition in editions}
            kind = (
                FullCaseCitation
                if "reporters" in sources
                else FullLawCitation
                if "laws" in sources
                else None
            )
            if kind is not None:
                cite = kind(
                    token,
                    index,
                    exact_editions=token.exact_editions,
                    variation_editions=token.variation_editions,
                )
                found.append((start, cite))
    return found


def _find_us_cases(text: str, today: date) -> list[_Found]:
    if not _EYECITE_HINT_RE.search(text):
        return []
    try:
        cites = _eyecite_citations(text)
    except Exception:  # eyecite is third-party; a crash must not take the gate down
        logger.warning("eyecite_failed", exc_info=True)
        return []
    found: list[_Found] = []
    for offset, cite in cites:
        if isinstance(cite, FullCaseCitation):
            found.append(_us_case(text, cite, today, offset))
        else:
            found.append(_us_law(text, cite, offset))
    return found


def _us_law(text: str, cite: Any, offset: int) -> _Found:
    """A state code or other statute eyecite knows and our own patterns do not.

    The key is the citation as written, without subsections: eyecite's own normalised form
    and groups vary between runs for codes with several spellings (it sometimes drops the
    subject, "N.Y. Gen. Oblig. Law" becoming "N.Y. Law"), and a key must not.
    """
    start, end = (offset + position for position in cite.span())
    written = re.sub(r"(?:\s*\([A-Za-z0-9]{1,4}\))+$", "", text[start:end])
    key = "us:law:" + re.sub(r"\s+", " ", written).strip().casefold()
    citation = _make(text[start:end], "us_statute", "us", None, key, [])
    return _Found(start, end, _PRIORITY_EYECITE, citation)


@cache
def _reporter_spellings() -> Mapping[str, str]:
    """reporters-db's spellings of each reporter ("F. 3d", "F3d") → its standard abbreviation
    ("F.3d"); a spelling two reporters share resolves to the alphabetically first, so keys
    never depend on the order eyecite happens to try them."""
    from reporters_db import REPORTERS  # loaded with eyecite already; read once

    table: dict[str, str] = {}
    for reporters in REPORTERS.values():
        for reporter in reporters:
            pairs = [(name, name) for name in reporter["editions"]]
            pairs += list(reporter.get("variations", {}).items())
            for spelling, standard in pairs:
                key = _abbr_key(spelling)
                if key not in table or standard < table[key]:
                    table[key] = standard
    return MappingProxyType(table)


def _canonical_reporter(reporter: str) -> str:
    return _reporter_spellings().get(_abbr_key(reporter), re.sub(r"\s+", " ", reporter.strip()))


# A nominative volume in brackets ("5 U.S. (1 Cranch) 137") is part of how the case is written,
# not of which case it is: the key drops it, so "5 U.S. 137" is the same authority.
_NOMINATIVE_IN_KEY_RE: Final = re.compile(r"\s*\(\d+\s+[^()]*\)\s*")


def _us_case(text: str, cite: Any, today: date, offset: int) -> _Found:
    start, end = (offset + position for position in cite.span())
    groups: Mapping[str, str] = cite.groups
    reporter = str(groups.get("reporter", "")).strip()
    volume_text = str(groups.get("volume", ""))
    volume = int(volume_text) if volume_text.isdigit() else None
    year_match = _US_YEAR_RE.match(text, end)
    year = int(year_match["year"]) if year_match else None
    problems: list[str] = _nominative_problems(groups, reporter, volume)
    if year is not None:
        problems.extend(_future(year, today))
        problems.extend(_us_case_problems(cite, reporter, volume, year))
        if year_match is not None:
            problems.extend(_us_court_problems(year_match["court"], year))
    page = str(groups.get("page", "")).strip()
    if volume_text and page:
        key = f"us:case:{volume_text} {_canonical_reporter(reporter)} {page}"
    else:
        corrected = _NOMINATIVE_IN_KEY_RE.sub(" ", str(cite.corrected_citation()))
        key = "us:case:" + re.sub(r"\s+", " ", corrected).strip()
    citation = _make(text[start:end], "us_case", "us", year, key, problems)
    return _Found(start, end, _PRIORITY_EYECITE, citation, "report", reporter)


def _public_domain_alternatives() -> str:
    forms = sorted(_TABLES.us_public_domain, key=len, reverse=True)
    return "|".join(r"\s".join(re.escape(part) for part in form.split()) for form in forms)


# "2005 ND 12", "2011 IL App (1st) 101234", "2003-Ohio-1234": the year is the volume.
_PUBLIC_DOMAIN_RE: Final = re.compile(
    rf"\b(?P<year>1[89]\d\d|20\d\d)(?P<sep>[\s-])(?P<court>{_public_domain_alternatives()})"
    r"(?P=sep)(?P<num>\d{1,6})(?![\d/])"
)


def _find_us_public_domain(text: str, today: date) -> list[_Found]:
    found: list[_Found] = []
    for m in _PUBLIC_DOMAIN_RE.finditer(text):
        year = int(m["year"])
        court = re.sub(r"\s+", " ", m["court"])
        first = _TABLES.us_public_domain[court]
        problems = _future(year, today)
        if year < first:
            problems.append(
                f"'{court}' public-domain citations exist only from {first}; {year} is too early"
            )
        number = int(m["num"])
        if number == 0:
            problems.append("a public-domain citation number must be positive")
        # A year in a following parenthetical must be the citation's own.
        after = _US_YEAR_RE.match(text, m.end())
        if after is not None and int(after["year"]) != year and not after["court"].strip():
            problems.append(
                f"a '{year} {court}' citation was decided in {year}, not {after['year']}"
            )
        key = f"us:case:{year} {court} {number}"
        citation = _make(m[0], "us_case", "us", year, key, problems)
        found.append(_Found(m.start(), m.end(), _PRIORITY_SPECIFIC, citation, "report", court))
    return found


# --------------------------------------------------------------------------------------------
# EU: case numbers, ECLI, legislation
# --------------------------------------------------------------------------------------------

_DASH: Final = r"[-‑–]"
_EU_NO: Final = rf"(?:[CTF]\s?{_DASH}\s?)?\d{{1,4}}/\d{{2}}(?![\d/])(?:\s?P\b)?"
_EU_CASE_RE: Final = re.compile(
    rf"(?:\b(?P<word>(?:Joined\s+)?Cases?)\s+)?(?<![\w/\-‑–])(?P<first>{_EU_NO})"
    rf"(?P<rest>(?:\s*(?:,|and|&|to)\s*(?:Case\s+)?(?:[CTF]\s?{_DASH}\s?)?\d{{1,4}}/\d{{2}}"
    rf"(?![\d/])(?:\s?P\b)?)*)"
)
_EU_NO_PARTS_RE: Final = re.compile(
    rf"(?:(?P<pfx>[CTF])\s?{_DASH}\s?)?(?P<num>\d+)/(?P<yy>\d{{2}})"
)

_EU_COURT_FIRST_YEAR: Final[Mapping[str, YearRange]] = MappingProxyType(
    {
        # Cases pending when the Court of First Instance opened (1989) were renumbered with C-,
        # so C- numbers with a lodging year from the mid-1980s are real (C-62/86 AKZO).
        "C": (1985, None),
        "T": (1989, None),
        "F": (2005, 2016),
        "": (1953, 1989),
    }
)
_EU_COURT_LABEL: Final[Mapping[str, str]] = MappingProxyType(
    {
        "C": "C- (Court of Justice) case numbers date from 1989",
        "T": "T- (General Court) case numbers start in 1989",
        "F": "F- (Civil Service Tribunal) cases exist only for 2005–2016",
        "": "case numbers without a C-/T- prefix were used only up to 1989",
    }
)


def _eu_case_number(raw: str, today: date) -> tuple[str, int, list[str]]:
    parts = _EU_NO_PARTS_RE.search(raw)
    if parts is None:  # pragma: no cover - the outer regex guarantees the shape
        return raw, 0, ["malformed EU case number"]
    prefix = parts["pfx"] or ""
    number = int(parts["num"])
    yy = int(parts["yy"])
    year = _two_digit_year(yy, today) if prefix else 1900 + yy
    problems: list[str] = []
    if number == 0:
        problems.append("an EU case number must be positive")
    if not _in_range(year, _EU_COURT_FIRST_YEAR[prefix]):
        problems.append(f"{_EU_COURT_LABEL[prefix]}; {year} is implausible")
    normalised = f"{prefix}-{number}/{yy:02d}" if prefix else f"{number}/{yy:02d}"
    return normalised, year, problems


def _find_eu_cases(text: str, today: date) -> list[_Found]:
    found: list[_Found] = []
    for m in _EU_CASE_RE.finditer(text):
        first = m["first"]
        if not m["word"] and not re.match(r"[CTF]", first):
            continue  # a bare "26/62" is more likely a fraction or a date than a case
        number, year, problems = _eu_case_number(first, today)
        for other in re.finditer(_EU_NO, m["rest"] or ""):
            problems.extend(_eu_case_number(other[0], today)[2])
        problems.extend(_future(year, today))
        citation = _make(m[0], "eu_case", "eu", year, f"eu:case:{number}", problems)
        found.append(_Found(m.start(), m.end(), _PRIORITY_SPECIFIC, citation, "identifier"))
    return found


# Commission competition and state aid cases: "Case AT.39740", "COMP/C-3/37.792" (the same
# register, older style), mergers "Case M.7932" / "COMP/M.4439", state aid "SA.38373".
_EU_COMMISSION_RE: Final = re.compile(
    r"\b(?:Case\s+)?(?P<register>AT\.|(?:COMP|IV)/(?:[A-Z]-?\d/)?(?P<old_merger>M\.)?|M\.|SA\.)"
    r"\s?(?P<num>\d{1,2}\.?\d{3})\b"
)


# The Court of Justice's opinions on international agreements: "Opinion 2/13" (from 1975).
_EU_OPINION_RE: Final = re.compile(r"\bOpinion\s+(?P<num>\d{1,2})/(?P<yy>\d{2})(?![\d/])")


def _find_eu_commission_cases(text: str, today: date) -> list[_Found]:
    found: list[_Found] = []
    for m in _EU_COMMISSION_RE.finditer(text):
        register = m["register"]
        if register == "SA.":
            kind = "stateaid"
        elif register == "M." or m["old_merger"]:
            kind = "merger"
        else:
            kind = "comp"
        key = f"eu:{kind}:{int(m['num'].replace('.', ''))}"
        citation = _make(m[0], "eu_case", "eu", None, key, [])
        found.append(_Found(m.start(), m.end(), _PRIORITY_SPECIFIC, citation, "identifier"))
    for m in _scan(_EU_OPINION_RE, text, "Opinion"):
        yy = int(m["yy"])
        year = 1900 + yy if yy >= 75 else 2000 + yy
        problems = _future(year, today)
        key = f"eu:opinion:{int(m['num'])}/{m['yy']}"
        citation = _make(m[0], "eu_case", "eu", year, key, problems)
        found.append(_Found(m.start(), m.end(), _PRIORITY_SPECIFIC, citation, "identifier"))
    return found


_ECLI_RE: Final = re.compile(r"\bECLI:[^\s,;()\[\]<>\"']+|\bEU:[CTF]:\d{4}:\d{1,6}\b")
_ECLI_STRICT_RE: Final = re.compile(
    r"ECLI:(?P<cc>[A-Z]{2}):(?P<court>[A-Z0-9]{1,7}):(?P<year>\d{4}):"
    r"(?P<ord>[A-Za-z0-9](?:[A-Za-z0-9.]{0,23}[A-Za-z0-9])?)"
)
_EU_MEMBER_STATES: Final = frozenset(
    {
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "GR", "HR",
        "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    }
)  # fmt: skip


def _find_eclis(text: str, today: date) -> list[_Found]:
    found: list[_Found] = []
    for m in _ECLI_RE.finditer(text):
        raw = m[0].rstrip(".:")
        end = m.start() + len(raw)
        ecli = raw if raw.startswith("ECLI:") else f"ECLI:{raw}"
        strict = _ECLI_STRICT_RE.fullmatch(ecli)
        problems: list[str] = []
        year: int | None = None
        family: Family = "eu"
        if strict is None:
            problems.append(
                "malformed ECLI: expected ECLI:<country>:<court>:<year>:<ordinal> "
                "(two-letter country, court code of up to 7 characters, four-digit year)"
            )
        else:
            year = int(strict["year"])
            country = strict["cc"]
            problems.extend(_future(year, today))
            if country == "EU":
                years = _TABLES.eu_ecli_courts.get(strict["court"])
                if years is None:
                    problems.append(f"unknown EU court code '{strict['court']}' (C, T or F)")
                elif not _in_range(year, years):
                    problems.append(
                        f"the EU court '{strict['court']}' gave judgments only "
                        f"{_span_text(years)}; {year} is outside that range"
                    )
            elif country == "CE":
                family = "echr"
                if year < _TABLES.echr_first:
                    problems.append(
                        f"the European Court of Human Rights gave its first judgment in "
                        f"{_TABLES.echr_first}; {year} is too early"
                    )
            elif country not in _EU_MEMBER_STATES:
                family = "intl"
        key = f"{family}:ecli:{ecli.upper()}"
        citation = _make(text[m.start() : end], "eu_ecli", family, year, key, problems)
        found.append(_Found(m.start(), end, _PRIORITY_SPECIFIC, citation, "report", "ECLI"))
    return found


_EU_ISSUER: Final = (
    r"(?:(?:Council|Commission)\s+(?:Implementing\s+|Delegated\s+)?|"
    r"European\s+Parliament\s+and\s+(?:of\s+the\s+)?Council\s+)?"
)
_EU_ARTICLE: Final = r"(?:Articles?|Arts?\.?|arts?\.?)\s*"
_EU_LEADING_ARTICLE: Final = (
    rf"(?:{_EU_ARTICLE}(?P<lart>\d{{1,3}})(?:\([a-z0-9]{{1,4}}\))*\s+of\s+(?:the\s+)?)?"
)
_EU_TRAILING_ARTICLE: Final = rf"(?:,?\s+{_EU_ARTICLE}(?P<tart>\d{{1,3}})(?:\([a-z0-9]{{1,4}}\))*)?"
_EU_NEW_RE: Final = re.compile(
    rf"\b{_EU_LEADING_ARTICLE}{_EU_ISSUER}(?P<type>Regulation|Directive|Decision)\s+"
    r"\((?P<sfx>EU|EC|EEC|Euratom|EU,\s?Euratom|EC,\s?Euratom|CFSP)\)\s+"
    rf"(?P<no>No\.?\s*)?(?P<a>\d{{1,4}})/(?P<b>\d{{1,4}})(?![\d/]){_EU_TRAILING_ARTICLE}"
)
_EU_OLD_RE: Final = re.compile(
    rf"\b{_EU_LEADING_ARTICLE}{_EU_ISSUER}(?P<type>Directive|Decision|Regulation)\s+"
    r"(?:No\.?\s*)?(?P<year>\d{4}|\d{2})/(?P<num>\d{1,4})/(?P<sfx>EEC|EC|EU|Euratom|CFSP)\b"
    rf"{_EU_TRAILING_ARTICLE}"
)


def _eu_article_suffix(m: re.Match[str]) -> str:
    article = m["lart"] or m["tart"]
    return f":art{int(article)}" if article else ""


def _eu_year(raw: str) -> int:
    value = int(raw)
    return 1900 + value if len(raw) == 2 else value


def _eu_legislation_problems(year: int, suffix: str, today: date) -> list[str]:
    problems = _future(year, today)
    if year < 1958:
        problems.append(f"EU legislation dates from 1958; {year} is too early")
    base = suffix.split(",")[0].strip()
    if base == "EEC" and year > 1993:
        problems.append("the EEC suffix was replaced by EC in November 1993")
    elif base == "EC" and not 1993 <= year <= 2009:
        problems.append("the EC suffix was used only from 1993 to 2009")
    elif base == "EU" and year < 2009:
        problems.append("the EU suffix dates from December 2009")
    return problems


def _find_eu_legislation(text: str, today: date) -> list[_Found]:
    found: list[_Found] = []
    for m in _EU_NEW_RE.finditer(text):
        a, b = m["a"], m["b"]
        if not m["no"] and len(a) == 4 and int(a) >= 2015 and m["sfx"].startswith("EU"):
            year, number = int(a), int(b)  # 2015 onwards: (EU) YYYY/N
        else:
            year, number = _eu_year(b), int(a)  # before 2015: (EC) No N/YYYY
        problems = _eu_legislation_problems(year, m["sfx"], today)
        key = f"eu:leg:{m['type'].casefold()}:{year}/{number}{_eu_article_suffix(m)}"
        citation = _make(m[0], "eu_legislation", "eu", year, key, problems)
        found.append(_Found(m.start(), m.end(), _PRIORITY_SPECIFIC, citation))
    for m in _EU_OLD_RE.finditer(text):
        year, number = _eu_year(m["year"]), int(m["num"])
        problems = _eu_legislation_problems(year, m["sfx"], today)
        if year >= 2015:
            problems.append("from 2015 EU acts are numbered '(EU) YYYY/N'")
        key = f"eu:leg:{m['type'].casefold()}:{year}/{number}{_eu_article_suffix(m)}"
        citation = _make(m[0], "eu_legislation", "eu", year, key, problems)
        found.append(_Found(m.start(), m.end(), _PRIORITY_SPECIFIC, citation))
    return found


# --------------------------------------------------------------------------------------------
# Treaties and named instruments: "Article 102 TFEU", "ICCPR, art 14", "GATT 1994, Article XX"
# --------------------------------------------------------------------------------------------


def _alias_pattern(alias: str) -> str:
    return r"\s+".join(re.escape(part) for part in alias.split())


_ALIAS_ALT: Final = "|".join(
    _alias_pattern(alias) for alias in sorted(_TABLES.instruments, key=len, reverse=True)
)
_ART_WORD: Final = r"(?:Articles?|Arts?\.?|arts?\.?)"
_ART_NUM: Final = (
    r"(?:[IVXL]{1,7}(?::\d{1,2})?|\d{1,3}[a-z]?(?:\.\d{1,2})*)(?:\s?\([a-z0-9]{1,4}\))*"
)
_TREATY_AFTER_RE: Final = re.compile(
    rf"\b{_ART_WORD}\s*(?P<nums>{_ART_NUM}(?:\s*(?:,|and|&|to|or|[-–])\s*{_ART_NUM})*)\s+"
    rf"(?:of\s+(?:the\s+)?)?(?:\d{{4}}\s+)?(?P<alias>{_ALIAS_ALT})(?![\w-])"
)
_TREATY_BEFORE_RE: Final = re.compile(
    rf"\b(?P<alias>{_ALIAS_ALT})(?:\s+\d{{4}}|\s*\([^()\n]{{1,40}}\))?,?\s+{_ART_WORD}\s*"
    rf"(?P<nums>{_ART_NUM}(?:\s*(?:,|and|&|to|or|[-–])\s*{_ART_NUM})*)"
)
_ART_MAIN_RE: Final = re.compile(r"(?<![A-Za-z(])(?:[IVXL]+|\d+)(?![A-Za-z)])")


def _article_problems(nums: str, instrument: _Instrument) -> list[str]:
    problems: list[str] = []
    for main in _ART_MAIN_RE.findall(nums):
        number = int(main) if main.isdigit() else _roman_to_int(main)
        if number is None:
            problems.append(f"'{main}' is not a valid article number")
        elif number == 0 or number > instrument.max_article:
            problems.append(
                f"{instrument.key} has {instrument.max_article} articles; "
                f"Article {main} does not exist"
            )
    return problems


def _article_suffix(nums: str) -> str:
    """``":art102"`` for the first article cited; Roman and Arabic numerals compare equal."""
    mains = _ART_MAIN_RE.findall(nums)
    if not mains:
        return ""
    main = mains[0]
    number = int(main) if main.isdigit() else _roman_to_int(main)
    return f":art{number if number is not None else main}"


def instrument_key(name: str) -> str | None:
    """The key of a treaty or named instrument cited by its title alone ("Treaty on the
    Functioning of the European Union", "UNCLOS"), or ``None`` for a name the tables do not
    know. Running text needs an article to count as a citation; the authority index also
    lists instruments as a whole."""
    instrument = _TABLES.instruments.get(re.sub(r"\s+", " ", name.strip()))
    if instrument is None:
        return None
    return instrument.legislation_key or f"{instrument.family}:treaty:{instrument.key}"


def _find_treaties(text: str, today: date) -> list[_Found]:
    del today  # instrument years come from the table, never from the text
    found: list[_Found] = []
    for pattern in (_TREATY_AFTER_RE, _TREATY_BEFORE_RE):
        for m in pattern.finditer(text):
            alias = re.sub(r"\s+", " ", m["alias"])
            instrument = _TABLES.instruments[alias]
            problems = _article_problems(m["nums"], instrument)
            base = instrument.legislation_key or f"{instrument.family}:treaty:{instrument.key}"
            key = base + _article_suffix(m["nums"])
            citation = _make(
                m[0], instrument.kind, instrument.family, instrument.year, key, problems
            )
            found.append(_Found(m.start(), m.end(), _PRIORITY_SPECIFIC, citation))
    return found


# --------------------------------------------------------------------------------------------
# International tribunals: ECtHR applications, WTO reports, ICSID and PCA cases
# --------------------------------------------------------------------------------------------

_ECHR_APP_RE: Final = re.compile(
    r"(?:\b(?:[Aa]pplication|[Aa]pp\.?)\s+(?:[Nn]os?\.?\s*)?|\b[Nn]os?\.\s?(?=\d{3}))"
    r"(?P<num>\d{1,6})/(?P<yy>\d{2})(?![\d/])"
)
_WTO_RE: Final = re.compile(
    r"\bWT/DS(?P<num>\d{1,4})/(?P<doc>AB/RW?|RW?|ARB|\d{1,3})(?:/[A-Z]{3})?(?:/Add\.\d+)?"
    r"(?![\w/])"
)
# The European Court of Human Rights' own reports before 1996: "Series A no. 161",
# "(1989) Series A no 161", "Series A no. 145-B". Not the PCIJ's Series A, which names the PCIJ.
_ECHR_SERIES_A_RE: Final = re.compile(
    r"(?:\((?P<y1>\d{4})\)\s+)?(?<!PCIJ )(?<!P\.C\.I\.J\. )\bSeries\s+A\s*,?\s+[Nn]o\.?\s*"
    r"(?P<num>\d{1,3})(?:-(?P<part>[A-Z]))?\b(?:,?\s*\((?P<y2>\d{4})\)(?!\s*\d))?"
)
_ECHR_SERIES_A_YEARS: Final = (1960, 1999)
# UN Security Council resolutions "S/RES/827 (1993)" and ICC Review Conference ones "RC/Res.6".
_UNSC_RE: Final = re.compile(r"\bS/RES/(?P<num>\d{1,4})\s*(?:\((?P<year>\d{4})\))?")
_RC_RES_RE: Final = re.compile(r"\bRC/Res\.\s?(?P<num>\d{1,2})\b")
# WTO General Council and Ministerial decisions: "WT/L/432" (China's accession protocol).
_WTO_DECISION_RE: Final = re.compile(r"\bWT/L/(?P<num>\d{1,4})\b")
_ICSID_RE: Final = re.compile(
    r"\bICSID\s+Case\s+No\.?\s*(?P<type>ARB(?:\(AF\))?|ADHOC(?:\(AF\))?|ADM|CONC(?:\(AF\))?|UNCT)"
    r"/(?P<yy>\d{2})/(?P<num>\d{1,3})\b"
)
_PCA_RE: Final = re.compile(
    r"\bPCA\s+Case\s+No\.?\s*(?:(?P<year>\d{4})\s*[-–]\s*(?P<num>\d{1,3})|AA\s?(?P<aa>\d{1,4}))\b"
)
_ITLOS_RE: Final = re.compile(r"\bITLOS\s+Case\s+No\.?\s*(?P<num>\d{1,3})\b")
# ICC records: situation "ICC-01/04", case "ICC-01/04-01/06", filing "ICC-02/17-138".
_ICC_RE: Final = re.compile(
    r"\bICC-(?P<situation>\d{2}/(?P<yy>\d{2}))(?:-(?P<case>\d{2}/(?P<cyy>\d{2})|\d{1,4}))?"
    r"(?![\d/])"
)
# ICTY "IT-94-1-AR72" (Tadić), ICTR "ICTR-96-4-T" (Akayesu).
_TRIBUNAL_RE: Final = re.compile(
    r"\b(?P<court>IT|ICTR)-(?P<yy>\d{2})-(?P<num>\d{1,3})(?:/\d)?"
    r"(?:-(?:AR\d{2}(?:\.\d)?|A|T|I|PT|R77|AR))?\b"
)
_TRIBUNAL_YEARS: Final[Mapping[str, YearRange]] = MappingProxyType(
    {"IT": (1993, 2017), "ICTR": (1994, 2015)}
)
# Ad hoc investment awards have no case number: "Saluka Investments BV v Czech Republic,
# UNCITRAL, Partial Award (17 March 2006)". The parties name the case.
_UNCITRAL_AWARD_RE: Final = re.compile(
    r"(?P<parties>[A-Z](?:[^,;()\n]|,\s(?:Inc|Ltd|LLC|S\.A|plc|Corp|Co)\.?){1,80}?\s+v\.?\s+"
    r"[A-Z][^,;()\n]{1,80}?),\s+UNCITRAL,\s+"
    r"(?:(?:Partial|Final|Interim)\s+)?(?:Award|Decision)[^()\n]{0,60}?"
    r"\((?:[^()\n]{0,30}\b)?(?P<year>\d{4})\)"
)
# UN treaty bodies: "Communication No 488/1992", "UN Doc CCPR/C/50/D/488/1992".
_UN_COMMUNICATION_RE: Final = re.compile(
    r"\bCommunication\s+No\.?\s*(?P<num>\d{1,4})/(?P<year>\d{4})\b|"
    r"\b(?P<body>CCPR|CAT|CEDAW|CERD|CRC|CRPD|E/C\.12)/C/\d{1,3}/D/(?P<num2>\d{1,4})/"
    r"(?P<year2>\d{4})\b"
)


def _international(m: re.Match[str], key: str, year: int | None, problems: Iterable[str]) -> _Found:
    citation = _make(m[0], "intl_case", "intl", year, key, problems)
    return _Found(m.start(), m.end(), _PRIORITY_SPECIFIC, citation, "identifier")


def _find_echr_applications(text: str, today: date) -> list[_Found]:
    found: list[_Found] = []
    for m in _ECHR_APP_RE.finditer(text):
        year = _two_digit_year(int(m["yy"]), today)
        problems = []
        if year < 1955:
            problems.append(
                f"the European Commission of Human Rights took applications only from 1955; "
                f"{year} is implausible"
            )
        if int(m["num"]) == 0:
            problems.append("an application number must be positive")
        key = f"echr:app:{int(m['num'])}/{m['yy']}"
        citation = _make(m[0], "intl_case", "echr", year, key, problems)
        found.append(_Found(m.start(), m.end(), _PRIORITY_SPECIFIC, citation, "identifier"))
    return found


def _find_tribunal_cases(text: str, today: date) -> list[_Found]:
    found: list[_Found] = []
    for m in _WTO_RE.finditer(text):
        number = int(m["num"])
        problems = [] if number > 0 else ["a WTO dispute number must be positive"]
        found.append(_international(m, f"intl:wto:DS{number}:{m['doc']}", None, problems))
    for m in _scan(_ECHR_SERIES_A_RE, text, "Series A"):
        raw_year = m["y1"] or m["y2"]
        year = int(raw_year) if raw_year else None
        problems = []
        first, last = _ECHR_SERIES_A_YEARS
        if year is not None and not first <= year <= last:
            problems.append(
                f"the ECtHR's Series A reports judgments of {first}–{last}; {year} is outside"
            )
        number = int(m["num"])
        if number == 0:
            problems.append("a Series A number must be positive")
        key = f"echr:series-a:{number}{m['part'] or ''}"
        citation = _make(m[0], "intl_case", "echr", year, key, problems)
        found.append(_Found(m.start(), m.end(), _PRIORITY_SPECIFIC, citation, "report", "Series A"))
    for m in _scan(_UNSC_RE, text, "S/RES"):
        year = int(m["year"]) if m["year"] else None
        problems = _future(year, today)
        if year is not None and year < 1946:
            problems.append("the Security Council adopted its first resolution in 1946")
        found.append(_international(m, f"intl:unsc:{int(m['num'])}", year, problems))
    for m in _scan(_RC_RES_RE, text, "RC/Res"):
        found.append(_international(m, f"intl:icc-rc:{int(m['num'])}", 2010, []))
    for m in _scan(_WTO_DECISION_RE, text, "WT/L"):
        found.append(_international(m, f"intl:wto:L/{int(m['num'])}", None, []))
    for m in _ICSID_RE.finditer(text):
        yy = int(m["yy"])
        year = 1900 + yy if yy >= 65 else 2000 + yy
        problems = _future(year, today)
        if year < 1972:
            problems.append("ICSID registered its first case in 1972")
        key = f"intl:icsid:{m['type']}/{m['yy']}/{int(m['num'])}"
        found.append(_international(m, key, year, problems))
    for m in _PCA_RE.finditer(text):
        if m["aa"]:
            found.append(_international(m, f"intl:pca:AA{int(m['aa'])}", None, []))
            continue
        year = int(m["year"])
        problems = _future(year, today)
        if year < 1899:
            problems.append("the Permanent Court of Arbitration was founded in 1899")
        found.append(_international(m, f"intl:pca:{year}-{int(m['num'])}", year, problems))
    for m in _ITLOS_RE.finditer(text):
        found.append(_international(m, f"intl:itlos:{int(m['num'])}", None, []))
    for m in _ICC_RE.finditer(text):
        year = 2000 + int(m["cyy"] or m["yy"])
        problems = _future(year, today)
        if year < 2002:
            problems.append("the International Criminal Court sits only from 2002")
        key = f"intl:icc:{m['situation']}" + (f"-{m['case']}" if m["case"] else "")
        found.append(_international(m, key, year, problems))
    for m in _TRIBUNAL_RE.finditer(text):
        year = 1900 + int(m["yy"])
        years = _TRIBUNAL_YEARS[m["court"]]
        problems = []
        if not _in_range(year, years):
            problems.append(f"{m['court']} cases date from {_span_text(years)}; {year} is outside")
        key = f"intl:{m['court'].casefold()}:{m['yy']}-{int(m['num'])}"
        found.append(_international(m, key, year, problems))
    for m in _scan(_UNCITRAL_AWARD_RE, text, "UNCITRAL"):
        year = int(m["year"])
        problems = _future(year, today)
        if year < 1976:
            problems.append("the UNCITRAL Arbitration Rules date from 1976")
        key = f"intl:uncitral:{_title_key(m['parties'])}"
        found.append(_international(m, key, year, problems))
    for m in _UN_COMMUNICATION_RE.finditer(text):
        number, year = int(m["num"] or m["num2"]), int(m["year"] or m["year2"])
        problems = _future(year, today)
        if year < 1976:
            problems.append("UN treaty bodies received no individual communications before 1976")
        found.append(_international(m, f"intl:un-communication:{number}/{year}", year, problems))
    return found


# --------------------------------------------------------------------------------------------
# Assembly
# --------------------------------------------------------------------------------------------

_FINDERS: Final[tuple[Finder, ...]] = (
    _find_bracketed,
    _find_icj_reports,
    _find_pcij,
    _find_uk_statutes,
    _find_us_statutes,
    _find_us_cases,
    _find_us_public_domain,
    _find_eu_cases,
    _find_eu_commission_cases,
    _find_eclis,
    _find_eu_legislation,
    _find_treaties,
    _find_echr_applications,
    _find_tribunal_cases,
)

# Text allowed between two parallel reports of one decision: a comma, pin cites, spaces.
_PARALLEL_GAP_RE: Final = re.compile(r"\s*(?:,\s*(?:at\s+)?\d+(?:\s*[-–]\s*\d+)?\s*)*,?\s*")
_SEMICOLON_GAP_RE: Final = re.compile(r"\s*;\s*")
# How far a report or ECLI may sit after the case number it belongs to ("C-131/12 Google
# Spain, EU:C:2014:317"): the case name goes in between.
_IDENTIFIER_REPORT_GAP: Final = 120
# A gap with a new line, a ";" or a signal ("see", "cf") starts another authority. Only EU
# case numbers own the report that follows their name ("Case C-48/22 P Google and Alphabet v
# Commission (ECLI:EU:C:2024:726)"); an ECtHR application number comes after the name, so
# "no. 37201/06, ECHR 2008 and Soering v United Kingdom (1989) 11 EHRR 439" are two cases.
_CLAUSE_BREAK_RE: Final = re.compile(r"[\n;]|\b(?:see|cf|compare|contrast)\b", re.I)
_PARALLEL_YEAR_SPREAD: Final = 2


def _resolve_overlaps(found: list[_Found]) -> list[_Found]:
    chosen: list[_Found] = []
    ranked = sorted(found, key=lambda f: (-f.priority, -(f.end - f.start), f.start))
    for candidate in ranked:
        if all(candidate.end <= kept.start or candidate.start >= kept.end for kept in chosen):
            chosen.append(candidate)
    return sorted(chosen, key=lambda f: f.start)


def _same_authority(text: str, first: _Found, second: _Found) -> bool:
    """Whether two adjacent citations are parallel citations of one decision.

    A judgment has one neutral citation and one case number, and one series reports it once,
    so two of those are always different authorities. Parallel reports are joined by a comma
    (US pin cites allowed); a UK neutral citation and a report may also be joined by ";" when
    their years are close. A case number owns the report or ECLI that follows its case name.
    """
    if citation_family(first.citation) != citation_family(second.citation):
        return False
    roles = (first.role, second.role)
    if "other" in roles or (first.role == second.role and first.role != "report"):
        return False
    if first.role == second.role == "report" and first.series == second.series:
        return False
    gap = text[first.end : second.start]
    if "identifier" in roles:
        return (
            roles == ("identifier", "report")
            and citation_family(first.citation) == "eu"
            and len(gap) <= _IDENTIFIER_REPORT_GAP
            and not _CLAUSE_BREAK_RE.search(gap)
        )
    if _PARALLEL_GAP_RE.fullmatch(gap):
        return True
    years = (first.citation.year, second.citation.year)
    return (
        "neutral" in roles
        and _SEMICOLON_GAP_RE.fullmatch(gap) is not None
        and years[0] is not None
        and years[1] is not None
        and abs(years[0] - years[1]) <= _PARALLEL_YEAR_SPREAD
    )


def _merge_parallel(text: str, found: list[_Found]) -> list[Citation]:
    """Give parallel citations one key, and carry it to every other use of the merged keys."""
    alias: dict[str, str] = {}

    def root(key: str) -> str:
        while key in alias:
            key = alias[key]
        return key

    for previous, current in pairwise(found):
        if _same_authority(text, previous, current):
            a, b = root(previous.citation.key), root(current.citation.key)
            if a != b:
                alias[b] = a
    return [
        replace(
            f.citation, key=root(f.citation.key), own_key=f.citation.key, start=f.start, end=f.end
        )
        for f in found
    ]


def _today(today: date | None) -> date:
    return today if today is not None else datetime.now(UTC).date()


def parse_citations(text: str, *, today: date | None = None) -> list[Citation]:
    """Every citation in ``text``, in order of appearance, each with its plausibility problems.

    ``today`` is injectable so "a future year" is testable; it defaults to today's UTC date.
    """
    current = _today(today)
    found: list[_Found] = []
    for finder in _FINDERS:
        found.extend(finder(text, current))
    return _merge_parallel(text, _resolve_overlaps(found))


def _first_per_key(citations: Iterable[Citation]) -> tuple[Citation, ...]:
    seen: dict[str, Citation] = {}
    for citation in citations:
        seen.setdefault(citation.key, citation)
    return tuple(seen.values())


def analyse_citations(
    text: str,
    *,
    jurisdiction: str,
    today: date | None = None,
    citations: Sequence[Citation] | None = None,
) -> CitationAnalysis:
    """Count the distinct plausible authorities in ``text`` and those acceptable for
    ``jurisdiction`` (see ``ACCEPTED_FAMILIES``), and list the foreign and implausible ones.

    ``citations`` may pass in :func:`parse_citations` of the same text when the caller has
    parsed it already. Raises ``ValueError`` for a jurisdiction outside ``ACCEPTED_FAMILIES``.
    """
    accepted = ACCEPTED_FAMILIES.get(jurisdiction)
    if accepted is None:
        valid = ", ".join(sorted(ACCEPTED_FAMILIES))
        raise ValueError(f"unknown jurisdiction {jurisdiction!r}; expected one of {valid}")
    if citations is None:
        citations = parse_citations(text, today=today)
    citations = tuple(citations)
    plausible = [c for c in citations if not c.problems]
    return CitationAnalysis(
        citations=citations,
        distinct_count=len({c.key for c in plausible}),
        in_jurisdiction_count=len({c.key for c in plausible if citation_family(c) in accepted}),
        foreign=_first_per_key(c for c in citations if citation_family(c) not in accepted),
        implausible=_first_per_key(c for c in citations if c.problems),
    )
