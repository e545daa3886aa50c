"""My account (/account) and the admin's users page (/users).

/account: who one is, and one's own password changed with the current one (people only: a
device login's password is reset by an admin). Every login of the user then ends; the browser
goes to the login page.

/users (admins): every login with its role, company and whether it may log in; a new user;
another role, disabled or enabled (a disabled user's logins end at once), a new password set
(every login of the user ends); a new customer company, so that its people can have logins.
The same commands as ``/api/users`` and ``/api/customers``.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from samplehub.core.domain.errors import DomainError, InvalidValue
from samplehub.core.domain.messages import Message, message_id
from samplehub.core.domain.model import Role
from samplehub.core.domain.permissions import Action, may
from samplehub.core.service import commands as c
from samplehub.core.service import queries
from samplehub.core.service.commands import Actor
from samplehub.web.access import allow
from samplehub.web.api.auth import client_address
from samplehub.web.api.errors import domain_error_body
from samplehub.web.context import FormText, Page, PageContext
from samplehub.web.error_text import error_text
from samplehub.web.pages import _redirect, csrf_required, role_required
from samplehub.web.sessions import SESSION_COOKIE, change_user, set_password

account = APIRouter(include_in_schema=False, dependencies=[allow(Action.ACCOUNT)])
users = APIRouter(include_in_schema=False, dependencies=[allow(Action.USERS_MANAGE)])
FIELDS = {
    "current_password": message_id("web.current_password"),
    "password": message_id("web.new_password"),
    "repeat": message_id("web.repeat_password"),
    "username": message_id("web.username"),
    "role": message_id("web.role"),
    "customer_id": message_id("web.customer"),
    "name": message_id("web.company_name"),
    "credit_code": message_id("web.credit_code"),
    "contacts": message_id("web.contact"),
}

DONE = {
    "company": message_id("web.users_done_company"),
    "added": message_id("web.users_done_added"),
    "changed": message_id("web.users_done_changed"),
    "password": message_id("web.users_done_password"),
}


def _person(ctx: PageContext) -> Actor:
    return role_required(ctx, lambda a: may(a.role, Action.ACCOUNT))


def _account(ctx: PageContext, status: int = 200, error: str = "") -> Response:
    return ctx.render("account.html", status, error=error)


@account.get("/account")
def account_page(ctx: Page) -> Response:
    _person(ctx)
    return _account(ctx)


def _refusal(ctx: PageContext, refused: HTTPException) -> str:
    """A 429 or 503 of the password check, said in the page's language."""
    wait = int((refused.headers or {}).get("Retry-After", "60"))
    return ctx.t("web.too_many", seconds=wait)


def _same(password: str, repeat: str) -> None:
    if password != repeat:
        raise InvalidValue("repeat", "***", "the new password again", Message("web.allowed_repeat"))


@account.post("/account/password")
def change_own_password(
    ctx: Page,
    request: Request,
    current_password: FormText = "",
    password: FormText = "",
    repeat: FormText = "",
    csrf: FormText = "",
) -> Response:
    actor = _person(ctx)
    csrf_required(ctx, csrf)
    try:
        _same(password, repeat)
        set_password(
            ctx.state, actor, actor.username, password, current_password, client_address(request)
        )
    except DomainError as error:
        status = domain_error_body(error)[0]
        return _account(ctx, status, error_text(ctx.t, error, FIELDS))
    except HTTPException as refused:
        return _account(ctx, refused.status_code, _refusal(ctx, refused))
    response = _redirect(ctx, "/login?changed=1")  # every login of the user has ended
    response.delete_cookie(SESSION_COOKIE)
    return response


def _admin(ctx: PageContext) -> Actor:
    return role_required(ctx, lambda a: may(a.role, Action.USERS_MANAGE))


def _users(ctx: PageContext, actor: Actor, status: int = 200, error: str = "") -> Response:
    services = ctx.state.services
    customers = queries.list_customers(services.uow_factory, actor)
    return ctx.render(
        "users.html",
        status,
        users=sorted(queries.list_users(services.uow_factory, actor), key=lambda u: u.username),
        companies={customer.id: customer.name for customer in customers},
        roles=[role.value for role in Role],
        error=error,
        done=DONE.get(ctx.request.query_params.get("done", "")),
    )


@users.get("/users")
def users_page(ctx: Page) -> Response:
    return _users(ctx, _admin(ctx))


def _then(ctx: PageContext, actor: Actor, work: Callable[[], object], done: str) -> Response:
    """The users page after ``work`` (one command): again with the error said in the page's
    language, or with ``done`` shown."""
    try:
        work()
    except DomainError as error:
        status = domain_error_body(error)[0]
        return _users(ctx, actor, status, error_text(ctx.t, error, FIELDS))
    except HTTPException as refused:
        return _users(ctx, actor, refused.status_code, _refusal(ctx, refused))
    return _redirect(ctx, f"/users?done={done}")


@users.post("/users")
def add_user(
    ctx: Page,
    username: FormText = "",
    display_name: FormText = "",
    role: FormText = "",
    customer_id: FormText = "",
    password: FormText = "",
    csrf: FormText = "",
) -> Response:
    actor = _admin(ctx)
    csrf_required(ctx, csrf)
    command = c.CreateUser(
        actor, username.strip().lower(), password, role, customer_id or None, display_name
    )
    return _then(ctx, actor, lambda: ctx.state.services.bus.handle(command), "added")


@users.post("/users/companies")
def add_company(
    ctx: Page,
    name: FormText = "",
    credit_code: FormText = "",
    contact_name: FormText = "",
    phone: FormText = "",
    email: FormText = "",
    csrf: FormText = "",
) -> Response:
    """A new customer company (委托单位), so that its people can be given logins."""
    actor = _admin(ctx)
    csrf_required(ctx, csrf)
    given = contact_name.strip(), phone.strip(), email.strip()
    contact = given if given[2] else given[:2]  # (name, phone) or (name, phone, email)
    command = c.RegisterCustomer(
        actor, name.strip(), credit_code.strip().upper(), [contact] if any(given) else []
    )
    return _then(ctx, actor, lambda: ctx.state.services.bus.handle(command), "company")


@users.post("/users/{username}/access")
def change_access(
    ctx: Page, username: str, role: FormText = "", active: FormText = "", csrf: FormText = ""
) -> Response:
    """Another role and whether the user may log in; a disabled user's logins end at once."""
    actor = _admin(ctx)
    csrf_required(ctx, csrf)
    enabled = active == "1"
    return _then(
        ctx,
        actor,
        lambda: change_user(ctx.state, actor, username, role or None, enabled),
        "changed",
    )


@users.post("/users/{username}/password")
def reset_password(
    ctx: Page,
    request: Request,
    username: str,
    password: FormText = "",
    csrf: FormText = "",
) -> Response:
    actor = _admin(ctx)
    csrf_required(ctx, csrf)
    address = client_address(request)

    def reset() -> None:
        set_password(ctx.state, actor, username, password, None, address)

    return _then(ctx, actor, reset, "password")
