"""Why the kiosk refused something: the field, value and what is allowed, and a catalogue message.

They are InvalidValue errors, so the API answers 422 with ``field``, ``value`` and ``allowed``
like any other; the page translates ``text`` (a message id with its values) into the
visitor's language.
"""

from __future__ import annotations

from samplehub.core.domain.errors import InvalidValue
from samplehub.core.domain.messages import Message


class KioskRefusal(InvalidValue):
    """An InvalidValue with the sentence the touchscreen shows, as a catalogue message."""

    text: Message

    def __init__(self, field: str, value: object, allowed: str, text: Message) -> None:
        super().__init__(field, value, allowed)
        self.text = text


def session_ended(session_id: str, idle_s: float) -> KioskRefusal:
    allowed = f"an active kiosk session (it ends when finished, abandoned or idle {idle_s:g} s)"
    return KioskRefusal("session", session_id, allowed, Message("intake.kiosk_session_ended"))


def other_company(order_number: str, credit_code: str) -> KioskRefusal:
    return KioskRefusal(
        "order_number",
        order_number,
        f"an order of the company with credit code {credit_code}",
        Message("intake.error_other_company", {"order": order_number, "code": credit_code}),
    )


def photo_refused(field: str, value: str, allowed: str, text: Message) -> KioskRefusal:
    return KioskRefusal(f"photo.{field}", value, allowed, text)


def serial_taken(serial: str, allowed: str) -> KioskRefusal:
    return KioskRefusal(
        "serial_number",
        serial,
        allowed,
        Message("intake.error_serial_taken", {"serial": serial}),
    )
