"""Users in SQL (`lg_users`), in the station's database beside the incident records; the
table is made by the station's Alembic migrations (laneguard.records.adapters.migrations)."""

from __future__ import annotations

import builtins
import functools
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Engine,
    MetaData,
    String,
    Table,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from laneguard.access.domain.users import Role, User
from laneguard.access.service.users import UserError
from laneguard.core.clock import assume_utc, to_utc
from laneguard.core.errors import StorageError, storage_errors

metadata = MetaData()

users_table = Table(
    "lg_users",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", String(256), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("active", Boolean, nullable=False),
)


_storage = functools.partial(storage_errors, SQLAlchemyError)


def _user(row: Any) -> User:
    return User(
        name=row.name,
        role=Role(row.role),
        password_hash=row.password_hash,
        created_at=assume_utc(row.created_at),
        active=bool(row.active),
    )


class SqlUserRepository:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(self, user: User) -> None:
        try:
            with self._engine.begin() as conn:
                conn.execute(
                    insert(users_table).values(
                        name=user.name,
                        role=user.role.value,
                        password_hash=user.password_hash,
                        created_at=to_utc(user.created_at),
                        active=user.active,
                    )
                )
        except IntegrityError as exc:
            raise UserError(f"name={user.name!r} is taken; choose another name") from exc
        except SQLAlchemyError as exc:
            raise StorageError(f"adding user failed: {exc}") from exc

    def get(self, name: str) -> User | None:
        with _storage("reading user"), self._engine.connect() as conn:
            row = conn.execute(select(users_table).where(users_table.c.name == name)).first()
        return None if row is None else _user(row)

    def save(self, user: User) -> None:
        with _storage("saving user"), self._engine.begin() as conn:
            conn.execute(
                update(users_table)
                .where(users_table.c.name == user.name)
                .values(role=user.role.value, password_hash=user.password_hash, active=user.active)
            )

    def list(self) -> builtins.list[User]:
        with _storage("listing users"), self._engine.connect() as conn:
            rows = conn.execute(select(users_table).order_by(users_table.c.name))
            return [_user(r) for r in rows]
