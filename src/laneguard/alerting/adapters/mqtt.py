"""MQTT over TLS for staff alerts (paho-mqtt 2.x).

Topics, under a configurable prefix (default `laneguard`):
- `<prefix>/terminal/<terminal_id>/alert`: sealed alerts, station -> terminal (QoS 1);
- `<prefix>/terminal/<terminal_id>/ack`: sealed acknowledgements, terminal -> station (QoS 1);
- `<prefix>/station/available`: retained `online` / `offline` (last will) of the station.
Terminals keep a persistent session (MQTT v5, fixed client id `laneguard-terminal-<terminal_id>`,
clean start off, session expiry `session_expiry_s`): the broker queues the QoS 1 alerts published
while a terminal is away and hands them over when it reconnects. The station's own client gets a
fresh id and a clean session. Only `SealedMessage` bytes are ever published. Paho's errors
become `TransportError`; a garbage payload from the broker is logged and dropped, never raised
into paho's network thread.
"""

from __future__ import annotations

import logging
import socket
import ssl
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from laneguard.alerting.domain.alerts import MalformedMessageError, SealedMessage
from laneguard.alerting.service.ports import TransportError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MqttSettings:
    host: str
    port: int
    ca_file: Path
    topic_prefix: str = "laneguard"
    client_cert: Path | None = None
    client_key: Path | None = None
    username: str | None = None
    password: str | None = None
    session_expiry_s: int = 7 * 24 * 3600  # how long the broker keeps an absent terminal's queue

    @property
    def availability_topic(self) -> str:
        return f"{self.topic_prefix}/station/available"

    def alert_topic(self, terminal_id: str) -> str:
        return f"{self.topic_prefix}/terminal/{terminal_id}/alert"

    def ack_topic(self, terminal_id: str) -> str:
        return f"{self.topic_prefix}/terminal/{terminal_id}/ack"


def terminal_client_id(terminal_id: str) -> str:
    """The fixed MQTT client id of a terminal: its persistent session on the broker."""
    return f"laneguard-terminal-{terminal_id}"


class _TlsClient:
    """A paho client (MQTT v5) that only ever speaks TLS and resubscribes after every reconnect.

    `persistent`: the session outlives the connection (clean start off, expiry from the
    settings), so the broker keeps the subscriptions and queues QoS 1 messages meanwhile; it
    needs a fixed `client_id`.
    """

    def __init__(
        self,
        settings: MqttSettings,
        subscriptions: list[str],
        client_id: str,
        persistent: bool = False,
    ) -> None:
        self.settings = settings
        self.client_id = client_id
        self._subscriptions = subscriptions
        self._persistent = persistent
        self._connected = threading.Event()
        self._client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5
        )
        context = ssl.create_default_context(cafile=str(settings.ca_file))
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        if settings.client_cert is not None:
            context.load_cert_chain(
                str(settings.client_cert),
                keyfile=str(settings.client_key) if settings.client_key else None,
            )
        self._context = context
        self._client.tls_set_context(context)
        if settings.username is not None:
            self._client.username_pw_set(settings.username, settings.password)
        self._client.on_connect = self._on_connect
        self._client.on_disconnect = self._on_disconnect
        self._client.on_message = self._on_message
        self._client.on_subscribe = self._on_subscribe
        self._pending_subscription: int | None = None
        self._refused = ""  # why the broker refused the last connection attempt
        self._client.reconnect_delay_set(min_delay=1, max_delay=10)

    def _probe_tls(self, timeout_s: float) -> None:
        """One TLS handshake of our own before paho's: a certificate problem is reported plainly,
        and the socket is closed (paho 2.2 leaks the socket of a failed handshake)."""
        host, port = self.settings.host, self.settings.port
        with (
            socket.create_connection((host, port), timeout=timeout_s) as raw,
            self._context.wrap_socket(raw, server_hostname=host),
        ):
            pass

    def start(self, timeout_s: float = 10.0) -> None:
        try:
            self._probe_tls(timeout_s)
            properties = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
            properties.SessionExpiryInterval = (
                self.settings.session_expiry_s if self._persistent else 0
            )
            self._client.connect(
                self.settings.host,
                self.settings.port,
                keepalive=30,
                clean_start=not self._persistent,
                properties=properties,
            )
        except (OSError, ssl.SSLError) as exc:
            raise TransportError(
                f"MQTT broker {self.settings.host}:{self.settings.port} refused TLS connection: "
                f"{exc}"
            ) from exc
        self._refused = ""
        self._client.loop_start()
        deadline = time.monotonic() + timeout_s
        while not self._connected.wait(0.05) and time.monotonic() < deadline:
            if self._refused:  # a wrong login: waiting longer cannot help
                self.stop()
                raise TransportError(
                    f"MQTT broker {self.settings.host}:{self.settings.port} refused the "
                    f"connection: {self._refused} (check mqtt.username and mqtt.password)"
                )
        if not self._connected.is_set():
            self.stop()
            raise TransportError(
                f"MQTT broker {self.settings.host}:{self.settings.port} did not accept the "
                f"connection within {timeout_s} s"
            )

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    def stop(self) -> None:
        self._client.disconnect()
        self._client.loop_stop()

    def publish(self, topic: str, payload: bytes) -> None:
        info = self._client.publish(topic, payload, qos=1)
        if info.rc != mqtt.MQTT_ERR_SUCCESS:
            raise TransportError(f"MQTT publish to {topic} failed: {mqtt.error_string(info.rc)}")

    def _on_connect(
        self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, properties: Any
    ) -> None:
        if reason.is_failure:
            log.error("MQTT connection refused: %s", reason)
            self._refused = str(reason)
            return
        if not self._subscriptions:
            self._connected.set()
            return
        _, mid = client.subscribe([(topic, 1) for topic in self._subscriptions])
        self._pending_subscription = mid

    def _on_subscribe(
        self, client: mqtt.Client, userdata: Any, mid: int, reasons: Any, properties: Any
    ) -> None:
        # Ready only once the broker confirmed the subscriptions: a message published right
        # after start() returns is then never lost.
        if mid == self._pending_subscription:
            self._connected.set()

    def _on_disconnect(
        self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, properties: Any
    ) -> None:
        self._connected.clear()
        if reason.is_failure:
            log.warning("MQTT connection lost (%s); paho reconnects", reason)

    def _on_message(self, client: mqtt.Client, userdata: Any, msg: mqtt.MQTTMessage) -> None:
        try:
            message = SealedMessage.from_bytes(bytes(msg.payload))
        except MalformedMessageError as exc:
            log.warning("dropped malformed payload on %s: %s", msg.topic, exc)
            return
        try:
            self.received(msg.topic, message)
        except Exception:
            log.exception("handler for %s failed", msg.topic)

    def received(self, topic: str, message: SealedMessage) -> None:
        raise NotImplementedError


class MqttAlertTransport(_TlsClient):
    """The station's MQTT client: delivers alerts and hands acknowledgements to `on_ack`."""

    name = "mqtt"

    def __init__(
        self, settings: MqttSettings, on_ack: Callable[[SealedMessage], None] | None = None
    ) -> None:
        super().__init__(
            settings, [settings.ack_topic("+")], f"laneguard-station-{uuid.uuid4().hex[:8]}"
        )
        self._on_ack = on_ack
        # Retained "online"/"offline" with a last will, as Frigate does: terminals can tell a
        # silent station from a dead one.
        self._client.will_set(settings.availability_topic, b"offline", qos=1, retain=True)

    def _on_connect(
        self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, properties: Any
    ) -> None:
        super()._on_connect(client, userdata, flags, reason, properties)
        if not reason.is_failure:
            client.publish(self.settings.availability_topic, b"online", qos=1, retain=True)

    def stop(self) -> None:
        if self.connected:
            info = self._client.publish(
                self.settings.availability_topic, b"offline", qos=1, retain=True
            )
            info.wait_for_publish(2)
        super().stop()

    def set_ack_handler(self, on_ack: Callable[[SealedMessage], None]) -> None:
        self._on_ack = on_ack

    def deliver(self, message: SealedMessage) -> None:
        if message.kind == "ack":
            raise TransportError("station publishes alerts only, not acknowledgements")
        self.publish(self.settings.alert_topic(message.terminal_id), message.to_bytes())

    def received(self, topic: str, message: SealedMessage) -> None:
        if message.kind != "ack" or topic != self.settings.ack_topic(message.terminal_id):
            log.warning("ignored %s message on %s", message.kind, topic)
            return
        if self._on_ack is not None:
            self._on_ack(message)


class MqttTerminalClient(_TlsClient):
    """A terminal's MQTT client: receives its own sealed alerts, publishes sealed acks.

    Its session is persistent: alerts sent while it was offline arrive when it reconnects
    (to the same broker, within `session_expiry_s`)."""

    def __init__(
        self, settings: MqttSettings, terminal_id: str, on_alert: Callable[[SealedMessage], None]
    ) -> None:
        super().__init__(
            settings,
            [settings.alert_topic(terminal_id)],
            terminal_client_id(terminal_id),
            persistent=True,
        )
        self.terminal_id = terminal_id
        self._on_alert = on_alert

    def send_ack(self, message: SealedMessage) -> None:
        self.publish(self.settings.ack_topic(self.terminal_id), message.to_bytes())

    def received(self, topic: str, message: SealedMessage) -> None:
        if message.kind != "ack":  # incident alerts and camera alerts
            self._on_alert(message)
