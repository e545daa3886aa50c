"""`laneguard stats`: statistics per day, station, lane or class, with rates and year over year."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from laneguard.app import bootstrap
from laneguard.app.config import LaneGuardConfig, load_config
from laneguard.core.errors import ConfigError
from laneguard.records.domain.stats import Dimension, percent, recent_period
from laneguard.records.service.statistics import summary, to_csv


def _parse_day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        typer.echo(f"error: {option}={text!r} is not a date; use YYYY-MM-DD", err=True)
        raise typer.Exit(2) from exc


def stats(
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="Station config file")
    ] = None,
    database: Annotated[
        str | None, typer.Option(help="SQLAlchemy URL (instead of --config)")
    ] = None,
    timezone: Annotated[
        str, typer.Option(help="Time zone of calendar days with --database")
    ] = "Asia/Shanghai",
    start: Annotated[
        str | None, typer.Option("--from", help="First day, YYYY-MM-DD (default: 30 days ago)")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="Last day, YYYY-MM-DD (default: today)")
    ] = None,
    by: Annotated[
        Dimension, typer.Option("--by", help="Group by day, station, lane or class")
    ] = Dimension.DAY,
    csv_file: Annotated[
        Path | None, typer.Option("--csv", help="Write the rows as CSV ('-': stdout)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object on stdout")] = False,
) -> None:
    """统计：劝返率、误报率、同比 / Statistics: turned-back and false-alarm rates, YoY."""
    try:
        if config is not None:
            cfg = load_config(config)
        elif database is not None:
            cfg = LaneGuardConfig(
                enrolment_code="not-used", database_url=database, timezone=timezone
            )
        else:
            typer.echo("error: pass --config FILE or --database URL", err=True)
            raise typer.Exit(2)
    except (ConfigError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    records = bootstrap.build_records(cfg)
    last = _parse_day(end, "--to")
    first = _parse_day(start, "--from")
    try:
        period = recent_period(first, last, datetime.now(cfg.tz()).date())
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    rows = records.stats.rows(period, by)
    yoy = records.stats.year_over_year(period)
    records.engine.dispose()
    if csv_file is not None:
        text = to_csv(rows, by)
        if str(csv_file) == "-":
            typer.echo(text, nl=False)
        else:
            csv_file.write_text(text, encoding="utf-8")
    if as_json:
        typer.echo(json.dumps(summary(period, by, rows, yoy), ensure_ascii=False))
    elif csv_file is None or str(csv_file) != "-":
        table = Table(title=f"LaneGuard {period.start} – {period.end}")
        for col in (by.value, "事件", "劝返", "自行离开", "误报", "待处置", "劝返率", "误报率"):
            table.add_column(col)
        for r in [*rows, yoy.current]:
            table.add_row(
                r.key,
                str(r.incidents),
                str(r.turned_back),
                str(r.left_by_itself),
                str(r.false_alarm),
                str(r.open),
                percent(r.turned_back_rate),
                percent(r.false_alarm_rate),
            )
        console = Console()
        console.print(table)
        console.print(
            f"同比 (劝返): {percent(yoy.turned_back_change)} · 去年同期 {yoy.previous.turned_back}"
        )
