"""``samplehub backup restore``: a verified backup put back into the installation the settings
name: the SQLite copy into an empty data folder, a PostgreSQL dump into an empty database in one
transaction, the files beside either. An installation that holds data is moved aside first,
never deleted (the data folder renamed; a PostgreSQL database dumped into it). It refuses while
`samplehub serve` runs on the folder (``InUse``) or anything else is connected to the PostgreSQL
database.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from samplehub import __version__
from samplehub.app.backup import (
    IN_USE,
    OUTSIDE_KEYS,
    PG_DUMP,
    SQLITE_COPY,
    BackupRefused,
    InUse,
    is_sqlite,
    libpq,
    pg_dump,
    pg_tool,
    sqlite_path,
    verify,
    walk_chain,
)
from samplehub.app.config import Settings


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    from samplehub.core.adapters.db.migrate import alembic_config

    return {r.revision for r in ScriptDirectory.from_config(alembic_config("")).walk_revisions()}


def _shown(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _pg_tables(url: str) -> list[str]:
    """The tables of the PostgreSQL database at ``url``, schema-qualified and quoted; refused
    while anything else is connected to it (a `samplehub serve` on another machine)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            others = conn.execute(
                text(
                    "SELECT count(*), string_agg(DISTINCT coalesce(nullif(application_name, ''),"
                    " client_addr::text, 'local'), ', ') FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    " AND backend_type = 'client backend'"
                )
            ).one()
            if others[0]:
                raise BackupRefused(
                    f"{others[0]} other connection(s) to the database {_shown(url)} ({others[1]}):"
                    " stop samplehub serve and every other client of it first"
                )
            return list(
                conn.execute(
                    text(
                        "SELECT format('%I.%I', table_schema, table_name)"
                        " FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
                        " AND table_schema NOT IN ('pg_catalog', 'information_schema')"
                        " ORDER BY 1"
                    )
                ).scalars()
            )
    finally:
        engine.dispose()


def _move_aside(data_dir: Path, url: str | None) -> Path:
    """The data folder renamed to ``<data_dir>.before-restore-<time>``, with a dump of the
    PostgreSQL database at ``url`` in it: nothing of the former installation is deleted."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    moved = data_dir.with_name(f"{data_dir.name}.before-restore-{stamp}")
    os.replace(data_dir, moved)
    if url is not None:
        try:
            pg_dump(url, moved / PG_DUMP)
        except BaseException:
            os.replace(moved, data_dir)
            raise
    return moved


def _pg_restore(url: str, dump: Path, tables: list[str], scratch: Path) -> None:
    """``dump`` into the database at ``url`` in one transaction: its ``tables`` dropped, the
    dump's schema and rows created. A failure leaves the database as it was. The dump is read
    whole into a script in ``scratch`` before the database is touched."""
    script = scratch / ".restore.sql"
    try:
        read = subprocess.run(  # noqa: S603 - pg_restore with our own arguments
            [pg_tool("pg_restore"), "--no-owner", "--no-acl", "--clean", "--if-exists",
             f"--file={script}", str(dump)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if read.returncode != 0:
            raise BackupRefused(f"pg_restore cannot read {dump}: {read.stderr.strip()}")
        drops = [f"--command=DROP TABLE IF EXISTS {', '.join(tables)} CASCADE"] if tables else []
        conninfo, env = libpq(url)
        done = subprocess.run(  # noqa: S603 - psql with our own arguments
            [pg_tool("psql"), "--no-psqlrc", "--quiet", "--single-transaction",
             "--set=ON_ERROR_STOP=1", *drops, f"--file={script}", f"--dbname={conninfo}"],
            capture_output=True, text=True, check=False, env=env,
        )  # fmt: skip
        if done.returncode != 0:
            said = done.stderr.strip()
            raise BackupRefused(f"the restore failed, the database is as it was: {said}")
    finally:
        script.unlink(missing_ok=True)


@dataclass(frozen=True)
class Restored:
    """What ``restore`` did: where the former installation went, and for a PostgreSQL dump the
    custody chain walked in the restored database (SQLite's was walked by ``verify`` before)."""

    moved: Path | None
    custody_records: int | None = None
    problems: list[str] = field(default_factory=list)


def restore(folder: Path, settings: Settings, replace: bool = False) -> Restored:
    """Put a verified backup back into the installation ``settings`` name: a SQLite copy into
    its data folder, a PostgreSQL dump into its database. One that already holds data is
    refused, or with ``replace`` moved aside to ``<data_dir>.before-restore-<time>`` first (a
    PostgreSQL database dumped there). Stop the service before."""
    check = verify(folder)
    if not check.ok:
        raise BackupRefused(f"{folder} does not verify: {'; '.join(check.problems)}")
    if check.manifest.revision not in _known_revisions():
        raise BackupRefused(
            f"{folder} holds schema revision {check.manifest.revision}, which this SampleHub "
            f"({__version__}) does not know: restore it with the version that made it "
            f"({check.manifest.version}) or a later one"
        )
    url = settings.resolved_database_url()
    if check.manifest.database == "sqlite":
        if not is_sqlite(url) or sqlite_path(url) != (settings.data_dir / SQLITE_COPY).resolve():
            raise BackupRefused(
                f"the configured database {url} is not the data folder's SQLite file"
            )
    elif is_sqlite(url):
        raise BackupRefused(
            f"{folder} holds a PostgreSQL dump, and the configured database is SQLite ({url}): "
            "set SAMPLEHUB_DATABASE_URL to the PostgreSQL database to restore it into"
        )
    data_dir = settings.data_dir
    alone = InUse(data_dir, alone=True)  # no serve starts, none may go on writing
    try:
        tables = [] if is_sqlite(url) else _pg_tables(url)
        files = any(p.name != IN_USE for p in data_dir.iterdir())
        if (files or tables) and not replace:
            what = (
                f"the database {_shown(url)} holds tables" if tables else f"{data_dir} is not empty"
            )
            raise BackupRefused(f"{what}: restore into an empty one, or replace")
        moved = None
        if files or tables:
            moved = _move_aside(data_dir, url if tables else None)
            alone.release()
            alone = InUse(data_dir, alone=True)  # on the new, empty folder
        if not is_sqlite(url):
            try:
                _pg_restore(url, folder / PG_DUMP, tables, data_dir)
            except BaseException:
                if moved is not None:  # the database is as it was: so is the folder
                    alone.release()
                    if tables:
                        (moved / PG_DUMP).unlink()  # the dump _move_aside made
                    (data_dir / IN_USE).unlink()
                    data_dir.rmdir()
                    os.replace(moved, data_dir)
                raise
    finally:
        alone.release()
    keys = settings.keys_dir() if check.manifest.keys_dir else None
    for name in check.manifest.files:
        if name == PG_DUMP:
            continue
        if name.startswith(f"{OUTSIDE_KEYS}/") and keys is not None:
            target = keys / name.removeprefix(f"{OUTSIDE_KEYS}/")
        else:
            target = data_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(folder / name, target)
    if is_sqlite(url):
        return Restored(moved)
    records, _, problems = walk_chain(url, data_dir, data_dir, settings.keys_dir())
    return Restored(moved, records, problems)
