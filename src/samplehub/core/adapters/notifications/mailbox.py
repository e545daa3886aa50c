"""The embedded default channel: each notice appended to a local mailbox file (``make run``).

It stands in for the customer's phone or mail client when no server is configured: the file
(``<data_dir>/mailbox/<channel>.txt``, mode 0600) is the message itself. The log line names the
kind of channel and the masked recipient only, never the body.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from samplehub.core.domain.outbox import mask
from samplehub.core.service.notifications import Channel, Notice, NotificationFailed

log = logging.getLogger(__name__)


class MailboxSender:
    """Implements ``NoticeSender``: appends to a local file per channel."""

    def __init__(self, channel: Channel, folder: Path) -> None:
        self.channel = channel
        self.path = folder / f"{channel.value}.txt"
        self._lock = threading.Lock()

    def send(self, notice: Notice) -> None:
        text = (
            f"To: {notice.recipient}\nSubject: {notice.subject}\nKey: {notice.key}\n\n"
            f"{notice.body}\n\n"
        )
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._lock:
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
                with os.fdopen(fd, "a", encoding="utf-8") as out:
                    out.write(text)
        except OSError as error:
            raise NotificationFailed(self.channel, notice.recipient, str(error)) from error
        log.info("%s notice to %s put in the local mailbox", self.channel, mask(notice.recipient))
