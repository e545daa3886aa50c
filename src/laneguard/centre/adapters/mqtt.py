"""MQTT for the station-to-centre link (paho-mqtt 2.x, MQTT v5, QoS 1, persistent sessions).

Topics: `<prefix>/centre/<station>/incident` and `<prefix>/centre/<station>/camera`, one JSON
object per message (laneguard.core.domain.forwarding). Both ends keep a fixed client id with
clean start off and a session expiry, so the broker holds what is in flight across a dropped
link. The station's publisher reports each PUBACK to the forwarder, which only then deletes the
outbox row. The centre acknowledges a message (manual PUBACK) only after it has been stored, so
a centre that fails to write gets it again. TLS when a CA file is given (use it across sites);
plain TCP otherwise (one machine, the demo)."""

from __future__ import annotations

import contextlib
import logging
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from laneguard.centre.service.ports import LinkDownError
from laneguard.core.errors import LaneGuardError, StorageError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LinkSettings:
    host: str
    port: int
    client_id: str
    topic_prefix: str = "laneguard"
    ca_file: Path | None = None
    username: str | None = None
    password: str | None = None
    session_expiry_s: int = 7 * 24 * 3600


class _Client:
    def __init__(self, settings: LinkSettings, manual_ack: bool = False) -> None:
        self.settings = settings
        self._connected = threading.Event()
        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=settings.client_id,
            protocol=mqtt.MQTTv5,
            manual_ack=manual_ack,
        )
        if settings.ca_file is not None:
            context = ssl.create_default_context(cafile=str(settings.ca_file))
            context.minimum_version = ssl.TLSVersion.TLSv1_2
            self.client.tls_set_context(context)
        if settings.username is not None:
            self.client.username_pw_set(settings.username, settings.password)
        self.client.reconnect_delay_set(min_delay=1, max_delay=5)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    def start(self) -> None:
        """Connects in the background and keeps reconnecting: a broker that is down now is
        not an error, the link comes up when it does."""
        properties = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
        properties.SessionExpiryInterval = self.settings.session_expiry_s
        self.client.connect_async(
            self.settings.host,
            self.settings.port,
            keepalive=30,
            clean_start=False,
            properties=properties,
        )
        self.client.loop_start()

    def wait_connected(self, timeout_s: float) -> bool:
        return self._connected.wait(timeout_s)

    def stop(self) -> None:
        self._connected.clear()  # a stop, not a lost link: nothing to warn about
        self.client.disconnect()
        self.client.loop_stop()

    def _on_connect(self, client: mqtt.Client, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        if reason.is_failure:
            log.warning("centre link %s: broker refused: %s", self.settings.client_id, reason)
            return
        self._connected.set()
        self.connected_now(client)

    def connected_now(self, client: mqtt.Client) -> None:
        """Called on every (re)connection."""

    def _on_disconnect(self, _c: mqtt.Client, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        if self._connected.is_set():
            log.warning("centre link %s lost: %s", self.settings.client_id, reason)
        self._connected.clear()


class MqttPublisher(_Client):
    """The station's end: QoS 1 publishes, each one's PUBACK awaited. With `presence`
    (topic, online payload, offline payload) the station's presence is a retained message:
    online at each connection, offline as its last will (a dropped link) and at a clean stop."""

    def __init__(
        self, settings: LinkSettings, presence: tuple[str, bytes, bytes] | None = None
    ) -> None:
        super().__init__(settings)
        self.presence = presence
        if presence is not None:
            self.client.will_set(presence[0], presence[2], qos=1, retain=True)

    def connected_now(self, client: mqtt.Client) -> None:
        if self.presence is not None:
            client.publish(self.presence[0], self.presence[1], qos=1, retain=True)

    def stop(self) -> None:
        if self.presence is not None and self.connected:
            info = self.client.publish(self.presence[0], self.presence[2], qos=1, retain=True)
            with contextlib.suppress(RuntimeError, ValueError):
                info.wait_for_publish(2.0)
        super().stop()

    def publish(self, topics_payloads: list[tuple[str, bytes]], timeout_s: float) -> list[bool]:
        if not self.connected:
            raise LinkDownError(
                f"MQTT broker {self.settings.host}:{self.settings.port} not connected"
            )
        infos = [self.client.publish(t, p, qos=1) for t, p in topics_payloads]
        deadline = time.monotonic() + timeout_s
        acked = []
        for info in infos:
            try:
                info.wait_for_publish(max(0.0, deadline - time.monotonic()))
                acked.append(info.is_published())
            except (RuntimeError, ValueError):
                acked.append(False)
        return acked


Handler = Callable[[str, bytes], bool]


class MqttIngest(_Client):
    """The centre's end: subscribes to every station's messages and acknowledges each one
    after `handler(station, payload)` has returned. While the database cannot store (a
    StorageError) the message is tried again, ever more slowly, and not acknowledged: the rest
    wait on the broker (persistent session), nothing is lost; at a stop it stays unacknowledged
    and comes again at the next connection."""

    def __init__(self, settings: LinkSettings, handler: Handler, max_wait_s: float = 5.0) -> None:
        super().__init__(settings, manual_ack=True)
        self.handler = handler
        self.max_wait_s = max_wait_s
        self._stopping = threading.Event()
        self.client.on_message = self._on_message

    @property
    def subscription(self) -> str:
        return f"{self.settings.topic_prefix}/centre/+/+"

    def connected_now(self, client: mqtt.Client) -> None:
        client.subscribe(self.subscription, qos=1)

    def start(self) -> None:
        self._stopping.clear()
        super().start()

    def stop(self) -> None:
        self._stopping.set()
        super().stop()

    def _on_message(self, client: mqtt.Client, _u: Any, message: mqtt.MQTTMessage) -> None:
        parts = message.topic.rsplit("/", 3)
        station = parts[-2] if len(parts) == 4 else ""
        wait = 0.2
        while True:
            try:
                self.handler(station, bytes(message.payload))
            except StorageError as exc:
                log.error("centre: message from %r not stored, trying again: %s", station, exc)
                if self._stopping.wait(wait):
                    return  # unacknowledged: the broker sends it again
                wait = min(wait * 2, self.max_wait_s)
                continue
            except LaneGuardError as exc:
                log.warning("centre: message from %r refused: %s", station, exc)
            except Exception:
                log.exception("centre: message from %r failed", station)
            client.ack(message.mid, message.qos)
            return
