"""Publish: the Hugging Face push form, the push history with its links, and export downloads.

The form posts to ``POST /api/huggingface/push`` from the browser; a token typed into it goes
in that request's body only (never stored, logged or shown again). Without one, the server's
``HF_TOKEN`` is used.
"""

from __future__ import annotations

import dataclasses

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from legal_training.publishing.export import DATA_FORMATS
from legal_training.publishing.hub import DEFAULT_REPO_NAME
from legal_training.publishing.splits import SplitConfig
from legal_training.storage.pushes import PushRepository
from legal_training.web.common import FiltersChoiceDep, SessionDep, read_page, render
from legal_training.web.dataset import export_summary, filter_options
from legal_training.web.deps import DatabaseDep, SettingsDep

router = APIRouter()


@router.get("/publish", response_class=HTMLResponse)
def publish_page(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    choice: FiltersChoiceDep,
    signed_in: SessionDep,
) -> HTMLResponse:
    pager = read_page(request, default_limit=25)
    with db.read() as session:
        repo = PushRepository(session)
        pushes = repo.list(limit=pager.limit, offset=pager.offset)
        total = repo.count()
    context = {
        "pushes": pushes,
        "pager": dataclasses.replace(pager, total=total),
        "formats": DATA_FORMATS,
        "default_repo": DEFAULT_REPO_NAME,
        "split": SplitConfig(),
        "server_token": settings.hf_token is not None,
        "endpoint": settings.hf_endpoint,
        "options": filter_options(),
        "choice": choice,
        "error": choice.error,
        "summary": export_summary(db, choice),
        "action": "/publish",
    }
    return render(request, "publish.html", context, signed_in=signed_in)
