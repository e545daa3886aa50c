"""Errors of the metrology domain, each naming what was wrong so a user can fix it.

They derive from the foundation's errors (``InvalidValue``, ``Forbidden``, ``NotFound``), so the
API and CLI map them like every other domain error. ``str(error)`` is the English the API answers
with; what pages and the CLI show comes from the catalogue: ``allowed_message`` for bad input,
``text`` (the whole sentence) for the others, with ids ``lab.…``.
"""

from __future__ import annotations

from samplehub.core.domain.errors import DomainError, Forbidden, InvalidValue, NotFound
from samplehub.core.domain.messages import Message


class MetrologyError(DomainError):
    """Base of every error the metrology domain raises."""


class MetrologyInputError(MetrologyError, InvalidValue):
    """Bad input: the field, the value given and what is allowed (English and catalogue)."""

    allowed_message: Message

    def __init__(self, field: str, value: object, allowed: str, allowed_message: Message):
        InvalidValue.__init__(self, field, value, allowed, allowed_message)


class WorkflowError(MetrologyError):
    """A certificate step taken out of order or by the wrong person (four-eyes rule)."""

    text: Message

    def __init__(self, message: str, text: Message):
        self.text = text
        DomainError.__init__(self, message)


class CertificateImmutableError(WorkflowError):
    """An approved certificate was about to change; corrections go through a new number."""


def content_fixed(number: str, status: object) -> WorkflowError:
    """A store refusing to overwrite the content of a certificate that is approved or later."""
    return WorkflowError(
        f"certificate {number} is {status}: its content is fixed",
        Message("lab.error_content_fixed", {"number": number}),
    )


class FourEyesError(WorkflowError, Forbidden):
    """The person may not take this step: author reviewing, approver without the role, ..."""

    def __init__(self, actor: str, action: str, message: str, text: Message):
        self.actor = actor
        self.action = action
        WorkflowError.__init__(self, message, text)


class CertificateNotFoundError(MetrologyError, NotFound):
    """No certificate has this number (or it is a draft, which is not yet a certificate)."""

    def __init__(self, number: str):
        NotFound.__init__(self, "certificate", number)
        self.number = number
        self.text = Message("lab.certificate_not_found", {"number": number})
