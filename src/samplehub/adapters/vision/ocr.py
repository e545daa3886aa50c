"""One RapidOCR engine, loaded once and tuned for nameplate photos on a CPU core.

Tuning (measured with benchmarks/vision_bench.py): the detector sees the photo with its longer
side limited to 736 px instead of its shorter side raised to 736 px (1100×365 plates went from
about 2 s to 0.35 s on one core with the same text read); onnxruntime runs one thread per
session unless told otherwise; the per-line angle classifier is off (the reader turns a plate
that reads poorly upright by 180° instead, see reader.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from samplehub.domain.nameplate import OcrLine
from samplehub.service.ports_intake import IntakeDeviceError


def bundled_models() -> dict[str, Path]:
    """Paths of the PP-OCR models inside the rapidocr wheel; fails if one is missing.

    Passing them explicitly means RapidOCR never tries to download a model at run time.
    """
    import rapidocr

    root = Path(rapidocr.__file__).resolve().parent / "models"
    models = {
        "Det.model_path": root / "PP-OCRv6_det_small.onnx",
        "Rec.model_path": root / "PP-OCRv6_rec_small.onnx",
        "Cls.model_path": root / "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
    }
    missing = [str(p) for p in models.values() if not p.is_file()]
    if missing:
        raise IntakeDeviceError(f"OCR model files missing from the rapidocr wheel: {missing}")
    return models


class RapidOcrEngine:
    """RapidOCR with the settings above; call :meth:`recognise` with a BGR array."""

    def __init__(
        self, *, det_limit_side_len: int = 544, rec_batch: int = 1, threads: int = 1
    ) -> None:
        from rapidocr import RapidOCR

        params: dict[str, Any] = {
            "Global.log_level": "warning",
            "Global.use_cls": False,
            "Det.limit_type": "max",
            "Det.limit_side_len": det_limit_side_len,
            "Rec.rec_batch_num": rec_batch,
            "EngineConfig.onnxruntime.intra_op_num_threads": threads,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        }
        params.update({key: str(path) for key, path in bundled_models().items()})
        self._engine = RapidOCR(params=params)
        # RapidOCR loads its sessions on first use and onnxruntime plans its first run slowly;
        # one run of each model now keeps that out of the first customer's wait.
        sample = np.full((96, 480, 3), 255, dtype=np.uint8)
        cv2.putText(sample, "0~1.6MPa No.12345", (12, 60), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 0, 2)
        self._engine(sample, use_det=True, use_cls=False, use_rec=True)

    @property
    def raw(self) -> Any:
        """The underlying RapidOCR callable, for benchmarks that time the bare call."""
        return self._engine

    def recognise(self, bgr: NDArray[np.uint8], *, turned: bool = False) -> list[OcrLine]:
        """Text boxes of the image, or of the image turned by 180° when ``turned``.

        Turning the whole image for an upside-down plate, rather than running the per-line
        angle classifier, keeps captions left of their values so rows still read caption-first.
        """
        image = np.ascontiguousarray(bgr[::-1, ::-1]) if turned else bgr
        return self._run(image, use_cls=False)

    def _run(self, bgr: NDArray[np.uint8], *, use_cls: bool) -> list[OcrLine]:
        try:
            output: Any = self._engine(bgr, use_det=True, use_cls=use_cls, use_rec=True)
        except Exception as exc:  # onnxruntime and OpenCV raise bare RuntimeError/cv2.error
            raise IntakeDeviceError(f"OCR failed: {exc}") from exc
        texts = getattr(output, "txts", None)
        if not texts:
            return []
        lines: list[OcrLine] = []
        for quad, text, score in zip(output.boxes, texts, output.scores, strict=True):
            corners = [(float(p[0]), float(p[1])) for p in quad]
            lines.append(
                OcrLine(str(text), float(score), (corners[0], corners[1], corners[2], corners[3]))
            )
        return lines
