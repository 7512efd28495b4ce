from __future__ import annotations

from collections import Counter

import pytest

from legal_training.catalog import CatalogError, get_catalog


def test_topic_counts_per_jurisdiction_match_the_original() -> None:
    counts = Counter(t.jurisdiction for t in get_catalog().topics)
    assert counts == {"uk": 42, "us": 15, "eu": 10, "international": 8}


def test_uk_default_difficulty_mix_matches_the_original() -> None:
    uk = [t for t in get_catalog().topics if t.jurisdiction == "uk"]
    assert Counter(t.default_difficulty for t in uk) == {
        "basic": 6,
        "intermediate": 17,
        "advanced": 17,
        "expert": 2,
    }


def test_distinct_practice_areas() -> None:
    areas = {(t.jurisdiction, t.practice_area) for t in get_catalog().topics}
    assert len({a for _, a in areas}) == 31


def test_foundational_is_an_alias_of_basic() -> None:
    assert get_catalog().difficulty("Foundational").id == "basic"


@pytest.mark.parametrize(
    ("name", "words", "citations", "steps", "chars"),
    [
        ("basic", 250, 2, (4, 5), 200),
        ("intermediate", 350, 2, (5, 6), 300),
        ("advanced", 450, 3, (6, 7), 400),
        ("expert", 500, 3, (7, 8), 500),
    ],
)
def test_difficulty_specs(
    name: str, words: int, citations: int, steps: tuple[int, int], chars: int
) -> None:
    spec = get_catalog().difficulty(name)
    assert (spec.min_words, spec.min_citations) == (words, citations)
    assert (spec.min_steps, spec.max_steps) == steps
    assert spec.min_reasoning_chars == chars


def test_unknown_difficulty_lists_valid_values() -> None:
    with pytest.raises(CatalogError) as excinfo:
        get_catalog().difficulty("impossible")
    assert "expert" in excinfo.value.valid and "foundational" in excinfo.value.valid


def test_sample_type_sections_and_rotation() -> None:
    catalog = get_catalog()
    assert catalog.sample_type("case_analysis").sections == (
        "Issue",
        "Rule",
        "Application",
        "Conclusion",
    )
    rotation = [catalog.rotate_sample_type(i).id for i in range(5)]
    assert rotation == [
        "case_analysis",
        "educational",
        "client_interaction",
        "statutory_interpretation",
        "case_analysis",
    ]
    assert "balance" in catalog.sample_type_ids(include_rotation=True)


def test_find_topic_by_full_name_and_bare_name() -> None:
    catalog = get_catalog()
    assert catalog.find_topic("EU Competition Law - Article 102 TFEU").jurisdiction == "eu"
    assert catalog.find_topic("miranda rights").practice_area == "Criminal Law"
    with pytest.raises(CatalogError):
        catalog.find_topic("Space Law - Moon Treaties")
