"""Typed, immutable views of the catalog data files and the look-ups everything else needs."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from legal_training.errors import DomainError


class CatalogError(DomainError, ValueError):
    """A name that is not in the catalog; carries the valid choices so callers can report them."""

    def error_code(self) -> str:
        return f"invalid_{self.kind}"

    def error_details(self) -> Any:
        return {"field": self.kind, "valid_values": self.valid}

    def __init__(self, kind: str, value: str, valid: list[str]) -> None:
        self.kind = kind
        self.value = value
        self.valid = valid
        super().__init__(f"unknown {kind} {value!r}; valid values: {', '.join(valid)}")


@dataclass(frozen=True)
class Jurisdiction:
    id: str
    name: str
    legal_system: str
    citation_format: str
    authorities: tuple[str, ...]


@dataclass(frozen=True)
class Difficulty:
    id: str
    min_words: int
    min_citations: int
    min_steps: int
    max_steps: int
    min_reasoning_chars: int
    complexity: str
    description: str

    @property
    def reasoning_steps(self) -> str:
        """The step range as prompts and reports write it (``"4-5"``)."""
        return f"{self.min_steps}-{self.max_steps}"


@dataclass(frozen=True)
class SampleType:
    id: str
    name: str
    structure_name: str
    sections: tuple[str, ...]
    description: str
    focus: str
    example: str


@dataclass(frozen=True)
class Topic:
    jurisdiction: str
    practice_area: str
    topic: str
    default_difficulty: str

    @property
    def full_name(self) -> str:
        """The ``"Practice Area - Topic"`` string stored in each sample's ``topic``."""
        return f"{self.practice_area} - {self.topic}"


@dataclass(frozen=True)
class Catalog:
    jurisdictions: tuple[Jurisdiction, ...]
    difficulties: tuple[Difficulty, ...]
    difficulty_aliases: dict[str, str]
    sample_types: tuple[SampleType, ...]
    default_sample_type: str
    rotation_sample_type: str
    topics: tuple[Topic, ...]
    _topic_index: dict[str, Topic] = field(default_factory=dict, repr=False, compare=False)

    # -- jurisdictions -------------------------------------------------------------------------
    def jurisdiction(self, value: str) -> Jurisdiction:
        key = value.strip().lower()
        for item in self.jurisdictions:
            if item.id == key:
                return item
        raise CatalogError("jurisdiction", value, [j.id for j in self.jurisdictions])

    # -- difficulties --------------------------------------------------------------------------
    def difficulty_ids(self) -> list[str]:
        return [d.id for d in self.difficulties]

    def difficulty(self, value: str) -> Difficulty:
        key = value.strip().lower()
        key = self.difficulty_aliases.get(key, key)
        for item in self.difficulties:
            if item.id == key:
                return item
        valid = self.difficulty_ids() + sorted(self.difficulty_aliases)
        raise CatalogError("difficulty", value, valid)

    # -- sample types --------------------------------------------------------------------------
    def sample_type_ids(self, *, include_rotation: bool = False) -> list[str]:
        ids = [s.id for s in self.sample_types]
        return [*ids, self.rotation_sample_type] if include_rotation else ids

    def sample_type(self, value: str) -> SampleType:
        key = value.strip().lower()
        for item in self.sample_types:
            if item.id == key:
                return item
        raise CatalogError("sample_type", value, self.sample_type_ids(include_rotation=True))

    def rotate_sample_type(self, index: int) -> SampleType:
        """The ``balance`` rotation: the concrete types in catalog order, cycling by index."""
        return self.sample_types[index % len(self.sample_types)]

    # -- practice areas and topics -------------------------------------------------------------
    def practice_areas(self, jurisdiction: str | None = None) -> list[str]:
        seen: dict[str, None] = {}
        for t in self.topics:
            if jurisdiction is None or t.jurisdiction == jurisdiction:
                seen.setdefault(t.practice_area, None)
        return list(seen)

    def filter_topics(
        self, *, jurisdiction: str | None = None, practice_area: str | None = None
    ) -> list[Topic]:
        area = practice_area.strip().lower() if practice_area else None
        return [
            t
            for t in self.topics
            if (jurisdiction is None or t.jurisdiction == jurisdiction)
            and (area is None or t.practice_area.lower() == area)
        ]

    def find_topic(self, value: str, *, practice_area: str | None = None) -> Topic:
        """Resolve ``"Area - Topic"``, a bare topic name, or a topic name plus practice area.

        Bare names that exist in several jurisdictions (none today) would be ambiguous; the full
        ``"Area - Topic"`` form always resolves uniquely within a jurisdiction.
        """
        key = value.strip().lower()
        if practice_area:
            key = f"{practice_area.strip().lower()} - {key}"
        found = self._topic_index.get(key)
        if found is None:
            raise CatalogError("topic", value, [t.full_name for t in self.topics])
        return found


def _load(name: str) -> Any:
    text = resources.files("legal_training.catalog").joinpath("data", name).read_text("utf-8")
    return json.loads(text)


def _build_index(topics: tuple[Topic, ...]) -> dict[str, Topic]:
    index: dict[str, Topic] = {}
    for t in topics:
        index[t.full_name.lower()] = t
        index.setdefault(t.topic.lower(), t)
    return index


@cache
def get_catalog() -> Catalog:
    """Load the catalog once per process; it never changes at run time."""
    jur = _load("jurisdictions.json")["jurisdictions"]
    diff = _load("difficulties.json")
    types = _load("sample_types.json")
    topics = tuple(Topic(**t) for t in _load("topics.json")["topics"])
    return Catalog(
        jurisdictions=tuple(
            Jurisdiction(**{**j, "authorities": tuple(j["authorities"])}) for j in jur
        ),
        difficulties=tuple(Difficulty(**d) for d in diff["difficulties"]),
        difficulty_aliases=dict(diff["aliases"]),
        sample_types=tuple(
            SampleType(**{**s, "sections": tuple(s["sections"])}) for s in types["sample_types"]
        ),
        default_sample_type=types["default"],
        rotation_sample_type=types["rotation_id"],
        topics=topics,
        _topic_index=_build_index(topics),
    )
