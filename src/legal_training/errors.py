"""The base of every error a user can cause or must be told about.

A domain error carries what any edge needs to report it: a status (HTTP-style, so the API can
answer with it and the CLI can pick an exit code), a stable machine-readable ``code`` and
optional structured details. The API renders every ``DomainError`` through one handler, so a
package raises its own error and no route catches and re-wraps it.

Subclasses set ``status`` and ``code`` as class attributes, or override :meth:`error_status`,
:meth:`error_code` and :meth:`error_details` when the answer depends on the instance.
"""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    """An error with a status, a stable code and optional details (see the module docstring)."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"

    def error_status(self) -> int:
        return self.status

    def error_code(self) -> str:
        return self.code

    def error_details(self) -> Any:
        return None
