"""Rate-limit header parsing for the three header families."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from legal_training.providers.headers import (
    parse_duration,
    parse_rate_limit_headers,
    parse_retry_after,
)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("2m59.56s", 179.56),
        ("7.66s", 7.66),
        ("480ms", 0.48),
        ("1h2m3s", 3723.0),
        ("0s", 0.0),
        ("12.5", 12.5),
        ("3", 3.0),
        ("250us", 0.00025),
    ],
)
def test_parse_duration_reads_go_durations_and_float_seconds(text: str, seconds: float) -> None:
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "soon", "5 minutes", "-3", "1x", "2m 3s"])
def test_parse_duration_rejects_garbage(text: str) -> None:
    assert parse_duration(text) is None


def test_retry_after_accepts_http_date() -> None:
    now = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("Wed, 01 Jan 2025 12:00:30 GMT", now=now) == pytest.approx(30.0)
    assert parse_retry_after("17") == 17.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("whenever") is None


def test_groq_requests_header_is_a_daily_window() -> None:
    snap = parse_rate_limit_headers(
        {
            "x-ratelimit-limit-requests": "14400",
            "x-ratelimit-remaining-requests": "14370",
            "x-ratelimit-reset-requests": "2m59.56s",
            "x-ratelimit-limit-tokens": "6000",
            "X-RateLimit-Remaining-Tokens": "5997",
            "x-ratelimit-reset-tokens": "30ms",
            "retry-after": "2",
        },
        flavour="groq",
    )
    day = snap.get("requests", "day")
    tokens = snap.get("tokens", "minute")
    assert day is not None and (day.limit, day.remaining) == (14400, 14370)
    assert day.reset_s == pytest.approx(179.56)
    assert tokens is not None and (tokens.limit, tokens.remaining) == (6000, 5997)
    assert tokens.reset_s == pytest.approx(0.03)
    assert snap.get("requests", "minute") is None
    assert snap.retry_after == 2.0


def test_openai_requests_header_is_per_minute() -> None:
    snap = parse_rate_limit_headers(
        {"x-ratelimit-limit-requests": "500", "x-ratelimit-remaining-requests": "0"},
        flavour="openai",
    )
    minute = snap.get("requests", "minute")
    assert minute is not None and minute.remaining == 0
    assert [w.window for w in snap.exhausted_windows()] == ["minute"]


def test_cerebras_headers_carry_their_window_and_float_resets() -> None:
    snap = parse_rate_limit_headers(
        {
            "x-ratelimit-limit-requests-day": "14400",
            "x-ratelimit-remaining-requests-day": "0",
            "x-ratelimit-reset-requests-day": "33011.382",
            "x-ratelimit-limit-tokens-minute": "60000",
            "x-ratelimit-remaining-tokens-minute": "59000",
            "x-ratelimit-reset-tokens-minute": "11.38",
            "x-ratelimit-limit-requests-hour": "900",
        },
        flavour="cerebras",
    )
    day = snap.get("requests", "day")
    assert day is not None and day.remaining == 0 and day.reset_s == pytest.approx(33011.382)
    tokens = snap.get("tokens", "minute")
    assert tokens is not None and tokens.remaining == 59000
    hour = snap.get("requests", "hour")
    assert hour is not None and hour.limit == 900 and hour.remaining is None
    assert snap.exhausted_windows()[0].window == "day"
    assert snap.retry_after is None


def test_no_headers_means_no_limits() -> None:
    snap = parse_rate_limit_headers({"content-type": "application/json"}, flavour="ollama")
    assert not snap.has_limits
    assert snap.exhausted_windows() == []
