"""The wire format rejects garbage with errors that name the field."""

from __future__ import annotations

import pytest

from laneguard.alerting.domain.alerts import Alert, MalformedMessageError, SealedMessage


@pytest.mark.parametrize(
    ("payload", "needle"),
    [
        (b"not json", "not JSON"),
        (b"[1]", "JSON object"),
        (b'{"v": 2}', "v=2"),
        (b'{"v": 1, "kind": "x"}', "kind='x'"),
        (b'{"v": 1, "kind": "alert", "nonce": "AAAA"}', "nonce has 3 bytes"),
        (b'{"v": 1, "kind": "alert", "nonce": "%%%"}', "nonce is not valid base64"),
    ],
)
def test_malformed_sealed_messages_are_named(payload: bytes, needle: str) -> None:
    with pytest.raises(MalformedMessageError, match=needle):
        SealedMessage.from_bytes(payload)


def test_alert_with_unknown_class_lists_allowed() -> None:
    payload = (
        b'{"incident_id":"i","station":"s","camera":"c","zone":"z","lane":"1",'
        b'"class":"horse","at":"2026-01-01T00:00:00Z"}'
    )
    with pytest.raises(MalformedMessageError, match="allowed: pedestrian"):
        Alert.from_bytes(payload)
