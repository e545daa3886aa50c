"""`samplehub backup`: a consistent copy while samples keep moving, checked against its
manifest, restored into a new data folder whose custody chain verifies; what a damaged backup
and a non-empty folder are told; a PostgreSQL dump restored in one transaction."""

from __future__ import annotations

import dataclasses
import fcntl
import json
import shutil
import sqlite3
import subprocess
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from samplehub.app import backup, bootstrap, jobs, restore
from samplehub.app.config import Settings
from samplehub.app.demo import seed_demo
from samplehub.app.services import Services
from samplehub.cli import app as cli
from samplehub.core.service import commands as c
from samplehub.core.service import queries


@pytest.fixture
def sqlite_site(tmp_path: Path) -> Iterator[tuple[Settings, Services, dict[str, str]]]:
    settings = Settings(data_dir=tmp_path / "data", secret_key="backup-test-key-0123456789")
    bootstrap.upgrade_database(settings)
    services = bootstrap.bootstrap(settings)
    made = seed_demo(services)
    (settings.data_dir / "documents").mkdir()
    (settings.data_dir / "documents" / "WT-1.pdf").write_bytes(b"%PDF-1.7 a certificate")
    (settings.data_dir / "anchors.jsonl").write_text("")
    (settings.data_dir / "documents" / "WT-2.pdf.part").write_bytes(b"%PDF-1.7 half")  # writing
    yield settings, services, made
    services.close()


def _keep_registering(services: Services, order: str, stop: threading.Event) -> list[str]:
    """Samples registered one after another (each a transaction with its custody record)."""
    numbers: list[str] = []
    while not stop.is_set():
        instrument = {"instrument_type": "压力表", "serial_number": f"BK-{len(numbers)}"}
        numbers.append(services.bus.handle(c.RegisterSample(c.SYSTEM, order, instrument)))
    return numbers


def test_a_backup_made_while_samples_are_registered_verifies_and_restores(
    sqlite_site: tuple[Settings, Services, dict[str, str]], tmp_path: Path
) -> None:
    settings, services, made = sqlite_site
    stop, registered = threading.Event(), []
    writer = threading.Thread(
        target=lambda: registered.extend(_keep_registering(services, made["order_b"], stop))
    )
    writer.start()
    try:
        steps: list[str] = []
        manifest = backup.create(settings, tmp_path / "bk", lambda s, d, t: steps.append(s))
    finally:
        stop.set()
        writer.join()
    assert registered  # the service went on writing during the backup
    assert {"database", "files", "hashes"} <= set(steps)
    assert (manifest.database, manifest.revision, manifest.chain_intact) == ("sqlite", "0012", True)
    assert {"samplehub.db", "anchors.jsonl", "documents/WT-1.pdf"} <= set(manifest.files)
    assert not any(name.endswith(("-wal", "-shm", ".part")) for name in manifest.files)
    check = backup.verify(tmp_path / "bk")
    assert check.ok, check.problems
    assert check.custody_records == manifest.custody_records

    target = Settings(data_dir=tmp_path / "restored", secret_key="backup-test-key-0123456789")
    assert restore.restore(tmp_path / "bk", target) == restore.Restored(None)
    restored = bootstrap.bootstrap(target)
    try:
        assert queries.verify_audit(restored.uow_factory).ok
        with restored.uow_factory() as uow:
            assert uow.samples.get(made["sample_a1"]) is not None
    finally:
        restored.close()
    assert (target.data_dir / "documents" / "WT-1.pdf").read_bytes() == b"%PDF-1.7 a certificate"


@pytest.fixture
def backed_up(
    sqlite_site: tuple[Settings, Services, dict[str, str]], tmp_path: Path
) -> tuple[Settings, Path]:
    """The demo site's settings and a backup of it."""
    settings = sqlite_site[0]
    backup.create(settings, tmp_path / "bk")
    return settings, tmp_path / "bk"


def test_a_damaged_backup_is_named_file_by_file(
    backed_up: tuple[Settings, Path], tmp_path: Path
) -> None:
    folder = backed_up[1]
    (folder / "documents" / "WT-1.pdf").write_bytes(b"%PDF-1.7 another")
    (folder / "anchors.jsonl").unlink()
    (folder / "notes.txt").write_text("added later")
    problems = backup.verify(folder).problems
    assert problems == [
        "anchors.jsonl: missing",
        "documents/WT-1.pdf: changed since the backup (SHA-256 differs)",
        "notes.txt: not in the manifest",
    ]
    with pytest.raises(backup.BackupRefused, match="does not verify"):
        restore.restore(folder, Settings(data_dir=tmp_path / "new"))
    assert not (tmp_path / "new").exists()


def test_a_custody_record_edited_in_the_copy_fails_verification(
    backed_up: tuple[Settings, Path],
) -> None:
    folder = backed_up[1]
    manifest = backup.Manifest.read(folder)
    with sqlite3.connect(folder / "samplehub.db") as db:
        db.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        db.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3")
    manifest.files["samplehub.db"]["sha256"] = backup.sha256(folder / "samplehub.db")
    (folder / backup.MANIFEST).write_text(json.dumps(dataclasses.asdict(manifest)), "utf-8")
    # the manifest rewritten to match the edited copy: only the chain can tell
    check = backup.verify(folder)
    assert any("broken at record 3" in p for p in check.problems), check.problems


def test_restore_refuses_a_folder_in_use_and_moves_it_aside_when_told(
    backed_up: tuple[Settings, Path], tmp_path: Path
) -> None:
    settings, folder = backed_up
    runner = CliRunner()
    env = {"SAMPLEHUB_DATA_DIR": str(settings.data_dir)}
    refused = runner.invoke(cli, ["backup", "restore", str(folder)], env=env)
    assert refused.exit_code == 1
    assert "is not empty" in refused.output
    serving = backup.InUse(settings.data_dir)  # what `samplehub serve` holds while it runs
    busy = runner.invoke(cli, ["backup", "restore", str(folder), "--replace"], env=env)
    assert busy.exit_code == 1
    assert "samplehub serve is running" in busy.output
    assert not list(tmp_path.glob("data.before-restore-*"))  # nothing moved
    serving.release()
    done = runner.invoke(cli, ["backup", "restore", str(folder), "--replace"], env=env)
    assert done.exit_code == 0, done.output
    [aside] = tmp_path.glob("data.before-restore-*")
    assert (aside / "samplehub.db").exists()  # the former folder is kept, never deleted
    assert (settings.data_dir / "samplehub.db").exists()
    verified = runner.invoke(cli, ["backup", "verify", str(folder)])
    assert verified.exit_code == 0
    assert "backup intact" in verified.output


@pytest.fixture
def pg_settings(pg_server_url: str, tmp_path: Path) -> Iterator[Settings]:
    """A PostgreSQL database of its own (pg_dump dumps a whole database, not a schema)."""
    name = f"samplehub_bk_{uuid.uuid4().hex[:10]}"
    admin = create_engine(pg_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = f"{pg_server_url.rsplit('/', 1)[0]}/{name}"
    yield Settings(database_url=url, data_dir=tmp_path / "data", secret_key="backup-test-key-0123")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _samples(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return set(conn.execute(text("SELECT number FROM samples")).scalars())
    finally:
        engine.dispose()


def test_postgresql_is_dumped_and_restored_in_one_transaction_keeping_what_it_replaces(
    pg_settings: Settings, pg_server_url: str, tmp_path: Path
) -> None:
    settings = pg_settings
    bootstrap.upgrade_database(settings)
    services = bootstrap.bootstrap(settings)
    try:
        made = seed_demo(services)
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        (settings.data_dir / "WT-1.pdf").write_bytes(b"%PDF-1.7 a certificate")
        folder = tmp_path / "bk"
        manifest = backup.create(settings, folder)
        instrument = {"instrument_type": "压力表", "serial_number": "AFTER-1"}
        later = services.bus.handle(c.RegisterSample(c.SYSTEM, made["order_b"], instrument))
    finally:
        services.close()
    assert (manifest.database, manifest.revision) == ("postgresql", "0012")
    assert backup.verify(folder).ok
    url = settings.resolved_database_url()
    before = _samples(url)
    assert later in before
    with pytest.raises(backup.BackupRefused, match="holds tables: restore into an empty one"):
        restore.restore(folder, settings)
    client = create_engine(url).connect()  # a serve elsewhere, still connected
    try:
        with pytest.raises(backup.BackupRefused, match="1 other connection"):
            restore.restore(folder, settings, replace=True)
    finally:
        client.close()
        client.engine.dispose()

    done = restore.restore(folder, settings, replace=True)
    assert done.problems == []
    assert done.custody_records is not None
    assert done.custody_records > 0
    assert _samples(url) == before - {later}  # as backed up: the later sample is not there
    assert (settings.data_dir / "WT-1.pdf").read_bytes() == b"%PDF-1.7 a certificate"
    assert done.moved is not None
    assert (done.moved / "WT-1.pdf").exists()  # the former folder kept, with its database
    listed = subprocess.run(
        [shutil.which("pg_restore") or "pg_restore", "--data-only", "--table=samples",
         "--file=-", str(done.moved / "samplehub.pgdump")],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "AFTER-1" in listed.stdout

    name = f"samplehub_new_{uuid.uuid4().hex[:10]}"  # a new, empty database: no --replace
    admin = create_engine(pg_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        empty = f"{pg_server_url.rsplit('/', 1)[0]}/{name}"
        target = Settings(database_url=empty, data_dir=tmp_path / "new", secret_key="k" * 24)
        assert restore.restore(folder, target).moved is None
        assert _samples(empty) == before - {later}
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_a_postgresql_restore_that_fails_leaves_the_database_and_folder_as_they_were(
    pg_settings: Settings, tmp_path: Path
) -> None:
    settings = pg_settings
    bootstrap.upgrade_database(settings)
    services = bootstrap.bootstrap(settings)
    try:
        seed_demo(services)
    finally:
        services.close()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    (settings.data_dir / "WT-1.pdf").write_bytes(b"%PDF-1.7 a certificate")
    folder = tmp_path / "bk"
    backup.create(settings, folder)
    url = settings.resolved_database_url()
    before = _samples(url)
    engine = create_engine(url)
    with engine.begin() as conn:  # a type in the way of a table the dump creates
        conn.execute(text("DROP TABLE recall_reminders"))
        conn.execute(text("CREATE TYPE recall_reminders AS (x int)"))
    engine.dispose()
    with pytest.raises(backup.BackupRefused, match="the database is as it was"):
        restore.restore(folder, settings, replace=True)
    assert _samples(url) == before
    assert sorted(p.name for p in settings.data_dir.iterdir()) == ["WT-1.pdf", "serve.lock"]
    assert not list(tmp_path.glob("data.before-restore-*"))


def test_a_backup_of_a_newer_schema_is_not_restored(
    backed_up: tuple[Settings, Path], tmp_path: Path
) -> None:
    folder = backed_up[1]
    manifest = backup.Manifest.read(folder)
    manifest.revision, manifest.version = "0099", "9.0.0"
    (folder / backup.MANIFEST).write_text(json.dumps(dataclasses.asdict(manifest)), "utf-8")
    with pytest.raises(backup.BackupRefused, match="revision 0099, which this SampleHub"):
        restore.restore(folder, Settings(data_dir=tmp_path / "new"))
    assert not (tmp_path / "new").exists()


def test_the_nightly_backup_runs_once_a_day_links_unchanged_files_and_keeps_the_newest(
    sqlite_site: tuple[Settings, Services, dict[str, str]], tmp_path: Path
) -> None:
    settings = sqlite_site[0]
    settings.backup.folder, settings.backup.keep = settings.data_dir / "nightly", 2  # inside
    at = [datetime(2026, 12, 1, 17, 30, tzinfo=UTC)]  # 01:30 in China: before 02:00
    nightly = jobs.NightlyBackup(settings, lambda: at[0])
    assert nightly.run_once() is None
    at[0] += timedelta(hours=1)
    first = nightly.run_once()
    assert first is not None
    assert first.name == "samplehub-20261202"
    assert nightly.run_once() is None  # one a day
    (settings.backup.folder / ".partial-samplehub-20261203").mkdir()  # a crash's leftover
    at[0] += timedelta(days=1)
    second = nightly.run_once()
    assert second is not None
    assert backup.verify(second).ok
    doc = Path("documents/WT-1.pdf")
    assert (second / doc).stat().st_ino == (first / doc).stat().st_ino  # unchanged: linked
    at[0] += timedelta(days=1)
    third = nightly.run_once()
    assert third is not None
    assert nightly.made() == [second, third]  # keep 2: the first is gone
    assert not any(name.startswith("nightly/") for name in backup.Manifest.read(third).files)
    assert sorted(p.name for p in settings.backup.folder.iterdir()) == [
        ".nightly.lock",
        "samplehub-20261203",
        "samplehub-20261204",
    ]  # the crash's leftover partial is gone
    at[0] += timedelta(days=1)
    with (settings.backup.folder / ".nightly.lock").open("a") as other:  # another worker's turn
        fcntl.flock(other, fcntl.LOCK_EX)
        assert nightly.run_once() is None
    assert nightly.run_once() is not None


def test_a_backup_that_fails_leaves_no_half_folder(pg_server_url: str, tmp_path: Path) -> None:
    gone = f"{pg_server_url.rsplit('/', 1)[0]}/samplehub_no_such_database"
    settings = Settings(database_url=gone, data_dir=tmp_path / "data", secret_key="k" * 24)
    with pytest.raises(backup.BackupRefused, match="pg_dump failed"):
        backup.create(settings, tmp_path / "bk")
    assert not (tmp_path / "bk").exists()
    (tmp_path / "empty").mkdir()
    with pytest.raises(backup.BackupRefused, match="pg_dump failed"):
        backup.create(settings, tmp_path / "empty")
    assert list((tmp_path / "empty").iterdir()) == []
    sqlite = Settings(data_dir=tmp_path / "none", secret_key="k" * 24)
    with pytest.raises(backup.BackupRefused, match="no database at"):
        backup.create(sqlite, tmp_path / "bk")
    assert not (tmp_path / "bk").exists()


def test_a_failing_nightly_backup_tells_staff_once_a_day_and_waits_before_trying_again(
    tmp_path: Path,
) -> None:
    settings = Settings(data_dir=tmp_path / "no-database", secret_key="k" * 24)
    settings.backup.folder = tmp_path / "nightly"
    at = [datetime(2026, 12, 1, 18, 30, tzinfo=UTC)]  # 02:30 in China
    told: list[dict[str, str]] = []
    nightly = jobs.NightlyBackup(settings, lambda: at[0], told.append)
    with pytest.raises(backup.BackupRefused, match="no database"):
        nightly.run_once()
    assert told == [
        {"folder": str(tmp_path / "nightly"), "error": told[0]["error"]},
    ]
    assert "no database" in told[0]["error"]
    at[0] += timedelta(minutes=10)
    assert nightly.run_once() is None  # waits 30 minutes after a failure
    at[0] += timedelta(minutes=25)
    with pytest.raises(backup.BackupRefused):
        nightly.run_once()
    assert len(told) == 1  # once a day
    at[0] += timedelta(days=1)
    with pytest.raises(backup.BackupRefused):
        nightly.run_once()
    assert len(told) == 2
    assert nightly.made() == []
