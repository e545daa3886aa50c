"""The /kiosk page over the memory fakes: steps, refusals in both languages, idle reset."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from samplehub.app.config import Settings
from samplehub.app.demo import CUSTOMER_A, DEMO_PASSWORD
from samplehub.app.services import Services
from samplehub.app.wiring import intake as intake_wiring
from samplehub.core.domain.credit_code import check_character
from samplehub.intake.domain.nameplate import OcrLine, extract_fields
from samplehub.intake.service.camera_ports import FakeCamera, Photo
from samplehub.intake.service.kiosk import KioskDesk
from samplehub.intake.service.ports import FakeNameplateVision, InMemoryLabelPrinter, VisionResult
from samplehub.intake.service.session import INSTRUMENT_FIELDS
from samplehub.simulation.tag_roll import TagRollWriter
from samplehub.web.app import create_app


def check_code(first17: str) -> str:
    return first17 + check_character(first17)


PLATE = [OcrLine("数字压力计", 0.97), OcrLine("型号 700G08", 0.96), OcrLine("S/N 4410024", 0.9)]


def csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found
    return found.group(1)


@pytest.fixture
def desk(web_services: Services, settings: Settings) -> KioskDesk:
    vision = FakeNameplateVision(
        results={"plate.jpg": VisionResult(extract_fields(PLATE), (), (), 3.0)},
        unreadable={"broken.jpg"},
    )
    return intake_wiring.build_kiosk(
        settings,
        web_services,
        vision=vision,
        printer=InMemoryLabelPrinter(),
        rfid=TagRollWriter(),
        camera=FakeCamera([Photo(b"x", "plate.jpg")]),
    )


@pytest.fixture
def kiosk(
    web_services: Services, settings: Settings, made: dict[str, str], desk: KioskDesk
) -> Iterator[TestClient]:
    with TestClient(create_app(web_services, settings, kiosk=desk)) as client:
        page = client.get("/login")
        answer = client.post(
            "/login",
            data={"username": "kiosk", "password": DEMO_PASSWORD, "csrf": csrf(page.text)},
            follow_redirects=False,
        )
        assert answer.headers["location"] == "/"
        assert client.get("/", follow_redirects=False).headers["location"] == "/kiosk"
        yield client


def test_order_photo_correct_confirm_receipt(kiosk: TestClient, made: dict[str, str]) -> None:
    start = kiosk.get("/kiosk")
    assert 'aria-current="step"' in start.text
    token = csrf(start.text)
    photo_step = kiosk.post(
        "/kiosk/start", data=ORDER_A | {"order": made["order_a"], "csrf": token}
    )
    assert "kiosk-photo-form" in photo_step.text
    confirm = kiosk.post(
        "/kiosk/photo", data={"csrf": token}, files={"photo": ("plate.jpg", b"x", "image/jpeg")}
    )
    assert 'value="4410024"' in confirm.text
    assert 'data-testid="conf-serial_number"' in confirm.text
    fields = {f"f_{name}": "" for name in INSTRUMENT_FIELDS}
    fields |= {"f_instrument_type": "数字压力计", "f_model": "700G08", "f_serial_number": "4410099"}
    after = kiosk.post("/kiosk/confirm", data=fields | {"csrf": token})
    assert "kiosk-line" in after.text
    receipt = kiosk.post("/kiosk/finish", data={"csrf": token})
    assert "kiosk-receipt" in receipt.text
    assert "4410099" in receipt.text
    assert f"/orders#{made['order_a']}" in receipt.text
    assert "urn:epc:id:giai:0614141." in receipt.text
    done = kiosk.post("/kiosk/abandon", data={"csrf": token})
    assert "kiosk-order-form" in done.text


def test_refusals_are_shown_in_the_visitors_language(
    kiosk: TestClient, made: dict[str, str]
) -> None:
    token = csrf(kiosk.get("/kiosk").text)
    wrong = kiosk.post(
        "/kiosk/start",
        data={"order": made["order_b"], "credit_code": "91350100M000100Y43", "csrf": token},
    )
    assert wrong.status_code == 422
    assert "不属于统一社会信用代码" in wrong.text
    kiosk.post("/kiosk/start", data=ORDER_A | {"order": made["order_a"], "csrf": token})
    bad = kiosk.post(
        "/kiosk/photo?lang=en",
        data={"csrf": token},
        files={"photo": ("broken.jpg", b"x", "image/jpeg")},
    )
    assert bad.status_code == 422
    assert "broken.jpg is corrupt" in bad.text
    missing = kiosk.post("/kiosk/confirm", data={"csrf": token, "f_instrument_type": ""})
    assert missing.status_code == 422
    assert "Instrument" in missing.text


def test_idle_return_drops_the_session_and_says_so(kiosk: TestClient, made: dict[str, str]):
    token = csrf(kiosk.get("/kiosk").text)
    kiosk.post("/kiosk/start", data=ORDER_A | {"order": made["order_a"], "csrf": token})
    assert "kiosk-photo-form" in kiosk.get("/kiosk").text
    reset = kiosk.post("/kiosk/abandon", data={"csrf": token, "idle": "1"})
    assert "kiosk-idle" in reset.text
    assert "kiosk-order-form" in reset.text
    ended = kiosk.post("/kiosk/capture", data={"csrf": token})
    assert ended.status_code == 422
    assert "请重新开始" in ended.text


def test_customers_may_not_open_the_kiosk(client: TestClient, browser_login) -> None:
    browser_login("cust-a")
    assert client.get("/kiosk").status_code == 403


def _error_of(html: str) -> str:
    found = re.search(r'data-testid="kiosk-error">(.*?)</p>', html, re.S)
    assert found, "no refusal shown"
    return found.group(1)


ORDER_A = {"credit_code": CUSTOMER_A[1]}  # an order opens with its company's credit code
# three or more Latin words in a row: an English sentence on a page that should have none
ENGLISH = re.compile(r"[A-Za-z]{2,}(?:[ ,;']+[A-Za-z]{2,}){2,}")
WRONG_CHECK = "91350100M000100Y4" + ("1" if check_character("91350100M000100Y4") != "1" else "2")


@pytest.mark.parametrize(
    "form",
    [
        {"credit_code": WRONG_CHECK, "phone": "13905910001"},
        {"credit_code": "91350100M000100", "phone": "13905910001"},
        {"credit_code": "91350100M000100Y43", "phone": "12"},
        {"credit_code": check_code("91350100MA0000000"), "phone": "13905910001"},
        {"order": "12-34", "credit_code": CUSTOMER_A[1]},
        {"order": "WT2026-999999", "credit_code": CUSTOMER_A[1]},
        {"order": "WT2026-000001"},
    ],
    ids=[
        "check-character",
        "credit-code-form",
        "phone",
        "new-company-unnamed",
        "order",
        "unknown",
        "order-without-credit-code",
    ],
)
def test_a_zh_cn_kiosk_refuses_in_chinese_only(kiosk: TestClient, form: dict[str, str]) -> None:
    token = csrf(kiosk.get("/kiosk?lang=zh-CN").text)
    refused = kiosk.post("/kiosk/start", data=form | {"csrf": token})
    assert refused.status_code == 422
    error = _error_of(refused.text)
    assert re.search(r"[\u4e00-\u9fff]", error)
    assert not ENGLISH.search(error), error


def test_a_wrong_check_character_is_named_in_the_pages_language(kiosk: TestClient) -> None:
    form = {"credit_code": WRONG_CHECK, "phone": "13905910001"}
    expected = check_character(WRONG_CHECK[:17])
    token = csrf(kiosk.get("/kiosk").text)
    zh = _error_of(kiosk.post("/kiosk/start", data=form | {"csrf": token}).text)
    assert zh.startswith("统一社会信用代码：")
    assert f"校验码 “{expected}”（GB 32100-2015）" in zh
    assert "check character" not in zh
    en = _error_of(kiosk.post("/kiosk/start?lang=en", data=form | {"csrf": token}).text)
    assert f"check character &#39;{expected}&#39; (GB 32100-2015)" in en


def test_instrument_checks_on_a_zh_cn_kiosk_are_in_chinese(
    kiosk: TestClient, made: dict[str, str]
) -> None:
    token = csrf(kiosk.get("/kiosk?lang=zh-CN").text)
    kiosk.post("/kiosk/start", data=ORDER_A | {"order": made["order_a"], "csrf": token})
    fields = {f"f_{name}": "" for name in INSTRUMENT_FIELDS} | {"f_instrument_type": "压力表"}
    for bad in ({"f_range_min": "0"}, {"f_range_min": "5", "f_range_max": "1", "f_unit": "MPa"},
                {"f_range_min": "x", "f_range_max": "1"}, {"f_model": "M" * 81}):  # fmt: skip
        refused = kiosk.post("/kiosk/confirm", data=fields | bad | {"csrf": token})
        assert refused.status_code == 422
        error = _error_of(refused.text)
        assert not ENGLISH.search(error), error


def test_the_intake_kiosk_keeps_its_own_titles(kiosk: TestClient, made: dict[str, str]) -> None:
    """The intake and the pickup kiosk once shared a flat key space; pickup's texts won."""
    start = kiosk.get("/kiosk")
    assert "<title>自助送样 · SampleHub</title>" in start.text
    assert "自助取件</title>" not in start.text
    token = csrf(start.text)
    kiosk.post("/kiosk/start", data=ORDER_A | {"order": made["order_a"], "csrf": token})
    fields = {f"f_{name}": "" for name in INSTRUMENT_FIELDS} | {"f_instrument_type": "压力表"}
    kiosk.post("/kiosk/confirm", data=fields | {"csrf": token})
    receipt = kiosk.post("/kiosk/finish", data={"csrf": token}).text
    assert "<h2>收样回执</h2>" in receipt
    assert "完成，返回首页" in receipt
    assert "已取走样品" not in receipt
    assert "我已取出样品并关好柜门" not in receipt
    assert "<title>Self-service intake · SampleHub</title>" in kiosk.get("/kiosk?lang=en").text
