"""Browse the bundled index of real authorities the gate verifies citations against."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from legal_training.api.schemas.authorities import AuthoritiesPublic
from legal_training.catalog import get_catalog
from legal_training.generation.authorities import get_authority_index

router = APIRouter(prefix="/api", tags=["authorities"])


@router.get("/authorities", response_model=AuthoritiesPublic)
def authorities(
    q: Annotated[
        str | None,
        Query(max_length=200, description="Words of a name, alias or citation."),
    ] = None,
    jurisdiction: Annotated[str | None, Query(max_length=50)] = None,
    topic: Annotated[
        str | None, Query(max_length=300, description="'Practice Area - Topic' or a topic name.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> dict[str, Any]:
    """The authorities matching the filters, best name matches first when ``q`` is given.

    An unknown jurisdiction or topic is a 400 listing the valid ones.
    """
    catalog = get_catalog()
    jurisdiction_id = catalog.jurisdiction(jurisdiction).id if jurisdiction else None
    topic_name = catalog.find_topic(topic).full_name if topic else None
    found = get_authority_index().search(
        q, jurisdiction=jurisdiction_id, topic=topic_name, limit=None
    )
    page = found[offset : offset + limit]
    return {"success": True, "data": [a.as_dict() for a in page], "count": len(found)}
