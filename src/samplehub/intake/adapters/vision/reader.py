"""The NameplateVision port over RapidOCR and zxing-cpp: photo bytes in, proposed fields out."""

from __future__ import annotations

import time
from collections.abc import Mapping

import cv2
import numpy as np

from samplehub.intake.adapters.vision.barcodes import read_codes
from samplehub.intake.adapters.vision.images import decode_image
from samplehub.intake.adapters.vision.ocr import RapidOcrEngine
from samplehub.intake.domain.nameplate import NameplateReading, OcrLine, extract_fields
from samplehub.intake.domain.nameplate_text import group_rows
from samplehub.intake.service.ports import VisionResult

# An upright pass that finds no instrument type, proposes fewer fields than this, or reads
# worse than this mean score is tried again with the image turned by 180°.
ENOUGH_FIELDS = 4
RETRY_TURNED_BELOW = 0.80


def _found(reading: NameplateReading) -> int:
    return sum(value is not None for value in reading.values().values())


def _mean_score(lines: list[OcrLine]) -> float:
    return sum(ln.score for ln in lines) / len(lines) if lines else 0.0


class RapidNameplateVision:
    """Decodes, checks and reads a photo; keeps one OCR engine for its whole life."""

    def __init__(
        self,
        engine: RapidOcrEngine | None = None,
        instrument_types: Mapping[str, str] | None = None,
    ) -> None:
        self._engine = engine or RapidOcrEngine()
        self._types = dict(instrument_types or {})

    @property
    def engine(self) -> RapidOcrEngine:
        """The one OCR engine this reader keeps (benchmarks time it bare)."""
        return self._engine

    def read_image(self, data: bytes, name: str = "image") -> VisionResult:
        started = time.perf_counter()
        bgr = decode_image(data, name)
        gray = np.asarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY), dtype=np.uint8)
        codes = read_codes(gray)
        lines = self._engine.recognise(bgr)
        reading = extract_fields(lines, self._types)
        if (
            reading.fields["instrument_type"].value is None
            or _found(reading) < ENOUGH_FIELDS
            or _mean_score(lines) < RETRY_TURNED_BELOW
        ):
            # Perhaps placed upside down: read it turned by 180° and keep the better reading.
            turned_lines = self._engine.recognise(bgr, turned=True)
            turned = extract_fields(turned_lines, self._types)
            if (_found(turned), _mean_score(turned_lines)) > (_found(reading), _mean_score(lines)):
                lines, reading = turned_lines, turned
        rows = tuple(row.text for row in group_rows(lines))
        elapsed = (time.perf_counter() - started) * 1000
        return VisionResult(reading, codes, rows, round(elapsed, 1))
