"""``check`` on a file or stdin, and ``verify`` recording results on stored samples."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from legal_training.cli import app
from legal_training.settings import get_settings
from legal_training.storage.db import Database
from legal_training.storage.samples import SampleRepository
from tests.conftest import make_sample

runner = CliRunner()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "data"
    monkeypatch.setenv("LEGAL_TRAINING_DATA_DIR", str(folder))
    get_settings.cache_clear()
    yield folder
    get_settings.cache_clear()


def test_check_text_from_stdin_reports_each_authority() -> None:
    text = "Donoghue v Stevenson [1932] AC 562; Smith v Jones [1990] 2 AC 605."
    result = runner.invoke(app, ["check", "-", "--json"], input=text)
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert [a["status"] for a in report["authorities"]] == ["verified", "mismatch"]
    assert report["reasons"][0].startswith("mismatch: [1990] 2 AC 605 is Caparo")


def test_check_jsonl_verifies_each_record(tmp_path: Path) -> None:
    source = tmp_path / "samples.jsonl"
    records = [
        make_sample(1),
        make_sample(2, answer="As held in Imaginary Ltd v Nobody [2016] EWCA Civ 1234.",
                    case_citation="Imaginary Ltd v Nobody [2016] EWCA Civ 1234"),
    ]  # fmt: skip
    source.write_text("\n".join(json.dumps(r) for r in records) + "\n", "utf-8")
    failing = runner.invoke(app, ["check", str(source), "--json"])
    assert failing.exit_code == 1
    reports = [json.loads(line) for line in failing.stdout.splitlines()]
    assert [(r["id"], r["passed"]) for r in reports] == [
        ("sample_00001", True),
        ("sample_00002", False),
    ]
    lenient = runner.invoke(app, ["check", str(source), "--citation-policy", "plausible"])
    assert lenient.exit_code == 0, lenient.output


def test_check_refuses_an_unknown_policy_and_a_missing_file(tmp_path: Path) -> None:
    assert (
        runner.invoke(app, ["check", "-", "--citation-policy", "loose"], input="x").exit_code == 2
    )
    assert runner.invoke(app, ["check", str(tmp_path / "nope.txt")]).exit_code == 2


def test_verify_records_the_result_on_each_sample(data_dir: Path) -> None:
    samples = [
        make_sample(1, batch_id="b1"),
        make_sample(2, batch_id="b1", answer="See Smith v Jones [1893] 1 QB 256.",
                    case_citation="Smith v Jones [1893] 1 QB 256"),
        make_sample(3, batch_id="b2"),
    ]  # fmt: skip
    source = data_dir.parent / "in.jsonl"
    source.write_text("\n".join(json.dumps(s) for s in samples) + "\n", "utf-8")
    assert runner.invoke(app, ["import", str(source)]).exit_code == 0

    result = runner.invoke(app, ["verify", "--batch-id", "b1", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["samples"] == 2 and summary["passed"] == 1 and summary["failed"] == 1
    assert summary["authorities"]["mismatch"] == 1

    db = Database(get_settings().resolved_database_url)
    try:
        with db.read() as session:
            repo = SampleRepository(session, db.dialect)
            good, bad, other = (repo.get(f"sample_0000{i}") for i in (1, 2, 3))
    finally:
        db.dispose()
    assert good["quality"]["verification"]["passed"] is True
    assert good["quality"]["checks"]["citation_verification"]["verified"] == 1
    assert bad["quality"]["verification"]["passed"] is False
    assert bad["quality"]["failed"][0]["check"] == "citation_verification"
    assert other["quality"] is None or "verification" not in other["quality"]

    everything = runner.invoke(app, ["verify", "--all", "--json"])
    assert json.loads(everything.stdout)["samples"] == 3


def test_verify_needs_a_scope(data_dir: Path) -> None:
    assert runner.invoke(app, ["verify"]).exit_code == 2
    assert runner.invoke(app, ["verify", "--all", "--batch-id", "b1"]).exit_code == 2
