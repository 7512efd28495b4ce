"""Browser fixtures: Debian's Chromium driven by Playwright (never a downloaded browser), and the
real app served on loopback with the embedded simulator and the fake Hugging Face Hub.

Without ``/usr/bin/chromium`` (``.ci/run`` installs it) or the ``playwright`` package the
browser tests are skipped, and pytest prints why.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from legal_training.api.app import create_app
from legal_training.settings import Settings
from legal_training.storage.db import Database
from tests.publishing.fake_hub import FakeHubState, run_fake_hub
from tests.web.helpers import LiveServer, serve

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
ARTIFACTS = Path(
    os.environ.get("LEGAL_TRAINING_TEST_ARTIFACTS", Path(__file__).parents[2] / "artifacts")
)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(
            f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)"
        )
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="browser tests need the playwright package (dev extra)"
    )
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS), headless=True
        )
        yield launched
        launched.close()


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHubState]:
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    with run_fake_hub() as state:
        yield state


@pytest.fixture
def web_db(tmp_path: Path) -> Iterator[Database]:
    db = Database(f"sqlite:///{tmp_path / 'web.db'}")
    db.migrate()
    yield db
    db.dispose()


ServerFactory = Callable[..., LiveServer]


@pytest.fixture
def live_server(
    tmp_path: Path, web_db: Database, hub: FakeHubState
) -> Iterator[Callable[..., LiveServer]]:
    """Start the app (as ``legal-training serve`` builds it) with optional settings and an
    optional ASGI wrapper; each call starts one server, all stopped at the end of the test."""
    stack: list[Any] = []

    def start(wrap: Callable[[Any], Any] | None = None, **overrides: Any) -> LiveServer:
        settings = Settings(data_dir=tmp_path / "data", hf_endpoint=hub.base_url, **overrides)
        app = create_app(settings, database=web_db)
        context = serve(app, wrap=wrap)
        server = context.__enter__()
        stack.append(context)
        return server

    yield start
    for context in reversed(stack):
        context.__exit__(None, None, None)


@pytest.fixture
def page_factory(browser: Any) -> Iterator[Callable[..., Any]]:
    """New pages in fresh browser contexts (no shared cookies), closed after the test; every
    console error or uncaught exception fails the test."""
    contexts: list[Any] = []
    problems: list[str] = []

    def new_page(viewport: dict[str, int] | None = None, **options: Any) -> Any:
        context = browser.new_context(
            viewport=viewport or DESKTOP, accept_downloads=True, **options
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.on(
            "console",
            lambda message: (
                problems.append(f"console {message.type}: {message.text}")
                # An API answering 4xx is logged by the browser; the page shows it, that is fine.
                if message.type == "error" and "Failed to load resource" not in message.text
                else None
            ),
        )
        return page

    yield new_page
    for context in contexts:
        context.close()
    assert not problems, problems


def screenshot(page: Any, name: str) -> Path:
    """Save a screenshot under the artifacts folder (ignored by git)."""
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path
