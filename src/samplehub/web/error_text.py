"""A domain error as one sentence of the catalogue, in the locale of the page (or CLI) showing it.

The API answers in English (``str(error)`` and the fields of ``domain_error_body``); pages and
CLIs show this instead, so a zh-CN visitor never reads an English validation sentence. An error
whose raiser named its whole sentence (``error.text``) says that; an ``InvalidValue`` names the
field, the value and, from ``allowed_message``, what is allowed; every other kind has a sentence
of its own here.
"""

from __future__ import annotations

from collections.abc import Mapping

from samplehub.core.domain import errors as e
from samplehub.core.domain.messages import message_id
from samplehub.web.i18n import Translator

# what NotFound and AlreadyExists name: kind -> message id
KINDS = {
    "customer": message_id("web.kind_customer"),
    "order": message_id("web.kind_order"),
    "sample": message_id("web.kind_sample"),
    "booking": message_id("web.kind_booking"),
    "certificate": message_id("web.kind_certificate"),
    "user": message_id("web.kind_user"),
}


def _shown(value: object) -> str:
    return "" if value is None else repr(value)


def field_label(t: Translator, fields: Mapping[str, str], field: str) -> str:
    """The label of ``field`` (``window.start`` also by ``window``), else the field's name."""
    for key in (field, field.split(".")[0]):
        if key in fields:
            return t(fields[key])
    return field


def invalid_value_text(
    t: Translator, error: e.InvalidValue, fields: Mapping[str, str] | None = None
) -> str:
    """``field：'value' 不符合要求；allowed`` with the field's label where ``fields`` has one."""
    field = field_label(t, fields or {}, error.field)
    if error.allowed_message is None:
        return t("web.invalid_value_plain", field=field, value=_shown(error.value))
    allowed = t.message(error.allowed_message)
    return t("web.invalid_value", field=field, value=_shown(error.value), allowed=allowed)


def error_text(t: Translator, error: e.DomainError, fields: Mapping[str, str] | None = None) -> str:
    """The error in ``t``'s language; ``fields`` maps a form's field names to message ids."""
    if error.text is not None:
        return t.message(error.text)
    if isinstance(error, e.InvalidValue):
        return invalid_value_text(t, error, fields)
    if isinstance(error, e.NotFound):
        return t("web.error_not_found", kind=t.label(KINDS, error.kind), key=error.key)
    if isinstance(error, e.AlreadyExists):
        return t("web.error_already_exists", kind=t.label(KINDS, error.kind), key=error.key)
    if isinstance(error, e.IllegalTransition):
        allowed = t("web.list_separator").join(t.transition(name) for name in error.allowed)
        return t(
            "web.error_illegal_transition",
            sample=error.sample_number,
            transition=t.transition(error.transition),
            current=t.state(error.current),
            allowed=allowed or t("web.error_final_state"),
        )
    if isinstance(error, e.GuardFailed):
        return t(
            "web.error_guard_failed",
            sample=error.sample_number,
            transition=t.transition(error.transition),
        )
    if isinstance(error, e.Forbidden):
        return t("web.error_forbidden", actor=error.actor)
    if isinstance(error, e.StaleVersion):
        return t("web.error_stale_version", current=error.current)
    if isinstance(error, e.Conflict):
        return t("web.error_conflict")
    return t("web.error_title")
