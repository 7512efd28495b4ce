"""What every JSON answer shares."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Envelope(BaseModel):
    """A successful answer: ``success`` plus the fields of the route's own model.

    Extra keys are allowed so that a view can grow a field before its schema names it; the
    schema documents the fields clients rely on.
    """

    model_config = ConfigDict(extra="allow")

    success: bool = True
