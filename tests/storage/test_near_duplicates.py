from __future__ import annotations

from legal_training.storage import io as sample_io
from legal_training.storage.db import Database
from legal_training.storage.near_duplicates import NearDuplicateIndex
from legal_training.storage.samples import SampleRepository
from legal_training.text import question_hash
from tests.conftest import make_sample

_ANSWER = (
    "ISSUE: whether the respondent owed the claimant a duty of care when advising on the "
    "valuation of the warehouse in Leeds. RULE: following Caparo Industries plc v Dickman "
    "[1990] 2 AC 605 a duty arises where harm is foreseeable, the parties are proximate and it "
    "is fair, just and reasonable to impose one. APPLICATION: the surveyor knew the report "
    "would be relied on by the lender and by this purchaser. CONCLUSION: a duty was owed."
)


def _store(db: Database, *samples: dict[str, object]) -> None:
    sample_io.import_rows(db, enumerate(samples, start=1))


def test_near_duplicate_found_after_small_edits(database: Database) -> None:
    _store(database, make_sample(1, answer=_ANSWER), make_sample(2))
    edited = _ANSWER.replace("Leeds", "Bradford").replace("this purchaser", "the purchaser")
    with database.read() as session:
        matches = NearDuplicateIndex(session).find(
            "Question 1: when is a contract formed under English law?", edited
        )
    assert [m.sample_id for m in matches] == ["sample_00001"]
    assert matches[0].similarity > 0.9


def test_different_text_is_not_a_near_duplicate(database: Database) -> None:
    _store(database, make_sample(1, answer=_ANSWER))
    with database.read() as session:
        matches = NearDuplicateIndex(session).find(
            "Can a landlord forfeit a lease for non-payment of service charges?",
            "Forfeiture requires a proviso for re-entry and, for residential leases, the "
            "service charge must be agreed or determined first under the Housing Act 1996.",
        )
    assert matches == []


def test_threshold_is_configurable(database: Database) -> None:
    _store(database, make_sample(1, answer=_ANSWER))
    half = _ANSWER[: len(_ANSWER) // 2] + " A different ending about remedies and damages."
    question = "Question 1: when is a contract formed under English law?"
    with database.read() as session:
        index = NearDuplicateIndex(session)
        strict = index.find(question, half, threshold=0.95)
        loose = index.find(question, half, threshold=0.5)
    assert strict == [] and [m.sample_id for m in loose] == ["sample_00001"]


def test_index_follows_edits_and_deletes(database: Database) -> None:
    with database.write() as session:
        SampleRepository(session, database.dialect).add(make_sample(1, answer=_ANSWER))
    question = "Question 1: when is a contract formed under English law?"
    with database.write() as session:
        SampleRepository(session, database.dialect).update(
            "sample_00001", {"answer": "Completely rewritten text about trusts and equity."}
        )
    with database.read() as session:
        assert NearDuplicateIndex(session).find(question, _ANSWER) == []
    with database.write() as session:
        SampleRepository(session, database.dialect).delete("sample_00001")
    with database.read() as session:
        assert NearDuplicateIndex(session).find(question, "trusts and equity") == []


def test_exact_duplicate_lookup_by_normalised_question(database: Database) -> None:
    _store(database, make_sample(1, question="What is an Easement?"))
    with database.read() as session:
        repo = SampleRepository(session, database.dialect)
        assert repo.find_by_question_hash(question_hash("what is an easement")) == ["sample_00001"]
