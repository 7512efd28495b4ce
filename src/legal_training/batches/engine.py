"""The batch engine: turns provider quota into accepted samples, durably, at the budget's pace.

Layers (STYLE.md: batch → attempt → failover → retry → provider): a :class:`BatchEngine` owns
the live runs of this process; each run has a bounded set of worker tasks in a ``TaskGroup``;
each worker owns one *slot* of the batch at a time and attempts it through
:func:`~legal_training.generation.pipeline.generate_one` (failover and retries live in the
router, pacing in the shared :class:`~legal_training.providers.budgets.RateBudget`, which makes
callers wait; nothing here sleeps to pace).

Correctness rules:

* **Never more than count.** A worker only runs while it holds an unfilled slot, so at most
  ``count - accepted`` requests are in flight; and the save transaction locks the batch row,
  recounts the batch's samples and refuses a sample once ``count`` is reached, so even several
  processes cannot overshoot.
* **Stop means stop.** ``stop`` commits ``status = 'stopped'`` before it returns; the save
  transaction reads the status under the same row lock, so a sample whose save starts after the
  stop is discarded. Stopped is never recorded as completed.
* **Durable before announced.** A sample is committed (with its slot number, in the sample's
  ``batch_slot`` field) before it is counted or published; the accepted count is always
  ``COUNT(samples WHERE batch_id = …)``, which is what a resumed run starts from.
* **No module state.** The engine is an object on ``app.state`` (or in the CLI command).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import math
import os
import socket
import time
import uuid
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

import structlog
from sqlalchemy import func, select

from legal_training.batches.circuit import CircuitBreakers
from legal_training.batches.events import (
    BatchEvent,
    ErrorEvent,
    EventBus,
    InMemoryEventBus,
    ProgressEvent,
    SampleEvent,
    StatusEvent,
)
from legal_training.batches.followups import FollowupCounters
from legal_training.batches.params import (
    AUTO,
    BatchParams,
    BatchRequest,
    BatchValidationError,
    judge_config,
    validate_request,
)
from legal_training.batches.planning import BatchPlan, PlanItem
from legal_training.batches.spending import SpendingPolicy, SpendingTracker
from legal_training.errors import DomainError
from legal_training.generation.judge import JudgeConfig
from legal_training.generation.pipeline import (
    GenerationOutcome,
    OutcomeKind,
    generate_one,
    resolve_spec,
)
from legal_training.generation.quality import QualityMode
from legal_training.generation.verification import citation_policy
from legal_training.providers.errors import Action
from legal_training.providers.registry import ProviderRegistry
from legal_training.providers.router import FailoverRouter
from legal_training.storage.batches import (
    BatchNotFoundError,
    BatchRepository,
    batch_to_dict,
    lease_is_free,
)
from legal_training.storage.db import Database, retry_locked
from legal_training.storage.models import BatchRow, SampleRow
from legal_training.storage.near_duplicates import DEFAULT_NEAR_DUPLICATE_THRESHOLD
from legal_training.storage.records import SampleValidationError
from legal_training.storage.samples import DuplicateSampleError, SampleRepository
from legal_training.storage.stats import COST_PER_MILLION_TOKENS
from legal_training.storage.types import utcnow
from legal_training.text import question_hash

logger = structlog.get_logger(__name__)

SLOT_FIELD = "batch_slot"
MIN_CONCURRENCY = 4
#: The most workers one batch runs, whatever its budgets allow (each holds a pooled connection).
MAX_CONCURRENCY = 256
#: Workers per provider whose budget has no limits at all.
UNLIMITED_CONCURRENCY = 64
#: Tokens assumed per call when sizing the worker pool against token limits (a prompt of about
#: 2,000 tokens and a completion of about 1,500); the budget itself reserves the real estimate.
SIZING_TOKENS_PER_CALL = 3500
#: How often a running batch resizes its worker pool to the limits learned meanwhile.
RESIZE_EVERY_S = 0.5
#: Requests refused as malformed (a FAIL action) this many times in a row fail the batch.
FAIL_ACTION_STREAK = 3
PROGRESS_FLUSH_S = 2.0
# How long a batch's lease lasts without renewal. The holder renews it every third of this; a
# process that dies leaves its batches to whoever starts (or sweeps) after the lease expires.
LEASE_S = 30.0
STOP_REASON_MAX = 200
#: The ``errors`` entry that records why a batch failed, with its list of reasons.
BATCH_FAILED = "batch_failed"
MAX_ERRORS_KEPT = 100
MAX_SWITCHES_KEPT = 200
#: $ per 1M tokens for models without a known price: the highest known one, so a cost cap errs
#: on the side of stopping early.
DEFAULT_PRICE_PER_MILLION = max(COST_PER_MILLION_TOKENS.values())


class BatchStatus(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    STOPPED = "stopped"
    FAILED = "failed"
    INTERRUPTED = "interrupted"


RESUMABLE = frozenset({BatchStatus.STOPPED, BatchStatus.INTERRUPTED, BatchStatus.FAILED})


class BatchStateError(DomainError, ValueError):
    """The batch is not in a state that allows the operation (e.g. resuming a completed one)."""


class _RunHalted(Exception):
    """Raised before a provider call when the run has halted or may spend no more."""


#: How long a resume waits for the batch's previous run, just stopped, to finish winding down.
RESUME_WAIT_S = 30.0


def new_batch_id(now: float | None = None) -> str:
    """``batch_<unix seconds>_<8 hex>``: sortable by start time, unique across processes."""
    return f"batch_{int(now if now is not None else time.time())}_{uuid.uuid4().hex[:8]}"


def new_owner_id() -> str:
    """A lease owner id unique to this engine: host, process and a random part (two engines
    in one process are two owners)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def price_per_million(model: str | None) -> float:
    if model:
        lowered = model.lower()
        for prefix, price in COST_PER_MILLION_TOKENS.items():
            if prefix in lowered:
                return price
    return DEFAULT_PRICE_PER_MILLION


def concurrency_for(
    registry: ProviderRegistry,
    providers: tuple[str, ...] = (),
    *,
    model: str | None = None,
    cap: int = MAX_CONCURRENCY,
) -> int:
    """Workers needed to use every provider's budget at once: for each provider, as many calls
    as its tightest window admits together (the limits it reported, where it did). Extra workers
    only wait inside the budget, which is harmless; too few leave quota unused."""
    names = providers or tuple(registry.order)
    wanted = 0.0
    for name in names:
        spec = registry.spec(name)
        hint = registry.budget.capacity_hint(
            name, model or spec.default_model, SIZING_TOKENS_PER_CALL
        )
        wanted += UNLIMITED_CONCURRENCY if hint is None else hint
    return max(MIN_CONCURRENCY, min(cap, math.ceil(wanted)))


@dataclass
class _Run:
    """One batch being executed in this process."""

    batch_id: str
    params: BatchParams
    plan: BatchPlan
    count: int
    router: FailoverRouter
    circuits: CircuitBreakers
    accepted: int
    free_slots: deque[int]
    rejected: int = 0
    rejected_by_reason: Counter[str] = field(default_factory=Counter)
    tokens: int = 0
    cost_usd: float = 0.0
    errors: list[dict[str, Any]] = field(default_factory=list)
    switches: list[dict[str, Any]] = field(default_factory=list)
    provider: str | None = None
    model: str | None = None
    active_before: float = 0.0
    started: float = field(default_factory=time.monotonic)
    accepted_at_start: int = 0
    halt: asyncio.Event = field(default_factory=asyncio.Event)
    outcome: BatchStatus | None = None
    reason: str | None = None
    reasons: tuple[str, ...] = ()
    shutdown: bool = False
    fail_streak: int = 0
    last_flush: float = 0.0
    task: asyncio.Task[None] | None = None
    spending: SpendingTracker | None = None
    workers: int = 0
    followups: FollowupCounters = field(default_factory=FollowupCounters)
    lease_lost: bool = False

    @property
    def halted(self) -> bool:
        return self.halt.is_set()

    def finish(
        self,
        outcome: BatchStatus | None,
        reason: str | None = None,
        reasons: tuple[str, ...] = (),
    ) -> None:
        """Ask every worker to wind down; the first reason given wins."""
        if not self.halted:
            self.outcome = outcome
            self.reason = reason
            self.reasons = reasons
            self.halt.set()

    def claim(self) -> int | None:
        return self.free_slots.popleft() if self.free_slots else None

    def release(self, slot: int) -> None:
        self.free_slots.appendleft(slot)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def rate_per_minute(self) -> float | None:
        done = self.accepted - self.accepted_at_start
        elapsed = self.elapsed()
        return round(done / elapsed * 60.0, 2) if done > 0 and elapsed > 0 else None

    def eta_seconds(self) -> float | None:
        rate = self.rate_per_minute()
        if not rate:
            return None
        return round(max(0, self.count - self.accepted) / rate * 60.0, 1)

    def record_error(self, entry: dict[str, Any]) -> None:
        self.errors.append(entry)
        del self.errors[:-MAX_ERRORS_KEPT]


@dataclass(frozen=True)
class _SaveResult:
    status: str  # saved | closed | full | duplicate | invalid
    accepted: int
    sample_id: str | None = None


class BatchEngine:
    """All batches this process executes. Create one per app (or CLI command)."""

    def __init__(
        self,
        *,
        database: Database,
        registry: ProviderRegistry,
        router: FailoverRouter | None = None,
        bus: EventBus | None = None,
        max_concurrency: int | None = None,
        circuit_factory: type[CircuitBreakers] | None = None,
        near_duplicate_threshold: float = DEFAULT_NEAR_DUPLICATE_THRESHOLD,
        auto_resume: bool = True,
        spending: SpendingPolicy | None = None,
        judge: JudgeConfig | None = None,
        owner_id: str | None = None,
        lease_s: float = LEASE_S,
    ) -> None:
        """``max_concurrency`` caps the calls in flight across all batches of this engine;
        without it each batch sizes its own pool from its providers' budgets as they are
        learned. ``spending`` bounds what a batch spends on calls that produce nothing."""
        self.db = database
        self.registry = registry
        self.router = router or FailoverRouter(registry)
        self.bus = bus or InMemoryEventBus()
        self.max_concurrency = max_concurrency or MAX_CONCURRENCY
        self.auto_resume = auto_resume
        self.spending = spending or SpendingPolicy()
        self.judge = judge
        self._circuit_factory = circuit_factory or CircuitBreakers
        self._threshold = near_duplicate_threshold
        self._inflight = asyncio.Semaphore(max_concurrency) if max_concurrency else None
        self._runs: dict[str, _Run] = {}
        self._closed = False
        self.owner_id = owner_id or new_owner_id()
        self.lease_s = lease_s
        self._sweeper: asyncio.Task[None] | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> list[str]:
        """Recover batches left running by a previous process; returns their ids."""
        from legal_training.batches.recovery import recover

        resumed: list[str] = await recover(self)
        if self.auto_resume:
            self._sweeper = asyncio.create_task(self._sweep(), name="batch-lease-sweeper")
        return resumed

    async def _sweep(self) -> None:
        """Take over, as their leases expire, batches whose process died after start-up
        (a killed CLI ``generate``, a crashed second server)."""
        from legal_training.batches.recovery import recover

        while not self._closed:
            await asyncio.sleep(self.lease_s / 3)
            try:
                await recover(self)
            except Exception as exc:  # the next sweep tries again
                logger.warning("batch_lease_sweep_failed", error=str(exc))

    async def aclose(self, *, timeout_s: float = 10.0) -> None:
        """Halt every run WITHOUT changing its status, so the next start resumes it."""
        self._closed = True
        if self._sweeper is not None:
            self._sweeper.cancel()
            await asyncio.gather(self._sweeper, return_exceptions=True)
        runs = list(self._runs.values())
        for run in runs:
            run.shutdown = True
            run.finish(None, "shutdown")
        tasks = [run.task for run in runs if run.task is not None]
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=timeout_s)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.gather(*pending, return_exceptions=True)

    async def running_ids(self) -> list[str]:
        """Ids of the ``running`` batches no live process holds a lease on (recoverable)."""
        return await asyncio.to_thread(self._unleased_ids)

    def is_live(self, batch_id: str) -> bool:
        return batch_id in self._runs

    async def wait(self, batch_id: str) -> None:
        """Until this process's run of the batch has finished (returns at once if none)."""
        run = self._runs.get(batch_id)
        if run is not None and run.task is not None:
            await asyncio.shield(run.task)

    # -- commands ----------------------------------------------------------------------------

    async def create(self, request: BatchRequest, *, launch: bool = True) -> dict[str, Any]:
        """Validate, plan, store and (by default) start a batch."""
        if self._closed:
            raise BatchStateError("the batch engine is shutting down")
        current_rows = await asyncio.to_thread(self._count_all_samples)
        params, plan = validate_request(request, registry=self.registry, current_rows=current_rows)
        batch_id = new_batch_id()
        await asyncio.to_thread(self._insert, batch_id, params, plan, leased=launch)
        logger.info("batch_created", batch_id=batch_id, count=params.count)
        if launch:
            await self.launch(batch_id)
        return {
            "batch_id": batch_id,
            "count": params.count,
            "provider": params.provider,
            "providers": list(params.providers),
            "model": params.model,
            "sample_type": params.sample_type,
            "topics": len(params.topics),
            "plan_size": len(plan.items),
            "max_concurrency": min(self.max_concurrency, params.count),
        }

    async def launch(self, batch_id: str) -> None:
        """Run a batch whose row says ``running`` (new, resumed or recovered)."""
        if batch_id in self._runs:
            return
        run = await asyncio.to_thread(self._load_run, batch_id)
        if batch_id in self._runs:  # launched twice at once: the first one runs it
            await asyncio.to_thread(self._release, batch_id)
            return
        self._runs[batch_id] = run
        run.task = asyncio.create_task(self._execute(run), name=f"batch-{batch_id}")

    async def stop(self, batch_id: str | None = None) -> list[str]:
        """Stop one batch (or every running one). Returns once ``stopped`` is committed: no
        sample can be added to a stopped batch after this returns."""
        if batch_id is not None:
            ids = [batch_id]
        else:
            ids = await asyncio.to_thread(self._running_ids)
        stopped: list[str] = []
        for one in ids:
            try:
                _, accepted, total = await asyncio.to_thread(self._mark_stopped, one)
            except BatchStateError:
                if batch_id is not None:
                    raise
                continue  # finished between the listing and the stop
            stopped.append(one)
            run = self._runs.get(one)
            if run is not None:
                run.finish(BatchStatus.STOPPED, "stopped by user")
            else:
                self._publish(StatusEvent(one, BatchStatus.STOPPED, accepted, total, "stopped"))
        return stopped

    async def resume(self, batch_id: str) -> dict[str, Any]:
        """Continue a stopped, interrupted or failed batch from what was saved."""
        if self._closed:
            raise BatchStateError("the batch engine is shutting down")
        run = self._runs.get(batch_id)
        if run is not None and run.halted and run.task is not None:
            # Stopped a moment ago and still winding down (in-flight calls cancelled, final
            # counters and lease release being written): resume once that run has ended.
            try:
                await asyncio.wait_for(asyncio.shield(run.task), timeout=RESUME_WAIT_S)
            except TimeoutError:
                raise BatchStateError(
                    f"batch {batch_id!r} is still stopping; try again in a moment"
                ) from None
        await asyncio.to_thread(self._mark_resumed, batch_id)
        await self.launch(batch_id)
        return self.status(batch_id)

    async def interrupt_all_running(self) -> list[str]:
        """Mark batches left ``running`` by a dead process as ``interrupted`` (no auto-resume)."""
        ids = await asyncio.to_thread(self._unleased_ids)
        marked = [i for i in ids if i not in self._runs]
        await asyncio.to_thread(self._mark_interrupted, marked)
        return marked

    # -- queries -----------------------------------------------------------------------------

    def status(self, batch_id: str) -> dict[str, Any]:
        with self.db.read() as session:
            row = BatchRepository(session).get_row(batch_id)
            return self._describe(row, session)

    def all_statuses(self) -> list[dict[str, Any]]:
        with self.db.read() as session:
            rows = session.scalars(select(BatchRow).order_by(BatchRow.started_at.desc())).all()
            return [self._describe(row, session) for row in rows]

    def history(self, *, limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
        with self.db.read() as session:
            statement = select(BatchRow).order_by(BatchRow.started_at.desc(), BatchRow.id)
            rows = session.scalars(statement.limit(limit).offset(offset)).all()
            total = int(session.scalar(select(func.count()).select_from(BatchRow)) or 0)
            return [self._history_entry(row) for row in rows], total

    def stuck(self, *, minutes: float) -> list[dict[str, Any]]:
        """Running batches with no accepted sample for ``minutes``. Read-only: it reports, it
        never stops anything: a long batch is not a stuck one."""
        now = utcnow()
        threshold = now - timedelta(minutes=minutes)
        report: list[dict[str, Any]] = []
        with self.db.read() as session:
            rows = BatchRepository(session).with_status([BatchStatus.RUNNING])
            for row in rows:
                last = row.last_progress_at or row.started_at
                if last > threshold:
                    continue
                report.append(
                    {
                        "batch_id": row.id,
                        "started_at": row.started_at.isoformat(),
                        "last_progress_at": last.isoformat(),
                        "minutes_without_progress": round((now - last).total_seconds() / 60, 1),
                        "samples_generated": row.samples_generated,
                        "total": row.count,
                        "provider": row.provider,
                        "model": row.model,
                        "in_process": row.id in self._runs,
                    }
                )
        return report

    # -- execution -----------------------------------------------------------------------------

    async def _execute(self, run: _Run) -> None:
        self._publish(StatusEvent(run.batch_id, BatchStatus.RUNNING, run.accepted, run.count, None))
        try:
            if run.free_slots:
                async with asyncio.TaskGroup() as group:
                    self._grow(run, group)
                    group.create_task(self._resize(run, group), name=f"{run.batch_id}-sizer")
                    group.create_task(self._renew(run), name=f"{run.batch_id}-lease")
        except Exception as exc:  # a bug in a worker must fail the batch, not vanish
            logger.exception("batch_worker_crashed", batch_id=run.batch_id)
            run.finish(BatchStatus.FAILED, f"engine error: {type(exc).__name__}: {exc}")
        finally:
            if run.outcome is BatchStatus.FAILED and run.reason:
                run.record_error(
                    {
                        "at": datetime.now(UTC).isoformat(),
                        "category": BATCH_FAILED,
                        "error": run.reason,
                        "reasons": list(run.reasons),
                    }
                )
            try:
                status, reason, accepted = await asyncio.shield(
                    asyncio.to_thread(self._finalize, run, self._counters(run))
                )
                reasons = run.reasons if status == run.outcome else ()
                self._publish(
                    StatusEvent(run.batch_id, status, accepted, run.count, reason, reasons)
                )
                logger.info(
                    "batch_finished", batch_id=run.batch_id, status=status, accepted=accepted
                )
            finally:
                self._runs.pop(run.batch_id, None)

    def _wanted_workers(self, run: _Run) -> int:
        """Workers this run should have now: enough to fill every provider's budget at once
        (from the limits learned so far), never more than its unfilled slots or the cap."""
        params = run.params
        if params.provider != AUTO:
            names: tuple[str, ...] = (params.provider,)
        else:
            names = params.providers or tuple(self.registry.order)
        wanted = concurrency_for(self.registry, names, model=params.model, cap=self.max_concurrency)
        return min(wanted, len(run.free_slots) + run.workers)

    def _grow(self, run: _Run, group: asyncio.TaskGroup) -> None:
        while not run.halted and run.workers < self._wanted_workers(run) and run.free_slots:
            run.workers += 1
            group.create_task(self._worker(run), name=f"{run.batch_id}-w{run.workers}")

    async def _resize(self, run: _Run, group: asyncio.TaskGroup) -> None:
        """Follow the budgets: when a provider reports larger limits than the catalog's, the
        pool grows to use them (workers leave on their own when slots run out)."""
        while not run.halted and run.free_slots:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(run.halt.wait(), timeout=RESIZE_EVERY_S)
            self._grow(run, group)

    async def _renew(self, run: _Run) -> None:
        """Keep the batch's lease while the run lasts. A lost lease (the batch was stopped,
        or another process took it over after this one stalled past the lease) halts the run
        without touching the row: whoever holds it now decides its fate."""
        while not run.halted:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(run.halt.wait(), timeout=self.lease_s / 3)
            if run.halted:
                return
            try:
                held = await asyncio.to_thread(self._renew_lease, run.batch_id)
            except Exception as exc:  # a failed renewal is retried; the lease has slack
                logger.warning("batch_lease_renewal_failed", batch_id=run.batch_id, error=str(exc))
                continue
            if not held:
                logger.info("batch_lease_lost", batch_id=run.batch_id)
                run.lease_lost = True
                run.finish(None, "lease lost")
                return

    async def _worker(self, run: _Run) -> None:
        try:
            while not run.halted:
                slot = run.claim()
                if slot is None:
                    return
                filled = False
                try:
                    filled = await self._fill(run, slot)
                finally:
                    if not filled:
                        run.release(slot)
        finally:
            run.workers -= 1

    async def _fill(self, run: _Run, slot: int) -> bool:
        """Attempt ``slot`` until a sample for it is committed or the run halts."""
        while not run.halted:
            item = self._choose(run, slot)
            outcome = await self._attempt(run, item)
            if outcome is None:
                return False
            self._account(run, outcome)
            if outcome.kind is OutcomeKind.ACCEPTED and outcome.sample is not None:
                sample, counters = outcome.sample, self._counters(run)
                result = await asyncio.to_thread(
                    retry_locked,
                    functools.partial(self._save, run.batch_id, sample, slot, counters),
                )
                if result.status == "saved":
                    self._on_saved(run, item, outcome, result)
                    return True
                if result.status in ("closed", "full"):
                    run.accepted = max(run.accepted, result.accepted)
                    run.finish(BatchStatus.COMPLETED if result.status == "full" else None)
                    return False
                self._on_rejected(run, item, outcome, (result.status,))
                continue
            if outcome.kind is OutcomeKind.REJECTED:
                self._on_rejected(run, item, outcome, outcome.reasons)
            else:
                self._on_provider_failure(run, item, outcome)
        return False

    def _choose(self, run: _Run, slot: int) -> PlanItem:
        """The slot's own item, or the next one whose topic circuit is closed. When every
        topic's circuit is open there is nowhere to move the work: the slot keeps its own
        item, and the batch-level bounds decide whether spending goes on."""
        alternatives = run.plan.alternatives(slot, count=run.count)
        for item in alternatives:
            if run.circuits.allow(item.topic):
                return item
        return alternatives[0]

    async def _attempt(self, run: _Run, item: PlanItem) -> GenerationOutcome | None:
        """One generation, abandoned (and its request cancelled) as soon as the run halts."""
        params = run.params
        spec = resolve_spec(
            topic=item.topic,
            difficulty=item.difficulty,
            sample_type=item.sample_type,
            reasoning_instruction=params.reasoning_instruction,
            provider=params.provider,
            model=params.model,
        )
        mode: QualityMode = "lenient" if params.quality_mode == "lenient" else "strict"
        policy = citation_policy(params.citation_policy)
        spending = run.spending
        assert spending is not None
        judge = judge_config(params, self.judge)

        async def before_call() -> None:
            """Counts every provider call (retries included) against the spending bound."""
            if run.halted:
                raise _RunHalted
            if not spending.may_call():
                self._fail_for_spending(run, "spending bound reached")
                raise _RunHalted
            spending.calls += 1

        async def generate() -> GenerationOutcome:
            async with contextlib.AsyncExitStack() as stack:
                if self._inflight is not None:
                    await stack.enter_async_context(self._inflight)
                return await generate_one(
                    spec,
                    router=run.router,
                    db=self.db,
                    save=False,
                    batch_id=run.batch_id,
                    mode=mode,
                    citation_policy=policy,
                    near_duplicate_threshold=self._threshold,
                    exclude=spending.excluded(time.monotonic()),
                    on_call=before_call,
                    repair=params.repair,
                    judge=judge,
                )

        task = asyncio.create_task(generate())
        halted = asyncio.create_task(run.halt.wait())
        try:
            await asyncio.wait({task, halted}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            halted.cancel()
        if not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            return None
        try:
            return task.result()
        except _RunHalted:
            return None
        except Exception as exc:  # e.g. RegistryError: no enabled provider offers the model
            logger.warning("batch_attempt_error", batch_id=run.batch_id, error=str(exc))
            run.finish(BatchStatus.FAILED, f"{type(exc).__name__}: {exc}", (str(exc),))
            return None

    def _account(self, run: _Run, outcome: GenerationOutcome) -> None:
        run.tokens += outcome.tokens_used
        run.followups.record_spend(outcome)
        run.cost_usd += outcome.tokens_used / 1_000_000 * price_per_million(outcome.model)
        if outcome.provider and outcome.model and outcome.kind is not OutcomeKind.UNAVAILABLE:
            run.provider, run.model = outcome.provider, outcome.model
        if outcome.switches:
            run.switches.extend(outcome.switches)
            del run.switches[:-MAX_SWITCHES_KEPT]
        cap_tokens = run.params.max_tokens_total
        cap_cost = run.params.max_cost_usd
        if cap_tokens is not None and run.tokens >= cap_tokens:
            run.finish(BatchStatus.STOPPED, f"token cap reached ({run.tokens} >= {cap_tokens})")
        elif cap_cost is not None and run.cost_usd >= cap_cost:
            run.finish(
                BatchStatus.STOPPED, f"cost cap reached (${run.cost_usd:.4f} >= ${cap_cost})"
            )

    def _on_saved(
        self, run: _Run, item: PlanItem, outcome: GenerationOutcome, result: _SaveResult
    ) -> None:
        run.accepted = max(run.accepted, result.accepted)
        run.fail_streak = 0
        run.followups.record_saved(outcome)
        run.circuits.record_success(item.topic)
        if run.spending is not None:
            run.spending.record_answer(accepted=True)
            if outcome.provider and outcome.model:
                run.spending.model_result(
                    outcome.provider,
                    outcome.model,
                    accepted=True,
                    reasons=(),
                    now=time.monotonic(),
                )
        self._publish(
            SampleEvent(
                run.batch_id,
                sample_id=result.sample_id or "",
                topic=item.topic,
                difficulty=item.difficulty,
                sample_type=item.sample_type,
                samples_generated=run.accepted,
                total=run.count,
            )
        )
        self._publish_progress(run)
        if run.accepted >= run.count:
            run.finish(BatchStatus.COMPLETED)

    def _on_rejected(
        self,
        run: _Run,
        item: PlanItem,
        outcome: GenerationOutcome,
        reasons: tuple[str, ...],
    ) -> None:
        run.rejected += 1
        run.fail_streak = 0
        reasons = reasons or ("rejected",)
        for reason in reasons:
            run.rejected_by_reason[reason] += 1
        self._circuit_failure(run, item)
        self._publish(
            ErrorEvent(
                run.batch_id,
                message="sample rejected: " + ", ".join(reasons),
                category="quality",
                topic=item.topic,
                reasons=reasons,
            )
        )
        spending = run.spending
        if spending is not None:
            spending.record_answer(accepted=False, reasons=reasons)
            if outcome.provider and outcome.model:
                paused = spending.model_result(
                    outcome.provider,
                    outcome.model,
                    accepted=False,
                    reasons=reasons,
                    now=time.monotonic(),
                )
                if paused:
                    self._model_paused(run, outcome.provider, outcome.model, spending)
            if spending.below_floor():
                self._fail_for_spending(run, "acceptance below the floor")
        self._publish_progress(run)
        # A rejection was paid for: record it at once, so a crash cannot make the batch look
        # cheaper than it was (accepted samples record their counters in their own save).
        self._maybe_flush(run, force=True)

    def _model_paused(
        self, run: _Run, provider: str, model: str, spending: SpendingTracker
    ) -> None:
        message = (
            f"{provider}/{model}: {spending.policy.model_rejections} answers in a row failed "
            f"the gate; set aside for {spending.policy.model_pause_s:.0f} s"
        )
        run.record_error(
            {
                "at": datetime.now(UTC).isoformat(),
                "category": "model_breaker",
                "error": message,
                "provider": provider,
                "model": model,
            }
        )
        self._publish(ErrorEvent(run.batch_id, message, "model_breaker", None, (message,)))

    def _fail_for_spending(self, run: _Run, why: str) -> None:
        """End the run ``failed`` because its calls stopped producing samples, naming the
        reasons the recent answers were rejected for."""
        spending = run.spending
        if spending is None or run.halted:
            return
        dominant = spending.dominant_reasons()
        listed = ", ".join(f"{reason} x{n}" for reason, n in dominant) or "no answers"
        reason = (
            f"{why}: {spending.accepted} accepted in {spending.calls} provider calls "
            f"(acceptance {spending.acceptance():.0%} over the last {len(spending.recent)} "
            f"answers); dominant reasons: {listed}"
        )
        reasons = tuple(r for r, _ in dominant)
        run.record_error(
            {
                "at": datetime.now(UTC).isoformat(),
                "category": "spending_bound",
                "error": reason,
                "reasons": list(reasons),
                "calls": spending.calls,
            }
        )
        self._publish(ErrorEvent(run.batch_id, reason, "spending_bound", None, reasons))
        run.finish(BatchStatus.FAILED, reason, reasons)

    def _on_provider_failure(self, run: _Run, item: PlanItem, outcome: GenerationOutcome) -> None:
        error = outcome.provider_error
        category = outcome.error_category or "ProviderError"
        message = outcome.error or category
        run.record_error(
            {
                "at": datetime.now(UTC).isoformat(),
                "topic": item.topic,
                "category": category,
                "error": message[:500],
                "provider": outcome.provider,
                "model": outcome.model,
                "reasons": list(outcome.reasons),
            }
        )
        self._publish(
            ErrorEvent(run.batch_id, message[:500], category, item.topic, outcome.reasons)
        )
        spending = run.spending
        if (
            outcome.kind is OutcomeKind.UNAVAILABLE
            and spending is not None
            and spending.excluded(time.monotonic())
        ):
            # The candidates left are the ones this batch set aside for failing the gate.
            self._fail_for_spending(run, "every usable model was set aside for failing the gate")
        elif outcome.kind is OutcomeKind.UNAVAILABLE:
            run.finish(
                BatchStatus.FAILED,
                f"no provider can serve the batch (every provider is exhausted): {message}",
                outcome.reasons,
            )
        elif error is not None and error.action is Action.FAIL:
            run.fail_streak += 1
            if run.fail_streak >= FAIL_ACTION_STREAK:
                run.finish(
                    BatchStatus.FAILED,
                    f"{run.fail_streak} requests in a row refused ({category}): {message}",
                    outcome.reasons,
                )
        self._maybe_flush(run)

    def _circuit_failure(self, run: _Run, item: PlanItem) -> None:
        if run.circuits.record_failure(item.topic):
            run.record_error(
                {
                    "at": datetime.now(UTC).isoformat(),
                    "topic": item.topic,
                    "category": "circuit_breaker",
                    "error": "circuit opened",
                    "circuit_breaker": "opened",
                }
            )
            self._publish(ErrorEvent(run.batch_id, "circuit opened", "circuit_breaker", item.topic))

    def _publish_progress(self, run: _Run) -> None:
        self._publish(
            ProgressEvent(
                run.batch_id,
                samples_generated=run.accepted,
                total=run.count,
                samples_rejected=run.rejected,
                tokens_used=run.tokens,
                rate_per_minute=run.rate_per_minute(),
                eta_seconds=run.eta_seconds(),
                provider=run.provider,
                model=run.model,
                samples_repaired=run.followups.samples_repaired,
                repair_tokens_saved=run.followups.repair_tokens_saved,
                judge_tokens=run.followups.judge_tokens,
            )
        )

    def _publish(self, event: BatchEvent) -> None:
        self.bus.publish(event)

    def _maybe_flush(self, run: _Run, *, force: bool = False) -> None:
        """Persist counters after failures now and then, or at once with ``force`` (accepted
        samples persist them in their own save transaction)."""
        now = time.monotonic()
        if force or now - run.last_flush >= PROGRESS_FLUSH_S:
            run.last_flush = now
            task = asyncio.get_running_loop().run_in_executor(
                None, self._flush, run.batch_id, self._counters(run)
            )
            task.add_done_callback(_log_flush_failure)

    # -- database work (runs in threads) ------------------------------------------------------

    def _count_all_samples(self) -> int:
        with self.db.read() as session:
            return int(session.scalar(select(func.count()).select_from(SampleRow)) or 0)

    def _insert(self, batch_id: str, params: BatchParams, plan: BatchPlan, *, leased: bool) -> None:
        """Store a new batch; ``leased`` takes its lease in the same transaction, so no other
        process's recovery can pick up a batch this one is about to run."""
        with self.db.write() as session:
            BatchRepository(session).create(
                id=batch_id,
                status=BatchStatus.RUNNING.value,
                count=params.count,
                provider=params.provider if params.provider != AUTO else None,
                model=params.model,
                sample_type=params.sample_type,
                topic_filter=params.topic_filter,
                difficulty_filter=params.difficulty,
                reasoning_instruction=params.reasoning_instruction,
                params=params.to_json(),
                plan=plan.to_json(),
                rejected_by_reason={},
                errors=[],
                switches=[],
                lease_owner=self.owner_id if leased else None,
                lease_expires_at=self._lease_until() if leased else None,
            )

    def _lease_until(self) -> datetime:
        return utcnow() + timedelta(seconds=self.lease_s)

    def _renew_lease(self, batch_id: str) -> bool:
        with self.db.write() as session:
            return BatchRepository(session).renew_lease(
                batch_id=batch_id, owner=self.owner_id, until=self._lease_until()
            )

    def _release(self, batch_id: str) -> None:
        with self.db.write() as session:
            BatchRepository(session).release_lease(batch_id=batch_id, owner=self.owner_id)

    def _load_run(self, batch_id: str) -> _Run:
        """Take the batch's lease and rebuild its run from what was saved. Refused (with
        :class:`BatchStateError`) when the batch is not running or a live process runs it."""
        with self.db.write() as session:
            repo = BatchRepository(session)
            if not repo.acquire_lease(
                batch_id=batch_id, owner=self.owner_id, now=utcnow(), until=self._lease_until()
            ):
                row = repo.get_row(batch_id)
                if row.status != BatchStatus.RUNNING:
                    raise BatchStateError(f"batch {batch_id!r} is {row.status}, not running")
                raise BatchStateError(f"batch {batch_id!r} is being run by another process")
            row = repo.get_row(batch_id)
            slots = session.scalars(
                select(SampleRow.extra).where(SampleRow.batch_id == batch_id)
            ).all()
            params = BatchParams.from_json(dict(row.params or {}))
            plan = BatchPlan.from_json(row.plan or [])
            accepted = len(slots)
            filled = {
                int(extra[SLOT_FIELD])
                for extra in slots
                if extra and isinstance(extra.get(SLOT_FIELD), int)
            }
            remaining = max(0, row.count - accepted)
            free = deque([s for s in range(row.count) if s not in filled][:remaining])
            router = (
                FailoverRouter(self.registry, order=list(params.providers))
                if params.providers
                else self.router
            )
            return _Run(
                batch_id=batch_id,
                params=params,
                plan=plan,
                count=row.count,
                router=router,
                circuits=self._circuit_factory(failure_threshold=self.spending.topic_rejections),
                accepted=accepted,
                accepted_at_start=accepted,
                free_slots=free,
                rejected=row.samples_rejected,
                rejected_by_reason=Counter(dict(row.rejected_by_reason or {})),
                tokens=row.total_tokens,
                cost_usd=row.cost_usd or 0.0,
                errors=list(row.errors or []),
                switches=list(row.switches or []),
                provider=row.provider,
                model=row.model,
                active_before=row.active_seconds or 0.0,
                spending=SpendingTracker(self.spending, count=remaining),
                followups=FollowupCounters.from_dict(row.followups),
            )

    def _save(
        self, batch_id: str, sample: dict[str, Any], slot: int, counters: dict[str, Any]
    ) -> _SaveResult:
        """The one transaction that adds a sample to a batch: locks the batch row, re-reads
        status and count, and refuses the sample if the batch is no longer running or full.

        Both refusals happen before any insert (``repo.add`` validates and checks the id
        first), so a refused sample leaves the transaction empty.
        """
        with self.db.write() as session:
            row = session.get(BatchRow, batch_id, with_for_update=True, populate_existing=True)
            if row is None or row.status != BatchStatus.RUNNING or row.lease_owner != self.owner_id:
                return _SaveResult("closed", self._count_batch(session, batch_id))
            accepted = self._count_batch(session, batch_id)
            if accepted >= row.count:
                return _SaveResult("full", accepted)
            repo = SampleRepository(session, self.db.dialect)
            if repo.find_by_question_hash(question_hash(str(sample.get("question") or ""))):
                return _SaveResult("duplicate", accepted)
            try:
                stored = repo.add({**sample, SLOT_FIELD: slot})
            except DuplicateSampleError:
                return _SaveResult("duplicate", accepted)
            except SampleValidationError:
                return _SaveResult("invalid", accepted)
            accepted += 1
            _write_counters(row, counters, accepted)
            row.last_progress_at = utcnow()
            return _SaveResult("saved", accepted, stored.id)

    @staticmethod
    def _count_batch(session: Any, batch_id: str) -> int:
        statement = (
            select(func.count()).select_from(SampleRow).where(SampleRow.batch_id == batch_id)
        )
        return int(session.scalar(statement) or 0)

    @staticmethod
    def _counters(run: _Run) -> dict[str, Any]:
        """A copy of the run's counters, taken on the event loop so that the thread writing
        them never reads structures the workers are mutating."""
        counters: dict[str, Any] = {
            "samples_rejected": run.rejected,
            "rejected_by_reason": dict(run.rejected_by_reason),
            "total_tokens": run.tokens,
            "cost_usd": round(run.cost_usd, 6),
            "errors": list(run.errors),
            "switches": list(run.switches),
            "circuits": run.circuits.summary(),
            "active_seconds": run.active_before + run.elapsed(),
            "followups": run.followups.as_dict(),
        }
        if run.provider:
            counters["provider"], counters["model"] = run.provider, run.model
        return counters

    def _flush(self, batch_id: str, counters: dict[str, Any]) -> None:
        with self.db.write() as session:
            row = session.get(BatchRow, batch_id, with_for_update=True, populate_existing=True)
            if row is not None and row.lease_owner == self.owner_id:
                _write_counters(row, counters, self._count_batch(session, batch_id))

    def _finalize(self, run: _Run, counters: dict[str, Any]) -> tuple[str, str | None, int]:
        with self.db.write() as session:
            row = session.get(BatchRow, run.batch_id, with_for_update=True, populate_existing=True)
            if row is None:
                return BatchStatus.FAILED, "batch row vanished", 0
            accepted = self._count_batch(session, run.batch_id)
            if row.lease_owner != self.owner_id:
                # Another process took the batch over: its counters and status are its own.
                return row.status, row.stop_reason, accepted
            _write_counters(row, counters, accepted)
            row.lease_owner = row.lease_expires_at = None
            if row.status == BatchStatus.RUNNING and not run.shutdown:
                if accepted >= row.count:
                    row.status, row.stop_reason = BatchStatus.COMPLETED, None
                elif run.outcome in (BatchStatus.FAILED, BatchStatus.STOPPED):
                    row.status, row.stop_reason = run.outcome, _reason(run.reason)
                else:
                    row.status = BatchStatus.FAILED
                    row.stop_reason = _reason(run.reason or "the run ended before reaching count")
                row.completed_at = utcnow()
            return row.status, row.stop_reason, accepted

    def _running_ids(self) -> list[str]:
        with self.db.read() as session:
            return [r.id for r in BatchRepository(session).with_status([BatchStatus.RUNNING])]

    def _unleased_ids(self) -> list[str]:
        with self.db.read() as session:
            return BatchRepository(session).unleased_running(now=utcnow())

    def _mark_stopped(self, batch_id: str) -> tuple[bool, int, int]:
        with self.db.write() as session:
            row = session.get(BatchRow, batch_id, with_for_update=True, populate_existing=True)
            if row is None:
                raise BatchNotFoundError(batch_id)
            if row.status != BatchStatus.RUNNING:
                raise BatchStateError(f"batch {batch_id!r} is not running (status {row.status})")
            accepted = self._count_batch(session, batch_id)
            row.status = BatchStatus.STOPPED
            row.stop_reason = "stopped by user"
            row.samples_generated = accepted
            row.completed_at = row.updated_at = utcnow()
            return True, accepted, row.count

    def _mark_resumed(self, batch_id: str) -> None:
        with self.db.write() as session:
            row = session.get(BatchRow, batch_id, with_for_update=True, populate_existing=True)
            if row is None:
                raise BatchNotFoundError(batch_id)
            if row.status not in RESUMABLE or batch_id in self._runs:
                raise BatchStateError(
                    f"batch {batch_id!r} is {row.status}; only stopped, interrupted or failed "
                    "batches can be resumed"
                )
            if not lease_is_free(row, owner=self.owner_id, now=utcnow()):
                raise BatchStateError(f"batch {batch_id!r} is being run by another process")
            row.status = BatchStatus.RUNNING
            row.stop_reason = None
            row.completed_at = None
            row.last_progress_at = row.updated_at = utcnow()
            row.lease_owner, row.lease_expires_at = self.owner_id, self._lease_until()

    def _mark_interrupted(self, batch_ids: list[str]) -> None:
        if not batch_ids:
            return
        with self.db.write() as session:
            for batch_id in batch_ids:
                row = session.get(BatchRow, batch_id, with_for_update=True)
                if (
                    row is not None
                    and row.status == BatchStatus.RUNNING
                    and lease_is_free(row, owner=self.owner_id, now=utcnow())
                ):
                    row.status = BatchStatus.INTERRUPTED
                    row.stop_reason = "the server stopped while the batch was running"
                    row.updated_at = utcnow()

    # -- presentation ------------------------------------------------------------------------

    def _describe(self, row: BatchRow, session: Any) -> dict[str, Any]:
        data = batch_to_dict(row)
        run = self._runs.get(row.id)
        data.update(
            {
                "success": True,
                "total": row.count,
                "cost_usd": round(row.cost_usd or 0.0, 6),
                "circuit_breaker_summary": row.circuits or _empty_circuits(),
                "running_in_process": run is not None,
                "current_provider": row.provider,
                "current_model": row.model,
                "rate_per_minute": _throughput(row.samples_generated, row.active_seconds),
                "eta_seconds": None,
                "last_progress_at": row.last_progress_at.isoformat()
                if row.last_progress_at
                else None,
            }
        )
        data.pop("plan", None)
        data["stop_reasons"] = _stop_reasons(row)
        data.update(FollowupCounters.from_dict(row.followups).as_dict())
        if run is not None:
            data.update(
                {
                    "samples_generated": run.accepted,
                    "samples_rejected": run.rejected,
                    "rejected_by_reason": dict(run.rejected_by_reason),
                    "tokens_used": run.tokens,
                    "cost_usd": round(run.cost_usd, 6),
                    "current_provider": run.provider,
                    "current_model": run.model,
                    "circuit_breaker_summary": run.circuits.summary(),
                    "rate_per_minute": run.rate_per_minute(),
                    "eta_seconds": run.eta_seconds(),
                    "errors": list(run.errors),
                    "switches": list(run.switches),
                    **run.followups.as_dict(),
                }
            )
        generated = int(data["samples_generated"])
        data["progress"] = round(100.0 * generated / row.count, 1) if row.count else 0.0
        return data

    def _history_entry(self, row: BatchRow) -> dict[str, Any]:
        errors = list(row.errors or [])
        by_category = Counter(str(e.get("category") or "error") for e in errors)
        switches = list(row.switches or [])
        return {
            "batch_id": row.id,
            "id": row.id,
            "status": row.status,
            "count": row.count,
            "target": row.count,
            "samples_generated": row.samples_generated,
            "samples_rejected": row.samples_rejected,
            "rejected_by_reason": dict(row.rejected_by_reason or {}),
            "provider": row.provider,
            "model": row.model,
            "sample_type": row.sample_type,
            "topic_filter": row.topic_filter,
            "difficulty_filter": row.difficulty_filter,
            "tokens_used": row.total_tokens,
            "cost_usd": round(row.cost_usd or 0.0, 6),
            "switches": switches,
            "model_switches": [
                s for s in switches if s.get("from_provider") == s.get("to_provider")
            ],
            "provider_switches": [
                s for s in switches if s.get("from_provider") != s.get("to_provider")
            ],
            "error_summary": {
                "count": len(errors),
                "by_category": dict(by_category),
                "last": errors[-1] if errors else None,
            },
            "stop_reason": row.stop_reason,
            "stop_reasons": _stop_reasons(row),
            **FollowupCounters.from_dict(row.followups).as_dict(),
            "throughput_per_minute": _throughput(row.samples_generated, row.active_seconds),
            "active_seconds": round(row.active_seconds or 0.0, 1),
            "started_at": row.started_at.isoformat(),
            "completed_at": row.completed_at.isoformat() if row.completed_at else None,
        }


def _stop_reasons(row: BatchRow) -> list[str]:
    """The reasons a failed batch gave (its last ``batch_failed`` entry), else none."""
    if row.status != BatchStatus.FAILED:
        return []
    for entry in reversed(list(row.errors or [])):
        if isinstance(entry, dict) and entry.get("category") == BATCH_FAILED:
            return [str(r) for r in entry.get("reasons") or []]
    return []


def _reason(text: str | None) -> str | None:
    """``stop_reason`` is a short column; details live in ``errors``."""
    return text[:STOP_REASON_MAX] if text else None


def _write_counters(row: BatchRow, counters: dict[str, Any], accepted: int) -> None:
    row.samples_generated = accepted
    for name, value in counters.items():
        setattr(row, name, value)
    row.updated_at = utcnow()


def _throughput(samples: int, active_seconds: float | None) -> float | None:
    if not samples or not active_seconds:
        return None
    return round(samples / active_seconds * 60.0, 2)


def _empty_circuits() -> dict[str, list[Any]]:
    return {"open_circuits": [], "half_open_circuits": [], "closed_with_failures": []}


def _log_flush_failure(future: asyncio.Future[None]) -> None:
    if not future.cancelled() and future.exception() is not None:
        logger.warning("batch_progress_flush_failed", error=str(future.exception()))


__all__ = [
    "BatchEngine",
    "BatchStateError",
    "BatchStatus",
    "BatchValidationError",
    "concurrency_for",
    "new_batch_id",
]
