"""`laneguard retention`: delete the snapshots and clips past `retention.days` now (the running
station does it hourly), and show who viewed which."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from laneguard.alerting.domain.alerts import iso_z
from laneguard.app import bootstrap
from laneguard.app.config import load_config
from laneguard.app.retention import build_retention
from laneguard.core.errors import ConfigError, LaneGuardError


def retention(
    config: Annotated[Path, typer.Option("--config", "-c", help="The station's config file")],
    views: Annotated[
        int, typer.Option("--views", help="Also print the last N views of pictures (who, what)")
    ] = 0,
) -> None:
    """删除超过保存期限的快照和视频 / Delete snapshots and clips older than retention.days."""
    try:
        cfg = load_config(config)
        records = bootstrap.build_records(cfg)
        report = build_retention(cfg, records.engine).run()
        viewed = records.records.access_log(views) if views > 0 else []
    except (ConfigError, LaneGuardError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    line = {
        "days": cfg.retention.days,
        "incidents": report.incidents,
        "clips_deleted": report.clips_deleted,
        "failed": report.failed,
    }
    typer.echo(json.dumps(line))
    for a in viewed:
        typer.echo(
            json.dumps(
                {"incident_id": a.incident_id, "user": a.user, "media": a.media, "at": iso_z(a.at)},
                ensure_ascii=False,
            )
        )
    if report.failed:
        raise typer.Exit(1)
