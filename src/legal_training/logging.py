"""structlog configuration, with a last-line defence that redacts anything shaped like a secret."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

# Bearer tokens and the key formats of the providers we talk to (gsk_, csk-, hf_, sk-).
_SECRET_PATTERNS = re.compile(
    r"(?i)(bearer\s+)[A-Za-z0-9._\-]{8,}|\b(gsk_|csk-|hf_|sk-)[A-Za-z0-9_\-]{8,}"
)


def redact(text: str) -> str:
    """Mask bearer tokens and provider-key-shaped strings in ``text``."""
    return _SECRET_PATTERNS.sub(lambda m: (m.group(1) or m.group(2) or "") + "***", text)


def _redact_processor(
    _logger: Any, _name: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    for key, value in list(event_dict.items()):
        if isinstance(value, str):
            event_dict[key] = redact(value)
    return event_dict


def _stderr_logger(*_args: Any) -> structlog.PrintLogger:
    return structlog.PrintLogger(file=sys.stderr)


def configure_logging(level: int = logging.INFO) -> None:
    """Idempotent: safe to call from every app factory and command."""
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            _redact_processor,
            structlog.processors.KeyValueRenderer(key_order=["timestamp", "level", "event"]),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        # stderr, so that command output on stdout (`--json`) stays machine-readable; looked up
        # per logger, so a replaced sys.stderr (test runners, redirection) is honoured.
        logger_factory=_stderr_logger,
        cache_logger_on_first_use=False,
    )
