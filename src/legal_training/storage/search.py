"""Full-text queries built from user input, safely, per database.

User text is never passed to the database as a regex or as query syntax: for SQLite FTS5 each word
becomes a quoted string token (so ``"``, ``*``, ``NEAR``, ``:`` and parentheses lose any meaning),
and for PostgreSQL it goes through ``plainto_tsquery``, which only ever builds an AND of lexemes.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from sqlalchemy import ColumnElement, Text, cast, func, literal, literal_column, text
from sqlalchemy.sql.elements import TextClause

from legal_training.errors import DomainError

SearchField = Literal["all", "question", "answer", "topic", "case_citation"]
SEARCH_FIELDS: tuple[str, ...] = ("all", "question", "answer", "topic", "case_citation")
# Field → weight letter assigned in the PostgreSQL search_vector (see migration 0001).
_PG_WEIGHTS = {"question": "a", "answer": "b", "topic": "c", "case_citation": "d"}
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_CHARS = 500


class SearchQueryError(DomainError, ValueError):
    """A query that cannot be searched (empty, only punctuation, too long, unknown field)."""

    code = "invalid_query"


def query_words(query: str) -> list[str]:
    """The searchable words of ``query``; punctuation and operators are dropped."""
    if len(query) > MAX_QUERY_CHARS:
        raise SearchQueryError(f"query is longer than {MAX_QUERY_CHARS} characters")
    words = _WORD.findall(query)
    if not words:
        raise SearchQueryError("query has no searchable words (letters or digits)")
    return words


def sqlite_match_expression(query: str, field: str) -> str:
    """An FTS5 MATCH string: every word quoted, all required, optionally in one column."""
    tokens = " ".join('"' + w.replace('"', '""') + '"' for w in query_words(query))
    if field == "all":
        return tokens
    return "{" + field + "} : (" + tokens + ")"


def postgres_condition(query: str, field: str) -> ColumnElement[bool]:
    """``search_vector @@ plainto_tsquery(...)``, restricted to one field's weight when asked."""
    words = " ".join(query_words(query))
    tsquery = func.plainto_tsquery(
        literal_column("'english'::regconfig"), cast(literal(words), Text)
    )
    vector: ColumnElement[Any] = literal_column("sample_texts.search_vector")
    condition: ColumnElement[bool] = vector.op("@@")(tsquery)
    if field != "all":
        filtered = func.ts_filter(vector, text(f"'{{{_PG_WEIGHTS[field]}}}'::\"char\"[]"))
        condition = condition & filtered.op("@@")(tsquery)
    return condition


# Per-field GIN indexes (migration 0006) are built on exactly these expressions.
PG_FIELD_INDEX_SQL = "to_tsvector('english'::regconfig, {field})"


def postgres_field_condition(query: str, field: str) -> ColumnElement[bool]:
    """``to_tsvector(field) @@ plainto_tsquery(...)``: answered by that field's own GIN index,
    without reading each row's stored vector."""
    words = " ".join(query_words(query))
    tsquery = func.plainto_tsquery(
        literal_column("'english'::regconfig"), cast(literal(words), Text)
    )
    vector = func.to_tsvector(
        literal_column("'english'::regconfig"), literal_column(f"sample_texts.{field}")
    )
    condition: ColumnElement[bool] = vector.op("@@")(tsquery)
    return condition


def sqlite_search_sql() -> TextClause:
    """Row ids of matches, newest first.

    Newest-first (not bm25 rank) lets FTS5 stop after ``limit`` matches instead of ranking
    every match, so a common word costs the same as a rare one at any dataset size.
    """
    return text(
        "SELECT rowid FROM samples_fts WHERE samples_fts MATCH :match "
        "ORDER BY rowid DESC LIMIT :limit"
    )
