"""Adds the dashboard to an app: its pages at ``/``, its assets at ``/assets``."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from legal_training.web import batches, dataset, generate, overview, providers, publish, signin
from legal_training.web.common import SignInRequired, query_string, redirect

ASSETS_PATH = "/assets"


async def _sign_in_first(request: Request, exc: Exception) -> Response:
    """A page asked for without a session goes to the sign-in form (which sends it back after);
    a fragment loaded by the page's script gets a 401 it can act on."""
    assert isinstance(exc, SignInRequired)
    location = "/signin" + query_string({"next": exc.next_path})
    if request.headers.get("x-dashboard-fragment"):
        return HTMLResponse(
            "<p class='error'>Your session has ended: sign in again.</p>",
            status_code=401,
            headers={"X-Sign-In": location, "Cache-Control": "no-store"},
        )
    return redirect(location)


def mount_dashboard(app: FastAPI) -> None:
    """Serve the dashboard from ``app``; its routes stay out of the OpenAPI document."""
    app.mount(
        ASSETS_PATH,
        StaticFiles(packages=[("legal_training.web", "static")]),
        name="dashboard-assets",
    )
    for module in (signin, overview, generate, dataset, batches, publish, providers):
        app.include_router(module.router, include_in_schema=False)
    app.add_exception_handler(SignInRequired, _sign_in_first)
