"""Errors of the metrology domain, each naming what was wrong so a user can fix it.

They derive from the foundation's errors (``InvalidValue``, ``Forbidden``, ``NotFound``), so the
API and CLI map them like every other domain error.
"""

from __future__ import annotations

from samplehub.core.domain.errors import DomainError, Forbidden, InvalidValue, NotFound


class MetrologyError(DomainError):
    """Base of every error the metrology domain raises."""


class MetrologyInputError(MetrologyError, InvalidValue):
    """Bad input: names the field, the value given and what is allowed (zh-CN and English)."""

    def __init__(self, field: str, value: object, allowed: str, allowed_zh: str | None = None):
        InvalidValue.__init__(self, field, value, allowed)
        self.allowed_zh = allowed_zh or allowed

    def zh(self) -> str:
        """The same message in Chinese, for pages and the CLI's default locale."""
        return f"{self.field}：{self.value!r} 不符合要求；{self.allowed_zh}"


class WorkflowError(MetrologyError):
    """A certificate step taken out of order or by the wrong person (four-eyes rule)."""

    def __init__(self, message: str, message_zh: str):
        self.message_zh = message_zh
        DomainError.__init__(self, message)

    def zh(self) -> str:
        """The message in Chinese."""
        return self.message_zh


class CertificateImmutableError(WorkflowError):
    """An approved certificate was about to change; corrections go through a new number."""


class FourEyesError(WorkflowError, Forbidden):
    """The person may not take this step: author reviewing, approver without the role, ..."""

    def __init__(self, actor: str, action: str, message: str, message_zh: str):
        self.actor = actor
        self.action = action
        WorkflowError.__init__(self, message, message_zh)


class CertificateNotFoundError(MetrologyError, NotFound):
    """No certificate has this number (or it is a draft, which is not yet a certificate)."""

    def __init__(self, number: str):
        NotFound.__init__(self, "certificate", number)
        self.number = number

    def zh(self) -> str:
        return f"未找到证书 {self.number}"
