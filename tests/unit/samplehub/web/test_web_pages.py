"""The web shell: login with CSRF, language switch, my orders, search, detail and transitions."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from fastapi.testclient import TestClient

from samplehub.app.config import Settings
from samplehub.app.demo import DEMO_PASSWORD
from samplehub.app.services import Services
from samplehub.core.adapters.memory import MemoryStore
from samplehub.core.service import commands as c
from samplehub.web.app import create_app

Csrf = Callable[[str], str]
Login = Callable[[str], TestClient]


def test_pages_default_to_chinese_and_switch_to_english(client: TestClient) -> None:
    page = client.get("/login")
    assert page.status_code == 200
    assert '<html lang="zh-CN">' in page.text
    assert "用户名" in page.text
    english = client.get("/login?lang=en")
    assert "Username" in english.text
    assert client.cookies["sh_lang"] == "en"
    assert "Username" in client.get("/login").text  # the choice sticks


def test_the_login_page_of_an_installation_without_an_admin_says_how_to_make_one(
    web_services: Services, settings: Settings
) -> None:
    with TestClient(create_app(web_services, settings)) as fresh:  # no user at all yet
        page = fresh.get("/login")
        assert "本系统尚无管理员" in page.text
        assert "samplehub user add NAME --role admin" in page.text
        web_services.bus.handle(c.CreateUser(c.SYSTEM, "boss", "a-long-passphrase", "admin"))
        assert "no-admin" not in fresh.get("/login").text


def test_the_demo_login_page_has_no_such_notice(client: TestClient) -> None:
    assert "no-admin" not in client.get("/login").text


def test_pages_carry_a_same_origin_security_policy(client: TestClient) -> None:
    page = client.get("/login")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"


def test_login_sets_an_httponly_lax_session_cookie(client: TestClient, csrf_of: Csrf) -> None:
    form = client.get("/login")
    answer = client.post(
        "/login",
        data={"username": "cust-a", "password": DEMO_PASSWORD, "csrf": csrf_of(form.text)},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    cookie = next(h for h in answer.headers.get_list("set-cookie") if "sh_session=" in h)
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "samesite=lax" in cookie.lower()
    assert client.get("/", follow_redirects=False).headers["location"] == "/orders"


def test_login_without_or_with_a_forged_csrf_token_is_refused(client: TestClient) -> None:
    client.get("/login")
    missing = client.post("/login", data={"username": "cust-a", "password": DEMO_PASSWORD})
    forged = client.post(
        "/login", data={"username": "cust-a", "password": DEMO_PASSWORD, "csrf": "forged"}
    )
    assert missing.status_code == forged.status_code == 403
    assert "sh_session" not in client.cookies


def test_wrong_password_shows_the_form_again(client: TestClient, csrf_of: Csrf) -> None:
    form = client.get("/login")
    answer = client.post(
        "/login", data={"username": "cust-a", "password": "nope", "csrf": csrf_of(form.text)}
    )
    assert answer.status_code == 401
    assert "用户名或密码错误" in answer.text


def test_repeated_wrong_passwords_on_the_form_are_limited(
    client: TestClient, csrf_of: Csrf
) -> None:
    token = csrf_of(client.get("/login").text)
    codes = [
        client.post(
            "/login", data={"username": "lab", "password": "nope", "csrf": token}
        ).status_code
        for _ in range(4)
    ]
    assert codes == [401, 401, 401, 429]


def test_pages_need_a_login(client: TestClient) -> None:
    answer = client.get("/orders", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login"


def test_my_orders_show_each_samples_timeline_in_shanghai_time(
    browser_login: Login, made: dict[str, str]
) -> None:
    page = browser_login("cust-a").get("/orders")
    assert page.status_code == 200
    assert "我的委托单" in page.text
    assert made["order_a"] in page.text
    assert made["sample_a5"] in page.text
    assert "待取件" in page.text  # sample a5 is staged for pickup
    assert "取件柜格口 L1-07" in page.text
    assert "2026-11-02 17:00" in page.text  # 09:00 UTC
    assert made["order_b"] not in page.text


def test_another_companys_sample_page_is_the_not_found_page(
    browser_login: Login, made: dict[str, str]
) -> None:
    client = browser_login("cust-b")
    theirs = client.get(f"/samples/{made['sample_a1']}")
    missing = client.get("/samples/JX2026-999999")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.text.replace(made["sample_a1"], "?") == missing.text.replace("JX2026-999999", "?")
    assert "2024-0815" not in theirs.text  # nothing of the sample shows


def test_staff_search_filters_and_pages(browser_login: Login, made: dict[str, str]) -> None:
    client = browser_login("lab")
    stored = client.get("/samples?state=stored")
    assert made["sample_a3"] in stored.text
    assert made["sample_a1"] not in stored.text
    by_serial = client.get("/samples?text=xa-7781")
    assert "共 1 条" in by_serial.text
    assert made["sample_a3"] in by_serial.text
    by_model = client.get("/samples?text=3051")
    assert made["sample_b1"] in by_model.text


def test_staff_search_pages_through_many_samples(
    browser_login: Login, made: dict[str, str], web_services: Services
) -> None:
    for i in range(20):
        web_services.bus.handle(
            c.RegisterSample(c.SYSTEM, made["order_b"], {"instrument_type": f"温度计 {i}"})
        )
    client = browser_login("lab")
    first = client.get("/samples")
    assert "共 26 条" in first.text
    assert "第 1 / 2 页" in first.text
    assert 'href="?page=2&amp;state=&amp;order=&amp;text="' in first.text  # filters kept
    second = client.get("/samples?page=2")
    assert "第 2 / 2 页" in second.text
    assert second.text.count("<tr>") == 1 + 6  # the header row and the last six samples


def _csv_rows(answer_text: str) -> list[list[str]]:
    assert answer_text.startswith("\ufeff")  # a spreadsheet opens it as UTF-8
    return list(csv.reader(io.StringIO(answer_text.removeprefix("\ufeff"))))


def test_the_search_exports_every_match_as_csv_in_the_page_language(
    browser_login: Login, made: dict[str, str], web_services: Services
) -> None:
    for i in range(25):  # more than a page: the export holds every match
        instrument = {"instrument_type": f"温度计 {i}", "serial_number": f"=HYPERLINK({i})"}
        web_services.bus.handle(c.RegisterSample(c.SYSTEM, made["order_b"], instrument))
    client = browser_login("lab")
    assert 'href="/samples.csv?state=&amp;order=&amp;text="' in client.get("/samples").text
    answer = client.get("/samples.csv?text=温度计")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in answer.headers["content-disposition"]
    rows = _csv_rows(answer.text)
    assert rows[0][:3] == ["样品编号", "委托单号", "器具名称"]
    assert len(rows) == 1 + 25
    assert {r[1] for r in rows[1:]} == {made["order_b"]}
    assert rows[1][5] == "'=HYPERLINK(24)"  # never run as a formula; the newest first
    assert rows[1][6] == "已登记"  # the state, worded
    english = _csv_rows(client.get("/samples.csv?text=温度计&lang=en").text)
    assert english[0][:2] == ["Sample no.", "Order no."]


def test_a_customer_exports_their_own_samples_only(
    browser_login: Login, made: dict[str, str]
) -> None:
    rows = _csv_rows(browser_login("cust-b").get("/samples.csv").text)
    assert [r[0] for r in rows[1:]] == [made["sample_b1"]]


def test_sample_detail_offers_the_role_s_allowed_transitions(
    browser_login: Login, made: dict[str, str]
) -> None:
    page = browser_login("warehouse").get(f"/samples/{made['sample_a2']}")  # received
    assert page.status_code == 200
    assert 'value="start_transport"' in page.text
    assert 'value="hold"' in page.text
    assert 'value="receive"' not in page.text  # not allowed in this state
    assert 'value="reject"' not in page.text  # allowed by the lifecycle, not for this role


def test_a_transition_form_moves_the_sample(
    browser_login: Login, made: dict[str, str], csrf_of: Csrf, web_store: MemoryStore
) -> None:
    client = browser_login("warehouse")
    number = made["sample_a2"]
    page = client.get(f"/samples/{number}")
    answer = client.post(
        f"/samples/{number}/transitions",
        data={
            "transition": "start_transport",
            "location": "robot:AMR-09",
            "csrf": csrf_of(page.text),
        },
    )
    assert answer.status_code == 200
    assert "已执行：开始运送" in answer.text
    assert web_store.samples[number].state.value == "in_transit"


def test_a_transition_form_without_csrf_changes_nothing(
    browser_login: Login, made: dict[str, str], web_store: MemoryStore
) -> None:
    client = browser_login("warehouse")
    number = made["sample_a2"]
    answer = client.post(
        f"/samples/{number}/transitions",
        data={"transition": "start_transport", "location": "robot:AMR-09"},
    )
    assert answer.status_code == 403
    assert web_store.samples[number].state.value == "received"


def test_an_illegal_transition_form_shows_the_reason(
    browser_login: Login, made: dict[str, str], csrf_of: Csrf
) -> None:
    client = browser_login("admin")
    number = made["sample_a1"]
    token = csrf_of(client.get(f"/samples/{number}").text)
    answer = client.post(
        f"/samples/{number}/transitions",
        data={"transition": "collect", "location": "customer:x", "csrf": token},
    )
    assert answer.status_code == 409
    assert "现在可以：挂起、收样、拒收" in answer.text  # hold, receive, reject


def test_logout_needs_csrf_and_ends_the_session(browser_login: Login, csrf_of: Csrf) -> None:
    client = browser_login("cust-a")
    assert client.post("/logout", data={"csrf": "forged"}).status_code == 403
    page = client.get("/orders")
    copied = client.cookies["sh_session"]
    answer = client.post("/logout", data={"csrf": csrf_of(page.text)}, follow_redirects=False)
    assert answer.status_code == 303
    assert client.get("/orders", follow_redirects=False).status_code == 303
    client.cookies.set("sh_session", copied)  # a copy of the cookie is dead too
    assert client.get("/orders", follow_redirects=False).status_code == 303


def test_customer_places_an_order_online(
    browser_login: Login, csrf_of: Csrf, web_store: MemoryStore, made: dict[str, str]
) -> None:
    client = browser_login("cust-a")
    form = client.get("/orders/new")
    assert form.status_code == 200
    assert 'name="customer_id"' not in form.text  # a customer orders for their own company
    answer = client.post(
        "/orders/new",
        data={
            "csrf": csrf_of(form.text),
            "service": "calibration",
            "type_0": "数字温度计",
            "model_0": "T-100",
            "serial_0": "SN-9",
            "quantity_0": "1",
            "type_1": "压力表",
            "quantity_1": "3",
        },
    )
    assert answer.status_code == 200
    created = [o for o in web_store.orders.values() if o.number != made["order_a"]]
    order = next(o for o in created if o.customer_id == made["customer_a"])
    assert [(i.instrument_type, i.quantity) for i in order.items] == [
        ("数字温度计", 1),
        ("压力表", 3),
    ]
    assert f"委托单 {order.number} 已创建" in answer.text


def test_an_order_without_items_is_refused_with_the_reason(
    browser_login: Login, csrf_of: Csrf, web_store: MemoryStore
) -> None:
    client = browser_login("cust-a")
    before = len(web_store.orders)
    form = client.get("/orders/new")
    answer = client.post(
        "/orders/new", data={"csrf": csrf_of(form.text), "service": "verification"}
    )
    assert answer.status_code == 422
    assert "至少填写一台仪器" in answer.text
    bad_quantity = client.post(
        "/orders/new",
        data={"csrf": csrf_of(form.text), "service": "verification", "type_0": "x",
              "quantity_0": "many"},
    )  # fmt: skip
    assert bad_quantity.status_code == 422
    assert "items[0].quantity" in bad_quantity.text
    assert len(web_store.orders) == before


def test_an_order_form_without_csrf_is_refused(browser_login: Login) -> None:
    client = browser_login("cust-a")
    answer = client.post("/orders/new", data={"service": "verification", "type_0": "x"})
    assert answer.status_code == 403


def test_staff_pick_the_customer_and_lab_may_not_order(
    browser_login: Login, csrf_of: Csrf, made: dict[str, str]
) -> None:
    client = browser_login("admin")
    form = client.get("/orders/new")
    assert made["customer_b"] in form.text
    answer = client.post(
        "/orders/new",
        data={"csrf": csrf_of(form.text), "service": "verification", "type_0": "x",
              "customer_id": made["customer_b"]},
    )  # fmt: skip
    assert answer.status_code == 200
    lab = browser_login("lab")
    refused = lab.post(
        "/orders/new",
        data={"csrf": csrf_of(form.text), "service": "verification", "type_0": "x",
              "customer_id": made["customer_b"]},
    )  # fmt: skip
    assert refused.status_code == 403
