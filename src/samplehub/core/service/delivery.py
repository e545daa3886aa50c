"""Delivering the outbox: one worker (the leader among ``serve`` workers) sends due notices.

A round reads the due messages in one short transaction; each one is claimed (its row
locked, its next attempt pushed ``hold`` ahead) in a transaction of its own, sent outside any
transaction (a mail server is no database), and its outcome recorded in a third: delivered
(body wiped), or failed with the next attempt after an exponential back-off, or given up
after the last attempt. A crash between sending and recording sends that one notice again
once the hold is over: delivery is at least once, and each message carries its key so a
receiver can drop a repeat. Logs name the kind, the masked recipient and the outcome, never
the body.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from samplehub.core.domain.outbox import OutboxMessage, OutboxStatus, RetryPolicy, mask
from samplehub.core.service.leader import LeaderThread, Lease
from samplehub.core.service.notifications import Channel, Notice, NoticeSender, NotificationFailed
from samplehub.core.service.ports import Clock, UnitOfWork

log = logging.getLogger(__name__)
CHANNELS = {c.value for c in Channel}


@dataclass
class DeliveryReport:
    delivered: int = 0
    retrying: int = 0
    failed: int = 0  # given up


@dataclass
class Deliverer:
    """Sends due outbox messages over the sender of their channel."""

    uow_factory: Callable[[], UnitOfWork]
    senders: Mapping[Channel, NoticeSender]
    clock: Clock
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    batch: int = 50
    hold: timedelta = timedelta(minutes=2)  # a claimed message is left alone this long

    def run_once(self) -> DeliveryReport:
        report = DeliveryReport()
        with self.uow_factory() as uow:
            due = uow.outbox.due(self.clock.now(), self.batch)
        for message in due:
            status = self._deliver(message)
            if status is OutboxStatus.DELIVERED:
                report.delivered += 1
            elif status is OutboxStatus.FAILED:
                report.failed += 1
            elif status is OutboxStatus.PENDING:
                report.retrying += 1
        return report

    def _claim(self, message: OutboxMessage) -> bool:
        """Mark the message taken in a transaction of its own (its row locked), so that two
        deliverers (serve's worker and a CLI round) never send it both."""
        with self.uow_factory() as uow:
            stored = uow.outbox.get(message.id)
            if stored is None or not stored.claim(self.clock.now(), self.hold):
                return False
            uow.outbox.save(stored)
            uow.commit()
        return True

    def _deliver(self, message: OutboxMessage) -> OutboxStatus | None:
        if not self._claim(message):
            return None
        problem = None
        sender = self.senders.get(Channel(message.channel)) if message.channel in CHANNELS else None
        if message.body is None:
            problem = "the body cannot be opened (sealed under another secret key?)"
        elif sender is None:
            problem = f"no sender for channel {message.channel!r} (see notify.* settings)"
        else:
            notice = Notice(
                sender.channel, message.recipient, message.subject, message.body or "",
                message.key,
            )  # fmt: skip
            try:
                sender.send(notice)
            except NotificationFailed as failure:
                problem = failure.problem
            except Exception as error:  # a sender's bug: retried and shown, never ends the round
                log.exception("notice %s: its sender failed unexpectedly", message.kind)
                problem = f"{type(error).__name__}: {error}"
        with self.uow_factory() as uow:
            stored = uow.outbox.get(message.id)
            if stored is None or stored.status is not OutboxStatus.PENDING:
                return None  # settled by someone else meanwhile
            now = self.clock.now()
            if problem is None:
                stored.delivered(now)
            else:
                stored.failed(problem, now, self.policy)
            uow.outbox.save(stored)
            uow.commit()
        who = mask(message.recipient)
        if problem is None:
            log.info("notice %s to %s delivered (%s)", message.kind, who, message.channel)
        else:
            log.warning(
                "notice %s to %s: attempt %d failed (%s); now %s",
                message.kind, who, stored.attempts, problem, stored.status.value,
            )  # fmt: skip
        return stored.status


class DeliveryWorker(LeaderThread):
    """``Deliverer.run_once`` every ``every_s`` in a daemon thread, by the lease holder only.

    A failing round (the database away) is logged and the next waits longer, doubling up to
    ``backoff_s[1]``; a follower looks for the lease every ``follower_retry_s``.
    """

    thread_name = "notice-delivery"

    def __init__(
        self,
        deliverer: Deliverer,
        lease: Lease,
        every_s: float = 5.0,
        *,
        follower_retry_s: float = 10.0,
        backoff_s: tuple[float, float] = (1.0, 60.0),
    ) -> None:
        super().__init__(lease, follower_retry_s=follower_retry_s, backoff_s=backoff_s)
        self.deliverer = deliverer
        self.every_s = every_s
        self.rounds = 0

    def run(self) -> None:
        delay = self.backoff_s[0]
        while not self.stopping.is_set():
            wait = self.every_s
            try:
                if self.lease.acquire() and self.lease.held():
                    self.role = "leader"
                    self.deliverer.run_once()
                    self.rounds += 1
                    delay = self.backoff_s[0]
                else:
                    self.role, wait = "follower", self.follower_retry_s
            except Exception:  # the worker must outlive a bad round (the database away)
                log.exception("notice delivery round failed; next in %.0f s", delay)
                wait, delay = delay, self.longer(delay)
            self.stopping.wait(wait)
        self.step_down()
