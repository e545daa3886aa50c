"""The default COCO detector end to end, on the shipped evaluation clips (evaluation/laneguard):
a bicycle crossing a lane is one 非机动车 incident; cars with drivers visible raise none, though
the detector sees the drivers; `laneguard evaluate` scores a labels file."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from laneguard.app.detection_bootstrap import build_detector, build_pipeline
from laneguard.cli.main import app
from laneguard.core.domain.incidents import ObjectClass
from laneguard.detection.adapters.config import load_zones_file
from laneguard.detection.adapters.video import OpenCvVideoSource
from laneguard.detection.domain.vehicles import Sighting
from laneguard.detection.service.pipeline import run_pipeline

CLIPS = Path(__file__).parents[3] / "evaluation" / "laneguard"
ZONES = CLIPS / "lane_zones.json"


def analyze(clip: str) -> list[dict[str, object]]:
    result = CliRunner().invoke(
        app, ["analyze", str(CLIPS / clip), "--zones", str(ZONES), "--json"]
    )
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def test_the_default_detector_knows_the_lane_classes() -> None:
    assert build_detector().classes == {
        ObjectClass.PEDESTRIAN, ObjectClass.BICYCLE, ObjectClass.MOTORCYCLE, ObjectClass.VEHICLE,
    }  # fmt: skip


def test_a_bicycle_crossing_the_lane_is_one_non_motor_incident_in_that_lane() -> None:
    lines = analyze("bicycle_crossing.mp4")
    incidents, summary = lines[:-1], lines[-1]["summary"]
    assert [(i["class"], i["category"], i["zone"]) for i in incidents] == [
        ("bicycle", "非机动车", "lane-1")
    ]
    assert 1.0 <= float(str(incidents[0]["start_s"])) <= 3.0  # it enters at 1.0 s
    assert summary == {**summary, "frames": 80, "incidents": 1}


def test_cars_with_drivers_visible_raise_no_incident() -> None:
    lines = analyze("cars_with_drivers.mp4")
    assert lines[-1]["summary"]["incidents"] == 0  # type: ignore[index]
    assert len(lines) == 1


def test_the_drivers_are_seen_inside_the_cars_so_the_filter_is_what_holds_them_back() -> None:
    rules = load_zones_file(ZONES)
    pipeline = build_pipeline(rules)
    inside = 0
    in_zone = 0
    for result in run_pipeline(OpenCvVideoSource(str(CLIPS / "cars_with_drivers.mp4")), pipeline):
        cars = [v.box if isinstance(v, Sighting) else v for v in pipeline.vehicles]
        for o in result.observations:
            if o.object_class is ObjectClass.PEDESTRIAN and any(
                o.box.fraction_inside(c) >= 0.8 for c in cars
            ):
                inside += 1
                in_zone += rules.zones[0].contains(o.box.bottom_centre)
    assert inside >= 20
    assert in_zone >= 10


def test_evaluate_scores_the_labelled_clips(tmp_path: Path) -> None:
    labels = json.loads((CLIPS / "labels.json").read_text())
    labels["clips"] = {
        k: labels["clips"][k] for k in ("bicycle_crossing.mp4", "cars_with_drivers.mp4")
    }
    labels["clips"]["bicycle_crossing.mp4"]["zones"] = str(ZONES)
    labels["clips"]["cars_with_drivers.mp4"]["zones"] = str(ZONES)
    path = tmp_path / "labels.json"
    path.write_text(json.dumps(labels))
    result = CliRunner().invoke(app, ["evaluate", str(CLIPS), "--labels", str(path), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["clips"] == 2
    assert doc["seconds"] == 18.0
    assert doc["classes"]["non_motor"]["recall"] == 1.0
    assert doc["classes"]["non_motor"]["precision"] == 1.0
    assert doc["false_alarms"] == 0
    assert doc["false_alarms_per_camera_hour"] == 0.0
    assert 0 <= doc["time_to_first_alert_s"]["max"] <= 2.0


def test_evaluate_names_a_clip_that_is_missing(tmp_path: Path) -> None:
    path = tmp_path / "labels.json"
    path.write_text(json.dumps({"clips": {"nope.mp4": {"zones": str(ZONES)}}}))
    result = CliRunner().invoke(app, ["evaluate", str(CLIPS), "--labels", str(path)])
    assert result.exit_code == 2
    assert "nope.mp4" in result.output
