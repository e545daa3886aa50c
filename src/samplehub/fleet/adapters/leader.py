"""Who runs the fleet when several ``samplehub serve`` workers share one database.

PostgreSQL: a session-level advisory lock held on a dedicated connection (not from the pool the
requests use). Whoever holds it leads; when its process dies, PostgreSQL drops the session and
the lock with it, and the next follower to try takes over. The key is derived from the database
and schema, so one database (and schema) has one fleet. SQLite serves one process: it leads.
Other single-worker jobs (the notice delivery) take a lock of their own ``name``.
"""

from __future__ import annotations

import logging
import time

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

log = logging.getLogger(__name__)
KEY_SQL = "hashtext(current_database() || '.' || current_schema() || '.' || :name)"
FLEET = "samplehub-fleet"


class SingleProcess:
    """Implements ``Leadership`` for SQLite: the one process serving the database leads."""

    def acquire(self) -> bool:
        return True

    def held(self) -> bool:
        return True

    def release(self) -> None:
        return None


class PostgresAdvisoryLock:
    """Implements ``Leadership`` with ``pg_try_advisory_lock`` on its own connection."""

    def __init__(self, url: str, check_every_s: float = 2.0, name: str = FLEET) -> None:
        self.name = name
        self.engine = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        self.check_every_s = check_every_s
        self.conn: Connection | None = None
        self._checked = 0.0

    def acquire(self) -> bool:
        if self.conn is not None:
            return self.held()
        try:
            conn = self.engine.connect()
        except SQLAlchemyError as exc:
            log.warning("fleet lead: cannot reach the database: %s", exc)
            return False
        try:
            got = bool(
                conn.execute(
                    text(f"SELECT pg_try_advisory_lock({KEY_SQL})"), {"name": self.name}
                ).scalar()
            )
        except SQLAlchemyError as exc:
            log.warning("fleet lead: lock query failed: %s", exc)
            got = False
        if not got:
            conn.close()
            return False
        self.conn, self._checked = conn, time.monotonic()
        return True

    def held(self) -> bool:
        """The lock lives as long as its session: check the connection now and then."""
        if self.conn is None:
            return False
        if time.monotonic() - self._checked < self.check_every_s:
            return True
        try:
            self.conn.execute(text("SELECT 1"))
        except SQLAlchemyError as exc:
            log.warning("fleet lead: its database session is gone (%s)", exc)
            self._close()
            return False
        self._checked = time.monotonic()
        return True

    def release(self) -> None:
        if self.conn is None:
            return
        try:
            self.conn.execute(text(f"SELECT pg_advisory_unlock({KEY_SQL})"), {"name": self.name})
        except SQLAlchemyError as exc:
            log.warning("fleet lead: unlock failed (the session ends anyway): %s", exc)
        self._close()

    def _close(self) -> None:
        conn, self.conn = self.conn, None
        if conn is not None:
            try:
                conn.close()
            except SQLAlchemyError:
                log.debug("closing the fleet lead's connection failed", exc_info=True)

    def dispose(self) -> None:
        self.release()
        self.engine.dispose()
