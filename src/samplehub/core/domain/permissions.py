"""Which role may do what. Customers only read; devices and staff move samples."""

from __future__ import annotations

from samplehub.core.domain.lifecycle import Transition
from samplehub.core.domain.model import Role

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


LAB_ROLES = frozenset({Role.LAB, Role.APPROVER, Role.ADMIN})


def may_work_in_lab(role: Role) -> bool:
    """The lab console, results and the review (核验) of certificates."""
    return role in LAB_ROLES


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


TASK_ROLES = frozenset({Role.WAREHOUSE, Role.LAB, Role.APPROVER, Role.ADMIN})


def may_see_tasks(role: Role) -> bool:
    """The /tasks pick list and its API: the warehouse, lab staff and admins (never a kiosk
    or a customer)."""
    return role in TASK_ROLES
