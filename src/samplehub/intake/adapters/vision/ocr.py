"""One RapidOCR engine, loaded once and tuned for nameplate photos on a CPU core.

Tuning (measured with benchmarks/vision_bench.py on 120 generated plates, one core):
- detector: PP-OCRv4 mobile (4.7 MB, from the rapidocr-onnxruntime wheel) instead of the
  PP-OCRv6 small one rapidocr 3 ships (9.9 MB): half the time for the same text rows; its
  photo is limited to 480 px on the longer side (RapidOCR's default raises the shorter side to
  736 px: with everything below, a 1100×365 plate went from 3.2 s at the defaults to 0.27 s), and
  boxes are kept from a mean score of 0.35 (default 0.5), which finds the small numerals at the
  ends of a dial scale;
- recogniser: PP-OCRv6 small from the rapidocr wheel, one text box at a time, each box padded
  to at least 96 px rather than 320 px (a "0.5" on a dial is 40 px wide: most of the work was
  padding);
- one onnxruntime thread per session; no per-line angle classifier (the reader turns a plate
  that reads poorly upright by 180° instead, see reader.py).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from samplehub.intake.domain.nameplate import OcrLine
from samplehub.intake.service.ports import IntakeDeviceError

DETECTOR_PACKAGE = "rapidocr_onnxruntime"  # pip install --no-deps rapidocr-onnxruntime==1.4.4


def _package_dir(name: str) -> Path | None:
    """Where an installed package lives, found without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def bundled_models() -> dict[str, Path]:
    """Paths of the PP-OCR models inside the installed wheels; fails if one is missing.

    Passing them explicitly means RapidOCR never tries to download a model at run time.
    """
    rapidocr_dir = _package_dir("rapidocr")
    detector_dir = _package_dir(DETECTOR_PACKAGE)
    if rapidocr_dir is None or detector_dir is None:
        raise IntakeDeviceError(
            "OCR models missing: install rapidocr and, without its dependencies, "
            "rapidocr-onnxruntime==1.4.4 (make does both)"
        )
    models = {
        "Det.model_path": detector_dir / "models" / "ch_PP-OCRv4_det_infer.onnx",
        "Rec.model_path": rapidocr_dir / "models" / "PP-OCRv6_rec_small.onnx",
        "Cls.model_path": rapidocr_dir / "models" / "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
    }
    missing = [str(p) for p in models.values() if not p.is_file()]
    if missing:
        raise IntakeDeviceError(f"OCR model files missing from the installed wheels: {missing}")
    return models


class RapidOcrEngine:
    """RapidOCR with the settings above; call :meth:`recognise` with a BGR array."""

    def __init__(
        self,
        *,
        det_limit_side_len: int = 480,
        det_box_score: float = 0.35,
        rec_min_width: int = 96,
        threads: int = 1,
    ) -> None:
        from rapidocr import RapidOCR
        from rapidocr.utils.typings import ModelType, OCRVersion

        params: dict[str, Any] = {
            "Global.log_level": "warning",
            "Global.use_cls": False,
            "Det.limit_type": "max",
            "Det.limit_side_len": det_limit_side_len,
            "Det.box_thresh": det_box_score,
            "Det.ocr_version": OCRVersion.PPOCRV4,
            "Det.model_type": ModelType.MOBILE,
            "Rec.rec_batch_num": 1,
            "Rec.rec_img_shape": [3, 48, rec_min_width],
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
