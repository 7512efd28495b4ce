"""Verify the authorities a text cites against the bundled index.

Every distinct authority a text cites (parallel citations of one decision count once) gets
one status:

``verified``
    the index knows the citation, and the case name written next to it (when there is one)
    fits the indexed name; for legislation, the provision cited exists.
``mismatch``
    the citation is known but the text pins it on a different case, year or court ("Smith v
    Jones [1932] AC 562"), or the text names a known case with a citation that is not its
    own ("Donoghue v Stevenson [1932] AC 563"). This is what a misattribution looks like.
``unverified``
    well formed and plausible, but not in the index. Real law the index does not cover looks
    like this, and so does a well-formed fabrication; the policy decides what that is worth.
``implausible``
    the citation cannot be real: the parser's plausibility rules flag it, or the index knows
    the instrument and the provision cited does not exist ("Companies Act 2006, s 1400").

The verifier never reads anything but the text and the index, and it is cheap: one parse
(shared with the gate's other citation checks) and a few dictionary and rapidfuzz look-ups
per authority.

"A citation that is not its own" is judged conservatively, because a name can be shared: two
decisions of one case (Court of Appeal and House of Lords), "Brown v Board of Education" I and
II, Factortame I and II. A known name flags a citation as a mismatch only when the citation is
in a series the case is indexed in and differs from its citation there in one detail of year,
volume and page (a wrong page, a wrong year, a wrong volume), and the name is distinctive:
"Commission v Italy" names hundreds of cases, and "R v Brown" dozens.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final, Literal

from legal_training.generation.authorities import (
    Authority,
    AuthorityIndex,
    get_authority_index,
    is_generic_name,
    name_fit,
    split_provision,
)
from legal_training.generation.citations import (
    Citation,
    citation_family,
    parse_citations,
    us_court_names,
)

__all__ = [
    "CITATION_POLICIES",
    "DEFAULT_CITATION_POLICY",
    "VERIFICATION_STATUSES",
    "AuthorityVerdict",
    "CitationPolicy",
    "Verification",
    "VerificationStatus",
    "case_name_near",
    "citation_policy",
    "policy_failures",
    "verify_citations",
]

VerificationStatus = Literal["verified", "mismatch", "unverified", "implausible"]
VERIFICATION_STATUSES: Final[tuple[VerificationStatus, ...]] = (
    "verified",
    "mismatch",
    "unverified",
    "implausible",
)

CitationPolicy = Literal["standard", "verified_only", "plausible"]
CITATION_POLICIES: Final[tuple[str, ...]] = ("standard", "verified_only", "plausible")
DEFAULT_CITATION_POLICY: Final[CitationPolicy] = "standard"

# A written name fits an indexed one at this score (rapidfuzz, 0-100; see name_similarity).
NAME_FITS: Final = 70.0
# A written name identifies an indexed case (to catch "a known name, a citation not its own").
NAME_IDENTIFIES: Final = 90.0

_STATUS_RANK: Final[Mapping[str, int]] = {
    "implausible": 3,
    "mismatch": 2,
    "verified": 1,
    "unverified": 0,
}


@dataclass(frozen=True)
class AuthorityVerdict:
    """The status of one distinct authority, with what it was matched to and why."""

    citation: Citation
    status: VerificationStatus
    authority: Authority | None
    name: str | None
    reason: str | None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"citation": self.citation.text, "status": self.status}
        if self.name:
            out["name"] = self.name
        if self.authority is not None:
            out["authority"] = self.authority.id
        if self.reason:
            out["reason"] = self.reason
        return out


@dataclass(frozen=True)
class Verification:
    """Every authority of one text with its status."""

    verdicts: tuple[AuthorityVerdict, ...]

    def count(self, status: VerificationStatus) -> int:
        return sum(1 for v in self.verdicts if v.status == status)

    def with_status(self, status: VerificationStatus) -> list[AuthorityVerdict]:
        return [v for v in self.verdicts if v.status == status]

    @property
    def counts(self) -> dict[str, int]:
        return {status: self.count(status) for status in VERIFICATION_STATUSES}


# -- case names next to a citation ---------------------------------------------------------------

# Abbreviations that end in a period inside case names and citations, so ". " after them does
# not end a sentence ("Brown v. Bd. of Educ.", "Int'l Shoe Co. v. Washington"); initials and
# dotted capitals ("U.S.", "N.Y.") too.
_ABBREVIATIONS: Final = frozenset(
    {
        "v", "vs", "co", "inc", "corp", "ltd", "bd", "educ", "dep't", "dept", "no", "nos",
        "ass'n", "int'l", "nat'l", "mfg", "bros", "ry", "st", "ct", "cir", "app", "supp", "jr",
        "sr", "mr", "mrs", "dr", "cf", "ed", "ch", "div", "comm'n", "sec", "gov't", "dist",
        "cnty", "twp", "mun", "elec", "tel", "sys", "ins", "fed", "admin", "prods", "indus",
        "mkt", "sav", "litig", "auth", "hosp", "univ", "envtl", "transp", "pub", "rel", "al",
        "e.g", "i.e", "u.s", "n.y", "r.r", "dev", "mgmt", "serv", "servs", "fin", "grp",
    }
)  # fmt: skip
_LAST_WORD_RE: Final = re.compile(r"(\S+)$")
_DOTTED_CAPITALS_RE: Final = re.compile(r"^(?:[A-Z]\.)*[A-Z]$")
_SENTENCE_END_RE: Final = re.compile(r"[.!?:]\s+(?=[A-Z(\"'“‘*_])")
_HARD_BREAK_RE: Final = re.compile(r"[\n;]|\(\s*(?:see|cf)\b", re.IGNORECASE)
# A dash between spaces ends a clause ("Caparo — the leading case — [1990] ...") except in a
# WTO dispute's name ("US – Shrimp, WT/DS58/AB/R").
_DASH_BREAK_RE: Final = re.compile(r"\s[-–—]\s")
_V_RE: Final = re.compile(r"\s(?:v|vs|versus)\.?\s", re.IGNORECASE)
# A capital letter in any script ("Österreichische"): a letter that is not a-z.
_UPPER: Final = r"[^\W\d_a-z]"
_NAME_WORD_RE: Final = re.compile(rf"(?:{_UPPER}|\d)[\w'’.&\-]*|\([^()]{{1,160}}\)")
_CONNECTORS: Final = frozenset(
    {"of", "the", "and", "for", "&", "de", "la", "du", "van", "von", "der", "den", "des", "del",
     "di", "da", "ex", "parte", "p", "re", "rel.", "on", "application", "in", "plc", "ltd", "sa",
     "ag", "en", "y", "e", "und", "et", "al.", "behalf", "–", "—", "-"}
)  # fmt: skip
_LEAD_WORDS: Final = frozenset(
    {"in", "see", "cf", "also", "applying", "following", "per", "under", "and", "the", "as",
     "but", "while", "whereas", "e.g.", "eg", "contrast", "compare", "citing", "quoting",
     "accord", "affirming", "aff'd", "rev'd", "where", "when", "unlike", "like", "after",
     "since", "thus", "here", "there"}
)  # fmt: skip
_TRAILING_JUNK_RE: Final = re.compile(r"[\s,*_:\"“”'‘’(\[]+$")
_LEADING_JUNK_RE: Final = re.compile(r"^[\s,*_:\"“”'‘’)\]]+")
_MAX_NAME_GAP: Final = 4


def _segment_start(text: str, start: int, floor: int, *, dash_ok: bool = False) -> int:
    """Where the clause holding the citation at ``start`` begins: after the previous
    citation, a line break, a ";" or a sentence end that is not an abbreviation's period."""
    low = max(floor, start - 240)
    window = text[low:start]
    cut = 0
    for m in _HARD_BREAK_RE.finditer(window):
        if not _inside_brackets(window, m.end()):
            cut = max(cut, m.end())
    if not dash_ok:
        for m in _DASH_BREAK_RE.finditer(window):
            cut = max(cut, m.end())
    for m in _SENTENCE_END_RE.finditer(window):
        if window[m.start()] == "." and _is_abbreviation(window[: m.start()]):
            continue
        cut = max(cut, m.end())
    return low + cut


def _inside_brackets(window: str, position: int) -> bool:
    """Whether ``position`` lies inside brackets that close before the window ends, as the
    ";" of "North Sea Continental Shelf (Germany v Denmark; Germany v Netherlands)" does."""
    rest = window[position:]
    return rest.count(")") > rest.count("(")


def _is_abbreviation(before: str) -> bool:
    last = _LAST_WORD_RE.search(before)
    if last is None:
        return False
    word = last[1].lstrip("(\"“'‘*_")
    return word.casefold() in _ABBREVIATIONS or bool(_DOTTED_CAPITALS_RE.match(word))


def _is_name_run(text: str) -> bool:
    """Whether every word of ``text`` can belong to a case name (capitalised words, brackets,
    connectors), so "Stevenson the court held" is not a party."""
    for token in re.finditer(r"\([^()]*\)|\S+", text):
        word = token[0].strip(',*_"“”')
        if word and not (_NAME_WORD_RE.fullmatch(word) or word.casefold() in _CONNECTORS):
            return False
    return True


def _words_backward(segment: str) -> str:
    """The run of name words (capitalised words, connectors, brackets) at the end of
    ``segment``, stopping at the first ordinary lower-case word."""
    tokens = list(re.finditer(r"\([^()]*\)|\S+", segment))
    kept_from = len(tokens)
    for index in range(len(tokens) - 1, -1, -1):
        word = tokens[index][0].strip(',*_"“”')
        if not word:
            continue
        if _NAME_WORD_RE.fullmatch(word) or word.casefold() in _CONNECTORS:
            kept_from = index
            continue
        break
    if kept_from == len(tokens):
        return ""
    run = segment[tokens[kept_from].start() :]
    words = run.split()
    while words and words[0].casefold().strip(",") in _LEAD_WORDS | _CONNECTORS - {"re"}:
        words.pop(0)
    return " ".join(words)


def _clean_name(name: str) -> str | None:
    name = _TRAILING_JUNK_RE.sub("", _LEADING_JUNK_RE.sub("", name)).strip()
    name = re.sub(r"\s+", " ", name)
    return name if re.search(r"[^\W\d_]", name) else None


def _name_before(
    text: str, start: int, floor: int, *, comma_ok: bool = False, dash_ok: bool = False
) -> str | None:
    segment = text[_segment_start(text, start, floor, dash_ok=dash_ok) : start]
    if not segment.strip():
        return None
    # The parties' "v", not one inside a bracketed alternative name ("Eureko BV v Slovak
    # Republic (Achmea v Slovakia)").
    separators = [m for m in _V_RE.finditer(segment) if not _inside_brackets(segment, m.end())]
    if separators:
        sep = separators[-1]
        second = _TRAILING_JUNK_RE.sub("", segment[sep.end() :])
        first = _words_backward(segment[: sep.start()])
        if first and second and len(second) <= 160 and _is_name_run(second):
            return _clean_name(f"{first} v {second}")
    tail = _TRAILING_JUNK_RE.sub("", segment)
    gap = segment[len(tail) :]
    # A short name sits right against its citation ("Caparo [1990] 2 AC 605"); a phrase
    # followed by a comma ("Before the GDPR, [2014] ...") is the sentence, not a name, except
    # before an EU case number ("Google Spain, C-131/12").
    if len(gap) > _MAX_NAME_GAP or ("," in gap and not comma_ok):
        return None
    return _clean_name(_words_backward(tail))


# "Case C-131/12 Google Spain SL v AEPD, EU:C:2014:317": an EU case number comes before its name.
# The name runs on the same line and stops at the next case number ("Case C-131/12 Google
# Spain; Case C-507/17 ...").
_NOT_A_NAME_START: Final = r"(?!ECLI|EU:|[CTF]-\d|(?:Joined\s+)?Cases?\s)"
_NAME_AFTER_RE: Final = re.compile(
    rf"[ \t]*,?[ \t]*{_NOT_A_NAME_START}(?P<name>{_UPPER}[\w'’.&\-]*(?:[ \t]+{_NOT_A_NAME_START}"
    rf"(?:(?:{_UPPER}|\()[\w'’.&\-()]*|"
    r"v|vs|and|of|the|de|du|la|für|van|von|der|del|di|da|&)\.?)*)"
)


def _name_after(text: str, end: int) -> str | None:
    m = _NAME_AFTER_RE.match(text, end)
    if m is None:
        return None
    name = m["name"]
    # Stop at an ECLI or a report that follows the name.
    name = re.split(r"\s\(?(?:ECLI|EU:|\[\d{4}\]|\(\d{4}\))", name)[0]
    return _clean_name(name)


def case_name_near(text: str, citation: Citation, *, floor: int = 0) -> str | None:
    """The case name the text writes with ``citation``, or ``None``.

    Before the citation for reports, neutral citations and US reporters ("Donoghue v
    Stevenson [1932] AC 562", "Miranda v. Arizona, 384 U.S. 436"); after an EU case number
    when a name follows it ("Case C-131/12 Google Spain"), else before it ("Google Spain
    (C-131/12)"). ``floor`` is where
    the previous citation ended, so a string citation's names are not mixed up.
    """
    eu_case = citation.own_key.startswith("eu:case:")
    if eu_case:
        after = _name_after(text, citation.end)
        if after is not None:
            return after
    wto = citation.own_key.startswith("intl:wto:")
    # US style puts a comma between every name and its reporter ("In re Caremark, 698 A.2d"),
    # and so do tribunals' case numbers ("Arrest Warrant (DRC v Belgium), ICC-02/05-01/09").
    comma_ok = eu_case or wto or citation.own_key.startswith(("us:", "intl:", "echr:app:"))
    return _name_before(text, citation.start, floor, comma_ok=comma_ok, dash_ok=wto)


# -- one authority --------------------------------------------------------------------------------

_REPORT_KEY_RE: Final = re.compile(
    r"^(?P<family>\w+):report:(?P<series>[^:]+):(?P<year>\d{4}):(?P<volume>[^:]*):(?P<page>.+)$"
)
_NEUTRAL_KEY_RE: Final = re.compile(r"^uk:neutral:(?P<court>[^:]+):(?P<year>\d{4}):(?P<num>\d+)$")
_US_KEY_RE: Final = re.compile(r"^us:case:(?P<volume>\d+) (?P<series>.+?) (?P<page>\S+)$")
_EU_KEY_RE: Final = re.compile(r"^eu:case:(?P<series>[CTF]?)-?(?P<num>\d+)/(?P<year>\d{2})$")
_ECLI_KEY_RE: Final = re.compile(
    r"^\w+:ecli:ECLI:(?P<series>[A-Z]{2}:[A-Z0-9]+):(?P<year>\d{4}):(?P<num>.+)$"
)

# Circuits in a US parenthetical ("9th Cir.") and in an indexed court name ("Court of Appeals
# for the Ninth Circuit").
_ORDINALS: Final[Mapping[str, str]] = {
    "first": "1", "second": "2", "third": "3", "fourth": "4", "fifth": "5", "sixth": "6",
    "seventh": "7", "eighth": "8", "ninth": "9", "tenth": "10", "eleventh": "11",
}  # fmt: skip
_CIRCUIT_RE: Final = re.compile(
    r"\b(?:(?P<num>\d{1,2})(?:st|nd|rd|th|d)?|(?P<word>first|second|third|fourth|fifth|sixth|"
    r"seventh|eighth|ninth|tenth|eleventh)|(?P<dc>d\.?\s?c\.?|district of columbia)|"
    r"(?P<fed>fed\.?|federal))\s+cir(?:cuit|\.)?",
    re.IGNORECASE,
)
_US_PAREN_RE: Final = re.compile(r"[^;()\n]{0,80}?\((?P<court>[^()]{0,80}?)\b\d{4}\)")
_UK_COURT_PAREN_RE: Final = re.compile(r"\s*\((?P<court>HL|UKSC|CA|PC|SC)\)")
_UK_COURT_WORDS: Final[Mapping[str, tuple[str, ...]]] = {
    "HL": ("house of lords",),
    "UKSC": ("supreme court",),
    "SC": ("supreme court",),
    "CA": ("court of appeal",),
    "PC": ("privy council",),
}


def _circuit(text: str) -> str | None:
    m = _CIRCUIT_RE.search(text)
    if m is None:
        if re.search(r"supreme court of the united states|u\.?s\.? supreme court", text, re.I):
            return "scotus"
        return None
    if m["num"]:
        return m["num"]
    if m["word"]:
        return _ORDINALS[m["word"].casefold()]
    return "dc" if m["dc"] else "fed"


_LEVEL_WORDS: Final[Mapping[str, str]] = {
    "supreme": "supreme", "appeal": "appeal", "appeals": "appeal", "appellate": "appeal",
    "chancery": "chancery", "district": "district", "superior": "superior",
    "claims": "claims", "tax": "tax", "bankruptcy": "bankruptcy", "family": "family",
    "probate": "probate", "commonwealth": "commonwealth",
}  # fmt: skip


def _levels(court_name: str) -> set[str]:
    """The kind of court a name describes ("Court of Chancery of Delaware" → chancery), to
    tell a state's supreme court from its chancery or appellate courts."""
    words = re.findall(r"[a-z]+", court_name.casefold())
    return {_LEVEL_WORDS[word] for word in words if word in _LEVEL_WORDS}


def _court_mismatch(text: str, citation: Citation, authority: Authority) -> str | None:
    """A court named next to the citation that is not the indexed court."""
    court = (authority.court or "").casefold()
    if not court:
        return None
    if citation.own_key.startswith("us:case:"):
        m = _US_PAREN_RE.match(text, citation.end)
        if m is None or not m["court"].strip():
            return None
        written_court = m["court"].strip(" ,")
        written, known = _circuit(m["court"]), _circuit(court)
        if written is not None and known is not None and written != known:
            return f"cited as a {written_court} decision; it was decided by the {authority.court}"
        levels = {level for name in us_court_names(m["court"]) for level in _levels(name)}
        if levels and _levels(court) and not levels & _levels(court):
            return f"cited as a {written_court} decision; it was decided by the {authority.court}"
        return None
    if citation.own_key.startswith("uk:"):
        m = _UK_COURT_PAREN_RE.match(text, citation.end)
        if m is None:
            return None
        words = _UK_COURT_WORDS[m["court"]]
        if not any(word in court for word in words):
            return f"cited as ({m['court']}); it was decided by the {authority.court}"
    return None


def _identity(key: str) -> tuple[str, str | None, str | None, str] | None:
    """``(series, year, volume, page)`` of a report-like key, for comparing two citations of
    one series; ``None`` for keys that are not reports.

    A year or volume of ``None`` is no evidence either way: a US reporter's year is read from
    the citation's parenthetical, and an EU case number's year is the year the case was
    lodged, which two cases of one name often share (Factortame I and II are C-213/89 and
    C-221/89). An empty volume is a real value: two "[1985] AC" citations agree on it.
    """
    if m := _REPORT_KEY_RE.match(key):
        return (f"{m['family']}:{m['series']}", m["year"], m["volume"], m["page"])
    if m := _NEUTRAL_KEY_RE.match(key):
        return (f"neutral:{m['court']}", m["year"], "", m["num"])
    if m := _US_KEY_RE.match(key):
        return (f"us:{m['series']}", None, m["volume"], m["page"])
    if m := _EU_KEY_RE.match(key):
        return (f"eu:{m['series']}", None, None, m["num"])
    if m := _ECLI_KEY_RE.match(key):
        return (f"ecli:{m['series']}", m["year"], "", m["num"])
    if m := _TRIBUNAL_KEY_RE.match(key):
        return (f"intl:{m['court']}", m["year"], None, m["num"])
    if m := _ICSID_KEY_RE.match(key):
        return ("intl:icsid", m["year"], None, m["num"])
    if m := _UN_KEY_RE.match(key):
        return ("intl:un", m["year"], None, m["num"])
    return None


_TRIBUNAL_KEY_RE: Final = re.compile(r"^intl:(?P<court>it|ictr):(?P<year>\d{2})-(?P<num>\d+)$")
# ICSID numbers "ARB/00/2" and "ARB(AF)/00/2" are one register: the type is compared as a
# detail of the same series, so a case cited under the wrong register is caught.
_ICSID_KEY_RE: Final = re.compile(r"^intl:icsid:[A-Z()]+/(?P<year>\d{2})/(?P<num>\d+)$")
_UN_KEY_RE: Final = re.compile(r"^intl:un-communication:(?P<num>\d+)/(?P<year>\d{4})$")
# Citations whose key leaves the decision's year out, so the year written with them must be
# the indexed one: US reporters "(1954)", ad hoc awards, the PCIJ and ECtHR series.
_YEAR_OUTSIDE_KEY: Final = ("us:case:", "intl:uncitral:", "intl:pcij:", "echr:series-a:")
# Series numbered without regard to year (an ICTY case number, a UN communication): the
# same number in another year is the same case miscited.
_NUMBERED_SERIES: Final = ("intl:it", "intl:ictr", "intl:un")

# How many of year, volume and page a citation must share with a known citation of the same
# series before a known name makes it a wrong citation: one shared detail is a coincidence
# (another decision of that name in the same year), two are a slip of the third ("[1932] AC
# 563", "[1935] AC 562"). An EU case number has only its number to go on.
_SHARED_DETAILS: Final = 2


def _not_its_own(citation: Citation, authority: Authority, *, generic_name: bool) -> str | None:
    """Why ``citation`` cannot be one of ``authority``'s own citations although it is in a
    series the authority is indexed in and shares all but one detail with one of them;
    ``None`` when it could be (another decision of the same name, or a report the index does
    not list). A name many cases share ("Commission v Italy") is evidence only where two
    details agree."""
    written = _identity(citation.own_key)
    if written is None:
        return None
    series, year, volume, page = written
    for key, text in zip(authority.keys, authority.citations, strict=True):
        known = _identity(key)
        if known is None or known[0] != series:
            continue
        if series.startswith("us:") and citation.year is not None and authority.year is not None:
            year, known = str(citation.year), (known[0], str(authority.year), known[2], known[3])
        shared = (
            (year is not None and year == known[1])
            + (volume is not None and volume == known[2])
            + (page == known[3])
        )
        by_number = series.startswith("eu:") or series in _NUMBERED_SERIES
        needed = 1 if by_number and not generic_name else _SHARED_DETAILS
        if by_number and page != known[3]:
            continue  # another number in such a series is another case
        if shared >= needed:
            return f"{authority.name} is {text}, not {citation.text}"
    return None


def _provision_problem(citation: Citation, authority: Authority) -> str | None:
    _, kind, number = split_provision(citation.own_key)
    if kind is None or number is None:
        return None
    bounds = authority.provision_range(kind)
    if bounds is None or bounds[0] <= number <= bounds[1]:
        return None
    word = "section" if kind == "s" else "Article"
    plural = "sections" if kind == "s" else "articles"
    return f"{authority.name} has {plural} {bounds[0]}–{bounds[1]}; {word} {number} does not exist"


def _judge_member(
    text: str, citation: Citation, name: str | None, index: AuthorityIndex
) -> AuthorityVerdict:
    if citation.problems:
        return AuthorityVerdict(citation, "implausible", None, name, "; ".join(citation.problems))
    authority = index.by_key(citation.own_key)
    if authority is not None:
        if authority.type in ("legislation", "treaty"):
            problem = _provision_problem(citation, authority)
            if problem is not None:
                return AuthorityVerdict(citation, "implausible", authority, name, problem)
            return AuthorityVerdict(citation, "verified", authority, name, None)
        if name is not None:
            score = name_fit(name, authority.names)
            if score < NAME_FITS:
                reason = f"{citation.text} is {authority.name}, not {name}"
                return AuthorityVerdict(citation, "mismatch", authority, name, reason)
        if (
            citation.own_key.startswith(_YEAR_OUTSIDE_KEY)
            and citation.year is not None
            and authority.year is not None
            and citation.year != authority.year
        ):
            reason = f"{authority.name} was decided in {authority.year}, not {citation.year}"
            return AuthorityVerdict(citation, "mismatch", authority, name, reason)
        court = _court_mismatch(text, citation, authority)
        if court is not None:
            return AuthorityVerdict(citation, "mismatch", authority, name, court)
        return AuthorityVerdict(citation, "verified", authority, name, None)
    if name is not None:
        generic = is_generic_name(name)
        for candidate, _ in index.by_name(
            name, family=citation_family(citation), min_score=NAME_IDENTIFIES
        ):
            wrong = _not_its_own(citation, candidate, generic_name=generic)
            if wrong is not None:
                return AuthorityVerdict(citation, "mismatch", candidate, name, wrong)
    return AuthorityVerdict(citation, "unverified", None, name, None)


def _check_parallels(members: list[AuthorityVerdict]) -> list[AuthorityVerdict]:
    """Parallel citations must be of one case: two that the index gives to different cases
    are a mismatch ("Case C-362/14 Schrems, EU:C:2020:559" joins Schrems I's number to
    Schrems II's ECLI), and so is an unknown one that slips a detail of a known one's series
    ("Donoghue v Stevenson [1932] AC 562, 1932 SC (HL) 99")."""
    known = [v.authority for v in members if v.status == "verified" and v.authority is not None]
    if not known:
        return members
    first = known[0]
    checked: list[AuthorityVerdict] = []
    for verdict in members:
        if verdict.status == "verified" and verdict.authority is not first:
            other = verdict.authority.name if verdict.authority else "another case"
            reason = f"{verdict.citation.text} is {other}, not {first.name}"
            verdict = AuthorityVerdict(verdict.citation, "mismatch", first, verdict.name, reason)
        elif verdict.status == "unverified":
            wrong = _not_its_own(verdict.citation, first, generic_name=False)
            if wrong is not None:
                verdict = AuthorityVerdict(verdict.citation, "mismatch", first, verdict.name, wrong)
        checked.append(verdict)
    return checked


def _combine(members: Sequence[AuthorityVerdict]) -> AuthorityVerdict:
    """One verdict per authority: the gravest finding among its parallel citations wins, and
    among equals the first citation."""
    members = _check_parallels(list(members))
    best = members[0]
    for verdict in members[1:]:
        if _STATUS_RANK[verdict.status] > _STATUS_RANK[best.status]:
            best = verdict
    first = members[0].citation
    return AuthorityVerdict(first, best.status, best.authority, best.name, best.reason)


# A later use counts as naming the case only when it names parties ("Smith v Jones"), not
# when the words before it are prose ("the House in [1932] AC 562").
_NAMES_PARTIES_RE: Final = re.compile(r"\S\s+(?:v|vs|v\.|versus)\s+\S")


def verify_citations(
    text: str,
    *,
    index: AuthorityIndex | None = None,
    citations: Iterable[Citation] | None = None,
    today: date | None = None,
) -> Verification:
    """Every distinct authority ``text`` cites, with its status.

    ``citations`` may pass in the result of :func:`parse_citations` on the same ``text`` (the
    gate parses once); ``index`` defaults to the bundled one.
    """
    index = index if index is not None else get_authority_index()
    parsed = list(citations) if citations is not None else parse_citations(text, today=today)
    groups: dict[str, list[AuthorityVerdict]] = {}
    previous_end = 0
    group_name: dict[str, str | None] = {}
    for citation in parsed:
        # Each use is judged under the name written beside it: a later "Smith v Jones
        # [1932] AC 562" is a misattribution even after a correct first use. A parallel
        # citation or a bare repeat has no name of its own and takes the first one's.
        own = case_name_near(text, citation, floor=previous_end)
        if citation.key not in group_name:
            group_name[citation.key] = own
            name = own
        elif own is not None and _NAMES_PARTIES_RE.search(own):
            name = own
        else:
            name = group_name[citation.key]
        groups.setdefault(citation.key, []).append(_judge_member(text, citation, name, index))
        previous_end = citation.end
    return Verification(tuple(_combine(members) for members in groups.values()))


# -- policies ----------------------------------------------------------------------------------


def citation_policy(value: str) -> CitationPolicy:
    """``value`` as a policy; ``ValueError`` for a name that is not one."""
    for policy in _POLICIES:
        if policy == value:
            return policy
    valid = ", ".join(CITATION_POLICIES)
    raise ValueError(f"unknown citation_policy {value!r}; expected one of {valid}")


_POLICIES: Final[tuple[CitationPolicy, ...]] = ("standard", "verified_only", "plausible")


def policy_failures(verification: Verification, policy: CitationPolicy) -> list[str]:
    """Why a sample's authorities fail ``policy`` (empty when they pass).

    ``standard`` rejects a mismatch and an answer in which no authority is verified (one
    built only on law the index does not know); ``verified_only`` rejects every authority
    that is not verified; ``plausible`` rejects nothing here. Implausible citations are
    rejected under every policy by the plausibility check.
    """
    if policy not in CITATION_POLICIES:
        raise ValueError(
            f"unknown citation_policy {policy!r}; expected one of {', '.join(CITATION_POLICIES)}"
        )
    if policy == "plausible":
        return []
    reasons = [f"mismatch: {v.reason}" for v in verification.with_status("mismatch")]
    if policy == "verified_only":
        reasons += [
            f"not in the authority index: {v.citation.text}"
            for v in verification.with_status("unverified")
        ]
    elif verification.verdicts and not verification.count("verified"):
        reasons.append("no authority cited is in the authority index")
    return reasons
