"""`samplehub rfid decode FILE --json`: the LLRP messages of a captured byte stream.

One JSON object per message per line on stdout (the contract in CONTRACTS.md); a malformed or
truncated stretch is an object with ``error`` and ``offset``, reading goes on after it, and the
command exits 1 at the end if there was any.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from samplehub.rfid.domain.codec import LlrpDecodeError, iter_stream
from samplehub.rfid.domain.messages import to_json

app = typer.Typer(
    name="rfid", help="RFID 读写器 (LLRP) / RFID readers over LLRP", no_args_is_help=True
)


@app.callback()
def _group() -> None:
    """RFID readers over LLRP (EPCglobal Low Level Reader Protocol)."""


@app.command()
def decode(
    file: Annotated[Path, typer.Argument(help="Captured LLRP bytes: whole messages back to back")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line")] = False,
) -> None:
    """Print every LLRP message of a captured byte stream (e.g. TCP 5084 payload)."""
    try:
        data = file.read_bytes()
    except OSError as error:
        raise typer.BadParameter(f"{file}: {error.strerror}", param_hint="FILE") from error
    failed = False
    for item in iter_stream(data):
        if isinstance(item, LlrpDecodeError):
            failed = True
            line = {"error": item.reason, "offset": item.offset}
        else:
            line = to_json(item)
        if as_json:
            typer.echo(json.dumps(line, ensure_ascii=False))
        else:
            typer.echo("  ".join(f"{k}={v}" for k, v in line.items()))
    if failed:
        raise typer.Exit(1)
