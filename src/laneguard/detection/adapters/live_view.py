"""Annotated frames for the MJPEG live view: zones in yellow, tracks with id and class, open
incidents in red; the JPEG goes to the FrameHub the web page streams from."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import cv2
import numpy as np

from laneguard.detection.adapters.frame_hub import FrameHub
from laneguard.detection.service.pipeline import CameraPipeline, FrameResult


class LiveAnnotator:
    """`also` gets every annotated JPEG too (the incident clips' ring buffer)."""

    def __init__(
        self,
        frames: FrameHub,
        quality: int = 70,
        also: Callable[[str, datetime, bytes], None] | None = None,
    ) -> None:
        self.frames = frames
        self.quality = quality
        self.also = also

    def __call__(self, camera: str, pipeline: CameraPipeline, result: FrameResult) -> None:
        image = np.array(result.frame.image, dtype=np.uint8, copy=True)
        for zone in pipeline.rules.zones:
            pts = np.array([[int(x), int(y)] for x, y in zone.polygon], dtype=np.int32)
            cv2.polylines(image, [pts], isClosed=True, color=(0, 215, 255), thickness=2)
            x, y = pts[0]
            cv2.putText(
                image,
                zone.name,
                (int(x) + 4, int(y) + 16),
                cv2.FONT_HERSHEY_SIMPLEX,
                0.5,
                (0, 215, 255),
                1,
                cv2.LINE_AA,
            )
        alarmed = {e.track_id for e in pipeline.open_incidents.values()}
        for obs in result.observations:
            colour = (0, 0, 255) if obs.track_id in alarmed else (80, 220, 80)
            b = obs.box
            cv2.rectangle(image, (int(b.x1), int(b.y1)), (int(b.x2), int(b.y2)), colour, 2)
            cv2.putText(
                image,
                f"#{obs.track_id} {obs.object_class.value}",
                (int(b.x1), max(12, int(b.y1) - 4)),
                cv2.FONT_HERSHEY_SIMPLEX,
                0.45,
                colour,
                1,
                cv2.LINE_AA,
            )
        ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, self.quality])
        if ok:
            jpeg = bytes(data.tobytes())
            self.frames.publish(camera, jpeg)
            if self.also is not None:
                self.also(camera, result.frame.at, jpeg)
