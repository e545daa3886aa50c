"""`laneguard evaluate CLIPS_DIR --labels FILE [--json]`: the detector and rules scored on
labelled clips, at the incident level.

The labels file names each clip (a video in CLIPS_DIR), its zones file (relative to the labels
file) and the intrusions a person saw in it:

    {"tolerance_s": 1.5,
     "clips": {"bicycle_crossing.mp4": {"zones": "lane_zones.json",
               "incidents": [{"zone": "lane-1", "class": "bicycle",
                              "start_s": 1.0, "end_s": 4.8, "optional": false}]}}}

Each clip goes through `laneguard analyze`'s pipeline with the default settings; incidents are
matched to labels of the same zone and the same reported class (行人, 非机动车 = bicycle or
e-bike, 摩托车), time spans overlapping within the tolerance. Printed: precision and recall per
class and overall, false alarms per camera-hour, and the time from a labelled start to the alert.
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Annotated

import typer
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from laneguard.cli.analyze import analyze_video
from laneguard.core.domain.incidents import ObjectClass
from laneguard.core.errors import ConfigError, LaneGuardError
from laneguard.detection.domain.evaluation import ClipResult, Evaluation, Span, evaluate
from laneguard.detection.domain.vehicles import category

KIND_KEYS = {
    "行人": "pedestrian",
    "非机动车": "non_motor",
    "摩托车": "motorcycle",
    "车辆": "vehicle",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LabelledIncident(_Strict):
    zone: str
    object_class: ObjectClass = Field(alias="class")
    start_s: float = Field(ge=0)
    end_s: float = Field(ge=0)
    optional: bool = False


class LabelledClip(_Strict):
    zones: str = Field(description="Zones file, relative to the labels file")
    incidents: list[LabelledIncident] = Field(default_factory=list)


class LabelsFile(_Strict):
    tolerance_s: float = Field(default=1.5, ge=0)
    clips: dict[str, LabelledClip] = Field(min_length=1)


def load_labels(path: Path) -> LabelsFile:
    try:
        return LabelsFile.model_validate_json(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"labels file {path}: cannot read: {exc.strerror}") from exc
    except ValidationError as exc:
        where = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"labels file {path}: {where}") from exc


def run_evaluation(
    clips_dir: Path, labels_path: Path, *, crop_to_zones: bool = True
) -> tuple[Evaluation, list[dict[str, object]]]:
    """Analyse every labelled clip; the figures and one row per clip."""
    labels = load_labels(labels_path)
    results: list[ClipResult] = []
    rows: list[dict[str, object]] = []
    for name, clip in labels.clips.items():
        video = clips_dir / name
        if not video.is_file():
            raise ConfigError(f"labels file {labels_path}: clip {name!r} is not in {clips_dir}")
        found_rows, summary = analyze_video(
            video, labels_path.parent / clip.zones, progress=False, crop_to_zones=crop_to_zones
        )
        found = tuple(
            Span(r.zone, r.start_s, r.end_s, kind=category(ObjectClass(r.object_class)))
            for r in found_rows
        )
        truth = tuple(
            Span(i.zone, i.start_s, i.end_s, i.optional, kind=category(i.object_class))
            for i in clip.incidents
        )
        seconds = float(str(summary["seconds"]))
        results.append(ClipResult(name, seconds, found, truth))
        rows.append(
            {
                "clip": name,
                "seconds": seconds,
                "expected": [f"{t.kind} {t.zone} {t.start_s}-{t.end_s}" for t in truth],
                "found": [f"{f.kind} {f.zone} {f.start_s}-{f.end_s}" for f in found],
            }
        )
    return evaluate(results, labels.tolerance_s), rows


def as_json(result: Evaluation, rows: list[dict[str, object]]) -> dict[str, object]:
    delays = result.delays_s
    return {
        "clips": len(rows),
        "seconds": round(result.seconds, 1),
        "camera_hours": round(result.camera_hours, 4),
        "classes": {
            KIND_KEYS.get(kind, kind): {
                "label": kind,
                "precision": round(score.precision, 3),
                "recall": round(score.recall, 3),
                "true_positives": score.true_positives,
                "false_positives": score.false_positives,
                "false_negatives": score.false_negatives,
            }
            for kind, score in result.per_kind.items()
        },
        "overall": {
            "precision": round(result.overall.precision, 3),
            "recall": round(result.overall.recall, 3),
        },
        "false_alarms": result.false_alarms,
        "false_alarms_per_camera_hour": round(result.false_alarms_per_camera_hour, 1),
        "time_to_first_alert_s": {
            "n": len(delays),
            "mean": round(statistics.fmean(delays), 2) if delays else None,
            "median": round(statistics.median(delays), 2) if delays else None,
            "max": round(max(delays), 2) if delays else None,
        },
        "per_clip": rows,
    }


def evaluate_command(
    clips_dir: Annotated[
        Path, typer.Argument(exists=True, file_okay=False, help="Folder of the clips")
    ],
    labels: Annotated[
        Path, typer.Option("--labels", exists=True, dir_okay=False, help="Labels JSON")
    ],
    json_out: Annotated[bool, typer.Option("--json", help="One JSON object on stdout")] = False,
    no_crop: Annotated[
        bool, typer.Option("--no-crop", help="Detect on whole frames (to compare the crop)")
    ] = False,
) -> None:
    """Score detection on labelled clips (按事件统计查准率、查全率、每路每小时误报、告警时延)."""
    try:
        result, rows = run_evaluation(clips_dir, labels, crop_to_zones=not no_crop)
    except LaneGuardError as exc:
        typer.echo(f"错误 error: {exc}", err=True)
        raise typer.Exit(2) from exc
    doc = as_json(result, rows)
    if json_out:
        typer.echo(json.dumps(doc, ensure_ascii=False))
        return
    typer.echo(f"{doc['clips']} 段 clips, {doc['seconds']} s")
    for key, c in result.per_kind.items():
        typer.echo(
            f"  {key}: 查准率 precision {c.precision:.3f}, 查全率 recall {c.recall:.3f} "
            f"(TP {c.true_positives}, FP {c.false_positives}, FN {c.false_negatives})"
        )
    typer.echo(
        f"误报 false alarms: {result.false_alarms} "
        f"({result.false_alarms_per_camera_hour:.1f} /camera-hour)"
    )
    typer.echo(f"告警时延 time to first alert: {doc['time_to_first_alert_s']}")
