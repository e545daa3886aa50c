"""Wiring of notifications: the channels ``notify.*`` choose, staff alerts, and the outbox's
delivery worker that ``serve`` runs (one per database: the lease holder delivers)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from samplehub.app.config import Settings
from samplehub.app.config_notify import (
    MailboxChannel,
    SmsGatewayChannel,
    SmtpChannel,
    WebhookChannel,
)

if TYPE_CHECKING:
    from samplehub.app.services import Services
    from samplehub.core.domain.outbox import RetryPolicy
    from samplehub.core.service.delivery import Deliverer, DeliveryWorker
    from samplehub.core.service.leader import Lease
    from samplehub.core.service.notifications import Channel, NoticeSender
    from samplehub.core.service.outbox import StaffAlerts

OUTBOX_LOCK = "samplehub-outbox"


def notice_senders(settings: Settings) -> dict[Channel, NoticeSender]:
    """One sender per channel in use. Earlier releases' ``recall.smtp_host``,
    ``recall.sms_webhook_url`` and ``recall.wechat_webhook_url`` still count where the
    channel is left at its default."""
    import ssl

    from samplehub.core.adapters.notifications.mailbox import MailboxSender
    from samplehub.core.adapters.notifications.sms_gateway import SmsGatewaySender
    from samplehub.core.adapters.notifications.smtp import SmtpSender
    from samplehub.core.adapters.notifications.webhook import WebhookSender
    from samplehub.core.service.notifications import Channel

    notify, recall = settings.notify, settings.recall
    mailbox = settings.data_dir / "mailbox"
    senders: dict[Channel, NoticeSender] = {}
    email = notify.email
    if isinstance(email, SmtpChannel):
        context = ssl.create_default_context(cafile=email.ca_file) if email.ca_file else None
        senders[Channel.EMAIL] = SmtpSender(
            email.host, email.port, email.sender, email.timeout_s, starttls=email.starttls,
            username=email.username, password=email.password, ssl_context=context,
        )  # fmt: skip
    elif isinstance(email, MailboxChannel) and recall.smtp_host:
        senders[Channel.EMAIL] = SmtpSender(recall.smtp_host, recall.smtp_port, recall.smtp_sender)
    elif isinstance(email, MailboxChannel):
        senders[Channel.EMAIL] = MailboxSender(Channel.EMAIL, mailbox)
    sms = notify.sms
    if isinstance(sms, SmsGatewayChannel):
        senders[Channel.SMS] = SmsGatewaySender(
            sms.url, sms.template, content_type=sms.content_type, username=sms.username,
            password=sms.password, token=sms.token, timeout=sms.timeout_s,
        )  # fmt: skip
    elif isinstance(sms, WebhookChannel):
        senders[Channel.SMS] = WebhookSender(Channel.SMS, sms.url)
    elif isinstance(sms, MailboxChannel) and recall.sms_webhook_url:
        senders[Channel.SMS] = WebhookSender(Channel.SMS, recall.sms_webhook_url)
    elif isinstance(sms, MailboxChannel):
        senders[Channel.SMS] = MailboxSender(Channel.SMS, mailbox)
    if isinstance(notify.wechat, WebhookChannel):
        senders[Channel.WECHAT] = WebhookSender(Channel.WECHAT, notify.wechat.url)
    elif recall.wechat_webhook_url:
        senders[Channel.WECHAT] = WebhookSender(Channel.WECHAT, recall.wechat_webhook_url)
    return senders


def staff_alerts(settings: Settings) -> StaffAlerts:
    """Alerts to ``notify.staff``, in zh-CN and English from the catalogue."""
    from samplehub.core.service.notifications import Channel
    from samplehub.core.service.outbox import StaffAlerts
    from samplehub.web.i18n import translate

    recipients = []
    for entry in settings.notify.staff:
        channel, _, address = entry.partition(":")
        recipients.append((Channel(channel), address))
    return StaffAlerts(tuple(recipients), translate)


def retry_policy(settings: Settings) -> RetryPolicy:
    from samplehub.core.domain.outbox import RetryPolicy

    notify = settings.notify
    first = timedelta(seconds=notify.first_retry_seconds)
    return RetryPolicy(
        notify.max_attempts, first, max(first, timedelta(seconds=notify.max_retry_seconds))
    )


def deliverer(
    settings: Settings, services: Services, senders: dict[Channel, NoticeSender] | None = None
) -> Deliverer:
    from samplehub.core.service.delivery import Deliverer

    chosen = notice_senders(settings) if senders is None else senders
    return Deliverer(services.uow_factory, chosen, services.clock, retry_policy(settings))


def lease(settings: Settings) -> Lease:
    """One deliverer per database: its own advisory lock on PostgreSQL, the process on SQLite."""
    from samplehub.app.wiring.fleet import leadership

    return leadership(settings, OUTBOX_LOCK)


def delivery_worker(settings: Settings, services: Services) -> DeliveryWorker | None:
    """The worker ``serve`` starts; None when ``notify.worker_seconds`` is 0."""
    from samplehub.core.service.delivery import DeliveryWorker

    seconds = settings.notify.worker_seconds
    if seconds <= 0:
        return None
    return DeliveryWorker(deliverer(settings, services), lease(settings), seconds)
