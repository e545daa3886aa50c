"""Wiring of recall: the reminder senders (email, SMS and WeChat webhooks) and the daily run."""

from __future__ import annotations

from typing import TYPE_CHECKING

from samplehub.app.config import Settings
from samplehub.core.service.notifications import NoticeSender

if TYPE_CHECKING:
    from samplehub.core.service.notifications import NoticeSender


def recall_senders(settings: Settings) -> list[NoticeSender]:
    """The reminder channels the settings configure: SMTP email, SMS and WeChat webhooks."""
    from samplehub.core.adapters.notifications.smtp import SmtpSender
    from samplehub.core.adapters.notifications.webhook import WebhookSender
    from samplehub.core.service.notifications import Channel

    recall = settings.recall
    senders: list[NoticeSender] = []
    if recall.smtp_host:
        senders.append(SmtpSender(recall.smtp_host, recall.smtp_port, recall.smtp_sender))
    if recall.sms_webhook_url:
        senders.append(WebhookSender(Channel.SMS, recall.sms_webhook_url))
    if recall.wechat_webhook_url:
        senders.append(WebhookSender(Channel.WECHAT, recall.wechat_webhook_url))
    return senders
