"""The default detector: Coral's SSD-MobileNet-v2 COCO (int8 TFLite) run by LiteRT.

`ai-edge-litert` is Google's TFLite runtime without TensorFlow; it runs this model's
`TFLite_Detection_PostProcess` op (anchors, box decoding and NMS inside the graph) and works
with numpy 2. The model reads a 300×300 RGB uint8 image and gives up to 20 boxes (normalised
ymin, xmin, ymax, xmax), their class ids, scores and the count. Class ids are named by the
model's own labels file and mapped onto LaneGuard's classes by name (person, bicycle,
motorcycle, car, bus, truck).

Cropping to the zones (small, distant objects) is `CroppedDetector`'s, around any detector.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray

from laneguard.core.domain.incidents import ObjectClass
from laneguard.detection.domain.geometry import Box
from laneguard.detection.domain.labels import COCO_CLASS_MAP, map_classes, parse_labels
from laneguard.detection.domain.tracking import Detection
from laneguard.detection.service.ports import ModelUnavailableError

Region = tuple[int, int, int, int]
"""x1, y1, x2, y2 in frame pixels."""


def decode_detections(
    boxes: NDArray[np.float32],
    class_ids: NDArray[np.float32],
    scores: NDArray[np.float32],
    count: int,
    classes: Mapping[int, ObjectClass],
    min_score: float,
    region: Region,
) -> list[Detection]:
    """The post-processed outputs (batch dimension removed) → detections in frame pixels;
    classes not in `classes` and scores below `min_score` are dropped."""
    x1, y1, x2, y2 = region
    width, height = x2 - x1, y2 - y1
    n = min(count, len(scores))
    ids = class_ids[:n].astype(np.int64)
    known = np.array([int(i) in classes for i in ids], dtype=bool)
    keep = np.flatnonzero(known & (scores[:n] >= min_score))
    if keep.size == 0:
        return []
    edges = np.clip(boxes[keep].astype(np.float64), 0.0, 1.0) * np.array(
        [height, width, height, width]
    )
    found = [
        Detection(
            Box(x1 + float(left), y1 + float(top), x1 + float(right), y1 + float(bottom)),
            float(scores[i]),
            classes[int(ids[i])],
        )
        for i, (top, left, bottom, right) in zip(keep, edges, strict=True)
    ]
    found.sort(key=lambda d: -d.score)
    return found


class CocoTfliteDetector:
    """Detector port over a TFLite SSD with post-processing and a COCO labels file."""

    def __init__(
        self,
        model: Path,
        labels: Path,
        class_map: Mapping[str, ObjectClass] = COCO_CLASS_MAP,
        min_score: float = 0.1,
        threads: int = 1,
    ) -> None:
        from ai_edge_litert.interpreter import Interpreter  # type: ignore[import-untyped]

        try:
            self._classes = map_classes(parse_labels(labels.read_text(encoding="utf-8")), class_map)
        except (OSError, ValueError) as exc:
            raise ModelUnavailableError(f"labels file {labels}: {exc}") from exc
        try:
            self._interpreter = Interpreter(model_path=str(model), num_threads=threads)
            self._interpreter.allocate_tensors()
        except (RuntimeError, ValueError) as exc:
            raise ModelUnavailableError(f"cannot load TFLite model {model}: {exc}") from exc
        inp = self._interpreter.get_input_details()[0]
        outputs = self._interpreter.get_output_details()
        if len(outputs) != 4 or inp["dtype"] is not np.uint8:
            raise ModelUnavailableError(
                f"{model}: expected a uint8 SSD with post-processing (4 outputs), got "
                f"{len(outputs)} outputs of input {inp['dtype']}"
            )
        self._input = int(inp["index"])
        self._size = (int(inp["shape"][2]), int(inp["shape"][1]))
        self._outputs = [int(o["index"]) for o in outputs]
        self.min_score = min_score

    @property
    def classes(self) -> frozenset[ObjectClass]:
        return frozenset(self._classes.values())

    def detect(self, image: object) -> list[Detection]:
        frame = np.asarray(image, dtype=np.uint8)
        height, width = frame.shape[:2]
        rgb = cv2.cvtColor(cv2.resize(frame, self._size), cv2.COLOR_BGR2RGB)
        self._interpreter.set_tensor(self._input, rgb[None])
        self._interpreter.invoke()
        boxes, class_ids, scores, count = (self._interpreter.get_tensor(i) for i in self._outputs)
        return decode_detections(
            boxes[0], class_ids[0], scores[0], int(count[0]), self._classes, self.min_score,
            (0, 0, width, height),
        )  # fmt: skip
