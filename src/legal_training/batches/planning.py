"""The batch plan: which topic, difficulty and sample type each slot of a batch asks for.

A batch of ``count`` samples has slots ``0 .. count-1``; slot ``k`` asks for ``items[k % len]``.
The item cycle pairs every topic with every sample type exactly once, arranged so that any run
of consecutive slots spreads over topics first and rotates types per topic; a 12-sample batch
over 75 topics therefore touches 12 different topics, and a long batch covers every
topic × type pair evenly. Topics are taken in turn from each jurisdiction and, within it, from
each practice area, so even the first few samples of a batch over the whole catalog span its
jurisdictions, areas and (through the topics' default levels) difficulties. The plan is stored
with the batch (``batches.plan``), so a resumed batch asks for exactly what the unfilled slots
asked for before the crash.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from legal_training.catalog import Topic


@dataclass(frozen=True)
class PlanItem:
    topic: str
    difficulty: str
    sample_type: str

    def as_dict(self) -> dict[str, str]:
        return {"topic": self.topic, "difficulty": self.difficulty, "sample_type": self.sample_type}


@dataclass(frozen=True)
class BatchPlan:
    items: tuple[PlanItem, ...]

    def __post_init__(self) -> None:
        if not self.items:
            raise ValueError("a plan needs at least one item")

    def item(self, slot: int) -> PlanItem:
        return self.items[slot % len(self.items)]

    def alternatives(self, slot: int, *, count: int | None = None) -> list[PlanItem]:
        """The slot's own item first, then the rest of the cycle (used when the slot's topic
        circuit is open). With the batch's ``count``, the items no other slot of the batch
        asks for come before those that one does, so moving work keeps coverage even."""
        size = len(self.items)
        order = [(slot + offset) % size for offset in range(size)]
        if count is not None and count < size:
            unused = [i for i in order[1:] if i >= count]
            used = [i for i in order[1:] if i < count]
            order = [order[0], *unused, *used]
        return [self.items[i] for i in order]

    def to_json(self) -> list[dict[str, str]]:
        return [item.as_dict() for item in self.items]

    @classmethod
    def from_json(cls, data: Sequence[Any]) -> BatchPlan:
        return cls(
            tuple(
                PlanItem(str(d["topic"]), str(d["difficulty"]), str(d["sample_type"])) for d in data
            )
        )

    def coverage(self, count: int) -> dict[str, int]:
        """How many of the first ``count`` slots ask for each topic (for reports and tests)."""
        counts: dict[str, int] = {}
        for slot in range(count):
            topic = self.item(slot).topic
            counts[topic] = counts.get(topic, 0) + 1
        return counts


def build_plan(
    topics: Sequence[Topic], *, sample_types: Sequence[str], difficulty: str | None
) -> BatchPlan:
    """Every (topic, type) pair once. Item ``i`` takes topic ``i % T`` and type
    ``(i // T + i % T) % S``: for a fixed topic the ``S`` passes give ``S`` different types,
    and within a pass neighbouring topics get different types. Difficulty is the requested one
    or the topic's default."""
    if not topics or not sample_types:
        raise ValueError("a plan needs topics and sample types")
    topics = spread_topics(topics)
    n_topics, n_types = len(topics), len(sample_types)
    items: list[PlanItem] = []
    for index in range(n_topics * n_types):
        topic = topics[index % n_topics]
        kind = sample_types[(index // n_topics + index % n_topics) % n_types]
        items.append(PlanItem(topic.full_name, difficulty or topic.default_difficulty, kind))
    return BatchPlan(tuple(items))


def _round_robin(groups: Sequence[Sequence[Topic]]) -> list[Topic]:
    """One from each group in turn until every group is used up."""
    ordered: list[Topic] = []
    for depth in range(max((len(g) for g in groups), default=0)):
        ordered.extend(group[depth] for group in groups if depth < len(group))
    return ordered


def spread_topics(topics: Sequence[Topic]) -> list[Topic]:
    """``topics`` reordered so that neighbours differ in jurisdiction, then in practice area.

    Each jurisdiction's topics are interleaved across its practice areas, and the jurisdictions
    are interleaved with each other; within a practice area the given order is kept.
    """
    by_jurisdiction: dict[str, dict[str, list[Topic]]] = {}
    for topic in topics:
        areas = by_jurisdiction.setdefault(topic.jurisdiction, {})
        areas.setdefault(topic.practice_area, []).append(topic)
    return _round_robin([_round_robin(list(areas.values())) for areas in by_jurisdiction.values()])
