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


def test_fifth_wrong_entry_within_15_minutes_locks_the_kiosk_for_5_minutes() -> None:
    policy = WrongCodePolicy()
    guard = KioskGuard("K1")
    for minute in range(4):
        assert not guard.record_wrong(T0 + timedelta(minutes=minute * 3), policy)
    fifth = T0 + timedelta(minutes=14)
    assert guard.record_wrong(fifth, policy)
    assert guard.locked(fifth)
    assert guard.locked(fifth + timedelta(minutes=4, seconds=59))
    assert not guard.locked(fifth + timedelta(minutes=5))


def test_wrong_entries_older_than_15_minutes_do_not_count() -> None:
    policy = WrongCodePolicy()
    guard = KioskGuard("K1")
    for minute in (0, 1, 2, 3):
        guard.record_wrong(T0 + timedelta(minutes=minute), policy)
    assert not guard.record_wrong(T0 + timedelta(minutes=15, seconds=1), policy)
    assert not guard.locked(T0 + timedelta(minutes=15, seconds=1))


def test_after_the_lockout_the_count_starts_again() -> None:
    policy = WrongCodePolicy()
    guard = KioskGuard("K1")
    for second in range(5):
        guard.record_wrong(T0 + timedelta(seconds=second), policy)
    later = T0 + timedelta(minutes=6)
    assert not guard.record_wrong(later, policy)
    assert not guard.locked(later)


def test_a_right_code_clears_the_count() -> None:
    policy = WrongCodePolicy()
    guard = KioskGuard("K1")
    for second in range(4):
        guard.record_wrong(T0 + timedelta(seconds=second), policy)
    guard.record_success()
    assert not guard.record_wrong(T0 + timedelta(seconds=10), policy)


def test_policy_validates_its_fields() -> None:
    with pytest.raises(InvalidValue, match="kiosk_limit"):
        WrongCodePolicy(kiosk_limit=0)
    with pytest.raises(InvalidValue, match="kiosk_lockout"):
        WrongCodePolicy(kiosk_lockout=timedelta(0))


def test_qr_payload_round_trips_and_rejects_foreign_text() -> None:
    assert parse_qr(qr_payload("b1", "123456")) == ("b1", "123456")
    for text in ("https://example.com/?code=123456", "SHP1:b1:12", "SHP1::123456", ""):
        assert parse_qr(text) is None
