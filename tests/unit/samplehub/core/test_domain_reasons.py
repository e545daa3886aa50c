"""Reasons the system writes into its records: read back as the catalogue message they came
from, worded in the page's language; a reason a person typed is left as typed."""

from __future__ import annotations

import re

import pytest

from samplehub.core.domain import reasons
from samplehub.core.domain.messages import Message
from samplehub.web.i18n import Translator

SAMPLE_VALUES = {
    "reason": "robot R01 lost before pick-up",
    "task": "TT000042",
    "attempt": 3,
    "attempts": 3,
    "user": "warehouse",
    "robot": "R02",
    "compartment": "C1-04",
    "limit": 30,
    "kind": "put_away",
    "transition": "start_transport",
    "bench": "P-01",
    "by": "K1",
    "slot": "A-01-1-07",
    "seen": "A-01-1-07",
    "recorded": "B-02-1-01",
    "seconds": "5.5",
    "state": "CONNECTIONBROKEN",
    "errors": "driveError, laserError",
    "node": "RA3",
    "action": "pick",
    "mode": "MANUAL",
    "map": "samplehub-floor",
    "holder": "R04",
}


@pytest.mark.parametrize("reason", reasons.REASONS, ids=lambda r: r.msgid)
def test_every_written_reason_reads_back_as_its_message(reason: reasons.Reason) -> None:
    names = re.findall(r"\{(\w+)\}", reason.text)
    values = {name: SAMPLE_VALUES[name] for name in names}
    message = reasons.reading(reason(**values))
    assert message is not None
    assert message.id == reason.msgid
    expected: dict[str, object] = {n: str(v) for n, v in values.items()}
    if "reason" in expected:  # read too
        expected["reason"] = Message("core.reason_lost", {"robot": "R01"})
    assert dict(message.params) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "customer phoned: collect tomorrow",
        "Note: the gauge is cracked",
        "送错了，退回",
        "",
        "lost",
        "moved by hand",  # not a lifecycle step "by" someone
        "pallet TT000001",  # not a task kind
    ],
)
def test_a_reason_a_person_typed_reads_as_nothing(typed: str) -> None:
    assert reasons.reading(typed) is None


def test_a_page_words_a_written_reason_in_its_language_and_a_typed_one_as_typed() -> None:
    failed = reasons.FOR_TASK(
        task="TT000007",
        reason=reasons.ATTEMPT(reason=reasons.LOST(robot="R03"), attempt=3, attempts=3),
    )
    assert failed == "TT000007: robot R03 lost before pick-up (attempt 3 of 3)"
    assert (
        Translator("zh-CN").reason(failed)
        == "TT000007：机器人 R03 在取样前失联（第 3 次，共 3 次）"
    )
    assert Translator("en").reason(failed) == failed
    assert Translator("zh-CN").reason("TT000007: 客户改约") == "TT000007：客户改约"
    assert Translator("zh-CN").reason("客户改约") == "客户改约"
    assert Translator("zh-CN").reason(None) == ""
    assert Translator("zh-CN").reason("locked") == "已锁定"


def test_a_timeline_s_reasons_name_the_task_kind_and_the_step_in_the_page_s_language() -> None:
    zh, en = Translator("zh-CN"), Translator("en")
    assert zh.reason(reasons.ARRIVED(kind="put_away", task="TT000002")) == "入库上架 TT000002"
    assert en.reason(reasons.ARRIVED(kind="put_away", task="TT000002")) == "Put-away TT000002"
    withdrawn = reasons.WITHDRAWN(transition="start_transport", user="lab")
    assert zh.reason(withdrawn) == "lab 执行「开始运送」"
    assert zh.reason(reasons.RECEIVED()) == "送样平台受理"
    assert (
        zh.reason(reasons.LAB_REQUEST(bench="P-01", user="lab"))
        == "实验室申请：工位 P-01，由 lab 检定"
    )


def test_the_system_s_own_account_is_named_in_the_page_s_language() -> None:
    released = reasons.RELEASED_BY(user="system")
    assert "系统" in Translator("zh-CN").reason(released)
    assert "system" not in Translator("zh-CN").reason(released)
    assert Translator("en").reason(released) == "released by the system"
    assert "lab" in Translator("zh-CN").reason(reasons.RELEASED_BY(user="lab"))  # a person's
