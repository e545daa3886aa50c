"""The LLRP codec against recorded fixtures and layouts written out by hand from the standard."""

from __future__ import annotations

from pathlib import Path

import pytest

from samplehub.rfid.domain import messages as m
from samplehub.rfid.domain import schema as s
from samplehub.rfid.domain.codec import (
    LlrpDecodeError,
    LlrpMessage,
    Param,
    decode_header,
    decode_message,
    encode_message,
    iter_stream,
)

FIXTURES = Path(__file__).resolve().parents[4] / "tests" / "fixtures" / "llrp"
MESSAGE_FILES = sorted(
    p for p in FIXTURES.glob("*.bin") if not p.name.startswith(("malformed_", "capture_"))
)


def test_every_message_kind_has_a_fixture() -> None:
    names = {decode_message(p.read_bytes()).type for p in MESSAGE_FILES}
    assert names == set(s.MESSAGES)


@pytest.mark.parametrize("path", MESSAGE_FILES, ids=lambda p: p.stem)
def test_fixture_decodes_and_encodes_to_the_same_bytes(path: Path) -> None:
    data = path.read_bytes()
    assert encode_message(decode_message(data)) == data


def test_header_layout_by_hand() -> None:
    # Rsvd 000, Ver 001, Type 0000010100 (20 = ADD_ROSPEC): 0000 0100 0001 0100 = 0x0414
    data = encode_message(LlrpMessage(s.KEEPALIVE_ACK, 0x01020304, version=2))
    # Rsvd 000, Ver 010, Type 0001001000 (72): 0000 1000 0100 1000 = 0x0848; length 10; id
    assert data == bytes.fromhex("08480000000a01020304")
    assert decode_header(bytes.fromhex("04140000000e00000005")) == (1, 20, 14, 5)


def test_ro_access_report_layout_by_hand() -> None:
    expected = bytes.fromhex(
        "043d"
        "00000031"
        "00000000"  # ver 1, type 61, length 49, id 0
        "00f0"
        "0027"  # TagReportData (TLV 240), length 39
        "8d"
        "3034257bf400b7800000162e"  # EPC-96 (TV 13), 12 bytes
        "89"
        "00000007"  # ROSpecID (TV 9), u32
        "81"
        "0001"  # AntennaID (TV 1), u16
        "86"
        "c9"  # PeakRSSI (TV 6), s8 -55
        "82"
        "00060a24181e4000"  # FirstSeenTimestampUTC (TV 2), u64 1.7e15 us
        "88"
        "0003"  # TagSeenCount (TV 8), u16
    )
    assert (FIXTURES / "ro_access_report.bin").read_bytes() == expected
    (tag,) = m.tag_reports(decode_message(expected))
    assert (tag.epc, tag.antenna, tag.peak_rssi, tag.first_seen_utc_us, tag.seen_count) == (
        "3034257bf400b7800000162e",
        1,
        -55,
        1_700_000_000_000_000,
        3,
    )


def test_epc_data_of_any_length_is_read() -> None:
    data = Param(s.EPC_DATA, (m.Bits(64, bytes.fromhex("0102030405060708")),))
    report = LlrpMessage(s.RO_ACCESS_REPORT, 1, (), (Param(s.TAG_REPORT_DATA, children=(data,)),))
    (tag,) = m.tag_reports(decode_message(encode_message(report)))
    assert tag.epc == "0102030405060708"
    assert tag.antenna is None
    assert tag.seen_count is None


def test_unknown_tlv_parameter_is_kept_raw() -> None:
    custom = Param(1023, raw=b"\x00\x00\x00\x01payload")
    message = LlrpMessage(s.RO_ACCESS_REPORT, 3, (), (custom,))
    assert decode_message(encode_message(message)) == message


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("malformed_truncated", "truncated message"),
        ("malformed_garbage", "not an LLRP header"),
        ("malformed_wrong_length", "length 39 allowed 4..34"),
        ("malformed_unknown_type", "unknown message type 999"),
    ],
)
def test_malformed_fixture_is_an_error_naming_what(name: str, reason: str) -> None:
    with pytest.raises(LlrpDecodeError, match=reason) as caught:
        decode_message((FIXTURES / f"{name}.bin").read_bytes())
    assert caught.value.offset >= 0


def test_stream_reads_on_after_malformed_stretches() -> None:
    items = iter_stream((FIXTURES / "capture_mixed.bin").read_bytes())
    kinds = [
        f"error@{i.offset}" if isinstance(i, LlrpDecodeError) else s.message_name(i.type)
        for i in items
    ]
    assert kinds == [
        "READER_EVENT_NOTIFICATION",
        "GET_READER_CAPABILITIES_RESPONSE",
        "error@103",
        "RO_ACCESS_REPORT",
        "error@156",
        "RO_ACCESS_REPORT",
        "KEEPALIVE",
        "error@308",
    ]


def test_encoding_refuses_values_that_do_not_fit() -> None:
    with pytest.raises(ValueError, match="ENABLE_ROSPEC"):
        encode_message(LlrpMessage(s.ENABLE_ROSPEC, 1, (2**32,)))
    with pytest.raises(ValueError, match="PeakRSSI"):
        encode_message(LlrpMessage(s.RO_ACCESS_REPORT, 1, (), (Param(s.PEAK_RSSI, (200,)),)))
    with pytest.raises(ValueError, match="not one this codec"):
        encode_message(LlrpMessage(999, 1))
