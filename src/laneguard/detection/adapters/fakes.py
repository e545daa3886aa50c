"""Stand-ins for detection's ports that need no model, no OpenCV and no pixels: for pipeline
tests and demos."""

from __future__ import annotations

from collections.abc import Sequence

from laneguard.core.domain.incidents import ObjectClass
from laneguard.detection.domain.geometry import Box
from laneguard.detection.domain.tracking import Detection


class PersonAlways:
    """A detector that sees one pedestrian, always in the same place (pipeline tests, demos)."""

    @property
    def classes(self) -> frozenset[ObjectClass]:
        return frozenset({ObjectClass.PEDESTRIAN})

    def detect(self, image: object) -> list[Detection]:
        return [Detection(Box(40, 10, 60, 90), 0.9, ObjectClass.PEDESTRIAN)]


class AlwaysMoving:
    """A motion gate that never rests the detector."""

    def moving(self, image: object) -> bool:
        return True


class NoVest:
    """A vest meter that never sees high-visibility colour."""

    def ratio(self, image: object, box: Box) -> float:
        return 0.0


class FakeJpeg:
    """A snapshot encoder that returns fixed bytes."""

    def encode(self, image: object, boxes: Sequence[Box]) -> bytes:
        return b"jpeg"
