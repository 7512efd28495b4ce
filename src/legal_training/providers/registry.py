"""Which providers and models exist, which are enabled, and the one client for each.

The catalog is data (``data/providers.json``: providers, models, fallback orders and RPM/TPM
defaults as the providers document them) plus an optional YAML file of extra
OpenAI-compatible endpoints (``LEGAL_TRAINING_PROVIDERS_FILE``)::

    providers:
      - name: together
        base_url: https://api.together.xyz/v1
        api_key_env: TOGETHER_API_KEY     # omit for a keyless endpoint
        models: [meta-llama/Llama-3.3-70B-Instruct-Turbo]   # or {id, context_window, ...}
        rpm: 60                            # caps: never paced above these
        tpm: 100000
        limits_kind: sliding               # how it counts: sliding (default) or bucket
        token_charging: usage              # usage (default) or admission (prompt + max_tokens)

Catalog RPM/TPM are defaults that the limits a provider reports in its headers replace; an
explicit ``<PROVIDER>_RPM/_TPM`` or a providers-file ``rpm``/``tpm`` is a cap the user chose.

Built-ins and file providers register the same way. A provider is enabled when its key is set;
a local Ollama (base URL on localhost) and file providers declared without ``api_key_env`` need
none. With no key at all, the built-in simulator is registered in-process as ``simulator`` so
the whole pipeline works out of the box (DESIGN.md, "Embedded default").
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import structlog
import yaml
from pydantic import SecretStr

from legal_training.errors import DomainError
from legal_training.providers.base import Provider
from legal_training.providers.budgets import (
    LIMIT_KINDS,
    TOKEN_CHARGING,
    LimitKind,
    LimitView,
    RateBudget,
    TokenCharging,
    limits_from,
)
from legal_training.providers.estimates import UsageEstimator
from legal_training.providers.health import ProviderHealth
from legal_training.providers.openai_compat import (
    DEFAULT_TIMEOUT_S,
    PROVIDER_CLASSES,
    OpenAICompatibleProvider,
)
from legal_training.providers.redis_state import RedisStateStore
from legal_training.providers.state import InMemoryStateStore, StateStore
from legal_training.settings import Settings

logger = structlog.get_logger(__name__)

SIMULATOR_ID = "simulator"
LIVE_LISTING_TIMEOUT_S = 5.0
LIVE_LISTING_MAX_AGE_S = 600.0
_LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


class RegistryError(DomainError, ValueError):
    """The catalog or providers file is invalid, or a provider/model name is unknown."""


@dataclass(frozen=True)
class ModelSpec:
    """A model as the catalog (or a live listing) describes it."""

    id: str
    provider: str
    name: str
    context_window: int | None = None
    is_thinking_model: bool = False
    supports_json_schema: bool = False
    fallback_priority: int | None = None
    max_tokens: int = 4000
    rpd: int | None = None
    live: bool = False


@dataclass(frozen=True)
class ProviderSpec:
    """A provider's static description. Holds the NAME of its key variable, never the key."""

    id: str
    name: str
    flavour: str
    base_url: str
    api_key_env: str | None
    default_model: str | None
    champion_model: str | None
    rpm: int | None
    tpm: int | None
    models: tuple[ModelSpec, ...]
    limits_per_model: bool = False
    default_temperature: float | None = None
    default_top_p: float | None = None
    is_simulator: bool = False
    label: str | None = None
    keyless: bool = False
    #: Limits the user set (``<PROVIDER>_RPM/_TPM`` or the providers file): caps.
    rpm_cap: int | None = None
    tpm_cap: int | None = None
    limits_kind: LimitKind = "sliding"
    token_charging: TokenCharging = "usage"

    @property
    def fallback_models(self) -> tuple[ModelSpec, ...]:
        """Models used for failover, in order (the default model first when it is listed)."""
        ordered = sorted(
            (m for m in self.models if m.fallback_priority is not None),
            key=lambda m: m.fallback_priority or 0,
        )
        return tuple(ordered)

    def model(self, model_id: str) -> ModelSpec | None:
        return next((m for m in self.models if m.id == model_id), None)


SimulatorTransportFactory = Callable[[ProviderSpec], httpx.AsyncBaseTransport]
"""Builds the transport through which the keyless simulator is reached."""


# --- loading -------------------------------------------------------------------------------------


def _model_specs(provider_id: str, raw_models: Sequence[Any]) -> tuple[ModelSpec, ...]:
    specs: list[ModelSpec] = []
    priority = 0
    for raw in raw_models:
        entry: Mapping[str, Any] = {"id": raw} if isinstance(raw, str) else raw
        if not isinstance(entry, Mapping) or not entry.get("id"):
            raise RegistryError(f"provider {provider_id!r}: every model needs an id")
        in_fallback = bool(entry.get("in_fallback", True))
        if in_fallback:
            priority += 1
        thinking = bool(entry.get("is_thinking_model", False))
        specs.append(
            ModelSpec(
                id=str(entry["id"]),
                provider=provider_id,
                name=str(entry.get("name") or entry["id"]),
                context_window=_opt_int(entry.get("context_window")),
                is_thinking_model=thinking,
                supports_json_schema=bool(entry.get("supports_json_schema", False)),
                fallback_priority=priority if in_fallback else None,
                max_tokens=int(entry.get("max_tokens") or (8000 if thinking else 4000)),
                rpd=_opt_int(entry.get("rpd")),
            )
        )
    return tuple(specs)


def _opt_int(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise RegistryError(f"expected an integer, got {value!r}")
    return int(value)


def _provider_spec(raw: Mapping[str, Any], *, base_url: str, **overrides: Any) -> ProviderSpec:
    provider_id = str(raw["id"])
    models = _model_specs(provider_id, raw.get("models") or ())
    default_model = raw.get("default_model") or (models[0].id if models else None)
    spec = ProviderSpec(
        id=provider_id,
        name=str(raw.get("name") or provider_id.capitalize()),
        flavour=str(raw.get("flavour") or "openai"),
        base_url=base_url,
        api_key_env=raw.get("api_key_env"),
        default_model=default_model,
        champion_model=raw.get("champion_model") or default_model,
        rpm=_opt_int(raw.get("rpm")),
        tpm=_opt_int(raw.get("tpm")),
        models=models,
        limits_per_model=bool(raw.get("limits_per_model", False)),
        default_temperature=raw.get("default_temperature"),
        default_top_p=raw.get("default_top_p"),
        label=raw.get("label"),
        limits_kind=_choice(raw, "limits_kind", LIMIT_KINDS, "sliding"),
        token_charging=_choice(
            raw,
            "token_charging",
            TOKEN_CHARGING,
            "admission" if raw.get("flavour") == "cerebras" else "usage",
        ),
    )
    return replace(spec, **overrides)


def _choice(raw: Mapping[str, Any], name: str, valid: Sequence[str], default: str) -> Any:
    value = raw.get(name) or default
    if value not in valid:
        raise RegistryError(
            f"provider {raw.get('id')!r}: {name} {value!r} is not valid; valid: {', '.join(valid)}"
        )
    return value


def _load_catalog_data() -> dict[str, Any]:
    text = resources.files("legal_training.providers").joinpath("data/providers.json").read_text()
    data: dict[str, Any] = json.loads(text)
    return data


def builtin_specs(settings: Settings) -> list[ProviderSpec]:
    """The built-in providers, with base URLs and RPM/TPM overrides from settings."""
    specs: list[ProviderSpec] = []
    for raw in _load_catalog_data()["providers"]:
        provider_id = str(raw["id"])
        base_url = str(getattr(settings, raw["base_url_setting"])).rstrip("/")
        suffix = raw.get("base_url_suffix")
        if suffix and not base_url.endswith(suffix):
            base_url += suffix
        rpm_cap = getattr(settings, f"{provider_id}_rpm", None)
        tpm_cap = getattr(settings, f"{provider_id}_tpm", None)
        kind = getattr(settings, f"{provider_id}_limits_kind", None)
        if kind:
            raw = {**raw, "limits_kind": kind}
        specs.append(
            _provider_spec(
                raw,
                base_url=base_url,
                rpm=rpm_cap or raw.get("rpm"),
                tpm=tpm_cap or raw.get("tpm"),
                rpm_cap=rpm_cap,
                tpm_cap=tpm_cap,
                keyless=raw.get("flavour") == "ollama" and is_loopback_url(base_url),
            )
        )
    return specs


def simulator_spec() -> ProviderSpec:
    raw = _load_catalog_data()["simulator"]
    return _provider_spec(raw, base_url=str(raw["base_url"]), is_simulator=True, keyless=True)


def load_providers_file(path: Path) -> list[ProviderSpec]:
    """Extra OpenAI-compatible providers from YAML (a ``providers:`` list, or a bare list)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RegistryError(f"cannot read providers file {path}: {exc}") from exc
    entries = data.get("providers") if isinstance(data, Mapping) else data
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise RegistryError(f"{path}: expected a list of providers")
    specs: list[ProviderSpec] = []
    for entry in entries:
        if not isinstance(entry, Mapping) or not entry.get("name") or not entry.get("base_url"):
            raise RegistryError(f"{path}: every provider needs a name and a base_url")
        raw = {**entry, "id": str(entry["name"]), "name": entry.get("display_name")}
        base_url = str(entry["base_url"]).rstrip("/")
        _reject_credentials_in_url(base_url, str(entry["name"]))
        spec = _provider_spec(
            raw,
            base_url=base_url,
            flavour=str(entry.get("flavour") or "openai"),
            keyless=not entry.get("api_key_env"),
        )
        specs.append(replace(spec, rpm_cap=spec.rpm, tpm_cap=spec.tpm))
    return specs


def _reject_credentials_in_url(url: str, name: str) -> None:
    parts = urlsplit(url)
    if parts.username or parts.password or parts.query:
        raise RegistryError(
            f"provider {name!r}: put credentials in api_key_env, not in the base URL"
        )


def is_loopback_url(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return host in _LOOPBACK_HOSTS or host.startswith("127.")


# --- the registry --------------------------------------------------------------------------------


@dataclass
class ProviderRegistry:
    """All known providers (enabled or not), a client for each enabled one, and the shared
    budget every caller in the process reserves from."""

    specs: dict[str, ProviderSpec]
    clients: dict[str, Provider]
    budget: RateBudget
    order: list[str]
    #: Circuits and cooldowns, and learned completion lengths, in the budget's store.
    health: ProviderHealth = field(default=None)  # type: ignore[assignment]
    estimator: UsageEstimator = field(default=None)  # type: ignore[assignment]
    _live_models: dict[str, tuple[ModelSpec, ...]] = field(default_factory=dict)
    _live_refreshed_at: float | None = None

    def __post_init__(self) -> None:
        if self.health is None:
            self.health = ProviderHealth(self.budget.store)
        if self.estimator is None:
            self.estimator = UsageEstimator(self.budget.store)

    @property
    def default_provider(self) -> str | None:
        return self.order[0] if self.order else None

    def is_enabled(self, provider: str) -> bool:
        return provider in self.clients

    def spec(self, provider: str) -> ProviderSpec:
        try:
            return self.specs[provider]
        except KeyError:
            raise RegistryError(
                f"unknown provider {provider!r}; valid: {', '.join(self.specs)}"
            ) from None

    def client(self, provider: str) -> Provider:
        self.spec(provider)
        try:
            return self.clients[provider]
        except KeyError:
            env = self.specs[provider].api_key_env
            hint = f": set {env}" if env else ""
            raise RegistryError(f"provider {provider!r} is not enabled{hint}") from None

    def limit_views(self, provider: str, model: str | None = None) -> list[LimitView]:
        """The quota windows of ``provider`` (its default model unless given): catalog
        default, the user's cap, what the provider reported, and what we pace at."""
        spec = self.spec(provider)
        return self.budget.describe(provider, model or spec.default_model)

    def enabled_specs(self) -> list[ProviderSpec]:
        return [self.specs[name] for name in self.order]

    def models(self, provider: str | None = None) -> list[ModelSpec]:
        """Catalog models merged with live listings; one provider's, or all enabled ones'."""
        names = [self.spec(provider).id] if provider else list(self.order)
        result: list[ModelSpec] = []
        for name in names:
            known = list(self.specs[name].models)
            ids = {m.id for m in known}
            known.extend(m for m in self._live_models.get(name, ()) if m.id not in ids)
            result.extend(known)
        return result

    def model_spec(self, provider: str, model: str) -> ModelSpec | None:
        return next((m for m in self.models(provider) if m.id == model), None)

    async def refresh_live_models(self, *, timeout_s: float = LIVE_LISTING_TIMEOUT_S) -> None:
        """Merge each enabled provider's live listing in; best effort, never raises."""

        async def one(name: str, client: Provider) -> None:
            try:
                async with asyncio.timeout(timeout_s):
                    listed = await client.list_models()
            except Exception as exc:  # a failed listing must never break /api/models
                logger.info("live_model_listing_failed", provider=name, error=type(exc).__name__)
                return
            self._live_models[name] = tuple(
                ModelSpec(
                    id=item.id,
                    provider=name,
                    name=item.id,
                    context_window=item.context_window,
                    live=True,
                )
                for item in listed
            )

        await asyncio.gather(*(one(name, client) for name, client in self.clients.items()))

    async def ensure_live_models(
        self,
        *,
        max_age_s: float = LIVE_LISTING_MAX_AGE_S,
        timeout_s: float = LIVE_LISTING_TIMEOUT_S,
    ) -> None:
        """Refresh the live listings when older than ``max_age_s`` (so /api/models does not hit
        every provider on every call)."""
        now = time.monotonic()
        if self._live_refreshed_at is not None and now - self._live_refreshed_at < max_age_s:
            return
        await self.refresh_live_models(timeout_s=timeout_s)
        self._live_refreshed_at = time.monotonic()

    async def aclose(self) -> None:
        for client in self.clients.values():
            await client.aclose()
        await self.budget.store.aclose()


def build_registry(
    settings: Settings,
    *,
    transports: Mapping[str, httpx.AsyncBaseTransport] | None = None,
    environ: Mapping[str, str] | None = None,
    budget: RateBudget | None = None,
    order: Sequence[str] | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    simulator_transport: SimulatorTransportFactory | None = None,
) -> ProviderRegistry:
    """Build every provider from settings (and the providers file).

    ``transports`` plugs an httpx transport into a named provider (tests, the in-process
    simulator); ``simulator_transport`` builds the transport of the keyless simulator when it is
    registered and ``transports`` has none for it (the simulator is a server package this one
    must not import, so the composing layer passes it in); ``environ`` is where file
    providers' ``api_key_env`` values are looked up (default: the process environment);
    ``order`` overrides the failover order.
    """
    env = os.environ if environ is None else environ
    transports = transports or {}
    keys: dict[str, SecretStr | None] = {}
    specs: list[ProviderSpec] = []
    for spec in builtin_specs(settings):
        specs.append(spec)
        keys[spec.id] = getattr(settings, f"{spec.id}_api_key", None)
    if settings.providers_file is not None:
        for spec in load_providers_file(settings.providers_file):
            if spec.id in keys or spec.id == SIMULATOR_ID:
                raise RegistryError(f"providers file redefines built-in provider {spec.id!r}")
            value = env.get(spec.api_key_env, "").strip() if spec.api_key_env else ""
            keys[spec.id] = SecretStr(value) if value else None
            specs.append(spec)
    if not any(keys.values()):
        sim = simulator_spec()
        specs.append(sim)
        keys[sim.id] = None

    budget = budget or RateBudget(build_state_store(settings))
    clients: dict[str, Provider] = {}
    for spec in specs:
        key = keys.get(spec.id)
        if key is None and not spec.keyless:
            continue
        transport = transports.get(spec.id)
        if spec.is_simulator and transport is None:
            if simulator_transport is None:
                raise RegistryError(
                    "no provider key is set and no simulator transport was given: set a key "
                    "such as GROQ_API_KEY, or build the registry with the embedded simulator"
                )
            transport = simulator_transport(spec)
        clients[spec.id] = _make_client(spec, key, transport=transport, timeout_s=timeout_s)
        configure_budget(budget, spec)

    known = [spec.id for spec in specs]
    wanted = list(order) if order else known
    unknown = [name for name in wanted if name not in known]
    if unknown:
        raise RegistryError(f"unknown provider(s) in order: {', '.join(unknown)}")
    enabled_order = [name for name in wanted if name in clients]
    registry = ProviderRegistry(
        specs={spec.id: spec for spec in specs},
        clients=clients,
        budget=budget,
        order=enabled_order,
    )
    logger.info("provider_registry_built", enabled=enabled_order, known=known)
    return registry


def build_state_store(settings: Settings) -> StateStore:
    """Where this process keeps provider state: Redis when ``LEGAL_TRAINING_REDIS_URL`` is set
    (shared with every other process on the same accounts), otherwise this process's memory."""
    if settings.redis_url is None:
        return InMemoryStateStore()
    return RedisStateStore(settings.redis_url.get_secret_value())


def configure_budget(budget: RateBudget, spec: ProviderSpec) -> None:
    """Give ``spec``'s limits to the budget: catalog values as defaults, the user's as caps,
    paced a little under each (:func:`~legal_training.providers.budgets.with_headroom`)."""
    catalog_rpm = None if spec.rpm_cap is not None and spec.rpm == spec.rpm_cap else spec.rpm
    catalog_tpm = None if spec.tpm_cap is not None and spec.tpm == spec.tpm_cap else spec.tpm
    budget.configure(
        spec.id,
        limits_from(rpm=catalog_rpm, tpm=catalog_tpm, kind=spec.limits_kind),
        caps=limits_from(rpm=spec.rpm_cap, tpm=spec.tpm_cap, kind=spec.limits_kind),
        per_model=spec.limits_per_model,
        kind=spec.limits_kind,
        charging=spec.token_charging,
        headroom=True,
    )


def _make_client(
    spec: ProviderSpec,
    key: SecretStr | None,
    *,
    transport: httpx.AsyncBaseTransport | None,
    timeout_s: float,
) -> OpenAICompatibleProvider:
    cls = PROVIDER_CLASSES.get(spec.flavour, OpenAICompatibleProvider)
    return cls(
        name=spec.id,
        base_url=spec.base_url,
        api_key=key,
        api_key_env=spec.api_key_env,
        flavour=spec.flavour,
        default_model=spec.default_model,
        timeout_s=timeout_s,
        transport=transport,
    )
