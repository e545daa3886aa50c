"""The production camera: one frame from an OpenCV ``VideoCapture`` source, encoded as JPEG/PNG.

The source is a USB camera index (``0``) or a stream URL (``rtsp://…``); a file path works too,
which is how the tests drive it. Each capture opens the source, skips a few frames (cameras
settle their exposure, streams start on a stale frame) and releases it again, so an unplugged
camera or a dropped stream is an IntakeDeviceError on that capture, not a stuck handle.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import cv2

from samplehub.intake.service.camera_ports import Photo
from samplehub.intake.service.ports import IntakeDeviceError

log = logging.getLogger(__name__)
FORMATS = {"jpeg": (".jpg", "image/jpeg"), "png": (".png", "image/png")}


def parse_source(text: str) -> int | str:
    """``"0"`` is USB camera 0; anything else (an RTSP URL, a file) is passed on as text."""
    stripped = text.strip()
    return int(stripped) if stripped.isdigit() else stripped


class OpenCvCamera:
    """The Camera port over ``cv2.VideoCapture(source)``."""

    def __init__(
        self,
        source: int | str,
        *,
        encoding: str = "jpeg",
        skip_frames: int = 2,
        jpeg_quality: int = 92,
    ) -> None:
        if encoding not in FORMATS:
            raise ValueError(f"encoding {encoding!r}: allowed {', '.join(FORMATS)}")
        self.source = source
        self.encoding = encoding
        self.skip_frames = skip_frames
        self.jpeg_quality = jpeg_quality
        self._lock = threading.Lock()  # one capture at a time on one device

    def capture(self) -> Photo:
        with self._lock:
            frame = self._grab()
        suffix, media_type = FORMATS[self.encoding]
        params = [int(cv2.IMWRITE_JPEG_QUALITY), self.jpeg_quality] if suffix == ".jpg" else []
        ok, encoded = cv2.imencode(suffix, frame, params)
        if not ok:
            raise IntakeDeviceError(f"摄像头图像无法编码 / cannot encode the frame as {suffix}")
        return Photo(encoded.tobytes(), f"camera{suffix}", media_type)

    def _grab(self) -> Any:
        capture = cv2.VideoCapture(self.source)
        try:
            if not capture.isOpened():
                raise IntakeDeviceError(
                    f"摄像头 {self.source} 无法打开 / camera {self.source} cannot be opened"
                )
            frame = None
            for _ in range(self.skip_frames + 1):
                ok, grabbed = capture.read()
                if ok and grabbed is not None:
                    frame = grabbed
                elif frame is not None:
                    break  # a short file or a stream hiccup: keep the last good frame
            if frame is None:
                log.warning("camera %s opened but gave no frame", self.source)
                raise IntakeDeviceError(
                    f"摄像头 {self.source} 没有图像 / camera {self.source} gave no frame"
                )
            return frame
        finally:
            capture.release()
