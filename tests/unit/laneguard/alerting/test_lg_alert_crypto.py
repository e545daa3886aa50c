"""End-to-end encryption between the station and a terminal."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest

from laneguard.alerting.adapters.crypto import StationSealer, TerminalIdentity, generate_private_key
from laneguard.alerting.domain.alerts import Acknowledgement, Alert, SealedMessage, Terminal
from laneguard.alerting.service.ports import DecryptionError
from laneguard.core.domain.incidents import ObjectClass, Outcome

AT = datetime(2026, 5, 1, 8, 30, tzinfo=UTC)


def _pair(terminal_id: str = "t-1") -> tuple[StationSealer, TerminalIdentity, Terminal]:
    station = StationSealer(generate_private_key())
    identity = TerminalIdentity(
        terminal_id, "张三", generate_private_key(), station.station_public_key
    )
    terminal = Terminal(terminal_id, "张三", identity.public_key, AT)
    return station, identity, terminal


def _alert(incident_id: str = "inc-1") -> Alert:
    return Alert(
        incident_id,
        "G4-Station",
        "cam-1",
        "lane-3-zone",
        "3",
        ObjectClass.E_BIKE,
        AT,
        b"\xff\xd8jpeg\xff\xd9",
    )


def test_alert_round_trip_through_the_wire_format() -> None:
    station, identity, terminal = _pair()
    sealed = station.seal_alert(_alert(), terminal)
    received = SealedMessage.from_bytes(sealed.to_bytes())
    assert identity.open_alert(received) == _alert()
    assert b"jpeg" not in sealed.to_bytes()
    assert b"lane-3-zone" not in sealed.to_bytes()


def test_each_message_has_fresh_salt_and_nonce() -> None:
    station, _, terminal = _pair()
    a, b = station.seal_alert(_alert(), terminal), station.seal_alert(_alert(), terminal)
    assert a.nonce != b.nonce
    assert a.salt != b.salt
    assert a.ciphertext != b.ciphertext


def test_tampered_ciphertext_is_rejected() -> None:
    station, identity, terminal = _pair()
    sealed = station.seal_alert(_alert(), terminal)
    flipped = bytes([sealed.ciphertext[0] ^ 1]) + sealed.ciphertext[1:]
    with pytest.raises(DecryptionError):
        identity.open_alert(dataclasses.replace(sealed, ciphertext=flipped))


def test_ciphertext_moved_to_another_incident_is_rejected() -> None:
    station, identity, terminal = _pair()
    sealed = station.seal_alert(_alert("inc-1"), terminal)
    with pytest.raises(DecryptionError):
        identity.open_alert(dataclasses.replace(sealed, incident_id="inc-2"))


def test_other_terminal_cannot_read_an_alert_even_when_relabelled() -> None:
    station, _, terminal = _pair("t-1")
    eve = TerminalIdentity("t-1", "eve", generate_private_key(), station.station_public_key)
    with pytest.raises(DecryptionError):
        eve.open_alert(station.seal_alert(_alert(), terminal))


def test_alert_from_an_impostor_station_is_rejected() -> None:
    _, identity, terminal = _pair()
    impostor = StationSealer(generate_private_key())
    with pytest.raises(DecryptionError):
        identity.open_alert(impostor.seal_alert(_alert(), terminal))


def test_ack_round_trip_and_forged_ack_rejected() -> None:
    station, identity, terminal = _pair()
    ack = Acknowledgement("inc-1", "t-1", Outcome.TURNED_BACK, AT)
    assert station.open_ack(identity.seal_ack(ack), terminal) == ack
    forger = TerminalIdentity("t-1", "x", generate_private_key(), station.station_public_key)
    with pytest.raises(DecryptionError):
        station.open_ack(forger.seal_ack(ack), terminal)


def test_identity_file_round_trip_is_private(tmp_path: Path) -> None:
    _, identity, _ = _pair()
    path = tmp_path / "terminal.json"
    identity.save(path)
    assert path.stat().st_mode & 0o777 == 0o600
    loaded = TerminalIdentity.load(path)
    assert loaded.public_key == identity.public_key
    assert loaded.terminal_id == identity.terminal_id


def test_station_key_persists(tmp_path: Path) -> None:
    a = StationSealer.load_or_create(tmp_path / "station.key")
    b = StationSealer.load_or_create(tmp_path / "station.key")
    assert a.station_public_key == b.station_public_key
    assert (tmp_path / "station.key").stat().st_mode & 0o777 == 0o600
