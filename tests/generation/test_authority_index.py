"""The bundled authority index is sound: every entry passes our own parser and plausibility
rules, keys are current and unique, parallel citations agree on the year, topics exist.

A wrong entry turns a fabrication into "verified", so these run over every entry.
"""

from __future__ import annotations

import re

import pytest

from legal_training.catalog import get_catalog
from legal_training.generation.authorities import (
    AUTHORITY_TYPES,
    Authority,
    get_authority_index,
    split_provision,
)
from legal_training.generation.citations import instrument_key, parse_citations, uk_act_sections

INDEX = get_authority_index()
CATALOG = get_catalog()
_HAS_YEAR = re.compile(r"\(\s*[^()]*\d{4}\s*\)\s*$")


def _parse_one(authority: Authority, text: str) -> str:
    """The key our parser gives ``text`` on its own (a US case with its year in brackets)."""
    checked = text
    if authority.jurisdiction == "us" and authority.type == "case" and authority.year:
        checked = text if _HAS_YEAR.search(text) else f"{text} ({authority.year})"
    found = parse_citations(checked)
    exact = len(found) == 1 and found[0].text == text
    if not exact and authority.type in ("treaty", "legislation"):
        # A treaty by its title alone takes the key of the parser's instrument table.
        for name in (text, *authority.names):
            key = instrument_key(name)
            if key is not None:
                return key
    assert len(found) == 1, (authority.id, text, [c.text for c in found])
    assert found[0].problems == (), (authority.id, text, found[0].problems)
    assert found[0].text == text, (authority.id, text, found[0].text)
    return found[0].own_key


def test_index_covers_every_jurisdiction() -> None:
    coverage = INDEX.coverage()
    for jurisdiction in CATALOG.jurisdictions:
        assert coverage["jurisdiction"].get(jurisdiction.id, 0) > 0, jurisdiction.id


def test_every_citation_parses_to_its_stored_key() -> None:
    for authority in INDEX.authorities:
        assert len(authority.citations) == len(authority.keys) > 0, authority.id
        for text, key in zip(authority.citations, authority.keys, strict=True):
            assert _parse_one(authority, text) == key, (authority.id, text)


def test_no_two_entries_claim_one_key() -> None:
    assert dict(INDEX.conflicts()) == {}


def test_ids_are_unique() -> None:
    ids = [a.id for a in INDEX.authorities]
    assert len(ids) == len(set(ids))


def test_parallel_citations_agree_on_the_year() -> None:
    for authority in INDEX.authorities:
        if authority.type not in ("case", "decision") or authority.year is None:
            continue
        for text, key in zip(authority.citations, authority.keys, strict=True):
            if not re.match(r"^(?:\w+:report:|\w+:neutral:|\w+:ecli:|us:case:)", key):
                continue  # a case number's year is when the case was lodged
            (citation,) = parse_citations(text)
            if citation.year is not None:
                assert abs(citation.year - authority.year) <= 2, (authority.id, text)


def test_topics_are_catalog_topics_of_a_matching_jurisdiction() -> None:
    names = {t.full_name: t for t in CATALOG.topics}
    for authority in INDEX.authorities:
        assert authority.type in AUTHORITY_TYPES
        for topic in authority.topics:
            assert topic in names, (authority.id, topic)


def test_every_topic_has_authorities_to_offer() -> None:
    missing = [t.full_name for t in CATALOG.topics if not INDEX.for_topic(t.full_name)]
    assert missing == []


def test_provision_ranges_are_ordered() -> None:
    for authority in INDEX.authorities:
        for bounds in (authority.sections, authority.articles):
            if bounds is not None:
                assert 0 <= bounds[0] <= bounds[1], authority.id


def test_every_entry_has_a_source_note() -> None:
    assert all(a.source.strip() for a in INDEX.authorities)


# -- look-ups ---------------------------------------------------------------------------------


def _first_case(jurisdiction: str) -> Authority:
    return next(a for a in INDEX.authorities if a.jurisdiction == jurisdiction and a.type == "case")


@pytest.mark.parametrize("jurisdiction", ["uk", "us", "eu"])
def test_lookup_by_key_and_by_name(jurisdiction: str) -> None:
    authority = _first_case(jurisdiction)
    assert INDEX.by_key(authority.keys[0]) is authority
    found = INDEX.by_name(authority.name)
    assert found and found[0][0] is authority


def test_a_provision_finds_its_act() -> None:
    act = next(
        a
        for a in INDEX.authorities
        if a.jurisdiction == "uk" and a.type == "legislation" and a.keys[0].startswith("uk:act:")
    )
    assert split_provision(act.keys[0] + ":s1") == (act.keys[0], "s", 1)
    assert INDEX.by_key(act.keys[0] + ":s1") is act


def test_search_filters_by_jurisdiction_and_topic() -> None:
    topic = CATALOG.filter_topics(jurisdiction="us")[0].full_name
    results = INDEX.search(jurisdiction="us", topic=topic)
    assert results
    assert all(a.jurisdiction == "us" and topic in a.topics for a in results)
    authority = _first_case("uk")
    word = authority.name.split()[0]
    assert authority in INDEX.search(word, jurisdiction="uk", limit=500)


def test_the_parsers_act_lengths_agree_with_the_index() -> None:
    lengths = uk_act_sections()
    checked = 0
    for authority in INDEX.authorities:
        key = authority.keys[0]
        if authority.sections and key.startswith("uk:act:") and key[7:] in lengths:
            assert lengths[key[7:]] == authority.sections[1], authority.name
            checked += 1
    assert checked >= 10
