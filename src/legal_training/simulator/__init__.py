"""A faithful simulator of the LLM providers we use: Groq, Cerebras, Ollama Cloud and OpenAI.

Tests, benchmarks and the keyless demo mode talk to it exactly as to a real provider, through the
same SDKs and base URLs. It reproduces what our client code must cope with:

Routes
    ``POST /v1/chat/completions`` (OpenAI shape; Groq adds ``usage.queue_time/prompt_time/
    completion_time/total_time`` and ``x_groq.id``, Cerebras adds ``time_info`` and
    ``usage.prompt_tokens_details``), ``GET /v1/models``, Cerebras' ``GET|POST /v1/tcp_warming``
    (called by ``cerebras_cloud_sdk`` on start), Ollama's native ``POST /api/chat`` and
    ``GET /api/tags``; ``GET /_stats`` (requests, ``by_status``, ``successes``, ``rate_limited``,
    ``faults``, token totals, ``completions`` list) and ``POST /_reset``. Streaming is refused.

Rate limits (:mod:`.limits`)
    Continuously refilling token buckets per model: requests/minute, requests/day, tokens/minute.
    Cerebras reserves ``prompt + max_completion_tokens`` (or ``max_tokens``) at admission; the
    others charge the prompt at admission and the completion afterwards. Headers on every
    response: Groq ``x-ratelimit-{limit,remaining,reset}-{requests,tokens}`` (requests = per day,
    resets as Go durations like ``2m59.56s``); OpenAI the same names per minute; Cerebras
    ``x-ratelimit-{limit,remaining,reset}-{requests-day,requests-minute,tokens-minute}`` (resets
    in float seconds); Ollama none. ``retry-after`` (whole seconds) only on 429. Groq answers 413
    for a request that can never fit its TPM. Ollama's 429 is the header-less
    ``{"error": "you've reached your session usage limit, please wait or upgrade to continue"}``.

Errors (:mod:`.faults`)
    Groq/OpenAI ``{"error": {"message", "type", "code"}}`` (OpenAI adds ``param``), Cerebras flat
    ``{"message", "type", "param", "code"}``, Ollama native ``{"error": "..."}``. A wrong or
    missing bearer key (when ``api_key`` is set) gets the flavour's 401 without echoing the key.

Content (:mod:`.content`)
    The last user message's ``Topic:``, ``Jurisdiction:``, ``Difficulty:`` and ``Sample type:``
    lines select a catalog spec; the JSON sample in ``message.content`` (id, question, answer,
    topic, difficulty, case_citation, reasoning, sample_type) meets it, with varied facts,
    wording and real authorities (:mod:`.authorities`). Usage counts tokens with tiktoken's
    offline ``cl100k_base``; ``max_tokens`` truncates with ``finish_reason: "length"``.
    Latency = uniform queue time in ``[latency_min, latency_max]`` + completion tokens ÷
    ``tokens_per_second``.

Faults
    Random, by the ``fault_*`` and ``*_rate`` settings, or forced per request with the header
    ``X-Simulator-Fault: <name>[,<name>...]``:

    ====================  =======================================================================
    ``5xx``               the flavour's 500 server-error body
    ``timeout``           held ``timeout_hold`` s (released at shutdown), then 504
    ``malformed``         200 with broken JSON in the content
    ``truncate``          200 with content cut mid-JSON and ``finish_reason: "length"``
    ``think``             ``<think>…</think>`` before the JSON
    ``reasoning_field``   thinking text in ``message.reasoning`` (Ollama native: ``thinking``)
    ``fence``             JSON inside ```` ```json ```` fences
    ``prose``             prose before and after the JSON
    ``short``             answer far below the difficulty's word floor
    ``missing_sections``  no section headings
    ``wrong_jurisdiction`` authorities of another jurisdiction (UK topic → US law, others → US/UK)
    ``duplicate``         the previous question/answer for the same topic again (new id)
    ``fabricated``        every authority invented: made-up parties on a plausible citation
    ``misattributed``     one real case's name on another real case's citation
    ``unindexed``         real authorities kept out of the default table (law an index may
                          not list)
    ``rate_limit``        429 for requests per minute, with ``retry-after``
    ``session_limit``     429 for the day (Ollama: the session usage limit body)
    ``capacity``          Groq 498 ``capacity_exceeded``; Cerebras 503 ``queue_exceeded``;
                          Ollama/OpenAI 503 server busy
    ``context_length``    400 ``context_length_exceeded`` (also raised for real over-long input)
    ``content_filter``    400 ``content_filter``
    ``json_validate_failed``  400 ``json_validate_failed`` (Groq adds ``failed_generation``)
    ``model_not_found``   404 ``model_not_found`` (also for any model not served)
    ``permission``        403 ``permission_denied``
    ====================  =======================================================================

Public API: :class:`SimulatorConfig`, :func:`create_simulator_app` (an ASGI app, usable in-process
through ``httpx.ASGITransport``), :func:`run_simulator` (a real uvicorn on ``127.0.0.1`` and a free
port, yielding :class:`RunningSimulator` with ``base_url``, ``root_url`` and ``stats()``); the
``legal-training simulate`` command serves it on a port.
"""

from legal_training.simulator.app import create_simulator_app
from legal_training.simulator.config import (
    DEFAULT_MODELS,
    FAULT_HEADER,
    FAULT_NAMES,
    FLAVOURS,
    Flavour,
    SimulatorConfig,
)
from legal_training.simulator.runner import (
    RunningSimulator,
    SimulatorStartError,
    run_simulator,
)

__all__ = [
    "DEFAULT_MODELS",
    "FAULT_HEADER",
    "FAULT_NAMES",
    "FLAVOURS",
    "Flavour",
    "RunningSimulator",
    "SimulatorConfig",
    "SimulatorStartError",
    "create_simulator_app",
    "run_simulator",
]
