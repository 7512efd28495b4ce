"""The ASGI app: OpenAI-compatible routes (plus Ollama's native ones) over one SimulatorState.

Request pipeline, in the order the real services apply it: parse → authenticate → resolve model →
forced errors → context length → rate limit (admission) → server-side faults → generate →
latency → respond with the flavour's body, usage/timing fields and rate-limit headers.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from legal_training.simulator import faults as F
from legal_training.simulator.authorities import AuthorityMode
from legal_training.simulator.config import FAULT_HEADER, SimulatorConfig
from legal_training.simulator.content import (
    malform,
    parse_spec,
    render_content,
    reshape_fields,
    thinking_text,
    write_sample,
)
from legal_training.simulator.followups import (
    apply_defect,
    drop_comma,
    is_judge,
    is_repair,
    judge_reply,
    pick_defect,
    repair_reply,
)
from legal_training.simulator.limits import LimitWindow, Refusal, rate_limit_headers
from legal_training.simulator.state import SimulatorState

MESSAGE_OVERHEAD_TOKENS = 4
PROMPT_TOKENS_PER_SECOND = 20_000.0
HOLD_POLL_SECONDS = 0.05


class _DroppedConnection(Response):
    """A connection lost mid-answer: the status line and headers go out, the body never does.
    The server closes the connection, so the client sees a reset, not an HTTP error (what a
    proxy or a server recycling pooled keep-alive connections does)."""

    def __init__(self) -> None:
        super().__init__(status_code=200)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"4096")],
            }
        )
        # Returning without the body makes the server drop the connection.


class _Reply(Exception):
    """Short-circuits the pipeline with an error response already rendered."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


@dataclass
class _Call:
    body: dict[str, Any]
    model: str
    native: bool
    forced: frozenset[str]
    prompt_text: str
    prompt_tokens: int
    max_tokens: int | None
    admitted_at: float = 0.0


class SimulatorApp:
    """Route handlers bound to one state; built by :func:`create_simulator_app`."""

    def __init__(self, config: SimulatorConfig) -> None:
        self.config = config
        self.state = SimulatorState(config)

    # -- helpers ------------------------------------------------------------------------------
    def _headers(self, model: str) -> dict[str, str]:
        if self.config.flavour == "ollama":
            return {}
        return rate_limit_headers(self.config.flavour, self.state.limiter.snapshot(model))

    def _respond(
        self, status: int, body: Any, model: str, extra: dict[str, str] | None = None
    ) -> JSONResponse:
        headers = {**self._headers(model), **(extra or {})}
        headers["x-request-id"] = f"req_{uuid.uuid4().hex[:24]}"
        self.state.count_status(status)
        return JSONResponse(body, status_code=status, headers=headers)

    def _error(self, info: F.ErrorInfo, model: str, *, native: bool) -> _Reply:
        body = F.render_error(self.config.flavour, info, native=native)
        return _Reply(self._respond(info.status, body, model, info.headers))

    def _check_auth(self, request: Request, model: str, *, native: bool) -> None:
        expected = self.config.api_key
        if expected is None:
            return
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or token.strip() != expected:
            raise self._error(F.auth_error(self.config.flavour), model, native=native)

    async def _hold(self) -> None:
        """Outlast the client's timeout, but let go at once when the server shuts down."""
        for _ in range(math.ceil(self.config.timeout_hold / HOLD_POLL_SECONDS)):
            if self.state.shutdown.is_set():
                return
            await asyncio.sleep(HOLD_POLL_SECONDS)

    # -- routes -------------------------------------------------------------------------------
    async def chat_completions(self, request: Request) -> Response:
        return await self._chat(request, native=False)

    async def ollama_chat(self, request: Request) -> Response:
        return await self._chat(request, native=True)

    async def _chat(self, request: Request, *, native: bool) -> Response:
        self.state.count_request()
        try:
            call = await self._admit(request, native=native)
            return await self._complete(call)
        except _Reply as reply:
            return reply.response

    async def _admit(self, request: Request, *, native: bool) -> _Call:
        default_model = self.config.model_list[0]
        flavour = self.config.flavour
        try:
            body = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            body = None
        if not isinstance(body, dict):
            info = F.bad_request(flavour, "We could not parse the JSON body of your request.")
            raise self._error(info, default_model, native=native)
        model = str(body.get("model") or "")
        self._check_auth(request, model or default_model, native=native)
        try:
            forced = F.parse_forced(request.headers.get(FAULT_HEADER))
        except ValueError as exc:
            raise self._error(
                F.bad_request(flavour, str(exc)), default_model, native=native
            ) from exc
        messages = body.get("messages")
        if not model or not isinstance(messages, list) or not messages:
            info = F.bad_request(flavour, "'model' and a non-empty 'messages' array are required")
            raise self._error(info, model or default_model, native=native)
        if body.get("stream"):
            info = F.bad_request(flavour, "stream=true is not supported by the simulator")
            raise self._error(info, model, native=native)
        if model not in self.config.model_list or "model_not_found" in forced:
            self.state.count_fault("model_not_found")
            raise self._error(F.model_not_found(flavour, model), model, native=native)
        if "permission" in forced:
            self.state.count_fault("permission")
            raise self._error(F.permission_error(flavour, model), model, native=native)
        prompt_text = _last_user_text(messages)
        prompt_tokens = sum(
            self.state.count_tokens(_text_of(m)) + MESSAGE_OVERHEAD_TOKENS for m in messages
        )
        max_tokens = _max_tokens(body, native=native)
        requested = prompt_tokens + (max_tokens or 0)
        if requested > self.config.context_window or "context_length" in forced:
            self.state.count_fault("context_length")
            info = F.context_length_error(flavour, requested, self.config.context_window)
            raise self._error(info, model, native=native)
        call = _Call(body, model, native, forced, prompt_text, prompt_tokens, max_tokens)
        self._rate_limit(call)
        return call

    def _rate_limit(self, call: _Call) -> None:
        flavour, model = self.config.flavour, call.model
        if "rate_limit" in call.forced or "session_limit" in call.forced:
            window: LimitWindow = "day" if "session_limit" in call.forced else "minute"
            forced = Refusal("requests", window, self.config.rpm or 1, self.config.rpm or 1, 1, 1.0)
            self.state.count_fault("rate_limit" if window == "minute" else "session_limit")
            raise self._error(F.rate_limit_error(flavour, model, forced), model, native=call.native)
        if self.config.charging == "admission":
            estimate = call.max_tokens if call.max_tokens is not None else 0
            reserve = need = call.prompt_tokens + estimate
        else:
            reserve = need = call.prompt_tokens
        tpm = self.config.tpm
        if flavour == "groq" and tpm is not None and need > tpm:
            info = F.request_too_large(flavour, model, tpm, need)
            raise self._error(info, model, native=call.native)
        refusal = self.state.limiter.admit(model, reserve, need)
        if refusal is not None:
            raise self._error(
                F.rate_limit_error(flavour, model, refusal), model, native=call.native
            )
        call.admitted_at = time.time()

    async def _complete(self, call: _Call) -> Response:
        flavour, model, state = self.config.flavour, call.model, self.state
        started = time.monotonic()
        queue_time = state.rng.uniform(self.config.latency_min, self.config.latency_max)
        if queue_time > 0:
            await asyncio.sleep(queue_time)
        for name in ("capacity", "content_filter", "json_validate_failed"):
            if name in call.forced:
                state.count_fault(name)
                if name == "capacity":
                    err = F.capacity_error(flavour)
                elif name == "content_filter":
                    err = F.content_filter_error(flavour)
                else:
                    err = F.json_validate_error(flavour, '{"question": ')
                raise self._error(err, model, native=call.native)
        transport = F.pick_transport_fault(state.rng, self.config, call.forced)
        if transport is None and state.in_5xx_burst():
            transport = "5xx"
        if transport == "drop":
            state.count_fault("drop")
            state.count_status(0)
            raise _Reply(_DroppedConnection())
        if transport == "5xx":
            state.count_fault("5xx")
            raise self._error(F.server_error(flavour), model, native=call.native)
        if transport == "timeout":
            state.count_fault("timeout")
            await self._hold()
            info = F.ErrorInfo(504, "upstream request timed out", "server_error", "timeout")
            raise self._error(info, model, native=call.native)
        followup = is_repair(call.prompt_text) or is_judge(call.prompt_text)
        if followup and is_judge(call.prompt_text) and self.config.judge_outage:
            state.count_fault("judge_outage")
            raise self._error(F.capacity_error(flavour), model, native=call.native)
        quality = (
            frozenset() if followup else F.pick_quality_faults(state.rng, self.config, call.forced)
        )
        if model in self.config.wrong_jurisdiction_models and not followup:
            quality = quality | {"wrong_jurisdiction"}
        for name in sorted(quality):
            state.count_fault(name)
        if followup:
            sample = {"id": f"sim_{state.rng.getrandbits(64):016x}"}
            spec_topic = "repair" if is_repair(call.prompt_text) else "judge"
            reply = repair_reply if is_repair(call.prompt_text) else judge_reply
            content = reply(state.rng, call.prompt_text, self.config)
        else:
            sample, spec_topic = self._sample(call, quality)
            defect = pick_defect(state.rng, sample) if "fixable" in quality else None
            if defect is not None:
                state.count_fault(f"fixable:{defect}")
                sample = apply_defect(state.rng, sample, defect, state.catalog)
            content = render_content(state.rng, reshape_fields(sample, quality), quality)
            if defect == "json_comma":
                content = drop_comma(content)
        finish_reason = "stop"
        if transport == "malformed":
            state.count_fault("malformed")
            content = malform(content)
        elif transport == "truncate":
            state.count_fault("truncate")
            cut = int(len(content) * state.rng.uniform(0.35, 0.75))
            content, finish_reason = content[:cut], "length"
        completion_tokens = state.count_tokens(content)
        if call.max_tokens is not None and completion_tokens > call.max_tokens:
            tokens = state.encoding.encode(content, disallowed_special=())[: call.max_tokens]
            content, finish_reason = state.encoding.decode(tokens), "length"
            completion_tokens = len(tokens)
        completion_time = 0.0
        if self.config.tokens_per_second:
            completion_time = completion_tokens / self.config.tokens_per_second
            await asyncio.sleep(completion_time)
        if self.config.charging != "admission" or call.max_tokens is None:
            # Admission charging already reserved the completion when max tokens were given.
            state.limiter.charge(model, completion_tokens)
        reasoning = thinking_text(sample) if "reasoning_field" in quality else None
        timing = {
            "queue_time": round(queue_time, 6),
            "prompt_time": round(call.prompt_tokens / PROMPT_TOKENS_PER_SECOND, 6),
            "completion_time": round(completion_time, 6),
            "total_time": round(time.monotonic() - started, 6),
        }
        state.count_completion(
            {
                "id": sample["id"],
                "model": model,
                "topic": spec_topic,
                "difficulty": sample.get("difficulty"),
                "sample_type": sample.get("sample_type"),
                "finish_reason": finish_reason,
                "prompt_tokens": call.prompt_tokens,
                "completion_tokens": completion_tokens,
                "admitted_at": call.admitted_at,
                "finished_at": time.time(),
                "faults": sorted(quality | ({transport} if transport else set())),
            },
            call.prompt_tokens,
            completion_tokens,
        )
        if call.native:
            body = _ollama_body(
                model, content, reasoning, finish_reason, call, completion_tokens, timing
            )
        else:
            body = self._openai_body(
                model, content, reasoning, finish_reason, call, completion_tokens, timing
            )
            if "partial_usage" in quality:
                # Seen in the wild: usage without its total (or without the parts).
                body["usage"].pop("total_tokens", None)
        return self._respond(200, body, model)

    def _sample(self, call: _Call, quality: frozenset[str]) -> tuple[dict[str, Any], str]:
        state = self.state
        spec = parse_spec(call.prompt_text, state.catalog)
        topic = spec.topic.full_name
        previous = state.previous(topic) if "duplicate" in quality else None
        if previous is not None:
            sample = {**previous, "id": f"sim_{state.rng.getrandbits(64):016x}"}
        else:
            sample = write_sample(
                state.rng,
                spec,
                short="short" in quality,
                missing_sections="missing_sections" in quality,
                wrong_jurisdiction="wrong_jurisdiction" in quality,
                authorities=_authority_mode(quality),
            )
        state.remember(topic, sample)
        return sample, topic

    def _openai_body(
        self,
        model: str,
        content: str,
        reasoning: str | None,
        finish_reason: str,
        call: _Call,
        completion_tokens: int,
        timing: dict[str, float],
    ) -> dict[str, Any]:
        flavour = self.config.flavour
        message: dict[str, Any] = {"role": "assistant", "content": content}
        if reasoning is not None:
            message["reasoning"] = reasoning
        usage: dict[str, Any] = {
            "prompt_tokens": call.prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": call.prompt_tokens + completion_tokens,
        }
        created = int(time.time())
        body: dict[str, Any] = {
            "id": f"chatcmpl-{uuid.uuid4().hex}",
            "object": "chat.completion",
            "created": created,
            "model": model,
            "choices": [
                {"index": 0, "message": message, "logprobs": None, "finish_reason": finish_reason}
            ],
            "usage": usage,
            "system_fingerprint": "fp_simulator",
        }
        if flavour == "groq":
            usage.update(timing)
            body["x_groq"] = {"id": f"req_{uuid.uuid4().hex[:26]}"}
        elif flavour == "cerebras":
            usage["prompt_tokens_details"] = {"cached_tokens": 0}
            body["time_info"] = {**timing, "created": time.time()}
        return body

    async def models(self, request: Request) -> Response:
        default_model = self.config.model_list[0]
        try:
            self._check_auth(request, default_model, native=False)
        except _Reply as reply:
            return reply.response
        created = 1_700_000_000
        data = []
        for name in self.config.model_list:
            entry: dict[str, Any] = {
                "id": name,
                "object": "model",
                "created": created,
                "owned_by": self.config.flavour,
            }
            if self.config.flavour == "groq":
                entry.update({"active": True, "context_window": self.config.context_window})
            data.append(entry)
        return self._respond(200, {"object": "list", "data": data}, default_model)

    async def tags(self, request: Request) -> Response:
        default_model = self.config.model_list[0]
        try:
            self._check_auth(request, default_model, native=True)
        except _Reply as reply:
            return reply.response
        now = datetime.now(UTC).isoformat()
        models = [
            {
                "name": name,
                "model": name,
                "modified_at": now,
                "size": 0,
                "digest": uuid.uuid5(uuid.NAMESPACE_DNS, name).hex,
                "details": {"format": "gguf", "family": name.split(":")[0]},
            }
            for name in self.config.model_list
        ]
        return self._respond(200, {"models": models}, default_model)

    async def tcp_warming(self, request: Request) -> Response:
        return JSONResponse({})

    async def stats(self, request: Request) -> Response:
        return JSONResponse(self.state.stats())

    async def reset(self, request: Request) -> Response:
        self.state.reset()
        return JSONResponse({"reset": True})


def _text_of(message: Any) -> str:
    if not isinstance(message, dict):
        return str(message)
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # OpenAI content parts
        return " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return ""


def _last_user_text(messages: list[Any]) -> str:
    for message in reversed(messages):
        if isinstance(message, dict) and message.get("role") == "user":
            return _text_of(message)
    return _text_of(messages[-1])


def _max_tokens(body: dict[str, Any], *, native: bool) -> int | None:
    if native:
        options = body.get("options")
        value = options.get("num_predict") if isinstance(options, dict) else None
    else:
        value = body.get("max_completion_tokens", body.get("max_tokens"))
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return None


def _ollama_body(
    model: str,
    content: str,
    reasoning: str | None,
    finish_reason: str,
    call: _Call,
    completion_tokens: int,
    timing: dict[str, float],
) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if reasoning is not None:
        message["thinking"] = reasoning
    ns = 1_000_000_000
    return {
        "model": model,
        "created_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "message": message,
        "done": True,
        "done_reason": finish_reason,
        "total_duration": math.ceil(timing["total_time"] * ns),
        "load_duration": math.ceil(timing["queue_time"] * ns),
        "prompt_eval_count": call.prompt_tokens,
        "prompt_eval_duration": math.ceil(timing["prompt_time"] * ns),
        "eval_count": completion_tokens,
        "eval_duration": math.ceil(timing["completion_time"] * ns),
    }


class _QuietDrops(logging.Filter):
    """A dropped connection is the fault we mean to simulate; uvicorn logs each one as an error,
    which would bury real errors under hundreds of expected ones."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "returned without completing response" not in record.getMessage()


def create_simulator_app(config: SimulatorConfig) -> Starlette:
    """A fresh app with its own state; ``app.state.simulator`` exposes it to the runner."""
    sim = SimulatorApp(config)
    server_log = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _QuietDrops) for f in server_log.filters):
        server_log.addFilter(_QuietDrops())

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        sim.state.shutdown.clear()
        yield
        sim.state.shutdown.set()

    routes = [
        Route("/v1/chat/completions", sim.chat_completions, methods=["POST"]),
        Route("/v1/models", sim.models, methods=["GET"]),
        Route("/_stats", sim.stats, methods=["GET"]),
        Route("/_reset", sim.reset, methods=["POST"]),
    ]
    if config.flavour == "cerebras":
        routes.append(Route("/v1/tcp_warming", sim.tcp_warming, methods=["GET", "POST"]))
    if config.flavour == "ollama":
        routes.append(Route("/api/chat", sim.ollama_chat, methods=["POST"]))
        routes.append(Route("/api/tags", sim.tags, methods=["GET"]))
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.simulator = sim.state
    return app


_AUTHORITY_FAULTS: tuple[AuthorityMode, ...] = ("fabricated", "misattributed", "unindexed")


def _authority_mode(quality: frozenset[str]) -> AuthorityMode:
    """The kind of authority a sample cites; with several drawn, the gravest wins."""
    for mode in _AUTHORITY_FAULTS:
        if mode in quality:
            return mode
    return "real"
