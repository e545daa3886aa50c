"""`samplehub backup create|verify|restore`: the database and the data folder's files, copied
while the service runs, checked against their manifest (``app/backup.py``), put back
(``app/restore.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

from samplehub.app import backup, restore
from samplehub.app.config import Settings

app = typer.Typer(help="备份与恢复 Backups: the database and the data folder's files")
_err = Console(stderr=True)
STEPS = {"database": "数据库 database (pages)", "files": "文件 files", "hashes": "校验 SHA-256"}


def _fail(error: backup.BackupRefused) -> typer.Exit:
    typer.echo(f"error: {error}", err=True)
    return typer.Exit(1)


@contextmanager
def _bars() -> Iterator[backup.Progress]:
    """A progress bar a step (``app/backup.py``'s ``Progress``), on stderr, gone when done."""
    tasks: dict[str, TaskID] = {}
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        console=_err, transient=True,
    ) as bar:  # fmt: skip

        def told(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(STEPS.get(step, step), total=total)
            bar.update(tasks[step], completed=done, total=total)

        yield told


@app.command("create")
def create(
    dest: Annotated[Path, typer.Argument(help="A new (or empty) folder for the backup")],
) -> None:
    """Back up the database (consistent while `samplehub serve` runs: SQLite's backup API, or
    pg_dump) and every file of the data folder (certificates, labels, anchors, keys) into DEST,
    with a manifest of SHA-256 hashes; the copy's custody chain is checked."""
    with _bars() as told:
        try:
            made = backup.create(Settings(), dest, told)
        except backup.BackupRefused as error:
            raise _fail(error) from None
    chain = "" if made.custody_records is None else f", {made.custody_records} custody records"
    if made.chain_intact is False:
        chain += " (the chain does NOT verify: run `samplehub backup verify` for the details)"
    typer.echo(
        f"backup in {dest}: {made.database} database at revision {made.revision}, "
        f"{len(made.files)} files{chain}"
    )


@app.command("verify")
def verify(folder: Annotated[Path, typer.Argument(help="A folder `backup create` made")]) -> None:
    """Check a backup: every file against its SHA-256, nothing missing or added, the SQLite
    copy's integrity and its custody chain. Exit 1 naming what is wrong."""
    with _bars() as told:
        try:
            check = backup.verify(folder, told)
        except backup.BackupRefused as error:
            raise _fail(error) from None
    for problem in check.problems:
        typer.echo(f"BAD: {problem}", err=True)
    if not check.ok:
        raise typer.Exit(1)
    records = "" if check.custody_records is None else f", {check.custody_records} custody records"
    typer.echo(
        f"backup intact: {len(check.manifest.files)} files as made on "
        f"{check.manifest.created_at}{records}"
    )


@app.command("restore")
def restore_command(
    folder: Annotated[Path, typer.Argument(help="A folder `backup create` made")],
    replace: Annotated[
        bool,
        typer.Option(
            "--replace", help="Move the current data folder aside first (it is never deleted)"
        ),
    ] = False,
) -> None:
    """Put a verified backup back: the SQLite copy into the data folder, a PostgreSQL dump into
    the configured database (one transaction), the files beside it. Stop `samplehub serve`
    first."""
    try:
        done = restore.restore(folder, Settings(), replace)
    except backup.BackupRefused as error:
        raise _fail(error) from None
    aside = f"; the former data folder is now {done.moved}" if done.moved else ""
    records = "" if done.custody_records is None else f", {done.custody_records} custody records"
    typer.echo(f"restored {folder} into {Settings().data_dir}{records}{aside}")
    for problem in done.problems:
        typer.echo(f"BAD: {problem}", err=True)
    if done.problems:
        typer.echo("the restored custody chain does NOT verify: see above", err=True)
        raise typer.Exit(1)
