"""Why the kiosk refused something, in both languages, naming the field, value and what is allowed.

They are InvalidValue errors, so the API answers 422 with ``field``, ``value`` and ``allowed``
like any other; the page shows ``message(locale)``.
"""

from __future__ import annotations

from samplehub.core.domain.errors import InvalidValue


class KioskRefusal(InvalidValue):
    """An InvalidValue with a Chinese and an English sentence for the touchscreen."""

    def __init__(self, field: str, value: object, allowed: str, zh: str, en: str) -> None:
        super().__init__(field, value, allowed)
        self.zh = zh
        self.en = en
        self.args = (f"{zh} / {en}",)

    def message(self, locale: str = "zh-CN") -> str:
        return self.en if locale.lower().startswith("en") else self.zh


def session_ended(session_id: str, idle_s: float) -> KioskRefusal:
    allowed = f"an active kiosk session (it ends when finished, abandoned or idle {idle_s:g} s)"
    return KioskRefusal(
        "session",
        session_id,
        allowed,
        zh="本次送样已结束或超时，未完成的内容均未保存，请重新开始",
        en="This hand-in has ended or timed out; nothing unfinished was kept. Please start again",
    )


def other_company(order_number: str, credit_code: str) -> KioskRefusal:
    return KioskRefusal(
        "order_number",
        order_number,
        f"an order of the company with credit code {credit_code}",
        zh=f"委托单 {order_number} 不属于统一社会信用代码为 {credit_code} 的单位",
        en=f"order {order_number} belongs to another company than {credit_code}",
    )


def photo_refused(field: str, value: str, allowed: str, zh: str, en: str) -> KioskRefusal:
    return KioskRefusal(f"photo.{field}", value, allowed, zh=zh, en=en)


def serial_taken(serial: str, allowed: str) -> KioskRefusal:
    return KioskRefusal(
        "serial_number",
        serial,
        allowed,
        zh=f"出厂编号 {serial} 的器具已经收样，不能重复送检",
        en=f"an instrument with serial number {serial} has already been handed in",
    )
