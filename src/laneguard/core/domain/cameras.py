"""A camera's health as staff must know it: the event detection raises when a stream stalls or
fails (or comes back), and alerting turns into a staff alert."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class CameraState(enum.StrEnum):
    OK = "ok"
    STALLED = "stalled"  # no frame for longer than allowed (frozen, or reconnecting)
    FAILED = "failed"  # the source gave up, or its worker stopped


@dataclass(frozen=True)
class CameraHealthChanged:
    camera: str
    state: CameraState
    at: datetime
    detail: str = ""
