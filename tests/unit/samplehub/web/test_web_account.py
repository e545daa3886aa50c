"""/account (one's own password) and /users (the admin's users page), as a browser uses them:
CSRF on every form, errors said in the page's language, every login of the user ended after a
new password, and who may open which."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from samplehub.app.services import Services
from samplehub.core.adapters.memory import MemoryStore
from samplehub.web.sessions import SESSION_COOKIE

Csrf = Callable[[str], str]


def _post(
    client: TestClient, csrf_of: Csrf, page: str, url: str, **form: str
) -> Any:  # the test client's response
    token = csrf_of(client.get(page).text)
    return client.post(url, data=form | {"csrf": token}, follow_redirects=False)


def _change(
    client: TestClient, csrf_of: Csrf, current: str, new: str, repeat: str
) -> Any:  # the test client's response
    form = {"current_password": current, "password": new, "repeat": repeat}
    return _post(client, csrf_of, "/account", "/account/password", **form)


def _log_in(client: TestClient, csrf_of: Csrf, username: str, password: str) -> int:
    form = {"username": username, "password": password, "csrf": csrf_of(client.get("/login").text)}
    return client.post("/login", data=form, follow_redirects=False).status_code


def test_a_customer_changes_their_password_and_logs_in_again(
    browser_login: Callable[[str], TestClient], csrf_of: Csrf, web_store: MemoryStore
) -> None:
    client = browser_login("cust-a")
    page = client.get("/account")
    assert page.status_code == 200
    assert "修改密码" in page.text
    assert 'data-testid="nav-account"' in page.text
    wrong = _change(client, csrf_of, "guess-1", "new-pass-2026", "new-pass-2026")
    assert wrong.status_code == 422
    assert "当前密码" in html.unescape(wrong.text)
    differ = _change(client, csrf_of, "demo123", "new-pass-2026", "new-pass-2027")
    assert differ.status_code == 422
    assert "再次输入新密码" in html.unescape(differ.text)
    hash_before = web_store.users["cust-a"].password_hash
    done = _change(client, csrf_of, "demo123", "new-pass-2026", "new-pass-2026")
    assert done.status_code == 303
    assert done.headers["location"] == "/login?changed=1"
    assert web_store.users["cust-a"].password_hash != hash_before
    client.cookies.delete(SESSION_COOKIE)
    assert "密码已修改" in client.get("/login?changed=1").text
    assert _log_in(client, csrf_of, "cust-a", "demo123") == 401
    assert _log_in(client, csrf_of, "cust-a", "new-pass-2026") == 303


def test_the_old_session_ends_with_the_password_change(
    client: TestClient, browser_login: Callable[[str], TestClient], csrf_of: Csrf
) -> None:
    browser_login("lab")
    cookie = client.cookies.get(SESSION_COOKIE)
    assert _change(client, csrf_of, "demo123", "lab-pass-2026", "lab-pass-2026").status_code == 303
    client.cookies.set(SESSION_COOKIE, cookie or "")
    answer = client.get("/samples", follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, "/login")


def test_the_kiosk_has_no_account_page(browser_login: Callable[[str], TestClient]) -> None:
    client = browser_login("kiosk")
    assert client.get("/account").status_code == 403
    assert 'data-testid="nav-account"' not in client.get("/kiosk").text


def test_an_admin_adds_disables_and_resets_users(
    client: TestClient,
    browser_login: Callable[[str], TestClient],
    login: Callable[[str], dict[str, str]],
    csrf_of: Csrf,
    web_store: MemoryStore,
    web_services: Services,
) -> None:
    warehouse = login("warehouse")
    admin = browser_login("admin")
    page = admin.get("/users")
    assert page.status_code == 200
    assert all(f'data-user="{u}"' in page.text for u in ("admin", "lab", "kiosk", "cust-a"))
    new_user = {"username": "zhang", "display_name": "张工", "role": "lab", "customer_id": ""}
    added = _post(admin, csrf_of, "/users", "/users", password="zhang-pass-1", **new_user)
    assert added.status_code == 303
    assert web_store.users["zhang"].display_name == "张工"
    short = _post(admin, csrf_of, "/users", "/users", username="li", role="lab", password="x")
    assert short.status_code == 422
    assert "至少 8 个字符" in html.unescape(short.text)
    assert "li" not in web_store.users
    off = _post(admin, csrf_of, "/users", "/users/warehouse/access", role="warehouse", active="")
    assert off.status_code == 303
    assert web_store.users["warehouse"].active is False
    assert client.get("/api/auth/me", headers=warehouse).status_code == 401  # logins ended
    reset = _post(admin, csrf_of, "/users", "/users/lab/password", password="lab-reset-2026")
    assert reset.status_code == 303
    assert "密码已重设" in admin.get("/users?done=password").text
    assert web_services.hasher.verify(web_store.users["lab"].password_hash, "lab-reset-2026")


def test_only_admins_open_the_users_page(browser_login: Callable[[str], TestClient]) -> None:
    client = browser_login("lab")
    assert client.get("/users").status_code == 403
    assert 'href="/users"' not in client.get("/samples").text


def test_an_admin_registers_a_company_then_gives_its_person_a_login(
    browser_login: Callable[[str], TestClient], csrf_of: Csrf, web_store: MemoryStore
) -> None:
    admin = browser_login("admin")
    company = {"name": "泉州精工仪表", "credit_code": "91350100M000100Y4X", "phone": "139"}
    bad = _post(admin, csrf_of, "/users", "/users/companies", **company)
    assert bad.status_code == 422
    assert "统一社会信用代码" in html.unescape(bad.text)  # the field named in the page's language
    company["credit_code"] = "91350500MA2XN2LJ60"
    company["contact_name"], company["phone"] = "黄工", "13905950003"
    added = _post(admin, csrf_of, "/users", "/users/companies", **company)
    assert added.status_code == 303, added.text
    [made] = [c for c in web_store.customers.values() if c.name == "泉州精工仪表"]
    page = admin.get("/users?done=company").text
    assert f'value="{made.id}"' in page  # offered for the new user
    user = {"username": "huang", "role": "customer", "customer_id": made.id}
    assert (
        _post(admin, csrf_of, "/users", "/users", password="huang-pass-1", **user).status_code
        == 303
    )
    assert web_store.users["huang"].customer_id == made.id
