"""The false-alarm cases and the rider rule on clips made from real pixels (see lg_clips)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import cv2
import numpy as np
from lg_clips import paste, scene_parts, vest, write_clip

from laneguard.cli.analyze import analyze_video
from laneguard.demo import VTEST

LANE = [[470, 300], [768, 240], [768, 490], [600, 420], [450, 355]]


def _zones(tmp: Path, **extra: object) -> Path:
    doc = {"camera": "synthetic", "zones": [{"name": "lane-2", "polygon": LANE}], **extra}
    path = tmp / "zones.json"
    path.write_text(json.dumps(doc))
    return path


@pytest.fixture(scope="module")
def parts() -> tuple[np.ndarray, np.ndarray]:
    return scene_parts(VTEST)


def test_a_person_standing_in_the_lane_is_an_incident(parts, tmp_path: Path) -> None:
    background, person = parts
    clip = write_clip(tmp_path / "still.avi", 40, lambda i: paste(background, person, (620, 360)))
    rows, _ = analyze_video(clip, _zones(tmp_path), progress=False)
    assert [(r.zone, r.object_class) for r in rows] == [("lane-2", "pedestrian")]


def test_staff_standing_still_in_a_hi_vis_vest_is_no_incident(parts, tmp_path: Path) -> None:
    background, person = parts
    staff = vest(person)
    clip = write_clip(tmp_path / "staff.avi", 40, lambda i: paste(background, staff, (620, 360)))
    rows, summary = analyze_video(clip, _zones(tmp_path), progress=False)
    assert rows == []
    assert summary["frames"] == 40


def test_the_staff_filter_can_be_switched_off(parts, tmp_path: Path) -> None:
    background, person = parts
    staff = vest(person)
    clip = write_clip(tmp_path / "staff.avi", 40, lambda i: paste(background, staff, (620, 360)))
    rows, _ = analyze_video(clip, _zones(tmp_path, staff={"enabled": False}), progress=False)
    assert len(rows) == 1


def test_a_shadow_crossing_the_lane_is_no_incident(parts, tmp_path: Path) -> None:
    background, _ = parts

    def draw(i: int) -> np.ndarray:
        frame = background.copy()
        shade = np.zeros(frame.shape[:2], np.uint8)
        cv2.ellipse(shade, (450 + 12 * i, 360), (60, 25), 0, 0, 360, 255, -1)
        dark = (frame * 0.45).astype(np.uint8)
        frame[shade > 0] = dark[shade > 0]
        return frame

    clip = write_clip(tmp_path / "shadow.avi", 30, draw)
    rows, _ = analyze_video(clip, _zones(tmp_path), progress=False)
    assert rows == []


# About 44 px to the metre near the lane (a 1.75 m person is about 77 px tall here).
HOMOGRAPHY = {
    "image": [[0, 0], [440, 0], [440, 440], [0, 440]],
    "ground": [[0, 0], [10, 0], [10, 10], [0, 10]],
}


def _crossing(background: np.ndarray, person: np.ndarray, px_per_frame: int):
    def draw(i: int) -> np.ndarray:
        return paste(background, person, (500 + px_per_frame * i, 360))

    return draw


def test_a_fast_person_is_reported_as_a_rider(parts, tmp_path: Path) -> None:
    background, person = parts
    # 22 px a frame at 10 fps: 220 px/s, 5 m/s, twice a brisk walk.
    clip = write_clip(tmp_path / "rider.avi", 10, _crossing(background, person, 22))
    zones = _zones(tmp_path, homography=HOMOGRAPHY, rider_class="e-bike")
    rows, _ = analyze_video(clip, zones, progress=False, motion_gating=False)
    assert [r.object_class for r in rows] == ["e-bike"]


def test_a_walking_person_stays_a_pedestrian(parts, tmp_path: Path) -> None:
    background, person = parts
    # 5 px a frame: 50 px/s, about 1.1 m/s.
    clip = write_clip(tmp_path / "walker.avi", 30, _crossing(background, person, 5))
    zones = _zones(tmp_path, homography=HOMOGRAPHY)
    rows, _ = analyze_video(clip, zones, progress=False, motion_gating=False)
    assert [r.object_class for r in rows] == ["pedestrian"]
