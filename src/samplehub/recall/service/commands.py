"""Recall commands: claiming a reminder before it is sent, releasing it when sending failed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from samplehub.core.service.commands import Command
from samplehub.core.service.notifications import Notice


@dataclass(frozen=True)
class ClaimReminder(Command):
    notice: Notice
    certificate: str
    sample: str
    days_before: int
    at: datetime


@dataclass(frozen=True)
class ReleaseReminder(Command):
    notice: Notice
    certificate: str
    sample: str
    days_before: int
    problem: str
    at: datetime
