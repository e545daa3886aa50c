"""The staff filter's measurement: how much of a person's torso is high-visibility colour.

EN ISO 20471 fluorescent yellow-green and orange-red are saturated and bright in a way that
clothes, skin and asphalt rarely are; counting those pixels in the torso part of the box is a
cheap, explainable test. The hue bands (OpenCV's 0-180 hue scale) are configurable per site.
"""

from __future__ import annotations

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
        hue, sat, val = hsv[..., 0], hsv[..., 1], hsv[..., 2]
        bright = (sat >= self.min_saturation) & (val >= self.min_value)
        in_band = np.zeros_like(bright)
        for low, high in self.hue_bands:
            in_band |= (hue >= low) & (hue <= high)
        return float(np.count_nonzero(bright & in_band)) / bright.size
