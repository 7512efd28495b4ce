"""The bundled index of real legal authorities: what the gate verifies citations against.

Each entry is one authority (a case, an Act, an EU instrument, a treaty, an international
decision) with the citations it is known by, its court and year, the section or article range
of legislation, the catalog topics it is leading law for, and a note saying where it is
publicly recorded. The data lives in ``data/authorities/*.json`` (one file per contributor,
written by ``authority_build``) and is loaded on first use; nothing is fetched at run time.

Look-ups go by the normalised key the citation parser gives every citation
(:attr:`~legal_training.generation.citations.Citation.own_key`), so ``[1932] AC 562`` and
``[1932] A.C. 562`` find the same entry, and by name with rapidfuzz for the case names written
next to a citation. The keys are computed when the data is built and stored beside each
citation, so loading costs one JSON read; ``tests/generation/test_authority_index.py`` proves
every stored key is still what the parser produces.

Legislation is keyed as a whole (``uk:act:companies act 2006``): a citation of one provision
(``...:s172``) finds its Act through :func:`split_provision`, and the Act's section or article
range says whether that provision exists.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final, Literal

from rapidfuzz import fuzz

from legal_training.generation.citations import parse_citations

__all__ = [
    "AUTHORITY_TYPES",
    "Authority",
    "AuthorityIndex",
    "AuthorityType",
    "get_authority_index",
    "is_generic_name",
    "name_fit",
    "name_similarity",
    "normalise_name",
    "split_provision",
]

AuthorityType = Literal["case", "legislation", "treaty", "decision"]
AUTHORITY_TYPES: Final[tuple[str, ...]] = ("case", "legislation", "treaty", "decision")

_PACKAGE: Final = "legal_training.generation"
_DATA_DIR: Final = ("data", "authorities")

# A provision at the end of a legislation or treaty key: ":s172", ":art17", ":reg3", ":sch1".
_PROVISION_RE: Final = re.compile(r":(?P<kind>s|art|reg|r|para|sch|part)(?P<num>\d+)[a-z]{0,2}$")
_LEGISLATION_PREFIX_RE: Final = re.compile(r"^(?:uk:act:|us:act:|eu:leg:|\w+:treaty:)")


def split_provision(key: str) -> tuple[str, str | None, int | None]:
    """``("uk:act:companies act 2006", "s", 172)`` for ``uk:act:companies act 2006:s172``.

    Keys that are not legislation or treaty keys, or that name the instrument as a whole, come
    back unchanged with ``None`` for the provision.
    """
    if not _LEGISLATION_PREFIX_RE.match(key):
        return key, None, None
    m = _PROVISION_RE.search(key)
    if m is None:
        return key, None, None
    return key[: m.start()], m["kind"], int(m["num"])


@dataclass(frozen=True)
class Authority:
    """One real authority.

    ``keys`` holds the parser's key for each entry of ``citations`` (legislation: the key of
    the instrument as a whole). ``sections`` / ``articles`` are the lowest and highest
    provision numbers that exist, when known. ``topics`` are catalog full names
    (``"Contract Law - Formation of Contracts"``).
    """

    id: str
    jurisdiction: str
    type: AuthorityType
    name: str
    aliases: tuple[str, ...]
    citations: tuple[str, ...]
    keys: tuple[str, ...]
    court: str | None
    year: int | None
    sections: tuple[int, int] | None
    articles: tuple[int, int] | None
    topics: tuple[str, ...]
    source: str

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    @property
    def citation_text(self) -> str:
        """The authority as a lawyer would write it, so that a text quoting it verifies:
        "Donoghue v Stevenson [1932] AC 562", "Brown v. Board of Education, 347 U.S. 483
        (1954)", "Case C-131/12 Google Spain v AEPD", "42 U.S.C. § 1983 (Civil Rights Act)".
        A treaty is cited by article, so it is given by its name alone."""
        first = self.citations[0] if self.citations else self.name
        if self.type == "treaty":
            return self.name
        if self.type == "legislation":
            # A name that is itself a citation ("Title VII of the Civil Rights Act of 1964")
            # would read as a second authority.
            if first == self.name or parse_citations(self.name):
                return first
            return f"{first} ({self.name})"
        if " v " in first or " v. " in first:
            return first  # the citation names the parties ("X v Y, UNCITRAL, Award (2006)")
        if first.startswith(("Case ", "Joined Cases ")):
            return f"{first} {self.name}"
        if self.jurisdiction == "us" and self.year is not None and "(" not in first:
            return f"{self.name}, {first} ({self.year})"
        if re.match(r"(?:[Aa]pplication|[Nn]o\.|Series|WT/|ICSID|PCA|ICC-|IT-|ICTR-)", first):
            return f"{self.name}, {first}"
        return f"{self.name} {first}"

    def provision_range(self, kind: str) -> tuple[int, int] | None:
        """The range that bounds a provision of this kind (sections for ``s``, articles for
        ``art``); ``None`` when the index does not know it."""
        if kind == "s":
            return self.sections
        if kind == "art":
            return self.articles
        return None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "jurisdiction": self.jurisdiction,
            "type": self.type,
            "name": self.name,
            "aliases": list(self.aliases),
            "citations": list(self.citations),
            "court": self.court,
            "year": self.year,
            "sections": list(self.sections) if self.sections else None,
            "articles": list(self.articles) if self.articles else None,
            "topics": list(self.topics),
            "source": self.source,
        }


# -- names ---------------------------------------------------------------------------------------

# Words that say nothing about which case a name is: corporate suffixes, procedural words,
# "the"/"of". Dropped before names are compared.
_NAME_STOPWORDS: Final = frozenset(
    {
        "a", "an", "and", "anor", "another", "at", "by", "case", "cases", "co", "company",
        "corp", "corporation", "et", "al", "ex", "for", "gmbh", "in", "inc", "incorporated",
        "joined", "limited", "llc", "llp", "ltd", "matter", "of", "on", "ors", "others", "parte",
        "plc", "re", "sa", "ag", "nv", "bv", "spa", "srl", "the", "to", "application",
        # the stock words of WTO dispute titles ("Measures Concerning Certain Products")
        "measures", "concerning", "certain", "affecting",
    }
)  # fmt: skip
# Parties that many unrelated cases share: a name made only of these identifies no case.
_GENERIC_PARTIES: Final = frozenset(
    {
        "r", "regina", "rex", "the queen", "the king", "queen", "king", "crown", "state",
        "people", "commonwealth", "united states", "united states of america", "us", "usa",
        "commission", "european commission", "commission of the european communities",
        "council", "parliament", "european parliament", "hmrc", "commissioners",
        "secretary of state", "attorney general", "dpp", "director of public prosecutions",
        "united kingdom", "uk", "hm advocate", "advocate general", "government",
    }
)  # fmt: skip
_SEPARATOR_RE: Final = re.compile(r"\s+(?:v|vs|versus)\.?\s+", re.IGNORECASE)
_ON_APPLICATION_RE: Final = re.compile(r"\(\s*on the application of\s+([^()]*)\)", re.IGNORECASE)
_NON_WORD_RE: Final = re.compile(r"[^\w\s]")


def _clean(text: str) -> str:
    text = text.replace("’", "'").replace("&", " and ").replace("–", " ").replace("—", " ")
    text = _ON_APPLICATION_RE.sub(r"(\1)", text)
    text = re.sub(r"'s\b", "", text)
    return text


def _tokens(text: str) -> list[str]:
    """Name words without stop words, "No" and numbers: "(No 2)" tells two decisions of one
    name apart, which the citation's own details do better than the name."""
    words = _NON_WORD_RE.sub(" ", text).casefold().split()
    return [w for w in words if w not in _NAME_STOPWORDS and w != "no" and not w.isdigit()]


def normalise_name(name: str) -> str:
    """Lower-case words without punctuation, corporate suffixes or "the"/"of"; parties joined
    by ``" v "``."""
    parties = _SEPARATOR_RE.split(_clean(name))
    return " v ".join(" ".join(_tokens(p)) for p in parties if _tokens(p))


def _parties(name: str) -> list[str]:
    return [" ".join(_tokens(p)) for p in _SEPARATOR_RE.split(_clean(name))]


def is_generic_name(name: str) -> bool:
    """Whether every party of ``name`` is one many cases share ("R v Smith" is not; "Commission
    v Council" is), or a single-surname Crown case, so the name alone identifies no case."""
    parties = [p for p in _parties(name) if p]
    distinctive = [p for p in parties if p not in _GENERIC_PARTIES]
    if not distinctive:
        return True
    # "R v Brown", "State v. Smith": one surname against the state names many real cases.
    return len(distinctive) == 1 and len(parties) == 2 and len(distinctive[0].split()) == 1


def name_similarity(written: str, known: str) -> float:
    """0-100: how well a name written in a text fits a known case name.

    Party by party when both have two parties (each written party must fit its counterpart,
    so "Brown v Mississippi" does not fit "Brown v Board of Education"); a short form
    ("Caparo", "Google Spain") is scored against the whole name, where a subset of its words
    fits fully.
    """
    a, b = _parties(written), _parties(known)
    if len(a) == 2 and len(b) == 2:
        pairs = [(x, y) for x, y in zip(a, b, strict=True) if x and y]
        distinctive = [(x, y) for x, y in pairs if not (x in _GENERIC_PARTIES and x == y)]
        if distinctive:
            paired = min(_fit(x, y) for x, y in distinctive)
            swapped = min(_fit(a[0], b[1]), _fit(a[1], b[0])) if all(a) else 0.0
            return max(paired, swapped)
    return _fit(" ".join(a), " ".join(b))


def name_fit(written: str, names: Iterable[str]) -> float:
    """The best :func:`name_similarity` of ``written`` to any of an authority's ``names``.

    A written name with two parties is compared only with the known names that have two
    parties too, when there are any: a short alias ("Brown I") says which case a short form
    means, but "Brown v Mississippi" is not a short form.
    """
    # Appeals heard together are named together ("R v Savage; DPP v Parmenter"): each name
    # is the case's.
    known = [part.strip() for name in names for part in name.split(";") if part.strip()]
    if len([p for p in _parties(written) if p]) == 2:
        full = [name for name in known if len([p for p in _parties(name) if p]) == 2]
        known = full or known
    return max((name_similarity(written, name) for name in known), default=0.0)


def _fit(written: str, known: str) -> float:
    """Token-set fit of a written party (or short name) to a known one, ignoring words the
    text put in front of it ("Lord Bridge in Caparo" fits "Caparo Industries"); an acronym
    fits the words it abbreviates ("AEPD", "Agencia Española de Protección de Datos")."""
    words = written.split()
    if not words:
        return 0.0
    if _is_acronym_of(written, known) or _is_acronym_of(known, written):
        return 100.0
    # Dropping leading words must leave a real word: "2" alone fits any "(No 2)".
    suffixes = [" ".join(words[i:]) for i in range(len(words))]
    suffixes = [x for x in suffixes if re.search(r"[^\W\d_]{3}", x)] or suffixes[:1]
    return float(max(fuzz.token_set_ratio(suffix, known) for suffix in suffixes))


_ACRONYM_SKIP: Final = frozenset({"de", "la", "du", "der", "des", "del", "di", "da", "van", "von"})


def _is_acronym_of(short: str, long: str) -> bool:
    if " " in short or not 2 <= len(short) <= 6:
        return False
    initials = "".join(w[0] for w in long.split() if w not in _ACRONYM_SKIP)
    return len(initials) >= 2 and initials == short


# -- the index -------------------------------------------------------------------------------------


@dataclass
class AuthorityIndex:
    """All authorities, with look-ups by key, by name and by topic."""

    authorities: tuple[Authority, ...]
    _by_key: dict[str, Authority] = field(default_factory=dict, repr=False)
    _by_id: dict[str, Authority] = field(default_factory=dict, repr=False)
    _by_topic: dict[str, list[Authority]] = field(default_factory=dict, repr=False)
    _names: dict[str, list[tuple[str, Authority]]] = field(default_factory=dict, repr=False)
    # family -> name word -> positions in _names[family], so a name look-up scores only the
    # names that share a word with it
    _words: dict[str, dict[str, list[int]]] = field(default_factory=dict, repr=False)
    _conflicts: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for authority in self.authorities:
            self._by_id[authority.id] = authority
            for key in dict.fromkeys(authority.keys):
                other = self._by_key.setdefault(key, authority)
                if other is not authority:
                    self._conflicts.setdefault(key, [other.id]).append(authority.id)
            for topic in authority.topics:
                self._by_topic.setdefault(topic, []).append(authority)
            if authority.type in ("case", "decision"):
                family = _family(authority)
                for name in authority.names:
                    normalised = normalise_name(name)
                    if normalised:
                        names = self._names.setdefault(family, [])
                        words = self._words.setdefault(family, {})
                        for word in _index_words(normalised):
                            words.setdefault(word, []).append(len(names))
                        names.append((normalised, authority))

    # -- look-ups ------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.authorities)

    def get(self, authority_id: str) -> Authority | None:
        return self._by_id.get(authority_id)

    def by_key(self, key: str) -> Authority | None:
        """The authority a citation key belongs to; legislation keys of one provision find
        their instrument."""
        found = self._by_key.get(key)
        if found is not None:
            return found
        base, kind, _ = split_provision(key)
        return self._by_key.get(base) if kind is not None else None

    def by_name(
        self, name: str, *, family: str | None = None, limit: int = 3, min_score: float = 85.0
    ) -> list[tuple[Authority, float]]:
        """Cases and decisions whose name or alias fits ``name``, best first.

        ``family`` (``uk``, ``us``, ``eu``, ``echr``, ``intl``) limits the search to the
        authorities a citation of that family could belong to.
        """
        written = normalise_name(name)
        if not written:
            return []
        families = [family] if family is not None else list(self._names)
        # Only names sharing a word with the written one can fit it. They are ranked by the
        # rarity of the words they share (a shared "Caparo" counts for more than a shared
        # "Board"), and the best few are judged party by party.
        weight: dict[str, float] = {}
        found: dict[str, Authority] = {}
        for fam in families:
            names, words = self._names.get(fam, []), self._words.get(fam, {})
            for word in _index_words(written):
                positions = words.get(word, ())
                for position in positions:
                    authority = names[position][1]
                    found[authority.id] = authority
                    weight[authority.id] = weight.get(authority.id, 0.0) + 1 / len(positions)
        ranked = sorted(weight, key=lambda authority_id: -weight[authority_id])
        best: list[tuple[Authority, float]] = []
        for authority_id in ranked[:_SHORTLIST]:
            authority = found[authority_id]
            score = name_fit(name, authority.names)
            if score >= min_score:
                best.append((authority, score))
        return sorted(best, key=lambda pair: -pair[1])[:limit]

    def for_topic(self, topic: str) -> tuple[Authority, ...]:
        """The authorities listed as leading law for a catalog topic (its full name)."""
        return tuple(self._by_topic.get(topic, ()))

    def search(
        self,
        query: str | None = None,
        *,
        jurisdiction: str | None = None,
        topic: str | None = None,
        limit: int | None = 50,
    ) -> list[Authority]:
        """Browse: authorities of a jurisdiction and topic whose name, alias or citation
        contains the query's words (ranked by fuzzy fit when there is a query); ``limit``
        ``None`` returns them all."""
        pool: Iterable[Authority] = self.for_topic(topic) if topic else self.authorities
        pool = [a for a in pool if jurisdiction is None or a.jurisdiction == jurisdiction]
        if not query or not query.strip():
            return list(pool)[:limit]
        wanted = query.casefold().split()
        scored: list[tuple[float, Authority]] = []
        for authority in pool:
            haystack = " ".join((*authority.names, *authority.citations)).casefold()
            if all(word in haystack for word in wanted):
                score = max(fuzz.token_set_ratio(query, name) for name in authority.names)
                scored.append((score, authority))
        scored.sort(key=lambda pair: -pair[0])
        return [authority for _, authority in scored[:limit]]

    # -- facts about the index itself ----------------------------------------------------------

    def conflicts(self) -> Mapping[str, list[str]]:
        """Keys that more than one authority claims (the build refuses these; empty when the
        data is sound)."""
        return MappingProxyType(self._conflicts)

    def coverage(self) -> dict[str, dict[str, int]]:
        """Counts per jurisdiction and per type, and per topic."""
        per_jurisdiction: dict[str, int] = {}
        per_type: dict[str, int] = {}
        per_topic: dict[str, int] = {}
        for authority in self.authorities:
            per_jurisdiction[authority.jurisdiction] = (
                per_jurisdiction.get(authority.jurisdiction, 0) + 1
            )
            per_type[authority.type] = per_type.get(authority.type, 0) + 1
            for topic in authority.topics:
                per_topic[topic] = per_topic.get(topic, 0) + 1
        return {"jurisdiction": per_jurisdiction, "type": per_type, "topic": per_topic}


_SHORTLIST: Final = 8


def _index_words(normalised: str) -> set[str]:
    """The words a name is found by: three letters or more, not a party many cases share."""
    return {
        word
        for word in normalised.replace(" v ", " ").split()
        if len(word) >= 3 and word not in _GENERIC_PARTIES
    }


def _family(authority: Authority) -> str:
    """The citation family of an authority's keys (``uk``, ``us``, ``eu``, ``echr``,
    ``intl``); the first key decides."""
    return authority.keys[0].split(":", 1)[0] if authority.keys else authority.jurisdiction


# -- loading ------------------------------------------------------------------------------------


def _pair(raw: Sequence[int] | None) -> tuple[int, int] | None:
    if not raw:
        return None
    return (int(raw[0]), int(raw[1]))


def authority_from_dict(row: Mapping[str, Any], *, jurisdiction: str) -> Authority:
    """One stored entry (the package format ``authority_build`` writes)."""
    return Authority(
        id=str(row["id"]),
        jurisdiction=jurisdiction,
        type=row["type"],
        name=str(row["name"]),
        aliases=tuple(row.get("aliases", ())),
        citations=tuple(row["citations"]),
        keys=tuple(row["keys"]),
        court=row.get("court"),
        year=row.get("year"),
        sections=_pair(row.get("sections")),
        articles=_pair(row.get("articles")),
        topics=tuple(row.get("topics", ())),
        source=str(row.get("source", "")),
    )


def load_authorities(files: Iterable[str | Path] | None = None) -> AuthorityIndex:
    """Read the index from ``files`` (default: the package's data files)."""
    documents: list[Any] = []
    if files is None:
        directory = resources.files(_PACKAGE).joinpath(*_DATA_DIR)
        if directory.is_dir():
            for item in sorted(directory.iterdir(), key=lambda entry: entry.name):
                if item.name.endswith(".json"):
                    documents.append(json.loads(item.read_text("utf-8")))
    else:
        documents = [json.loads(Path(path).read_text("utf-8")) for path in files]
    authorities: list[Authority] = []
    for document in documents:
        jurisdiction = str(document["jurisdiction"])
        authorities.extend(
            authority_from_dict(row, jurisdiction=jurisdiction) for row in document["entries"]
        )
    return AuthorityIndex(tuple(authorities))


@cache
def get_authority_index() -> AuthorityIndex:
    """The bundled index, loaded once per process on first use."""
    return load_authorities()
