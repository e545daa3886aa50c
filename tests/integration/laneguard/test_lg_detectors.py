"""Detector decoding: SSD anchors against the model's own layout, YOLO on a tiny ONNX model.

No YOLO weights ship in any package, so the test builds an ONNX model whose output is a
constant tensor in YOLO's layout: what comes out of the adapter then depends only on its
letterboxing, decoding, class mapping and NMS.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from laneguard.core.domain.incidents import ObjectClass
from laneguard.detection.adapters.detectors.nms import nms
from laneguard.detection.adapters.detectors.ssdlite import decode_boxes, ssd_anchors
from laneguard.detection.adapters.detectors.yolo_onnx import YoloOnnxDetector
from laneguard.detection.service.ports import ModelUnavailableError

LABELS = ["person", "bicycle", "car"]
CLASS_MAP = {"person": ObjectClass.PEDESTRIAN, "bicycle": ObjectClass.BICYCLE}


def constant_yolo(path: Path, output: np.ndarray, size: int = 64) -> Path:
    """An ONNX model: image (1, 3, size, size) → a fixed output, via Add(0 * mean(image))."""
    const = numpy_helper.from_array(output.astype(np.float32), "raw")
    zero = numpy_helper.from_array(np.zeros((1,), np.float32), "zero")
    nodes = [
        helper.make_node("ReduceMean", ["images"], ["m"], keepdims=0),
        helper.make_node("Mul", ["m", "zero"], ["z"]),
        helper.make_node("Add", ["raw", "z"], ["output0"]),
    ]
    graph = helper.make_graph(
        nodes, "tiny-yolo",
        [helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, size, size])],
        [helper.make_tensor_value_info("output0", TensorProto.FLOAT, list(output.shape))],
        initializer=[const, zero],
    )  # fmt: skip
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path


def v8_output(rows: list[tuple[float, float, float, float, list[float]]]) -> np.ndarray:
    """YOLOv8 layout (1, 4 + C, N) from (cx, cy, w, h, class scores) rows."""
    return np.array([[*r[:4], *r[4]] for r in rows], np.float32).T[None]


def test_yolov8_decoding_letterbox_class_map_and_nms(tmp_path: Path) -> None:
    out = v8_output([
        (32, 32, 10, 20, [0.9, 0.0, 0.0]),   # person
        (33, 32, 10, 20, [0.8, 0.0, 0.0]),   # same person again: suppressed by NMS
        (10, 40, 8, 8, [0.0, 0.7, 0.0]),     # bicycle
        (50, 20, 8, 8, [0.0, 0.0, 0.95]),    # car: not in the class map
        (20, 20, 8, 8, [0.05, 0.0, 0.0]),    # below min_score
    ])  # fmt: skip
    model = constant_yolo(tmp_path / "v8.onnx", out)
    det = YoloOnnxDetector(model, LABELS, CLASS_MAP, input_size=64, min_score=0.1)
    # 128x64 frame: scale 0.5, padded 16 px top and bottom in the 64x64 input.
    found = det.detect(np.zeros((64, 128, 3), np.uint8))
    assert [(d.object_class, round(d.score, 2)) for d in found] == [
        (ObjectClass.PEDESTRIAN, 0.9),
        (ObjectClass.BICYCLE, 0.7),
    ]
    person = found[0].box
    assert (person.x1, person.y1, person.x2, person.y2) == pytest.approx((54, 12, 74, 52))
    assert det.classes == {ObjectClass.PEDESTRIAN, ObjectClass.BICYCLE}


def test_yolov5_layout_with_objectness(tmp_path: Path) -> None:
    rows = np.array([[32, 32, 10, 20, 0.5, 0.9, 0.1, 0.0]], np.float32)[None]  # (1, N, 5 + C)
    model = constant_yolo(tmp_path / "v5.onnx", rows)
    det = YoloOnnxDetector(model, LABELS, CLASS_MAP, input_size=64)
    found = det.detect(np.zeros((64, 64, 3), np.uint8))
    assert [(d.object_class, round(d.score, 2)) for d in found] == [(ObjectClass.PEDESTRIAN, 0.45)]


def test_a_class_map_naming_unknown_labels_is_refused(tmp_path: Path) -> None:
    model = constant_yolo(tmp_path / "v8.onnx", v8_output([(1, 1, 1, 1, [0.0, 0.0, 0.0])]))
    with pytest.raises(ModelUnavailableError, match=r"\['e-scooter'\]"):
        YoloOnnxDetector(model, LABELS, {"e-scooter": ObjectClass.E_BIKE}, input_size=64)


def test_a_broken_model_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"not a model")
    with pytest.raises(ModelUnavailableError, match="cannot load YOLO model"):
        YoloOnnxDetector(bad, LABELS, CLASS_MAP)


def test_ssd_anchor_layout_matches_the_predictor_maps() -> None:
    anchors = ssd_anchors()
    # 19x19x3 + (10x10 + 5x5 + 3x3 + 2x2 + 1x1) x 6, as the model's twelve outputs have.
    assert anchors.shape == (19 * 19 * 3 + (100 + 25 + 9 + 4 + 1) * 6, 4)
    # Zero encodings decode to the anchors themselves.
    boxes = decode_boxes(np.zeros((3, 4), np.float32), anchors[:3])
    cy, cx, h, w = anchors[0]
    assert boxes[0] == pytest.approx([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2])


def test_nms_keeps_the_best_of_overlapping_boxes() -> None:
    boxes = np.array([[0, 0, 10, 10], [1, 1, 11, 11], [20, 20, 30, 30]], np.float32)
    scores = np.array([0.8, 0.9, 0.5], np.float32)
    assert nms(boxes, scores, 0.5) == [1, 2]


def test_nms_threshold_is_on_the_iou_of_corner_boxes() -> None:
    # IoU 50 / 150 = 1/3: suppressed above a threshold of 0.3, kept under one of 0.4; boxes
    # handed over as corners, not as OpenCV's x, y, width, height.
    boxes = np.array([[0, 0, 10, 10], [5, 0, 15, 10], [100, 100, 104, 140]], np.float32)
    scores = np.array([0.6, 0.7, 0.7], np.float32)
    assert nms(boxes, scores, 0.3) == [1, 2]
    assert nms(boxes, scores, 0.4) == [1, 2, 0]
    assert nms(np.zeros((0, 4), np.float32), np.zeros(0, np.float32), 0.5) == []
