"""Backups of a SampleHub installation, made while `samplehub serve` runs, checked, restored.

A backup is a folder: the database, copied consistently (SQLite's online backup API, which
reads one snapshot while the service goes on writing; PostgreSQL by ``pg_dump``), every other
file of the data folder beside it (certificates, labels, the anchor log, the keys, the secret
key that seals the outbox and signs sessions) and ``MANIFEST.json``: each file's size and
SHA-256, the schema revision and how many custody records the copy holds, the chain checked.
The folder holds keys: keep it where the data folder is kept (it is made readable by its owner
only).

``verify`` holds a backup against its manifest and, for SQLite, checks the copy's integrity and
walks its custody chain against the anchors it holds, on a scratch copy (the backup is never
opened for writing). ``app/restore.py`` puts one back; ``InUse`` is the lock on the data folder
by which it refuses while `samplehub serve` runs.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from samplehub import __version__
from samplehub.app.config import Settings
from samplehub.core.domain.errors import SampleHubError

MANIFEST = "MANIFEST.json"
SQLITE_COPY = "samplehub.db"
PG_DUMP = "samplehub.pgdump"
IN_USE = "serve.lock"
LIVE = {"samplehub.db", "samplehub.db-wal", "samplehub.db-shm", "samplehub.db-journal", IN_USE}
"""The live database's files in the data folder (copied by the backup API, not as files) and
the lock of the processes serving it."""
OUTSIDE_KEYS = "keys-outside-data-dir"
ANCHOR_KEYS = "anchor-public-keys"
"""The public half of a production anchor key kept outside the keys folder."""

Progress = Callable[[str, int, int], None]
"""Told (step, done, total) as a backup goes on: ``database`` in pages, ``files`` copied and
``hashes`` taken, in files."""


class BackupRefused(SampleHubError):
    """A backup cannot be made, checked or restored as asked; the message says why."""


@dataclass
class Manifest:
    created_at: str
    version: str
    database: str  # "sqlite" or "postgresql"
    revision: str | None
    custody_records: int | None
    chain_intact: bool | None
    keys_dir: str | None  # where the keys were, when outside the data folder
    files: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        path = folder / MANIFEST
        try:
            return cls(**json.loads(path.read_text("utf-8")))
        except FileNotFoundError:
            raise BackupRefused(f"{folder} is not a SampleHub backup: no {MANIFEST}") from None
        except (ValueError, TypeError) as error:
            raise BackupRefused(f"{path} is not a backup manifest: {error}") from None


@dataclass(frozen=True)
class Check:
    """What ``verify`` found: nothing wrong when ``problems`` is empty."""

    manifest: Manifest
    problems: list[str]
    custody_records: int | None

    @property
    def ok(self) -> bool:
        return not self.problems


class InUse:
    """A lock on the data folder: every `samplehub serve` process holds it shared while it
    runs, and ``restore`` takes it alone, so that it refuses while any of them runs (and no
    serve starts during a restore)."""

    def __init__(self, data_dir: Path, alone: bool = False) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.file = (data_dir / IN_USE).open("a")
        try:
            fcntl.flock(self.file, (fcntl.LOCK_EX if alone else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except BlockingIOError:
            self.file.close()
            doing = "samplehub serve is running" if alone else "a restore is under way"
            raise BackupRefused(f"{doing} on {data_dir}: wait for it, or stop it") from None

    def release(self) -> None:
        self.file.close()  # closing the file ends the lock


def _quiet(step: str, done: int, total: int) -> None:
    return None


def sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _files(root: Path, skip: set[str]) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.relative_to(root).as_posix() not in skip:
            yield path


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def sqlite_path(url: str) -> Path:
    from sqlalchemy.engine import make_url

    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupRefused(f"the database {url} is in memory: nothing to back up")
    return Path(database)


def _empty_folder(dest: Path) -> None:
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BackupRefused(f"{dest} exists and is not an empty folder: name a new one")
    dest.mkdir(parents=True, exist_ok=True)
    dest.chmod(0o700)  # it holds the keys


def _copy_sqlite(source: Path, target: Path, progress: Progress) -> None:
    """One snapshot of the live database, read while others write (SQLite's backup API), as a
    self-contained file (rollback journal, not WAL)."""

    def told(status: int, remaining: int, total: int) -> None:
        progress("database", total - remaining, total)

    with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(target)) as copy:
        # in one step: one read transaction over the whole copy, which in WAL mode never blocks
        # the service's writers; copied in steps, every write in between would restart it
        live.backup(copy, pages=-1, progress=told)
        copy.execute("PRAGMA journal_mode=DELETE")


def pg_tool(name: str) -> str:
    program = shutil.which(name)
    if program is None:
        raise BackupRefused(f"{name} is not installed: install the PostgreSQL client tools")
    return program


def libpq(url: str) -> tuple[str, dict[str, str]]:
    """``url`` as the PostgreSQL tools take it (no SQLAlchemy driver name), and their
    environment: the password goes in ``PGPASSWORD``, never on a command line others can read
    (``ps``)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url).set(drivername="postgresql")
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    return parsed._replace(password=None).render_as_string(hide_password=False), env


def pg_dump(url: str, target: Path) -> None:
    conninfo, env = libpq(url)
    done = subprocess.run(  # noqa: S603 - the command is pg_dump with our own arguments
        [pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}", conninfo],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    if done.returncode != 0:
        raise BackupRefused(f"pg_dump failed: {done.stderr.strip()}")


def _revision(url: str) -> str | None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()


def _chain(db_copy: Path, folder: Path, keys: Path) -> tuple[int, bool, list[str]]:
    """Walk a scratch copy of the backed-up database's custody chain against the anchors and
    public anchor keys of the backup: (records, intact, problems)."""
    with tempfile.TemporaryDirectory(prefix="samplehub-verify-") as scratch:
        copy = Path(scratch) / SQLITE_COPY
        shutil.copyfile(db_copy, copy)
        return walk_chain(f"sqlite:///{copy}", Path(scratch), folder, keys)


def walk_chain(url: str, data_dir: Path, folder: Path, keys: Path) -> tuple[int, bool, list[str]]:
    """The custody chain of the database at ``url`` against the anchors and public anchor keys
    in ``folder`` (a backup, or a restored data folder)."""
    from samplehub.app.units import SqlAppUowFactory
    from samplehub.core.adapters.anchor_file import AnchorFile
    from samplehub.core.adapters.keys import anchor_public_keys, anchor_verifier
    from samplehub.core.adapters.sealing import AesGcmSealer
    from samplehub.core.service.anchoring import verify_chain

    uows = SqlAppUowFactory(url, data_dir, AesGcmSealer.for_process())
    try:
        checker = anchor_verifier(anchor_public_keys(keys, folder / ANCHOR_KEYS))
        result = verify_chain(uows, checker, AnchorFile(folder / "anchors.jsonl").read())
    finally:
        uows.dispose()
    problems = list(result.problems)
    if result.broken_seq is not None:
        problems.insert(0, f"custody chain broken at record {result.broken_seq}")
    return result.count, result.ok, problems


def _save_anchor_public_key(settings: Settings, folder: Path) -> None:
    from cryptography.hazmat.primitives import serialization

    from samplehub.app.wiring.trust import institute_keys

    public = institute_keys(settings).anchor_key().public_key()
    folder.mkdir()
    pem = public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    (folder / "production.pub.pem").write_bytes(pem)


def _copy(source: Path, target: Path, earlier: Path | None) -> None:
    """``source`` copied to ``target``; linked to ``earlier`` instead (another backup's copy,
    no extra space) when that has the same size and modification time."""
    if earlier is not None and earlier.is_file():
        was, now = earlier.stat(), source.stat()
        if (was.st_size, was.st_mtime_ns) == (now.st_size, now.st_mtime_ns):
            os.link(earlier, target)
            return
    shutil.copy2(source, target)


def create(
    settings: Settings, dest: Path, progress: Progress = _quiet, link_dest: Path | None = None
) -> Manifest:
    """Back up the installation ``settings`` name into the new folder ``dest``; files that
    have not changed since the backup ``link_dest`` are hard links to its copies. A backup
    that fails leaves ``dest`` as it found it (absent or empty)."""
    url = settings.resolved_database_url()
    if is_sqlite(url) and not sqlite_path(url).is_file():
        raise BackupRefused(f"no database at {sqlite_path(url)}: nothing to back up")
    existed = dest.exists()
    _empty_folder(dest)
    try:
        return _create(settings, url, dest, progress, link_dest)
    except BaseException:
        for made in list(dest.iterdir()) if existed else [dest]:
            if made.is_dir():
                shutil.rmtree(made)
            else:
                made.unlink()
        raise


def _create(
    settings: Settings, url: str, dest: Path, progress: Progress, link_dest: Path | None
) -> Manifest:
    data_dir = settings.data_dir.resolve()
    skip = set(LIVE)
    if is_sqlite(url):
        live = sqlite_path(url)
        if live.parent.resolve() == data_dir:
            skip.add(live.name)
        _copy_sqlite(live, dest / SQLITE_COPY, progress)
        database, revision = "sqlite", _revision(f"sqlite:///{dest / SQLITE_COPY}")
    else:
        pg_dump(url, dest / PG_DUMP)
        database, revision = "postgresql", _revision(url)
    backups = [
        dest.resolve(),
        *([settings.backup.folder.resolve()] if settings.backup.folder else []),
    ]
    sources = [
        (p, p.relative_to(data_dir).as_posix())
        for p in _files(data_dir, skip)
        if not any(p.is_relative_to(folder) for folder in backups)  # no backup in a backup
        and p.suffix != ".part"  # a document being written (renamed into place when whole)
    ]
    keys = settings.keys_dir().resolve()
    outside = keys.exists() and not keys.is_relative_to(data_dir)
    if outside:
        sources += [
            (p, f"{OUTSIDE_KEYS}/{p.relative_to(keys).as_posix()}") for p in _files(keys, set())
        ]
    for n, (source, name) in enumerate(sources, 1):
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        _copy(source, target, link_dest / name if link_dest is not None else None)
        progress("files", n, len(sources))
    if settings.signing.anchor_key_file is not None:
        _save_anchor_public_key(settings, dest / ANCHOR_KEYS)
    manifest = Manifest(
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        version=__version__,
        database=database,
        revision=revision,
        custody_records=None,
        chain_intact=None,
        keys_dir=str(keys) if outside else None,
    )
    if database == "sqlite":
        keys_copy = dest / (OUTSIDE_KEYS if outside else keys.relative_to(data_dir).as_posix())
        count, intact, _ = _chain(dest / SQLITE_COPY, dest, keys_copy)
        manifest.custody_records, manifest.chain_intact = count, intact
    copies = list(_files(dest, {MANIFEST}))
    for n, path in enumerate(copies, 1):
        name = path.relative_to(dest).as_posix()
        manifest.files[name] = {"size": path.stat().st_size, "sha256": sha256(path)}
        progress("hashes", n, len(copies))
    (dest / MANIFEST).write_text(
        json.dumps(asdict(manifest), indent=2, ensure_ascii=False), "utf-8"
    )
    return manifest


def verify(folder: Path, progress: Progress = _quiet) -> Check:
    """Hold a backup against its manifest: every file there with its hash, none more; the
    SQLite copy whole (``PRAGMA integrity_check``) and its custody chain intact."""
    manifest = Manifest.read(folder)
    problems = []
    present = {p.relative_to(folder).as_posix() for p in _files(folder, {MANIFEST})}
    for n, (name, expected) in enumerate(sorted(manifest.files.items()), 1):
        path = folder / name
        if name not in present:
            problems.append(f"{name}: missing")
        elif sha256(path) != expected["sha256"]:
            problems.append(f"{name}: changed since the backup (SHA-256 differs)")
        progress("hashes", n, len(manifest.files))
    problems += [f"{name}: not in the manifest" for name in sorted(present - set(manifest.files))]
    records = None
    if manifest.database == "sqlite" and not problems:
        with closing(sqlite3.connect(f"file:{folder / SQLITE_COPY}?mode=ro", uri=True)) as copy:
            verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            problems.append(f"{SQLITE_COPY}: integrity check says {verdict}")
        else:
            keys = folder / (OUTSIDE_KEYS if manifest.keys_dir else "keys")
            records, _, broken = _chain(folder / SQLITE_COPY, folder, keys)
            problems += broken
    return Check(manifest, problems, records)
