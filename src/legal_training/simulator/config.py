"""The simulator's settings as one immutable value, plus per-flavour constants.

A frozen dataclass (not Settings) because the simulator is configured by tests and the CLI
explicitly, never from the environment; two simulators in one process must not share anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Flavour = Literal["groq", "cerebras", "ollama", "openai"]
FLAVOURS: tuple[Flavour, ...] = ("groq", "cerebras", "ollama", "openai")

# Model lists as the real providers expose them (the same models as the provider catalog).
DEFAULT_MODELS: dict[Flavour, tuple[str, ...]] = {
    "groq": (
        "llama-3.3-70b-versatile",
        "llama-3.1-8b-instant",
        "openai/gpt-oss-120b",
        "openai/gpt-oss-20b",
        "qwen/qwen3-32b",
    ),
    "cerebras": (
        "gpt-oss-120b",
        "llama-3.3-70b",
        "qwen-3-235b-a22b-thinking-2507",
        "qwen-3-235b-a22b-instruct-2507",
        "qwen-3-32b",
        "llama3.1-8b",
    ),
    "ollama": (
        "kimi-k2:1t-cloud",
        "deepseek-v3.1:671b-cloud",
        "qwen3-coder:480b-cloud",
        "gpt-oss:120b-cloud",
        "gpt-oss:20b-cloud",
    ),
    "openai": ("gpt-4o-mini", "gpt-4o", "gpt-4.1-mini"),
}

QUALITY_FAULTS: tuple[str, ...] = (
    "think",
    "reasoning_field",
    "fence",
    "prose",
    "short",
    "missing_sections",
    "wrong_jurisdiction",
    "duplicate",
    "fabricated",
    "misattributed",
    "unindexed",
    "omit_fields",
    "misspell_fields",
    "partial_usage",
    "fixable",
)
"""Faults that still answer 200 but with content our extractor or quality gate must handle."""

TRANSPORT_FAULTS: tuple[str, ...] = ("drop", "5xx", "timeout", "malformed", "truncate")
"""Faults drawn at random from the ``fault_*`` rates, in this order of precedence."""

Window = Literal["bucket", "sliding", "fixed"]
WINDOWS: tuple[Window, ...] = ("bucket", "sliding", "fixed")
TokenCharging = Literal["usage", "admission"]

FORCED_ERRORS: tuple[str, ...] = (
    "rate_limit",
    "capacity",
    "context_length",
    "content_filter",
    "json_validate_failed",
    "model_not_found",
    "permission",
    "session_limit",
)
"""Error outcomes reachable only through the ``X-Simulator-Fault`` header."""

FAULT_NAMES: tuple[str, ...] = TRANSPORT_FAULTS + QUALITY_FAULTS + FORCED_ERRORS
FAULT_HEADER = "x-simulator-fault"


@dataclass(frozen=True)
class SimulatorConfig:
    """Everything that shapes one simulated provider; ``None`` limits mean unlimited."""

    flavour: Flavour = "openai"
    rpm: int | None = 600
    tpm: int | None = 600_000
    rpd: int | None = None
    #: How limits are counted: a continuously refilling ``bucket`` (as Groq and Cerebras
    #: document), a ``sliding`` window (at most the limit in any 60 s), or ``fixed`` windows
    #: that reset on the minute. Accounts in the wild use all three.
    window: Window = "bucket"
    #: Token charging: ``admission`` holds prompt + max tokens up front (Cerebras), ``usage``
    #: charges the prompt at admission and the completion when generated. None: the flavour's.
    token_charging: TokenCharging | None = None
    #: Models whose every answer cites another jurisdiction's authorities.
    wrong_jurisdiction_models: tuple[str, ...] = ()
    #: Share of requests that start a burst of ``burst_length`` consecutive 5xx answers.
    fault_5xx_burst: float = 0.0
    burst_length: int = 8
    #: Start one burst of ``burst_length`` 5xx answers at this request (1-based, counting the
    #: requests that met no other fault), whatever the chance: an outage at a known moment.
    burst_at: int | None = None
    latency_min: float = 0.0
    latency_max: float = 0.0
    tokens_per_second: float | None = None
    fault_drop: float = 0.0
    fault_5xx: float = 0.0
    fault_timeout: float = 0.0
    fault_malformed: float = 0.0
    fault_truncate: float = 0.0
    think_rate: float = 0.0
    reasoning_field_rate: float = 0.0
    fence_rate: float = 0.0
    prose_rate: float = 0.0
    short_rate: float = 0.0
    missing_sections_rate: float = 0.0
    wrong_jurisdiction_rate: float = 0.0
    duplicate_rate: float = 0.0
    fabricated_rate: float = 0.0
    misattributed_rate: float = 0.0
    unindexed_rate: float = 0.0
    omit_fields_rate: float = 0.0
    misspell_fields_rate: float = 0.0
    partial_usage_rate: float = 0.0
    #: Share of answers with one defect a short follow-up can fix (a misspelt heading, one
    #: step short, reasoning a little short, an empty citation list, a missing comma).
    fixable_rate: float = 0.0
    #: Share of repair requests answered with something that fixes nothing.
    repair_fail_rate: float = 0.0
    #: The judge's score for every criterion, and the share of samples it scores 1 instead.
    judge_score: int = 4
    judge_low_rate: float = 0.0
    #: Every judge request fails with a 503 (generation and repair are unaffected).
    judge_outage: bool = False
    api_key: str | None = field(default=None, repr=False)
    models: tuple[str, ...] = ()
    seed: int | None = None
    timeout_hold: float = 30.0
    context_window: int = 131_072

    def __post_init__(self) -> None:
        if self.flavour not in FLAVOURS:
            raise ValueError(f"unknown flavour {self.flavour!r}; valid: {', '.join(FLAVOURS)}")
        if self.latency_min < 0 or self.latency_max < self.latency_min:
            raise ValueError("latency must satisfy 0 <= latency_min <= latency_max")
        if self.window not in WINDOWS:
            raise ValueError(f"unknown window {self.window!r}; valid: {', '.join(WINDOWS)}")
        if self.token_charging not in (None, "usage", "admission"):
            raise ValueError("token_charging must be usage, admission or None")
        if not 0.0 <= self.fault_5xx_burst <= 1.0 or self.burst_length < 1:
            raise ValueError("fault_5xx_burst must be within [0, 1] and burst_length >= 1")
        if self.burst_at is not None and self.burst_at < 1:
            raise ValueError("burst_at must be >= 1 (the first request is 1)")
        for name in (*self._transport_rate_names(), *self._quality_rate_names()):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be within [0, 1], got {value}")
        for name in ("repair_fail_rate", "judge_low_rate"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be within [0, 1]")
        if not 1 <= self.judge_score <= 5:
            raise ValueError("judge_score must be within 1..5")
        for name in ("rpm", "tpm", "rpd"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise ValueError(f"{name} must be positive or None (unlimited)")
        if self.tokens_per_second is not None and self.tokens_per_second <= 0:
            raise ValueError("tokens_per_second must be positive or None (instant)")

    @property
    def model_list(self) -> tuple[str, ...]:
        return self.models or DEFAULT_MODELS[self.flavour]

    @property
    def charging(self) -> TokenCharging:
        if self.token_charging is not None:
            return self.token_charging
        return "admission" if self.flavour == "cerebras" else "usage"

    @staticmethod
    def _transport_rate_names() -> tuple[str, ...]:
        return tuple(f"fault_{name}" for name in TRANSPORT_FAULTS)

    @staticmethod
    def _quality_rate_names() -> tuple[str, ...]:
        return tuple(f"{name}_rate" for name in QUALITY_FAULTS)

    def transport_rates(self) -> dict[str, float]:
        return {name: getattr(self, f"fault_{name}") for name in TRANSPORT_FAULTS}

    def quality_rates(self) -> dict[str, float]:
        return {name: getattr(self, f"{name}_rate") for name in QUALITY_FAULTS}
