"""One LLRP connection over TCP (port 5084 by default): framing, timeouts, keepalives.

Every read has a deadline. A message whose header is sound but whose body does not decode
(unknown type, a parameter length that does not fit) is logged with its bytes in hex and
skipped: the stream is still framed. A header that is not LLRP (garbage, a wrong length), an
end of stream in the middle of a message or a timeout loses the framing: the bytes are logged
and LinkLost raised, and the caller reconnects.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import time
from dataclasses import dataclass
from itertools import count
from typing import NoReturn

from samplehub.core.domain.errors import SampleHubError
from samplehub.rfid.domain import messages as m
from samplehub.rfid.domain import schema as s
from samplehub.rfid.domain.codec import (
    HEADER_SIZE,
    LlrpDecodeError,
    LlrpMessage,
    Param,
    decode_header,
    decode_message,
    encode_message,
)
from samplehub.rfid.domain.messages import TagReport
from samplehub.rfid.service.ports import LinkLost, ReaderRefused

log = logging.getLogger(__name__)
LLRP_PORT = 5084
ROSPEC_EVENTS = 2  # EventNotificationState event type: ROSpec start/end


@dataclass(frozen=True)
class Endpoint:
    """Where a reader listens, and how long any single answer may take."""

    host: str
    port: int = LLRP_PORT
    timeout_s: float = 3.0
    keepalive_ms: int = 10_000


class _Timeout(SampleHubError):
    """The deadline passed; ``data`` is what had arrived of the message."""

    def __init__(self, data: bytes) -> None:
        super().__init__(f"{len(data)} bytes before the deadline")
        self.data = data


class LlrpTcpLink:
    """An open connection to one reader (the LlrpLink port). Not shared between threads."""

    def __init__(self, name: str, endpoint: Endpoint) -> None:
        self.name = name
        self.endpoint = endpoint
        self._ids = count(1)
        self._reports: list[TagReport] = []
        self._ended: set[int] = set()
        self.model = ""
        self.antennas = 0
        self._sock = socket.create_connection(
            (endpoint.host, endpoint.port), timeout=endpoint.timeout_s
        )
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # requests go out now
        try:
            self._greeting()
        except BaseException:
            self.close()
            raise

    def _greeting(self) -> None:
        """The reader's ConnectionAttemptEvent, its capabilities, a clean slate, keepalives on."""
        first = self._read(time.monotonic() + self.endpoint.timeout_s)
        events = m.reader_event(first) if first else {}
        if events.get("ConnectionAttemptEvent", -1) != s.CONNECTION_SUCCESS:
            raise LinkLost(f"reader {self.name}: connection refused by the reader ({events})")
        caps = self.request(m.simple(s.GET_READER_CAPABILITIES, self.next_id(), 0), 11)
        general = caps.first(s.GENERAL_DEVICE_CAPABILITIES)
        if general is not None:
            antennas, _, maker, model, firmware = general.fields
            self.antennas = antennas if isinstance(antennas, int) else 0
            version = firmware if isinstance(firmware, str) else ""
            self.model = f"{maker!r}/{model!r} {version}"
        config = LlrpMessage(
            s.SET_READER_CONFIG,
            self.next_id(),
            (0,),
            (
                Param(
                    244, children=(Param(245, (ROSPEC_EVENTS, 0x80)),)
                ),  # ReaderEventNotificationSpec: ROSpec events on
                Param(s.KEEPALIVE_SPEC, (1, self.endpoint.keepalive_ms)),
            ),
        )
        code, text = m.status_of(self.request(config, s.SET_READER_CONFIG_RESPONSE))
        if code != s.STATUS_SUCCESS:
            log.warning("reader %s: SET_READER_CONFIG answered %d %r", self.name, code, text)
        log.info("reader %s connected: %s, %d antennas", self.name, self.model, self.antennas)

    def next_id(self) -> int:
        return next(self._ids)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._sock.close()

    def goodbye(self) -> None:
        """CLOSE_CONNECTION, as the standard asks of a client that leaves; then close."""
        try:
            self.request(m.simple(s.CLOSE_CONNECTION, self.next_id()), s.CLOSE_CONNECTION_RESPONSE)
        except (LinkLost, ReaderRefused) as error:
            log.info("reader %s: no answer to CLOSE_CONNECTION (%s)", self.name, error)
        finally:
            self.close()

    def request(self, message: LlrpMessage, response_type: int) -> LlrpMessage:
        self._send(message)
        deadline = time.monotonic() + self.endpoint.timeout_s
        while True:
            answer = self._read(deadline)
            if answer is None or answer.id != message.id:
                continue
            if answer.type == response_type:
                return answer
            if answer.type == s.ERROR_MESSAGE:
                code, text = m.status_of(answer)
                raise ReaderRefused(
                    f"reader {self.name}: {s.message_name(message.type)} refused "
                    f"with ERROR_MESSAGE {code} {text!r}"
                )

    def reports(self, rospec_id: int, timeout_s: float) -> list[TagReport]:
        deadline = time.monotonic() + timeout_s
        while rospec_id not in self._ended:
            if time.monotonic() >= deadline:
                log.info("reader %s: ROSpec %d sent no end event in time", self.name, rospec_id)
                break
            self._read(deadline, quiet_timeout=True)
        self._ended.discard(rospec_id)
        mine = [r for r in self._reports if r.rospec_id in (rospec_id, None)]
        self._reports = [r for r in self._reports if r.rospec_id not in (rospec_id, None)]
        return mine

    # -- bytes ------------------------------------------------------------------------------

    def _send(self, message: LlrpMessage) -> None:
        try:
            self._sock.sendall(encode_message(message))
        except OSError as error:
            raise LinkLost(f"reader {self.name}: send failed: {error}") from error

    def _recv_exact(self, size: int, deadline: float, got: bytes = b"") -> bytes:
        data = bytearray(got)
        while len(data) < size:
            left = deadline - time.monotonic()
            if left <= 0:
                raise _Timeout(bytes(data))
            self._sock.settimeout(left)
            try:
                chunk = self._sock.recv(size - len(data))
            except TimeoutError:
                raise _Timeout(bytes(data)) from None
            except OSError as error:
                raise LinkLost(f"reader {self.name}: {error}") from error
            if not chunk:
                log.warning(
                    "reader %s: connection closed after %d of %d bytes: %s",
                    self.name,
                    len(data),
                    size,
                    bytes(data).hex(),
                )
                raise LinkLost(f"reader {self.name}: connection closed by the reader")
            data += chunk
        return bytes(data)

    def _read(self, deadline: float, quiet_timeout: bool = False) -> LlrpMessage | None:
        """The next message, handled if it is the reader's own (keepalive, event, report);
        None when it was skipped as malformed, or, with ``quiet_timeout``, when time ran out
        between messages."""
        try:
            head = self._recv_exact(HEADER_SIZE, deadline)
        except _Timeout as stalled:
            if quiet_timeout and not stalled.data:
                return None
            self._cut_short(stalled.data, HEADER_SIZE)
        try:
            _, _, length, _ = decode_header(head)
        except LlrpDecodeError as error:
            log.warning("reader %s: %s; bytes %s; reconnecting", self.name, error, head.hex())
            raise LinkLost(f"reader {self.name}: lost the message framing ({error})") from error
        try:
            data = self._recv_exact(length, deadline, head)
        except _Timeout as stalled:
            self._cut_short(stalled.data, length)
        try:
            message = decode_message(data)
        except LlrpDecodeError as error:
            log.warning(
                "reader %s: skipped malformed message (%s): %s", self.name, error, data.hex()
            )
            return None
        return self._dispatch(message)

    def _cut_short(self, data: bytes, size: int) -> NoReturn:
        if not data:
            raise LinkLost(f"reader {self.name}: no answer within {self.endpoint.timeout_s} s")
        log.warning(
            "reader %s: message cut short, %d of %d bytes: %s",
            self.name,
            len(data),
            size,
            data.hex(),
        )
        raise LinkLost(f"reader {self.name}: message of {size} bytes cut short")

    def _dispatch(self, message: LlrpMessage) -> LlrpMessage | None:
        if message.type == s.KEEPALIVE:
            self._send(m.simple(s.KEEPALIVE_ACK, message.id))
            return None
        if message.type == s.RO_ACCESS_REPORT:
            self._reports.extend(m.tag_reports(message))
            return None
        if message.type == s.READER_EVENT_NOTIFICATION:
            events = m.reader_event(message)
            if events.get("ROSpecEvent") == s.ROSPEC_EVENT_END:
                self._ended.add(events.get("ROSpecID", 0))
            if "ConnectionCloseEvent" in events:
                raise LinkLost(f"reader {self.name}: the reader closed the connection")
            return message
        return message
