"""Overview: what is in the dataset at a glance.

The page itself answers from two cheap queries (the sample count and the five latest batches);
the grouped statistics arrive as a fragment the page's script loads right after, so a large
dataset never delays the page.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from legal_training.batches.engine import price_per_million
from legal_training.publishing.export import SIMULATOR_PROVIDER
from legal_training.storage.overview import dataset_overview
from legal_training.storage.samples import SampleRepository
from legal_training.web.common import SessionDep, render
from legal_training.web.deps import DatabaseDep, EngineDep

router = APIRouter()
RECENT_BATCHES = 5


@router.get("/", response_class=HTMLResponse)
def overview(
    request: Request, db: DatabaseDep, engine: EngineDep, signed_in: SessionDep
) -> HTMLResponse:
    with db.read() as session:
        total = SampleRepository(session, db.dialect).count()
    batches, batch_total = engine.history(limit=RECENT_BATCHES, offset=0)
    context = {"total": total, "batches": batches, "batch_total": batch_total}
    return render(request, "overview.html", context, signed_in=signed_in)


def _costs(models: list[dict[str, Any]]) -> tuple[float, list[dict[str, Any]]]:
    """Estimated spend per provider/model at the platform's planning prices (the simulator
    costs nothing)."""
    rows = []
    total = 0.0
    for item in models:
        free = item["provider"] == SIMULATOR_PROVIDER
        cost = 0.0 if free else item["tokens"] / 1_000_000 * price_per_million(item["model"])
        total += cost
        rows.append({**item, "cost": cost, "simulator": free})
    return total, rows


@router.get("/overview/stats", response_class=HTMLResponse)
def overview_stats(request: Request, db: DatabaseDep, signed_in: SessionDep) -> HTMLResponse:
    """The grouped statistics, as a fragment of the Overview page."""
    with db.read() as session:
        stats = dataset_overview(session)
    cost, models = _costs(stats["models"])
    peak = max([b["count"] for b in stats["quality"]["buckets"]] + [stats["quality"]["perfect"], 1])
    judge_peak = max([b["count"] for b in stats["judge"]["scores"]] + [1])
    context = {
        "stats": stats,
        "models": models,
        "cost": cost,
        "quality_peak": peak,
        "judge_peak": judge_peak,
    }
    return render(request, "partials/overview_stats.html", context)
