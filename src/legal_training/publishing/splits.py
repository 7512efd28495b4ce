"""Deterministic train/validation/test splits, stratified, with near duplicates kept together.

Why each rule:

* **Deterministic** — the same data, ratios and seed give the same split whatever order the rows
  come back in, so a published version can be rebuilt and a Hub commit compared with a re-export.
  Order comes from sorting strata and hashing ``(seed, id)``, never from ``random`` state.
* **Stratified by topic and difficulty** — groups are laid out stratum by stratum and dealt to the
  split furthest below its share, so each split mirrors the mix of topics and difficulties (within
  one group per stratum), and the rounding remainder of a small stratum carries over to the next
  instead of always landing in ``train``.
* **Near duplicates in one split** — two samples that are near copies, one in ``train`` and one in
  ``test``, would leak the answer into evaluation. Candidates are samples sharing a MinHash band
  key (the index that storage already keeps); a pair is confirmed when the estimated Jaccard or the
  rapidfuzz similarity is high, and confirmed pairs are merged with union-find, so a whole
  cluster is placed as one unit.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from legal_training.catalog.fields import SampleFilters
from legal_training.errors import DomainError
from legal_training.similarity import (
    estimated_jaccard,
    fingerprint_text,
    signature,
    text_similarity,
)
from legal_training.storage.models import SampleBandRow, SampleRow, SampleTextRow
from legal_training.storage.samples import apply_filters

SPLIT_NAMES: tuple[str, ...] = ("train", "validation", "test")
DEFAULT_SEED = 42
DEFAULT_NEAR_DUPLICATE_THRESHOLD = 0.85
# An estimated Jaccard this high is a near copy whatever the character-level similarity says
# (long texts with a reordered paragraph score low on edit distance but share most shingles).
CONFIRM_JACCARD = 0.6
# Representatives compared per shared band key: bounds the work a very common key can cause.
_MAX_REPRESENTATIVES = 64
_TEXT_CHUNK = 500

TextLookup = Callable[[Sequence[str]], Mapping[str, str]]


class SplitConfigError(DomainError, ValueError):
    """Ratios or seed that cannot make a split."""


@dataclass(frozen=True)
class SplitConfig:
    """Split ratios (must add up to 1; a zero ratio drops that split) and the seed."""

    train: float = 0.8
    validation: float = 0.1
    test: float = 0.1
    seed: int = DEFAULT_SEED
    near_duplicate_threshold: float = DEFAULT_NEAR_DUPLICATE_THRESHOLD

    def __post_init__(self) -> None:
        problems = [
            f"{name} ratio must be between 0 and 1, got {value}"
            for name, value in self.as_ratios(include_zero=True).items()
            if not (0.0 <= value <= 1.0) or math.isnan(value)
        ]
        total = self.train + self.validation + self.test
        if not problems and not math.isclose(total, 1.0, abs_tol=1e-6):
            problems.append(f"split ratios must add up to 1, got {total:g}")
        if not problems and self.train <= 0:
            problems.append("train ratio must be above 0")
        if not (0.0 < self.near_duplicate_threshold <= 1.0):
            problems.append("near_duplicate_threshold must be in (0, 1]")
        if problems:
            raise SplitConfigError("; ".join(problems))

    def as_ratios(self, *, include_zero: bool = False) -> dict[str, float]:
        ratios = {"train": self.train, "validation": self.validation, "test": self.test}
        return {k: v for k, v in ratios.items() if include_zero or v > 0}

    @property
    def names(self) -> tuple[str, ...]:
        """The splits that will exist, in canonical order."""
        return tuple(self.as_ratios())


@dataclass(frozen=True)
class SplitItem:
    """What the splitter needs to know about one sample."""

    id: str
    topic: str
    difficulty: str


@dataclass
class SplitPlan:
    """Which split every sample goes to."""

    config: SplitConfig
    assignments: dict[str, str] = field(default_factory=dict)
    near_duplicate_groups: int = 0  # clusters of two or more samples kept together
    near_duplicate_samples: int = 0

    def split_of(self, sample_id: str) -> str:
        return self.assignments[sample_id]

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(self.config.names, 0)
        for name in self.assignments.values():
            counts[name] += 1
        return counts


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        parent = self.parent.setdefault(item, item)
        if parent != item:
            root = self.find(parent)
            self.parent[item] = root
            return root
        return item

    def union(self, left: str, right: str) -> None:
        a, b = self.find(left), self.find(right)
        if a != b:
            # Smallest id becomes the root: the result does not depend on visiting order.
            low, high = sorted((a, b))
            self.parent[high] = low


def candidate_buckets(keys_by_id: Mapping[str, Iterable[int]]) -> list[list[str]]:
    """Ids grouped by shared band key (only keys shared by two or more ids)."""
    by_key: dict[int, list[str]] = defaultdict(list)
    for sample_id, keys in keys_by_id.items():
        for key in set(keys):
            by_key[key].append(sample_id)
    return [sorted(ids) for ids in by_key.values() if len(ids) > 1]


def near_duplicate_groups(
    buckets: Iterable[Sequence[str]],
    texts: TextLookup,
    *,
    threshold: float = DEFAULT_NEAR_DUPLICATE_THRESHOLD,
) -> list[list[str]]:
    """Clusters (two or more ids) of confirmed near duplicates among the candidate buckets.

    ``texts`` returns the fingerprint text (question + answer) of the ids asked for; it is called
    once, for candidates only, so the texts of a large dataset are never all in memory.
    """
    bucket_list = [sorted(set(b)) for b in buckets if len(set(b)) > 1]
    if not bucket_list:
        return []
    wanted = sorted({i for bucket in bucket_list for i in bucket})
    text_of = dict(texts(wanted))
    signatures: dict[str, npt.NDArray[np.uint64]] = {}

    def sig(sample_id: str) -> npt.NDArray[np.uint64]:
        if sample_id not in signatures:
            signatures[sample_id] = signature(text_of[sample_id])
        return signatures[sample_id]

    def confirmed(left: str, right: str) -> bool:
        if estimated_jaccard(sig(left), sig(right)) >= CONFIRM_JACCARD:
            return True
        return text_similarity(text_of[left], text_of[right]) >= threshold

    sets = _UnionFind()
    for bucket in bucket_list:
        members = [i for i in bucket if i in text_of]
        representatives: list[str] = []
        for member in members:
            root = sets.find(member)
            for other in representatives[:_MAX_REPRESENTATIVES]:
                if sets.find(other) == root:
                    break
                if confirmed(member, other):
                    sets.union(member, other)
                    break
            else:
                representatives.append(member)
    clusters: dict[str, list[str]] = defaultdict(list)
    for sample_id in wanted:
        clusters[sets.find(sample_id)].append(sample_id)
    return sorted((sorted(c) for c in clusters.values() if len(c) > 1), key=lambda c: c[0])


def _order_key(seed: int, sample_id: str) -> bytes:
    return hashlib.blake2b(f"{seed}\x00{sample_id}".encode(), digest_size=16).digest()


def assign_splits(
    items: Iterable[SplitItem],
    config: SplitConfig,
    *,
    groups: Sequence[Sequence[str]] = (),
) -> SplitPlan:
    """Place every item (and every group as a unit) in a split; see the module docstring."""
    by_id = {item.id: item for item in items}
    sets = _UnionFind()
    for group in groups:
        present = [i for i in group if i in by_id]
        for other in present[1:]:
            sets.union(present[0], other)
    members: dict[str, list[str]] = defaultdict(list)
    for sample_id in by_id:
        members[sets.find(sample_id)].append(sample_id)

    strata: dict[tuple[str, str], list[list[str]]] = defaultdict(list)
    for ids in members.values():
        anchor = by_id[min(ids)]
        strata[(anchor.topic, anchor.difficulty)].append(sorted(ids))

    ratios = config.as_ratios()
    names = list(ratios)
    assigned = dict.fromkeys(names, 0)
    total = 0
    plan = SplitPlan(config=config)
    for stratum in sorted(strata):
        ordered = sorted(strata[stratum], key=lambda ids: _order_key(config.seed, ids[0]))
        for ids in ordered:
            size = len(ids)
            # The split furthest below its share once this group is counted; ties go to the
            # earlier split in canonical order.
            deficits = [ratios[n] * (total + size) - assigned[n] for n in names]
            target = names[max(range(len(names)), key=lambda k: (deficits[k], -k))]
            for sample_id in ids:
                plan.assignments[sample_id] = target
            assigned[target] += size
            total += size
            if size > 1:
                plan.near_duplicate_groups += 1
                plan.near_duplicate_samples += size
    return plan


# -- from the database ------------------------------------------------------------------------
def _split_items(session: Session, filters: SampleFilters) -> list[SplitItem]:
    statement = apply_filters(select(SampleRow.id, SampleRow.topic, SampleRow.difficulty), filters)
    return [SplitItem(i, t, d) for i, t, d in session.execute(statement)]


def _shared_key_buckets(session: Session, filters: SampleFilters) -> list[list[str]]:
    """Band keys held by two or more stored samples, with the matching samples that hold them."""
    shared = (
        select(SampleBandRow.band_key)
        .group_by(SampleBandRow.band_key)
        .having(func.count() > 1)
        .scalar_subquery()
    )
    statement = apply_filters(
        select(SampleBandRow.band_key, SampleRow.id)
        .join(SampleRow, SampleRow.seq == SampleBandRow.sample_seq)
        .where(SampleBandRow.band_key.in_(shared)),
        filters,
    )
    by_key: dict[int, list[str]] = defaultdict(list)
    for key, sample_id in session.execute(statement):
        by_key[key].append(sample_id)
    return [ids for ids in by_key.values() if len(ids) > 1]


def _text_lookup(session: Session) -> TextLookup:
    def fetch(ids: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for start in range(0, len(ids), _TEXT_CHUNK):
            chunk = list(ids[start : start + _TEXT_CHUNK])
            statement = (
                select(SampleRow.id, SampleTextRow.question, SampleTextRow.answer)
                .join(SampleTextRow, SampleTextRow.sample_seq == SampleRow.seq)
                .where(SampleRow.id.in_(chunk))
            )
            for sample_id, question, answer in session.execute(statement):
                found[sample_id] = fingerprint_text(question, answer)
        return found

    return fetch


def plan_splits(session: Session, filters: SampleFilters, config: SplitConfig) -> SplitPlan:
    """The split plan of every sample matching ``filters``, using the stored band-key index."""
    items = _split_items(session, filters)
    groups = near_duplicate_groups(
        _shared_key_buckets(session, filters),
        _text_lookup(session),
        threshold=config.near_duplicate_threshold,
    )
    return assign_splits(items, config, groups=groups)
