"""The station database's schema (the `lg_*` tables of records and alerting) by Alembic,
configured in code so that it runs from an installed package; `upgrade` runs at every start.

LaneGuard keeps its revision in its own table, `lg_alembic_version`, because the database may be
shared with SampleHub, whose migrations keep theirs in Alembic's default `alembic_version`.

A database made before these migrations (by the old `create_tables`) has `lg_*` tables but no
`lg_alembic_version`. It is adopted: revision 0001 creates only the tables it lacks (as
`create_tables` did), the revision its tables match is stamped (0002 where `lg_incidents`
already has `clip_path`, else 0001), and the upgrade goes on from there."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Engine, inspect
from sqlalchemy.exc import SQLAlchemyError

from laneguard.core.errors import StorageError

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "lg_alembic_version"
BASELINE = "0001"  # the tables of the first LaneGuard, without `lg_incidents.clip_path`
CLIP_PATH = "0002"  # `lg_incidents.clip_path`, once added by `create_tables`' ALTER TABLE
LEGACY_TABLES = frozenset({"lg_incidents", "lg_terminals"})


def alembic_config(url: str = "", connection: Connection | None = None) -> Config:
    """A config for Alembic's commands: on `connection` when given (then `url` is not used),
    else on an engine of its own for `url` (as `alembic revision` wants)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.set_main_option("version_table", VERSION_TABLE)
    config.attributes["connection"] = connection
    return config


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None before any (a new or a pre-Alembic database)."""
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(
                conn, opts={"version_table": VERSION_TABLE}
            ).get_current_revision()
    except SQLAlchemyError as exc:
        raise StorageError(f"cannot read the LaneGuard schema revision: {exc}") from exc


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to `revision`, adopting one made before these migrations; in one
    transaction where the database has transactional DDL (PostgreSQL)."""
    try:
        with engine.begin() as conn:
            config = alembic_config(connection=conn)
            adopted = _adopt(config, conn)
            if adopted is not None:
                log.info("adopted a LaneGuard database made before migrations at %s", adopted)
            command.upgrade(config, revision)
    except SQLAlchemyError as exc:
        raise StorageError(f"cannot create or upgrade LaneGuard tables: {exc}") from exc


def _adopt(config: Config, conn: Connection) -> str | None:
    """For a pre-Alembic database: its missing tables made and its revision stamped; the
    revision, or None where there is nothing to adopt."""
    tables = set(inspect(conn).get_table_names())
    if VERSION_TABLE in tables or not tables & LEGACY_TABLES:
        return None
    command.upgrade(config, BASELINE)  # creates only what create_tables would have
    columns = {c["name"] for c in inspect(conn).get_columns("lg_incidents")}
    if "clip_path" not in columns:
        return BASELINE
    command.stamp(config, CLIP_PATH)
    return CLIP_PATH
