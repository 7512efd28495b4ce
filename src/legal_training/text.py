"""Text normalisation shared by storage (exact-duplicate hashes) and the quality gate."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_NON_WORD = re.compile(r"[^\w\s]+")
_SPACES = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """Case-, accent-form-, punctuation- and whitespace-insensitive form of ``text``.

    Two questions that differ only in such details are the same question for a training set.
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _NON_WORD.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def question_hash(question: str) -> str:
    """SHA-256 of the normalised question: the exact-duplicate key stored with every sample."""
    return hashlib.sha256(normalise_text(question).encode("utf-8")).hexdigest()
