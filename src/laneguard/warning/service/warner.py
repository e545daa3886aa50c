"""The voice warner: plays a lane's warnings through its loudspeaker as the policy decides, off
the caller's thread, so a slow speaker never delays the staff alert."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Mapping
from concurrent.futures import Executor

from laneguard.core.domain.incidents import IncidentEnded, IncidentOpened
from laneguard.core.ports import Clock
from laneguard.warning.domain.voice import VoiceWarningPolicy, WarningDue, WarningLevel
from laneguard.warning.service.ports import Speaker, SpeakerError, VoiceClips

log = logging.getLogger(__name__)


class VoiceWarner:
    """Plays the lane's warnings through its speaker, off the caller's thread so a slow speaker
    never delays the staff alert."""

    def __init__(
        self,
        policy: VoiceWarningPolicy,
        clips: VoiceClips,
        speakers: Mapping[str, Speaker],
        executor: Executor,
    ) -> None:
        self._policy = policy
        self._clips = clips
        self._speakers = speakers
        self._executor = executor
        self.played: deque[WarningDue] = deque(maxlen=100)  # recent, for the tests and logs

    def opened(self, event: IncidentOpened) -> None:
        due = self._policy.on_opened(event.lane, event.incident_id, event.at)
        if due is not None:
            self._play(due)

    def ended(self, event: IncidentEnded) -> None:
        self._policy.on_ended(event.incident_id)

    def tick(self, clock: Clock) -> None:
        for due in self._policy.due(clock.now()):
            self._play(due)

    def repeat(self, lane: str, incident_id: str) -> None:
        """The strong warning again, now: nobody acknowledged the incident (escalation)."""
        self._play(WarningDue(lane, incident_id, WarningLevel.STRONG))

    def _play(self, due: WarningDue) -> None:
        speaker = self._speakers.get(due.lane)
        if speaker is None:
            log.warning("lane %s has no speaker configured; warning %s not played", due.lane, due)
            return
        try:
            wav = self._clips.clip(due.lane, due.level)
        except SpeakerError as exc:
            log.error("no %s warning clip for lane %s: %s", due.level, due.lane, exc)
            return
        self.played.append(due)
        self._executor.submit(self._play_now, speaker, wav, due)

    @staticmethod
    def _play_now(speaker: Speaker, wav: bytes, due: WarningDue) -> None:
        try:
            speaker.play(wav)
        except SpeakerError as exc:
            log.error("speaker of lane %s failed for %s: %s", due.lane, due.incident_id, exc)
        except Exception:  # a device bug must show in the log, not vanish in the executor
            log.exception("speaker of lane %s crashed for %s", due.lane, due.incident_id)
