"""Exports: round trips for every format, the ``hf`` folder in ``datasets``, card, atomicity."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import yaml

from legal_training.catalog.fields import SampleFilters
from legal_training.publishing import export as export_module
from legal_training.publishing.export import (
    EmptySelectionError,
    ExportOptions,
    FieldSelectionError,
    export_dataset,
)
from legal_training.publishing.splits import SplitConfig
from legal_training.storage import io as sample_io
from legal_training.storage.db import Database
from legal_training.storage.io import EXPORT_FIELDS, UnsupportedFormatError
from tests.publishing.helpers import diverse_sample, insert, snapshot

QUALITY_PASS = {"score": 100.0, "accepted": True, "mode": "strict", "passed": ["answer_words"],
                "failed": [], "checks": {"answer_words": {"passed": True, "words": 320}},
                "flags": []}  # fmt: skip
QUALITY_FLAGGED = {"score": 88.0, "accepted": True, "mode": "lenient", "passed": [],
                   "failed": [{"check": "answer_words", "reason": "too short"}],
                   "checks": {"answer_words": {"passed": False, "words": 120}},
                   "flags": ["answer_words"]}  # fmt: skip


def _dataset(db: Database) -> list[dict[str, Any]]:
    samples = [diverse_sample(i) for i in range(30)]
    samples[0]["question"] = (
        '=HYPERLINK("http://evil") is this a formula? ' + samples[0]["question"]
    )
    samples[1]["answer"] = (
        '+44 line one\nline two, with "quotes" and ünïcödé — ' + samples[1]["answer"]
    )
    samples[2]["reasoning"] = "-Step 1: dash first. Step 2: then more."
    samples[3]["quality"] = QUALITY_PASS
    samples[4]["quality"] = QUALITY_FLAGGED
    samples[5]["sample_type"] = "case_analysis"
    samples[6]["jurisdiction"] = "us"
    samples[6]["topic"] = "Constitutional Law - Free Speech"
    samples += [diverse_sample(100 + i, provider="simulator", model="sim-1") for i in range(5)]
    insert(db, samples)
    return samples


def _comparable(rows: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {i: {f: r.get(f) for f in EXPORT_FIELDS} for i, r in rows.items()}


def _fresh_db(tmp_path: Path, name: str) -> Database:
    db = Database(f"sqlite:///{tmp_path / name}")
    db.migrate()
    return db


@pytest.mark.parametrize("fmt", ["parquet", "jsonl", "csv"])
def test_file_formats_round_trip(db: Database, tmp_path: Path, fmt: str) -> None:
    _dataset(db)
    before = snapshot(db)
    output = tmp_path / "out" / f"dataset.{fmt}"
    result = export_dataset(db, output, fmt)
    assert result.total == 30  # the 5 simulator samples are left out
    target = _fresh_db(tmp_path, f"target-{fmt}.db")
    outcome = sample_io.import_file(target, output)
    assert outcome.imported == 30
    expected = {i: r for i, r in before.items() if r["provider"] != "simulator"}
    assert _comparable(snapshot(target)) == _comparable(expected)
    assert snapshot(db) == before  # exporting never writes to the samples


def test_hf_folder_round_trips_through_its_split_files(db: Database, tmp_path: Path) -> None:
    _dataset(db)
    before = snapshot(db)
    output = tmp_path / "hf-out"
    result = export_dataset(db, output, "hf")
    assert result.total == 30
    assert sum(result.splits.values()) == 30
    target = _fresh_db(tmp_path, "target-hf.db")
    for name in result.files[1:]:
        sample_io.import_file(target, output / name)
    expected = {i: r for i, r in before.items() if r["provider"] != "simulator"}
    assert _comparable(snapshot(target)) == _comparable(expected)


def test_hf_folder_loads_with_datasets_offline_and_matches_its_card(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    _dataset(db)
    output = tmp_path / "hf-out"
    result = export_dataset(db, output, "hf", ExportOptions(split=SplitConfig(seed=9)))

    datasets = pytest.importorskip("datasets")
    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", True, raising=False)
    monkeypatch.setattr(datasets.config, "HF_DATASETS_OFFLINE", True, raising=False)
    datasets.disable_progress_bars()
    loaded = datasets.load_dataset(str(output), cache_dir=str(tmp_path / "ds-cache"))

    readme = (output / "README.md").read_text("utf-8")
    _, front, body = readme.split("---", 2)
    meta = yaml.safe_load(front)
    declared = {s["name"]: s["num_examples"] for s in meta["dataset_info"]["splits"]}
    assert declared == result.splits
    assert {name: len(ds) for name, ds in loaded.items()} == declared
    assert set(declared) == {"train", "validation", "test"}
    features = [(f["name"], f["dtype"]) for f in meta["dataset_info"]["features"]]
    assert [name for name, _ in features] == list(EXPORT_FIELDS)
    train = loaded["train"]
    assert {name: str(train.features[name].dtype) for name, _ in features} == dict(features)
    files = meta["configs"][0]["data_files"]
    assert {f["split"] for f in files} == set(declared)
    assert all((output / f["path"]).is_file() for f in files)
    assert meta["license"] and meta["language"] == ["en"]
    assert meta["size_categories"] == ["n<1K"]
    assert "question-answering" in meta["task_categories"]
    assert "Not legal advice" in body
    loaded_ids = {row["id"] for ds in loaded.values() for row in ds}
    assert len(loaded_ids) == 30 and not any(i.startswith("sample_001") for i in loaded_ids)


def test_card_sections_are_computed_from_the_data(db: Database, tmp_path: Path) -> None:
    _dataset(db)
    output = tmp_path / "hf-out"
    export_dataset(db, output, "hf", ExportOptions(filters=SampleFilters(min_quality=0)))
    # min_quality keeps only samples with a score: the two with quality reports.
    readme = (output / "README.md").read_text("utf-8")
    assert "| Contract Law | 1 | 50.0 |" in readme
    assert "| Tort Law | 1 | 50.0 |" in readme
    assert "Pass rate (reports with no failed check): 50.0%" in readme
    assert "| answer_words | 2 | 1 | 50.0% |" in readme
    assert "mean 94.0, min 88.0, max 100.0 over 2 samples" in readme
    assert "| groq | llama-3.3-70b-versatile | 2 |" in readme
    assert "min_quality = `0`" in readme


def test_card_counts_jurisdictions_providers_and_difficulties(db: Database, tmp_path: Path) -> None:
    _dataset(db)
    output = tmp_path / "hf-out"
    export_dataset(db, output, "hf", ExportOptions(include_simulator=True))
    readme = (output / "README.md").read_text("utf-8")
    assert "| us | 1 | 2.9 |" in readme
    assert "| uk | 34 | 97.1 |" in readme
    assert "| simulator | 5 | 14.3 |" in readme
    assert "| simulator | sim-1 | 5 |" in readme
    assert "were included on request" in readme
    assert "| basic |" in readme and "| advanced |" in readme


def test_simulator_samples_are_left_out_unless_asked_for(db: Database, tmp_path: Path) -> None:
    _dataset(db)
    default = export_dataset(db, tmp_path / "a.jsonl", "jsonl")
    included = export_dataset(
        db, tmp_path / "b.jsonl", "jsonl", ExportOptions(include_simulator=True)
    )
    explicit = export_dataset(
        db,
        tmp_path / "c.jsonl",
        "jsonl",
        ExportOptions(filters=SampleFilters(provider="simulator")),
    )
    assert (default.total, included.total, explicit.total) == (30, 35, 5)
    lines = (tmp_path / "a.jsonl").read_text("utf-8").splitlines()
    assert all(json.loads(line)["provider"] != "simulator" for line in lines)


def test_field_selection_and_filters(db: Database, tmp_path: Path) -> None:
    _dataset(db)
    options = ExportOptions(
        fields=("id", "question", "difficulty"), filters=SampleFilters(difficulty="basic")
    )
    export_dataset(db, tmp_path / "sel.parquet", "parquet", options)
    table = pq.read_table(tmp_path / "sel.parquet")
    assert table.column_names == ["id", "question", "difficulty"]
    assert set(table.column("difficulty").to_pylist()) == {"basic"}
    result = export_dataset(db, tmp_path / "sel-hf", "hf", options)
    train = pq.read_table(tmp_path / "sel-hf" / result.files[1])
    assert train.column_names == ["id", "question", "difficulty"]
    with pytest.raises(FieldSelectionError, match="valid values"):
        export_dataset(db, tmp_path / "bad.parquet", "parquet", ExportOptions(fields=("secret",)))


def test_unknown_format_lists_valid_values(db: Database, tmp_path: Path) -> None:
    with pytest.raises(UnsupportedFormatError, match="parquet, jsonl, csv, hf"):
        export_dataset(db, tmp_path / "out" / "x.xlsx", "xlsx")
    assert not (tmp_path / "out").exists()


def test_json_is_an_alias_of_jsonl(db: Database, tmp_path: Path) -> None:
    _dataset(db)
    result = export_dataset(db, tmp_path / "x.jsonl", "json")
    assert result.format == "jsonl"
    first = (tmp_path / "x.jsonl").read_text("utf-8").splitlines()[0]
    assert json.loads(first)["id"].startswith("sample_")


def test_hf_export_of_nothing_is_an_error_and_leaves_nothing(db: Database, tmp_path: Path) -> None:
    with pytest.raises(EmptySelectionError):
        export_dataset(db, tmp_path / "out" / "empty", "hf")
    assert list((tmp_path / "out").iterdir()) == []


def test_existing_folder_is_kept_unless_overwrite(db: Database, tmp_path: Path) -> None:
    _dataset(db)
    output = tmp_path / "hf-out"
    output.mkdir()
    (output / "keep.txt").write_text("mine")
    with pytest.raises(FileExistsError):
        export_dataset(db, output, "hf")
    assert (output / "keep.txt").read_text() == "mine"
    export_dataset(db, output, "hf", overwrite=True)
    assert not (output / "keep.txt").exists()
    assert (output / "README.md").is_file()
    assert [p.name for p in tmp_path.iterdir() if "hf-out" in p.name] == ["hf-out"]


def test_a_failure_while_writing_leaves_no_partial_folder(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _dataset(db)

    def broken(*_: Any, **__: Any) -> str:
        raise RuntimeError("card failed")

    monkeypatch.setattr(export_module, "render_card", broken)
    with pytest.raises(RuntimeError, match="card failed"):
        export_dataset(db, tmp_path / "out" / "hf-out", "hf")
    assert list((tmp_path / "out").iterdir()) == []
