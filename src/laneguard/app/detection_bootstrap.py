"""The one place that picks detection's concrete adapters and wires a camera pipeline.

`laneguard analyze` and `laneguard run` both build pipelines here; tests build theirs from
fakes through the same CameraPipeline constructor.
"""

from __future__ import annotations

import dataclasses

from laneguard.detection.adapters.config import (
    CameraConfig,
    CocoTfliteConfig,
    DetectorConfig,
    SsdLiteConfig,
)
from laneguard.detection.adapters.detectors import coco_model
from laneguard.detection.adapters.detectors.coco_tflite import CocoTfliteDetector
from laneguard.detection.adapters.detectors.cropped import CroppedDetector
from laneguard.detection.adapters.detectors.model_store import default_model_dir, ssdlite_model_path
from laneguard.detection.adapters.detectors.ssdlite import SsdLiteDetector
from laneguard.detection.adapters.detectors.yolo_onnx import YoloOnnxDetector
from laneguard.detection.adapters.latest_frame import LatestFrameReader
from laneguard.detection.adapters.motion import FrameDiffMotionGate
from laneguard.detection.adapters.snapshot import JpegSnapshotEncoder
from laneguard.detection.adapters.vest import HsvVestMeter
from laneguard.detection.adapters.video import OpenCvVideoSource
from laneguard.detection.domain.tracking import COCO_SSD_TRACKER, TrackerConfig
from laneguard.detection.domain.zones import CameraRules
from laneguard.detection.service.pipeline import CameraPipeline, PipelineConfig
from laneguard.detection.service.ports import Detector, FrameSource


def build_detector(config: DetectorConfig | None = None) -> Detector:
    """The detector the config names; by default the COCO model installed with LaneGuard."""
    config = config or CocoTfliteConfig()
    if isinstance(config, CocoTfliteConfig):
        model, labels = coco_model.model_paths(config.model_dir)
        return CocoTfliteDetector(model, labels, min_score=config.min_score, threads=config.threads)
    if isinstance(config, SsdLiteConfig):
        model_dir = config.model_dir or default_model_dir()
        return SsdLiteDetector(
            ssdlite_model_path(model_dir, download=False),
            work_dir=model_dir,
            min_score=config.min_score,
        )
    return YoloOnnxDetector(
        config.model,
        labels=config.labels,
        class_map=config.class_map,
        input_size=config.input_size,
        min_score=config.min_score,
        nms_iou=config.nms_iou,
    )


def build_pipeline(
    rules: CameraRules,
    detector: Detector | None = None,
    *,
    motion_gating: bool = True,
    config: PipelineConfig | None = None,
    crop_to_zones: bool = True,
) -> CameraPipeline:
    """A camera pipeline on the real adapters; pass `detector` to share one between cameras.
    `crop_to_zones`: the detector sees only the zones' bounding box when that is smaller.
    The tracker's thresholds follow the default COCO model unless `config` sets its own."""
    watched = [list(z.polygon) for z in rules.zones]
    gate = FrameDiffMotionGate(regions=watched) if motion_gating else _AlwaysMoving()
    inner = detector or build_detector()
    config = config or PipelineConfig()
    if isinstance(inner, CocoTfliteDetector) and config.tracker == TrackerConfig():
        config = dataclasses.replace(config, tracker=COCO_SSD_TRACKER)
    return CameraPipeline(
        rules,
        CroppedDetector(inner, [z.polygon for z in rules.zones]) if crop_to_zones else inner,
        gate,
        HsvVestMeter(),
        JpegSnapshotEncoder(),
        config,
    )


def build_source(
    url: str, *, loop: bool = False, size: tuple[int, int] | None = None
) -> FrameSource:
    """A camera: files are read frame by frame (or looped); live streams through a reader
    thread that keeps the newest frame, reconnecting forever with back-off."""
    source = OpenCvVideoSource(url, loop=loop, size=size)
    return LatestFrameReader(source) if source.live else source


def build_camera(config: CameraConfig, detector: Detector) -> tuple[FrameSource, CameraPipeline]:
    """A live camera's source and pipeline from its config; share `detector` across cameras.

    Feed them to `laneguard.detection.service.pipeline.run_pipeline` (every frame's result, for
    the live view) or `incident_events` (IncidentOpened / IncidentEnded only).
    """
    size = (config.size[0], config.size[1]) if config.size else None
    source = build_source(config.source, loop=config.loop, size=size)
    pipeline = build_pipeline(
        config.to_rules(),
        detector,
        config=PipelineConfig(
            detect_every=config.detect_every, keyframe_interval=config.keyframe_interval
        ),
    )
    return source, pipeline


class _AlwaysMoving:
    """A gate that never rests the detector (offline analysis of every frame)."""

    def moving(self, image: object) -> bool:
        return True
