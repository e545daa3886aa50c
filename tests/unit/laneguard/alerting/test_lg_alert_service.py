"""The alerting use case with in-memory adapters and hand-written fakes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from laneguard.alerting.adapters.crypto import StationSealer, TerminalIdentity, generate_private_key
from laneguard.alerting.adapters.memory import (
    InMemoryEnrolmentCodes,
    InMemoryTerminalRepository,
    RecordingTransport,
)
from laneguard.alerting.domain.alerts import Acknowledgement
from laneguard.alerting.service.alerting import AlertService, TerminalNotAllowedError
from laneguard.alerting.service.ports import DecryptionError
from laneguard.alerting.service.terminals import EnrolmentRefusedError, TerminalService
from laneguard.core.clock import ManualClock
from laneguard.core.domain.incidents import IncidentEnded, IncidentOpened, ObjectClass, Outcome
from laneguard.records.adapters.memory import InMemoryIncidentRepository
from laneguard.warning.domain.voice import VoiceWarningPolicy, WarningLevel
from laneguard.warning.service.ports import SpeakerError
from laneguard.warning.service.warner import VoiceWarner
from tests.unit.laneguard.core.fakes import InlineExecutor

T0 = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


class FakeSpeaker:
    def __init__(self, broken: bool = False) -> None:
        self.played: list[bytes] = []
        self.broken = broken

    def play(self, wav: bytes) -> None:
        if self.broken:
            raise SpeakerError("no answer")
        self.played.append(wav)


class FakeClips:
    def clip(self, lane: str, level: WarningLevel) -> bytes:
        return f"{lane}:{level.value}".encode()


class World:
    def __init__(self, speakers: dict[str, FakeSpeaker] | None = None) -> None:
        self.clock = ManualClock(T0)
        self.incidents = InMemoryIncidentRepository()
        self.terminals_repo = InMemoryTerminalRepository()
        self.terminals = TerminalService(self.terminals_repo, self.clock, InMemoryEnrolmentCodes())
        self.sealer = StationSealer(generate_private_key())
        self.mqtt = RecordingTransport("mqtt")
        self.ws = RecordingTransport("ws", fail=True)
        self.speakers = speakers or {"3": FakeSpeaker()}
        self.warner = VoiceWarner(
            VoiceWarningPolicy(), FakeClips(), self.speakers, InlineExecutor()
        )
        self.service = AlertService(
            "S1",
            self.incidents,
            self.terminals_repo,
            self.sealer,
            [self.mqtt, self.ws],
            self.clock,
            self.warner,
        )

    def code(self, name: str) -> str:
        return self.terminals.issue_code(name, "operator").code

    def enroll(self, name: str) -> TerminalIdentity:
        key = generate_private_key()
        probe = TerminalIdentity("?", name, key, self.sealer.station_public_key)
        t = self.terminals.enroll(name, probe.public_key, self.code(name))
        return TerminalIdentity(t.terminal_id, name, key, self.sealer.station_public_key)


def _opened(n: int = 1, lane: str = "3") -> IncidentOpened:
    return IncidentOpened(
        f"inc-{n}", "cam-1", "z", lane, ObjectClass.PEDESTRIAN, 7, 0.8, T0, b"\xff\xd8x\xff\xd9"
    )


def test_every_active_terminal_gets_its_own_ciphertext_and_revoked_gets_none() -> None:
    w = World()
    alice, bob = w.enroll("alice"), w.enroll("bob")
    w.terminals.revoke(bob.terminal_id)
    w.service.opened(_opened())
    assert [m.terminal_id for m in w.mqtt.sent] == [alice.terminal_id]
    assert alice.open_alert(w.mqtt.sent[0]).lane == "3"
    with pytest.raises(DecryptionError):
        bob.open_alert(w.mqtt.sent[0])


def test_failing_transport_is_survived_and_incident_recorded() -> None:
    w = World()
    w.enroll("alice")
    w.service.opened(_opened())
    assert len(w.mqtt.sent) == 1
    record = w.incidents.get("inc-1")
    assert record is not None
    assert record.outcome is None


def test_ack_closes_the_incident_with_who() -> None:
    w = World()
    alice = w.enroll("alice")
    w.service.opened(_opened())
    w.service.ended(IncidentEnded("inc-1", T0 + timedelta(seconds=4), 40, 0.91))
    ack = Acknowledgement("inc-1", alice.terminal_id, Outcome.TURNED_BACK, T0)
    record = w.service.acknowledge(alice.seal_ack(ack))
    assert record.outcome is Outcome.TURNED_BACK
    assert record.closed_by == f"alice ({alice.terminal_id})"
    assert record.frames == 40
    assert record.max_score == pytest.approx(0.91)


def test_ack_from_revoked_terminal_is_refused() -> None:
    w = World()
    alice = w.enroll("alice")
    w.service.opened(_opened())
    w.terminals.revoke(alice.terminal_id)
    ack = Acknowledgement("inc-1", alice.terminal_id, Outcome.FALSE_ALARM, T0)
    with pytest.raises(TerminalNotAllowedError, match="revoked"):
        w.service.acknowledge(alice.seal_ack(ack))


def test_voice_warning_then_stronger_when_the_person_stays() -> None:
    w = World()
    w.service.opened(_opened(1))
    w.service.opened(_opened(2))
    w.clock.advance(9)
    w.service.tick()
    assert w.speakers["3"].played == [b"3:first", b"3:strong", b"3:strong"]


def test_broken_speaker_and_unknown_lane_are_survived() -> None:
    w = World(speakers={"3": FakeSpeaker(broken=True)})
    w.service.opened(_opened(1, lane="3"))
    w.service.opened(_opened(2, lane="9"))
    assert [d.lane for d in w.warner.played] == ["3"]


def test_enrolment_needs_the_code_and_a_32_byte_key() -> None:
    w = World()
    with pytest.raises(EnrolmentRefusedError, match="code is wrong"):
        w.terminals.enroll("x", b"k" * 32, "000000")
    with pytest.raises(EnrolmentRefusedError, match="has 5 bytes"):
        w.terminals.enroll("x", b"short", w.code("x"))


class BrokenDisk(InMemoryIncidentRepository):
    """The database of a station whose disk is full."""

    def add(self, record: object) -> None:  # type: ignore[override]
        from laneguard.core.errors import LaneGuardError

        raise LaneGuardError("disk full")


def test_full_disk_does_not_silence_the_alarm() -> None:
    w = World()
    alice = w.enroll("alice")
    w.service = AlertService(
        "S1", BrokenDisk(), w.terminals_repo, w.sealer, [w.mqtt], w.clock, w.warner
    )
    w.service.opened(_opened())
    w.service.ended(IncidentEnded("inc-1", T0, 3, 0.5))
    assert alice.open_alert(w.mqtt.sent[0]).incident_id == "inc-1"
    assert w.speakers["3"].played == [b"3:first"]


def test_enrolment_locks_a_client_after_five_wrong_codes() -> None:
    from laneguard.alerting.service.terminals import EnrolmentLockedError

    w = World()
    for _ in range(5):
        with pytest.raises(EnrolmentRefusedError, match="code is wrong"):
            w.terminals.enroll("x", b"k" * 32, "000000", client="10.0.0.5")
    code = w.code("x")
    with pytest.raises(EnrolmentLockedError, match="try again in 60 s"):
        w.terminals.enroll("x", b"k" * 32, code, client="10.0.0.5")
    assert w.terminals.enroll("y", b"k" * 32, w.code("y"), client="10.0.0.6").name == "y"
    w.clock.advance(60)
    assert w.terminals.enroll("x", b"k" * 32, code, client="10.0.0.5").name == "x"


def test_a_code_works_once_for_its_name_until_it_expires() -> None:
    w = World()
    code = w.code("alice")
    with pytest.raises(EnrolmentRefusedError, match="wrong, used or expired"):
        w.terminals.enroll("mallory", b"k" * 32, code)
    assert w.terminals.enroll("alice", b"k" * 32, code.lower().replace("-", " ")).name == "alice"
    with pytest.raises(EnrolmentRefusedError, match="wrong, used or expired"):
        w.terminals.enroll("alice", b"k" * 32, code)
    late = w.code("bob")
    w.clock.advance(15 * 60)
    with pytest.raises(EnrolmentRefusedError, match="wrong, used or expired"):
        w.terminals.enroll("bob", b"k" * 32, late)


class NoClips:
    def clip(self, lane: str, level: WarningLevel) -> bytes:
        raise SpeakerError("warning clip could not be synthesised and there is no recording")


def test_missing_clip_is_logged_and_the_alert_still_goes_out() -> None:
    w = World()
    alice = w.enroll("alice")
    w.warner = VoiceWarner(VoiceWarningPolicy(), NoClips(), w.speakers, InlineExecutor())
    w.service = AlertService(
        "S1", w.incidents, w.terminals_repo, w.sealer, [w.mqtt], w.clock, w.warner
    )
    w.service.opened(_opened())
    assert alice.open_alert(w.mqtt.sent[0]).incident_id == "inc-1"
    assert list(w.warner.played) == []
