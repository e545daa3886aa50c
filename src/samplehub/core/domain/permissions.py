"""Which role may do what. Customers only read; devices and staff move samples.

``PERMISSIONS`` is the one declared table (action × role) every route and page is gated by;
``None`` in a row stands for an anonymous caller. The kiosk is a device: it reaches only the
kiosk desk and the pickup kiosk, never another company's data or the staff pages.
"""

from __future__ import annotations

import enum

from samplehub.core.domain.lifecycle import Transition
from samplehub.core.domain.model import Role


class Action(enum.StrEnum):
    """What a route or page does, as the permission table names it."""

    PUBLIC = "public"  # login, health, API docs, certificate verification
    SIGNED_IN = "signed_in"  # the home redirect, who am I, logout
    ACCOUNT = "account"  # one's own account: its password (people, not device logins)
    ORDERS_READ = "orders.read"
    ORDERS_CREATE = "orders.create"
    SAMPLES_READ = "samples.read"
    SAMPLES_REGISTER = "samples.register"
    SAMPLES_TRANSITION = "samples.transition"
    CUSTOMERS_READ = "customers.read"
    CUSTOMERS_REGISTER = "customers.register"
    USERS_MANAGE = "users.manage"
    AUDIT_VERIFY = "audit.verify"
    TASKS_SEE = "tasks.see"
    KIOSK_DESK = "kiosk.desk"  # the intake kiosk's pages and API
    KIOSK_QUEUE = "kiosk.queue"  # the put-away queue and device faults (staff)
    LAB_WORK = "lab.work"
    RECALL = "recall"
    STORAGE_SEE = "storage.see"
    STORAGE_INVENTORY = "storage.inventory"  # run a cycle count of the shelves
    PICKUP_BOOK = "pickup.book"
    PICKUP_STAFF = "pickup.staff"
    PICKUP_KIOSK = "pickup.kiosk"
    FLEET_SEE = "fleet.see"
    STATUS = "status"  # the installation's health: disk, backups, notices, anchors, robots


ANONYMOUS = None
EVERY_ROLE = frozenset(Role)
STAFF = frozenset({Role.ADMIN, Role.LAB, Role.APPROVER, Role.WAREHOUSE})
PEOPLE = STAFF | {Role.CUSTOMER}
_A = Action
PERMISSIONS: dict[Action, frozenset[Role | None]] = {
    _A.PUBLIC: frozenset({*EVERY_ROLE, ANONYMOUS}),
    _A.SIGNED_IN: EVERY_ROLE,
    _A.ACCOUNT: PEOPLE,
    _A.ORDERS_READ: PEOPLE,
    _A.ORDERS_CREATE: frozenset({Role.CUSTOMER, Role.ADMIN}),
    _A.SAMPLES_READ: PEOPLE,
    _A.SAMPLES_REGISTER: frozenset({Role.WAREHOUSE, Role.ADMIN}),
    _A.SAMPLES_TRANSITION: STAFF,
    _A.CUSTOMERS_READ: PEOPLE,
    _A.CUSTOMERS_REGISTER: frozenset({Role.ADMIN}),
    _A.USERS_MANAGE: frozenset({Role.ADMIN}),
    _A.AUDIT_VERIFY: frozenset({Role.ADMIN}),
    _A.TASKS_SEE: STAFF,
    _A.KIOSK_DESK: frozenset({Role.KIOSK, Role.ADMIN}),
    _A.KIOSK_QUEUE: STAFF,
    _A.LAB_WORK: frozenset({Role.LAB, Role.APPROVER, Role.ADMIN}),
    _A.RECALL: PEOPLE,
    _A.STORAGE_SEE: STAFF,
    _A.STORAGE_INVENTORY: frozenset({Role.WAREHOUSE, Role.ADMIN}),
    _A.PICKUP_BOOK: PEOPLE,
    _A.PICKUP_STAFF: STAFF,
    _A.PICKUP_KIOSK: frozenset({Role.KIOSK, Role.ADMIN}),
    _A.FLEET_SEE: STAFF,
    _A.STATUS: frozenset({Role.ADMIN}),
}


def may(role: Role | None, action: Action) -> bool:
    """Whether ``role`` (None: nobody logged in) may do ``action``, by the table."""
    return role in PERMISSIONS[action]


T = Transition
TRANSITIONS_BY_ROLE: dict[Role, frozenset[Transition]] = {
    Role.CUSTOMER: frozenset(),
    Role.KIOSK: frozenset({T.RECEIVE, T.REJECT, T.COLLECT}),
    # the warehouse (staff and the robot fleet) carries samples to the lab benches too
    Role.WAREHOUSE: frozenset(
        {
            T.START_TRANSPORT,
            T.STORE,
            T.DELIVER_TO_LAB,
            T.STAGE,
            T.COLLECT,
            T.EXPIRE_PICKUP,
            T.HOLD,
            T.RELEASE,
        }
    ),
    Role.LAB: frozenset({T.START_TRANSPORT, T.DELIVER_TO_LAB, T.COMPLETE_SERVICE, T.HOLD}),
    Role.APPROVER: frozenset({T.START_TRANSPORT, T.DELIVER_TO_LAB, T.COMPLETE_SERVICE, T.HOLD}),
    Role.ADMIN: frozenset(Transition),
}


def may_apply(role: Role, transition: Transition) -> bool:
    return transition in TRANSITIONS_BY_ROLE[role]


def may_work_in_lab(role: Role) -> bool:
    """The lab console, results and the review (核验) of certificates."""
    return may(role, Action.LAB_WORK)


def may_approve_certificates(role: Role) -> bool:
    """批准 needs the approver role; the certificate itself refuses its author and reviewer."""
    return role is Role.APPROVER


def may_manage_users(role: Role) -> bool:
    return role is Role.ADMIN


def may_register_customers(role: Role) -> bool:
    return role in (Role.ADMIN, Role.KIOSK)


CARRIERS = frozenset({Role.WAREHOUSE, Role.LAB, Role.ADMIN})


def may_carry(role: Role) -> bool:
    """Report the steps of a transport task (the fleet, warehouse and lab staff by hand)."""
    return role in CARRIERS


LAB_CARRIES = frozenset({"to_bench", "return"})


def may_carry_kind(role: Role, kind: str) -> bool:
    """The warehouse and the fleet carry every kind; lab staff only to and from their benches."""
    if role in (Role.LAB, Role.APPROVER):
        return kind in LAB_CARRIES
    return may_carry(role)


def may_request_transport(role: Role) -> bool:
    return role in (Role.WAREHOUSE, Role.LAB, Role.APPROVER, Role.ADMIN)


def may_manage_tasks(role: Role) -> bool:
    """Cancel or re-route a transport task (with a reason)."""
    return role in (Role.WAREHOUSE, Role.ADMIN)


def may_see_tasks(role: Role) -> bool:
    """The /tasks pick list and its API: the warehouse, lab staff and admins (never a kiosk
    or a customer)."""
    return may(role, Action.TASKS_SEE)
