"""Escalation when nobody acknowledges in time (a fixed clock), and terminals scoped to their
station and lanes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from laneguard.alerting.adapters.crypto import StationSealer, TerminalIdentity, generate_private_key
from laneguard.alerting.adapters.memory import (
    InMemoryEnrolmentCodes,
    InMemoryTerminalRepository,
    RecordingTransport,
)
from laneguard.alerting.domain.alerts import Acknowledgement, Alert, TerminalScope
from laneguard.alerting.domain.escalation import EscalationPolicy
from laneguard.alerting.service.alerting import AlertService
from laneguard.alerting.service.terminals import EnrolmentRefusedError, TerminalService
from laneguard.core.clock import ManualClock
from laneguard.core.domain.incidents import IncidentOpened, ObjectClass, Outcome
from laneguard.records.adapters.memory import InMemoryIncidentRepository
from laneguard.warning.domain.voice import VoiceWarningPolicy, WarningLevel
from laneguard.warning.service.warner import VoiceWarner
from tests.unit.laneguard.core.fakes import InlineExecutor

T0 = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


class Speaker:
    def __init__(self) -> None:
        self.played: list[bytes] = []

    def play(self, wav: bytes) -> None:
        self.played.append(wav)


class Clips:
    def clip(self, lane: str, level: WarningLevel) -> bytes:
        return f"{lane}:{level.value}".encode()


class Station:
    """One station's alert service over a terminal table it may share with other stations."""

    def __init__(
        self,
        name: str = "嘉善",
        terminals: InMemoryTerminalRepository | None = None,
        escalation: EscalationPolicy | None = None,
    ) -> None:
        self.clock = ManualClock(T0)
        self.repo = terminals or InMemoryTerminalRepository()
        self.terminals = TerminalService(
            self.repo, self.clock, InMemoryEnrolmentCodes(), station=name
        )
        self.sealer = StationSealer(generate_private_key())
        self.sent = RecordingTransport("mqtt")
        self.speakers = {"3": Speaker(), "4": Speaker()}
        warner = VoiceWarner(VoiceWarningPolicy(), Clips(), self.speakers, InlineExecutor())
        self.incidents = InMemoryIncidentRepository()
        self.service = AlertService(
            name,
            self.incidents,
            self.repo,
            self.sealer,
            [self.sent],
            self.clock,
            warner,
            escalation=escalation,
        )

    def enroll(
        self, name: str, lanes: tuple[str, ...] = (), leader: bool = False
    ) -> TerminalIdentity:
        key = generate_private_key()
        me = TerminalIdentity("?", name, key, self.sealer.station_public_key)
        code = self.terminals.issue_code(name, "op", lanes=lanes, leader=leader).code
        t = self.terminals.enroll(name, me.public_key, code)
        return TerminalIdentity(t.terminal_id, name, key, self.sealer.station_public_key)

    def open(self, n: int, lane: str = "3") -> None:
        self.service.opened(
            IncidentOpened(
                f"inc-{n}", "cam", "z", lane, ObjectClass.BICYCLE, n, 0.9, self.clock.now()
            )
        )

    def to(self, who: TerminalIdentity) -> list[Alert]:
        return [who.open_alert(m) for m in self.sent.sent if m.terminal_id == who.terminal_id]


def test_unacknowledged_incident_escalates_once_after_the_timeout() -> None:
    s = Station(escalation=EscalationPolicy(after=timedelta(seconds=60)))
    guard = s.enroll("guard", lanes=("3",))
    leader = s.enroll("班长", leader=True)
    s.open(1)
    assert [a.escalated for a in s.to(leader)] == [False]
    played = list(s.speakers["3"].played)
    s.clock.advance(59)
    assert s.service.escalate() == []
    s.clock.advance(1)
    sent = s.service.escalate()
    assert [m.terminal_id for m in sent] == [leader.terminal_id]
    assert [(a.incident_id, a.escalated) for a in s.to(leader)] == [
        ("inc-1", False),
        ("inc-1", True),
    ]
    assert [a.escalated for a in s.to(guard)] == [False]  # staff are not sent it again
    assert s.speakers["3"].played == [*played, b"3:strong"]  # the lane warns again
    s.clock.advance(30)
    assert s.service.escalate() == []  # once per incident


def test_an_acknowledged_incident_does_not_escalate() -> None:
    s = Station()  # default: 60 s
    guard = s.enroll("guard")
    s.enroll("班长", leader=True)
    s.open(1)
    ack = Acknowledgement("inc-1", guard.terminal_id, Outcome.TURNED_BACK, s.clock.now())
    s.service.acknowledge(guard.seal_ack(ack))
    s.clock.advance(61)
    assert s.service.escalate() == []
    assert s.speakers["3"].played == [b"3:first"]


def test_configured_leaders_by_name_and_old_incidents_after_a_restart() -> None:
    s = Station(escalation=EscalationPolicy(timedelta(seconds=30), frozenset({"值班长"})))
    named = s.enroll("值班长")
    s.open(1)
    s.clock.advance(30)
    assert [m.terminal_id for m in s.service.escalate()] == [named.terminal_id]
    s.open(2)
    s.clock.advance(3600)  # the station was down: inc-2 fell due long ago
    assert s.service.escalate() == []


def test_terminals_get_only_their_station_and_lanes() -> None:
    shared = InMemoryTerminalRepository()  # two stations on one database
    jiashan, xucun = Station("嘉善", shared), Station("许村", shared)
    lane3 = jiashan.enroll("lane-3", lanes=("3",))
    everywhere = jiashan.enroll("嘉善-all")
    other = xucun.enroll("许村-all")
    jiashan.open(1, lane="3")
    jiashan.open(2, lane="4")
    xucun.open(3, lane="3")
    assert [a.incident_id for a in jiashan.to(lane3)] == ["inc-1"]
    assert [a.incident_id for a in jiashan.to(everywhere)] == ["inc-1", "inc-2"]
    assert jiashan.to(other) == []
    assert [m.terminal_id for m in xucun.sent.sent] == [other.terminal_id]
    # a reconnecting terminal is replayed only its own station's and lanes' open alerts
    assert [m.incident_id for m in jiashan.service.unacknowledged_for(lane3.terminal_id)] == [
        "inc-1"
    ]
    assert xucun.service.unacknowledged_for(lane3.terminal_id) == []


def test_leader_of_one_lane_and_rescoping() -> None:
    s = Station(escalation=EscalationPolicy(timedelta(seconds=10)))
    leader4 = s.enroll("lead-4", lanes=("4",), leader=True)
    s.open(1, lane="3")
    s.clock.advance(10)
    assert s.service.escalate() == []  # lane 3 is not the leader's
    s.terminals.rescope(leader4.terminal_id, lanes=(), leader=True)
    saved = s.repo.get(leader4.terminal_id)
    assert saved is not None
    assert saved.scope == TerminalScope("嘉善", frozenset(), True)
    s.open(2, lane="3")
    s.clock.advance(10)
    assert [m.incident_id for m in s.service.escalate()] == ["inc-2"]


def test_a_bad_lane_name_is_refused_naming_it() -> None:
    s = Station()
    with pytest.raises(EnrolmentRefusedError, match="lanes=\\['3,4'\\]"):
        s.terminals.issue_code("x", "op", lanes=("3,4",))
