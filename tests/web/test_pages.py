"""Every area renders from the database on both backends: empty states, pagination that never
loads more than a page, search and filters, the sample view, export counts, providers without
keys, and hostile text escaped."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import escape

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from legal_training.api.app import create_app
from legal_training.settings import Settings
from legal_training.storage.db import Database
from tests.publishing.helpers import diverse_sample, insert
from tests.web.helpers import HOSTILE_ID, PAYLOADS, seed

AREAS = {
    "/": "Overview",
    "/generate": "Generate",
    "/dataset": "Dataset",
    "/batches": "Batches",
    "/publish": "Publish",
    "/providers": "Providers",
}
ROW = re.compile(r"<tr data-sample-id=")


@pytest.fixture
def web(settings: Settings, database: Database) -> Iterator[TestClient]:
    with TestClient(create_app(settings, database=database)) as client:
        yield client


@pytest.mark.parametrize("path", list(AREAS))
def test_each_area_renders_when_the_dataset_is_empty(web: TestClient, path: str) -> None:
    response = web.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    html = response.text
    assert f"<h1>{AREAS[path]}</h1>" in html or f"<h1>{AREAS[path]}" in html
    for label in AREAS.values():  # the six areas are in the navigation
        assert f">{label}</a>" in html
    assert 'aria-current="page"' in html


def test_empty_states_say_what_to_do(web: TestClient) -> None:
    assert "The dataset is empty." in web.get("/").text
    assert "No samples yet." in web.get("/dataset").text
    assert "No batches yet." in web.get("/batches").text
    assert "Nothing published yet." in web.get("/publish").text
    assert "No batch is running." in web.get("/generate").text


def test_the_dataset_table_is_one_page_at_a_time_with_the_total(
    web: TestClient, database: Database
) -> None:
    seed(database, 60, hostile=False)
    first = web.get("/dataset")
    assert len(ROW.findall(first.text)) == 25
    assert "1–25 of 60 samples · page 1 of 3" in first.text
    third = web.get("/dataset", params={"offset": 50, "limit": 25})
    assert len(ROW.findall(third.text)) == 10
    assert "51–60 of 60 samples · page 3 of 3" in third.text
    ids = set(re.findall(r'data-sample-id="([^"]+)"', first.text))
    assert ids.isdisjoint(re.findall(r'data-sample-id="([^"]+)"', third.text))
    big = web.get("/dataset", params={"limit": 100000})  # not an offered size: the default
    assert len(ROW.findall(big.text)) == 25


def test_filters_and_search_narrow_the_table(web: TestClient, database: Database) -> None:
    seed(database, 30, hostile=False)
    insert(database, [diverse_sample(77, question="Q77: an unmistakable zebracorn clause")])
    basic = web.get("/dataset", params={"difficulty": "basic"})
    assert basic.status_code == 200
    assert ROW.findall(basic.text)
    assert "intermediate</td>" not in basic.text and "advanced</td>" not in basic.text
    found = web.get("/dataset", params={"q": "zebracorn"})
    assert re.findall(r'data-sample-id="([^"]+)"', found.text) == ["sample_00077"]
    filtered = web.get("/dataset", params={"q": "zebracorn", "provider": "simulator"})
    assert not ROW.findall(filtered.text)
    assert "No sample matches." in filtered.text


def test_a_bad_filter_is_a_message_on_the_page(web: TestClient) -> None:
    response = web.get("/dataset", params={"difficulty": "legendary"})
    assert response.status_code == 200
    assert "legendary" in response.text and 'class="alert"' in response.text
    assert "min_quality" in web.get("/dataset", params={"min_quality": "abc"}).text
    assert "between 0 and 100" in web.get("/dataset", params={"min_quality": "150"}).text
    assert "no searchable words" in web.get("/dataset", params={"q": "!!!"}).text


def test_the_sample_view_shows_sections_quality_and_citations(
    web: TestClient, database: Database
) -> None:
    answer = (
        "ISSUE: whether the advert was an offer.\n\nRULE: Carlill v Carbolic Smoke Ball Co "
        "[1893] 1 QB 256; see also Smith v Jones [2031] UKSC 99.\n\nAPPLICATION: it was.\n"
    )
    quality = {
        "score": 71.0,
        "accepted": True,
        "mode": "lenient",
        "failed": [{"check": "sections", "reason": "answer is missing CONCLUSION:"}],
        "checks": {"sections": {"passed": False}, "answer_words": {"passed": True}},
        "flags": ["sections"],
    }
    insert(
        database,
        [
            diverse_sample(
                5, answer=answer, sample_type="case_analysis", jurisdiction="uk", quality=quality
            )
        ],
    )
    html = web.get("/dataset/samples/sample_00005").text
    for section in ("Issue", "Rule", "Application"):
        assert f"<h3>{section}</h3>" in html
    assert "Missing section heading(s): Conclusion" in html
    assert "answer is missing CONCLUSION:" in html
    assert "Carlill v Carbolic Smoke Ball Co" in html and "recognised" in html
    assert "implausible" in html  # a UKSC citation dated in the future
    assert 'data-api="/api/sample/sample_00005"' in html and 'data-method="PUT"' in html
    assert web.get("/dataset/samples/nope").status_code == 404


def test_export_counts_say_how_many_simulator_samples_are_left_out(
    web: TestClient, database: Database
) -> None:
    seed(database, 12, simulator=3, hostile=False)
    html = web.get("/dataset/export").text
    assert re.search(r"<strong>9</strong> samples will be exported", html)
    assert "3 samples were made by the built-in simulator" in html
    only = web.get("/dataset/export", params={"provider": "simulator"}).text
    assert re.search(r"<strong>3</strong> samples will be exported", only)
    assert "left out" not in only
    assert "3 samples were made by the built-in simulator" in web.get("/publish").text


def test_the_providers_page_names_key_variables_never_keys(
    tmp_path: object, database: Database, settings: Settings
) -> None:
    fake = "gsk_test-fake-key-for-the-providers-page"
    keyed = settings.model_copy(update={"groq_api_key": SecretStr(fake)})
    with TestClient(create_app(keyed, database=database)) as client:
        html = client.get("/providers").text
    assert fake not in html
    assert "GROQ_API_KEY" in html and "CEREBRAS_API_KEY" in html
    assert "llama-3.3-70b-versatile" in html


def test_hostile_text_is_escaped_on_every_page_that_shows_it(
    web: TestClient, database: Database
) -> None:
    seed(database, 6, simulator=0)
    pages = [
        web.get("/dataset").text,
        web.get("/dataset", params={"q": "hostile"}).text,
        web.get(f"/dataset/samples/{HOSTILE_ID}").text,
        web.get("/overview/stats").text,
    ]
    for html in pages:
        for payload in PAYLOADS[:4]:
            assert payload not in html
        assert "data-pwned" not in html.replace("data-pwned=&#34;", "").replace(
            "data-pwned=&quot;", ""
        )
    sample_page = pages[2]
    assert escape(PAYLOADS[0], quote=False) in sample_page or "&lt;script&gt;" in sample_page
    assert 'href="javascript:' not in "".join(pages)


def test_the_providers_page_lists_recent_provider_errors_escaped(
    web: TestClient, database: Database
) -> None:
    from legal_training.storage.batches import BatchRepository

    errors = [
        {
            "at": "2026-12-01T10:00:00+00:00",
            "topic": "Contract Law - Formation of Contracts",
            "category": "RateLimited",
            "error": "429 from upstream " + PAYLOADS[0],
            "provider": "groq",
            "model": "llama-3.3-70b-versatile",
        }
    ]
    with database.write() as session:
        BatchRepository(session).create(
            id="batch_1_errors",
            status="failed",
            count=5,
            params={},
            plan=[],
            rejected_by_reason={},
            errors=errors,
            switches=[],
        )
    html = web.get("/providers").text
    assert "RateLimited" in html and "429 from upstream" in html
    assert PAYLOADS[0] not in html
    assert 'href="/batches/batch_1_errors"' in html


def test_the_providers_page_shows_learned_limits_and_health(web: TestClient) -> None:
    from typing import Any

    from legal_training.providers.headers import RateLimitSnapshot, WindowLimit

    app: Any = web.app
    registry = app.state.provider_registry
    daily = RateLimitSnapshot(windows=(WindowLimit("requests", "day", 14_400, 14_000),))
    assert web.portal is not None
    web.portal.call(registry.budget.observe, "simulator", "simulator-fast", daily)
    app.state.failover_router.cooldowns.start("simulator", "simulator-large", 120.0)
    html = web.get("/providers").text
    assert "14,400 requests/day" in html
    assert "cooling down" in html and "degraded" in html


def test_the_sample_view_and_overview_show_judge_scores_and_repairs(
    web: TestClient, database: Database
) -> None:
    judged = {
        "score": 100.0,
        "accepted": True,
        "mode": "strict",
        "failed": [],
        "checks": {"sections": {"passed": True}, "judge_score": {"passed": True}},
        "flags": ["repaired"],
        "repair": {
            "attempted": True,
            "repaired": True,
            "checks": ["sections"],
            "changes": ["heading 'ISUE' -> 'ISSUE'"],
            "tokens": 640,
        },
        "judge": {
            "status": "judged",
            "provider": "groq",
            "model": "judge-model",
            "scores": {"legal_accuracy": 4, "authority_support": 2},
            "overall": 3.0,
            "rationale": "Authorities only loosely support the rule.",
        },
    }
    unjudged = {**judged, "repair": None, "judge": {"status": "unjudged", "error": "outage"}}
    del unjudged["repair"]
    insert(
        database,
        [diverse_sample(7, quality=judged), diverse_sample(8, quality=unjudged)],
    )
    html = web.get("/dataset/samples/sample_00007").text
    assert 'data-testid="judge-overall"' in html and "<strong>3.0</strong> / 5" in html
    assert "legal accuracy" in html and "Authorities only loosely support the rule." in html
    assert 'data-testid="repair-summary"' in html and "ISUE" in html and "640" in html
    other = web.get("/dataset/samples/sample_00008").text
    assert "Unjudged: outage" in other
    stats = web.get("/overview/stats").text
    assert 'data-testid="judge-distribution"' in stats
    assert 'aria-label="judge score 3: 1 samples"' in stats
    assert "1 unjudged" in stats
    assert "1 samples were accepted after a repair" in stats
