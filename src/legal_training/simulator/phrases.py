"""Word banks and sentence templates the simulated models write with.

The banks live in ``data/phrases.json``; templates use ``{name}`` for facts and ``[a|b|c]`` for
wording alternatives, expanded at random (see :func:`expand`), so two samples on one topic share
few five-word shingles: near-duplicate checks downstream then measure something real.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType
from typing import Any

_ALT = re.compile(r"\[([^\[\]]*\|[^\[\]]*)\]")


def expand(template: str, rng: random.Random, facts: dict[str, str]) -> str:
    """Resolve ``[a|b]`` alternatives, then fill ``{fact}`` placeholders."""
    text = _ALT.sub(lambda m: rng.choice(m.group(1).split("|")), template)
    return text.format(**facts)


def _load() -> dict[str, Any]:
    raw = resources.files(__package__).joinpath("data/phrases.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(raw)
    return data


_DATA = _load()


def _words(name: str) -> tuple[str, ...]:
    return tuple(_DATA[name])


def _table(name: str) -> Mapping[str, tuple[str, ...]]:
    return MappingProxyType({key: tuple(value) for key, value in _DATA[name].items()})


def _strings(name: str) -> Mapping[str, str]:
    return MappingProxyType(dict(_DATA[name]))


FIRST_NAMES = _words("FIRST_NAMES")
SURNAMES = _words("SURNAMES")
COMPANY_STEMS = _words("COMPANY_STEMS")
COMPANY_KINDS = _words("COMPANY_KINDS")
COMPANY_SUFFIX = _table("COMPANY_SUFFIX")
PLACES = _table("PLACES")
STATES = _words("STATES")
INDUSTRIES = _words("INDUSTRIES")
CURRENCY = _strings("CURRENCY")
MONTHS = _words("MONTHS")
AREA_CONCEPTS = _table("AREA_CONCEPTS")
DEFAULT_CONCEPTS = _words("DEFAULT_CONCEPTS")
SECTION_ROLES = _strings("SECTION_ROLES")
SECTION_OPENERS = _table("SECTION_OPENERS")
AUTHORITY_SENTENCES = _words("AUTHORITY_SENTENCES")
ROLE_SENTENCES = _table("ROLE_SENTENCES")
ELABORATIONS = _words("ELABORATIONS")
REASONING_STEPS = _words("REASONING_STEPS")
QUESTIONS = _table("QUESTIONS")
