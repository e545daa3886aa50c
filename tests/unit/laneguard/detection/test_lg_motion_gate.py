"""The motion gate: differences from the running background, inside the watched regions only."""

from __future__ import annotations

import numpy as np

from laneguard.detection.adapters.motion import FrameDiffMotionGate

LANE = [(100.0, 300.0), (400.0, 300.0), (400.0, 560.0), (100.0, 560.0)]


def street() -> np.ndarray:
    rng = np.random.default_rng(3)
    return rng.integers(60, 120, (576, 768, 3), dtype=np.uint8)


def with_person(image: np.ndarray, x: int, y: int) -> np.ndarray:
    out = image.copy()
    out[y - 80 : y, x - 15 : x + 15] = (30, 200, 240)
    return out


def test_a_still_scene_rests_the_detector_after_the_first_frame() -> None:
    gate = FrameDiffMotionGate(regions=[LANE])
    frame = street()
    assert gate.moving(frame)  # no background yet: look
    assert not any(gate.moving(frame.copy()) for _ in range(5))


def test_someone_in_the_lane_wakes_it_and_someone_far_from_it_does_not() -> None:
    gate = FrameDiffMotionGate(regions=[LANE])
    frame = street()
    gate.moving(frame)
    assert not gate.moving(with_person(frame, 650, 150))  # far from the lane and its margin
    assert gate.moving(with_person(frame, 250, 450))


def test_without_regions_the_whole_frame_is_watched() -> None:
    gate = FrameDiffMotionGate()
    frame = street()
    gate.moving(frame)
    assert gate.moving(with_person(frame, 650, 150))
    assert gate.last_fraction > 0
