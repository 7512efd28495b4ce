"""Counters an operator scrapes from ``/metrics``, in the Prometheus text format.

Domain code records what happened through the few functions here, which know nothing of HTTP;
the API serves :data:`REGISTRY`. A registry of our own (rather than prometheus_client's global
one) means the endpoint shows exactly these series plus the process's CPU and memory.

Every label takes values from a small closed set (outcomes, quality-check names, configured
provider ids), so the number of series stays bounded whatever the traffic. Nothing recorded
here carries a key, a URL, a prompt or an answer.
"""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import (
    CollectorRegistry,
    Counter,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.exposition import CONTENT_TYPE_LATEST

REGISTRY = CollectorRegistry()
ProcessCollector(registry=REGISTRY)
PlatformCollector(registry=REGISTRY)

SAMPLES = Counter(
    "legal_training_samples",
    "Generated samples by gate outcome (accepted, rejected, provider_failed, unavailable).",
    ["outcome"],
    registry=REGISTRY,
)
REJECTIONS = Counter(
    "legal_training_sample_rejections",
    "Quality checks failed by rejected samples, by check (a sample may fail several).",
    ["reason"],
    registry=REGISTRY,
)
PROVIDER_CALLS = Counter(
    "legal_training_provider_calls",
    "HTTP calls to providers, by provider and outcome (ok, 429, 5xx, dropped, ...).",
    ["provider", "outcome"],
    registry=REGISTRY,
)
PROVIDER_TOKENS = Counter(
    "legal_training_provider_tokens",
    "Tokens providers reported for answered calls, by provider and kind (prompt, completion).",
    ["provider", "kind"],
    registry=REGISTRY,
)


def record_sample(outcome: str, reasons: Iterable[str] = ()) -> None:
    """One sample's outcome; ``reasons`` are the failed checks of a rejected one."""
    SAMPLES.labels(outcome=outcome).inc()
    for reason in reasons:
        REJECTIONS.labels(reason=reason).inc()


def record_call(provider: str, outcome: str) -> None:
    PROVIDER_CALLS.labels(provider=provider, outcome=outcome).inc()


def record_tokens(provider: str, *, prompt: int, completion: int) -> None:
    if prompt > 0:
        PROVIDER_TOKENS.labels(provider=provider, kind="prompt").inc(prompt)
    if completion > 0:
        PROVIDER_TOKENS.labels(provider=provider, kind="completion").inc(completion)


def exposition() -> tuple[bytes, str]:
    """The current scrape body and its content type."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


__all__ = [
    "REGISTRY",
    "exposition",
    "record_call",
    "record_sample",
    "record_tokens",
]
