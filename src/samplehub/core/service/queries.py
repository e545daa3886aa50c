"""Read side: what pages and API clients ask. Tenant isolation is applied here, once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from samplehub.core.domain import audit
from samplehub.core.domain.anchors import Verifier, verify_anchored
from samplehub.core.domain.errors import Forbidden, NotFound
from samplehub.core.domain.model import Customer, Order, Role, Sample, User
from samplehub.core.domain.timeline import TimelineEntry, sample_timeline
from samplehub.core.service.commands import Actor
from samplehub.core.service.ports import Page, PasswordHasher, SampleFilter, UnitOfWork

UowFactory = Callable[[], UnitOfWork]


def _scope(actor: Actor, customer_id: str | None) -> str | None:
    """Customers are confined to their own company, whatever they ask for."""
    return customer_id if actor.is_staff else actor.customer_id


def get_sample(uow_factory: UowFactory, actor: Actor, number: str) -> Sample:
    with uow_factory() as uow:
        sample = uow.samples.get(number)
    if sample is None or (not actor.is_staff and sample.customer_id != actor.customer_id):
        raise NotFound("sample", number)
    return sample


def list_samples(uow_factory: UowFactory, actor: Actor, query: SampleFilter) -> Page[Sample]:
    query = replace(query, customer_id=_scope(actor, query.customer_id))
    with uow_factory() as uow:
        return uow.samples.search(query)


def timeline(uow_factory: UowFactory, actor: Actor, number: str) -> list[TimelineEntry]:
    get_sample(uow_factory, actor, number)
    with uow_factory() as uow:
        return sample_timeline(uow.audit.records(sample_number=number))


def get_order(uow_factory: UowFactory, actor: Actor, number: str) -> tuple[Order, list[Sample]]:
    with uow_factory() as uow:
        order = uow.orders.get(number)
        if order is None or (not actor.is_staff and order.customer_id != actor.customer_id):
            raise NotFound("order", number)
        return order, uow.samples.for_order(number)


def list_orders(
    uow_factory: UowFactory, actor: Actor, customer_id: str | None, offset: int, limit: int
) -> Page[Order]:
    with uow_factory() as uow:
        return uow.orders.page(_scope(actor, customer_id), offset, limit)


def get_customer(uow_factory: UowFactory, actor: Actor, customer_id: str) -> Customer:
    with uow_factory() as uow:
        customer = uow.customers.get(customer_id)
    if customer is None or not (actor.is_staff or actor.customer_id == customer_id):
        raise NotFound("customer", customer_id)
    return customer


def list_customers(uow_factory: UowFactory, actor: Actor) -> list[Customer]:
    with uow_factory() as uow:
        customers = uow.customers.all()
    return [c for c in customers if actor.is_staff or c.id == actor.customer_id]


def list_users(uow_factory: UowFactory, actor: Actor) -> list[User]:
    if actor.role is not Role.ADMIN:
        raise Forbidden(actor.username, "list users")
    with uow_factory() as uow:
        return uow.users.all()


def has_admin(uow_factory: UowFactory) -> bool:
    """Whether any active user may manage users: a new installation has none until one is made
    on the server (`samplehub user add NAME --role admin`)."""
    with uow_factory() as uow:
        return any(u.active and u.role is Role.ADMIN for u in uow.users.all())


def verify_audit(uow_factory: UowFactory, check: Verifier | None = None) -> audit.Verification:
    """The chain walked in order; given ``check``, also held against every signed anchor in
    the log (a cut tail, a rewritten chain), the first problem reported."""
    with uow_factory() as uow:
        records = uow.audit.records()
        anchors = uow.audit.anchors() if check is not None else []
    if check is None:
        return audit.verify(records)
    anchored = verify_anchored(records, anchors, check)
    problem = anchored.problems[0] if anchored.problems else None
    return audit.Verification(anchored.ok, anchored.count, anchored.broken_seq, problem)


def active_actor(uow_factory: UowFactory, username: str) -> Actor | None:
    """The actor ``username`` is now (their current role), or None once disabled or gone."""
    with uow_factory() as uow:
        user = uow.users.get(username)
    if user is None or not user.active:
        return None
    return Actor(user.username, user.role, user.customer_id)


def authenticate(
    uow_factory: UowFactory, hasher: PasswordHasher, username: str, password: str
) -> Actor | None:
    """The actor for a correct username and password; None otherwise (never says which)."""
    with uow_factory() as uow:
        user = uow.users.get(username)
    if user is None or not user.active:
        hasher.hash(password)  # spend about the same time, so timing does not tell
        return None
    if not hasher.verify(user.password_hash, password):
        return None
    return Actor(user.username, user.role, user.customer_id)
