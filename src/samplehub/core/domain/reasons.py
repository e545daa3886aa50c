"""Reasons the system writes into its records (a transport task's, a custody record's, a pickup
code attempt's): one English sentence each, kept as written, since a record states a fact the
same way whatever language a page is in, and the catalogue message that words it on a page. A
reason a person typed matches none of them and is shown as typed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from samplehub.core.domain.lifecycle import Transition
from samplehub.core.domain.messages import Message, message_id
from samplehub.core.domain.timeline import TASK_KINDS

FIELD = re.compile(r"\{(\w+)\}")
WORD = r"\S+"
SPANS = {
    "reason": ".+",
    "task": r"TT\d+",
    "attempt": r"\d+",
    "attempts": r"\d+",
    "limit": r"\d+",
    "kind": "|".join(TASK_KINDS),  # names of task kinds and transitions only: a reason a person
    "transition": "|".join(t.value for t in Transition),  # typed must not read as one
    "by": "[^()]+",
    "errors": ".+",
    "node": "[^',]+",
    "map": "[^']+",
}
"""What each field may span when a written reason is read back; any other field is one word."""


@dataclass(frozen=True)
class Reason:
    """A sentence with ``{name}`` fields, and the catalogue message with the same names."""

    msgid: str
    text: str
    spans: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)
    """Its own spans for fields ``SPANS`` does not know (or spans them otherwise)."""
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        parts, last = [], 0
        for found in FIELD.finditer(self.text):
            name = found.group(1)
            span = self.spans.get(name) or SPANS.get(name, WORD)
            parts += [re.escape(self.text[last : found.start()]), f"(?P<{name}>{span})"]
            last = found.end()
        parts.append(re.escape(self.text[last:]))
        object.__setattr__(self, "pattern", re.compile("".join(parts)))

    def __call__(self, **values: object) -> str:
        return self.text.format(**values)


# transport tasks and the custody records of a held sample
ATTEMPT = Reason(message_id("core.reason_attempt"), "{reason} (attempt {attempt} of {attempts})")
FOR_TASK = Reason(message_id("core.reason_for_task"), "{task}: {reason}")
RELEASED_BY = Reason(message_id("core.reason_released_by"), "released by {user}")
REDISPATCHED = Reason(message_id("core.reason_redispatched"), "re-dispatched to {robot}")
LOST = Reason(message_id("core.reason_lost"), "robot {robot} lost before pick-up")
STRANDED = Reason(
    message_id("core.reason_stranded"), "sample stranded on robot {robot}; staff must take it off"
)
NOT_BACK = Reason(message_id("core.reason_not_back"), "robot {robot} did not come back")
NOT_BACK_CARRYING = Reason(
    message_id("core.reason_not_back_carrying"),
    "robot {robot} carrying the sample did not come back",
)
DOOR_FAILED = Reason(
    message_id("core.reason_door_failed"), "compartment {compartment} did not open"
)
# why a robot's work was taken from it (the sample-on-robot alert names it)
SILENT = Reason(message_id("core.reason_silent"), "silent for {seconds} s")
STOPPED_LONG = Reason(
    message_id("core.reason_stopped_long"), "on its emergency stop for {seconds} s"
)
CONNECTION = Reason(message_id("core.reason_connection"), "connection {state}")
ORDER_REJECTED = Reason(message_id("core.reason_order_rejected"), "order rejected")
FATAL = Reason(message_id("core.reason_fatal"), "fatal error {errors}")
NO_ROUTE = Reason(message_id("core.reason_no_route"), "no route to {node}")
ACTION_FAILED = Reason(message_id("core.reason_action_failed"), "action {action} failed")
MODE = Reason(message_id("core.reason_mode"), "operatingMode {mode}")
NOT_LOCALISED = Reason(message_id("core.reason_not_localised"), "position not initialised")
OFF_MAP = Reason(message_id("core.reason_off_map"), "lastNodeId '{node}' is not on map '{map}'")
TASK_WITHDRAWN = Reason(message_id("core.reason_task_withdrawn"), "task {task} withdrawn")
CLASH = Reason(message_id("core.reason_clash"), "reports standing at {node}, where {holder} stands")
# lifecycle steps and the tasks they start
RECEIVED = Reason(message_id("core.reason_received"), "received at intake")
ARRIVED = Reason(message_id("core.reason_arrived"), "{kind} {task}")
WITHDRAWN = Reason(message_id("core.reason_withdrawn"), "{transition} by {user}")
LAB_REQUEST = Reason(
    message_id("core.reason_lab_request"),
    "lab-request bench={bench} for={user}",
    {"bench": "[A-Za-z0-9._-]+", "user": "[a-z0-9._-]+"},  # the lab reads it back (bench.py)
)
LAB_RETURN = Reason(message_id("core.reason_lab_return"), "lab-return")
COLLECTED = Reason(message_id("core.reason_collected"), "collected at the pickup kiosk ({by})")
PICKUP_CANCELLED = Reason(message_id("core.reason_pickup_cancelled"), "pickup cancelled: {reason}")
CANCELLED_BY = Reason(message_id("core.reason_cancelled_by"), "cancelled by {user}")
NOT_READ = Reason(message_id("core.reason_not_read"), "inventory: not read at {slot}")
SEEN_ELSEWHERE = Reason(
    message_id("core.reason_seen_elsewhere"), "inventory: seen at {seen}, recorded at {recorded}"
)
# pickup code attempts
KIOSK_LOCKED = Reason(message_id("core.reason_kiosk_locked"), "kiosk locked")
LOCKED = Reason(message_id("core.reason_locked"), "locked")  # a code attempt's verdict
INSTITUTE_LOCKED = Reason(
    message_id("core.reason_institute_locked"), "institute wrong-code limit reached"
)
INSTITUTE_LOCKED_AT = Reason(
    message_id("core.reason_institute_locked_at"),
    "institute wrong-code limit reached: {limit} wrong codes this hour",
)
MALFORMED = Reason(message_id("core.reason_malformed"), "malformed")
ACCEPTED = Reason(message_id("core.reason_accepted"), "accepted")
REJECTED = Reason(message_id("core.reason_rejected"), "rejected")
UNKNOWN_CODE = Reason(message_id("core.reason_unknown_code"), "unknown code")
OTHER_BOOKING = Reason(message_id("core.reason_other_booking"), "code of another booking")
CODE_NOT_YET_VALID = Reason(message_id("core.reason_code_not_yet_valid"), "code not_yet_valid")
CODE_EXPIRED = Reason(message_id("core.reason_code_expired"), "code expired")
CODE_USED = Reason(message_id("core.reason_code_used"), "code used")
CODE_REVOKED = Reason(message_id("core.reason_code_revoked"), "code revoked")

REASONS = (
    RECEIVED, LAB_REQUEST, LAB_RETURN, COLLECTED, PICKUP_CANCELLED, CANCELLED_BY, NOT_READ,
    SEEN_ELSEWHERE, ATTEMPT, RELEASED_BY, REDISPATCHED, LOST, STRANDED, NOT_BACK,
    NOT_BACK_CARRYING, DOOR_FAILED, SILENT, STOPPED_LONG, CONNECTION, ORDER_REJECTED, FATAL,
    NO_ROUTE, ACTION_FAILED, MODE, NOT_LOCALISED, OFF_MAP, CLASH, TASK_WITHDRAWN,
    KIOSK_LOCKED, LOCKED, INSTITUTE_LOCKED, INSTITUTE_LOCKED_AT, MALFORMED, ACCEPTED, REJECTED,
    UNKNOWN_CODE, OTHER_BOOKING, CODE_NOT_YET_VALID, CODE_EXPIRED, CODE_USED, CODE_REVOKED,
    WITHDRAWN, ARRIVED, FOR_TASK,
)  # fmt: skip
"""Tried in this order: the most particular first, a task's prefix last."""


def reading(text: str, table: Sequence[Reason] = REASONS) -> Message | None:
    """The message a written reason (of ``table``) came from, with its values (a nested
    ``reason`` read as one of ``REASONS``, or kept as typed); None for one a person typed."""
    for reason in table:
        found = reason.pattern.fullmatch(text)
        if found is not None:
            values: dict[str, object] = dict(found.groupdict())
            if "reason" in values:
                values["reason"] = reading(found["reason"]) or found["reason"]
            return Message(reason.msgid, values)
    return None
