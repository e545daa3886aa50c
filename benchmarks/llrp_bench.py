"""LLRP decode speed: RO_ACCESS_REPORTs of 1,000 tags decoded per second by the project's codec,
against a bare ``struct.unpack_from`` loop over the same bytes in the same run.

- codec: ``decode_message`` (header, every TLV/TV parameter checked) then ``tag_reports`` (EPC,
  antenna, peak RSSI, first-seen time, seen count of each tag), as the LLRP client does;
- bare: one loop that knows the exact layout the simulated reader sends (EPC-96, ROSpecID,
  AntennaID, PeakRSSI, FirstSeenTimestampUTC, TagSeenCount) and unpacks those fields at fixed
  offsets, checking nothing: the floor for pure Python.

Prints both rates and the ratio codec/bare. Usage:

    python benchmarks/llrp_bench.py [--tags 1000] [--seconds 2] [--rounds 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import struct
import time
from collections.abc import Callable

from samplehub.rfid.domain import schema as s
from samplehub.rfid.domain.codec import LlrpMessage, decode_message, encode_message
from samplehub.rfid.domain.messages import TagReport, tag_report_data, tag_reports

T0 = 1_700_000_000_000_000
TAG_DATA = 4 + 13 + 5 + 3 + 2 + 9 + 3  # TagReportData of that layout: 39 bytes
_TAG = struct.Struct(">HH x12s x I x H x b x Q x H")


def report(tags: int) -> bytes:
    """An RO_ACCESS_REPORT of ``tags`` distinct tags on four antennas."""
    params = tuple(
        tag_report_data(
            TagReport(f"3034257bf400b780{i:08x}", 1 + i % 4, -40 - i % 30, T0 + i, 1 + i % 5, 7)
        )
        for i in range(tags)
    )
    return encode_message(LlrpMessage(s.RO_ACCESS_REPORT, 1, (), params))


def codec(data: bytes) -> int:
    return len(tag_reports(decode_message(data)))


def bare(data: bytes) -> int:
    out = []
    unpack = _TAG.unpack_from
    pos = 10
    end = len(data)
    while pos < end:
        _, length, epc, _, antenna, rssi, first, count = unpack(data, pos)
        out.append((epc.hex(), antenna, rssi, first, count))
        pos += length
    return len(out)


def rate(decode: Callable[[bytes], int], data: bytes, seconds: float, tags: int) -> float:
    assert decode(data) == tags
    done = 0
    start = time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        decode(data)
        done += 1
    return done / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tags", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    data = report(args.tags)
    assert _TAG.size == TAG_DATA
    best_codec = max(rate(codec, data, args.seconds, args.tags) for _ in range(args.rounds))
    best_bare = max(rate(bare, data, args.seconds, args.tags) for _ in range(args.rounds))
    result = {
        "tags_per_report": args.tags,
        "report_bytes": len(data),
        "codec_reports_per_s": round(best_codec, 1),
        "bare_unpack_reports_per_s": round(best_bare, 1),
        "ratio_codec_to_bare": round(best_codec / best_bare, 3),
    }
    if args.json:
        print(json.dumps(result))
        return
    print(f"RO_ACCESS_REPORT of {args.tags} tags ({len(data)} bytes)")
    print(f"  codec (decode_message + tag_reports): {best_codec:10.1f} reports/s")
    print(f"  bare struct.unpack_from loop:          {best_bare:10.1f} reports/s")
    print(f"  ratio codec/bare:                      {best_codec / best_bare:10.3f}")


if __name__ == "__main__":
    main()
