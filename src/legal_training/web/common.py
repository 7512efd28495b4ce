"""What every dashboard page shares: the template environment, the sign-in guard, filters from
the query string, pagination and a few display helpers.

Pages are rendered on the server from the same repositories the API uses; everything that
changes data goes through the JSON API from the browser (``static/app.js``), so a page can never
accept what ``PUT /api/sample/{id}`` would refuse. Templates autoescape everything: samples,
topics, citations and error messages are written by models or imports and are untrusted.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

import jinja2
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from legal_training import __version__
from legal_training.catalog.fields import PUBLIC_FILTERS, SampleFilters
from legal_training.errors import DomainError
from legal_training.web.deps import SettingsDep
from legal_training.web.session import session_authenticates

#: The six areas, in navigation order: (path, label).
NAV: tuple[tuple[str, str], ...] = (
    ("/", "Overview"),
    ("/generate", "Generate"),
    ("/dataset", "Dataset"),
    ("/batches", "Batches"),
    ("/publish", "Publish"),
    ("/providers", "Providers"),
)
#: Filters a page may take from its query string: the public filters, as every edge offers.
FILTER_NAMES: tuple[str, ...] = tuple(spec.name for spec in PUBLIC_FILTERS)
PAGE_SIZES: tuple[int, ...] = (25, 50, 100)


class SignInRequired(Exception):
    """A page was asked for without a valid session while an API key is configured."""

    def __init__(self, next_path: str) -> None:
        super().__init__("sign-in required")
        self.next_path = next_path


@cache
def environment() -> jinja2.Environment:
    """The dashboard's template environment (autoescaping everything), built once."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("legal_training.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        number=number,
        money=money,
        when=when,
        safe_url=safe_url,
        percent=percent,
        duration=duration,
        shorten=shorten,
    )
    env.globals.update(nav=NAV, version=__version__, qs=query_string)
    return env


def signed_in_required(request: Request, settings: SettingsDep) -> bool:
    """Page guard: returns whether sign-out makes sense (a key is configured); raises
    :class:`SignInRequired` when a key is configured and the request has no valid session."""
    if settings.api_key is None:
        return False
    key = settings.api_key.get_secret_value()
    if session_authenticates(request, key):
        return True
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    raise SignInRequired(target)


SessionDep = Annotated[bool, Depends(signed_in_required)]


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    *,
    status_code: int = 200,
    signed_in: bool = False,
) -> HTMLResponse:
    """Render a page (or fragment) template; pages get the navigation state."""
    values = {
        "request": request,
        "path": request.url.path,
        "signed_in": signed_in,
        **context,
    }
    html = environment().get_template(template).render(values)
    return HTMLResponse(html, status_code=status_code, headers=_PAGE_HEADERS)


_NO_STORE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
#: Pages load only this server's script and styles and talk only to this server: even markup
#: that escaped escaping could neither run inline script nor send data elsewhere.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "object-src 'none'"
)
_PAGE_HEADERS = {
    **_NO_STORE,
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "same-origin",
}


def redirect(location: str, *, status_code: int = 303) -> Response:
    return Response(status_code=status_code, headers={"Location": location, **_NO_STORE})


# -- filters and pagination -------------------------------------------------------------------


@dataclass(frozen=True)
class FilterChoice:
    """Filters read from the query string, as typed (to refill the form) and as applied."""

    values: dict[str, str]
    filters: SampleFilters
    error: str | None = None

    @property
    def active(self) -> bool:
        return bool(self.filters.as_dict()) or self.filters.min_quality is not None


def read_filters(request: Request) -> FilterChoice:
    """The sample filters of this request, built by :meth:`SampleFilters.build` exactly as the
    API builds them; a bad value becomes a message on the page instead of an error response."""
    values = {
        name: request.query_params.get(name, "").strip()[:300]
        for name in FILTER_NAMES
        if request.query_params.get(name, "").strip()
    }
    typed: dict[str, Any] = dict(values)
    try:
        if "min_quality" in typed:
            minimum = float(typed["min_quality"])
            if not math.isfinite(minimum):
                raise ValueError(typed["min_quality"])
            typed["min_quality"] = minimum
    except ValueError:
        return FilterChoice(values, SampleFilters(), "min_quality must be a number from 0 to 100")
    try:
        filters = SampleFilters.build(**typed)
    except DomainError as exc:
        return FilterChoice(values, SampleFilters(), str(exc))
    return FilterChoice(values, filters)


FiltersChoiceDep = Annotated[FilterChoice, Depends(read_filters)]


@dataclass(frozen=True)
class Pager:
    """One page of a list: where it starts, how big it is, and links to its neighbours."""

    offset: int
    limit: int
    total: int
    params: dict[str, str] = field(default_factory=dict)

    @property
    def page(self) -> int:
        return self.offset // self.limit + 1

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.limit))

    @property
    def first_shown(self) -> int:
        return min(self.total, self.offset + 1)

    @property
    def last_shown(self) -> int:
        return min(self.total, self.offset + self.limit)

    def link(self, offset: int) -> str | None:
        if offset < 0 or offset >= max(self.total, 1) or offset == self.offset:
            return None
        return query_string({**self.params, "offset": str(offset), "limit": str(self.limit)})

    @property
    def previous(self) -> str | None:
        return self.link(max(0, self.offset - self.limit)) if self.offset > 0 else None

    @property
    def next(self) -> str | None:
        return self.link(self.offset + self.limit)

    @property
    def last(self) -> str | None:
        return self.link((self.pages - 1) * self.limit)


def read_page(request: Request, *, default_limit: int = 25, max_offset: int = 10**8) -> Pager:
    """Offset and limit from the query string, clamped to sane values (never an error)."""
    limit = _int(request.query_params.get("limit"), default_limit)
    limit = limit if limit in PAGE_SIZES else default_limit
    offset = min(max(0, _int(request.query_params.get("offset"), 0)), max_offset)
    offset -= offset % limit
    return Pager(offset=offset, limit=limit, total=0)


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def query_string(params: Mapping[str, Any]) -> str:
    """``?a=1&b=2`` from the non-empty values (or ``?`` alone)."""
    kept = {k: str(v) for k, v in params.items() if v not in (None, "")}
    return "?" + urlencode(kept)


# -- display helpers (template filters) -----------------------------------------------------


def number(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def money(value: Any) -> str:
    if value is None:
        return "—"
    amount = float(value)
    return f"${amount:,.4f}" if amount < 1 else f"${amount:,.2f}"


def percent(value: Any) -> str:
    return "—" if value is None else f"{float(value):.0f}%"


def duration(seconds: Any) -> str:
    if seconds is None:
        return "—"
    total = int(float(seconds))
    if total < 60:
        return f"{total} s"
    minutes, secs = divmod(total, 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def when(value: Any) -> Markup | str:
    """An ISO timestamp as a readable UTC time inside a ``<time>`` element."""
    if not value:
        return "—"
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    shown = moment.strftime("%Y-%m-%d %H:%M UTC")
    return Markup('<time datetime="{}">{}</time>').format(moment.isoformat(), shown)


def safe_url(value: Any) -> str:
    """Links built from stored data (Hub URLs) only ever point at http(s)."""
    text = str(value or "")
    return text if urlsplit(text).scheme in ("http", "https") else "#"


def local_path(value: str | None) -> str:
    """A redirect target that stays on this site (``/x``, never ``//host`` or a URL)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


def shorten(text: str | None, limit: int = 140) -> str:
    value = " ".join((text or "").split())
    return value if len(value) <= limit else value[: limit - 1] + "…"
