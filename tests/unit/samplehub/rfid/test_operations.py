"""The reader operations over a fake LLRP link: message sequences, refusals, write checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import count

import pytest

from samplehub.rfid.domain import messages as m
from samplehub.rfid.domain import schema as s
from samplehub.rfid.domain.codec import LlrpMessage
from samplehub.rfid.domain.messages import OpResult, TagReport
from samplehub.rfid.service import operations as ops
from samplehub.rfid.service.ports import ReaderRefused

EPC = "3034257bf400b7800000162e"
BLANK = "000000000000000000000001"


@dataclass
class FakeLink:
    """Answers every request with success (or ``refuse``'s status); rounds report ``tags``."""

    tags: list[TagReport] = field(default_factory=list)
    refuse: dict[int, int] = field(default_factory=dict)
    op_results: list[tuple[OpResult, ...]] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)
    access_pending: bool = False
    _ids: count[int] = field(default_factory=lambda: count(1))

    def next_id(self) -> int:
        return next(self._ids)

    def request(self, message: LlrpMessage, response_type: int) -> LlrpMessage:
        self.sent.append(s.message_name(message.type))
        self.access_pending |= message.type == s.ADD_ACCESSSPEC
        return m.response(response_type, message.id, self.refuse.get(message.type, 0), "no")

    def reports(self, rospec_id: int, timeout_s: float) -> list[TagReport]:
        found = [t._replace(rospec_id=rospec_id) for t in self.tags]
        if self.access_pending and self.op_results and found:
            found[0] = found[0]._replace(op_results=self.op_results.pop(0))
        self.access_pending = False
        return found


def _tag(epc: str, antenna: int = 1) -> TagReport:
    return TagReport(epc, antenna, -50, 1, 1)


def test_inventory_round_is_add_enable_start_delete() -> None:
    link = FakeLink([_tag(EPC, 2), _tag(BLANK, 3)])
    reads = ops.inventory_round(link, (2,), 0.1)
    assert [r.epc for r in reads] == [EPC]
    assert link.sent == ["ADD_ROSPEC", "ENABLE_ROSPEC", "START_ROSPEC", "DELETE_ROSPEC"]


def test_a_refusal_names_the_request_and_status_and_still_deletes_the_rospec() -> None:
    link = FakeLink(refuse={s.START_ROSPEC: 101})
    with pytest.raises(ReaderRefused, match="START_ROSPEC: reader answered status 101"):
        ops.inventory_round(link, (), 0.1)
    assert link.sent[-1] == "DELETE_ROSPEC"


def test_write_then_read_back() -> None:
    new = "3034257bf400b78000000abc"
    link = FakeLink(
        [_tag(BLANK)],
        op_results=[
            (OpResult("write", 1, 0, words_written=6),),
            (OpResult("read", 1, 0, m.epc_words(new)), OpResult("read", 2, 0, (0xE280,) * 6)),
        ],
    )
    written = ops.write_epc(link, 1, new)
    assert written == ops.WrittenTag("E280E280E280E280E280E280", new)
    assert link.sent.count("ADD_ACCESSSPEC") == 2
    assert link.sent.count("DELETE_ACCESSSPEC") == 2


def test_write_that_does_not_read_back_is_refused() -> None:
    link = FakeLink(
        [_tag(BLANK)],
        op_results=[
            (OpResult("write", 1, 0, words_written=6),),
            (OpResult("read", 1, 0, m.epc_words(EPC)),),
        ],
    )
    with pytest.raises(ops.TagWriteFailed, match="did not verify: wrote 3034257bf400b78000000abc"):
        ops.write_epc(link, 1, "3034257bf400b78000000abc")


def test_write_refuses_a_bad_epc_and_an_empty_or_crowded_field() -> None:
    with pytest.raises(ops.TagWriteFailed, match="not 24 hex digits"):
        ops.write_epc(FakeLink([_tag(BLANK)]), 1, "xyz")
    with pytest.raises(ops.TagWriteFailed, match="no tag on antenna 1"):
        ops.write_epc(FakeLink([]), 1, EPC)
    with pytest.raises(ops.TagWriteFailed, match="2 tags on antenna 1"):
        ops.write_epc(FakeLink([_tag(BLANK), _tag(EPC)]), 1, EPC)


def test_a_tag_that_already_carries_the_epc_is_only_read_back() -> None:
    link = FakeLink([_tag(EPC)], op_results=[(OpResult("read", 1, 0, m.epc_words(EPC)),)])
    assert ops.write_epc(link, 1, EPC).epc == EPC
    assert link.sent.count("ADD_ACCESSSPEC") == 1
