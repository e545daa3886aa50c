"""`laneguard analyze VIDEO --zones FILE --json`: offline analysis of a recorded video.

One JSON line per incident, then a summary line; the progress bar goes to stderr so stdout
stays machine-readable.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from laneguard.app.detection_bootstrap import build_pipeline
from laneguard.core.domain.incidents import IncidentOpened, ObjectClass
from laneguard.core.errors import LaneGuardError
from laneguard.detection.adapters.config import load_zones_file
from laneguard.detection.adapters.prefetch import PrefetchReader
from laneguard.detection.adapters.video import OpenCvVideoSource
from laneguard.detection.domain.vehicles import category
from laneguard.detection.service.pipeline import PipelineConfig, run_pipeline


@dataclass
class IncidentRow:
    track_id: int
    object_class: str
    zone: str
    start_s: float
    end_s: float = 0.0
    frames: int = 0
    max_score: float = 0.0

    def as_json(self) -> dict[str, object]:
        return {
            "track_id": self.track_id,
            "class": self.object_class,
            "zone": self.zone,
            "start_s": round(self.start_s, 2),
            "end_s": round(self.end_s, 2),
            "frames": self.frames,
            "max_score": round(self.max_score, 3),
            "category": category(ObjectClass(self.object_class)),
        }


def analyze_video(
    video: Path,
    zones: Path,
    *,
    motion_gating: bool = True,
    progress: bool = True,
    crop_to_zones: bool = True,
) -> tuple[list[IncidentRow], dict[str, object]]:
    """Run the pipeline over a file; incidents in the order they opened and the summary."""
    rules = load_zones_file(zones)
    source = OpenCvVideoSource(str(video), live=False)
    total = source.frame_count
    pipeline = build_pipeline(
        rules, motion_gating=motion_gating, config=PipelineConfig(), crop_to_zones=crop_to_zones
    )
    rows: dict[str, IncidentRow] = {}
    frames = 0
    last_s = 0.0
    started = time.perf_counter()
    bar = Progress(
        TextColumn("分析 analyzing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(file=sys.stderr),
        disable=not progress,
        transient=True,
    )
    with bar:
        task = bar.add_task("analyze", total=total)
        for result in run_pipeline(PrefetchReader(source), pipeline):
            frames = result.frame.index + 1
            last_s = result.frame.pos_s
            for event in result.events:
                if isinstance(event, IncidentOpened):
                    rows[event.incident_id] = IncidentRow(
                        track_id=event.track_id,
                        object_class=str(event.object_class),
                        zone=event.zone,
                        start_s=(event.at - source.start).total_seconds(),
                    )
                else:
                    row = rows[event.incident_id]
                    row.end_s = (event.at - source.start).total_seconds()
                    row.frames = event.frames
                    row.max_score = event.max_score
            bar.update(task, completed=result.frame.index + 1)
    elapsed = time.perf_counter() - started
    summary: dict[str, object] = {
        "frames": frames,
        "seconds": round(last_s + 1.0 / source.fps if frames else 0.0, 2),
        "fps": round(frames / elapsed, 1) if elapsed > 0 else 0.0,
        "incidents": len(rows),
    }
    return list(rows.values()), summary


def analyze(
    video: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Video file")],
    zones: Annotated[Path, typer.Option("--zones", exists=True, dir_okay=False, help="Zones JSON")],
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines on stdout")] = False,
    no_motion_gate: Annotated[
        bool, typer.Option("--no-motion-gate", help="Run the detector on every frame")
    ] = False,
    no_crop: Annotated[
        bool, typer.Option("--no-crop", help="Detect on the whole frame, not the zones' crop")
    ] = False,
) -> None:
    """Analyse a video offline and list the lane intrusions found (离线分析视频中的误闯事件)."""
    try:
        rows, summary = analyze_video(
            video, zones, motion_gating=not no_motion_gate, crop_to_zones=not no_crop
        )
    except LaneGuardError as exc:
        typer.echo(f"错误 error: {exc}", err=True)
        raise typer.Exit(2) from exc
    if as_json:
        for row in rows:
            typer.echo(json.dumps(row.as_json(), ensure_ascii=False))
        typer.echo(json.dumps({"summary": summary}))
        return
    for row in rows:
        r = row.as_json()
        typer.echo(
            f"#{r['track_id']} {r['category']} ({r['class']}) 进入 {r['zone']} "
            f"{r['start_s']}s–{r['end_s']}s ({r['frames']} 帧, 最高分 {r['max_score']})"
        )
    typer.echo(
        f"共 {summary['incidents']} 起 · {summary['frames']} 帧 / {summary['seconds']} s · "
        f"{summary['fps']} 帧/秒"
    )
