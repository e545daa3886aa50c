"""Enrolled terminals in SQL, in the station's database beside the incident records
(laneguard.records.adapters.db, whose `make_engine` makes the engine). SQLAlchemy 2 Core; the
table is prefixed `lg_` so it shares a database with SampleHub. The station database's Alembic
migrations (laneguard.records.adapters.migrations) make it."""

from __future__ import annotations

import builtins
import functools
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Engine,
    LargeBinary,
    MetaData,
    String,
    Table,
    false,
    insert,
    select,
    update,
)
from sqlalchemy.exc import SQLAlchemyError

from laneguard.alerting.domain.alerts import Terminal, TerminalScope
from laneguard.alerting.domain.enrolment import EnrolmentCode
from laneguard.core.clock import assume_utc, to_utc
from laneguard.core.errors import storage_errors

metadata = MetaData()


def scope_columns() -> list[Column[Any]]:
    """A terminal's scope (`TerminalScope`), on terminals and on the codes that enrol them."""
    return [
        Column("station", String(64)),
        Column("lanes", String(512), nullable=False, server_default=""),
        Column("leader", Boolean, nullable=False, server_default=false()),
    ]


def _scope_values(scope: TerminalScope) -> dict[str, Any]:
    return {"station": scope.station, "lanes": scope.lanes_text, "leader": scope.leader}


def _scope(row: Any) -> TerminalScope:
    return TerminalScope(row.station, TerminalScope.parse_lanes(row.lanes), bool(row.leader))


terminals_table = Table(
    "lg_terminals",
    metadata,
    Column("terminal_id", String(32), primary_key=True),
    Column("name", String(64), nullable=False),
    Column("public_key", LargeBinary, nullable=False),
    Column("enrolled_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
    *scope_columns(),
)

enrolment_codes_table = Table(
    "lg_enrolment_codes",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column("terminal_name", String(64), nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True)),
    *scope_columns(),
)


_storage = functools.partial(storage_errors, SQLAlchemyError)


def _terminal(row: Any) -> Terminal:
    return Terminal(
        terminal_id=row.terminal_id,
        name=row.name,
        public_key=bytes(row.public_key),
        enrolled_at=assume_utc(row.enrolled_at),
        revoked_at=to_utc(row.revoked_at),
        scope=_scope(row),
    )


class SqlTerminalRepository:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(self, terminal: Terminal) -> None:
        with _storage("enrolling terminal"), self._engine.begin() as conn:
            conn.execute(
                insert(terminals_table).values(
                    terminal_id=terminal.terminal_id,
                    name=terminal.name,
                    public_key=terminal.public_key,
                    enrolled_at=to_utc(terminal.enrolled_at),
                    revoked_at=to_utc(terminal.revoked_at),
                    **_scope_values(terminal.scope),
                )
            )

    def save(self, terminal: Terminal) -> None:
        with _storage("saving terminal"), self._engine.begin() as conn:
            conn.execute(
                update(terminals_table)
                .where(terminals_table.c.terminal_id == terminal.terminal_id)
                .values(
                    name=terminal.name,
                    revoked_at=to_utc(terminal.revoked_at),
                    **_scope_values(terminal.scope),
                )
            )

    def get(self, terminal_id: str) -> Terminal | None:
        with _storage("reading terminal"), self._engine.connect() as conn:
            row = conn.execute(
                select(terminals_table).where(terminals_table.c.terminal_id == terminal_id)
            ).first()
        return None if row is None else _terminal(row)

    def list(self) -> builtins.list[Terminal]:
        with _storage("listing terminals"), self._engine.connect() as conn:
            rows = conn.execute(select(terminals_table).order_by(terminals_table.c.enrolled_at))
            return [_terminal(r) for r in rows]


class SqlEnrolmentCodeRepository:
    """One-time codes by digest; `consume` is one conditional UPDATE, so of two enrolments
    racing for a code only one sees its row change."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(self, code: EnrolmentCode) -> None:
        with _storage("keeping enrolment code"), self._engine.begin() as conn:
            conn.execute(
                insert(enrolment_codes_table).values(
                    digest=code.digest,
                    terminal_name=code.terminal_name,
                    created_by=code.created_by,
                    created_at=to_utc(code.created_at),
                    expires_at=to_utc(code.expires_at),
                    used_at=None,
                    **_scope_values(code.scope),
                )
            )

    def consume(self, digest: str, terminal_name: str, now: datetime) -> EnrolmentCode | None:
        t = enrolment_codes_table
        with _storage("using enrolment code"), self._engine.begin() as conn:
            changed = conn.execute(
                update(t)
                .where(
                    t.c.digest == digest,
                    t.c.terminal_name == terminal_name,
                    t.c.used_at.is_(None),
                    t.c.expires_at > to_utc(now),
                )
                .values(used_at=to_utc(now))
            ).rowcount
            if changed != 1:
                return None
            row = conn.execute(select(t).where(t.c.digest == digest)).one()
        return EnrolmentCode(
            digest=row.digest,
            terminal_name=row.terminal_name,
            created_by=row.created_by,
            created_at=assume_utc(row.created_at),
            expires_at=assume_utc(row.expires_at),
            used_at=to_utc(row.used_at),
            scope=_scope(row),
        )
