"""Near-duplicate fingerprints: MinHash signatures of word shingles and LSH band keys.

Signatures come from ``datasketch.MinHash`` with CRC-32 as the shingle hash (its default SHA-1 is
about twice as slow, and this runs for every stored sample, imports included) and one shared set
of permutations. Signatures are never persisted, only their band keys: those go into an indexed
database column (``storage/near_duplicates.py``), so finding candidates is an index probe at any
dataset size instead of an in-memory LSH index that would need gigabytes at a million samples.
"""

from __future__ import annotations

import hashlib
import zlib
from functools import cache

import numpy as np
import numpy.typing as npt
from datasketch import MinHash
from rapidfuzz import fuzz

from legal_training.text import normalise_text

NUM_PERM = 128
BANDS = 32  # 32 bands x 4 rows: candidates from an estimated Jaccard of about 0.4 upwards
ROWS = NUM_PERM // BANDS
SHINGLE_WORDS = 5


@cache
def _template() -> MinHash:
    """The permutations every signature shares (generating them is the expensive part)."""
    return MinHash(num_perm=NUM_PERM, hashfunc=zlib.crc32)


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[str]:
    """Overlapping word ``size``-grams of the normalised text (the whole text if shorter)."""
    words = normalise_text(text).split()
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def signature(text: str) -> npt.NDArray[np.uint64]:
    """The MinHash signature (``NUM_PERM`` values) of ``text``'s shingles."""
    template = _template()
    minhash = MinHash(
        num_perm=NUM_PERM,
        hashfunc=zlib.crc32,
        permutations=template.permutations,
        scheme=template.scheme,
    )
    minhash.update_batch([g.encode() for g in shingles(text)])
    values: npt.NDArray[np.uint64] = np.asarray(minhash.hashvalues, dtype=np.uint64)
    return values


def estimated_jaccard(left: npt.NDArray[np.uint64], right: npt.NDArray[np.uint64]) -> float:
    return float(np.count_nonzero(left == right)) / NUM_PERM


def band_keys(sig: npt.NDArray[np.uint64]) -> list[int]:
    """One signed 63-bit key per band: equal keys mean the band's rows all agree."""
    keys = []
    for band in range(BANDS):
        chunk = sig[band * ROWS : (band + 1) * ROWS].tobytes()
        digest = hashlib.blake2b(band.to_bytes(2, "big") + chunk, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "big", signed=True) >> 1)
    return keys


def fingerprint_text(question: str, answer: str) -> str:
    """What near-duplicate detection compares: the question and the answer together."""
    return f"{question}\n{answer}"


def text_similarity(left: str, right: str) -> float:
    """Confirmation score in [0, 1]: rapidfuzz's normalised Indel similarity of the texts."""
    return fuzz.ratio(normalise_text(left), normalise_text(right)) / 100.0
