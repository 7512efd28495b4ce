"""The sign-in token: issued from the key, checked by recomputation, bounded in age."""

from __future__ import annotations

from legal_training.web.session import SESSION_MAX_AGE_S, issue_token, token_is_valid

KEY = "test-fake-dashboard-key"


def test_a_token_is_valid_for_the_key_it_was_issued_with_and_does_not_contain_it() -> None:
    token = issue_token(KEY, now=1_000_000)
    assert KEY not in token
    assert token_is_valid(token, KEY, now=1_000_000 + 60)
    assert not token_is_valid(token, KEY + "-other", now=1_000_000 + 60)


def test_tokens_differ_each_time() -> None:
    assert issue_token(KEY, now=5) != issue_token(KEY, now=5)


def test_an_old_or_future_token_is_refused() -> None:
    token = issue_token(KEY, now=1_000_000)
    assert token_is_valid(token, KEY, now=1_000_000 + SESSION_MAX_AGE_S)
    assert not token_is_valid(token, KEY, now=1_000_000 + SESSION_MAX_AGE_S + 1)
    assert not token_is_valid(token, KEY, now=1_000_000 - 3600)


def test_a_tampered_token_is_refused() -> None:
    token = issue_token(KEY, now=1_000_000)
    version, issued, nonce, mac = token.split(".")
    later = f"{version}.{int(issued) + 100}.{nonce}.{mac}"
    assert not token_is_valid(later, KEY, now=1_000_000 + 200)
    flipped = mac[:-1] + ("0" if mac[-1] != "0" else "1")
    assert not token_is_valid(f"{version}.{issued}.{nonce}.{flipped}", KEY, now=1_000_001)
    for junk in ("", "v1", "v1.x.y.z", f"v2.{issued}.{nonce}.{mac}", KEY):
        assert not token_is_valid(junk, KEY, now=1_000_001)
