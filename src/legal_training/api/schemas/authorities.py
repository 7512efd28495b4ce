"""The authority index as the API lists it."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from legal_training.api.schemas.common import Envelope


class AuthorityPublic(BaseModel):
    """One real authority of the bundled index, with where it is publicly recorded."""

    id: str
    jurisdiction: str
    type: Literal["case", "legislation", "treaty", "decision"]
    name: str
    aliases: list[str]
    citations: list[str]
    court: str | None
    year: int | None
    sections: list[int] | None
    articles: list[int] | None
    topics: list[str]
    source: str


class AuthoritiesPublic(Envelope):
    """``data`` is one page of the matching authorities; ``count`` how many match in all."""

    data: list[AuthorityPublic]
    count: int
