"""Handlers of the recall commands: the reminder log's row, its custody record and the reminder
itself (in the outbox, delivered with retries) commit in one transaction, so the chain says a
reminder went out exactly when the log holds its claim and the outbox holds the message."""

from __future__ import annotations

from samplehub.core.service.commands import Command
from samplehub.core.service.handlers import Context, Handler
from samplehub.core.service.outbox import enqueue
from samplehub.recall.domain.recall import RecallReminderClaimed, RecallReminderReleased
from samplehub.recall.service.commands import ClaimReminder, ReleaseReminder
from samplehub.recall.service.ports import RecallUnitOfWork


def claim_reminder(cmd: ClaimReminder, uow: RecallUnitOfWork, ctx: Context) -> bool:
    """Claim the reminder's key; False (nothing written) when it was claimed before."""
    notice = cmd.notice
    with uow:
        if not uow.reminders.claim(notice.key, cmd.certificate, notice, cmd.days_before, cmd.at):
            return False
        enqueue(uow, notice, "recall_reminder", cmd.at)
        uow.record(
            RecallReminderClaimed(
                cmd.actor.username, cmd.at, cmd.certificate, cmd.sample, notice.channel.value,
                cmd.days_before,
            )
        )  # fmt: skip
        uow.commit()
        return True


def release_reminder(cmd: ReleaseReminder, uow: RecallUnitOfWork, ctx: Context) -> bool:
    """Give up the claim of a reminder whose sending failed; False when there was none."""
    notice = cmd.notice
    with uow:
        if not uow.reminders.release(notice.key):
            return False
        uow.record(
            RecallReminderReleased(
                cmd.actor.username, cmd.at, cmd.certificate, cmd.sample, notice.channel.value,
                cmd.days_before, cmd.problem,
            )
        )  # fmt: skip
        uow.commit()
        return True


RECALL_HANDLERS: dict[type[Command], Handler] = {
    ClaimReminder: claim_reminder,
    ReleaseReminder: release_reminder,
}
