"""With ``LEGAL_TRAINING_API_KEY`` set: pages ask for the key once, the session cookie is
HttpOnly, SameSite=Strict and expires with the browser, and the API guard accepts it (for
changes, only from this server's own pages). The key never appears in a URL or a log."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from legal_training.api.app import create_app
from legal_training.settings import Settings
from legal_training.storage.db import Database
from legal_training.web.session import SESSION_COOKIE
from tests.conftest import make_sample

KEY = "test-fake-dashboard-key-7f3a"
BASE = "http://testserver"
PAGES = ("/", "/generate", "/dataset", "/batches", "/publish", "/providers", "/dataset/import")


@pytest.fixture
def keyed(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path / "data", api_key=KEY)
    db = Database(settings.resolved_database_url)
    with TestClient(create_app(settings, database=db), base_url=BASE) as client:
        yield client
    db.dispose()


def _sign_in(client: TestClient, key: str = KEY, next_path: str = "/") -> Any:
    return client.post(
        "/signin",
        data={"key": key, "next": next_path},
        headers={"Origin": BASE},
        follow_redirects=False,
    )


@pytest.mark.parametrize("path", PAGES)
def test_every_page_sends_a_visitor_without_a_session_to_the_sign_in_form(
    keyed: TestClient, path: str
) -> None:
    response = keyed.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/signin?next=")
    form = keyed.get(response.headers["location"])
    assert form.status_code == 200
    assert 'type="password"' in form.text and 'method="post"' in form.text


def test_a_fragment_without_a_session_gets_a_401_naming_the_sign_in_page(
    keyed: TestClient,
) -> None:
    response = keyed.get("/overview/stats", headers={"X-Dashboard-Fragment": "1"})
    assert response.status_code == 401
    assert response.headers["x-sign-in"] == "/signin?next=%2Foverview%2Fstats"


def test_signing_in_sets_a_strict_http_only_session_cookie_and_returns_to_the_page(
    keyed: TestClient, capfd: pytest.CaptureFixture[str]
) -> None:
    response = _sign_in(keyed, next_path="/dataset?difficulty=basic")
    assert response.status_code == 303
    assert response.headers["location"] == "/dataset?difficulty=basic"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    lowered = cookie.lower()
    assert "httponly" in lowered and "samesite=strict" in lowered and "path=/" in lowered
    assert "max-age" not in lowered and "expires" not in lowered  # gone when the browser closes
    assert KEY not in cookie and KEY not in response.headers["location"]
    for path in PAGES:
        page = keyed.get(path)
        assert page.status_code == 200, path
        assert KEY not in page.text
    out, err = capfd.readouterr()
    assert KEY not in out and KEY not in err


def test_a_wrong_key_is_refused_without_echoing_it(keyed: TestClient) -> None:
    response = _sign_in(keyed, key="test-fake-wrong-key-123")
    assert response.status_code == 401
    assert "test-fake-wrong-key-123" not in response.text
    assert "set-cookie" not in response.headers
    assert keyed.get("/", follow_redirects=False).status_code == 303


def test_a_sign_in_posted_from_another_origin_is_refused(keyed: TestClient) -> None:
    response = keyed.post(
        "/signin",
        data={"key": KEY, "next": "/"},
        headers={"Origin": "http://localhost:9999"},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert "set-cookie" not in response.headers


def test_the_next_parameter_cannot_send_the_browser_elsewhere(keyed: TestClient) -> None:
    for target in ("https://example.org/", "//example.org/x", "/\\example.org"):
        assert _sign_in(keyed, next_path=target).headers["location"] == "/"


def test_the_api_accepts_the_session_cookie_for_reads_and_same_origin_changes(
    keyed: TestClient,
) -> None:
    assert keyed.get("/api/data").status_code == 401
    assert _sign_in(keyed).status_code == 303
    assert keyed.get("/api/data").status_code == 200
    sample = make_sample(1)
    # A change without an Origin (or from another one) is not accepted on the cookie alone.
    assert keyed.post("/api/add", json=sample).status_code == 401
    other = {"Origin": "http://localhost:5173"}
    assert keyed.post("/api/add", json=sample, headers=other).status_code == 401
    same = {"Origin": BASE}
    assert keyed.post("/api/add", json=sample, headers=same).status_code == 201
    assert keyed.delete(f"/api/sample/{sample['id']}", headers=same).status_code == 200


def test_the_bearer_key_still_works_and_a_forged_cookie_does_not(keyed: TestClient) -> None:
    assert keyed.get("/api/data", headers={"Authorization": f"Bearer {KEY}"}).status_code == 200
    keyed.cookies.set(SESSION_COOKIE, "v1.1.00000000000000000000000000000000.abc")
    assert keyed.get("/api/data").status_code == 401
    assert keyed.get("/", follow_redirects=False).status_code == 303


def test_signing_out_ends_the_session(keyed: TestClient) -> None:
    _sign_in(keyed)
    assert keyed.get("/").status_code == 200
    response = keyed.post("/signout", headers={"Origin": BASE}, follow_redirects=False)
    assert response.status_code == 303
    assert keyed.get("/", follow_redirects=False).status_code == 303


def test_without_a_key_pages_are_open_and_sign_in_redirects_home(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    with TestClient(create_app(settings)) as client:
        assert client.get("/").status_code == 200
        assert client.get("/signin", follow_redirects=False).headers["location"] == "/"
