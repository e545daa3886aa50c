"""Domain errors said from the catalogue: the zh-CN pages keep the lab's Chinese sentences, the
English ones follow the catalogue, and the API's English (``str(error)``) is untouched."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from samplehub.core.domain.errors import IllegalTransition, InvalidValue, NotFound
from samplehub.core.domain.messages import Message
from samplehub.lab.domain.certificate import Actor, Certificate
from samplehub.lab.domain.demo import gauge_content
from samplehub.lab.domain.errors import CertificateNotFoundError, MetrologyError
from samplehub.lab.domain.numbers import parse_decimal
from samplehub.web.error_text import error_text
from samplehub.web.i18n import Translator, translate

ZH, EN = Translator("zh-CN"), Translator("en")
AT = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
AUTHOR = Actor("u1", "张三", frozenset({"lab"}))


def _refused(call: Callable[[], object]) -> MetrologyError:
    with pytest.raises(MetrologyError) as info:
        call()
    return info.value


def test_bad_input_reads_as_the_lab_pages_always_said_it() -> None:
    error = _refused(lambda: parse_decimal("1,002", "zero_after"))
    assert (
        error_text(ZH, error)
        == "zero_after：'1,002' 不符合要求；应使用小数点而非逗号（写作 1.002）"
    )
    assert error_text(EN, error) == str(error)  # the English page says what the API says
    assert str(error) == (
        "zero_after: '1,002' is not valid; allowed: a decimal point, not a decimal comma "
        "(write 1.002)"
    )


def test_a_workflow_refusal_names_the_status_in_the_readers_language() -> None:
    certificate = Certificate.enter("ZS2026-000001", gauge_content(), AUTHOR, AT)
    error = _refused(lambda: certificate.approve(AUTHOR, AT))
    assert error_text(ZH, error) == "证书 ZS2026-000001 当前状态为待核验，不能批准"
    status = translate("en", "lab.cert_status_draft")
    assert error_text(EN, error) == f"cannot approve certificate ZS2026-000001: it is {status}"
    assert str(error) == "cannot approve certificate ZS2026-000001: it is draft"


def test_a_missing_certificate_and_a_four_eyes_refusal() -> None:
    assert error_text(ZH, CertificateNotFoundError("ZS2026-000009")) == "未找到证书 ZS2026-000009"
    certificate = Certificate.enter("ZS2026-000001", gauge_content(), AUTHOR, AT)
    error = _refused(lambda: certificate.review(AUTHOR, AT))
    assert error_text(ZH, error) == "张三 是证书 ZS2026-000001 的录入人，不能同时核验（四眼原则）"
    assert not hasattr(error, "zh")


def test_core_errors_without_a_catalogue_text_still_say_nothing_in_english() -> None:
    plain = InvalidValue("code", "x", "six digits")  # no allowed_message: no English leaks
    assert error_text(ZH, plain) == "code：'x' 不符合要求，请核对后重新填写"
    assert error_text(ZH, NotFound("order", "WT2026-000001")) == "未找到 委托单 WT2026-000001"
    moved = IllegalTransition("S1", "collect", "registered", {"receive", "reject"})
    assert error_text(ZH, moved) == "样品 S1 当前为“已登记”，不能确认取件；现在可以：收样、拒收"
    final = IllegalTransition("S1", "receive", "collected", ())
    assert error_text(EN, final).endswith("allowed now: none (final state)")


def test_a_message_inside_another_messages_values_is_translated_too() -> None:
    nested = Message(
        "lab.error_cannot_issue", {"number": "N1", "status": Message("lab.cert_status_issued")}
    )
    assert ZH.message(nested) == "证书 N1 当前状态为已签发，批准后才能签发"
