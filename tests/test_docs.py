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


def test_the_readme_layout_names_every_package() -> None:
    layout = README[README.index("## Layout") :]
    package = Path(__file__).parent.parent / "src" / "legal_training"
    packages = sorted(p.name for p in package.iterdir() if (p / "__init__.py").exists())
    missing = [name for name in packages if f"  {name}/" not in layout]
    assert not missing, f"README layout lacks {missing}"
    entries = [line for line in layout.splitlines() if line.startswith("  ") and line[2] != " "]
    listed = {line.split("/")[0].strip() for line in entries}
    stale = [name for name in listed if name.isidentifier() and not (package / name).exists()]
    assert not stale, f"README layout names packages that do not exist: {stale}"
