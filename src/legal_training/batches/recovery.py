"""Start-up recovery: batches a previous process left ``running`` continue from what was saved.

Only batches whose lease has expired (or that nobody holds) are taken: a batch another live
process is running (a CLI ``generate`` next to ``serve``) keeps its lease and is left alone.

Nothing needs replaying: every accepted sample was committed with its slot number before it was
counted, so the run rebuilt by :meth:`BatchEngine.launch` asks only for unfilled slots and starts
from ``COUNT(samples WHERE batch_id = …)``. With auto-resume disabled such batches are marked
``interrupted`` instead (resumable with ``POST /api/generate/batch/{id}/resume``), never left
as zombies that claim to run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import structlog

from legal_training.errors import DomainError

if TYPE_CHECKING:
    from legal_training.batches.engine import BatchEngine

logger = structlog.get_logger(__name__)


async def recover(engine: BatchEngine) -> list[str]:
    """Resume (or mark interrupted) every batch found running; returns the resumed ids."""
    if not engine.auto_resume:
        marked = await engine.interrupt_all_running()
        if marked:
            logger.info("batches_interrupted", batch_ids=marked)
        return []
    resumed: list[str] = []
    for batch_id in await engine.running_ids():
        if engine.is_live(batch_id):
            continue
        try:
            await engine.launch(batch_id)
        except DomainError:  # another process took it (or it ended) since the listing
            continue
        resumed.append(batch_id)
    if resumed:
        logger.info("batches_resumed", batch_ids=resumed)
    return resumed
