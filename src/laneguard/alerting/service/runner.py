"""Feeds an incident source into the alert service, and ticks the voice escalations, until
stopped. A failing event is logged and the loop goes on: one bad incident never stops alerts."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from laneguard.alerting.service.alerting import AlertService
from laneguard.core.domain.cameras import CameraHealthChanged
from laneguard.core.errors import LaneGuardError
from laneguard.core.ports import Clock, IncidentSource

log = logging.getLogger(__name__)


def pump(source: IncidentSource, alerts: AlertService, stop: threading.Event) -> None:
    for event in source.events():
        if stop.is_set():
            break
        try:
            alerts.handle(event)
        except LaneGuardError as exc:
            log.error("incident event %s failed: %s", event, exc)
        except Exception:
            log.exception("incident event %s failed unexpectedly", event)


def tick(alerts: AlertService, stop: threading.Event, every_s: float = 0.5) -> None:
    while not stop.wait(every_s):
        try:
            alerts.tick()
        except Exception:
            log.exception("voice escalation tick failed")


def watch_cameras(
    check: Callable[[datetime], list[CameraHealthChanged]],
    alerts: AlertService,
    clock: Clock,
    stop: threading.Event,
    every_s: float = 1.0,
) -> None:
    """Asks the cameras how they are every second; each change becomes a staff alert."""
    while not stop.wait(every_s):
        try:
            for change in check(clock.now()):
                alerts.camera_changed(change)
        except Exception:
            log.exception("camera watch failed this time")
