"""Builders for the dashboard tests: seeded datasets (including hostile text) and a real server
on loopback for the browser."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import uvicorn
from fastapi import FastAPI

from legal_training.storage.db import Database
from tests.publishing.helpers import diverse_sample, insert

#: Markup a model or an import could write. If any of it were rendered as HTML, it would set
#: ``window.__pwned`` or add an element with a ``data-pwned`` attribute to the page.
PAYLOADS: tuple[str, ...] = (
    "<script>window.__pwned = 'script'</script>",
    '<img src="x" data-pwned="img" onerror="window.__pwned = \'img\'">',
    '"><svg data-pwned="svg" onload="window.__pwned = \'svg\'"></svg>',
    '<iframe data-pwned="iframe" srcdoc="<script>parent.__pwned=\'iframe\'</script>"></iframe>',
    "javascript:window.__pwned='href'",
)
HOSTILE_ID = "hostile-<b>sample</b>"


def hostile_sample(index: int = 900) -> dict[str, Any]:
    """A valid sample whose every free-text field carries the payloads."""
    payload = " ".join(PAYLOADS)
    quality = {
        "score": 40.0,
        "accepted": False,
        "mode": "lenient",
        "passed": [],
        "failed": [{"check": "sections", "reason": "missing " + payload}],
        "checks": {"sections": {"passed": False, "missing": [payload]}},
        "flags": [payload],
    }
    return diverse_sample(
        index,
        id=HOSTILE_ID,
        question=f"Hostile question {payload}",
        answer=f"ISSUE: {payload}\n\nRULE: Carlill v Carbolic Smoke Ball Co [1893] 1 QB 256 "
        + payload,
        topic=f"Contract Law - {PAYLOADS[0]} {PAYLOADS[1]}",
        case_citation=f"{payload} [2099] UKSC 1",
        reasoning=f"Step 1: {payload}",
        provider="groq",
        model=payload[:150],
        quality=quality,
    )


def seed(db: Database, count: int = 30, *, simulator: int = 4, hostile: bool = True) -> None:
    """``count`` varied samples (the last ``simulator`` of them made by the simulator)."""
    samples = [diverse_sample(i) for i in range(count - simulator)]
    samples += [
        diverse_sample(500 + i, provider="simulator", model="simulator-large")
        for i in range(simulator)
    ]
    if hostile:
        samples.append(hostile_sample())
    insert(db, samples)


@dataclass
class LiveServer:
    base_url: str
    app: FastAPI


@contextmanager
def serve(app: FastAPI, wrap: Callable[[Any], Any] | None = None) -> Iterator[LiveServer]:
    """Run ``app`` (with its lifespan: migrations, the batch engine) on 127.0.0.1, a free port.

    The socket listens before the thread starts, so the first request waits in the backlog;
    the context only yields once the lifespan has run (``server.started``).
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    host, port = sock.getsockname()
    config = uvicorn.Config(
        wrap(app) if wrap else app, log_level="warning", ws="none", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:  # bounded wait for the lifespan, not a timing assertion
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the dashboard server did not start")
        time.sleep(0.02)
    try:
        yield LiveServer(base_url=f"http://{host}:{port}", app=app)
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()
