"""The near-duplicate index kept in the database: band keys per sample, probed by index.

Writes happen wherever samples are written (``SampleRepository``), so imported, added, edited and
generated samples are all found; a deleted sample's keys go with it (``ON DELETE CASCADE``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import psycopg
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from legal_training.similarity import (
    band_keys,
    estimated_jaccard,
    fingerprint_text,
    signature,
    text_similarity,
)
from legal_training.storage.models import SampleBandRow, SampleRow, SampleTextRow

DEFAULT_NEAR_DUPLICATE_THRESHOLD = 0.85
_CANDIDATE_JACCARD = 0.3  # below this the MinHash estimate rules a candidate out cheaply
_MAX_CANDIDATES = 50


@dataclass(frozen=True)
class NearDuplicate:
    sample_id: str
    similarity: float  # rapidfuzz confirmation, 0..1
    estimated_jaccard: float


def keys_for(question: str, answer: str) -> list[int]:
    return band_keys(signature(fingerprint_text(question, answer)))


class NearDuplicateIndex:
    """Band keys in one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def replace(self, sample_seq: int, keys: Sequence[int]) -> None:
        self.session.execute(delete(SampleBandRow).where(SampleBandRow.sample_seq == sample_seq))
        self.add_many([(sample_seq, keys)])

    def add_many(self, entries: Sequence[tuple[int, Sequence[int]]]) -> None:
        """Insert the keys as one driver-level ``executemany`` of plain tuples.

        Each sample has 32 keys, so an import writes 32 band rows per sample: the ORM's per-row
        bookkeeping would cost more than the database does.
        """
        rows = [(seq, key) for seq, keys in entries for key in dict.fromkeys(keys)]
        if not rows:
            return
        connection = self.session.connection()
        if connection.dialect.name == "postgresql":  # COPY streams them instead of 32 statements
            driver = connection.connection.driver_connection
            assert isinstance(driver, psycopg.Connection)
            with (
                driver.cursor() as cursor,
                cursor.copy("COPY sample_bands (sample_seq, band_key) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            return
        marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
        connection.exec_driver_sql(
            f"INSERT INTO sample_bands (sample_seq, band_key) VALUES ({marker}, {marker})", rows
        )

    def find(
        self,
        question: str,
        answer: str,
        *,
        threshold: float = DEFAULT_NEAR_DUPLICATE_THRESHOLD,
        exclude_id: str | None = None,
    ) -> list[NearDuplicate]:
        """Stored samples whose question + answer are at least ``threshold`` similar."""
        text = fingerprint_text(question, answer)
        sig = signature(text)
        keys = band_keys(sig)
        seqs = list(
            self.session.scalars(
                select(SampleBandRow.sample_seq)
                .where(SampleBandRow.band_key.in_(keys))
                .distinct()
                .limit(_MAX_CANDIDATES)
            )
        )
        if not seqs:
            return []
        rows = self.session.execute(
            select(SampleRow.id, SampleTextRow.question, SampleTextRow.answer)
            .join(SampleTextRow, SampleTextRow.sample_seq == SampleRow.seq)
            .where(SampleRow.seq.in_(seqs))
        ).all()
        found = []
        for sample_id, other_question, other_answer in rows:
            if sample_id == exclude_id:
                continue
            other = fingerprint_text(other_question, other_answer)
            jaccard = estimated_jaccard(sig, signature(other))
            if jaccard < _CANDIDATE_JACCARD:
                continue
            similarity = text_similarity(text, other)
            if similarity >= threshold:
                found.append(NearDuplicate(sample_id, round(similarity, 4), jaccard))
        return sorted(found, key=lambda d: d.similarity, reverse=True)
