"""The station database's Alembic migrations on real SQLite and PostgreSQL: a new database gets
exactly the tables the repositories use; a database made by an older LaneGuard, before
`lg_incidents.clip_path`, upgrades with its rows; one made by `create_tables` (no revision
table) is adopted by a stamp; SampleHub's revision table in a shared database is left alone."""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, inspect, text

from laneguard.access.adapters.db import users_table
from laneguard.alerting.adapters.db import (
    SqlTerminalRepository,
    enrolment_codes_table,
    terminals_table,
)
from laneguard.alerting.domain.alerts import Terminal
from laneguard.centre.adapters.db import centre_cameras_table, centre_incidents_table
from laneguard.core.domain.incidents import ObjectClass, Outcome
from laneguard.core.domain.records import IncidentRecord
from laneguard.core.errors import StorageError
from laneguard.records.adapters.db import SqlIncidentRepository, incidents_table, make_engine
from laneguard.records.adapters.media_db import media_access_table
from laneguard.records.adapters.migrate import (
    VERSION_TABLE,
    alembic_config,
    current_revision,
    upgrade,
)
from laneguard.records.adapters.outbox import outbox_table

T0 = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)
HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()

# What the first LaneGuard's create_tables made on SQLite, before clips were kept.
OLD_SQLITE_SCHEMA = [
    """CREATE TABLE lg_incidents (
        incident_id VARCHAR(64) NOT NULL, station VARCHAR(64) NOT NULL,
        camera VARCHAR(64) NOT NULL, zone VARCHAR(64) NOT NULL, lane VARCHAR(64) NOT NULL,
        object_class VARCHAR(16) NOT NULL, track_id INTEGER NOT NULL, score FLOAT NOT NULL,
        opened_at DATETIME NOT NULL, snapshot_jpeg BLOB NOT NULL, ended_at DATETIME,
        frames INTEGER NOT NULL, max_score FLOAT NOT NULL, track_summary TEXT NOT NULL,
        outcome VARCHAR(16), closed_by VARCHAR(128), closed_at DATETIME,
        PRIMARY KEY (incident_id))""",
    "CREATE INDEX ix_lg_incidents_station ON lg_incidents (station)",
    "CREATE INDEX ix_lg_incidents_opened_at ON lg_incidents (opened_at)",
    """CREATE TABLE lg_terminals (
        terminal_id VARCHAR(32) NOT NULL, name VARCHAR(64) NOT NULL, public_key BLOB NOT NULL,
        enrolled_at DATETIME NOT NULL, revoked_at DATETIME, PRIMARY KEY (terminal_id))""",
]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def blank(request: pytest.FixtureRequest) -> Engine:
    """A new, empty database on each dialect."""
    engine: Engine = request.getfixturevalue(f"blank_{request.param}_engine")
    return engine


def schema_drift(engine: Engine) -> list[object]:
    """What differs between the database and the tables records and alerting use."""
    wanted = MetaData()
    for table in (
        incidents_table,
        terminals_table,
        enrolment_codes_table,
        users_table,
        media_access_table,
        outbox_table,
        centre_incidents_table,
        centre_cameras_table,
    ):
        table.to_metadata(wanted)
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"version_table": VERSION_TABLE, "compare_type": True}
        )
        return list(compare_metadata(context, wanted))


def columns(engine: Engine, table: str) -> list[str]:
    return [c["name"] for c in inspect(engine).get_columns(table)]


def sample_incident() -> IncidentRecord:
    record = IncidentRecord(
        "i1", "S1", "cam", "z", "2", ObjectClass.BICYCLE, 7, 0.8, T0, b"\xff\xd8jpeg"
    )
    record.close(Outcome.TURNED_BACK, "王五 (t-1)", T0)
    return record


def test_a_new_database_gets_the_tables_the_repositories_use(blank: Engine) -> None:
    assert current_revision(blank) is None
    upgrade(blank)
    assert current_revision(blank) == HEAD == "0006"
    assert schema_drift(blank) == []
    indexes = {i["name"] for i in inspect(blank).get_indexes("lg_incidents")}
    assert indexes == {"ix_lg_incidents_station", "ix_lg_incidents_opened_at"}
    upgrade(blank)  # at head: nothing to do
    assert current_revision(blank) == HEAD


def test_an_old_laneguard_database_upgrades_and_keeps_its_rows(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "old.db"
    with sqlite3.connect(db) as conn:
        for statement in OLD_SQLITE_SCHEMA:
            conn.execute(statement)
        conn.execute(
            "INSERT INTO lg_incidents VALUES ('old-1', 'S1', 'cam', 'z', '1', 'pedestrian', 4,"
            " 0.9, '2025-12-01 08:00:00.000000', x'ffd8', '2025-12-01 08:00:06.000000', 60,"
            " 0.95, '{}', 'false_alarm', 'alice (t-1)', '2025-12-01 08:01:00.000000')"
        )
        conn.execute(
            "INSERT INTO lg_terminals VALUES ('t-1', 'alice', x'0102',"
            " '2025-11-30 07:00:00.000000', NULL)"
        )
    engine = make_engine(f"sqlite:///{db}")
    assert "clip_path" not in columns(engine, "lg_incidents")
    with caplog.at_level(logging.INFO, logger="laneguard.records.adapters.migrate"):
        upgrade(engine)
    assert "made before migrations at 0001" in caplog.text
    assert current_revision(engine) == HEAD
    assert schema_drift(engine) == []

    incidents = SqlIncidentRepository(engine)
    old = incidents.get("old-1")
    assert old is not None
    assert (old.station, old.object_class, old.track_id, old.frames) == (
        "S1",
        ObjectClass.PEDESTRIAN,
        4,
        60,
    )
    assert old.opened_at == datetime(2025, 12, 1, 8, 0, tzinfo=UTC)
    assert old.snapshot_jpeg == b"\xff\xd8"
    assert (old.outcome, old.closed_by, old.clip_path) == (
        Outcome.FALSE_ALARM,
        "alice (t-1)",
        None,
    )
    incidents.set_clip("old-1", "/data/clips/old-1.avi")  # the new column takes writes
    assert (incidents.get("old-1") or old).clip_path == "/data/clips/old-1.avi"
    terminal = SqlTerminalRepository(engine).get("t-1")
    assert terminal is not None
    assert (terminal.name, terminal.public_key) == ("alice", b"\x01\x02")
    assert terminal.enrolled_at == datetime(2025, 11, 30, 7, 0, tzinfo=UTC)
    engine.dispose()


def test_a_database_made_by_create_tables_is_stamped_where_it_stands(
    blank: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    # The current create_tables: every table of both slices, `clip_path` included, no revision.
    incidents_table.metadata.create_all(blank)
    terminals_table.metadata.create_all(blank)
    record = sample_incident()
    SqlIncidentRepository(blank).add(record)
    SqlTerminalRepository(blank).add(Terminal("t-9", "bob", b"\x09" * 32, T0))
    assert VERSION_TABLE not in inspect(blank).get_table_names()

    with caplog.at_level(logging.INFO, logger="laneguard.records.adapters.migrate"):
        upgrade(blank)
    assert "made before migrations at 0002" in caplog.text
    assert current_revision(blank) == HEAD
    assert schema_drift(blank) == []
    assert SqlIncidentRepository(blank).get("i1") == record
    assert [t.terminal_id for t in SqlTerminalRepository(blank).list()] == ["t-9"]


def test_a_database_missing_a_table_is_completed(blank_sqlite_engine: Engine) -> None:
    incidents_table.metadata.create_all(blank_sqlite_engine)  # records' table only
    SqlIncidentRepository(blank_sqlite_engine).add(sample_incident())
    upgrade(blank_sqlite_engine)
    assert current_revision(blank_sqlite_engine) == HEAD
    assert schema_drift(blank_sqlite_engine) == []
    assert SqlIncidentRepository(blank_sqlite_engine).get("i1") is not None


def test_samplehub_revisions_in_a_shared_database_are_left_alone(blank: Engine) -> None:
    with blank.begin() as conn:
        conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)"))
        conn.execute(text("INSERT INTO alembic_version VALUES ('0005')"))
    upgrade(blank)
    assert current_revision(blank) == HEAD
    with blank.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).all() == [("0005",)]


def test_downgrade_and_upgrade_again_keep_the_rows(sqlite_engine: Engine) -> None:
    SqlIncidentRepository(sqlite_engine).add(sample_incident())
    url = sqlite_engine.url.render_as_string(hide_password=False)
    command.downgrade(alembic_config(url), "0001")  # on an engine of Alembic's own
    assert current_revision(sqlite_engine) == "0001"
    assert "clip_path" not in columns(sqlite_engine, "lg_incidents")
    upgrade(sqlite_engine)
    assert current_revision(sqlite_engine) == HEAD
    assert schema_drift(sqlite_engine) == []
    assert SqlIncidentRepository(sqlite_engine).get("i1") == sample_incident()
    command.downgrade(alembic_config(url), "base")
    assert not {"lg_incidents", "lg_terminals"} & set(inspect(sqlite_engine).get_table_names())


def test_an_unreachable_database_is_a_storage_error(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'no-such-folder' / 'lg.db'}")
    with pytest.raises(StorageError, match="cannot create or upgrade LaneGuard tables"):
        upgrade(engine)
    engine.dispose()
