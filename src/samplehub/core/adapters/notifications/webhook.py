"""SMS and WeChat notices as webhooks: an HTTP POST of JSON to the gateway the institute uses.

The body is ``{"channel", "to", "subject", "text", "key"}``; any 2xx answer is delivery, any
other answer, a timeout or a refused connection is ``NotificationFailed``.
"""

from __future__ import annotations

import httpx

from samplehub.core.service.notifications import Channel, Notice, NotificationFailed


class WebhookSender:
    """Implements ``NoticeSender`` for one channel (sms or wechat) over its gateway's URL."""

    def __init__(self, channel: Channel, url: str, timeout: float = 10.0) -> None:
        self.channel = channel
        self.url = url
        self.timeout = timeout

    def send(self, notice: Notice) -> None:
        body = {
            "channel": self.channel.value,
            "to": notice.recipient,
            "subject": notice.subject,
            "text": notice.body,
            "key": notice.key,
        }
        try:
            answer = httpx.post(self.url, json=body, timeout=self.timeout)
        except httpx.HTTPError as error:
            raise NotificationFailed(self.channel, notice.recipient, str(error)) from error
        if not answer.is_success:
            raise NotificationFailed(
                self.channel, notice.recipient, f"gateway answered {answer.status_code}"
            )
