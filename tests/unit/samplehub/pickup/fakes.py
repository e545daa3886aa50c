"""The pickup tests' doubles: a stand-in for pymodbus's client with a clock it controls, and a
scripted source of pickup codes."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Reply:
    bits: list[bool] = field(default_factory=list)
    error: bool = False

    def isError(self) -> bool:  # noqa: N802 - pymodbus's spelling
        return self.error


class FakeClient:
    """Stands in for pymodbus's ModbusTcpClient: coils, inputs, and scripted failures."""

    def __init__(self, opens_after_polls: int | None = 0, fail: Exception | None = None) -> None:
        self.coils: list[tuple[int, bool]] = []
        self.inputs: dict[int, bool] = {}
        self.opens_after_polls = opens_after_polls
        self.fail = fail
        self.polls = 0
        self.closed = 0

    def connect(self) -> bool:
        return True

    def close(self) -> None:
        self.closed += 1

    def write_coil(self, address: int, value: bool, device_id: int = 1) -> Reply:
        if self.fail is not None:
            raise self.fail
        self.coils.append((address, value))
        return Reply()

    def read_discrete_inputs(self, address: int, count: int = 1, device_id: int = 1) -> Reply:
        if address == 8:  # door 1's sensor
            self.polls += 1
            is_open = self.opens_after_polls is not None and self.polls > self.opens_after_polls
            return Reply([is_open])
        return Reply([self.inputs.get(address, False)])


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    def monotonic(self) -> float:
        return self.now


class Scripted:
    """A code source that yields the given values in turn (tests only)."""

    def __init__(self, *values: int) -> None:
        self.values = list(values)

    def __call__(self, n: int) -> int:
        return self.values.pop(0)
