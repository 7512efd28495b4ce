"""`legal-training providers`."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from legal_training.cli import app as cli_app
from legal_training.cli import providers as commands
from legal_training.settings import Settings


def test_providers_command_lists_providers_and_never_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    key = "test-fake-key-cli-5150"
    settings = Settings(groq_api_key=key, cerebras_api_key=None, ollama_api_key=None)
    monkeypatch.setattr(commands, "get_settings", lambda: settings)
    result = CliRunner().invoke(cli_app, ["providers"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "groq" in result.output and "cerebras" in result.output
    assert "GROQ_API_KEY" in result.output
    assert "llama-3.3-70b-versatile" in result.output
    assert key not in result.output
