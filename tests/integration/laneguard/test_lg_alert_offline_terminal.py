"""A terminal that is offline when an alert is sent gets it when it reconnects (persistent MQTT
session, QoS 1), against a real Mosquitto started by the test."""

from __future__ import annotations

import queue
import secrets
from datetime import UTC, datetime

from laneguard.alerting.adapters.crypto import StationSealer, TerminalIdentity, generate_private_key
from laneguard.alerting.adapters.memory import InMemoryEnrolmentCodes, InMemoryTerminalRepository
from laneguard.alerting.adapters.mqtt import (
    MqttAlertTransport,
    MqttSettings,
    MqttTerminalClient,
    terminal_client_id,
)
from laneguard.alerting.domain.alerts import SealedMessage
from laneguard.alerting.service.alerting import AlertService
from laneguard.alerting.service.terminals import TerminalService
from laneguard.core.clock import ManualClock
from laneguard.core.domain.incidents import IncidentOpened, ObjectClass
from laneguard.records.adapters.memory import InMemoryIncidentRepository
from laneguard.simulation.broker import LocalMosquitto

AT = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


def opened(incident_id: str) -> IncidentOpened:
    return IncidentOpened(incident_id, "cam", "z", "3", ObjectClass.BICYCLE, 1, 0.9, AT, b"")


def test_offline_terminal_gets_every_missed_alert_on_reconnect(
    tls_broker: LocalMosquitto,
) -> None:
    settings = MqttSettings(
        tls_broker.host,
        tls_broker.port,
        tls_broker.tls.ca_cert,
        topic_prefix=f"lgtest-{secrets.token_hex(4)}",
    )
    clock = ManualClock(AT)
    repo = InMemoryTerminalRepository()
    terminals = TerminalService(repo, clock, InMemoryEnrolmentCodes())
    sealer = StationSealer(generate_private_key())
    key = generate_private_key()
    code = terminals.issue_code("alice", "op").code
    identity = TerminalIdentity("", "alice", key, sealer.station_public_key)
    enrolled = terminals.enroll("alice", identity.public_key, code)
    identity = TerminalIdentity(enrolled.terminal_id, "alice", key, sealer.station_public_key)
    station = MqttAlertTransport(settings)
    alerts = AlertService("S1", InMemoryIncidentRepository(), repo, sealer, [station], clock)
    inbox: queue.Queue[SealedMessage] = queue.Queue()

    def device() -> MqttTerminalClient:
        return MqttTerminalClient(settings, enrolled.terminal_id, on_alert=inbox.put)

    first = device()
    assert first.client_id == terminal_client_id(enrolled.terminal_id)
    first.start()  # the session (and its subscription) now exists on the broker
    first.stop()
    station.start()
    try:
        alerts.opened(opened("inc-1"))
        alerts.opened(opened("inc-2"))
        assert inbox.empty()
        again = device()
        again.start()
        try:
            got = [identity.open_alert(inbox.get(timeout=10)).incident_id for _ in range(2)]
        finally:
            again.stop()
    finally:
        station.stop()
    assert sorted(got) == ["inc-1", "inc-2"]
