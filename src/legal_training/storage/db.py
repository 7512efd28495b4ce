"""The database handle: engine, sessions, the single SQLite writer path and migrations.

SQLite allows one writer at a time; instead of letting concurrent writers collide on
``database is locked``, every write goes through :meth:`Database.write`, which serialises writers
in-process (readers are never blocked thanks to WAL). PostgreSQL needs no such lock.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    # A 64 MiB page cache and memory-mapped reads: filters and statistics touch many small
    # rows, and the default 2 MiB cache turns each into a system call.
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.execute("PRAGMA mmap_size=268435456")
    cursor.close()
    # Transactions are begun by :func:`_sqlite_begin`, not by the driver, so that a write can
    # take the database's write lock before its first read.
    dbapi_connection.isolation_level = None


def _sqlite_begin(connection: Any) -> None:
    """``BEGIN IMMEDIATE`` for writes: the checks a write makes (is the batch still running,
    does this process hold its lease) then read the state no other process can change before
    the commit. A deferred ``BEGIN`` would read a snapshot another process may already have
    overwritten, and fail with "database is locked" when it tries to write after it."""
    immediate = connection.get_execution_options().get(_IMMEDIATE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


_IMMEDIATE = "legal_training_sqlite_immediate"


_T = TypeVar("_T")


class Database:
    """One engine per process and the ways to use it."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        parsed = make_url(url)
        self.url = url
        self.dialect = parsed.get_backend_name()
        kwargs: dict[str, Any] = {"echo": echo, "future": True}
        if self.dialect == "sqlite":
            database = parsed.database
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        else:
            kwargs["pool_pre_ping"] = True
            kwargs["pool_size"] = 10
            kwargs["max_overflow"] = 20
        self.engine: Engine = create_engine(url, **kwargs)
        if self.dialect == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
            event.listen(self.engine, "begin", _sqlite_begin)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write_lock = threading.RLock()

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @property
    def is_postgresql(self) -> bool:
        return self.dialect == "postgresql"

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reads; nothing it does is committed."""
        with self._sessions() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose work is committed on success and rolled back on any error."""
        lock = self._write_lock if self.is_sqlite else nullcontext()
        with lock, self._sessions() as session, session.begin():
            if self.is_sqlite:
                session.connection(execution_options={_IMMEDIATE: True})
            yield session

    def migrate(self) -> None:
        """Apply every Alembic migration not yet applied (run on every start; idempotent)."""
        script_location = resources.files("legal_training.storage").joinpath("migrations")
        config = Config()
        config.set_main_option("script_location", str(script_location))
        with self._write_lock, self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def analyze(self) -> None:
        """Refresh the query planner's statistics (it picks indexes by them)."""
        with self._write_lock, self.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")

    def dispose(self) -> None:
        self.engine.dispose()


def is_locked_error(exc: BaseException) -> bool:
    """Whether ``exc`` is SQLite's "database is locked": another process held the write lock
    past the busy timeout (a long import), which passes once that writer commits."""
    return isinstance(exc, OperationalError) and "database is locked" in str(exc).lower()


def retry_locked(call: Callable[[], _T], *, attempts: int = 6, first_wait_s: float = 0.2) -> _T:
    """Run ``call`` (one write transaction), trying again with a doubling, jittered wait when
    the database is locked, so a long writer in another process delays a save instead of
    failing the batch. Any other error, or the last locked one, is raised."""
    wait = first_wait_s
    for _ in range(attempts - 1):
        try:
            return call()
        except OperationalError as exc:
            if not is_locked_error(exc):
                raise
            time.sleep(wait * (0.5 + random.random()))
            wait *= 2
    return call()
