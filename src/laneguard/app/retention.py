"""Wiring of the retention job: the pictures of incidents older than `retention.days` go, hourly
while `laneguard run` runs, and on `laneguard retention`."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from sqlalchemy import Engine

from laneguard.app.config import LaneGuardConfig
from laneguard.core.clock import SystemClock
from laneguard.records.adapters.clips import AviClipWriter
from laneguard.records.adapters.media_db import SqlMediaStore
from laneguard.records.service.retention import RetentionService

log = logging.getLogger(__name__)

EVERY_S = 3600.0


def build_retention(config: LaneGuardConfig, engine: Engine) -> RetentionService:
    clips = AviClipWriter(config.data_dir / "clips", config.clips.min_free_mb * 1_000_000)
    keep = timedelta(days=config.retention.days)
    return RetentionService(SqlMediaStore(engine), clips, SystemClock(), keep)


def run_hourly(service: RetentionService, stop: threading.Event, every_s: float = EVERY_S) -> None:
    """Runs the job at once and then every `every_s` until `stop`; a failure waits a turn."""
    while not stop.is_set():
        try:
            service.run()
        except Exception:
            log.exception("retention job failed; next try in %.0f s", every_s)
        stop.wait(every_s)
