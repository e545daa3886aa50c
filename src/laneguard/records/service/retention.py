"""Retention of the pictures of the public: an incident's snapshot and clip are kept for a
configurable period (30 days by default), then deleted by a job; the incident record itself stays
for the statistics. Who viewed which picture is logged (`AccessLog`)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from laneguard.core.errors import LaneGuardError
from laneguard.core.ports import Clock
from laneguard.records.service.ports import ClipRemover, MediaStore

log = logging.getLogger(__name__)

KEEP = timedelta(days=30)


@dataclass(frozen=True)
class RetentionReport:
    incidents: int  # whose snapshot and clip were dropped
    clips_deleted: int
    failed: int  # clips that could not be deleted (kept, and tried again next run)


class RetentionService:
    def __init__(
        self, media: MediaStore, clips: ClipRemover, clock: Clock, keep: timedelta = KEEP
    ) -> None:
        if keep <= timedelta(0):
            raise ValueError(f"retention keep={keep}: must be more than 0 days")
        self._media = media
        self._clips = clips
        self._clock = clock
        self.keep = keep

    def run(self) -> RetentionReport:
        """Deletes the clips and snapshots of incidents opened more than `keep` ago."""
        before = self._clock.now() - self.keep
        purged = deleted = failed = 0
        for incident_id, clip_path in self._media.expired_media(before):
            if clip_path:
                try:
                    deleted += self._clips.delete(clip_path)
                except LaneGuardError as exc:
                    log.error("clip of incident %s not deleted: %s", incident_id, exc)
                    failed += 1
                    continue
            self._media.forget_media(incident_id)
            purged += 1
        if purged or failed:
            log.info(
                "retention: pictures of %d incidents opened before %s deleted (%d clips), "
                "%d failed",
                purged,
                before.isoformat(),
                deleted,
                failed,
            )
        return RetentionReport(purged, deleted, failed)
