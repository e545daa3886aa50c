"""The default COCO detector's pieces that need no model: labels by name, decoding, cropping,
and the install step's checks."""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
import zipfile

import numpy as np
import pytest

from laneguard.core.domain.incidents import ObjectClass
from laneguard.detection.adapters.detectors import coco_model
from laneguard.detection.adapters.detectors.coco_tflite import decode_detections
from laneguard.detection.adapters.detectors.cropped import CroppedDetector
from laneguard.detection.domain.geometry import Box, crop_region
from laneguard.detection.domain.labels import COCO_CLASS_MAP, map_classes, parse_labels
from laneguard.detection.domain.tracking import ByteTracker, Detection, TrackerConfig
from laneguard.detection.service.ports import ModelUnavailableError

CORAL = "0  person\n1  bicycle\n2  car\n3  motorcycle\n4  airplane\n5  bus\n6  train\n7  truck\n"
P, B, M, V = (
    ObjectClass.PEDESTRIAN,
    ObjectClass.BICYCLE,
    ObjectClass.MOTORCYCLE,
    ObjectClass.VEHICLE,
)


def test_classes_are_mapped_by_name_whatever_the_numbering() -> None:
    coral = map_classes(parse_labels(CORAL))
    assert coral == {0: P, 1: B, 2: V, 3: M, 5: V, 7: V}
    tf_style = parse_labels("1 person\n2 bicycle\n3 car\n4 motorcycle\n6 bus\n8 truck\n")
    assert map_classes(tf_style) == {1: P, 2: B, 3: V, 4: M, 6: V, 8: V}
    bare = parse_labels("car\nperson\nbus\nmotorcycle\nbicycle\ntruck\ndog\n")
    assert map_classes(bare) == {0: V, 1: P, 2: V, 3: M, 4: B, 5: V}


def test_a_labels_file_without_a_needed_name_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match=r"\['bicycle'\]"):
        map_classes(parse_labels("0 person\n1 car\n2 motorcycle\n3 bus\n4 truck\n"))
    assert set(COCO_CLASS_MAP) == {"person", "bicycle", "motorcycle", "car", "bus", "truck"}


def test_decoding_maps_classes_drops_the_rest_and_scales_to_the_frame() -> None:
    boxes = np.array([[0.1, 0.2, 0.5, 0.4], [0.0, 0.0, 1.0, 1.0], [0.5, 0.5, 1.2, 0.9],
                      [0.2, 0.2, 0.3, 0.3]], dtype=np.float32)  # fmt: skip
    class_ids = np.array([1, 4, 0, 2], dtype=np.float32)  # bicycle, airplane, person, car
    scores = np.array([0.9, 0.95, 0.6, 0.05], dtype=np.float32)
    found = decode_detections(
        boxes, class_ids, scores, 4, map_classes(parse_labels(CORAL)), 0.1, (0, 0, 800, 600)
    )
    assert [(d.object_class, d.score) for d in found] == [(B, pytest.approx(0.9)),
                                                          (P, pytest.approx(0.6))]  # fmt: skip
    assert found[0].box == Box(pytest.approx(160), pytest.approx(60), pytest.approx(320),
                               pytest.approx(300))  # fmt: skip
    assert found[1].box.y2 == 600  # clipped to the frame
    assert decode_detections(boxes, class_ids, scores, 0, {1: B}, 0.1, (0, 0, 10, 10)) == []


def test_crop_region_covers_the_zones_with_room_above_and_the_frame_aspect() -> None:
    x1, y1, x2, y2 = crop_region([[(300, 300), (400, 300), (400, 350), (300, 350)]], (768, 576))
    assert x1 <= 300
    assert x2 >= 400
    assert y2 >= 350
    assert y1 <= 250  # a whole zone height above it
    assert (x2 - x1) / (y2 - y1) == pytest.approx(768 / 576, rel=0.03)
    assert crop_region([[(0, 100), (768, 100), (768, 500)]], (768, 576)) == (0, 0, 768, 576)


class Inner:
    classes = frozenset({P})

    def __init__(self) -> None:
        self.shapes: list[tuple[int, ...]] = []

    def detect(self, image: object) -> list[Detection]:
        self.shapes.append(np.asarray(image).shape)
        return [Detection(Box(10, 20, 30, 60), 0.9, P)]


def test_cropped_detector_sees_the_zones_region_and_answers_in_frame_pixels() -> None:
    inner = Inner()
    cropped = CroppedDetector(inner, [[(300, 300), (400, 300), (400, 350), (300, 350)]])
    found = cropped.detect(np.zeros((576, 768, 3), np.uint8))
    x1, y1, x2, y2 = cropped.region(768, 576)
    assert inner.shapes == [(y2 - y1, x2 - x1, 3)]
    assert found[0].box == Box(10 + x1, 20 + y1, 30 + x1, 60 + y1)
    wide = CroppedDetector(inner, [[(0, 100), (768, 100), (768, 500)]])
    assert wide.detect(np.zeros((576, 768, 3), np.uint8))[0].box == Box(10, 20, 30, 60)


def test_a_cyclist_keeps_two_tracks_person_and_bicycle() -> None:
    tracker = ByteTracker(TrackerConfig(confirm_hits=1))
    for i in range(3):
        tracks = tracker.update(
            [Detection(Box(100 + i, 50, 150 + i, 170), 0.9, P),
             Detection(Box(95 + i, 110, 160 + i, 180), 0.9, B)], i / 10,
        )  # fmt: skip
    assert sorted(t.object_class.value for t in tracks) == ["bicycle", "pedestrian"]


def _tarball(files: dict[str, bytes]) -> bytes:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        for name, data in files.items():
            z.writestr(f"fs/{name}", data)
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        data = inner.getvalue()
        info = tarfile.TarInfo(coco_model.INNER_ZIP)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def test_the_install_step_refuses_a_tarball_or_file_that_is_not_the_pinned_one() -> None:
    data = b"not the package"
    good = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    coco_model.check_integrity(data, good)
    with pytest.raises(ModelUnavailableError, match="integrity"):
        coco_model.check_integrity(data + b"!", good)
    with pytest.raises(ModelUnavailableError, match="sha512"):
        coco_model.check_integrity(data, "sha1-abc")
    with pytest.raises(ModelUnavailableError, match="SHA-256"):
        coco_model.extract_model(_tarball({n: b"tampered" for n in coco_model.FILES}))
    with pytest.raises(ModelUnavailableError, match="layout"):
        coco_model.extract_model(_tarball({"other.txt": b""}))


def test_a_missing_model_names_the_command_that_installs_it(tmp_path: object) -> None:
    from pathlib import Path

    with pytest.raises(ModelUnavailableError, match="laneguard model install"):
        coco_model.model_paths(Path(str(tmp_path)))
