"""The zones file and camera config: good files load, bad ones say which field and why."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from laneguard.core.domain.incidents import ObjectClass
from laneguard.core.errors import ConfigError
from laneguard.detection.adapters.config import CameraConfig, load_zones_file

SQUARE = [[0, 0], [10, 0], [10, 10], [0, 10]]


def write(tmp_path: Path, doc: object) -> Path:
    path = tmp_path / "zones.json"
    path.write_text(json.dumps(doc))
    return path


def test_a_full_zones_file_becomes_camera_rules(tmp_path: Path) -> None:
    rules = load_zones_file(
        write(
            tmp_path,
            {
                "camera": "east-3",
                "zones": [
                    {
                        "name": "lane-3",
                        "polygon": SQUARE,
                        "classes": ["pedestrian"],
                        "lane": "L3",
                        "inertia": 4,
                        "direction": "entering",
                        "heading": [1, 0],
                    }
                ],
                "masks": [[[1, 1], [2, 1], [2, 2]]],
                "class_rules": {"pedestrian": {"min_score": 0.5, "threshold": 0.6}},
                "homography": {"image": SQUARE, "ground": [[0, 0], [1, 0], [1, 1], [0, 1]]},
                "schedule": [{"weekdays": [0, 1], "start": "22:00", "end": "06:00"}],
                "staff": {"min_vest_ratio": 0.2},
            },
        )
    )
    zone = rules.zones[0]
    assert (rules.camera, zone.lane_name, zone.inertia) == ("east-3", "L3", 4)
    assert zone.classes == {ObjectClass.PEDESTRIAN}
    assert rules.rule_for(ObjectClass.PEDESTRIAN).threshold == 0.6
    assert rules.rider.homography is not None
    assert rules.rider.homography.apply((10, 10)) == pytest.approx((1, 1))
    assert rules.masked((1.5, 1.2))
    assert rules.staff.min_vest_ratio == 0.2


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"zones": []}, "zones"),
        ({"zones": [{"name": "a", "polygon": [[0, 0], [1, 1]]}]}, "zones.0.polygon"),
        ({"zones": [{"name": "a", "polygon": SQUARE, "classes": ["horse"]}]}, "'horse'"),
        ({"zones": [{"name": "a", "polygon": SQUARE, "inertia": 0}]}, "zones.0.inertia"),
        ({"zones": [{"name": "a", "polygon": SQUARE, "colour": "red"}]}, "zones.0.colour"),
        (
            {"zones": [{"name": "a", "polygon": SQUARE}, {"name": "a", "polygon": SQUARE}]},
            "used more than once",
        ),
        (
            {"zones": [{"name": "a", "polygon": SQUARE, "direction": "entering"}]},
            "needs a heading",
        ),
        (
            {
                "zones": [{"name": "a", "polygon": SQUARE}],
                "schedule": [{"weekdays": [9], "start": "08:00", "end": "09:00"}],
            },
            "weekdays [9] out of range",
        ),
    ],
)
def test_bad_zones_files_name_the_field(tmp_path: Path, doc: object, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_zones_file(write(tmp_path, doc))


def test_not_json_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "zones.json"
    path.write_text("{zones:")
    with pytest.raises(ConfigError, match="not JSON"):
        load_zones_file(path)


def test_camera_config_carries_source_and_cadence() -> None:
    cam = CameraConfig.model_validate(
        {
            "camera": "c1",
            "source": "rtsp://10.0.0.5/s1",
            "detect_every": 2,
            "zones": [{"name": "a", "polygon": SQUARE}],
        }
    )
    assert cam.detect_every == 2
    assert cam.to_rules().camera == "c1"
