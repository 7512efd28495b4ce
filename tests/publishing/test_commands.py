"""``legal-training publish`` and the ``hf`` export helper, run through Typer's test runner."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from rich.console import Console
from typer.testing import CliRunner

from legal_training.cli import app as cli_app
from legal_training.cli.data import run_export
from legal_training.publishing.export import ExportOptions
from legal_training.settings import Settings, get_settings
from legal_training.storage.db import Database
from tests.publishing.fake_hub import USER, VALID_TOKEN, FakeHubState
from tests.publishing.helpers import diverse_sample, insert


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """Environment-configured settings (as the real CLI sees them) and a populated database."""
    monkeypatch.setenv("LEGAL_TRAINING_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    settings = Settings()
    settings.data_dir.mkdir(parents=True)
    db = Database(settings.resolved_database_url)
    db.migrate()
    insert(db, [diverse_sample(i) for i in range(12)])
    yield db
    db.dispose()
    get_settings.cache_clear()


def _app() -> typer.Typer:
    return cli_app


def test_publish_command_pushes_with_the_token_from_the_named_variable(
    cli_env: Database, fake_hub: FakeHubState, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_ENDPOINT", fake_hub.base_url)
    monkeypatch.setenv("MY_HF_TOKEN", VALID_TOKEN)
    get_settings.cache_clear()
    result = CliRunner().invoke(
        _app(),
        ["publish", "cli-data", "--private", "--token-env", "MY_HF_TOKEN", "--difficulty", "basic"],
    )
    assert result.exit_code == 0, result.output
    repo = fake_hub.repo(f"{USER}/cli-data")
    assert repo.private is True
    assert "README.md" in repo.files
    assert VALID_TOKEN not in result.output


def test_publish_command_fails_cleanly_on_a_bad_token(
    cli_env: Database, fake_hub: FakeHubState, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_ENDPOINT", fake_hub.base_url)
    monkeypatch.setenv("HF_TOKEN", "hf_not-a-valid-token-000")
    get_settings.cache_clear()
    result = CliRunner().invoke(_app(), ["publish", "cli-data"])
    assert result.exit_code == 1
    assert "rejected the token" in result.output
    assert "hf_not-a-valid-token-000" not in result.output


def test_publish_command_rejects_an_unknown_format(cli_env: Database) -> None:
    result = CliRunner().invoke(_app(), ["publish", "cli-data", "--format", "xlsx"])
    assert result.exit_code == 2
    assert "valid values" in result.output


def test_run_export_writes_an_hf_folder(cli_env: Database, tmp_path: Path) -> None:
    console = Console(file=None, record=True, width=120)
    result = run_export(cli_env, tmp_path / "hf", "hf", ExportOptions(), console=console)
    assert result.total == 12
    assert (tmp_path / "hf" / "README.md").is_file()
    assert "Exported 12 samples" in console.export_text()
