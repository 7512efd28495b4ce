"""The CLI as a user runs it: import, export, stats and generate-one on a fresh data folder."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from legal_training.catalog.fields import REQUIRED_FIELDS
from legal_training.cli import app
from legal_training.settings import get_settings
from tests.conftest import make_sample

runner = CliRunner()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "data"
    monkeypatch.setenv("LEGAL_TRAINING_DATA_DIR", str(folder))
    get_settings.cache_clear()
    yield folder
    get_settings.cache_clear()


def test_import_original_parquet_then_export_zstd(data_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "train.parquet"
    rows = [{k: v for k, v in make_sample(i).items() if k in REQUIRED_FIELDS} for i in range(12)]
    pl.DataFrame(rows).write_parquet(source, compression="snappy")

    imported = runner.invoke(app, ["import", str(source)])
    assert imported.exit_code == 0, imported.output
    assert "Imported 12 samples" in imported.output

    again = runner.invoke(app, ["import", str(source)])
    assert again.exit_code == 1 and "already exists" in again.output

    output = tmp_path / "out.parquet"
    exported = runner.invoke(app, ["export", "--format", "parquet", "--output", str(output)])
    assert exported.exit_code == 0, exported.output
    parquet = pq.ParquetFile(output)
    assert parquet.metadata.num_rows == 12
    assert parquet.metadata.row_group(0).column(0).compression == "ZSTD"

    stats = runner.invoke(app, ["stats", "--json"])
    assert stats.exit_code == 0
    assert json.loads(stats.stdout)["stats"]["total"] == 12


def test_bad_import_reports_lines_and_exits_nonzero(data_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "bad.jsonl"
    source.write_text(json.dumps(make_sample(1)) + "\n{oops\n", encoding="utf-8")
    result = runner.invoke(app, ["import", str(source)])
    assert result.exit_code == 1
    assert "line 2" in result.output
    unknown = runner.invoke(app, ["import", str(source), "--format", "xlsx"])
    assert unknown.exit_code == 2


def test_export_rejects_an_unknown_format(data_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "--format", "xlsx", "--output", str(tmp_path / "x")])
    assert result.exit_code == 2 and "xlsx" in result.output


def test_generate_one_through_the_embedded_simulator(data_dir: Path) -> None:
    result = runner.invoke(
        app, ["generate-one", "--topic", "Tort Law - Nuisance", "--difficulty", "basic", "--json"]
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["success"] and body["provider"] == "simulator"
    assert body["quality"]["accepted"]
    bad = runner.invoke(app, ["generate-one", "--difficulty", "legendary"])
    assert bad.exit_code == 2 and "valid values" in bad.output


def test_export_says_how_many_simulator_samples_it_left_out(data_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "mixed.jsonl"
    rows = [{**make_sample(i), "provider": "simulator" if i < 3 else "groq"} for i in range(5)]
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert runner.invoke(app, ["import", str(source)]).exit_code == 0

    output = tmp_path / "out.jsonl"
    plain = runner.invoke(app, ["export", "--format", "jsonl", "--output", str(output)])
    assert plain.exit_code == 0, plain.output
    assert len(output.read_text().splitlines()) == 2
    assert "3 sample(s) made by the built-in simulator were left out" in plain.output
    assert "--include-simulator" in plain.output

    every = tmp_path / "all.jsonl"
    included = runner.invoke(
        app, ["export", "--format", "jsonl", "--output", str(every), "--include-simulator"]
    )
    assert included.exit_code == 0 and len(every.read_text().splitlines()) == 5
    assert "left out" not in included.output


def test_export_filters_come_from_the_one_definition(data_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "areas.jsonl"
    rows = [
        {**make_sample(i), "practice_area": "Tort Law" if i % 2 else "Contract Law"}
        for i in range(6)
    ]
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert runner.invoke(app, ["import", str(source)]).exit_code == 0
    output = tmp_path / "torts.jsonl"
    result = runner.invoke(
        app,
        ["export", "--format", "jsonl", "--output", str(output), "--practice-area", "Tort Law"],
    )
    assert result.exit_code == 0, result.output
    assert len(output.read_text().splitlines()) == 3
    bad = runner.invoke(
        app, ["export", "--format", "jsonl", "--output", str(output), "--difficulty", "nope"]
    )
    assert bad.exit_code == 2 and "difficulty" in bad.output


def test_commands_are_quiet_unless_verbose(data_dir: Path) -> None:
    quiet = runner.invoke(app, ["generate-one", "--topic", "Contract Law - Formation of Contracts"])
    assert "level='info'" not in quiet.output and "level=info" not in quiet.output
    verbose = runner.invoke(
        app, ["--verbose", "generate-one", "--topic", "Contract Law - Formation of Contracts"]
    )
    assert "level='info'" in verbose.output or "level=info" in verbose.output, verbose.output


def test_judge_scores_stored_samples_through_the_embedded_simulator(
    data_dir: Path, tmp_path: Path
) -> None:
    source = tmp_path / "plain.jsonl"
    source.write_text("".join(json.dumps(make_sample(i)) + "\n" for i in range(3)), "utf-8")
    assert runner.invoke(app, ["import", str(source)]).exit_code == 0
    assert runner.invoke(app, ["judge"]).exit_code == 2
    result = runner.invoke(app, ["judge", "--all", "--provider", "simulator", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["considered"] == 3 and summary["judged"] == 3 and summary["tokens"] > 0
    again = runner.invoke(app, ["judge", "--all", "--provider", "simulator", "--json"])
    assert json.loads(again.stdout)["judged"] == 0  # already scored: nothing to do
