"""A simulated LLRP reader: a real TCP server speaking LLRP 1.0.1 bytes over a simulated world.

One server is one reader of a ``SimulatedReaderWorld`` (a real reader is one endpoint). On
connect it sends the ConnectionAttemptEvent; it answers capabilities, reader config, ROSpec and
AccessSpec requests; START_ROSPEC runs a round of the ROSpec's duration over the world, runs the
enabled AccessSpecs (C1G2Write/C1G2Read) on the tags they target, then sends the
RO_ACCESS_REPORT and the ROSpec end event. Keepalives go out at the period the client set.

``inject`` queues faults a field reader shows, each used once before the next answer:
``garbage`` (bytes that are not LLRP), ``truncated`` (half a message, then the connection
closes), ``wrong_length`` (a header that claims more bytes than follow), ``unknown_type`` (a
well-framed message of a type LLRP does not define), ``disconnect`` (the connection closes).
"""

from __future__ import annotations

import contextlib
import logging
import socket
import socketserver
import struct
import threading
import time
from collections import deque
from typing import Any

from samplehub.rfid.domain import messages as m
from samplehub.rfid.domain import schema as s
from samplehub.rfid.domain.codec import (
    HEADER_SIZE,
    Bits,
    LlrpDecodeError,
    LlrpMessage,
    Param,
    decode_header,
    decode_message,
    encode_message,
)
from samplehub.rfid.domain.messages import OpResult, TagReport
from samplehub.simulation.llrp_world import ReaderWorld, SimTag

log = logging.getLogger(__name__)
FAULTS = ("garbage", "truncated", "wrong_length", "unknown_type", "disconnect")
M_FIELD_ERROR = 101  # M_FieldError
M_UNSUPPORTED_MESSAGE = 109  # LLRPStatus codes (LLRP 1.0.1, 16.2.8.1): M_UnsupportedMessage
MAX_ROUND_S = 5.0
IDLE_WAIT_S = 0.5


def _now_us() -> int:
    return time.time_ns() // 1000


def event(message_id: int, param: Param) -> LlrpMessage:
    """A READER_EVENT_NOTIFICATION carrying one event, stamped with the UTC time."""
    data = Param(
        s.READER_EVENT_NOTIFICATION_DATA, children=(Param(s.UTC_TIMESTAMP, (_now_us(),)), param)
    )
    return LlrpMessage(s.READER_EVENT_NOTIFICATION, message_id, (), (data,))


class _Session(socketserver.BaseRequestHandler):
    server: _Server

    def setup(self) -> None:
        self.rospecs: dict[int, Param] = {}
        self.enabled: set[int] = set()
        self.access: dict[int, Param] = {}
        self.access_on: set[int] = set()
        self.keepalive_s = 0.0
        self.last_keepalive = time.monotonic()
        self.sock: socket.socket = self.request
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # small replies now
        self.server.reader.sessions.add(self.sock)

    def finish(self) -> None:
        self.server.reader.sessions.discard(self.sock)

    def handle(self) -> None:
        reader = self.server.reader
        try:
            self._send(event(0, Param(s.CONNECTION_ATTEMPT_EVENT, (s.CONNECTION_SUCCESS,))))
            while not reader.stopping.is_set():
                message = self._receive()
                if message is None:
                    continue
                if not self._answer(message):
                    return
        except (OSError, EOFError) as error:
            log.debug("simulated reader %s: connection ended (%s)", reader.name, error)

    def _receive(self) -> LlrpMessage | None:
        wait = IDLE_WAIT_S  # few wake-ups: a served reader is idle most of the time
        if self.keepalive_s:
            due = self.last_keepalive + self.keepalive_s - time.monotonic()
            wait = max(0.01, min(wait, due))
        self.sock.settimeout(wait)
        try:
            head = self.sock.recv(HEADER_SIZE, socket.MSG_PEEK)
        except TimeoutError:
            self._maybe_keepalive()
            return None
        if not head:
            raise EOFError("client closed")
        self.sock.settimeout(2.0)
        head = self._exact(HEADER_SIZE)
        try:
            _, _, length, message_id = decode_header(head)
        except LlrpDecodeError as error:
            log.warning("simulated reader: bad header %s (%s)", head.hex(), error)
            raise EOFError("framing lost") from error
        data = head + self._exact(length - HEADER_SIZE)
        try:
            return decode_message(data)
        except LlrpDecodeError as error:
            self._send(m.response(s.ERROR_MESSAGE, message_id, M_UNSUPPORTED_MESSAGE, str(error)))
            return None

    def _exact(self, size: int) -> bytes:
        data = b""
        while len(data) < size:
            chunk = self.sock.recv(size - len(data))
            if not chunk:
                raise EOFError("client closed mid-message")
            data += chunk
        return data

    def _maybe_keepalive(self) -> None:
        if self.keepalive_s and time.monotonic() - self.last_keepalive >= self.keepalive_s:
            self.last_keepalive = time.monotonic()
            self._send(m.simple(s.KEEPALIVE, 0))

    def _send(self, message: LlrpMessage) -> None:
        data = encode_message(message)
        fault = (
            self.server.reader.next_fault() if message.type != s.READER_EVENT_NOTIFICATION else None
        )
        if fault == "garbage":
            self.sock.sendall(b"\xde\xad\xbe\xef garbage \x00\xff" + data)
        elif fault == "truncated":
            self.sock.sendall(data[: len(data) // 2])
            raise EOFError("fault: truncated")
        elif fault == "wrong_length":
            self.sock.sendall(data[:2] + struct.pack(">I", len(data) + 64) + data[6:])
        elif fault == "unknown_type":
            self.sock.sendall(struct.pack(">HII", (1 << 10) | 999, 14, 7) + b"\x00\x01\x02\x03")
            self.sock.sendall(data)
        elif fault == "disconnect":
            raise EOFError("fault: disconnect")
        else:
            self.sock.sendall(data)

    def _answer(self, msg: LlrpMessage) -> bool:
        t, mid = msg.type, msg.id
        target = msg.fields[0] if msg.fields and isinstance(msg.fields[0], int) else 0
        if t == s.GET_READER_CAPABILITIES:
            self._send(self._capabilities(mid))
        elif t == s.SET_READER_CONFIG:
            spec = msg.first(s.KEEPALIVE_SPEC)
            if spec is not None and spec.fields[0] == 1 and isinstance(spec.fields[1], int):
                self.keepalive_s = spec.fields[1] / 1000
            self._send(m.response(s.SET_READER_CONFIG_RESPONSE, mid))
        elif t == s.ADD_ROSPEC:
            self._add(msg.first(s.ROSPEC), self.rospecs, s.ADD_ROSPEC_RESPONSE, mid)
        elif t in (s.ENABLE_ROSPEC, s.START_ROSPEC, s.STOP_ROSPEC, s.DISABLE_ROSPEC):
            if target not in self.rospecs:
                self._send(m.response(t + 10, mid, M_FIELD_ERROR, f"no ROSpec {target}"))
            else:
                if t == s.ENABLE_ROSPEC:
                    self.enabled.add(target)
                self._send(m.response(t + 10, mid))
                if t == s.START_ROSPEC:
                    self._run(target)
        elif t == s.DELETE_ROSPEC:
            for key in [k for k in self.rospecs if target in (0, k)]:
                del self.rospecs[key]
            self._send(m.response(s.DELETE_ROSPEC_RESPONSE, mid))
        elif t == s.ADD_ACCESSSPEC:
            self._add(msg.first(s.ACCESS_SPEC), self.access, s.ADD_ACCESSSPEC_RESPONSE, mid)
        elif t in (s.ENABLE_ACCESSSPEC, s.DELETE_ACCESSSPEC, s.DISABLE_ACCESSSPEC):
            if t == s.ENABLE_ACCESSSPEC:
                self.access_on.add(target)
            elif t == s.DELETE_ACCESSSPEC:
                for key in [k for k in self.access if target in (0, k)]:
                    del self.access[key]
            self._send(m.response(t + 10, mid))
        elif t == s.CLOSE_CONNECTION:
            self._send(m.response(s.CLOSE_CONNECTION_RESPONSE, mid))
            return False
        elif t == s.KEEPALIVE_ACK:
            self.server.reader.keepalive_acks += 1
        else:
            self._send(m.response(s.ERROR_MESSAGE, mid, M_UNSUPPORTED_MESSAGE, "not simulated"))
        return True

    def _add(self, spec: Param | None, specs: dict[int, Param], answer: int, mid: int) -> None:
        """ADD_ROSPEC, ADD_ACCESSSPEC: keep the spec under its id (its first field)."""
        assert spec is not None
        assert isinstance(spec.fields[0], int)
        specs[spec.fields[0]] = spec
        self._send(m.response(answer, mid))

    def _capabilities(self, mid: int) -> LlrpMessage:
        antennas = self.server.reader.world.readers.get(self.server.reader.name, 0)
        general = Param(s.GENERAL_DEVICE_CAPABILITIES, (antennas, 0x4000, 0, 1, "samplehub-sim 1"))
        llrp = Param(s.LLRP_CAPABILITIES, (0, 1, 0, 16, 8, 4, 16, 4))
        return LlrpMessage(
            s.GET_READER_CAPABILITIES_RESPONSE, mid, (), (m.status_param(), general, llrp)
        )

    def _run(self, rospec_id: int) -> None:
        rospec = self.rospecs[rospec_id]
        boundary = rospec.first(s.RO_BOUNDARY_SPEC)
        stop = boundary.first(s.ROSPEC_STOP_TRIGGER) if boundary else None
        duration_ms = stop.fields[1] if stop is not None else 0
        ai = rospec.first(s.AI_SPEC)
        antennas = ai.fields[0] if ai is not None else (0,)
        assert isinstance(duration_ms, int)
        assert isinstance(antennas, tuple)
        time.sleep(min(MAX_ROUND_S, duration_ms / 1000))
        reader = self.server.reader
        first_seen = _now_us()
        reports: dict[tuple[str, int], TagReport] = {}
        for sighting in reader.world.observe(reader.name, antennas):
            key = (sighting.tag.epc, sighting.antenna)
            ops, access_id = self._access(sighting.tag, sighting.antenna)
            reports[key] = TagReport(
                key[0],
                sighting.antenna,
                max(sighting.rssi, reports[key].peak_rssi or -128)
                if key in reports
                else sighting.rssi,
                first_seen,
                1 + (reports[key].seen_count or 0) if key in reports else 1,
                rospec_id,
                access_id,
                ops,
            )
        params = tuple(m.tag_report_data(r) for r in reports.values())
        self._send(LlrpMessage(s.RO_ACCESS_REPORT, 0, (), params))
        self._send(event(0, Param(s.ROSPEC_EVENT, (s.ROSPEC_EVENT_END, rospec_id, 0))))

    def _access(self, tag: SimTag, antenna: int) -> tuple[tuple[OpResult, ...], int | None]:
        """Run the first enabled AccessSpec that targets this tag; its results and id."""
        for spec_id in sorted(self.access_on & set(self.access)):
            spec = self.access[spec_id]
            if spec.fields[1] not in (0, antenna) or not _targets(spec, tag.epc):
                continue
            command = spec.first(s.ACCESS_COMMAND)
            assert command is not None
            epc_before = tag.epc
            results = tuple(self._op(op, tag) for op in command.children if op.type in (341, 342))
            del self.access[spec_id]  # stop trigger: one operation
            log.debug("simulated access %d on %s: %s", spec_id, epc_before, results)
            return results, spec_id
        return (), None

    def _op(self, op: Param, tag: SimTag) -> OpResult:
        world, reader = self.server.reader.world, self.server.reader.name
        op_id, password, bank_byte, pointer, data = op.fields
        assert isinstance(op_id, int)
        assert isinstance(password, int)
        assert isinstance(bank_byte, int)
        bank = bank_byte >> 6
        if op.type == s.C1G2_WRITE:
            assert isinstance(data, tuple)
            if bank != s.EPC_BANK or pointer != 2 or len(data) != 6:
                return OpResult("write", op_id, 6)
            code = world.write(tag, reader, data, password)
            return OpResult("write", op_id, code, words_written=6 if code == 0 else 0)
        source = {s.EPC_BANK: tag.epc, s.TID_BANK: tag.tid}.get(bank, "")
        words = m.epc_words(source) if pointer in (0, 2) and source else ()
        if not words:
            return OpResult("read", op_id, 1)
        if bank == s.EPC_BANK:
            world.read_back(tag)
        return OpResult("read", op_id, 0, words)


def _targets(spec: Param, epc: str) -> bool:
    command = spec.first(s.ACCESS_COMMAND)
    tag_spec = command.first(s.C1G2_TAG_SPEC) if command else None
    target = tag_spec.first(s.C1G2_TARGET_TAG) if tag_spec else None
    if target is None:
        return True
    _, _, mask, data = target.fields
    if not isinstance(mask, Bits) or not isinstance(data, Bits):
        return False
    tag = bytes.fromhex(epc)
    return all((t & k) == (d & k) for t, k, d in zip(tag, mask.data, data.data, strict=False))


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    reader: SimulatedLlrpReader


class SimulatedLlrpReader:
    """One simulated reader on ``host:port`` (port 0: an ephemeral one); ``start`` / ``stop``."""

    def __init__(
        self, world: ReaderWorld, name: str, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.world, self.name = world, name
        self.stopping = threading.Event()
        self._faults: deque[str] = deque()
        self._lock = threading.Lock()
        self._server = _Server((host, port), _Session)
        self._server.reader = self
        address = self._server.server_address
        self.host: str = str(address[0])
        self.port: int = int(address[1])
        self._thread: threading.Thread | None = None
        self.sessions: set[socket.socket] = set()
        self.keepalive_acks = 0

    def start(self) -> SimulatedLlrpReader:
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            args=(IDLE_WAIT_S,),
            name=f"llrp-sim-{self.name}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving: the listener and every open connection close now."""
        self.stopping.set()
        ending = threading.Thread(target=self._server.shutdown, daemon=True)
        ending.start()
        with contextlib.suppress(OSError):  # wake the listener: no wait for its next poll
            socket.create_connection((self.host, self.port), timeout=0.5).close()
        ending.join()
        self._server.server_close()
        for sock in list(self.sessions):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def inject(self, *faults: str) -> None:
        for fault in faults:
            if fault not in FAULTS:
                raise ValueError(f"fault {fault!r}: allowed {', '.join(FAULTS)}")
        with self._lock:
            self._faults.extend(faults)

    def next_fault(self) -> str | None:
        with self._lock:
            return self._faults.popleft() if self._faults else None

    def __enter__(self) -> SimulatedLlrpReader:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()
