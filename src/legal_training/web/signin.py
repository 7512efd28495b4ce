"""Sign-in and sign-out: the one place the API key is typed, posted once and never echoed."""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Request
from fastapi.responses import Response

from legal_training.web.common import local_path, redirect, render
from legal_training.web.deps import SettingsDep
from legal_training.web.session import SESSION_COOKIE, issue_token, same_origin

router = APIRouter()
MAX_KEY_CHARS = 1000


def _set_session(response: Response, request: Request, token: str) -> None:
    # No max_age/expires: a session cookie, forgotten when the browser closes.
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )


@router.get("/signin")
def sign_in_form(request: Request, settings: SettingsDep, next: str = "/") -> Response:
    if settings.api_key is None:
        return redirect(local_path(next))
    return render(request, "signin.html", {"next": local_path(next), "error": None})


@router.post("/signin")
async def sign_in(request: Request, settings: SettingsDep) -> Response:
    """Check the key; on success set the session cookie and go back to the page asked for."""
    form = await request.form()
    target = local_path(str(form.get("next") or "/"))
    if settings.api_key is None:
        return redirect(target)
    presented = str(form.get("key") or "")[:MAX_KEY_CHARS]
    expected = settings.api_key.get_secret_value()
    if not same_origin(request):
        error = "sign-in must come from this dashboard's own page"
        context = {"next": target, "error": error}
        return render(request, "signin.html", context, status_code=403)
    if not presented or not hmac.compare_digest(presented.encode(), expected.encode()):
        context = {"next": target, "error": "That is not the API key this server was started with."}
        return render(request, "signin.html", context, status_code=401)
    response = redirect(target)
    _set_session(response, request, issue_token(expected))
    return response


@router.post("/signout")
def sign_out(request: Request) -> Response:
    response = redirect("/signin")
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return response
