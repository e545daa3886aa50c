"""End to end in Chromium: a stored gauge goes to a bench, gets results, is reviewed, approved
and issued by three different people through /lab, and its certificate checks out at /verify.
"""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from samplehub.app import bootstrap
from samplehub.app.config import Settings
from samplehub.app.demo import seed_demo
from samplehub.core.adapters.memory import PlainHasher
from samplehub.core.service import commands as c
from samplehub.web.app import create_app

pytestmark = pytest.mark.browser
LogIn = Callable[[Page, str, str], None]
READINGS = [
    ("0", "0.000", "0.000", "0.002", "0.002"),
    ("0.4", "0.402", "0.404", "0.408", "0.410"),
    ("0.8", "0.806", "0.808", "0.812", "0.812"),
    ("1.2", "1.204", "1.206", "1.212", "1.214"),
    ("1.6", "1.610", "1.612", "1.612", "1.612"),
]
FIELDS = ("standard", "up_before_tap", "up_after_tap", "down_before_tap", "down_after_tap")


@dataclass(frozen=True)
class Running:
    url: str
    sample: str


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory,
    serve_module: Callable[[object], str],
    demo_settings: Callable[[Path], Settings],
) -> Iterator[Running]:
    settings = demo_settings(tmp_path_factory.mktemp("lab-e2e"))
    services = bootstrap.bootstrap(settings, hasher=PlainHasher())
    made = seed_demo(services)
    bus, admin = services.bus, c.SYSTEM
    gauge = {
        "instrument_type": "弹簧管压力表",
        "manufacturer": "上海自动化仪表四厂",
        "model": "Y-100",
        "serial_number": "E2E-0001",
        "range_min": "0",
        "range_max": "1.6",
        "unit": "MPa",
        "accuracy_class": "1.6",
    }
    number = bus.handle(c.RegisterSample(admin, made["order_a"], gauge))
    for transition, location in (
        ("receive", "intake_platform:K1"),
        ("start_transport", "robot:AMR-01"),
        ("store", "storage_slot:C-01-1-01"),
    ):
        bus.handle(c.ApplyTransition(admin, number, transition, location))
    yield Running(serve_module(create_app(services, settings)), number)
    services.close()


def as_user(browser: Browser, url: str, username: str, log_in: LogIn) -> Page:
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    log_in(page, url, username)
    return page


def enter_readings(lab: Page) -> None:
    """The results form of a pressure gauge: the readings and the zero before."""
    for row, readings in enumerate(READINGS):
        for name, value in zip(FIELDS, readings, strict=True):
            lab.fill(f"input[name=p{row}_{name}]", value)
    lab.fill("input[name=zero_before]", "0")


def save_results(lab: Page) -> str:
    """The zero after, saved: the number of the certificate drafted from the results."""
    lab.fill("input[name=zero_after]", "0.002")
    lab.get_by_test_id("save-results").click()
    expect(lab.get_by_test_id("lab-done")).to_contain_text("结果已录入")
    cert = lab.locator("[data-testid=sample-certificates] [data-cert]").first.get_attribute(
        "data-cert"
    )
    assert cert is not None
    return cert


def review_approve_issue(browser: Browser, url: str, cert: str, log_in: LogIn) -> Page:
    """A second lab member reviews, the approver approves and issues; the approver's page."""
    reviewer = as_user(browser, url, "lab2", log_in)
    reviewer.goto(f"{url}/lab")
    reviewer.get_by_test_id(f"review-{cert}").click()
    expect(reviewer.get_by_test_id("lab-done")).to_have_text("证书已核验")
    expect(reviewer.get_by_test_id(f"approve-{cert}")).to_have_count(0)  # no approver role
    approver = as_user(browser, url, "approver", log_in)
    approver.goto(f"{url}/lab")
    approver.get_by_test_id(f"approve-{cert}").click()
    expect(approver.get_by_test_id("lab-done")).to_have_text("证书已批准")
    approver.get_by_test_id(f"issue-{cert}").click()
    expect(approver.get_by_test_id("lab-done")).to_have_text("证书已签发")
    return approver


def test_sample_from_storage_to_issued_certificate_by_three_people(
    server: Running, browser: Browser, log_in: LogIn, tmp_path: Path
) -> None:
    url, number = server.url, server.sample
    lab = as_user(browser, url, "lab", log_in)
    lab.goto(f"{url}/lab")
    queue = lab.get_by_test_id("queue-pressure")
    expect(queue).to_contain_text(number)
    lab.get_by_test_id(f"request-{number}").click()
    expect(lab.get_by_test_id("lab-done")).to_have_text("已调样，请到库位取样后扫描确认到台")
    expect(lab.get_by_test_id("requested")).to_contain_text(number)

    # a keyboard-wedge scanner types the label's text and Enter
    lab.get_by_test_id("scan-input").fill(number)
    lab.get_by_test_id("scan-input").press("Enter")
    expect(lab.get_by_test_id("lab-done")).to_have_text("样品已到台")
    expect(lab.get_by_test_id("bench-P-01")).to_contain_text(number)

    lab.get_by_test_id(f"work-{number}").click()
    enter_readings(lab)
    lab.fill("input[name=zero_after]", "1,002")  # a decimal comma is refused, naming the field
    lab.get_by_test_id("save-results").click()
    expect(lab.get_by_test_id("lab-error")).to_contain_text("zero_after")
    expect(lab.get_by_test_id("sample-certificates")).to_contain_text("暂无")
    cert = save_results(lab)

    # the author may not review their own results
    lab.goto(f"{url}/lab")
    lab.get_by_test_id(f"review-{cert}").click()
    expect(lab.get_by_test_id("lab-error")).to_contain_text("四眼原则")

    review_approve_issue(browser, url, cert, log_in)

    lab.goto(f"{url}/lab/samples/{number}")
    with lab.expect_download() as download:
        lab.get_by_test_id(f"pdf-{cert}").click()
    pdf_path = tmp_path / f"{cert}.pdf"
    download.value.save_as(pdf_path)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf_path), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    for shown in ("检定证书", cert, number, "福州恒达仪表有限公司", "弹簧管压力表", "合格"):
        assert shown in text, shown
    for person in ("检定员 王工", "核验员 李工", "批准人 张主任"):
        assert person in text, person

    qr = text.split("/verify/", 1)[1].split()[0]  # the token the QR code carries
    visitor = browser.new_context(locale="zh-CN").new_page()
    visitor.goto(f"{url}/verify/{qr}")
    expect(visitor.get_by_test_id("verify-status")).to_have_text("本院出具的有效证书")
    expect(visitor.get_by_test_id("verify-number")).to_have_text(cert)
    expect(visitor.get_by_test_id("verify-decision")).to_have_text("合格")
    expect(visitor.get_by_test_id("verify-state")).to_have_text("已签发")
    sha = hashlib.sha256(pdf_path.read_bytes()).hexdigest()
    expect(visitor.get_by_test_id("verify-sha")).to_have_text(sha)
    expect(visitor.get_by_test_id("verify-signature")).to_have_text("机构数字签名有效")
    visitor.goto(f"{url}/verify/{qr}?lang=en")
    expect(visitor.get_by_test_id("verify-status")).to_have_text(
        "A valid certificate issued by this institute"
    )

    lab.goto(f"{url}/lab")
    lab.get_by_test_id(f"return-{number}").click()
    expect(lab.get_by_test_id("returning")).to_contain_text(number)
    lab.goto(f"{url}/samples/{number}")
    expect(lab.locator(".tl-event").first).to_contain_text("检后返库")  # its return task
    expect(lab.locator(".timeline")).to_contain_text(f"证书已签发 {cert}")

    # the lab member carries it back on /tasks: claim, scan at the bench, scan and slot
    lab.goto(f"{url}/tasks?kind=return")
    task_id = lab.locator("[data-testid=tasks-open] tr", has_text=number).get_attribute("data-task")
    assert task_id is not None
    lab.get_by_test_id(f"claim-{task_id}").click()
    lab.get_by_test_id(f"pickup-scan-{task_id}").fill(number)
    lab.get_by_test_id(f"pickup-{task_id}").click()
    lab.get_by_test_id(f"deliver-scan-{task_id}").fill(number)
    lab.get_by_test_id(f"deliver-slot-{task_id}").fill("A-02-1-05")
    lab.get_by_test_id(f"deliver-{task_id}").click()
    expect(lab.get_by_test_id("tasks-done")).to_have_text("已确认送达。")
    lab.goto(f"{url}/samples/{number}")
    expect(lab.locator(".tl-item").first).to_contain_text("货位 A-02-1-05")
    expect(lab.locator(".timeline")).to_contain_text(f"检后返库 {task_id}: 搬运完成")
    expect(lab.locator(".tl-carrier").first).to_contain_text("lab")


def test_verify_finds_nothing_by_number(server: Running, page: Page) -> None:
    page.goto(f"{server.url}/verify/ZS2026-000001")
    expect(page.get_by_test_id("verify-status")).to_have_text(
        "未找到证书：请扫描证书上的二维码或使用其中的完整链接"
    )
