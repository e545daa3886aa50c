"""The production detector: any YOLO (v5, v8, v11) exported to ONNX, run on onnxruntime.

An operator trains (or takes) a model that knows two-wheelers and vehicles, exports it with the
usual `export format=onnx`, and names its labels and how they map onto LaneGuard's classes.
Both output layouts are decoded: v5's (1, N, 5 + C) with an objectness column, and v8/v11's
(1, 4 + C, N) without. Input is letterboxed (aspect kept, grey padding) as the models were
trained; boxes are mapped back to the frame's pixels, then class-aware NMS is applied.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray

from laneguard.core.domain.incidents import ObjectClass
from laneguard.detection.adapters.detectors.nms import nms
from laneguard.detection.domain.geometry import Box
from laneguard.detection.domain.tracking import Detection
from laneguard.detection.service.ports import ModelUnavailableError


def letterbox(
    image: NDArray[np.uint8], size: int
) -> tuple[NDArray[np.float32], float, tuple[float, float]]:
    """Image → (1, 3, size, size) RGB float in [0, 1], the scale and the (x, y) padding."""
    height, width = image.shape[:2]
    scale = min(size / width, size / height)
    new_w, new_h = round(width * scale), round(height * scale)
    resized = cv2.resize(image, (new_w, new_h), interpolation=cv2.INTER_LINEAR)
    pad_x, pad_y = (size - new_w) / 2, (size - new_h) / 2
    canvas = np.full((size, size, 3), 114, dtype=np.uint8)
    top, left = round(pad_y - 0.1), round(pad_x - 0.1)
    canvas[top : top + new_h, left : left + new_w] = resized
    blob = canvas[:, :, ::-1].transpose(2, 0, 1)[None].astype(np.float32) / 255.0
    return np.ascontiguousarray(blob), scale, (float(left), float(top))


def decode_yolo(
    output: NDArray[np.float32], num_classes: int, min_score: float
) -> tuple[NDArray[np.float32], NDArray[np.float32], NDArray[np.int64]]:
    """Raw output → boxes (x1, y1, x2, y2 in input pixels), scores, class indices."""
    pred = output[0] if output.ndim == 3 else output
    expected = (4 + num_classes, 5 + num_classes)
    if pred.shape[1] not in expected and pred.shape[0] in expected:
        pred = pred.T
    columns = pred.shape[1]
    if columns == 5 + num_classes:
        class_scores = pred[:, 5:] * pred[:, 4:5]
    elif columns == 4 + num_classes:
        class_scores = pred[:, 4:]
    else:
        raise ModelUnavailableError(
            f"YOLO output of shape {output.shape} does not fit {num_classes} labels"
        )
    classes = np.argmax(class_scores, axis=1)
    scores = class_scores[np.arange(len(classes)), classes].astype(np.float32)
    keep = scores >= min_score
    cx, cy, w, h = (pred[keep, i] for i in range(4))
    boxes = np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=1).astype(np.float32)
    return boxes, scores[keep], classes[keep].astype(np.int64)


class YoloOnnxDetector:
    """Detector port over a YOLO ONNX model; labels outside `class_map` are ignored."""

    def __init__(
        self,
        model: Path,
        labels: Sequence[str],
        class_map: Mapping[str, ObjectClass],
        input_size: int = 640,
        min_score: float = 0.1,
        nms_iou: float = 0.5,
        threads: int = 0,
    ) -> None:
        import onnxruntime as ort  # type: ignore[import-untyped]

        unknown = sorted(set(class_map) - set(labels))
        if unknown:
            raise ModelUnavailableError(
                f"class_map: labels {unknown} are not among the model's labels {list(labels)}"
            )
        options = ort.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        try:
            self._session = ort.InferenceSession(
                str(model), options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises its own untyped errors
            raise ModelUnavailableError(f"cannot load YOLO model {model}: {exc}") from exc
        self._input = self._session.get_inputs()[0].name
        self.labels = list(labels)
        self.class_map = dict(class_map)
        self.input_size = input_size
        self.min_score = min_score
        self.nms_iou = nms_iou

    @property
    def classes(self) -> frozenset[ObjectClass]:
        return frozenset(self.class_map.values())

    def raw_output(
        self, image: NDArray[np.uint8]
    ) -> tuple[NDArray[np.float32], float, tuple[float, float]]:
        blob, scale, pad = letterbox(image, self.input_size)
        output = self._session.run(None, {self._input: blob})[0]
        return np.asarray(output, dtype=np.float32), scale, pad

    def detect(self, image: object) -> list[Detection]:
        frame = np.asarray(image, dtype=np.uint8)
        output, scale, (pad_x, pad_y) = self.raw_output(frame)
        boxes, scores, classes = decode_yolo(output, len(self.labels), self.min_score)
        height, width = frame.shape[:2]
        boxes = (boxes - np.array([pad_x, pad_y, pad_x, pad_y], np.float32)) / scale
        boxes = np.clip(boxes, 0, [width, height, width, height]).astype(np.float32)
        found: list[Detection] = []
        for cls_index in np.unique(classes):
            label = self.labels[int(cls_index)]
            mapped = self.class_map.get(label)
            if mapped is None:
                continue
            idx = np.flatnonzero(classes == cls_index)
            for k in nms(boxes[idx], scores[idx], self.nms_iou):
                i = idx[k]
                found.append(
                    Detection(Box(*(float(v) for v in boxes[i])), float(scores[i]), mapped)
                )
        found.sort(key=lambda d: -d.score)
        return found
