from __future__ import annotations

import contextlib
import random
from datetime import UTC

import pytest

from legal_training.catalog.fields import SampleFilters
from legal_training.storage.db import Database
from legal_training.storage.records import SampleValidationError
from legal_training.storage.samples import (
    DuplicateSampleError,
    InvalidCursorError,
    PageCursor,
    SampleNotFoundError,
    SampleRepository,
)
from legal_training.storage.search import SearchQueryError
from legal_training.storage.tokens import count_tokens
from tests.conftest import make_sample


def _add(db: Database, *samples: dict[str, object]) -> None:
    with db.write() as session:
        repo = SampleRepository(session, db.dialect)
        for sample in samples:
            repo.add(dict(sample))


def test_add_then_get_round_trips_fields_and_derives_columns(database: Database) -> None:
    sample = make_sample(1, sample_type="case_analysis", provider="groq", model="m1")
    _add(database, sample)
    with database.read() as session:
        stored = SampleRepository(session, database.dialect).get("sample_00001")
    for key in ("question", "answer", "topic", "difficulty", "case_citation", "reasoning"):
        assert stored[key] == sample[key]
    assert stored["practice_area"] == "Contract Law"
    assert stored["jurisdiction"] == "uk"
    assert stored["question_tokens"] == count_tokens(str(sample["question"]))
    assert stored["total_tokens"] == sum(
        stored[k]
        for k in (
            "question_tokens",
            "answer_tokens",
            "reasoning_tokens",
            "citation_tokens",
            "topic_tokens",
        )
    )
    assert stored["created_at"].endswith("+00:00")


def test_duplicate_id_is_rejected_and_original_kept(database: Database) -> None:
    _add(database, make_sample(1))
    with pytest.raises(DuplicateSampleError):
        _add(database, make_sample(1, question="A different question entirely?"))
    with database.read() as session:
        repo = SampleRepository(session, database.dialect)
        assert repo.count() == 1
        assert repo.get("sample_00001")["question"].startswith("Question 1")


def test_invalid_sample_lists_every_problem(database: Database) -> None:
    bad = make_sample(1, difficulty="impossible", question="", answer=3)
    del bad["reasoning"]
    with pytest.raises(SampleValidationError) as excinfo:
        _add(database, bad)
    text = " ".join(excinfo.value.problems)
    for fragment in ("difficulty", "question", "answer", "reasoning"):
        assert fragment in text


def test_partial_update_changes_only_given_fields(database: Database) -> None:
    _add(database, make_sample(1))
    with database.read() as session:
        before = SampleRepository(session, database.dialect).get("sample_00001")
    with database.write() as session:
        SampleRepository(session, database.dialect).update(
            "sample_00001", {"answer": "A much longer replacement answer about offers."}
        )
    with database.read() as session:
        after = SampleRepository(session, database.dialect).get("sample_00001")
    assert after["answer"] == "A much longer replacement answer about offers."
    assert after["question"] == before["question"]
    assert after["created_at"] == before["created_at"]
    assert after["updated_at"] > before["updated_at"]
    assert after["answer_tokens"] == count_tokens(after["answer"])


def test_update_to_existing_id_conflicts(database: Database) -> None:
    _add(database, make_sample(1), make_sample(2))
    with pytest.raises(DuplicateSampleError), database.write() as session:
        SampleRepository(session, database.dialect).update("sample_00001", {"id": "sample_00002"})


def test_delete_and_missing(database: Database) -> None:
    _add(database, make_sample(1))
    with database.write() as session:
        SampleRepository(session, database.dialect).delete("sample_00001")
    with pytest.raises(SampleNotFoundError), database.write() as session:
        SampleRepository(session, database.dialect).delete("sample_00001")


def test_page_is_newest_first_with_filtered_total(database: Database) -> None:
    samples = [
        make_sample(i, difficulty="basic" if i % 2 else "expert", created_at=f"2025-01-{i + 1:02d}")
        for i in range(6)
    ]
    _add(database, *samples)
    with database.read() as session:
        repo = SampleRepository(session, database.dialect)
        page, total = repo.page(SampleFilters(difficulty="basic"), limit=2, offset=0)
        rest, _ = repo.page(SampleFilters(difficulty="basic"), limit=2, offset=2)
    assert total == 3
    assert [s["id"] for s in page] == ["sample_00005", "sample_00003"]
    assert [s["id"] for s in rest] == ["sample_00001"]


def test_keyset_pages_walk_every_row_once_in_offset_order_including_ties(
    database: Database,
) -> None:
    # Three samples share one timestamp, so the cursor must break ties by seq.
    stamps = ["2025-01-01", "2025-01-02", "2025-01-02", "2025-01-02", "2025-01-03", "2025-01-04"]
    samples = [
        make_sample(i, difficulty="basic" if i != 4 else "expert", created_at=stamp)
        for i, stamp in enumerate(stamps)
    ]
    _add(database, *samples)
    filters = SampleFilters(difficulty="basic")
    with database.read() as session:
        repo = SampleRepository(session, database.dialect)
        by_offset, _ = repo.page(filters, limit=100)
        walked: list[str] = []
        cursor: PageCursor | None = None
        for _ in range(10):
            page, total, cursor = repo.page_with_cursor(filters, limit=2, after=cursor)
            walked += [s["id"] for s in page]
            if cursor is None:
                break
            cursor = PageCursor.decode(cursor.encode())  # as a client would pass it back
    assert total == 5
    assert walked == [s["id"] for s in by_offset]
    assert len(set(walked)) == 5 and "sample_00004" not in walked


@pytest.mark.parametrize("text", ["", "12", "a.b", "1.-2", "1.2.3", "9" * 41, "1e5.3"])
def test_a_cursor_that_was_not_handed_out_is_rejected(text: str) -> None:
    with pytest.raises(InvalidCursorError):
        PageCursor.decode(text)


def test_search_matches_words_in_the_requested_field(database: Database) -> None:
    _add(
        database,
        make_sample(1, question="Is an easement created by prescription?"),
        make_sample(2, answer="The easement was granted expressly by deed."),
        make_sample(3, question="What about misrepresentation remedies?"),
    )
    with database.read() as session:
        repo = SampleRepository(session, database.dialect)
        everywhere = {s["id"] for s in repo.search("easement")}
        in_question = {s["id"] for s in repo.search("easement", field="question")}
        both_words = {s["id"] for s in repo.search("easement deed")}
    assert everywhere == {"sample_00001", "sample_00002"}
    assert in_question == {"sample_00001"}
    assert both_words == {"sample_00002"}


@pytest.mark.parametrize(
    "query",
    [
        "'; DROP TABLE samples; --",
        ".*(a+)+$",
        'contract" OR "x',
        "NEAR(contract offer)",
        "question:contract",
        "contract*",
        "% _ \\",
    ],
)
def test_search_treats_metacharacters_as_text(database: Database, query: str) -> None:
    _add(database, make_sample(1))
    with database.read() as session:
        repo = SampleRepository(session, database.dialect)
        with contextlib.suppress(SearchQueryError):  # a query without words may be refused
            repo.search(query)
        assert repo.count() == 1


def test_search_without_words_is_refused(database: Database) -> None:
    with database.read() as session, pytest.raises(SearchQueryError):
        SampleRepository(session, database.dialect).search('"(*)"')


def test_random_returns_distinct_matching_samples(database: Database) -> None:
    _add(database, *[make_sample(i, difficulty="basic" if i < 5 else "expert") for i in range(20)])
    with database.read() as session:
        repo = SampleRepository(session, database.dialect)
        picked = repo.random(4, SampleFilters(difficulty="basic"), rng=random.Random(7))
        too_many = repo.random(50, SampleFilters(difficulty="basic"), rng=random.Random(7))
    assert len({s["id"] for s in picked}) == 4
    assert all(s["difficulty"] == "basic" for s in picked)
    assert len(too_many) == 5


def test_timestamps_are_utc_aware(database: Database) -> None:
    _add(database, make_sample(1, created_at="2024-03-01T10:00:00+02:00"))
    with database.read() as session:
        row = SampleRepository(session, database.dialect).get_row("sample_00001")
    assert row.created_at.tzinfo is not None
    assert row.created_at.astimezone(UTC).hour == 8


def test_search_index_follows_updates_and_deletes(database: Database) -> None:
    _add(database, make_sample(1, question="Who may enforce a restrictive covenant?"))
    with database.write() as session:
        SampleRepository(session, database.dialect).update(
            "sample_00001", {"question": "Who may enforce an easement?"}
        )
    with database.read() as session:
        repo = SampleRepository(session, database.dialect)
        assert repo.search("covenant") == []
        assert [s["id"] for s in repo.search("easement")] == ["sample_00001"]
    with database.write() as session:
        SampleRepository(session, database.dialect).delete("sample_00001")
    with database.read() as session:
        assert SampleRepository(session, database.dialect).search("easement") == []
