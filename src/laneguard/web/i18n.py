"""Page texts: gettext catalogues managed with Babel, zh-CN by default, English available.

Every text is a message id of ``locale/<lang>/LC_MESSAGES/messages.po``, named after the slice
that defines it (``records.incidents``, ``detection.ze_save``, ``alerting.enrol``, ``core.``
for the incident vocabulary, ``web.`` for the shell). Templates call ``_("records.incidents")``
(``jinja2.ext.i18n``); routes call ``t("…")``. The texts are %-format strings (``%(n)s``).
``make i18n-extract``, ``i18n-update`` and ``i18n-compile`` keep the catalogues in step with
the code; a unit test fails when they are not. Times are formatted by Babel in the station's
time zone.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import datetime, tzinfo
from gettext import NullTranslations
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_datetime
from babel.support import Translations
from jinja2 import Environment, pass_context
from jinja2.runtime import Context

from laneguard.core.domain.incidents import ObjectClass, Outcome
from laneguard.records.domain.stats import Dimension

LOCALES = ("zh-CN", "en")
DEFAULT_LOCALE = "zh-CN"
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
TIME_PATTERN = "yyyy-MM-dd HH:mm:ss"


def message_id(msgid: str) -> str:
    """Marks a literal message id for extraction where it is stored before it is translated."""
    return msgid


CLASSES: dict[ObjectClass, str] = {
    ObjectClass.PEDESTRIAN: message_id("core.class_pedestrian"),
    ObjectClass.BICYCLE: message_id("core.class_bicycle"),
    ObjectClass.MOTORCYCLE: message_id("core.class_motorcycle"),
    ObjectClass.E_BIKE: message_id("core.class_e_bike"),
    ObjectClass.VEHICLE: message_id("core.class_vehicle"),
}
OPEN = "open"  # an incident nobody has closed yet
OUTCOMES: dict[str, str] = {
    Outcome.TURNED_BACK: message_id("core.outcome_turned_back"),
    Outcome.LEFT_BY_ITSELF: message_id("core.outcome_left_by_itself"),
    Outcome.FALSE_ALARM: message_id("core.outcome_false_alarm"),
    OPEN: message_id("core.outcome_open"),
}
DIMENSIONS: dict[Dimension, str] = {
    Dimension.DAY: message_id("records.day"),
    Dimension.STATION: message_id("records.station"),
    Dimension.LANE: message_id("records.lane"),
    Dimension.CLASS: message_id("records.class"),
}


def pick_locale(query: str | None, cookie: str | None, default: str) -> str:
    for candidate in (query, cookie):
        if candidate in LOCALES:
            return str(candidate)
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
    """The text of ``msgid`` in ``locale`` with ``values`` filled in (``%(name)s``)."""
    return translations(locale).gettext(msgid) % (values if values is not None else {})


class Translator:
    """The catalogue seen in one locale: ``t("records.incidents")``, labels and times."""

    def __init__(self, locale: str) -> None:
        self.locale = locale

    def __call__(self, msgid: str, **values: object) -> str:
        return translate(self.locale, msgid, values)

    def label(self, labels: Mapping[Any, str], value: object) -> str:
        """The label of ``value`` in ``labels`` (value -> message id); the value if it has none."""
        msgid = labels.get(value)
        return self(msgid) if msgid is not None else str(value)

    def time(self, value: datetime, tz: tzinfo) -> str:
        """A time in the station's time zone, ``2026-05-04 17:00:05``."""
        return format_datetime(
            value, TIME_PATTERN, tzinfo=tz, locale=Locale.parse(self.locale, sep="-")
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
