"""Settings read from the environment names fixed in DESIGN.md.

Nothing is read at import time: :func:`get_settings` builds (and caches) one ``Settings`` for the
running process, and tests pass ``Settings(...)`` explicitly. Secrets are ``SecretStr`` so that they
never appear in a ``repr``, a log line or a serialised response by accident.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_CORS_ORIGINS: tuple[str, ...] = (
    "http://localhost",
    "http://127.0.0.1",
    "http://localhost:5001",
    "http://127.0.0.1:5001",
    "http://localhost:5173",
    "http://127.0.0.1:5173",
)


class Settings(BaseSettings):
    """Every knob of the service. Field docs double as the README's configuration table."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", populate_by_name=True)

    data_dir: Path = Field(
        default=Path("data"),
        validation_alias=AliasChoices("LEGAL_TRAINING_DATA_DIR", "data_dir"),
        description="Folder for the SQLite database and working files.",
    )
    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DATABASE_URL", "database_url"),
        description="SQLAlchemy URL overriding the SQLite database, e.g. postgresql+psycopg://...",
    )
    api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("LEGAL_TRAINING_API_KEY", "api_key"),
        description="When set, /api/* (except /api/health) requires 'Authorization: Bearer <key>'.",
    )
    cors_origins: list[str] = Field(
        default_factory=lambda: list(DEFAULT_CORS_ORIGINS),
        validation_alias=AliasChoices("LEGAL_TRAINING_CORS_ORIGINS", "cors_origins"),
        description="Origins allowed by CORS (JSON list). Default: localhost origins only.",
    )
    max_body_bytes: int = Field(
        default=64 * 1024 * 1024,
        gt=0,
        validation_alias=AliasChoices("LEGAL_TRAINING_MAX_BODY_BYTES", "max_body_bytes"),
        description="Largest request body accepted (bytes); larger bodies get 413.",
    )
    host: str = Field(
        default="127.0.0.1",
        validation_alias=AliasChoices("LEGAL_TRAINING_HOST", "host"),
        description="Bind address of `legal-training serve` (loopback by default).",
    )
    port: int = Field(
        default=5001,
        ge=1,
        le=65535,
        validation_alias=AliasChoices("LEGAL_TRAINING_PORT", "port"),
        description="Port of `legal-training serve`.",
    )
    auto_resume: bool = Field(
        default=True,
        validation_alias=AliasChoices("LEGAL_TRAINING_AUTO_RESUME", "auto_resume"),
        description="Resume batches left running by a crash or restart when the server starts.",
    )
    judge_provider: str | None = Field(
        default=None,
        validation_alias=AliasChoices("LEGAL_TRAINING_JUDGE_PROVIDER", "judge_provider"),
        description="Provider of the judge model; with it (or a judge model) set, batches are "
        "judged by default. Unset: no judge.",
    )
    judge_model: str | None = Field(
        default=None,
        validation_alias=AliasChoices("LEGAL_TRAINING_JUDGE_MODEL", "judge_model"),
        description="Model that judges samples (unset: the judge provider's first model).",
    )
    min_judge_score: float | None = Field(
        default=None,
        ge=1,
        le=5,
        validation_alias=AliasChoices("LEGAL_TRAINING_MIN_JUDGE_SCORE", "min_judge_score"),
        description="Strict mode rejects judged samples whose overall score (1-5) is below this.",
    )
    batch_lease_s: float = Field(
        default=30.0,
        gt=0.5,
        le=3600,
        validation_alias=AliasChoices("LEGAL_TRAINING_BATCH_LEASE_S", "batch_lease_s"),
        description=(
            "Seconds a process's lease on a running batch lasts without renewal; a batch whose "
            "process died is taken over by a server once its lease has expired."
        ),
    )
    redis_url: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("LEGAL_TRAINING_REDIS_URL", "redis_url"),
        description=(
            "Redis URL (redis://host:port/db) where rate budgets, learned limits and circuits "
            "are shared by every process on the same provider accounts. Unset: per process."
        ),
    )
    providers_file: Path | None = Field(
        default=None,
        validation_alias=AliasChoices("LEGAL_TRAINING_PROVIDERS_FILE", "providers_file"),
        description="YAML file declaring extra OpenAI-compatible providers.",
    )

    groq_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("GROQ_API_KEY", "groq_api_key")
    )
    cerebras_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("CEREBRAS_API_KEY", "cerebras_api_key")
    )
    ollama_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("OLLAMA_API_KEY", "ollama_api_key")
    )
    groq_base_url: str = Field(
        default="https://api.groq.com/openai/v1",
        validation_alias=AliasChoices("GROQ_BASE_URL", "groq_base_url"),
    )
    cerebras_base_url: str = Field(
        default="https://api.cerebras.ai/v1",
        validation_alias=AliasChoices("CEREBRAS_BASE_URL", "cerebras_base_url"),
    )
    ollama_base_url: str = Field(
        default="https://ollama.com",
        validation_alias=AliasChoices("OLLAMA_BASE_URL", "ollama_base_url"),
    )
    groq_rpm: int | None = Field(default=None, gt=0, validation_alias=AliasChoices("GROQ_RPM"))
    groq_tpm: int | None = Field(default=None, gt=0, validation_alias=AliasChoices("GROQ_TPM"))
    cerebras_rpm: int | None = Field(
        default=None, gt=0, validation_alias=AliasChoices("CEREBRAS_RPM")
    )
    cerebras_tpm: int | None = Field(
        default=None, gt=0, validation_alias=AliasChoices("CEREBRAS_TPM")
    )
    ollama_rpm: int | None = Field(default=None, gt=0, validation_alias=AliasChoices("OLLAMA_RPM"))
    ollama_tpm: int | None = Field(default=None, gt=0, validation_alias=AliasChoices("OLLAMA_TPM"))
    groq_limits_kind: Literal["sliding", "bucket"] | None = Field(
        default=None, validation_alias=AliasChoices("GROQ_LIMITS_KIND", "groq_limits_kind")
    )
    cerebras_limits_kind: Literal["sliding", "bucket"] | None = Field(
        default=None,
        validation_alias=AliasChoices("CEREBRAS_LIMITS_KIND", "cerebras_limits_kind"),
    )
    ollama_limits_kind: Literal["sliding", "bucket"] | None = Field(
        default=None, validation_alias=AliasChoices("OLLAMA_LIMITS_KIND", "ollama_limits_kind")
    )

    hf_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("HF_TOKEN", "HUGGINGFACE_TOKEN", "hf_token")
    )
    hf_endpoint: str | None = Field(
        default=None, validation_alias=AliasChoices("HF_ENDPOINT", "hf_endpoint")
    )

    @field_validator(
        "api_key", "redis_url", "groq_api_key", "cerebras_api_key", "ollama_api_key", "hf_token"
    )
    @classmethod
    def _blank_secret_is_unset(cls, value: SecretStr | None) -> SecretStr | None:
        """An exported-but-empty variable means 'not configured', not 'the empty key'."""
        if value is not None and not value.get_secret_value().strip():
            return None
        return value

    @property
    def resolved_database_url(self) -> str:
        """The SQLAlchemy URL in use: ``DATABASE_URL`` or SQLite inside the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'legal_training.db').resolve()}"


@cache
def get_settings() -> Settings:
    """The process-wide settings, read from the environment once."""
    return Settings()
