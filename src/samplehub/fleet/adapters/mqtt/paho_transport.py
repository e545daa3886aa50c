"""VDA 5050 over a real MQTT broker with paho-mqtt 2.x; implements the ``Transport`` port.

* TCP_NODELAY is set on the socket after every connect: measured on this machine a QoS 1 round
  trip took 88 ms with Nagle's algorithm on and 0.7 ms with it off.
* paho reconnects by itself with exponential back-off (``reconnect_delay_set``); on every
  (re)connect all subscriptions are renewed and ``on_connected`` hooks run, so a robot announces
  itself again and the fleet manager resynchronises from the state messages that follow.
* The last will (a VDA 5050 ``connection`` message with ``CONNECTIONBROKEN``) is registered
  before connecting, so the broker tells the fleet when a robot drops off.
* ``mqtts://`` connects over TLS (certificate verified); user name and password come from the
  URL or the settings, so each robot and the fleet can have their own credentials.
* Vendor errors (socket errors, paho return codes) become ``TransportError`` at this edge;
  exceptions raised by message handlers are logged, never allowed to kill paho's thread.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable
from urllib.parse import unquote, urlparse

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from samplehub.fleet.adapters.mqtt.topics import matches
from samplehub.fleet.service.ports import TransportError

log = logging.getLogger(__name__)
Handler = Callable[[str, bytes], None]


def broker_of(url: str) -> tuple[str, int, bool]:
    """Host, port and whether TLS is on (``mqtts://``, default port 8883)."""
    parsed = urlparse(url)
    if parsed.scheme not in ("mqtt", "tcp", "mqtts") or not parsed.hostname:
        raise TransportError(
            f"SAMPLEHUB_MQTT_URL: {_safe(url)!r}; expected mqtt://host[:port] or "
            "mqtts://[user:password@]host[:port], e.g. mqtt://127.0.0.1:1883"
        )
    tls = parsed.scheme == "mqtts"
    return parsed.hostname, parsed.port or (8883 if tls else 1883), tls


def _safe(url: str) -> str:
    parsed = urlparse(url)
    return url.replace(f":{parsed.password}@", ":***@") if parsed.password else url


class MqttTransport:
    def __init__(
        self,
        url: str,
        client_id: str,
        *,
        will: tuple[str, bytes] | None = None,
        keepalive_s: int = 10,
        username: str = "",
        password: str = "",
        ca_file: str | None = None,
    ) -> None:
        """Credentials come from the URL (``mqtt://user:password@host``) or ``username`` /
        ``password``; ``mqtts://`` turns TLS on, verified against ``ca_file`` (or the system's
        trust store)."""
        self.host, self.port, tls = broker_of(url)
        self.keepalive_s = keepalive_s
        self._client = mqtt.Client(
            callback_api_version=CallbackAPIVersion.VERSION2,
            client_id=client_id,
            clean_session=True,
        )
        self._client.reconnect_delay_set(min_delay=1, max_delay=30)
        parsed = urlparse(url)
        user = unquote(parsed.username) if parsed.username else username
        if user:
            secret = unquote(parsed.password) if parsed.password else password
            self._client.username_pw_set(user, secret or None)
        if tls:
            try:
                self._client.tls_set(ca_certs=ca_file)
            except (OSError, ValueError) as exc:
                raise TransportError(f"fleet.mqtt_ca_file: {ca_file!r}: {exc}") from exc
        if will is not None:
            self._client.will_set(will[0], will[1], qos=1, retain=True)
        self._client.on_connect = self._on_connect
        self._client.on_disconnect = self._on_disconnect
        self._client.on_message = self._on_message
        self._subs: list[tuple[str, Handler]] = []
        self._lock = threading.Lock()
        self.connected = threading.Event()
        self.connects = 0
        self.refused: str | None = None
        """Why the broker last refused the connection (bad credentials …)."""
        self.on_connected: list[Callable[[], None]] = []

    # -- lifecycle ------------------------------------------------------------------------------
    def start(self, timeout_s: float = 5.0) -> None:
        try:
            self._client.connect(self.host, self.port, keepalive=self.keepalive_s)
        except OSError as exc:  # refused, unreachable, or a TLS certificate not trusted
            sock = self._client.socket()
            if isinstance(sock, socket.socket):
                sock.close()
            raise TransportError(f"MQTT broker {self.host}:{self.port}: {exc}") from exc
        self._client.loop_start()
        if not self.connected.wait(timeout_s):
            self.stop()
            why = f"refused ({self.refused})" if self.refused else f"no CONNACK in {timeout_s}s"
            raise TransportError(f"MQTT broker {self.host}:{self.port}: {why}")

    def stop(self) -> None:
        self._client.disconnect()
        self._client.loop_stop()

    def drop_connection(self) -> None:
        """Cut the TCP connection without a DISCONNECT (as a network fault or broker restart
        would); paho notices and reconnects with back-off."""
        sock = self._client.socket()
        if isinstance(sock, socket.socket):
            sock.shutdown(socket.SHUT_RDWR)

    def kill(self) -> None:
        """Die without DISCONNECT and without reconnecting: the broker sends the last will."""
        self._client.loop_stop()
        sock = self._client.socket()
        if isinstance(sock, socket.socket):
            sock.close()

    # -- paho callbacks (paho's network thread) -------------------------------------------------
    def _on_connect(
        self,
        client: mqtt.Client,
        userdata: object,
        flags: object,
        reason: object,
        properties: object,
    ) -> None:
        if getattr(reason, "is_failure", False):
            log.warning("MQTT connect refused: %s", reason)
            self.refused = str(reason)
            return
        sock = client.socket()
        if isinstance(sock, socket.socket):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._lock:
            filters = sorted({f for f, _ in self._subs})
        for topic_filter in filters:
            client.subscribe(topic_filter, qos=1)
        self.connects += 1
        self.connected.set()
        for hook in list(self.on_connected):
            try:
                hook()
            except Exception:  # a hook must not kill paho's thread
                log.exception("on_connected hook failed")

    def _on_disconnect(
        self,
        client: mqtt.Client,
        userdata: object,
        flags: object,
        reason: object,
        properties: object,
    ) -> None:
        self.connected.clear()
        log.warning("MQTT disconnected (%s); paho reconnects with back-off", reason)

    def _on_message(self, client: mqtt.Client, userdata: object, msg: mqtt.MQTTMessage) -> None:
        with self._lock:
            subs = list(self._subs)
        for topic_filter, handler in subs:
            if matches(topic_filter, msg.topic):
                try:
                    handler(msg.topic, bytes(msg.payload))
                except Exception:
                    log.exception("handler for %s failed on %s", topic_filter, msg.topic)

    # -- Transport port -------------------------------------------------------------------------
    def publish(self, topic: str, payload: bytes, *, qos: int = 0, retain: bool = False) -> None:
        info = self._client.publish(topic, payload, qos=qos, retain=retain)
        if info.rc not in (mqtt.MQTT_ERR_SUCCESS, mqtt.MQTT_ERR_NO_CONN):
            raise TransportError(f"MQTT publish on {topic}: {mqtt.error_string(info.rc)}")
        if info.rc == mqtt.MQTT_ERR_NO_CONN:
            log.warning("MQTT not connected; %s queued until reconnect", topic)

    def subscribe(self, topic_filter: str, handler: Handler) -> None:
        with self._lock:
            self._subs.append((topic_filter, handler))
        if self.connected.is_set():
            self._client.subscribe(topic_filter, qos=1)
