"""Voice warning cooldown per lane and the stronger repeat."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from laneguard.warning.domain.voice import VoiceWarningPolicy, WarningDue, WarningLevel

T0 = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


def test_cooldown_is_per_lane() -> None:
    policy = VoiceWarningPolicy(cooldown=timedelta(seconds=10))
    assert policy.on_opened("1", "a", T0) == WarningDue("1", "a", WarningLevel.FIRST)
    assert policy.on_opened("1", "b", T0 + timedelta(seconds=5)) is None
    assert policy.on_opened("2", "c", T0 + timedelta(seconds=5)) is not None
    assert policy.on_opened("1", "d", T0 + timedelta(seconds=10)) is not None


def test_stronger_warning_once_when_the_person_stays() -> None:
    policy = VoiceWarningPolicy(escalate_after=timedelta(seconds=8))
    policy.on_opened("1", "a", T0)
    assert policy.due(T0 + timedelta(seconds=7)) == []
    assert policy.due(T0 + timedelta(seconds=8)) == [WarningDue("1", "a", WarningLevel.STRONG)]
    assert policy.due(T0 + timedelta(seconds=20)) == []


def test_no_stronger_warning_when_the_person_left() -> None:
    policy = VoiceWarningPolicy(escalate_after=timedelta(seconds=8))
    policy.on_opened("1", "a", T0)
    policy.on_ended("a")
    assert policy.due(T0 + timedelta(seconds=30)) == []
