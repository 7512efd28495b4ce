"""Synthetic test data for storage benchmarks: many varied, valid samples, made fast.

Texts are assembled from word pools with a seeded RNG so that full-text indexes see a realistic
vocabulary and every run produces the same data.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from functools import cache
from itertools import accumulate
from typing import Any

from legal_training.catalog import get_catalog

_WORDS: tuple[str, ...] = (
    "contract",
    "offer",
    "acceptance",
    "consideration",
    "breach",
    "remedy",
    "damages",
    "negligence",
    "duty",
    "care",
    "causation",
    "remoteness",
    "director",
    "shareholder",
    "fiduciary",
    "trust",
    "beneficiary",
    "trustee",
    "easement",
    "covenant",
    "lease",
    "freehold",
    "mortgage",
    "employer",
    "employee",
    "dismissal",
    "discrimination",
    "redundancy",
    "statute",
    "section",
    "interpretation",
    "purpose",
    "parliament",
    "court",
    "appeal",
    "judgment",
    "precedent",
    "ratio",
    "obiter",
    "tribunal",
    "regulation",
    "directive",
    "article",
    "treaty",
    "convention",
    "jurisdiction",
    "arbitration",
    "liability",
    "indemnity",
    "warranty",
    "condition",
    "misrepresentation",
    "rescission",
    "estoppel",
    "restitution",
    "evidence",
    "burden",
    "standard",
    "proof",
    "reasonable",
    "foreseeable",
    "proximity",
    "policy",
    "fairness",
    "justice",
)
_CITATIONS = (
    "Donoghue v Stevenson [1932] AC 562",
    "Caparo Industries plc v Dickman [1990] 2 AC 605",
    "Hadley v Baxendale (1854) 9 Exch 341",
    "Carlill v Carbolic Smoke Ball Co [1893] 1 QB 256",
    "R (Miller) v Secretary of State [2017] UKSC 5",
    "Companies Act 2006, s 172",
    "Miranda v. Arizona, 384 U.S. 436 (1966)",
    "Case C-131/12 Google Spain",
)


@cache
def _vocabulary() -> tuple[tuple[str, ...], tuple[float, ...]]:
    """Legal words plus 20,000 pseudo-words with Zipf-like weights, as in real text: a few
    words are everywhere, most are rare (so full-text queries have realistic selectivity)."""
    rng = random.Random(1234)
    syllables = ("ka", "lo", "mer", "tis", "an", "vel", "or", "pri", "den", "sul", "ra", "tum")
    pseudo = {
        "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(30_000)
    }
    words = _WORDS + tuple(sorted(pseudo))[:20_000]
    weights = [1.0 / (rank + 1) for rank in range(len(words))]
    return words, tuple(accumulate(weights))


def _sentence(rng: random.Random, words: int) -> str:
    vocabulary, cumulative = _vocabulary()
    text = " ".join(rng.choices(vocabulary, cum_weights=cumulative, k=words))
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(_sentence(rng, rng.randint(8, 18)) for _ in range(sentences))


def generate_samples(count: int, *, seed: int = 42, start: int = 0) -> Iterator[dict[str, Any]]:
    """``count`` valid samples covering every topic, difficulty and sample type."""
    rng = random.Random(seed + start)
    catalog = get_catalog()
    topics = catalog.topics
    difficulties = catalog.difficulty_ids()
    types = catalog.sample_type_ids()
    for index in range(start, start + count):
        topic = topics[index % len(topics)]
        steps = " ".join(f"Step {n}: {_sentence(rng, 12)}" for n in range(1, 6))
        yield {
            "id": f"bench_{index:08d}",
            "question": _paragraph(rng, 2) + " What is the legal position?",
            "answer": "\n\n".join(_paragraph(rng, 5) for _ in range(4)),
            "topic": topic.full_name,
            "difficulty": difficulties[index % len(difficulties)],
            "case_citation": "; ".join(rng.sample(_CITATIONS, 3)),
            "reasoning": steps,
            "sample_type": types[index % len(types)],
            "jurisdiction": topic.jurisdiction,
            "provider": rng.choice(("groq", "cerebras", "ollama")),
            "model": "bench-model",
            "batch_id": f"bench_batch_{index // 1000}",
        }
