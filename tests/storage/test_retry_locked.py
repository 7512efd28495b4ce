"""A save that meets "database is locked" waits and tries again instead of failing."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from legal_training.storage.db import is_locked_error, retry_locked


def _locked() -> OperationalError:
    return OperationalError("INSERT ...", {}, Exception("database is locked"))


def test_a_locked_write_is_retried_until_it_succeeds() -> None:
    calls: list[int] = []

    def write() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise _locked()
        return "saved"

    assert retry_locked(write, first_wait_s=0.001) == "saved"
    assert len(calls) == 3


def test_other_errors_and_a_lock_that_never_clears_are_raised() -> None:
    def broken() -> None:
        raise OperationalError("SELECT", {}, Exception("no such table: batches"))

    with pytest.raises(OperationalError, match="no such table"):
        retry_locked(broken, first_wait_s=0.001)
    calls: list[int] = []

    def always_locked() -> None:
        calls.append(1)
        raise _locked()

    with pytest.raises(OperationalError) as raised:
        retry_locked(always_locked, attempts=4, first_wait_s=0.001)
    assert is_locked_error(raised.value) and len(calls) == 4
