"""The whole kiosk hand-in in Debian's Chromium, with the real nameplate reader.

A pre-registered order (scanned as text + Enter, like a keyboard-wedge scanner), a photo
upload read by RapidOCR, one field corrected, a second instrument from the platform camera,
the receipt; then a walk-in. Labels go as ZPL to a socket server standing in for the printer
on TCP 9100, named through the kiosk settings.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from samplehub.app import bootstrap
from samplehub.app.config import KioskSettings, Settings
from samplehub.app.config_devices import FolderCamera, ZplPrinter
from samplehub.app.demo import CUSTOMER_A, seed_demo
from samplehub.app.services import Services
from samplehub.app.wiring import intake as intake_wiring
from samplehub.core.domain.epc import Giai96
from samplehub.core.service import commands as c
from samplehub.web.app import create_app
from tests.unit.samplehub.intake.fakes import ZplPrinterStandIn

pytestmark = pytest.mark.browser
LogIn = Callable[[Page, str, str], None]
PLATES = Path(__file__).parents[2] / "fixtures" / "samplehub" / "nameplates"
PHOTO = PLATES / "plate-0006.jpg"  # 不锈钢压力表 YN-100, 出厂编号 201718
CAMERA_PHOTO = PLATES / "plate-0004.jpg"  # 温度变送器 TT-302, 出厂编号 22C90911
OCR_WAIT_MS = 120_000  # the first photo loads the OCR models; the machine may be busy


@dataclass(frozen=True)
class Kiosk:
    url: str
    services: Services
    printer: ZplPrinterStandIn
    order: str


@pytest.fixture(scope="module")
def kiosk(
    tmp_path_factory: pytest.TempPathFactory,
    serve_module: Callable[[object], str],
    demo_settings: Callable[[Path], Settings],
) -> Iterator[Kiosk]:
    folder = tmp_path_factory.mktemp("kiosk-data")
    camera = folder / "camera"
    camera.mkdir()
    shutil.copy(CAMERA_PHOTO, camera / CAMERA_PHOTO.name)
    printer = ZplPrinterStandIn()
    settings = demo_settings(folder).model_copy(
        update={
            "kiosk": KioskSettings(
                printer=ZplPrinter(host="127.0.0.1", port=printer.port),
                camera=FolderCamera(source=camera),
            )
        }
    )
    services = bootstrap.bootstrap(settings)
    made = seed_demo(services)
    items = [
        {"instrument_type": "不锈钢压力表", "model": "YN-100", "serial_number": "201718"},
        {"instrument_type": "温度变送器", "model": "TT-302", "serial_number": "22C90911"},
    ]
    order = services.bus.handle(c.CreateOrder(c.SYSTEM, made["customer_a"], "verification", items))
    desk = intake_wiring.build_kiosk(settings, services, vision=intake_wiring.build_vision())
    yield Kiosk(serve_module(create_app(services, settings, kiosk=desk)), services, printer, order)
    printer.close()
    services.close()


def custody(services: Services, number: str) -> list[tuple[str, dict[str, object]]]:
    with services.uow_factory() as uow:
        return [(r.event_type, json.loads(r.payload)) for r in uow.audit.records(number)]


def received_with_epc(services: Services, number: str) -> str:
    with services.uow_factory() as uow:
        sample = uow.samples.get(number)
    assert sample is not None
    assert sample.state.value == "received"
    assert sample.epc is not None
    assert Giai96.from_hex(sample.epc).pure_identity_uri() == sample.epc_uri
    kinds = [kind for kind, _ in custody(services, number)]
    assert kinds[:4] == ["SampleRegistered", "SampleTransitioned", "EpcAssigned",
                         "TransportTaskChanged"]  # fmt: skip
    assert kinds.count("IntakeDeviceDone") == 2
    return sample.epc


def test_pre_registered_order_with_a_correction_and_the_camera(
    kiosk: Kiosk, page: Page, log_in: LogIn
) -> None:
    log_in(page, kiosk.url, "kiosk")
    expect(page).to_have_url(f"{kiosk.url}/kiosk")
    expect(page.locator(".kiosk-steps li.current")).to_contain_text("扫码")
    # the walk-in types the company's credit code (the order number alone opens nothing),
    # then a keyboard-wedge scanner types the QR code's text and presses Enter
    page.fill("[data-testid=kiosk-order-credit-code]", CUSTOMER_A[1])
    page.locator("[data-testid=kiosk-order-input]").press_sequentially(f"SH:ORDER:{kiosk.order}")
    page.keyboard.press("Enter")
    expect(page.locator("[data-testid=kiosk-order]")).to_have_text(kiosk.order)
    expect(page.locator(".kiosk-steps li.current")).to_contain_text("拍照")

    page.set_input_files("[data-testid=kiosk-photo-input]", str(PHOTO))
    page.click("[data-testid=kiosk-photo-send]")
    serial = page.locator("[data-testid=field-serial_number]")
    expect(serial).to_have_value("201718", timeout=OCR_WAIT_MS)
    expect(page.locator("[data-testid=conf-serial_number]")).to_contain_text("%")
    expect(page.locator("li.matched")).to_contain_text("201718")
    page.fill("[data-testid=field-manufacturer]", "申华仪表")  # the customer's correction
    page.click("[data-testid=kiosk-confirm]")
    expect(page.locator("[data-testid=kiosk-line]")).to_have_count(1)

    page.click("[data-testid=kiosk-capture]")  # the platform camera
    expect(page.locator("[data-testid=field-serial_number]")).to_have_value(
        "22C90911", timeout=OCR_WAIT_MS
    )
    page.click("[data-testid=kiosk-confirm]")
    expect(page.locator("[data-testid=kiosk-line]")).to_have_count(2)

    page.click("[data-testid=kiosk-finish]")
    receipt = page.locator("[data-testid=kiosk-receipt]")
    expect(receipt).to_be_visible()
    expect(page.locator("[data-testid=kiosk-receipt-line]")).to_have_count(2)
    expect(page.locator("[data-testid=kiosk-tracking]")).to_contain_text(f"/orders#{kiosk.order}")
    numbers = [
        row.locator("td").first.inner_text()
        for row in page.locator("[data-testid=kiosk-receipt-line]").all()
    ]
    epcs = [received_with_epc(kiosk.services, n) for n in numbers]
    with kiosk.services.uow_factory() as uow:
        first = uow.samples.get(numbers[0])
    assert first is not None
    assert first.instrument.manufacturer == "申华仪表"
    assert first.instrument.serial_number == "201718"
    for number, epc in zip(numbers, epcs, strict=True):
        zpl = next(d for d in kiosk.printer.documents if number in d)
        assert zpl.startswith("^XA")
        assert f"/samples/{number}" in zpl
        assert epc[-12:] in zpl
    # the customer's timeline shows the receipt at the platform (the kiosk itself sees none)
    page.goto(f"{kiosk.url}/samples/{numbers[0]}")
    expect(page.locator("body")).not_to_contain_text("自助送样平台收样")
    browser = page.context.browser
    assert browser is not None
    customer = browser.new_context().new_page()
    log_in(customer, kiosk.url, "cust-a")
    customer.goto(f"{kiosk.url}/samples/{numbers[0]}")
    expect(customer.locator("body")).to_contain_text("自助送样平台收样")
    customer.context.close()

    page.goto(f"{kiosk.url}/kiosk")
    page.click("[data-testid=lang-switch]")
    expect(page.locator(".kiosk-steps li.current")).to_contain_text("Receipt")
    page.click("[data-testid=kiosk-done]")
    expect(page.locator("[data-testid=kiosk-order-form]")).to_be_visible()


def test_walk_in_company_hands_in_and_gets_a_receipt(
    kiosk: Kiosk, page: Page, log_in: LogIn
) -> None:
    log_in(page, kiosk.url, "kiosk")
    page.fill("[data-testid=kiosk-credit-code]", "91110000600037341L")
    page.fill("[data-testid=kiosk-phone]", "13800000000")
    page.click("[data-testid=kiosk-walkin-start]")
    expect(page.locator("[data-testid=kiosk-error]")).to_contain_text("单位名称")
    page.fill("[data-testid=kiosk-company]", "北京示例仪表有限公司")
    page.click("[data-testid=kiosk-walkin-start]")
    expect(page.locator("[data-testid=kiosk-who]")).to_contain_text("北京示例仪表有限公司")

    page.set_input_files("[data-testid=kiosk-photo-input]", str(PHOTO))
    page.click("[data-testid=kiosk-photo-send]")
    expect(page.locator("[data-testid=field-serial_number]")).to_have_value(
        "201718", timeout=OCR_WAIT_MS
    )
    page.fill("[data-testid=field-model]", "YN-100A")
    page.click("[data-testid=kiosk-confirm]")
    expect(page.locator("[data-testid=kiosk-line]")).to_have_count(1)
    order = page.locator("[data-testid=kiosk-order]").inner_text()
    assert order.startswith("WT")
    page.click("[data-testid=kiosk-finish]")
    expect(page.locator("[data-testid=kiosk-receipt-line]")).to_have_count(1)
    expect(page.locator("[data-testid=kiosk-tracking]")).to_contain_text(f"/orders#{order}")
    number = page.locator("[data-testid=kiosk-receipt-line] td").first.inner_text()
    received_with_epc(kiosk.services, number)
    with kiosk.services.uow_factory() as uow:
        placed = uow.orders.get(order)
        customer = uow.customers.by_credit_code("91110000600037341L")
    assert placed is not None
    assert customer is not None
    assert placed.channel.value == "kiosk"
    assert placed.customer_id == customer.id
    assert any(number in d for d in kiosk.printer.documents)
