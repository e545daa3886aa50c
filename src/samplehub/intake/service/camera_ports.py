"""The intake platform's camera: one still photo of whatever lies on the platform.

The demo reads a folder of images; production grabs a frame from an OpenCV ``VideoCapture``
source (a USB index or an RTSP URL). Either way the kiosk gets encoded bytes (JPEG or PNG) it
hands to the nameplate vision exactly as it would an upload.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from samplehub.intake.service.ports import IntakeDeviceError


@dataclass(frozen=True)
class Photo:
    """An encoded still: the bytes, a name for messages and logs, and its media type."""

    data: bytes
    name: str
    media_type: str = "image/jpeg"


class Camera(Protocol):
    """Takes one photo; raises IntakeDeviceError when the camera gives no frame."""

    def capture(self) -> Photo: ...


@dataclass
class FakeCamera:
    """Hands out prepared photos in turn (for tests); ``offline`` makes it fail like a camera."""

    photos: list[Photo] = field(default_factory=list)
    offline: bool = False
    taken: int = 0

    def capture(self) -> Photo:
        if self.offline or not self.photos:
            raise IntakeDeviceError("摄像头无图像 / the platform camera gave no frame")
        photo = self.photos[self.taken % len(self.photos)]
        self.taken += 1
        return photo
