"""The embedded person detector: SSDLite-MobileNetV2 run by OpenCV's dnn, without TensorFlow.

OpenCV 5 cannot import the whole frozen graph (its anchor-generator and post-processing
subgraphs use TensorFlow control flow it does not support), so only the convolutional part is
given to it: a text graph, derived here from the frozen graph, that keeps the nodes from the
backbone's input to the twelve box-predictor convolutions. The rest of what the graph did is
done in numpy below, following the TensorFlow Object Detection API's documented SSD settings:
the multiple-grid anchors (scales 0.2 to 0.95, aspect ratios 1, 2, 1/2, 3, 1/3 plus one
interpolated scale, three boxes in the lowest layer), the Faster R-CNN box coder with scale
factors 10, 10, 5, 5, sigmoid scores, and non-maximum suppression.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray

from laneguard.core.domain.incidents import ObjectClass
from laneguard.detection.adapters.detectors.nms import nms
from laneguard.detection.domain.geometry import Box
from laneguard.detection.domain.tracking import Detection
from laneguard.detection.service.ports import ModelUnavailableError

INPUT_NODE = "FeatureExtractor/MobilenetV2/MobilenetV2/input"
INPUT_SIZE = 300
GRIDS = (19, 10, 5, 3, 2, 1)
OUTPUTS = [
    f"BoxPredictor_{i}/{kind}/Conv2D"
    for i in range(len(GRIDS))
    for kind in ("BoxEncodingPredictor", "ClassPredictor")
]
BOX_SCALES = (10.0, 10.0, 5.0, 5.0)


def ssd_anchors(
    grids: tuple[int, ...] = GRIDS, min_scale: float = 0.2, max_scale: float = 0.95
) -> NDArray[np.float32]:
    """Anchors (N, 4) as centre y, centre x, height, width, normalised, in the graph's order."""
    n = len(grids)
    scales = [min_scale + (max_scale - min_scale) * i / (n - 1) for i in range(n)] + [1.0]
    rows: list[tuple[float, float, float, float]] = []
    for layer, g in enumerate(grids):
        if layer == 0:
            specs = [(0.1, 1.0), (scales[0], 2.0), (scales[0], 0.5)]
        else:
            specs = [(scales[layer], a) for a in (1.0, 2.0, 0.5, 3.0, 1.0 / 3.0)]
            specs.append((math.sqrt(scales[layer] * scales[layer + 1]), 1.0))
        for y in range(g):
            for x in range(g):
                for scale, ratio in specs:
                    root = math.sqrt(ratio)
                    rows.append(((y + 0.5) / g, (x + 0.5) / g, scale / root, scale * root))
    return np.asarray(rows, dtype=np.float32)


def decode_boxes(
    encodings: NDArray[np.float32], anchors: NDArray[np.float32]
) -> NDArray[np.float32]:
    """Faster R-CNN box coder: (ty, tx, th, tw) against anchors → normalised x1, y1, x2, y2."""
    ty, tx, th, tw = (encodings[:, i] / BOX_SCALES[i] for i in range(4))
    ya, xa, ha, wa = anchors[:, 0], anchors[:, 1], anchors[:, 2], anchors[:, 3]
    yc = ty * ha + ya
    xc = tx * wa + xa
    h = np.exp(th) * ha
    w = np.exp(tw) * wa
    return np.stack([xc - w / 2, yc - h / 2, xc + w / 2, yc + h / 2], axis=1).astype(np.float32)


def conv_text_graph(frozen_graph: Path, out: Path) -> Path:
    """Write OpenCV a text graph of only the convolutional part of the frozen graph."""
    full = out.with_suffix(".full.pbtxt")
    cv2.dnn.writeTextGraph(str(frozen_graph), str(full))
    text = full.read_text()
    full.unlink()
    nodes: dict[str, str] = {}
    order: list[str] = []
    for block in re.split(r"\nnode \{", "\n" + text)[1:]:
        name = re.search(r'name: "([^"]+)"', block)
        if name is None:
            continue
        nodes[name.group(1)] = block
        order.append(name.group(1))
    wanted = [o.replace("/Conv2D", "/BiasAdd") for o in OUTPUTS]
    keep: set[str] = set()
    stack = list(wanted)
    while stack:
        node = stack.pop()
        if node in keep:
            continue
        if node not in nodes:
            raise ModelUnavailableError(f"{frozen_graph}: not the expected SSDLite graph ({node})")
        keep.add(node)
        if node != INPUT_NODE:
            stack.extend(
                i.split(":")[0].lstrip("^") for i in re.findall(r'input: "([^"]+)"', nodes[node])
            )
    placeholder = (
        f'node {{\n  name: "{INPUT_NODE}"\n  op: "Placeholder"\n'
        '  attr {\n    key: "dtype"\n    value {\n      type: DT_FLOAT\n    }\n  }\n}\n'
    )
    parts = [
        placeholder if name == INPUT_NODE else "node {" + nodes[name]
        for name in order
        if name in keep and 'op: "Const"' not in nodes[name]
    ]
    out.write_text("\n".join(parts))
    return out


class SsdLiteDetector:
    """Detector port over the SSDLite person model; reports `pedestrian` only."""

    def __init__(
        self,
        frozen_graph: Path,
        work_dir: Path,
        min_score: float = 0.1,
        nms_iou: float = 0.5,
        max_detections: int = 100,
    ) -> None:
        work_dir.mkdir(parents=True, exist_ok=True)
        graph = work_dir / "ssdlite_conv.pbtxt"
        try:
            if not graph.is_file() or graph.stat().st_mtime < frozen_graph.stat().st_mtime:
                conv_text_graph(frozen_graph, graph)
            self._net = cv2.dnn.readNetFromTensorflow(str(frozen_graph), str(graph))
        except cv2.error as exc:
            raise ModelUnavailableError(f"cannot load {frozen_graph}: {exc}") from exc
        self._anchors = ssd_anchors()
        self.min_score = min_score
        self.nms_iou = nms_iou
        self.max_detections = max_detections

    @property
    def classes(self) -> frozenset[ObjectClass]:
        return frozenset({ObjectClass.PEDESTRIAN})

    def raw_outputs(self, image: NDArray[np.uint8]) -> list[NDArray[np.float32]]:
        """The twelve predictor maps for one BGR image (what the benchmark times)."""
        blob = cv2.dnn.blobFromImage(
            image, 1 / 127.5, (INPUT_SIZE, INPUT_SIZE), (127.5, 127.5, 127.5), swapRB=True
        )
        self._net.setInput(blob)
        return [np.asarray(o, dtype=np.float32) for o in self._net.forward(OUTPUTS)]

    def detect(self, image: object) -> list[Detection]:
        frame = np.asarray(image, dtype=np.uint8)
        outputs = self.raw_outputs(frame)
        boxes = np.concatenate(
            [o[0].transpose(1, 2, 0).reshape(-1, 4) for o in outputs[0::2]]
        ).astype(np.float32)
        logits = np.concatenate([o[0].transpose(1, 2, 0).reshape(-1, 2) for o in outputs[1::2]])
        scores = (1.0 / (1.0 + np.exp(-logits[:, 1]))).astype(np.float32)
        chosen = np.flatnonzero(scores >= self.min_score)
        if chosen.size == 0:
            return []
        chosen = chosen[np.argsort(-scores[chosen])][: self.max_detections * 4]
        height, width = frame.shape[:2]
        decoded = decode_boxes(boxes[chosen], self._anchors[chosen])
        decoded = np.clip(decoded, 0.0, 1.0) * np.array([width, height, width, height], np.float32)
        kept = nms(decoded, scores[chosen], self.nms_iou)[: self.max_detections]
        return [
            Detection(
                box=Box(*(float(v) for v in decoded[i])),
                score=float(scores[chosen][i]),
                object_class=ObjectClass.PEDESTRIAN,
            )
            for i in kept
        ]
