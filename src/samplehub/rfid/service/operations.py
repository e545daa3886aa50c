"""What the institute asks of a reader, as LLRP message sequences over one link.

An inventory round is ADD_ROSPEC → ENABLE_ROSPEC → START_ROSPEC → the RO_ACCESS_REPORT at the
end of the ROSpec → DELETE_ROSPEC. Writing an EPC finds the single tag on the antenna, adds and
enables an AccessSpec with a C1G2Write of the EPC bank targeted at that tag's current EPC, runs
a round so the reader executes it, then reads the EPC bank (and the TID) back with a C1G2Read
and compares.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from itertools import count

from samplehub.core.domain.errors import SampleHubError
from samplehub.rfid.domain import messages as m
from samplehub.rfid.domain import schema as s
from samplehub.rfid.domain.codec import Param
from samplehub.rfid.domain.messages import OpResult, TagReport
from samplehub.rfid.service.ports import LlrpLink, ReaderRefused

log = logging.getLogger(__name__)
_EPC_HEX = re.compile(r"[0-9a-f]{24}")
ACCESS_ROUND_S = 0.2
_spec_ids = count(1000)


class TagWriteFailed(SampleHubError):
    """The EPC was not written or did not read back; the message says why, in both languages."""


@dataclass(frozen=True)
class WrittenTag:
    """The tag that now carries the EPC: its TID (upper-case hex; empty if unreadable) and EPC."""

    tid: str
    epc: str


def _checked(link: LlrpLink, message_type: int, message_id: int, *fields: int) -> None:
    answer = link.request(m.simple(message_type, message_id, *fields), message_type + 10)
    _ok(answer_name=s.message_name(message_type), code_text=m.status_of(answer))


def _ok(answer_name: str, code_text: tuple[int, str]) -> None:
    code, text = code_text
    if code != s.STATUS_SUCCESS:
        raise ReaderRefused(f"{answer_name}: reader answered status {code} {text!r}")


def clear_specs(link: LlrpLink) -> None:
    """Delete every AccessSpec and ROSpec a previous client left on the reader (id 0 = all)."""
    _checked(link, s.DELETE_ACCESSSPEC, link.next_id(), 0)
    _checked(link, s.DELETE_ROSPEC, link.next_id(), 0)


def inventory_round(link: LlrpLink, antennas: tuple[int, ...], seconds: float) -> list[TagReport]:
    """One round of ``seconds`` on ``antennas`` (empty: all); every tag report of it."""
    rospec_id = next(_spec_ids)
    duration_ms = max(1, round(seconds * 1000))
    answer = link.request(
        m.add_rospec(link.next_id(), rospec_id, antennas, duration_ms), s.ADD_ROSPEC_RESPONSE
    )
    _ok("ADD_ROSPEC", m.status_of(answer))
    try:
        _checked(link, s.ENABLE_ROSPEC, link.next_id(), rospec_id)
        _checked(link, s.START_ROSPEC, link.next_id(), rospec_id)
        reports = link.reports(rospec_id, seconds + 2.0)
    finally:
        _checked(link, s.DELETE_ROSPEC, link.next_id(), rospec_id)
    wanted = set(antennas)
    return [r for r in reports if not wanted or r.antenna in wanted or r.antenna is None]


def run_access(
    link: LlrpLink, antenna: int, target_epc: str, ops: tuple[Param, ...]
) -> tuple[OpResult, ...]:
    """Run ``ops`` once on the tag carrying ``target_epc``; their results (empty: not reached)."""
    access_id = next(_spec_ids)
    add = m.add_accessspec(link.next_id(), access_id, antenna, bytes.fromhex(target_epc), ops)
    _ok("ADD_ACCESSSPEC", m.status_of(link.request(add, s.ADD_ACCESSSPEC_RESPONSE)))
    try:
        _checked(link, s.ENABLE_ACCESSSPEC, link.next_id(), access_id)
        reports = inventory_round(link, (antenna,), ACCESS_ROUND_S)
    finally:
        _checked(link, s.DELETE_ACCESSSPEC, link.next_id(), access_id)
    for report in reports:
        if report.op_results and report.access_spec_id in (access_id, None):
            return report.op_results
    return ()


def single_tag(link: LlrpLink, antenna: int) -> str:
    """The EPC of the one tag on the antenna; TagWriteFailed when none or several are seen."""
    epcs = sorted({r.epc for r in inventory_round(link, (antenna,), ACCESS_ROUND_S)})
    if not epcs:
        raise TagWriteFailed(f"天线 {antenna} 上没有标签 / no tag on antenna {antenna}")
    if len(epcs) > 1:
        raise TagWriteFailed(
            f"天线 {antenna} 上有 {len(epcs)} 个标签 / {len(epcs)} tags on antenna {antenna} "
            f"({', '.join(epcs)}); leave exactly one"
        )
    return epcs[0]


def write_epc(link: LlrpLink, antenna: int, epc_hex: str, password: int = 0) -> WrittenTag:
    """Write ``epc_hex`` into the single tag on ``antenna`` and verify it by reading it back."""
    wanted = epc_hex.strip().lower()
    if not _EPC_HEX.fullmatch(wanted):
        raise TagWriteFailed(f"EPC {epc_hex!r} 不是 96 位十六进制 / is not 24 hex digits (96 bits)")
    current = single_tag(link, antenna)
    if current != wanted:
        write = m.c1g2_write(1, password, s.EPC_BANK, m.EPC_FIRST_WORD, m.epc_words(wanted))
        results = run_access(link, antenna, current, (write,))
        outcome = next((r for r in results if r.kind == "write"), None)
        if outcome is None or outcome.result != s.OP_SUCCESS or outcome.words_written != 6:
            reason = (
                "the tag did not answer"
                if outcome is None
                else s.WRITE_RESULT_NAMES.get(outcome.result, f"result {outcome.result}")
            )
            log.warning("EPC write to tag %s on antenna %d failed: %s", current, antenna, reason)
            raise TagWriteFailed(f"标签写入失败 / EPC write to tag {current} failed: {reason}")
    reads = (
        m.c1g2_read(1, password, s.EPC_BANK, m.EPC_FIRST_WORD, 6),
        m.c1g2_read(2, password, s.TID_BANK, 0, 6),
    )
    results = run_access(link, antenna, wanted, reads)
    by_id = {r.op_spec_id: r for r in results if r.kind == "read" and r.result == s.OP_SUCCESS}
    read_back = m.words_hex(by_id[1].words) if 1 in by_id else ""
    if read_back != wanted:
        log.warning("EPC read-back on antenna %d: wrote %s, read %r", antenna, wanted, read_back)
        got = read_back or "nothing"
        raise TagWriteFailed(f"写入校验失败 / EPC write did not verify: wrote {wanted}, read {got}")
    tid = m.words_hex(by_id[2].words).upper() if 2 in by_id else ""
    return WrittenTag(tid=tid, epc=wanted)
