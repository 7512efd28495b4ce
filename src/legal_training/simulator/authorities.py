"""The authorities the simulated models cite, per jurisdiction and practice area.

Real ones by default, and on request the three kinds of bad authority a verifying gate must
catch: fabricated (invented parties on a well-formed, plausible citation), misattributed (a real
case name on another real case's citation) and real but unindexed (real law a bundled index may
not list). The simulator never consults such an index: the tables here are its own, and a test
elsewhere keeps the default table to law the project's index verifies.

The default table lives in ``data/authorities.json``, the unindexed one in
``data/authorities_unindexed.json`` (per jurisdiction). Every entry is ``(citation, what it
stands for)``; the second part is a present-tense verb phrase so it reads after the citation
("Caparo ... sets out ..."). The citations are real and written in the formats our citation
checks recognise (UK neutral citations respect court years: UKSC from 2009, UKHL until 2009).
Keys are
``"<jurisdiction>:<practice area>"``; ``"<jurisdiction>:*"`` holds general authorities used to
top up an area with too few entries.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType
from typing import Final, Literal

Authority = tuple[str, str]
AuthorityMode = Literal["real", "fabricated", "misattributed", "unindexed"]


def _load(name: str) -> Mapping[str, tuple[Authority, ...]]:
    raw = resources.files(__package__).joinpath("data", name).read_text("utf-8")
    table: dict[str, list[list[str]]] = json.loads(raw)
    return MappingProxyType(
        {key: tuple((citation, gist) for citation, gist in rows) for key, rows in table.items()}
    )


AUTHORITIES: Mapping[str, tuple[Authority, ...]] = _load("authorities.json")
UNINDEXED: Mapping[str, tuple[Authority, ...]] = _load("authorities_unindexed.json")


def is_case(citation: str) -> bool:
    """Cases name parties or a case number; statutes, treaties and articles do not."""
    return any(
        mark in citation
        for mark in (" v ", " v. ", "Case ", "Re ", "In re ", "ICSID", "PCA", "WT/DS", "ICC-")
    )


def authorities_for(
    jurisdiction: str, practice_area: str, *, at_least: int = 5
) -> tuple[Authority, ...]:
    """The area's own authorities; the jurisdiction's general ones only to reach ``at_least``."""
    own = AUTHORITIES.get(f"{jurisdiction}:{practice_area}", ())
    if len(own) >= at_least:
        return own
    general = AUTHORITIES.get(f"{jurisdiction}:*", ())
    seen: dict[str, Authority] = {}
    for item in (*own, *general):
        seen.setdefault(item[0], item)
    return tuple(seen.values())


def unindexed_for(jurisdiction: str) -> tuple[Authority, ...]:
    """Real authorities of the jurisdiction that are kept out of the default table."""
    return UNINDEXED.get(jurisdiction, ())


# -- misattribution -------------------------------------------------------------------------------

# Where a written case's name ends and its citation begins: "Donoghue v Stevenson [1932] AC
# 562", "Hyde v Wrench (1840) 3 Beav 334", "Brown v. Board of Education, 347 U.S. 483 (1954)",
# "Soering v United Kingdom, no. 14038/88", "US — Shrimp, WT/DS58/AB/R".
_CITATION_START: Final = re.compile(
    r"(?:\s+(?=\[\d{4}\]|\(\d{4}\)\s)|,\s+(?=\d{1,4}\s+[A-Z]|no\.\s|WT/|ICSID|ICC-))"
)
_EU_CASE: Final = re.compile(
    r"^(?P<cite>(?:Joined\s+)?Cases?\s+(?:[CT]-)?\d+/\d{2}(?:\s+P)?)\s+(?P<name>.+?)"
    r"(?:\s+\(ECLI:[^)]*\))?$"
)
# What a citation looks like once split off: a report, a reporter with a dotted name
# ("347 U.S. 483", not the date "9 April 2024"), an application or dispute number.
_CITATION_SHAPE: Final = re.compile(
    r"\[\d{4}\]|\(\d{4}\)\s+\d|\d{1,4}\s+[A-Z][\w']*\.[\w.' ]*\s\d|no\.\s|WT/|ICSID|ICC-"
)
# A name that is a case's: parties, "Re ...", or a WTO dispute's short title ("EC – Hormones").
_CASE_NAME: Final = re.compile(r"\sv\.?\s|^(?:Re|In re)\s|\s[–—-]\s")


def split_case(citation: str) -> tuple[str, str, str] | None:
    """``(name, citation, separator)`` of a written case, or ``None`` for what is not one.

    An EU case number comes first ("Case C-131/12 Google Spain"); its separator is ``""``
    and :func:`misattribute` puts the name after it.
    """
    eu = _EU_CASE.match(citation)
    if eu is not None:
        return eu["name"], eu["cite"], ""
    for m in _CITATION_START.finditer(citation):
        name, cite = citation[: m.start()], citation[m.end() :]
        if (
            _CASE_NAME.search(name)
            and name.count("(") == name.count(")")
            and _CITATION_SHAPE.match(cite)
        ):
            return name, cite, m.group(0).rstrip() or " "
    return None


def misattribute(name_from: str, citation_from: str) -> str | None:
    """The case name of ``name_from`` on the citation of ``citation_from``."""
    named, written = split_case(name_from), split_case(citation_from)
    if named is None or written is None or named[0] == written[0]:
        return None
    _, cite, separator = written
    if separator == "":
        return f"{cite} {named[0]}"
    return f"{named[0]}{separator} {cite}" if separator == "," else f"{named[0]} {cite}"


# -- fabrication -----------------------------------------------------------------------------------

_ECHR_STATES: Final = ("Romania", "Poland", "Turkey", "Italy", "Bulgaria", "Croatia", "Greece")
_CIRCUITS: Final = ("1st", "2d", "3d", "4th", "5th", "6th", "7th", "8th", "9th", "10th", "11th")


def fabricated_case(rng: random.Random, jurisdiction: str, party: str, other: str) -> Authority:
    """Invented parties on a well-formed citation whose court, year and series fit together,
    so only an index can tell that the case does not exist."""
    if jurisdiction == "us":
        volume = rng.randint(40, 990)
        year = 1993 + round(volume * 28 / 999)
        circuit = rng.choice(_CIRCUITS)
        citation = (
            f"{party} v. {other}, {volume} F.3d {rng.randint(100, 1500)} ({circuit} Cir. {year})"
        )
    elif jurisdiction == "eu":
        citation = f"Case C-{rng.randint(300, 899)}/{rng.randint(10, 21)} {party} v {other}"
    elif jurisdiction == "international":
        state = rng.choice(_ECHR_STATES)
        citation = f"{other} v {state}, no. {rng.randint(10000, 79999)}/{rng.randint(5, 19):02d}"
    else:
        citation = (
            f"{party} v {other} [{rng.randint(2003, 2022)}] EWCA Civ {rng.randint(1000, 2900)}"
        )
    return citation, "is said to decide the point, though no such case exists"
