"""``legal-training simulate``: one simulated provider on a port until Ctrl-C."""

from __future__ import annotations

from dataclasses import fields
from typing import Annotated

import typer
import uvicorn

from legal_training.simulator.app import create_simulator_app
from legal_training.simulator.config import FLAVOURS, SimulatorConfig


def simulate(
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8090,
    host: Annotated[
        str, typer.Option(help="Interface to bind (loopback by default).")
    ] = "127.0.0.1",
    flavour: Annotated[
        str, typer.Option(help=f"Provider to imitate: {', '.join(FLAVOURS)}.")
    ] = "openai",
    rpm: Annotated[
        int | None, typer.Option(help="Requests per minute (omit = 600; 0 = unlimited).")
    ] = 600,
    tpm: Annotated[int | None, typer.Option(help="Tokens per minute (0 = unlimited).")] = 600_000,
    rpd: Annotated[
        int | None, typer.Option(help="Requests per day (omit or 0 = unlimited).")
    ] = None,
    latency: Annotated[
        tuple[float, float], typer.Option(help="Queue time range in seconds: MIN MAX.")
    ] = (0.0, 0.0),
    tokens_per_second: Annotated[
        float | None, typer.Option(help="Generation speed (omit = instant).")
    ] = None,
    fault_5xx: Annotated[float, typer.Option("--fault-5xx", help="Share of 5xx answers.")] = 0.0,
    fault_timeout: Annotated[
        float, typer.Option(help="Share of requests held past the client timeout.")
    ] = 0.0,
    fault_malformed: Annotated[float, typer.Option(help="Share of broken-JSON answers.")] = 0.0,
    fault_truncate: Annotated[
        float, typer.Option(help="Share cut short with finish_reason length.")
    ] = 0.0,
    think_rate: Annotated[
        float, typer.Option(help="Share with a <think> block before the JSON.")
    ] = 0.0,
    reasoning_field_rate: Annotated[
        float, typer.Option(help="Share with a separate reasoning field.")
    ] = 0.0,
    fence_rate: Annotated[float, typer.Option(help="Share wrapped in ```json fences.")] = 0.0,
    prose_rate: Annotated[float, typer.Option(help="Share with prose around the JSON.")] = 0.0,
    short_rate: Annotated[float, typer.Option(help="Share with too-short answers.")] = 0.0,
    missing_sections_rate: Annotated[
        float, typer.Option(help="Share without section headings.")
    ] = 0.0,
    wrong_jurisdiction_rate: Annotated[
        float, typer.Option(help="Share citing another jurisdiction.")
    ] = 0.0,
    duplicate_rate: Annotated[
        float, typer.Option(help="Share repeating the previous sample.")
    ] = 0.0,
    fabricated_rate: Annotated[
        float, typer.Option(help="Share citing only invented authorities.")
    ] = 0.0,
    misattributed_rate: Annotated[
        float, typer.Option(help="Share with a case name on another case's citation.")
    ] = 0.0,
    unindexed_rate: Annotated[
        float, typer.Option(help="Share citing real law outside the default table.")
    ] = 0.0,
    fixable_rate: Annotated[
        float, typer.Option(help="Share with one defect a short repair follow-up can fix.")
    ] = 0.0,
    repair_fail_rate: Annotated[
        float, typer.Option(help="Share of repair requests answered with no fix.")
    ] = 0.0,
    judge_score: Annotated[
        int, typer.Option(help="Score (1-5) the judge gives every criterion.")
    ] = 4,
    judge_low_rate: Annotated[
        float, typer.Option(help="Share of samples the judge scores 1.")
    ] = 0.0,
    judge_outage: Annotated[
        bool, typer.Option(help="Fail every judge request with a 503.")
    ] = False,
    api_key: Annotated[
        str | None, typer.Option(envvar="SIMULATOR_API_KEY", help="Require this bearer key.")
    ] = None,
    model: Annotated[
        list[str] | None, typer.Option("--model", help="Model to serve (repeatable).")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Seed for reproducible output.")] = None,
    timeout_hold: Annotated[
        float, typer.Option(help="Seconds a timeout fault holds a request.")
    ] = 30.0,
) -> None:
    """Serve a simulated LLM provider (OpenAI-compatible) with real rate limits and faults."""
    if flavour not in FLAVOURS:
        raise typer.BadParameter(f"choose one of {', '.join(FLAVOURS)}", param_hint="--flavour")
    values = dict(locals())
    values["rpm"] = rpm or None
    values["tpm"] = tpm or None
    values["rpd"] = rpd or None
    values["latency_min"], values["latency_max"] = latency
    values["models"] = tuple(model or ())
    names = {f.name for f in fields(SimulatorConfig)}
    try:
        config = SimulatorConfig(**{k: v for k, v in values.items() if k in names})
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    uvicorn.run(
        create_simulator_app(config),
        host=host,
        port=port,
        log_level="info",
        timeout_graceful_shutdown=2,
    )
