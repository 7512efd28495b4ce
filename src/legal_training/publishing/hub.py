"""Publishing to the Hugging Face Hub: one repo, one commit with data files and dataset card.

Exception tree (everything ``huggingface_hub`` or the network raises is translated here, at one
boundary, with the token redacted from every message)::

    HubError                       base; ``status`` is the HTTP status the API answers with
    ├── HubTokenMissingError       no token in the request or the environment      (401)
    ├── HubAuthError               the Hub rejected the token (401/403)           (401)
    ├── HubRequestError            the Hub refused the request (other 4xx)        (400)
    └── HubUnavailableError        Hub 5xx, connection or timeout                 (502)

Guarantees: ``private`` is applied to existing repositories too (``update_repo_settings``), the
card and every split go up in a single commit (no half published dataset), the token is passed
explicitly (never ``login()``, never written to the token cache, never logged or stored), and
nothing local is deleted: the files are built in a private temporary folder that is the only
thing removed afterwards.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2
import structlog
from huggingface_hub import CommitOperationAdd, CommitOperationDelete, HfApi, constants
from huggingface_hub.errors import HfHubHTTPError, LocalTokenNotFoundError
from pydantic import SecretStr

from legal_training.errors import DomainError
from legal_training.logging import redact
from legal_training.publishing.export import (
    DATA_FORMATS,
    EmptySelectionError,
    ExportOptions,
    ExportResult,
    filters_dict,
    normalise_format,
    write_dataset_folder,
)
from legal_training.settings import Settings
from legal_training.storage.db import Database
from legal_training.storage.pushes import PushRecord, PushRepository

logger = structlog.get_logger(__name__)

DEFAULT_REPO_NAME = "legal-training-dataset"
_REPO_NAME = re.compile(r"^(?:[A-Za-z0-9][A-Za-z0-9._-]{0,95}/)?[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")
ProgressCallback = Callable[[str], None]
ApiFactory = Callable[..., HfApi]


class HubError(DomainError):
    """A push that did not happen; ``status`` is what the HTTP API should answer."""

    status = 502
    code = "hub_error"


class HubTokenMissingError(HubError):
    status = 401
    code = "hf_token_missing"


class HubAuthError(HubError):
    status = 401
    code = "hf_token_rejected"


class HubRequestError(HubError):
    status = 400
    code = "hub_request_rejected"


class HubUnavailableError(HubError):
    status = 502
    code = "hub_unavailable"


@dataclass(frozen=True)
class PushOptions:
    """One push: where, how, and what (``export`` carries filters, fields and splits)."""

    repo_name: str = DEFAULT_REPO_NAME
    format: str = "parquet"
    private: bool = False
    export: ExportOptions = field(default_factory=ExportOptions)
    commit_message: str | None = None


@dataclass(frozen=True)
class PushResult:
    repo_id: str
    repo_url: str
    commit_id: str
    commit_url: str
    private: bool
    format: str
    counts: dict[str, Any]
    files: tuple[str, ...]


def resolve_token(token: str | SecretStr | None, settings: Settings) -> str:
    """The request's token, else ``HF_TOKEN``/``HUGGINGFACE_TOKEN`` (via settings)."""
    if isinstance(token, SecretStr):
        token = token.get_secret_value()
    if token and token.strip():
        return token.strip()
    if settings.hf_token is not None:
        return settings.hf_token.get_secret_value()
    raise HubTokenMissingError(
        "no Hugging Face token: send 'token' in the request or set HF_TOKEN (or HUGGINGFACE_TOKEN)"
    )


def hub_endpoint(settings: Settings) -> str:
    """``HF_ENDPOINT`` (through settings) or the public Hub."""
    return (settings.hf_endpoint or constants.ENDPOINT).rstrip("/")


def validate_repo_name(repo_name: str) -> str:
    name = repo_name.strip()
    if not _REPO_NAME.fullmatch(name) or ".." in name or name.endswith((".git", ".")):
        raise HubRequestError(
            f"invalid repo_name {repo_name[:100]!r}: use letters, digits, '-', '_' or '.' "
            "(optionally 'namespace/name'), at most 96 characters each"
        )
    return name


def _scrub(text: str, token: str) -> str:
    if token:
        text = text.replace(token, "***")
    return redact(text)


@contextmanager
def hub_errors(token: str) -> Iterator[None]:
    """Translate ``huggingface_hub``/network failures into :class:`HubError` (token redacted)."""
    try:
        yield
    except (HubError, EmptySelectionError):
        raise
    except LocalTokenNotFoundError as exc:
        raise HubTokenMissingError("no Hugging Face token: set HF_TOKEN") from exc
    except HfHubHTTPError as exc:
        status = exc.response.status_code if exc.response is not None else 0
        detail = _scrub(exc.server_message or str(exc).splitlines()[0], token)
        if status in (401, 403):
            raise HubAuthError(
                "Hugging Face rejected the token: check HF_TOKEN (it needs write access)"
            ) from exc
        if status >= 500 or status in (408, 429) or status == 0:
            raise HubUnavailableError(
                f"the Hugging Face Hub failed (HTTP {status}); nothing was published: {detail}"
            ) from exc
        raise HubRequestError(
            f"the Hugging Face Hub refused the request (HTTP {status}): {detail}"
        ) from exc
    except (httpx2.TransportError, OSError) as exc:
        raise HubUnavailableError(
            f"could not reach the Hugging Face Hub ({type(exc).__name__}); nothing was published"
        ) from exc
    except ValueError as exc:  # e.g. the Hub's README metadata validation
        raise HubRequestError(_scrub(str(exc), token)) from exc


def _record(db: Database, record: PushRecord) -> None:
    try:
        with db.write() as session:
            PushRepository(session).add(record)
    except Exception as exc:  # the push outcome matters more than its log entry
        logger.error("hub_push_record_failed", error_type=type(exc).__name__)


def push_dataset(
    db: Database,
    settings: Settings,
    options: PushOptions,
    *,
    token: str | SecretStr | None = None,
    api_factory: ApiFactory = HfApi,
    progress: ProgressCallback | None = None,
) -> PushResult:
    """Build the dataset folder, then create/update the repo and upload it in one commit.

    The outcome (success or failure, never the token) is recorded in ``hub_pushes``.
    """
    fmt = normalise_format(options.format, DATA_FORMATS)
    repo_name = validate_repo_name(options.repo_name)
    secret = resolve_token(token, settings)
    endpoint = hub_endpoint(settings)
    filters = filters_dict(options.export.filters)
    if options.export.include_simulator:
        filters["include_simulator"] = True
    repo_id = repo_name
    counts: dict[str, Any] = {}

    def step(message: str) -> None:
        if progress is not None:
            progress(message)

    try:
        with hub_errors(secret):
            api = api_factory(endpoint=endpoint, token=secret)
            step("checking the token")
            user = api.whoami(token=secret)
            if "/" not in repo_name:
                repo_id = f"{user['name']}/{repo_name}"
            with tempfile.TemporaryDirectory(prefix="legal-training-push-") as work:
                step("writing data files and dataset card")
                export = ExportOptions(
                    filters=options.export.filters,
                    fields=options.export.fields,
                    include_simulator=options.export.include_simulator,
                    split=options.export.split,
                    repo_id=repo_id,
                    pretty_name=options.export.pretty_name,
                    license=options.export.license,
                )
                built = write_dataset_folder(db, Path(work), export, data_format=fmt)
                counts = built.counts()
                result = _upload(api, secret, repo_id, built, options, fmt, step)
    except HubError as exc:
        logger.warning("hub_push_failed", repo_id=repo_id, code=exc.code, status=exc.status)
        _record(
            db,
            PushRecord(
                repo_id=repo_id,
                format=fmt,
                private=options.private,
                success=False,
                filters=filters,
                counts=counts,
                error=_scrub(str(exc), secret),
                endpoint=endpoint,
            ),
        )
        raise
    _record(
        db,
        PushRecord(
            repo_id=result.repo_id,
            format=fmt,
            private=options.private,
            success=True,
            filters=filters,
            counts=result.counts,
            repo_url=result.repo_url,
            commit_id=result.commit_id,
            commit_url=result.commit_url,
            endpoint=endpoint,
        ),
    )
    logger.info("hub_push_done", repo_id=result.repo_id, commit_id=result.commit_id)
    return result


def _upload(
    api: HfApi,
    token: str,
    repo_id: str,
    built: ExportResult,
    options: PushOptions,
    fmt: str,
    step: ProgressCallback,
) -> PushResult:
    step(f"creating or updating {repo_id}")
    repo_url = api.create_repo(
        repo_id, token=token, repo_type="dataset", private=options.private, exist_ok=True
    )
    # create_repo ignores `private` for a repo that already exists: apply it explicitly.
    api.update_repo_settings(repo_id, private=options.private, token=token, repo_type="dataset")
    # Data files of an earlier push that this one does not replace (another format, a split
    # that is now empty) would sit beside the new version: remove them in the same commit.
    existing = api.list_repo_files(repo_id, repo_type="dataset", token=token)
    stale = sorted(f for f in existing if f.startswith("data/") and f not in built.files)
    operations: list[CommitOperationAdd | CommitOperationDelete] = [
        CommitOperationDelete(path_in_repo=name) for name in stale
    ]
    operations += [
        CommitOperationAdd(path_in_repo=name, path_or_fileobj=str(built.path / name))
        for name in built.files
    ]
    split_text = ", ".join(f"{k} {v}" for k, v in built.splits.items())
    step(f"uploading {len(built.files)} files in one commit")
    commit = api.create_commit(
        repo_id,
        operations,
        commit_message=options.commit_message
        or f"Publish {built.total} samples ({split_text}) as {fmt}",
        token=token,
        repo_type="dataset",
    )
    return PushResult(
        repo_id=repo_id,
        repo_url=str(repo_url),
        commit_id=commit.oid,
        commit_url=commit.commit_url,
        private=options.private,
        format=fmt,
        counts=built.counts(),
        files=built.files,
    )
