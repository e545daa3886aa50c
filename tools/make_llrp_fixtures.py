"""Write tests/fixtures/llrp/*.bin: one LLRP message of every kind the project speaks.

Run once (``.venv/bin/python tools/make_llrp_fixtures.py``); the files are committed and the
tests decode them, re-encode them and compare some byte by byte with layouts written out by
hand from the standard. Values are fixed (no clock), so running it again gives the same bytes.
"""

from __future__ import annotations

import struct
from pathlib import Path

from samplehub.rfid.domain import messages as m
from samplehub.rfid.domain import schema as s
from samplehub.rfid.domain.codec import LlrpMessage, Param, encode_message
from samplehub.rfid.domain.messages import OpResult, TagReport

OUT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "llrp"
EPC = "3034257bf400b7800000162e"  # a GIAI-96 EPC (header 0x34)
T0 = 1_700_000_000_000_000  # 2023-11-14T22:13:20Z in microseconds


def _event(param: Param) -> LlrpMessage:
    data = Param(s.READER_EVENT_NOTIFICATION_DATA, children=(Param(s.UTC_TIMESTAMP, (T0,)), param))
    return LlrpMessage(s.READER_EVENT_NOTIFICATION, 0, (), (data,))


def messages() -> dict[str, LlrpMessage]:
    general = Param(s.GENERAL_DEVICE_CAPABILITIES, (4, 0x4000, 25882, 1, "sim 1.0"))
    llrp = Param(s.LLRP_CAPABILITIES, (0, 1, 0, 16, 8, 4, 16, 4))
    report = TagReport(EPC, 1, -55, T0, 3, 7)
    written = TagReport(
        "000000000000000000000003",
        1,
        -48,
        T0,
        1,
        7,
        1001,
        (OpResult("write", 1, 0, words_written=6),),
    )
    read = TagReport(EPC, 1, -49, T0, 1, 7, 1002, (OpResult("read", 1, 0, m.epc_words(EPC)),))
    return {
        "get_reader_capabilities": m.simple(s.GET_READER_CAPABILITIES, 1, 0),
        "get_reader_capabilities_response": LlrpMessage(
            s.GET_READER_CAPABILITIES_RESPONSE, 1, (), (m.status_param(), general, llrp)
        ),
        "set_reader_config": LlrpMessage(
            s.SET_READER_CONFIG, 2, (0,), (Param(s.KEEPALIVE_SPEC, (1, 10_000)),)
        ),
        "set_reader_config_response": m.response(s.SET_READER_CONFIG_RESPONSE, 2),
        "add_rospec": m.add_rospec(3, 7, (1, 2), 1000),
        "add_rospec_response": m.response(s.ADD_ROSPEC_RESPONSE, 3),
        "enable_rospec": m.simple(s.ENABLE_ROSPEC, 4, 7),
        "enable_rospec_response": m.response(s.ENABLE_ROSPEC_RESPONSE, 4),
        "start_rospec": m.simple(s.START_ROSPEC, 5, 7),
        "start_rospec_response": m.response(s.START_ROSPEC_RESPONSE, 5),
        "stop_rospec": m.simple(s.STOP_ROSPEC, 6, 7),
        "stop_rospec_response": m.response(s.STOP_ROSPEC_RESPONSE, 6),
        "disable_rospec": m.simple(s.DISABLE_ROSPEC, 15, 7),
        "disable_rospec_response": m.response(s.DISABLE_ROSPEC_RESPONSE, 15),
        "disable_accessspec": m.simple(s.DISABLE_ACCESSSPEC, 16, 1001),
        "disable_accessspec_response": m.response(s.DISABLE_ACCESSSPEC_RESPONSE, 16),
        "get_report": m.simple(s.GET_REPORT, 17),
        "enable_events_and_reports": m.simple(s.ENABLE_EVENTS_AND_REPORTS, 18),
        "delete_rospec": m.simple(s.DELETE_ROSPEC, 7, 7),
        "delete_rospec_response": m.response(s.DELETE_ROSPEC_RESPONSE, 7),
        "add_accessspec_write": m.add_accessspec(
            8,
            1001,
            1,
            bytes.fromhex("000000000000000000000003"),
            (m.c1g2_write(1, 0, s.EPC_BANK, 2, m.epc_words(EPC)),),
        ),
        "add_accessspec_read": m.add_accessspec(
            9, 1002, 1, bytes.fromhex(EPC), (m.c1g2_read(1, 0, s.EPC_BANK, 2, 6),)
        ),
        "add_accessspec_response": m.response(s.ADD_ACCESSSPEC_RESPONSE, 8),
        "enable_accessspec": m.simple(s.ENABLE_ACCESSSPEC, 10, 1001),
        "enable_accessspec_response": m.response(s.ENABLE_ACCESSSPEC_RESPONSE, 10),
        "delete_accessspec": m.simple(s.DELETE_ACCESSSPEC, 11, 1001),
        "delete_accessspec_response": m.response(s.DELETE_ACCESSSPEC_RESPONSE, 11),
        "ro_access_report": LlrpMessage(s.RO_ACCESS_REPORT, 0, (), (m.tag_report_data(report),)),
        "ro_access_report_ops": LlrpMessage(
            s.RO_ACCESS_REPORT, 0, (), (m.tag_report_data(written), m.tag_report_data(read))
        ),
        "reader_event_connection_attempt": _event(Param(s.CONNECTION_ATTEMPT_EVENT, (0,))),
        "reader_event_rospec_end": _event(Param(s.ROSPEC_EVENT, (s.ROSPEC_EVENT_END, 7, 0))),
        "keepalive": m.simple(s.KEEPALIVE, 12),
        "keepalive_ack": m.simple(s.KEEPALIVE_ACK, 12),
        "close_connection": m.simple(s.CLOSE_CONNECTION, 13),
        "close_connection_response": m.response(s.CLOSE_CONNECTION_RESPONSE, 13),
        "error_message": m.response(s.ERROR_MESSAGE, 14, 109, "M_UnsupportedMessage"),
    }


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    encoded = {name: encode_message(msg) for name, msg in messages().items()}
    for name, data in encoded.items():
        (OUT / f"{name}.bin").write_bytes(data)
    report = encoded["ro_access_report"]
    (OUT / "malformed_truncated.bin").write_bytes(report[:20])
    (OUT / "malformed_garbage.bin").write_bytes(b"\xde\xad\xbe\xef not llrp at all \x00\xff")
    wrong = report[:2] + struct.pack(">I", len(report) - 5) + report[6:]
    (OUT / "malformed_wrong_length.bin").write_bytes(wrong)
    (OUT / "malformed_unknown_type.bin").write_bytes(
        struct.pack(">HII", (1 << 10) | 999, 14, 7) + b"\x00\x01\x02\x03"
    )
    capture = (
        encoded["reader_event_connection_attempt"]
        + encoded["get_reader_capabilities_response"]
        + b"\xde\xad\xbe\xef"
        + encoded["ro_access_report"]
        + struct.pack(">HII", (1 << 10) | 999, 14, 7)
        + b"\x00\x01\x02\x03"
        + encoded["ro_access_report_ops"]
        + encoded["keepalive"]
        + report[:20]
    )
    (OUT / "capture_mixed.bin").write_bytes(capture)


if __name__ == "__main__":
    main()
