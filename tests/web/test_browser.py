"""The dashboard in a real browser (Debian's Chromium through Playwright), against the real app
on loopback with the embedded simulator and the fake Hugging Face Hub."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from legal_training.catalog.fields import SampleFilters
from legal_training.storage.db import Database
from legal_training.storage.samples import SampleRepository
from tests.publishing.fake_hub import USER, VALID_TOKEN, FakeHubState
from tests.publishing.helpers import diverse_sample
from tests.web.conftest import DESKTOP, PHONE, screenshot
from tests.web.helpers import HOSTILE_ID, LiveServer, seed

KEY = "test-fake-dashboard-key-b1e9"
AREAS = ("Overview", "Generate", "Dataset", "Batches", "Publish", "Providers")

#: Counts every SSE event the page receives (test-only instrumentation of EventSource).
RECORD_EVENTS = """
window.__events = [];
const NativeEventSource = window.EventSource;
window.EventSource = class extends NativeEventSource {
  constructor(url, options) {
    super(url, options);
    for (const name of ["progress", "sample", "status", "error"]) {
      this.addEventListener(name, (event) => {
        if (!event.data) return;
        window.__events.push({name, id: event.lastEventId, data: JSON.parse(event.data)});
      });
    }
  }
};
"""


def events(page: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = page.evaluate("window.__events")
    return found


def start_batch_from_the_form(page: Any, count: int) -> str:
    """Fill and submit the Generate form; returns the new batch's id from the page."""
    page.get_by_label("Samples wanted").fill(str(count))
    page.get_by_role("button", name="Start batch").click()
    notice = page.locator("#batch-form .notice")
    notice.wait_for()
    match = re.search(r"Batch (batch_\w+) started", notice.inner_text())
    assert match, notice.inner_text()
    return match.group(1)


def card(page: Any, batch_id: str) -> Any:
    return page.locator(f'.batch-card[data-batch-id="{batch_id}"]')


def test_open_the_dashboard_and_watch_a_simulator_batch_complete_live(
    live_server: Callable[..., LiveServer], page_factory: Callable[..., Any]
) -> None:
    server = live_server()
    page = page_factory()
    page.add_init_script(RECORD_EVENTS)
    page.goto(server.base_url + "/")
    assert page.get_by_role("heading", level=1).inner_text() == "Overview"
    nav = page.get_by_role("navigation", name="Main")
    assert [link.inner_text() for link in nav.get_by_role("link").all()] == list(AREAS)
    assert "The dataset is empty." in page.inner_text("main")

    nav.get_by_role("link", name="Generate").click()
    page.wait_for_url("**/generate")
    page.locator('#live-state[data-state="open"]').wait_for()
    page.evaluate("window.__sameDocument = true")
    page.get_by_label("Preset").select_option("demo")
    assert page.get_by_label("Samples wanted").input_value() == "5"
    batch_id = start_batch_from_the_form(page, 5)

    finished = card(page, batch_id)
    page.locator(f'#finished-batches .batch-card[data-batch-id="{batch_id}"]').wait_for()
    assert finished.get_attribute("data-status") == "completed"
    assert "5 / 5" in finished.inner_text()
    assert page.evaluate("window.__sameDocument") is True  # updated in place, never reloaded
    mine = [e for e in events(page) if e["data"].get("batch_id") == batch_id]
    accepted = [e["data"]["samples_generated"] for e in mine if e["name"] == "sample"]
    assert sorted(accepted) == [1, 2, 3, 4, 5]  # concurrent saves may announce out of order
    assert mine[-1]["name"] == "status" and mine[-1]["data"]["status"] == "completed"
    assert "No batch is running." in page.inner_text("#running-title + div + p")

    page.get_by_role("link", name="Overview").click()
    page.locator("[data-testid=total-samples]").wait_for()
    assert page.inner_text("[data-testid=total-samples]") == "5"
    page.get_by_role("heading", name="Quality score").wait_for()  # statistics loaded after


def test_stop_and_resume_a_running_batch(
    live_server: Callable[..., LiveServer], page_factory: Callable[..., Any]
) -> None:
    server = live_server()
    page = page_factory()
    page.goto(server.base_url + "/generate")
    page.locator('#live-state[data-state="open"]').wait_for()
    batch_id = start_batch_from_the_form(page, 2000)
    running = card(page, batch_id)
    running.get_by_role("button", name="Stop").click()
    page.locator(f'.batch-card[data-batch-id="{batch_id}"][data-status="stopped"]').wait_for()
    stopped = card(page, batch_id)
    stopped.get_by_role("button", name="Resume").click()
    page.locator(f'#running-batches .batch-card[data-batch-id="{batch_id}"]').wait_for()
    page.locator(f'.batch-card[data-batch-id="{batch_id}"][data-status="running"]').wait_for()
    card(page, batch_id).get_by_role("button", name="Stop").click()
    page.locator(f'.batch-card[data-batch-id="{batch_id}"][data-status="stopped"]').wait_for()
    status = httpx.get(
        server.base_url + "/api/generate/batch/status", params={"batch_id": batch_id}
    ).json()
    assert status["status"] == "stopped"
    assert status["samples_generated"] < 2000


def test_the_start_form_shows_the_apis_validation_inline(
    live_server: Callable[..., LiveServer], page_factory: Callable[..., Any]
) -> None:
    server = live_server()
    page = page_factory()
    page.goto(server.base_url + "/generate")
    page.get_by_label("Samples wanted").fill("0")
    page.get_by_role("button", name="Start batch").click()
    alert = page.locator("#batch-form .form-status .alert")
    alert.wait_for()
    assert "count must be a positive integer" in alert.inner_text()
    assert page.get_by_label("Samples wanted").get_attribute("aria-invalid") == "true"
    page.get_by_label("Samples wanted").fill("3")
    page.get_by_label("Jurisdiction", exact=True).select_option("us")
    page.get_by_label("Topics").select_option("Contract Law - Formation of Contracts")
    page.get_by_role("button", name="Start batch").click()
    page.locator("#g-topics[aria-invalid=true]").wait_for()
    assert "is not a us topic" in page.inner_text("#batch-form .form-status")
    assert "valid values:" in page.inner_text("#batch-form")


class CutFirstStream:
    """ASGI wrapper: ends the first batch stream after ``after`` events, as a dropped
    connection would, and records the ``Last-Event-ID`` each stream request carried."""

    def __init__(self, app: Any, after: int = 3) -> None:
        self.app = app
        self.after = after
        self.last_event_ids: list[str | None] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"] != "/api/generate/batch/stream":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        value = headers.get(b"last-event-id")
        self.last_event_ids.append(value.decode() if value else None)
        if len(self.last_event_ids) > 1:
            await self.app(scope, receive, send)
            return
        cut = asyncio.Event()
        sent = 0

        async def cut_send(message: Any) -> None:
            nonlocal sent
            if cut.is_set():
                return
            if message["type"] == "http.response.body" and b"data:" in message.get("body", b""):
                body = message["body"]
                if b"batch_id" in body:
                    sent += 1
                if sent >= self.after:
                    await send({**message, "more_body": False})
                    cut.set()
                    return
            await send(message)

        async def cut_receive() -> Any:
            if cut.is_set():
                return {"type": "http.disconnect"}
            waiting = asyncio.ensure_future(receive())
            stopping = asyncio.ensure_future(cut.wait())
            done, pending = await asyncio.wait(
                {waiting, stopping}, return_when=asyncio.FIRST_COMPLETED
            )
            for task in pending:
                task.cancel()
            return waiting.result() if waiting in done else {"type": "http.disconnect"}

        await self.app(scope, cut_receive, cut_send)


def test_the_live_view_reconnects_by_itself_with_last_event_id(
    live_server: Callable[..., LiveServer], page_factory: Callable[..., Any]
) -> None:
    wrappers: list[CutFirstStream] = []

    def wrap(app: Any) -> Any:
        wrappers.append(CutFirstStream(app))
        return wrappers[-1]

    server = live_server(wrap=wrap)
    page = page_factory()
    page.add_init_script(RECORD_EVENTS)
    page.goto(server.base_url + "/generate")
    page.locator('#live-state[data-state="open"]').wait_for()
    batch_id = start_batch_from_the_form(page, 5)
    page.wait_for_function(
        "id => window.__events.some(e => e.name === 'status' && e.data.batch_id === id"
        " && e.data.status === 'completed')",
        arg=batch_id,
    )
    recorded = wrappers[0].last_event_ids
    assert len(recorded) >= 2 and recorded[0] is None
    seen = events(page)
    ids = [int(e["id"]) for e in seen]
    assert ids == sorted(set(ids))  # nothing twice, in order
    cut_at = [e for e in seen if int(e["id"]) <= int(recorded[1] or 0)]
    assert len(cut_at) == 3 and cut_at[-1]["id"] == recorded[1]  # resumed after the last seen
    accepted = [e["data"]["samples_generated"] for e in seen if e["name"] == "sample"]
    assert sorted(accepted) == [1, 2, 3, 4, 5]  # the replay filled the gap
    assert "5 / 5" in card(page, batch_id).inner_text()


def test_search_open_edit_and_delete_a_sample(
    live_server: Callable[..., LiveServer], page_factory: Callable[..., Any], web_db: Database
) -> None:
    seed(web_db, 40, hostile=False)
    server = live_server()
    page = page_factory()
    page.goto(server.base_url + "/dataset")
    assert page.locator("tr[data-sample-id]").count() == 25
    page.get_by_role("link", name="Next").click()
    page.wait_for_url("**offset=25**")
    assert page.locator("tr[data-sample-id]").count() == 15

    with web_db.read() as session:
        target = SampleRepository(session, web_db.dialect).get("sample_00007")
    word = target["question"].split()[3]
    page.get_by_role("searchbox").fill(f"Q7 {word}")
    page.get_by_role("searchbox").press("Enter")
    page.wait_for_url("**q=**")
    rows = page.locator("tr[data-sample-id]")
    assert "sample_00007" in [
        rows.nth(i).get_attribute("data-sample-id") for i in range(rows.count())
    ]
    page.locator('tr[data-sample-id="sample_00007"] a').click()
    page.wait_for_url("**/dataset/samples/sample_00007")
    assert target["question"] in page.inner_text("[data-testid=question]")
    for heading in ("Question", "Answer", "Quality report", "Citations", "Edit"):
        assert page.get_by_role("heading", name=heading).count() >= 1

    page.get_by_role("textbox", name="Question", exact=True).fill("")
    page.get_by_role("button", name="Save changes").click()
    page.locator("#edit-form .alert").wait_for()
    assert "question" in page.inner_text("#edit-form .alert")
    assert (
        page.get_by_role("textbox", name="Question", exact=True).get_attribute("aria-invalid")
        == "true"
    )

    page.get_by_role("textbox", name="Question", exact=True).fill(
        "What did the court decide in Q7, edited?"
    )
    page.get_by_label("Difficulty").select_option("expert")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_url("**notice=**")
    assert "Changes saved." in page.inner_text("main")
    assert "Q7, edited?" in page.inner_text("[data-testid=question]")
    with web_db.read() as session:
        stored = SampleRepository(session, web_db.dialect).get("sample_00007")
    assert stored["difficulty"] == "expert" and stored["answer"] == target["answer"]

    page.get_by_role("button", name="Delete").first.click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Cancel").click()
    assert not dialog.is_visible()
    page.get_by_role("button", name="Delete").first.click()
    dialog.get_by_role("button", name="Delete").click()
    page.wait_for_url("**/dataset?notice=**")
    assert "Sample sample_00007 deleted." in page.inner_text("main")
    response = httpx.get(server.base_url + "/api/sample/sample_00007")
    assert response.status_code == 404


def test_import_a_file_with_a_progress_bar_and_per_line_errors(
    live_server: Callable[..., LiveServer],
    page_factory: Callable[..., Any],
    web_db: Database,
    tmp_path: Path,
) -> None:
    server = live_server()
    page = page_factory()
    page.goto(server.base_url + "/dataset/import")
    bad = tmp_path / "bad.jsonl"
    good_rows = [diverse_sample(300 + i) for i in range(3)]
    lines = [json.dumps(good_rows[0]), "{not json", json.dumps({**good_rows[1], "answer": ""})]
    bad.write_text("\n".join(lines) + "\n")
    page.get_by_label("File").set_input_files(str(bad))
    page.get_by_role("button", name="Import").click()
    problems = page.locator("#import-problems")
    problems.wait_for()
    table = problems.inner_text()
    assert re.search(r"\b2\b", table) and re.search(r"\b3\b", table)
    assert "answer" in table and "Nothing was saved." in table
    assert "import rejected" in page.inner_text("#import-form .alert")

    good = tmp_path / "good.jsonl"
    good.write_text("".join(json.dumps(row) + "\n" for row in good_rows))
    page.get_by_label("File").set_input_files(str(good))
    page.get_by_role("button", name="Import").click()
    page.locator("#import-form .notice").wait_for()
    assert "imported 3 samples" in page.inner_text("#import-form .notice")
    assert problems.is_hidden()
    with web_db.read() as session:
        assert SampleRepository(session, web_db.dialect).count() == 3


def test_export_says_how_many_simulator_samples_are_left_out_and_downloads_that_many(
    live_server: Callable[..., LiveServer], page_factory: Callable[..., Any], web_db: Database
) -> None:
    seed(web_db, 14, simulator=4, hostile=False)
    server = live_server()
    page = page_factory()
    page.goto(server.base_url + "/dataset")
    page.get_by_role("link", name="Export").click()
    page.wait_for_url("**/dataset/export**")
    assert "10 samples will be exported" in page.inner_text("[data-testid=export-count]")
    assert "4 samples were made by the built-in simulator" in page.inner_text(
        "[data-testid=simulator-note]"
    )
    with page.expect_download() as info:
        page.get_by_role("link", name="Download jsonl").click()
    lines = Path(info.value.path()).read_text().splitlines()
    assert len(lines) == 10
    assert all(json.loads(line)["provider"] != "simulator" for line in lines)
    page.get_by_label("Include simulator samples").check()
    with page.expect_download() as info:
        page.get_by_role("link", name="Download jsonl").click()
    assert len(Path(info.value.path()).read_text().splitlines()) == 14


def test_publish_to_the_fake_hub_and_see_it_in_the_history(
    live_server: Callable[..., LiveServer],
    page_factory: Callable[..., Any],
    web_db: Database,
    hub: FakeHubState,
) -> None:
    seed(web_db, 24, simulator=4, hostile=False)
    server = live_server()
    page = page_factory()
    page.goto(server.base_url + "/publish")
    assert "Nothing published yet." in page.inner_text("main")
    page.get_by_role("textbox", name="Repository").fill("web-push")
    page.get_by_label("Format").select_option("jsonl")
    page.get_by_label("Private repository").check()
    page.get_by_label("Hugging Face token").fill("hf_test-wrong-token-999")
    page.get_by_role("button", name="Push to the Hub").click()
    page.locator("#push-form .alert").wait_for()
    assert "hf_test-wrong-token-999" not in page.content()

    page.get_by_label("Hugging Face token").fill(VALID_TOKEN)
    page.get_by_role("button", name="Push to the Hub").click()
    result = page.locator("#push-result")
    result.wait_for()
    assert f"published 20 samples to {USER}/web-push (jsonl)" in result.inner_text()
    repo_link = result.get_by_role("link", name="Open the dataset")
    assert repo_link.get_attribute("href") == f"{hub.base_url}/datasets/{USER}/web-push"
    assert hub.repo(f"{USER}/web-push").private is True
    assert page.get_by_label("Hugging Face token").input_value() == ""
    page.reload()
    history = page.locator("#history-title + .table-wrap")
    assert f"{USER}/web-push" in history.inner_text()
    assert "published" in history.inner_text() and "failed" in history.inner_text()
    assert VALID_TOKEN not in page.content()


def test_hostile_text_never_runs_or_becomes_markup(
    live_server: Callable[..., LiveServer], page_factory: Callable[..., Any], web_db: Database
) -> None:
    seed(web_db, 4, simulator=0)
    server = live_server()
    page = page_factory()
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    for path in (
        "/",
        "/dataset",
        "/dataset?q=hostile",
        "/dataset/samples/" + HOSTILE_ID.replace("<", "%3C").replace(">", "%3E"),
        "/batches",
        "/providers",
    ):
        page.goto(server.base_url + path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__pwned === undefined"), path
        assert page.locator("[data-pwned]").count() == 0, path
        assert page.locator("main script, main iframe, main svg, main img").count() == 0, path
        if path.startswith("/dataset/samples/"):
            assert "<script>window.__pwned = 'script'</script>" in page.inner_text("main")
    assert not dialogs


def test_statistics_show_a_loading_state_then_an_error_with_a_retry(
    live_server: Callable[..., LiveServer], page_factory: Callable[..., Any], web_db: Database
) -> None:
    seed(web_db, 5, simulator=0, hostile=False)
    server = live_server()
    page = page_factory()
    page.route("**/overview/stats", lambda route: route.fulfill(status=500, body="boom"))
    page.goto(server.base_url + "/")
    alert = page.locator("[data-fragment] .alert")
    alert.wait_for()
    assert "the server answered 500" in alert.inner_text()
    assert "boom" not in page.inner_text("main")
    page.unroute("**/overview/stats")
    alert.get_by_role("button", name="Retry").click()
    page.get_by_role("heading", name="Quality score").wait_for()
    assert page.locator("[data-fragment]").get_attribute("aria-busy") == "false"


def test_keyboard_only_navigation_and_dialog(
    live_server: Callable[..., LiveServer], page_factory: Callable[..., Any], web_db: Database
) -> None:
    seed(web_db, 3, simulator=0, hostile=False)
    server = live_server()
    page = page_factory()
    page.goto(server.base_url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.goto(server.base_url + "/")
    for _ in range(5):  # skip link, brand, Overview, Generate, Dataset
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Dataset"
    page.keyboard.press("Enter")
    page.wait_for_url("**/dataset")
    page.goto(server.base_url + "/dataset/samples/sample_00001")
    page.get_by_role("button", name="Delete").first.focus()
    page.keyboard.press("Enter")
    assert page.get_by_role("dialog").is_visible()
    page.keyboard.press("Escape")
    assert not page.get_by_role("dialog").is_visible()


def test_with_an_api_key_the_dashboard_asks_once_and_keeps_it_out_of_urls_and_storage(
    live_server: Callable[..., LiveServer],
    page_factory: Callable[..., Any],
    web_db: Database,
    tmp_path: Path,
) -> None:
    seed(web_db, 6, simulator=0, hostile=False)
    server = live_server(api_key=KEY)
    page = page_factory()
    page.add_init_script(RECORD_EVENTS)
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    page.goto(server.base_url + "/generate")
    page.wait_for_url("**/signin?next=%2Fgenerate")
    page.get_by_label("API key").fill("test-fake-wrong-key")
    page.get_by_role("button", name="Sign in").click()
    assert "not the API key" in page.inner_text(".alert")
    page.get_by_label("API key").fill(KEY)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/generate")
    page.locator('#live-state[data-state="open"]').wait_for()  # EventSource used the cookie
    batch_id = start_batch_from_the_form(page, 3)
    page.locator(f'#finished-batches .batch-card[data-batch-id="{batch_id}"]').wait_for()
    assert "3 / 3" in card(page, batch_id).inner_text()

    page.goto(server.base_url + "/dataset/samples/sample_00003")
    page.get_by_role("textbox", name="Question", exact=True).fill("Edited with a session?")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_url("**notice=**")
    assert "Edited with a session?" in page.inner_text("[data-testid=question]")

    page.goto(server.base_url + "/dataset/import")
    upload = tmp_path / "keyed.jsonl"
    upload.write_text(json.dumps(diverse_sample(700)) + "\n")
    page.get_by_label("File").set_input_files(str(upload))
    page.get_by_role("button", name="Import").click()
    page.locator("#import-form .notice").wait_for()

    page.goto(server.base_url + "/dataset/export")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download jsonl").click()
    lines = Path(info.value.path()).read_text().splitlines()
    assert len(lines) == 6 + 1  # seeded and imported; the batch's simulator samples left out

    page.goto(server.base_url + "/dataset/samples/sample_00002")
    page.get_by_role("button", name="Delete").first.click()
    page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    page.wait_for_url("**/dataset?notice=**")

    cookies = page.context.cookies()
    session = [c for c in cookies if c["name"] == "lt_session"]
    assert session and session[0]["httpOnly"] and session[0]["sameSite"] == "Strict"
    assert session[0]["expires"] == -1  # a session cookie
    assert KEY not in session[0]["value"]
    assert page.evaluate("document.cookie") == ""
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    assert not any(KEY in url for url in urls)
    assert httpx.get(server.base_url + "/api/data").status_code == 401
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/signin")
    page.goto(server.base_url + "/")
    page.wait_for_url("**/signin?next=%2F")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280x800", "390x844"])
def test_screenshots_of_every_area(
    live_server: Callable[..., LiveServer],
    page_factory: Callable[..., Any],
    web_db: Database,
    viewport: dict[str, int],
) -> None:
    """Every area at desktop and phone size, saved under artifacts/screenshots/; nothing is
    wider than the window (tables scroll inside their panels)."""
    seed(web_db, 60, simulator=6, hostile=False)
    server = live_server()
    started = httpx.post(server.base_url + "/api/generate/batch/start", json={"count": 8})
    assert started.status_code == 200, started.text
    page = page_factory(viewport=viewport)
    page.goto(server.base_url + "/generate")
    batch_id = started.json()["batch_id"]
    page.locator(f'#finished-batches .batch-card[data-batch-id="{batch_id}"]').wait_for()
    size = f"{viewport['width']}x{viewport['height']}"
    running_id = ""
    for area, path in zip(
        AREAS, ("/", "/generate", "/dataset", "/batches", "/publish", "/providers"), strict=True
    ):
        if area == "Generate":  # from here on, a batch in progress, updated live
            running = httpx.post(
                server.base_url + "/api/generate/batch/start", json={"count": 2000}
            )
            assert running.status_code == 200, running.text
            running_id = running.json()["batch_id"]
        page.goto(server.base_url + path)
        if area == "Generate":
            page.locator('#live-state[data-state="open"]').wait_for()
            page.wait_for_function(
                "() => Number(document.querySelector('#running-batches"
                " [data-field=samples_generated]')?.textContent.replace(/,/g, '')) >= 5"
            )
        else:
            page.wait_for_load_state("networkidle")
        if area == "Overview":
            page.get_by_role("heading", name="Quality score").wait_for()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{area} is {width}px wide at {size}"
        assert screenshot(page, f"{area.lower()}-{size}").stat().st_size > 0
    # A generous timeout: the server is busy with a 2,000-sample batch on a 2-core machine.
    stopped = httpx.post(
        server.base_url + "/api/generate/batch/stop", json={"batch_id": running_id}, timeout=60
    )
    assert stopped.status_code == 200, stopped.text
    page.goto(server.base_url + f"/batches/{batch_id}")
    screenshot(page, f"batch-{size}")
    page.goto(server.base_url + "/dataset/samples/" + _first_sample_id(server))
    screenshot(page, f"sample-{size}")


def _first_sample_id(server: LiveServer) -> str:
    page = httpx.get(server.base_url + "/api/data", params={"limit": 1}).json()
    sample_id: str = page["samples"][0]["id"]
    return sample_id


def test_with_a_judge_configured_samples_and_overview_show_its_scores(
    live_server: Callable[..., LiveServer], page_factory: Callable[..., Any], web_db: Database
) -> None:
    server = live_server(judge_provider="simulator", min_judge_score=2)
    page = page_factory()
    page.goto(server.base_url + "/generate")
    page.locator('#live-state[data-state="open"]').wait_for()
    batch_id = start_batch_from_the_form(page, 3)
    page.locator(
        f'#finished-batches .batch-card[data-batch-id="{batch_id}"][data-status="completed"]'
    ).wait_for()
    with web_db.read() as session:
        ids = [
            s["id"]
            for s in SampleRepository(session, web_db.dialect).page(
                SampleFilters(batch_id=batch_id), limit=10
            )[0]
        ]
    assert ids
    page.goto(server.base_url + f"/dataset/samples/{ids[0]}")
    overall = page.locator("[data-testid=judge-overall]")
    overall.wait_for()
    assert "/ 5" in overall.inner_text()
    scores = page.locator("[data-testid=judge-scores] li")
    assert scores.count() >= 4
    assert "legal accuracy" in page.inner_text("[data-testid=judge-scores]")
    page.goto(server.base_url + "/")
    page.get_by_role("heading", name="Judge score").wait_for()
    bars = page.locator("[data-testid=judge-distribution] progress")
    assert bars.count() == 5
    total = sum(int(bars.nth(i).get_attribute("value") or 0) for i in range(5))
    assert total == 3
