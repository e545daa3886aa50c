"""The staff filter's measurement: how much of a person's torso is high-visibility colour.

EN ISO 20471 fluorescent yellow-green and orange-red are saturated and bright in a way that
clothes, skin and asphalt rarely are; counting those pixels in the torso part of the box is a
cheap, explainable test. The hue bands (OpenCV's 0-180 hue scale) are configurable per site.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import cv2
import numpy as np

from laneguard.detection.domain.geometry import Box

YELLOW_GREEN = (22, 45)
ORANGE = (3, 18)


class HsvVestMeter:
    """VestMeter port over HSV thresholds, measured between 20 % and 65 % of the box height."""

    def __init__(
        self,
        hue_bands: Sequence[tuple[int, int]] = (YELLOW_GREEN, ORANGE),
        min_saturation: int = 140,
        min_value: int = 140,
    ) -> None:
        self.hue_bands = tuple(hue_bands)
        self.min_saturation = min_saturation
        self.min_value = min_value
        # inRange's inclusive integer bounds for the same tests as `>= low` and `<= high`.
        sat, val = math.ceil(min_saturation), math.ceil(min_value)
        self._bands = [
            ((low, sat, val), (high, 255, 255))
            for low, high in _merged([(math.ceil(lo), math.floor(hi)) for lo, hi in self.hue_bands])
        ]

    def ratio(self, image: object, box: Box) -> float:
        frame = np.asarray(image, dtype=np.uint8)
        height, width = frame.shape[:2]
        x1 = max(0, int(box.x1))
        x2 = min(width, int(box.x2))
        y1 = max(0, int(box.y1 + 0.20 * box.height))
        y2 = min(height, int(box.y1 + 0.65 * box.height))
        if x2 <= x1 or y2 <= y1:
            return 0.0
        hsv = cv2.cvtColor(frame[y1:y2, x1:x2], cv2.COLOR_BGR2HSV)
        lit = 0
        for low, high in self._bands:
            # Hue bands do not overlap (merged when built), so their counts add up.
            lit += cv2.countNonZero(cv2.inRange(hsv, low, high))
        return float(lit / ((y2 - y1) * (x2 - x1)))


def _merged(bands: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The hue bands as disjoint inclusive ranges (overlapping or touching ones joined)."""
    out: list[tuple[int, int]] = []
    for low, high in sorted(b for b in bands if b[0] <= b[1]):
        if out and low <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], high))
        else:
            out.append((low, high))
    return out
