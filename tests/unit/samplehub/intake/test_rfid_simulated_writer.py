"""The simulated RFID writer behaves like a one-tag desktop encoder, faults included."""

from __future__ import annotations

import pytest

from samplehub.core.domain.epc import giai_for_sample
from samplehub.intake.service.ports import IntakeDeviceError, RfidWriter, TagWrite
from samplehub.simulation.rfid import SimulatedRfidWriter, SimulatedTag

EPC = giai_for_sample("JX2026-000123", "0614141").to_hex()


def test_writes_the_sample_epc_into_the_single_tag_and_reads_it_back() -> None:
    sim = SimulatedRfidWriter()
    sim.place(SimulatedTag("E2801160600002084A1B2C3D"))
    writer: RfidWriter = sim
    assert writer.write_epc(EPC.lower()) == TagWrite("E2801160600002084A1B2C3D", EPC)
    assert writer.read_epcs() == [EPC]


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        ([], "no tag"),
        ([SimulatedTag("T1"), SimulatedTag("T2")], "2 tags"),
        ([SimulatedTag("T1", locked=True, access_password="12345678")], "locked"),
    ],
)
def test_refuses_unless_exactly_one_writable_tag(tags: list[SimulatedTag], message: str) -> None:
    sim = SimulatedRfidWriter(field_tags=tags)
    with pytest.raises(IntakeDeviceError, match=message):
        sim.write_epc(EPC)
    assert sim.writes == []


def test_locked_tag_takes_its_access_password() -> None:
    sim = SimulatedRfidWriter(field_tags=[SimulatedTag("T1", locked=True, access_password="A1B2")])
    assert sim.write_epc(EPC, access_password="A1B2").epc_hex == EPC


def test_a_write_that_does_not_verify_is_reported_and_not_recorded() -> None:
    sim = SimulatedRfidWriter(field_tags=[SimulatedTag("T1")], fail_verify_next=True)
    with pytest.raises(IntakeDeviceError, match="did not verify"):
        sim.write_epc(EPC)
    assert sim.writes == []
    assert sim.write_epc(EPC).epc_hex == EPC


def test_offline_writer_and_bad_epc_are_device_errors() -> None:
    with pytest.raises(IntakeDeviceError, match="not responding"):
        SimulatedRfidWriter(offline=True).read_epcs()
    with pytest.raises(IntakeDeviceError, match="24 hex"):
        SimulatedRfidWriter(field_tags=[SimulatedTag("T1")]).write_epc("XYZ")
