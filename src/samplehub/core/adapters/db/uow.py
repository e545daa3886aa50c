"""The SQL unit of work: one connection and one transaction per command or query."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Self

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from samplehub.core.adapters.db.outbox import SqlOutbox
from samplehub.core.adapters.db.repositories import (
    SqlAudit,
    SqlCustomers,
    SqlOrders,
    SqlSamples,
    SqlSequences,
    SqlUsers,
)
from samplehub.core.adapters.db.transport import SqlTasks
from samplehub.core.adapters.sealing import AesGcmSealer
from samplehub.core.domain.errors import Conflict, DomainError
from samplehub.core.service.unit_of_work import UnitOfWorkBase

log = logging.getLogger(__name__)


def make_engine(url: str, data_dir: Path | None = None) -> Engine:
    """An engine for the URL; SQLite gets WAL, foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        if data_dir is not None:
            data_dir.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 15})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


class SqlUnitOfWork(UnitOfWorkBase):
    """One connection and one transaction; subclasses add the slices' repositories on it."""

    def __init__(self, engine: Engine, sealer: AesGcmSealer | None = None) -> None:
        self.engine = engine
        self.sealer = sealer or AesGcmSealer.for_process()  # seals outbox bodies at rest
        self.conn: Connection | None = None
        self.seen = []
        self.sql_samples: SqlSamples | None = None
        self.sql_tasks: SqlTasks | None = None

    def __enter__(self) -> Self:
        super().__enter__()
        self.conn = self.engine.connect()
        self.conn.begin()
        self.customers = SqlCustomers(self.conn, self.seen)
        self.users = SqlUsers(self.conn, self.seen)
        self.orders = SqlOrders(self.conn, self.seen)
        self.samples = self.sql_samples = SqlSamples(self.conn, self.seen)
        self.tasks = self.sql_tasks = SqlTasks(self.conn, self.seen)
        self.audit = SqlAudit(self.conn, self.seen)
        self.sequences = SqlSequences(self.conn, self.seen)
        self.outbox = SqlOutbox(self.conn, self.sealer)
        self._open(self.conn)
        return self

    def _open(self, conn: Connection) -> None:
        """Put further repositories on this transaction's connection."""

    def __exit__(self, *exc: object) -> None:
        try:
            super().__exit__(*exc)
        finally:
            if self.conn is not None:
                self.conn.close()
                self.conn = None
        if isinstance(exc[1], DBAPIError) and (translated := _translate(exc[1])) is not None:
            raise translated from exc[1]

    def _flush(self) -> None:
        assert self.sql_samples is not None
        assert self.sql_tasks is not None
        self.sql_samples.flush()
        self.sql_tasks.flush()

    def _commit(self) -> None:
        assert self.conn is not None
        self.conn.commit()

    def rollback(self) -> None:
        if self.conn is not None and self.conn.in_transaction():
            self.conn.rollback()


def _translate(error: DBAPIError) -> DomainError | None:
    """Vendor errors become the project's own at this edge."""
    if isinstance(error, IntegrityError):
        log.info("integrity error treated as a concurrent change: %s", error.orig)
        return Conflict("a unique record")
    if isinstance(error, OperationalError) and "locked" in str(error.orig):
        return Conflict("the database (locked)")
    return None


class SqlUowFactory:
    """Makes units of work over one engine (one connection pool) and can release it.

    Bootstrap makes one per process (a subclass whose units of work carry every slice's
    repositories); this is the one place an engine is made.
    """

    def __init__(
        self, url: str, data_dir: Path | None = None, sealer: AesGcmSealer | None = None
    ) -> None:
        self.engine = make_engine(url, data_dir)
        self.sealer = sealer or AesGcmSealer.for_process()

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, self.sealer)

    def dispose(self) -> None:
        self.engine.dispose()
