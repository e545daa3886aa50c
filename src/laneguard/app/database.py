"""The one database of a station or of the management centre: its engine with every `lg_*`
table at the newest revision (LaneGuard's migrations), and the web users kept in it."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from sqlalchemy import Engine

from laneguard.access.adapters.argon import Argon2Hasher
from laneguard.access.adapters.db import SqlUserRepository
from laneguard.access.service.users import UserService
from laneguard.core.clock import SystemClock
from laneguard.records.adapters.db import make_engine
from laneguard.records.adapters.migrate import upgrade as upgrade_schema


class StoredConfig(Protocol):
    """What a station's and a centre's config say of their database."""

    database_url: str | None
    data_dir: Path

    def resolved_database_url(self) -> str: ...


def open_database(config: StoredConfig) -> Engine:
    """The configured database, or SQLite in the data folder (made first), migrated."""
    if config.database_url is None:
        config.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(config.resolved_database_url())
    upgrade_schema(engine)  # every `lg_*` table, at the newest revision
    return engine


def user_service(engine: Engine) -> UserService:
    return UserService(SqlUserRepository(engine), Argon2Hasher(), SystemClock())
