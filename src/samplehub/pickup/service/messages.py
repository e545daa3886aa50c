"""What the customer and staff read about pickups: the catalogue message id of each notice.

Notifiers look the ids up by the keys the pickup use cases use; ``%(name)s`` fields come from
the ``details`` they pass. The code itself is only ever filled into ``pickup.notice_code``.
The texts live in SampleHub's gettext catalogue (zh-CN and English); ``Translate`` is how a
notifier is given it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from samplehub.core.domain.messages import message_id

Translate = Callable[[str, str, Mapping[str, object]], str]  # (locale, message id, values)

NOTICES: dict[str, str] = {
    "pickup_code": message_id("pickup.notice_code"),
    "pickup_at_counter": message_id("pickup.notice_at_counter"),
    "pickup_receipt": message_id("pickup.notice_receipt"),
    "pickup_rescheduled": message_id("pickup.notice_rescheduled"),
    "pickup_expired": message_id("pickup.notice_expired"),
    "kiosk_rejected": message_id("pickup.notice_kiosk_rejected"),
    "kiosk_locked": message_id("pickup.notice_kiosk_locked"),
    "sample_left_in_locker": message_id("pickup.notice_sample_left_in_locker"),
    "locker_fault": message_id("pickup.notice_locker_fault"),
    "pickup_ready": message_id("pickup.notice_ready"),
    "pickup_cancelled": message_id("pickup.notice_cancelled"),
    "locker_fault_at_pickup": message_id("pickup.notice_locker_fault_at_pickup"),
    "loading_failed": message_id("pickup.notice_loading_failed"),
    "locker_wrong_item": message_id("pickup.notice_locker_wrong_item"),
    "kiosk_locked_staff": message_id("pickup.notice_kiosk_locked_staff"),
    "institute_codes_locked": message_id("pickup.notice_institute_codes_locked"),
    "pickup_not_reschedulable": message_id("pickup.notice_not_reschedulable"),
}
SUBJECTS: dict[str, str] = {
    "pickup_code": message_id("pickup.subject_code"),
    "pickup_receipt": message_id("pickup.subject_receipt"),
    "pickup_expired": message_id("pickup.subject_expired"),
}
DEFAULT_SUBJECT = message_id("pickup.subject_notice")

STAFF_KEYS = {"kiosk_locked": "kiosk_locked_staff"}  # staff read a wording of their own


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def render(texts: Translate, key: str, details: dict[str, str], lang: str = "zh-CN") -> str:
    """The notice ``key`` in ``lang`` (zh-CN or en); an unknown key is shown as itself.

    A field the caller did not give is left empty rather than failing the notice.
    """
    return texts(lang, NOTICES.get(key, key), _Blank(details))
