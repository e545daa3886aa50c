"""The pages' translations: gettext catalogues managed with Babel, zh-CN by default, English.

Every text a page shows is a message id of ``locale/<lang>/LC_MESSAGES/messages.po``, named
after the slice that defines it (``web.login_title``, ``intake.kiosk_title``,
``pickup.kiosk_title`` …), so two slices can never share one. Templates call
``_("intake.kiosk_title")`` (``jinja2.ext.i18n``); Python edges call ``ctx.t("…", n=3)``. The
texts are %-format strings (``%(n)s``). ``make i18n-extract``, ``i18n-update`` and
``i18n-compile`` keep the catalogues in step with the code; a unit test fails when they are not.
Times are shown in Asia/Shanghai, formatted by Babel.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from gettext import NullTranslations
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_datetime
from babel.support import Translations
from jinja2 import Environment, pass_context
from jinja2.runtime import Context

from samplehub.core.domain.lifecycle import LABELS, HoldReason, SampleState, Transition
from samplehub.core.domain.locations import LocationKind
from samplehub.core.domain.messages import Message, message_id
from samplehub.core.domain.model import Channel, Role, Service
from samplehub.core.domain.reasons import reading
from samplehub.core.domain.timeline import TASK_KINDS, TimelineEntry
from samplehub.core.service.commands import SYSTEM

LOCALES = ("zh-CN", "en")
DEFAULT_LOCALE = "zh-CN"
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
# China Standard Time: UTC+8 all year, no daylight saving since 1991; a fixed offset needs no
# time zone database on the machine.
SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")
TIME_PATTERN = "yyyy-MM-dd HH:mm"

PLACES: dict[LocationKind, str] = {
    LocationKind.CUSTOMER: message_id("core.loc_customer"),
    LocationKind.INTAKE_PLATFORM: message_id("core.loc_intake_platform"),
    LocationKind.STORAGE_SLOT: message_id("core.loc_storage_slot"),
    LocationKind.ROBOT: message_id("core.loc_robot"),
    LocationKind.STAFF: message_id("core.loc_staff"),
    LocationKind.LAB_BENCH: message_id("core.loc_lab_bench"),
    LocationKind.LOCKER_COMPARTMENT: message_id("core.loc_locker_compartment"),
    LocationKind.COUNTER: message_id("core.loc_counter"),
}
TRANSITIONS: dict[Transition, str] = {
    Transition.RECEIVE: message_id("core.tr_receive"),
    Transition.REJECT: message_id("core.tr_reject"),
    Transition.START_TRANSPORT: message_id("core.tr_start_transport"),
    Transition.STORE: message_id("core.tr_store"),
    Transition.DELIVER_TO_LAB: message_id("core.tr_deliver_to_lab"),
    Transition.COMPLETE_SERVICE: message_id("core.tr_complete_service"),
    Transition.STAGE: message_id("core.tr_stage"),
    Transition.COLLECT: message_id("core.tr_collect"),
    Transition.EXPIRE_PICKUP: message_id("core.tr_expire_pickup"),
    Transition.HOLD: message_id("core.tr_hold"),
    Transition.RELEASE: message_id("core.tr_release"),
}
HOLD_REASONS: dict[HoldReason, str] = {
    HoldReason.MISMATCH: message_id("core.hold_mismatch"),
    HoldReason.MISSING: message_id("core.hold_missing"),
    HoldReason.DAMAGED: message_id("core.hold_damaged"),
}
ROLES: dict[Role, str] = {
    Role.CUSTOMER: message_id("core.role_customer"),
    Role.KIOSK: message_id("core.role_kiosk"),
    Role.LAB: message_id("core.role_lab"),
    Role.APPROVER: message_id("core.role_approver"),
    Role.WAREHOUSE: message_id("core.role_warehouse"),
    Role.ADMIN: message_id("core.role_admin"),
}
SERVICES: dict[Service, str] = {
    Service.VERIFICATION: message_id("core.service_verification"),
    Service.CALIBRATION: message_id("core.service_calibration"),
}
CHANNELS: dict[Channel, str] = {
    Channel.ONLINE: message_id("core.channel_online"),
    Channel.KIOSK: message_id("core.channel_kiosk"),
}
ACTORS: dict[str, str] = {SYSTEM.username: message_id("core.actor_system")}
"""Accounts the system acts as, named in the page's language where a reason names them."""


def pick_locale(asked: str | None, default: str) -> str:
    """The locale for ``asked`` (a query or cookie value), or ``default`` when it is not known."""
    if asked in LOCALES:
        return str(asked)
    if asked and asked.lower().startswith("en"):
        return "en"
    return default if default in LOCALES else DEFAULT_LOCALE


def gettext_name(locale: str) -> str:
    """The catalogue folder of a locale: ``zh-CN`` is ``zh_CN``."""
    return locale.replace("-", "_")


@functools.cache
def translations(locale: str) -> NullTranslations:
    """The compiled catalogue of ``locale``; an id it lacks falls back to the other language."""
    own = Translations.load(LOCALE_DIR, [gettext_name(locale)], DOMAIN)
    other = "en" if locale == DEFAULT_LOCALE else DEFAULT_LOCALE
    own.add_fallback(Translations.load(LOCALE_DIR, [gettext_name(other)], DOMAIN))
    return own


def translate(locale: str, msgid: str, values: Mapping[str, object] | None = None) -> str:
    """The text of ``msgid`` in ``locale`` with ``values`` filled in (``%(name)s``); a value
    that is itself a ``Message`` (a status label, say) is said in ``locale`` too."""
    filled = {
        name: translate(locale, value.id, value.params) if isinstance(value, Message) else value
        for name, value in (values or {}).items()
    }
    return translations(locale).gettext(msgid) % filled


def timeline_title(locale: str, entry: TimelineEntry) -> str:
    """A history line's title, with the certificate a certificate step names."""
    title = translate(locale, entry.title)
    if entry.kind is not None:
        return f"{translate(locale, entry.kind)} {entry.task}: {title}"
    return f"{title} {entry.certificate}" if entry.certificate else title


def _label(locale: str, labels: Mapping[Any, str], value: object) -> str:
    msgid = labels.get(value)
    return translate(locale, msgid) if msgid is not None else str(value)


class Translator:
    """The catalogue seen in one locale: ``t("web.results", total=3)``, and the page formats."""

    def __init__(self, locale: str) -> None:
        self.locale = locale

    def __call__(self, msgid: str, **values: object) -> str:
        return translate(self.locale, msgid, values)

    def message(self, message: Message) -> str:
        """A message the domain or a service handed over, with its values."""
        return translate(self.locale, message.id, message.params)

    def reason(self, text: str | None) -> str:
        """A reason from a record: one the system wrote, in this locale; one a person typed,
        as typed (``core/domain/reasons.py``)."""
        message = reading(text) if text else None
        return self.message(self._labelled(message)) if message is not None else text or ""

    def _labelled(self, message: Message) -> Message:
        """A read reason with its task kind, lifecycle step and the system's account named, not
        spelled as code."""
        values = dict(message.params)
        for name, labels in (("kind", TASK_KINDS), ("transition", TRANSITIONS), ("user", ACTORS)):
            if name in values:
                values[name] = self.label(labels, values[name])
        nested = values.get("reason")
        if isinstance(nested, Message):
            values["reason"] = self._labelled(nested)
        return Message(message.id, values)

    def label(self, labels: Mapping[Any, str], value: object) -> str:
        """The label of ``value`` in ``labels`` (value -> message id); the value if it has none."""
        return _label(self.locale, labels, value)

    def timeline_title(self, entry: TimelineEntry) -> str:
        return timeline_title(self.locale, entry)

    def state(self, state: str) -> str:
        return self(LABELS[SampleState(state)])

    def transition(self, transition: str) -> str:
        return _label(self.locale, TRANSITIONS, transition)

    def hold_reason(self, reason: str) -> str:
        return _label(self.locale, HOLD_REASONS, reason)

    def role(self, role: str) -> str:
        return _label(self.locale, ROLES, role)

    def service(self, service: str) -> str:
        return _label(self.locale, SERVICES, service)

    def channel(self, channel: str) -> str:
        return _label(self.locale, CHANNELS, channel)

    def place(self, location: str | None) -> str:
        """``storage_slot:A-03-2-07`` as ``货位 A-03-2-07``."""
        if not location:
            return ""
        kind, _, code = location.partition(":")
        label = _label(self.locale, PLACES, kind)
        if kind == LocationKind.CUSTOMER:
            return label
        return f"{label} {code}".strip()

    def time(self, value: datetime | str | None) -> str:
        """A time in Asia/Shanghai, ``2026-11-02 17:00``."""
        if value is None:
            return ""
        if isinstance(value, str):
            value = datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return format_datetime(
            value, TIME_PATTERN, tzinfo=SHANGHAI, locale=Locale.parse(self.locale, sep="-")
        )


@pass_context
def _gettext(context: Context, msgid: str) -> str:
    translator: Translator = context["t"]
    return translations(translator.locale).gettext(msgid)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    translator: Translator = context["t"]
    return translations(translator.locale).ngettext(singular, plural, n)


def install(env: Environment) -> None:
    """``_()`` and ``{% trans %}`` in ``env``'s templates, in the locale of the page's ``t``."""
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(  # type: ignore[attr-defined]
        _gettext, _ngettext, newstyle=True
    )
