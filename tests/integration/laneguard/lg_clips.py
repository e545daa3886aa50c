"""Synthetic clips for the detection tests, composed from vtest.avi's own pixels.

A drawn stick figure is not a person to a trained detector, so the clips paste a real person
(cut from vtest.avi) onto the scene's empty background (the per-pixel median of frames across
the video), moving as each case needs: still and in a hi-vis vest, fast like a rider, or not at
all while a shadow crosses the lane.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray

Image = NDArray[np.uint8]
PERSON_FRAME = 100
PERSON_BOX = (490, 146, 530, 229)


def _frames(video: Path) -> Iterator[Image]:
    cap = cv2.VideoCapture(str(video))
    try:
        while True:
            ok, image = cap.read()
            if not ok:
                return
            yield image
    finally:
        cap.release()


def scene_parts(video: Path) -> tuple[Image, Image]:
    """The empty background (median over the video) and one real person's patch."""
    frames = list(_frames(video))
    background = np.median(np.stack(frames[::20]), axis=0).astype(np.uint8)
    x1, y1, x2, y2 = PERSON_BOX
    person = frames[PERSON_FRAME][y1:y2, x1:x2].copy()
    return background, person


def paste(background: Image, patch: Image, foot: tuple[int, int]) -> Image:
    """The background with `patch` placed so its bottom centre is at `foot`."""
    frame = background.copy()
    h, w = patch.shape[:2]
    x = foot[0] - w // 2
    y = foot[1] - h
    frame[y : y + h, x : x + w] = patch
    return frame


def vest(person: Image) -> Image:
    """The person wearing a fluorescent yellow-green vest: hue and saturation of the torso set,
    brightness raised, texture kept (a flat colour block no longer looks like a person)."""
    out = person.copy()
    h, w = out.shape[:2]
    torso = out[int(0.3 * h) : int(0.55 * h), int(0.25 * w) : int(0.75 * w)]
    hsv = cv2.cvtColor(torso, cv2.COLOR_BGR2HSV).astype(np.int32)
    hsv[..., 0] = 33
    hsv[..., 1] = 220
    hsv[..., 2] = np.clip(hsv[..., 2] * 1.5 + 110, 0, 255)
    torso[:] = cv2.cvtColor(hsv.astype(np.uint8), cv2.COLOR_HSV2BGR)
    return out


def write_clip(path: Path, frames: int, draw: Callable[[int], Image], fps: float = 10.0) -> Path:
    first = draw(0)
    writer = cv2.VideoWriter(
        str(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, (first.shape[1], first.shape[0])
    )
    try:
        for i in range(frames):
            writer.write(draw(i))
    finally:
        writer.release()
    return path
