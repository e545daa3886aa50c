"""Sealed alerts over MQTT with TLS, on a Mosquitto started with a CA the test made."""

from __future__ import annotations

import queue
import secrets
import ssl
from datetime import UTC, datetime

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from laneguard.alerting.adapters.crypto import StationSealer, TerminalIdentity, generate_private_key
from laneguard.alerting.adapters.mqtt import MqttAlertTransport, MqttSettings, MqttTerminalClient
from laneguard.alerting.domain.alerts import Acknowledgement, Alert, SealedMessage, Terminal
from laneguard.alerting.service.ports import TransportError
from laneguard.core.domain.incidents import ObjectClass, Outcome
from laneguard.simulation.broker import LocalMosquitto, make_test_pki

AT = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


def _settings(broker: LocalMosquitto) -> MqttSettings:
    return MqttSettings(
        broker.host, broker.port, broker.tls.ca_cert, topic_prefix=f"lgtest-{secrets.token_hex(4)}"
    )


def test_alert_and_ack_cross_the_tls_broker(tls_broker: LocalMosquitto) -> None:
    settings = _settings(tls_broker)
    sealer = StationSealer(generate_private_key())
    identity = TerminalIdentity("t-a", "alice", generate_private_key(), sealer.station_public_key)
    terminal = Terminal("t-a", "alice", identity.public_key, AT)
    alerts: queue.Queue[SealedMessage] = queue.Queue()
    acks: queue.Queue[SealedMessage] = queue.Queue()
    station = MqttAlertTransport(settings, on_ack=acks.put)
    device = MqttTerminalClient(settings, "t-a", on_alert=alerts.put)
    station.start()
    device.start()
    try:
        alert = Alert("inc-1", "S1", "cam", "z", "3", ObjectClass.BICYCLE, AT, b"\xff\xd8\xff\xd9")
        station.deliver(sealer.seal_alert(alert, terminal))
        assert identity.open_alert(alerts.get(timeout=10)) == alert
        ack = Acknowledgement("inc-1", "t-a", Outcome.TURNED_BACK, AT)
        device.send_ack(identity.seal_ack(ack))
        assert sealer.open_ack(acks.get(timeout=10), terminal) == ack
    finally:
        device.stop()
        station.stop()


def test_garbage_on_the_ack_topic_is_dropped_and_the_client_lives(
    tls_broker: LocalMosquitto,
) -> None:
    settings = _settings(tls_broker)
    acks: queue.Queue[SealedMessage] = queue.Queue()
    station = MqttAlertTransport(settings, on_ack=acks.put)
    station.start()
    other = mqtt.Client(CallbackAPIVersion.VERSION2)
    other.tls_set_context(ssl.create_default_context(cafile=str(tls_broker.tls.ca_cert)))
    other.connect(tls_broker.host, tls_broker.port)
    other.loop_start()
    try:
        other.publish(settings.ack_topic("t-x"), b"\x00garbage", qos=1).wait_for_publish(5)
        sealer = StationSealer(generate_private_key())
        ident = TerminalIdentity("t-x", "x", generate_private_key(), sealer.station_public_key)
        good = ident.seal_ack(Acknowledgement("inc-9", "t-x", Outcome.FALSE_ALARM, AT))
        other.publish(settings.ack_topic("t-x"), good.to_bytes(), qos=1).wait_for_publish(5)
        assert acks.get(timeout=10) == good
    finally:
        other.loop_stop()
        other.disconnect()
        station.stop()


def test_broker_certificate_from_an_unknown_ca_is_refused(
    tls_broker: LocalMosquitto, tmp_path_factory: pytest.TempPathFactory
) -> None:
    stranger = make_test_pki(tmp_path_factory.mktemp("other-ca"))
    settings = MqttSettings(tls_broker.host, tls_broker.port, stranger.ca_cert)
    with pytest.raises(TransportError, match="refused TLS"):
        MqttAlertTransport(settings).start(timeout_s=3)


def test_broker_down_is_a_transport_error(tls_broker: LocalMosquitto) -> None:
    from laneguard.simulation.broker import free_port

    settings = MqttSettings("127.0.0.1", free_port(), tls_broker.tls.ca_cert)
    with pytest.raises(TransportError):
        MqttAlertTransport(settings).start(timeout_s=2)


def test_station_availability_is_retained_online_then_offline(tls_broker: LocalMosquitto) -> None:
    settings = _settings(tls_broker)
    station = MqttAlertTransport(settings)
    station.start()
    seen: queue.Queue[bytes] = queue.Queue()
    watcher = mqtt.Client(CallbackAPIVersion.VERSION2)
    watcher.tls_set_context(ssl.create_default_context(cafile=str(tls_broker.tls.ca_cert)))
    watcher.on_message = lambda _c, _u, msg: seen.put(bytes(msg.payload))
    watcher.on_connect = lambda c, *_a: c.subscribe(settings.availability_topic, qos=1)
    watcher.connect(tls_broker.host, tls_broker.port)
    watcher.loop_start()
    try:
        assert seen.get(timeout=10) == b"online"
        station.stop()
        assert seen.get(timeout=10) == b"offline"
    finally:
        watcher.loop_stop()
        watcher.disconnect()
