"""The port the reader operations speak through: one LLRP connection to one reader."""

from __future__ import annotations

from typing import Protocol

from samplehub.core.domain.errors import SampleHubError
from samplehub.rfid.domain.codec import LlrpMessage
from samplehub.rfid.domain.messages import TagReport


class LinkLost(SampleHubError):
    """The connection to the reader broke (closed, timed out, or its byte stream lost framing).

    The caller drops the connection and may reconnect; the message says what happened.
    """


class ReaderRefused(SampleHubError):
    """The reader answered a request with an error status; the message names request and status."""


class LlrpLink(Protocol):
    """One open LLRP connection. Keepalives are answered and malformed messages skipped inside.

    ``request`` sends a message and returns the reader's response to it (same message id);
    ``reports`` collects the tags of RO_ACCESS_REPORTs of a ROSpec until the reader says the
    ROSpec ended or ``timeout_s`` passed. Both raise LinkLost when the connection breaks.
    """

    def next_id(self) -> int: ...

    def request(self, message: LlrpMessage, response_type: int) -> LlrpMessage: ...

    def reports(self, rospec_id: int, timeout_s: float) -> list[TagReport]: ...
