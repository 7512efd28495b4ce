"""Batches: the history, and one batch's details, quality and rejection reasons."""

from __future__ import annotations

import dataclasses
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from legal_training.storage.batches import BatchNotFoundError
from legal_training.storage.quality import batch_quality
from legal_training.web.common import SessionDep, read_page, render
from legal_training.web.deps import EngineDep, ProviderRegistryDep
from legal_training.web.generate import card_context

router = APIRouter()


@router.get("/batches", response_class=HTMLResponse)
def batches_page(request: Request, engine: EngineDep, signed_in: SessionDep) -> HTMLResponse:
    pager = read_page(request)
    batches, total = engine.history(limit=pager.limit, offset=pager.offset)
    pager = dataclasses.replace(pager, total=total)
    context = {"batches": batches, "pager": pager}
    return render(request, "batches.html", context, signed_in=signed_in)


@router.get("/batches/{batch_id}", response_class=HTMLResponse)
def batch_page(
    batch_id: str,
    request: Request,
    engine: EngineDep,
    registry: ProviderRegistryDep,
    signed_in: SessionDep,
) -> HTMLResponse:
    try:
        card = card_context(engine, registry, batch_id)
    except BatchNotFoundError:
        context: dict[str, Any] = {"what": f"batch {batch_id}", "back": "/batches"}
        return render(request, "missing.html", context, status_code=404, signed_in=signed_in)
    with engine.db.read() as session:
        quality = batch_quality(session, batch_id)
    batch = card["batch"]
    context = {
        **card,
        "card": card,
        "quality": quality,
        "params": batch.get("params") or {},
        "errors": list(reversed(batch.get("errors") or []))[:50],
        "switches": list(reversed(batch.get("switches") or []))[:50],
    }
    return render(request, "batch.html", context, signed_in=signed_in)
