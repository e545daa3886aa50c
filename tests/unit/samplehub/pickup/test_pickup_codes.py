"""Pickup codes: drawing, hashing, validity, and the wrong-code lockout timings."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest

from samplehub.core.domain.errors import InvalidValue
from samplehub.pickup.domain.codes import (
    CodeHasher,
    CodeState,
    KioskGuard,
    PickupCode,
    WrongCodePolicy,
    institute_bucket,
    kiosk_bucket,
    new_code,
    normalize_code,
    parse_qr,
    qr_payload,
)

KEY = b"k" * 32
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def test_new_code_is_six_digits_zero_padded_from_the_injected_source() -> None:
    assert new_code(lambda n: 42) == "000042"
    assert new_code(lambda n: n - 1) == "999999"


def test_new_code_rejects_a_source_out_of_range() -> None:
    with pytest.raises(InvalidValue, match="code source"):
        new_code(lambda n: n)


def test_new_code_from_secrets_is_a_code() -> None:
    codes = {new_code() for _ in range(50)}
    assert all(normalize_code(c) == c for c in codes)
    assert len(codes) > 1


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("123456", "123456"),
        (" 123-456 ", "123456"),
        ("12345", None),
        ("12345a", None),
        ("١٢٣٤٥٦", None),
        ("1234567", None),
    ],
)
def test_normalize_code(typed: str, expected: str | None) -> None:
    assert normalize_code(typed) == expected


def test_digest_is_hmac_sha256_under_the_server_key_and_never_the_code() -> None:
    hasher = CodeHasher(KEY)
    digest = hasher.digest("123456")
    assert "123456" not in digest
    assert digest != hashlib.sha256(b"123456").hexdigest()
    assert digest == hmac.new(KEY, b"samplehub-pickup-code-v1:123456", hashlib.sha256).hexdigest()
    assert CodeHasher(b"x" * 32).digest("123456") != digest


def test_matches_only_the_right_code() -> None:
    hasher = CodeHasher(KEY)
    stored = hasher.digest("123456")
    assert hasher.matches("123 456", stored)
    assert not hasher.matches("123457", stored)
    assert not hasher.matches("garbage", stored)


def test_short_key_is_refused() -> None:
    with pytest.raises(InvalidValue, match=r"pickup\.code_key"):
        CodeHasher(b"short")


def test_malformed_code_error_does_not_echo_the_input() -> None:
    with pytest.raises(InvalidValue) as err:
        CodeHasher(KEY).digest("12345")
    assert "12345" not in str(err.value)


def _code() -> PickupCode:
    return PickupCode("d", T0, T0 + timedelta(hours=1), T0 + timedelta(days=3))


def test_code_state_over_its_life() -> None:
    code = _code()
    assert code.state(T0) is CodeState.NOT_YET_VALID
    assert code.state(T0 + timedelta(hours=1)) is CodeState.USABLE
    assert code.state(T0 + timedelta(days=3)) is CodeState.USABLE
    assert code.state(T0 + timedelta(days=3, seconds=1)) is CodeState.EXPIRED
    code.used_at = T0 + timedelta(hours=2)
    assert code.state(T0 + timedelta(hours=2)) is CodeState.USED
    assert not code.live(T0 + timedelta(hours=2))


def test_revoked_wins_over_everything() -> None:
    code = _code()
    code.revoked_at = T0
    assert code.state(T0 + timedelta(hours=2)) is CodeState.REVOKED


def test_code_needs_a_positive_validity() -> None:
    with pytest.raises(InvalidValue, match="valid_until"):
        PickupCode("d", T0, T0, T0)


def test_a_locked_kiosk_stays_locked_until_its_time() -> None:
    guard = KioskGuard("K1", locked_until=T0 + timedelta(minutes=5))
    assert guard.locked(T0 + timedelta(minutes=4, seconds=59))
    assert not guard.locked(T0 + timedelta(minutes=5))


def test_wrong_entries_count_per_kiosk_window_and_per_clock_hour() -> None:
    policy = WrongCodePolicy()
    start = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
    first, ends = kiosk_bucket("K1", start, policy)
    assert ends == start + timedelta(minutes=15)
    assert kiosk_bucket("K1", start + timedelta(minutes=14, seconds=59), policy)[0] == first
    assert kiosk_bucket("K1", start + timedelta(minutes=15), policy)[0] != first
    assert kiosk_bucket("K2", start, policy)[0] != first
    hour, hour_ends = institute_bucket(start + timedelta(minutes=59))
    assert hour_ends == start + timedelta(hours=1)
    assert institute_bucket(start)[0] == hour != institute_bucket(hour_ends)[0]


def test_policy_validates_its_fields() -> None:
    with pytest.raises(InvalidValue, match="kiosk_limit"):
        WrongCodePolicy(kiosk_limit=0)
    with pytest.raises(InvalidValue, match="kiosk_lockout"):
        WrongCodePolicy(kiosk_lockout=timedelta(0))
    with pytest.raises(InvalidValue, match="institute_per_hour"):
        WrongCodePolicy(institute_per_hour=0)


def test_qr_payload_round_trips_and_rejects_foreign_text() -> None:
    assert parse_qr(qr_payload("b1", "123456")) == ("b1", "123456")
    for text in ("https://example.com/?code=123456", "SHP1:b1:12", "SHP1::123456", ""):
        assert parse_qr(text) is None
