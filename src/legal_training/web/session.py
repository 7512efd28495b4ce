"""The dashboard's sign-in session: a signed, short-lived token in an HttpOnly cookie.

When ``LEGAL_TRAINING_API_KEY`` is set the browser must prove it knows the key, but the key
itself must never sit in a URL, a log or the browser's storage. The sign-in form posts the key
once; the server answers with a token derived from it (an HMAC of a timestamp and a nonce, keyed
with the API key), sent as a session cookie (no expiry date: the browser drops it when it
closes) with ``HttpOnly`` (no script can read it) and ``SameSite=Strict`` (no other site's page
can make the browser send it). The same cookie lets ``EventSource``, which cannot send headers,
authenticate its stream.

Tokens are checked by recomputing the HMAC, so nothing is stored server-side and a restart keeps
people signed in; changing the API key signs everyone out. A token older than
:data:`SESSION_MAX_AGE_S` is refused even if a browser keeps the cookie alive.

Requests that change something (anything but GET/HEAD/OPTIONS) are accepted on the cookie only
when their ``Origin`` names this server: SameSite alone treats every port of ``localhost`` as the
same site, so a page served by some other local program could otherwise post with the cookie.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from urllib.parse import urlsplit

from starlette.requests import HTTPConnection

SESSION_COOKIE = "lt_session"
SESSION_MAX_AGE_S = 12 * 3600
_VERSION = "v1"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _mac(key: str, issued: int, nonce: str) -> str:
    message = f"legal-training-dashboard|{_VERSION}|{issued}|{nonce}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def issue_token(key: str, *, now: float | None = None) -> str:
    """A new session token for someone who has just presented ``key``."""
    issued = int(time.time() if now is None else now)
    nonce = secrets.token_hex(16)
    return f"{_VERSION}.{issued}.{nonce}.{_mac(key, issued, nonce)}"


def token_is_valid(token: str, key: str, *, now: float | None = None) -> bool:
    """Whether ``token`` was issued with ``key`` and is not older than the maximum age."""
    parts = token.split(".")
    if len(parts) != 4 or parts[0] != _VERSION:
        return False
    _, issued_text, nonce, mac = parts
    if not issued_text.isdigit() or len(nonce) != 32:
        return False
    issued = int(issued_text)
    current = time.time() if now is None else now
    if not (current - SESSION_MAX_AGE_S <= issued <= current + 60):
        return False
    return hmac.compare_digest(mac.encode(), _mac(key, issued, nonce).encode())


def same_origin(connection: HTTPConnection) -> bool:
    """The request's ``Origin`` (or, without one, ``Referer``) is this server's host."""
    origin = connection.headers.get("origin") or connection.headers.get("referer")
    host = connection.headers.get("host")
    if not origin or not host:
        return False
    return urlsplit(origin).netloc.lower() == host.lower()


def session_authenticates(connection: HTTPConnection, key: str) -> bool:
    """The request carries a valid dashboard session for ``key`` (and, for a request that
    changes something, comes from this server's own pages)."""
    token = connection.cookies.get(SESSION_COOKIE)
    if not token or not token_is_valid(token, key):
        return False
    method = connection.scope.get("method", "GET")
    return method in _SAFE_METHODS or same_origin(connection)
