"""Start-up recovery: batches a previous process left ``running`` continue from what was saved.

Nothing needs replaying: every accepted sample was committed with its slot number before it was
counted, so the run rebuilt by :meth:`BatchEngine.launch` asks only for unfilled slots and starts
from ``COUNT(samples WHERE batch_id = …)``. With auto-resume disabled such batches are marked
``interrupted`` instead (resumable with ``POST /api/generate/batch/{id}/resume``), never left
as zombies that claim to run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import structlog

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
        await engine.launch(batch_id)
        resumed.append(batch_id)
    if resumed:
        logger.info("batches_resumed", batch_ids=resumed)
    return resumed
