"""Keeps the README honest: every setting and every CLI command is documented."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices

from legal_training.cli import app
from legal_training.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")


def test_every_setting_is_in_the_readme() -> None:
    missing = []
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        env_names = [
            choice
            for choice in (alias.choices if isinstance(alias, AliasChoices) else [])
            if isinstance(choice, str) and choice.isupper()
        ]
        if not any(f"`{env}`" in README for env in env_names):
            missing.append(name)
    assert missing == []


def test_every_command_is_in_the_readme() -> None:
    names = [c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands]
    missing = [n for n in names if f"legal-training {n}" not in README]
    assert missing == []
