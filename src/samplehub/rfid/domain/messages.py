"""The LLRP messages a client sends and what it reads out of a reader's answers.

Builders make the ROSpec of one inventory round and the AccessSpec of one C1G2 write or read;
readers take the tags (EPC, antenna, peak RSSI, first-seen time, seen count, op results) out of
an ``RO_ACCESS_REPORT`` and the status out of a response, per LLRP 1.0.1 clauses 10-16.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from samplehub.rfid.domain import schema as s
from samplehub.rfid.domain.codec import Bits, LlrpMessage, Param

# TagReportContentSelector: ROSpecID, AntennaID, PeakRSSI, FirstSeenTimestamp, TagSeenCount,
# AccessSpecID switched on (bits 15, 12, 10, 9, 7, 6 of the word)
REPORT_CONTENT = 0x8000 | 0x1000 | 0x0400 | 0x0200 | 0x0080 | 0x0040
END_OF_ROSPEC = 2  # ROReportTrigger: upon N tags or the end of the ROSpec (N = 0: at the end)
DURATION = 1
EPC_POINTER_BITS = 32  # the EPC starts after the CRC and PC words of the EPC bank
EPC_FIRST_WORD = 2


@dataclass(frozen=True)
class OpResult:
    """The outcome of one C1G2 op spec on a tag: which op, its result code, the words read."""

    kind: str  # "read" or "write"
    op_spec_id: int
    result: int
    words: tuple[int, ...] = ()
    words_written: int = 0


class TagReport(NamedTuple):
    """One TagReportData of an RO_ACCESS_REPORT; a field the report left out is None.

    (A named tuple: a report of a thousand tags makes a thousand, and tuples are built fastest.)
    """

    epc: str
    antenna: int | None
    peak_rssi: int | None
    first_seen_utc_us: int | None
    seen_count: int | None
    rospec_id: int | None = None
    access_spec_id: int | None = None
    op_results: tuple[OpResult, ...] = ()


def simple(message_type: int, message_id: int, *fields: int) -> LlrpMessage:
    """A message of fixed fields only (KEEPALIVE_ACK, ENABLE_ROSPEC id, CLOSE_CONNECTION …)."""
    return LlrpMessage(message_type, message_id, tuple(fields))


def status_param(code: int = s.STATUS_SUCCESS, text: str = "") -> Param:
    return Param(s.LLRP_STATUS, (code, text))


def response(message_type: int, message_id: int, code: int = 0, text: str = "") -> LlrpMessage:
    """A response carrying one LLRPStatus (every *_RESPONSE and ERROR_MESSAGE)."""
    return LlrpMessage(message_type, message_id, (), (status_param(code, text),))


def status_of(message: LlrpMessage) -> tuple[int, str]:
    """``(status code, description)`` of a response; a response without LLRPStatus is an error."""
    status = message.first(s.LLRP_STATUS)
    if status is None:
        return 0xFFFF, "response without LLRPStatus"
    code, text = status.fields
    assert isinstance(code, int)
    assert isinstance(text, str)
    return code, text


def add_rospec(
    message_id: int, rospec_id: int, antennas: tuple[int, ...], duration_ms: int
) -> LlrpMessage:
    """ADD_ROSPEC of one inventory round: started by START_ROSPEC, stopped after the duration,
    one report at its end with the fields the TagReads carry. Antenna 0 means every antenna."""
    boundary = Param(
        s.RO_BOUNDARY_SPEC,
        children=(
            Param(s.ROSPEC_START_TRIGGER, (0,)),
            Param(s.ROSPEC_STOP_TRIGGER, (DURATION, duration_ms)),
        ),
    )
    ai_spec = Param(
        s.AI_SPEC,
        (antennas or (0,),),
        (
            Param(s.AI_SPEC_STOP_TRIGGER, (0, 0)),
            Param(s.INVENTORY_PARAMETER_SPEC, (1, s.PROTOCOL_C1G2)),
        ),
    )
    report = Param(
        s.RO_REPORT_SPEC,
        (END_OF_ROSPEC, 0),
        (Param(s.TAG_REPORT_CONTENT_SELECTOR, (REPORT_CONTENT,)),),
    )
    rospec = Param(s.ROSPEC, (rospec_id, 0, 0), (boundary, ai_spec, report))
    return LlrpMessage(s.ADD_ROSPEC, message_id, (), (rospec,))


def c1g2_write(
    op_id: int, password: int, bank: int, word_pointer: int, words: tuple[int, ...]
) -> Param:
    return Param(s.C1G2_WRITE, (op_id, password, bank << 6, word_pointer, words))


def c1g2_read(op_id: int, password: int, bank: int, word_pointer: int, count: int) -> Param:
    return Param(s.C1G2_READ, (op_id, password, bank << 6, word_pointer, count))


def add_accessspec(
    message_id: int, access_spec_id: int, antenna: int, target_epc: bytes, ops: tuple[Param, ...]
) -> LlrpMessage:
    """ADD_ACCESSSPEC running ``ops`` once on the tag whose EPC is ``target_epc`` (all 96 bits
    matched from bit 32 of the EPC bank); the results come with the next RO report."""
    nbits = len(target_epc) * 8
    target = Param(
        s.C1G2_TARGET_TAG,
        (
            (s.EPC_BANK << 6) | 0x20,  # memory bank 1 (EPC), match = 1
            EPC_POINTER_BITS,
            Bits(nbits, b"\xff" * len(target_epc)),
            Bits(nbits, target_epc),
        ),
    )
    command = Param(s.ACCESS_COMMAND, children=(Param(s.C1G2_TAG_SPEC, children=(target,)), *ops))
    spec = Param(
        s.ACCESS_SPEC,
        (access_spec_id, antenna, s.PROTOCOL_C1G2, 0, 0),
        (Param(s.ACCESS_SPEC_STOP_TRIGGER, (1, 1)), command, Param(s.ACCESS_REPORT_SPEC, (0,))),
    )
    return LlrpMessage(s.ADD_ACCESSSPEC, message_id, (), (spec,))


def epc_words(epc_hex: str) -> tuple[int, ...]:
    """The 16-bit words of an EPC written in hex."""
    data = bytes.fromhex(epc_hex)
    return tuple(int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data), 2))


def words_hex(words: tuple[int, ...]) -> str:
    return "".join(f"{w:04x}" for w in words)


def _int(param: Param | None) -> int | None:
    if param is None:
        return None
    value = param.fields[0]
    return value if isinstance(value, int) else None


def tag_epc(data: Param) -> str:
    """The EPC of a TagReportData in lower-case hex (EPC-96 or EPCData), or ``""``."""
    for child in data.children:
        if child.type == s.EPC_96 and isinstance(child.fields[0], bytes):
            return child.fields[0].hex()
        if child.type == s.EPC_DATA and isinstance(child.fields[0], Bits):
            return child.fields[0].data.hex()
    return ""


def _op_results(data: Param) -> tuple[OpResult, ...]:
    results: list[OpResult] = []
    for child in data.children:
        if child.type == s.C1G2_READ_RESULT:
            result, op_id, words = child.fields
            assert isinstance(result, int)
            assert isinstance(op_id, int)
            assert isinstance(words, tuple)
            results.append(OpResult("read", op_id, result, words))
        elif child.type == s.C1G2_WRITE_RESULT:
            result, op_id, count = child.fields
            assert isinstance(result, int)
            assert isinstance(op_id, int)
            assert isinstance(count, int)
            results.append(OpResult("write", op_id, result, words_written=count))
    return tuple(results)


_REPORT_FIELDS = {
    s.ANTENNA_ID: 1,
    s.PEAK_RSSI: 2,
    s.FIRST_SEEN_UTC: 3,
    s.TAG_SEEN_COUNT: 4,
    s.TV_ROSPEC_ID: 5,
    s.TV_ACCESSSPEC_ID: 6,
}


def tag_reports(message: LlrpMessage) -> list[TagReport]:
    """The tags of an RO_ACCESS_REPORT, in the order the reader listed them."""
    reports = []
    new = tuple.__new__
    for data in message.params:
        if data.type != s.TAG_REPORT_DATA:
            continue
        found: list[Any] = [tag_epc(data), None, None, None, None, None, None]
        ops = False
        for child in data.children:
            slot = _REPORT_FIELDS.get(child.type)
            if slot is not None:
                found[slot] = child.fields[0]
            elif child.type in (s.C1G2_READ_RESULT, s.C1G2_WRITE_RESULT):
                ops = True
        found.append(_op_results(data) if ops else ())
        reports.append(new(TagReport, found))
    return reports


def tag_report_data(report: TagReport) -> Param:
    """The TagReportData of one tag (the simulated reader's side of ``tag_reports``)."""
    epc = bytes.fromhex(report.epc)
    children: list[Param] = [
        Param(s.EPC_96, (epc,)) if len(epc) == 12 else Param(s.EPC_DATA, (Bits(len(epc) * 8, epc),))
    ]
    for param_type, value in (
        (s.TV_ROSPEC_ID, report.rospec_id),
        (s.ANTENNA_ID, report.antenna),
        (s.PEAK_RSSI, report.peak_rssi),
        (s.FIRST_SEEN_UTC, report.first_seen_utc_us),
        (s.TAG_SEEN_COUNT, report.seen_count),
        (s.TV_ACCESSSPEC_ID, report.access_spec_id),
    ):
        if value is not None:
            children.append(Param(param_type, (value,)))
    for op in report.op_results:
        if op.kind == "read":
            children.append(Param(s.C1G2_READ_RESULT, (op.result, op.op_spec_id, op.words)))
        else:
            children.append(
                Param(s.C1G2_WRITE_RESULT, (op.result, op.op_spec_id, op.words_written))
            )
    return Param(s.TAG_REPORT_DATA, children=tuple(children))


def reader_event(message: LlrpMessage) -> dict[str, int]:
    """The events of a READER_EVENT_NOTIFICATION by name: ConnectionAttemptEvent → status, …"""
    data = message.first(s.READER_EVENT_NOTIFICATION_DATA)
    events: dict[str, int] = {}
    for child in data.children if data else ():
        if child.type in (s.UTC_TIMESTAMP, s.UPTIME):
            continue
        first = child.fields[0] if child.fields else 0
        events[s.parameter_name(child.type)] = first if isinstance(first, int) else 0
        if child.type == s.ROSPEC_EVENT and isinstance(child.fields[1], int):
            events["ROSpecID"] = child.fields[1]
    return events


def to_json(message: LlrpMessage) -> dict[str, Any]:
    """The JSON object ``samplehub rfid decode --json`` prints for a message (CONTRACTS.md)."""
    out: dict[str, Any] = {"type": s.message_name(message.type), "id": message.id}
    if message.type == s.RO_ACCESS_REPORT:
        out["tags"] = [
            {
                "epc": t.epc,
                "antenna": t.antenna,
                "peak_rssi": t.peak_rssi,
                "first_seen_utc_us": t.first_seen_utc_us,
                "seen_count": t.seen_count,
            }
            for t in tag_reports(message)
        ]
    elif message.type == s.READER_EVENT_NOTIFICATION:
        out["events"] = reader_event(message)
    if message.first(s.LLRP_STATUS) is not None:
        code, text = status_of(message)
        out["status"] = {"code": code, "description": text}
    return out
