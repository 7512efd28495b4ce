"""Real authorities the simulated models cite, per jurisdiction and practice area.

The table lives in ``data/authorities.json``. Every entry is ``(citation, what it stands for)``;
the second part is a present-tense verb phrase so it reads after the citation ("Caparo ... sets
out ..."). The citations are real and written in the formats our citation checks recognise (UK
neutral citations respect court years: UKSC from 2009, UKHL until 2009). Keys are
``"<jurisdiction>:<practice area>"``; ``"<jurisdiction>:*"`` holds general authorities used to
top up an area with too few entries.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType

Authority = tuple[str, str]


def _load() -> Mapping[str, tuple[Authority, ...]]:
    raw = resources.files(__package__).joinpath("data/authorities.json").read_text("utf-8")
    table: dict[str, list[list[str]]] = json.loads(raw)
    return MappingProxyType(
        {key: tuple((citation, gist) for citation, gist in rows) for key, rows in table.items()}
    )


AUTHORITIES: Mapping[str, tuple[Authority, ...]] = _load()


def is_case(citation: str) -> bool:
    """Cases name parties or a case number; statutes, treaties and articles do not."""
    return any(
        mark in citation for mark in (" v ", " v. ", "Case ", "Re ", "In re ", "ICSID", "PCA")
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
