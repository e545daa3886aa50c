"""The kiosk writes a tag at most twice: a failed write is retried once, on a fresh tag."""

from __future__ import annotations

from dataclasses import dataclass, field

from samplehub.intake.service.devices import write_tag
from samplehub.intake.service.ports import IntakeDeviceError, TagWrite

EPC = "3034257BF400B7800000162E"


@dataclass
class FlakyWriter:
    """Fails the first ``failures`` writes, each on a new tag; then writes."""

    failures: int
    attempts: list[str] = field(default_factory=list)

    def write_epc(self, epc_hex: str, *, access_password: str | None = None) -> TagWrite:
        self.attempts.append(epc_hex)
        if len(self.attempts) <= self.failures:
            raise IntakeDeviceError(f"no response from tag T{len(self.attempts)}")
        return TagWrite(tid=f"T{len(self.attempts)}", epc_hex=epc_hex)

    def read_epcs(self) -> list[str]:
        return []


def test_first_write_succeeds() -> None:
    writer = FlakyWriter(0)
    assert write_tag(writer, EPC) == (True, "tag T1")
    assert writer.attempts == [EPC]


def test_a_failed_write_is_retried_once() -> None:
    writer = FlakyWriter(1)
    assert write_tag(writer, EPC) == (True, "tag T2 (2nd tag)")


def test_two_failures_give_up_with_the_last_reason() -> None:
    writer = FlakyWriter(5)
    assert write_tag(writer, EPC) == (False, "no response from tag T2")
    assert len(writer.attempts) == 2
