"""SMS through an HTTP gateway: the request body is the configured template with the notice
filled in, so one adapter fits the gateways institutes use (JSON or form bodies).

The template names ``$to``, ``$text``, ``$subject`` and ``$key`` (``string.Template``); for a
JSON body each value is filled in JSON-escaped (without its quotes), so a text with quotes or
line breaks stays valid JSON. Credentials go as HTTP Basic (user and password) or a bearer
token. Any 2xx answer is delivery; anything else, a timeout or a refused connection is
``NotificationFailed`` naming the status, never the text.
"""

from __future__ import annotations

import json
import string
from urllib.parse import quote_plus

import httpx

from samplehub.core.service.notifications import Channel, Notice, NotificationFailed

DEFAULT_TEMPLATE = '{"to": "$to", "text": "$text"}'


class SmsGatewaySender:
    """Implements ``NoticeSender`` for SMS over an HTTP gateway."""

    channel = Channel.SMS

    def __init__(
        self,
        url: str,
        template: str = DEFAULT_TEMPLATE,
        *,
        content_type: str = "application/json",
        username: str = "",
        password: str = "",
        token: str = "",
        timeout: float = 10.0,
    ) -> None:
        unknown = {
            m.group("named") or m.group("braced")
            for m in string.Template.pattern.finditer(template)
            if m.group("named") or m.group("braced")
        } - {"to", "text", "subject", "key"}
        if unknown:
            raise ValueError(
                f"SMS template names {sorted(unknown)}: only $to, $text, $subject and $key"
            )
        self.url = url
        self.template = string.Template(template)
        self.content_type = content_type
        self.auth = httpx.BasicAuth(username, password) if username else None
        self.headers = {"Content-Type": content_type}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        self.timeout = timeout

    def body(self, notice: Notice) -> str:
        values = {
            "to": notice.recipient, "text": notice.body, "subject": notice.subject,
            "key": notice.key,
        }  # fmt: skip
        if "json" in self.content_type:
            escaped = {k: json.dumps(v, ensure_ascii=False)[1:-1] for k, v in values.items()}
        else:
            escaped = {k: quote_plus(v) for k, v in values.items()}
        return self.template.safe_substitute(escaped)

    def send(self, notice: Notice) -> None:
        try:
            answer = httpx.post(
                self.url,
                content=self.body(notice).encode(),
                headers=self.headers,
                auth=self.auth,
                timeout=self.timeout,
            )
        except httpx.HTTPError as error:
            raise NotificationFailed(self.channel, notice.recipient, str(error)) from error
        if not answer.is_success:
            raise NotificationFailed(
                self.channel, notice.recipient, f"gateway answered {answer.status_code}"
            )
