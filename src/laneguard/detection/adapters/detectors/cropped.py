"""Detection on the part of the frame the zones cover, around any detector.

A model reads a fixed small input (300×300 for the default one): a person 60 px tall in a
768-px-wide frame shrinks to 23 px, near the smallest it finds. Detecting only in the zones'
bounding box (with a margin) enlarges distant, small objects; boxes are shifted back into the
full frame's pixels. When the box covers most of the frame, the frame is passed whole.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from laneguard.core.domain.incidents import ObjectClass
from laneguard.detection.domain.geometry import Point, crop_region
from laneguard.detection.domain.tracking import Detection
from laneguard.detection.service.ports import Detector


class CroppedDetector:
    """Detector port: `inner` sees only the zones' region when it is under `max_share` of the
    frame's area."""

    def __init__(
        self, inner: Detector, zones: Sequence[Sequence[Point]], max_share: float = 0.7
    ) -> None:
        self.inner = inner
        self.zones = [list(z) for z in zones]
        self.max_share = max_share
        self._regions: dict[tuple[int, int], tuple[int, int, int, int]] = {}

    @property
    def classes(self) -> frozenset[ObjectClass]:
        return self.inner.classes

    def region(self, width: int, height: int) -> tuple[int, int, int, int]:
        """The region detected in for a frame of this size (the whole frame when not worth it)."""
        key = (width, height)
        if key not in self._regions:
            x1, y1, x2, y2 = crop_region(self.zones, key)
            worth = (x2 - x1) * (y2 - y1) < self.max_share * width * height
            self._regions[key] = (x1, y1, x2, y2) if worth else (0, 0, width, height)
        return self._regions[key]

    def detect(self, image: object) -> list[Detection]:
        frame = np.asarray(image)
        height, width = frame.shape[:2]
        x1, y1, x2, y2 = self.region(width, height)
        if (x1, y1, x2, y2) == (0, 0, width, height):
            return self.inner.detect(frame)
        found = self.inner.detect(frame[y1:y2, x1:x2])
        return [dataclasses.replace(d, box=d.box.shifted(x1, y1)) for d in found]
