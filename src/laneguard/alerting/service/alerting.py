"""The use case at the heart of LaneGuard's actions: an incident opens, the lane warns by voice,
every active terminal scoped to its station and lane gets the alert sealed for its own key, and
staff close it with an outcome."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable
from datetime import timedelta

from laneguard.alerting.domain.alerts import Alert, CameraAlert, SealedMessage, Terminal
from laneguard.alerting.domain.escalation import EscalationPolicy
from laneguard.alerting.service.ports import (
    AlertTransport,
    ClipKeeper,
    DecryptionError,
    Sealer,
    TerminalRepository,
    TransportError,
    Warner,
)
from laneguard.core.domain.cameras import CameraHealthChanged, CameraState
from laneguard.core.domain.incidents import IncidentEnded, IncidentEvent, IncidentOpened, Outcome
from laneguard.core.domain.records import IncidentRecord, StaleIncidentError
from laneguard.core.errors import LaneGuardError
from laneguard.core.ports import Clock, IncidentRepository

log = logging.getLogger(__name__)

WRITE_ATTEMPTS = 3  # reads and saves of one incident before a write gives up as stale
REPLAY_WINDOW = timedelta(hours=24)  # how far back a reconnecting terminal is sent open alerts
REPLAY_LIMIT = 100


def _alert(record: IncidentRecord) -> Alert:
    return Alert(
        incident_id=record.incident_id,
        station=record.station,
        camera=record.camera,
        zone=record.zone,
        lane=record.lane,
        object_class=record.object_class,
        at=record.opened_at,
        snapshot_jpeg=record.snapshot_jpeg,
    )


class UnknownIncidentError(LaneGuardError):
    pass


class TerminalNotAllowedError(LaneGuardError):
    """An acknowledgement from a terminal that is not enrolled or has been revoked."""


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
        warner: Warner | None = None,
        on_closed: Callable[[IncidentRecord], None] | None = None,
        on_opened: Callable[[IncidentOpened], None] | None = None,
        clips: ClipKeeper | None = None,
        escalation: EscalationPolicy | None = None,
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
        self.replay_window = REPLAY_WINDOW
        self._escalation = escalation or EscalationPolicy()
        self._escalated: set[str] = set()  # incident ids, escalated once each

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
        alert = _alert(IncidentRecord.from_opened(event, self.station))
        sent = self._send(
            alert, [t for t in self._terminals.list() if t.receives(self.station, event.lane)]
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
        try:  # when an acknowledgement came first, the end is applied to its record
            if self._rewrite(event.incident_id, lambda record: record.end(event)) is None:
                log.warning("incident %s ended but was never recorded", event.incident_id)
        except StaleIncidentError:
            log.error("end of incident %s not recorded: it kept changing", event.incident_id)
        except LaneGuardError as exc:
            log.error("end of incident %s not recorded: %s", event.incident_id, exc)

    def _send(self, alert: Alert, terminals: list[Terminal]) -> list[SealedMessage]:
        return self._deliver([self._sealer.seal_alert(alert, t) for t in terminals])

    def _deliver(self, sent: list[SealedMessage]) -> list[SealedMessage]:
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
        return sent

    def escalate(self) -> list[SealedMessage]:
        """Incidents nobody acknowledged within the policy's time: warn at the lane again and
        alert the shift leader's terminals (once per incident). Returns what was sent."""
        now = self._clock.now()
        policy = self._escalation
        sent: list[SealedMessage] = []
        for record in self._incidents.list(since=policy.window_start(now)):
            if (
                record.outcome is not None
                or record.incident_id in self._escalated
                or not policy.due(record.opened_at, now)
            ):
                continue
            self._escalated.add(record.incident_id)
            log.warning(
                "incident %s unacknowledged after %s: escalating",
                record.incident_id,
                policy.after,
            )
            if self._warner is not None:
                self._warner.repeat(record.lane, record.incident_id)
            leaders = [
                t
                for t in self._terminals.list()
                if policy.is_leader(t) and t.receives(self.station, record.lane)
            ]
            alert = dataclasses.replace(_alert(record), escalated=True)
            sent += self._send(alert, leaders)
        return sent

    def camera_changed(self, event: CameraHealthChanged) -> list[SealedMessage]:
        """A camera stalled, failed or came back: every terminal of this station is told."""
        log.log(
            logging.INFO if event.state is CameraState.OK else logging.ERROR,
            "camera %s is %s: %s",
            event.camera,
            event.state.value,
            event.detail,
        )
        notice = CameraAlert(self.station, event.camera, event.state, event.at, event.detail)
        staff = [
            t
            for t in self._terminals.list()
            if t.active and t.scope.station in (None, self.station)
        ]
        return self._deliver([self._sealer.seal_camera(notice, t) for t in staff])

    def unacknowledged_for(self, terminal_id: str) -> list[SealedMessage]:
        """The alerts of the open (unacknowledged) incidents of the last `replay_window`,
        oldest first, sealed anew for the terminal: what a reconnecting terminal is sent."""
        terminal = self._terminals.get(terminal_id)
        if terminal is None or not terminal.active:
            return []
        since = self._clock.now() - self.replay_window
        records = [
            r
            for r in self._incidents.list(since=since, limit=REPLAY_LIMIT)
            if r.outcome is None and terminal.receives(r.station, r.lane)
        ]
        return [self._sealer.seal_alert(_alert(r), terminal) for r in reversed(records)]

    def tick(self) -> None:
        """Called periodically: plays stronger warnings, escalates unacknowledged incidents and
        writes clips that have fallen due."""
        if self._warner is not None:
            self._warner.tick(self._clock)
        try:
            self.escalate()
        except LaneGuardError as exc:
            log.error("escalation skipped this time: %s", exc)
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
        closed_by = f"{terminal.name} ({terminal.terminal_id})"
        record = self._close(ack.incident_id, ack.outcome, closed_by)
        if self._on_closed is not None:
            self._on_closed(record)
        return record

    def _close(self, incident_id: str, outcome: Outcome, closed_by: str) -> IncidentRecord:
        """Closes the record; when its end was saved meanwhile, the closing is applied to the
        record read again, and a second closing finds it closed."""
        record = self._rewrite(
            incident_id, lambda record: record.close(outcome, closed_by, self._clock.now())
        )
        if record is None:
            raise UnknownIncidentError(f"incident_id={incident_id!r} is not recorded here")
        return record

    def _rewrite(
        self, incident_id: str, change: Callable[[IncidentRecord], None]
    ) -> IncidentRecord | None:
        """Read, change, save; when the save finds the record changed since the read, read it
        again and change that (WRITE_ATTEMPTS in all, then the last StaleIncidentError). None
        when the incident is not recorded."""
        for attempt in range(WRITE_ATTEMPTS):
            record = self._incidents.get(incident_id)
            if record is None:
                return None
            change(record)
            try:
                self._incidents.save(record)
                return record
            except StaleIncidentError:
                if attempt == WRITE_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _allowed(self, terminal_id: str) -> Terminal:
        terminal = self._terminals.get(terminal_id)
        if terminal is None:
            raise TerminalNotAllowedError(f"terminal_id={terminal_id!r} is not enrolled")
        if not terminal.active:
            raise TerminalNotAllowedError(f"terminal_id={terminal_id!r} was revoked")
        return terminal
