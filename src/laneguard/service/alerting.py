"""The use case at the heart of LaneGuard's actions: an incident opens, the lane warns by voice,
every active terminal gets the alert sealed for its own key, and staff close it with an outcome."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Executor

from laneguard.domain.alerts import Alert, SealedMessage, Terminal
from laneguard.domain.incidents import IncidentEnded, IncidentOpened
from laneguard.domain.records import IncidentRecord
from laneguard.domain.voice import VoiceWarningPolicy, WarningDue
from laneguard.service.clips import ClipRecorder
from laneguard.service.ports import (
    AlertTransport,
    Clock,
    DecryptionError,
    IncidentEvent,
    IncidentRepository,
    LaneGuardError,
    Sealer,
    Speaker,
    SpeakerError,
    TerminalRepository,
    TransportError,
    VoiceClips,
)

log = logging.getLogger(__name__)


class UnknownIncidentError(LaneGuardError):
    pass


class TerminalNotAllowedError(LaneGuardError):
    """An acknowledgement from a terminal that is not enrolled or has been revoked."""


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


class AlertService:
    """Handles incident events and terminal acknowledgements."""

    def __init__(
        self,
        station: str,
        incidents: IncidentRepository,
        terminals: TerminalRepository,
        sealer: Sealer,
        transports: Iterable[AlertTransport],
        clock: Clock,
        warner: VoiceWarner | None = None,
        on_closed: Callable[[IncidentRecord], None] | None = None,
        on_opened: Callable[[IncidentOpened], None] | None = None,
        clips: ClipRecorder | None = None,
    ) -> None:
        self.station = station
        self._incidents = incidents
        self._terminals = terminals
        self._sealer = sealer
        self._transports = list(transports)
        self._clock = clock
        self._warner = warner
        self._on_closed = on_closed
        self._on_opened = on_opened
        self._clips = clips

    def add_transport(self, transport: AlertTransport) -> None:
        self._transports.append(transport)

    def handle(self, event: IncidentEvent) -> None:
        if isinstance(event, IncidentOpened):
            self.opened(event)
        else:
            self.ended(event)

    def opened(self, event: IncidentOpened) -> list[SealedMessage]:
        """Record, alert every active terminal, then warn by voice. Returns what was sent."""
        try:
            self._incidents.add(IncidentRecord.from_opened(event, self.station))
        except LaneGuardError as exc:
            # A full disk or a lost database must not silence the alarm: warn and alert anyway.
            log.error("incident %s not recorded: %s", event.incident_id, exc)
        alert = Alert(
            incident_id=event.incident_id,
            station=self.station,
            camera=event.camera,
            zone=event.zone,
            lane=event.lane,
            object_class=event.object_class,
            at=event.at,
            snapshot_jpeg=event.snapshot_jpeg,
        )
        sent = [self._sealer.seal_alert(alert, t) for t in self._terminals.list() if t.active]
        for message in sent:
            for transport in self._transports:
                try:
                    transport.deliver(message)
                except TransportError as exc:
                    log.error(
                        "alert %s to %s over %s failed: %s",
                        message.incident_id,
                        message.terminal_id,
                        transport.name,
                        exc,
                    )
        if self._warner is not None:
            self._warner.opened(event)
        if self._on_opened is not None and event.snapshot_jpeg:
            self._on_opened(event)
        if self._clips is not None:
            self._clips.opened(event)
        return sent

    def ended(self, event: IncidentEnded) -> None:
        if self._warner is not None:
            self._warner.ended(event)
        if self._clips is not None:
            self._clips.ended(event)
        try:
            record = self._incidents.get(event.incident_id)
            if record is None:
                log.warning("incident %s ended but was never recorded", event.incident_id)
                return
            record.end(event)
            self._incidents.save(record)
        except LaneGuardError as exc:
            log.error("end of incident %s not recorded: %s", event.incident_id, exc)

    def tick(self) -> None:
        """Called periodically: plays stronger warnings and writes clips that have fallen due."""
        if self._warner is not None:
            self._warner.tick(self._clock)
        if self._clips is not None:
            self._clips.tick(self._clock.now())

    def acknowledge(self, message: SealedMessage) -> IncidentRecord:
        """A terminal closes an incident. Only an enrolled, unrevoked terminal's own key can
        produce an acknowledgement that opens, so nobody else on the network can close one."""
        if message.kind != "ack":
            raise DecryptionError(f"expected an ack, got kind={message.kind!r}")
        terminal = self._allowed(message.terminal_id)
        ack = self._sealer.open_ack(message, terminal)
        if ack.incident_id != message.incident_id or ack.terminal_id != terminal.terminal_id:
            raise DecryptionError("acknowledgement content does not match its envelope")
        record = self._incidents.get(ack.incident_id)
        if record is None:
            raise UnknownIncidentError(f"incident_id={ack.incident_id!r} is not recorded here")
        record.close(ack.outcome, f"{terminal.name} ({terminal.terminal_id})", self._clock.now())
        self._incidents.save(record)
        if self._on_closed is not None:
            self._on_closed(record)
        return record

    def _allowed(self, terminal_id: str) -> Terminal:
        terminal = self._terminals.get(terminal_id)
        if terminal is None:
            raise TerminalNotAllowedError(f"terminal_id={terminal_id!r} is not enrolled")
        if not terminal.active:
            raise TerminalNotAllowedError(f"terminal_id={terminal_id!r} was revoked")
        return terminal
