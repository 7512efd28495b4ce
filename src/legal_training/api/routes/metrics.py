"""``/metrics`` for Prometheus.

Served outside ``/api`` and without the API key, like ``/api/health``: scrapers are configured
once per fleet and rarely carry per-service secrets, and the body holds only counts and
process figures (never a key, URL, prompt or sample). An operator who wants it private keeps
the server on loopback (the default bind) or filters the path at the proxy.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from legal_training.metrics import exposition

router = APIRouter(tags=["system"])


@router.get("/metrics", include_in_schema=False)
def scrape() -> Response:
    body, content_type = exposition()
    return Response(content=body, media_type=content_type)
