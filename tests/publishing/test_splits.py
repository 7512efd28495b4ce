"""Splits: ratios, determinism, stratification and near duplicates kept in one split."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from legal_training.catalog.fields import SampleFilters
from legal_training.publishing.splits import (
    SplitConfig,
    SplitConfigError,
    SplitItem,
    assign_splits,
    candidate_buckets,
    near_duplicate_groups,
    plan_splits,
)
from legal_training.similarity import band_keys, signature
from legal_training.storage.db import Database
from tests.publishing.helpers import diverse_sample, insert, text


def _items(n: int, strata: int = 6) -> list[SplitItem]:
    return [
        SplitItem(f"s{i:04d}", f"topic-{i % strata}", ("basic", "expert")[(i // strata) % 2])
        for i in range(n)
    ]


@pytest.mark.parametrize(
    ("ratios", "message"),
    [
        ((0.5, 0.1, 0.1), "add up to 1"),
        ((1.2, -0.1, -0.1), "between 0 and 1"),
        ((0.0, 0.5, 0.5), "train ratio must be above 0"),
    ],
)
def test_invalid_ratios_are_rejected(ratios: tuple[float, float, float], message: str) -> None:
    train, validation, test = ratios
    with pytest.raises(SplitConfigError, match=message):
        SplitConfig(train=train, validation=validation, test=test)


def test_zero_ratio_drops_the_split() -> None:
    config = SplitConfig(train=0.9, validation=0.0, test=0.1)
    plan = assign_splits(_items(100), config)
    assert config.names == ("train", "test")
    assert set(plan.assignments.values()) == {"train", "test"}
    assert plan.counts() == {"train": 90, "test": 10}


def test_same_data_and_seed_give_the_same_split_in_any_order() -> None:
    items = _items(300)
    shuffled = items[:]
    random.Random(7).shuffle(shuffled)
    config = SplitConfig(seed=123)
    assert assign_splits(items, config).assignments == assign_splits(shuffled, config).assignments
    other = assign_splits(items, SplitConfig(seed=124)).assignments
    assert other != assign_splits(items, config).assignments
    assert Counter(other.values()) == Counter(assign_splits(items, config).assignments.values())


def test_split_sizes_follow_the_ratios_overall_and_per_stratum() -> None:
    items = _items(1200, strata=6)  # 12 strata of 100
    plan = assign_splits(items, SplitConfig(train=0.7, validation=0.2, test=0.1))
    assert plan.counts() == {"train": 840, "validation": 240, "test": 120}
    per_stratum: dict[tuple[str, str], Counter[str]] = {}
    for item in items:
        key = (item.topic, item.difficulty)
        per_stratum.setdefault(key, Counter())[plan.split_of(item.id)] += 1
    assert len(per_stratum) == 12
    for counts in per_stratum.values():
        assert abs(counts["train"] - 70) <= 1
        assert abs(counts["validation"] - 20) <= 1
        assert abs(counts["test"] - 10) <= 1


def test_small_strata_still_feed_validation_and_test() -> None:
    # 40 strata of 3 samples: per-stratum rounding alone would put everything in train.
    items = [SplitItem(f"s{i:03d}", f"topic-{i // 3}", "basic") for i in range(120)]
    counts = assign_splits(items, SplitConfig()).counts()
    assert counts == {"train": 96, "validation": 12, "test": 12}


def test_groups_are_placed_as_one_unit() -> None:
    items = _items(200)
    groups = [["s0001", "s0050", "s0099", "s0150"], ["s0002", "s0003"], ["s0004", "missing"]]
    plan = assign_splits(items, SplitConfig(), groups=groups)
    for group in groups:
        present = [i for i in group if i in plan.assignments]
        assert len({plan.split_of(i) for i in present}) == 1
    assert plan.near_duplicate_groups == 2  # the third "group" has one member here
    assert sum(plan.counts().values()) == 200


def test_near_duplicate_groups_confirm_candidates_and_merge_transitively() -> None:
    base = text(1, 120)
    words = base.split()
    variant_a = " ".join([*words[:60], "amended", *words[61:]])
    variant_b = " ".join([*words[:90], "changed", *words[91:]])
    texts = {
        "a": base,
        "b": variant_a,
        "c": variant_b,
        "d": text(2, 120),
        "e": text(3, 120),
    }
    buckets = candidate_buckets({k: band_keys(signature(v)) for k, v in texts.items()})
    groups = near_duplicate_groups(buckets, lambda wanted: {i: texts[i] for i in wanted})
    assert groups == [["a", "b", "c"]]


def test_shared_band_key_without_similarity_is_not_a_group() -> None:
    texts = {"x": text(10, 100), "y": text(11, 100)}
    # Force them into one candidate bucket: the confirmation step must reject the pair.
    groups = near_duplicate_groups([["x", "y"]], lambda wanted: {i: texts[i] for i in wanted})
    assert groups == []


def test_plan_from_the_database_keeps_near_duplicates_together(database: Database) -> None:
    samples = [diverse_sample(i) for i in range(60)]
    originals = samples[:5]
    copies = [
        diverse_sample(
            100 + k,
            question=s["question"] + " Please explain.",
            answer=s["answer"].replace(" ", "  ", 1) + " In short, yes.",
            topic=s["topic"],
            difficulty=s["difficulty"],
        )
        for k, s in enumerate(originals)
    ]
    insert(database, samples + copies)
    with database.read() as session:
        plan = plan_splits(session, SampleFilters(), SplitConfig(seed=3))
    assert len(plan.assignments) == 65
    assert plan.near_duplicate_groups == 5
    for original, copy in zip(originals, copies, strict=True):
        assert plan.split_of(original["id"]) == plan.split_of(copy["id"])


def test_plan_respects_filters(database: Database) -> None:
    insert(
        database,
        [diverse_sample(i, provider="simulator" if i % 4 == 0 else "groq") for i in range(40)],
    )
    with database.read() as session:
        plan = plan_splits(session, SampleFilters(exclude_provider="simulator"), SplitConfig())
    assert set(plan.assignments) == {f"sample_{i:05d}" for i in range(40) if i % 4}
