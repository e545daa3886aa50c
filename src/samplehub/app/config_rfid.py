"""The RFID readers SampleHub speaks LLRP to, each chosen by ``type``: a real reader on the
network (``llrp``) or a simulated one served in this process on 127.0.0.1 (``simulated``, the
default: the demo's readers speak the same LLRP bytes over a real socket)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from samplehub.app.config_types import Section

DEFAULT_INTAKE_READER = "INTAKE-K1"


class LlrpReaderConfig(Section):
    """A fixed UHF reader reached over LLRP (EPCglobal LLRP 1.0.1/1.1, TCP 5084)."""

    type: Literal["llrp"] = "llrp"
    host: str = Field(min_length=1, description="Host name or address of the LLRP reader")
    port: int = Field(5084, ge=1, le=65535, description="LLRP TCP port of the reader")
    antennas: int = Field(4, ge=1, le=64, description="Antenna ports of the reader in use")


class SimulatedReaderConfig(Section):
    """A simulated LLRP reader served in this process on 127.0.0.1 (the demo's readers)."""

    type: Literal["simulated"] = "simulated"
    port: int = Field(0, ge=0, le=65535, description="TCP port on 127.0.0.1; 0: any free port")
    antennas: int = Field(4, ge=1, le=64, description="Antenna ports of the simulated reader")


RfidReaderConfig = Annotated[LlrpReaderConfig | SimulatedReaderConfig, Field(discriminator="type")]


class RfidSettings(Section):
    """RFID readers by name, and which reader and antenna write the tags at intake."""

    readers: dict[str, RfidReaderConfig] = Field(
        default={},
        description="Readers by name, each chosen by its type: llrp (host, port) or simulated; "
        "empty: one simulated reader with one antenna, named by intake_reader",
    )
    intake_reader: str = Field(
        DEFAULT_INTAKE_READER,
        description="Reader whose antenna writes the sample's EPC at intake; empty: the "
        "simulated tag roll without LLRP",
    )
    intake_antenna: int = Field(1, ge=1, le=64, description="Antenna of the intake reader")
    timeout_s: float = Field(3.0, gt=0, le=60, description="Longest wait for any reader answer")
    keepalive_ms: int = Field(
        10_000, ge=100, description="Period the readers are asked to send KEEPALIVE at"
    )
    simulated_miss_probability: float = Field(
        0.0, ge=0, le=1, description="Simulated readers: chance a tag is missed in a round"
    )
    simulated_cross_read_probability: float = Field(
        0.0, ge=0, le=1, description="Simulated readers: chance a tag is also heard next door"
    )

    def all_readers(self) -> dict[str, LlrpReaderConfig | SimulatedReaderConfig]:
        """The readers in use: those configured, or the embedded simulated intake reader."""
        if self.readers or not self.intake_reader:
            return dict(self.readers)
        return {self.intake_reader: SimulatedReaderConfig(antennas=1)}

    @model_validator(mode="after")
    def _intake_reader_is_known(self) -> RfidSettings:
        if self.readers and self.intake_reader and self.intake_reader not in self.readers:
            raise ValueError(
                f"rfid.intake_reader {self.intake_reader!r} is not one of rfid.readers "
                f"({', '.join(sorted(self.readers)) or 'none'}); name one, or leave it empty"
            )
        reader = self.readers.get(self.intake_reader)
        if reader is not None and self.intake_antenna > reader.antennas:
            raise ValueError(
                f"rfid.intake_antenna {self.intake_antenna}: reader {self.intake_reader} has "
                f"antennas 1..{reader.antennas}"
            )
        return self
