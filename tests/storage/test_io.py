from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from legal_training.catalog.fields import REQUIRED_FIELDS, SampleFilters
from legal_training.storage import io as sample_io
from legal_training.storage.db import Database
from legal_training.storage.samples import SampleRepository
from tests.conftest import make_sample


def _count(db: Database) -> int:
    with db.read() as session:
        return SampleRepository(session, db.dialect).count()


def _all(db: Database) -> list[dict[str, object]]:
    with db.read() as session:
        chunks = SampleRepository(session, db.dialect).iter_chunks(SampleFilters())
        return [s for chunk in chunks for s in chunk]


def test_original_seven_column_snappy_parquet_imports(database: Database, tmp_path: Path) -> None:
    path = tmp_path / "train.parquet"
    rows = [
        {k: v for k, v in make_sample(i, difficulty="foundational").items() if k in REQUIRED_FIELDS}
        for i in range(25)
    ]
    pl.DataFrame(rows).write_parquet(path, compression="snappy")
    assert pq.ParquetFile(path).metadata.row_group(0).column(0).compression == "SNAPPY"
    outcome = sample_io.import_file(database, path)
    assert outcome.imported == 25
    stored = {s["id"]: s for s in _all(database)}
    assert stored["sample_00003"]["question"] == rows[3]["question"]
    assert stored["sample_00003"]["difficulty"] == "basic"


def test_parquet_export_is_zstd_and_round_trips_every_field(
    database: Database, tmp_path: Path
) -> None:
    original = [
        make_sample(
            i,
            sample_type="educational",
            provider="groq",
            model="llama",
            batch_id="batch_1",
            jurisdiction="uk",
            quality={"score": 91.5, "passed": ["words"], "failed": []},
            created_at="2025-02-03T04:05:06.123456+00:00",
        )
        for i in range(5)
    ]
    sample_io.import_rows(database, enumerate(original, start=1))
    before = _all(database)
    path = tmp_path / "out.parquet"
    assert sample_io.export_to_path(database, path, "parquet") == 5
    assert pq.ParquetFile(path).metadata.row_group(0).column(0).compression == "ZSTD"

    other = Database(f"sqlite:///{tmp_path / 'other.db'}")
    other.migrate()
    sample_io.import_file(other, path)
    after = _all(other)
    for old, new in zip(before, after, strict=True):
        for name in sample_io.EXPORT_FIELDS:
            assert new[name] == old[name], name
    other.dispose()


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_text_exports_round_trip_including_formula_like_cells(
    database: Database, tmp_path: Path, fmt: str
) -> None:
    tricky = make_sample(
        1,
        answer='=HYPERLINK("http://x") and a "quoted", comma\nnew line',
        reasoning="-Step 1: a leading minus",
        case_citation="'=already quoted",
    )
    sample_io.import_rows(database, enumerate([tricky, make_sample(2)], start=1))
    before = _all(database)
    path = tmp_path / f"out.{fmt}"
    sample_io.export_to_path(database, path, fmt)  # type: ignore[arg-type]
    if fmt == "csv":
        assert "\n'=HYPERLINK" not in path.read_text() and "'=HYPERLINK" in path.read_text()
    other = Database(f"sqlite:///{tmp_path / 'other.db'}")
    other.migrate()
    sample_io.import_file(other, path)
    after = _all(other)
    for old, new in zip(before, after, strict=True):
        for name in sample_io.EXPORT_FIELDS:
            assert new[name] == old[name], name
    other.dispose()


def test_import_reports_every_bad_line_and_saves_nothing(database: Database) -> None:
    sample_io.import_rows(database, enumerate([make_sample(100)], start=1))
    lines = [
        json.dumps(make_sample(1)),
        "{not json",
        json.dumps({k: v for k, v in make_sample(3).items() if k != "answer"}),
        "",
        json.dumps(make_sample(1)),
        json.dumps(make_sample(100)),
        json.dumps(make_sample(7, difficulty="legendary")),
    ]
    with pytest.raises(sample_io.ImportFailedError) as excinfo:
        sample_io.import_rows(database, sample_io.iter_jsonl(lines))
    problems = {p.line: p.message for p in excinfo.value.outcome.problems}
    assert set(problems) == {2, 3, 5, 6, 7}
    assert "invalid JSON" in problems[2]
    assert "answer: missing" in problems[3]
    assert "repeats the id on line 1" in problems[5]
    assert "already exists" in problems[6]
    assert "difficulty" in problems[7]
    assert _count(database) == 1


def test_failure_in_a_late_chunk_rolls_back_earlier_chunks(database: Database) -> None:
    rows = [make_sample(i) for i in range(30)] + [{"id": "broken"}]
    with pytest.raises(sample_io.ImportFailedError):
        sample_io.import_rows(database, enumerate(rows, start=1), chunk_rows=7)
    assert _count(database) == 0


def test_unknown_columns_are_kept_not_dropped(database: Database) -> None:
    sample_io.import_rows(database, enumerate([make_sample(1, source_book="Chitty")], start=1))
    (stored,) = _all(database)
    assert stored["source_book"] == "Chitty"


def test_unsupported_suffix_is_refused() -> None:
    with pytest.raises(sample_io.UnsupportedFormatError):
        sample_io.detect_format("dataset.xlsx")


def test_chunks_derived_in_worker_processes_match_one_by_one_adds(database: Database) -> None:
    from sqlalchemy import select

    from legal_training.storage.models import SampleBandRow, SampleRow
    from legal_training.storage.near_duplicates import keys_for
    from legal_training.storage.records import derived_columns, prepare_new_sample

    rows = [make_sample(i) for i in range(20)]
    outcome = sample_io.import_rows(database, enumerate(rows, start=1), chunk_rows=6, workers=2)
    assert outcome.imported == 20
    with database.read() as session:
        stored = {r.id: r for r in session.scalars(select(SampleRow))}
        band_rows = session.execute(
            select(SampleRow.id, SampleBandRow.band_key).join(
                SampleBandRow, SampleBandRow.sample_seq == SampleRow.seq
            )
        ).all()
    keys: dict[str, set[int]] = {}
    for sample_id, key in band_rows:
        keys.setdefault(sample_id, set()).add(key)
    for row in rows:
        expected = derived_columns(prepare_new_sample(row, derive=False))
        assert {k: getattr(stored[row["id"]], k) for k in expected} == expected
        assert keys[row["id"]] == set(keys_for(row["question"], row["answer"]))


def test_one_worker_derives_in_process_with_the_same_result(database: Database) -> None:
    rows = [make_sample(i) for i in range(9)]
    outcome = sample_io.import_rows(database, enumerate(rows, start=1), chunk_rows=4, workers=1)
    assert outcome.imported == 9
    assert sorted(str(s["id"]) for s in _all(database)) == sorted(str(r["id"]) for r in rows)
