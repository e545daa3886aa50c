"""Errors of the metrology domain, each naming what was wrong so a user can fix it."""

from __future__ import annotations


class MetrologyError(Exception):
    """Base of every error the metrology domain raises."""


class MetrologyInputError(MetrologyError, ValueError):
    """Bad input: names the field, the value given and what is allowed (zh-CN and English)."""

    def __init__(self, field: str, value: object, allowed: str, allowed_zh: str | None = None):
        self.field = field
        self.value = value
        self.allowed = allowed
        self.allowed_zh = allowed_zh or allowed
        super().__init__(f"{field}: {value!r} is not allowed; {allowed}")

    def zh(self) -> str:
        """The same message in Chinese, for pages and the CLI's default locale."""
        return f"{self.field}：{self.value!r} 不符合要求；{self.allowed_zh}"


class WorkflowError(MetrologyError):
    """A certificate step taken out of order or by the wrong person (four-eyes rule)."""

    def __init__(self, message: str, message_zh: str):
        self.message_zh = message_zh
        super().__init__(message)

    def zh(self) -> str:
        """The message in Chinese."""
        return self.message_zh


class CertificateImmutableError(WorkflowError):
    """An approved certificate was about to change; corrections go through a new number."""
