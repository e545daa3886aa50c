"""The staff storage page: who may see it, and what it says without a site."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient


@pytest.mark.parametrize("username", ["warehouse", "lab", "admin"])
def test_staff_see_the_storage_page_and_its_link(
    browser_login: Callable[[str], TestClient], username: str
) -> None:
    client = browser_login(username)
    page = client.get("/storage")
    assert page.status_code == 200
    assert 'data-testid="storage-empty"' in page.text  # no site loaded in these fakes
    assert 'href="/storage"' in client.get("/samples").text


@pytest.mark.parametrize("username", ["kiosk", "cust-a"])
def test_the_kiosk_and_customers_never_see_it(
    browser_login: Callable[[str], TestClient], username: str
) -> None:
    client = browser_login(username)
    assert client.get("/storage").status_code == 403
    assert 'href="/storage"' not in client.get("/samples").text


def test_anonymous_visitors_are_sent_to_log_in(client: TestClient) -> None:
    answer = client.get("/storage", follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, "/login")
