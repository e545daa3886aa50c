"""A simulated UHF RFID reader/writer for the intake platform (the RfidWriter port).

It behaves like a desktop Gen2 encoder: the kiosk may write only when exactly one tag lies
in the field; the EPC is written, then read back and compared; a locked EPC bank needs the
tag's access password. Faults a real encoder shows (no tag, two tags, a write that does not
verify, a reader that times out) can be switched on so the intake's error paths get tested.
The LLRP adapter for a real reader implements the same port later.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from samplehub.intake.service.ports import IntakeDeviceError, TagWrite

log = logging.getLogger(__name__)
_EPC_HEX = re.compile(r"[0-9A-F]{24}")


@dataclass
class SimulatedTag:
    """One tag: its factory TID, its EPC bank, and whether the EPC bank is locked."""

    tid: str
    epc_hex: str = "000000000000000000000000"
    locked: bool = False
    access_password: str = "00000000"  # noqa: S105  (EPC Gen2 factory default, no secret)


@dataclass
class SimulatedRfidWriter:
    """Tags in the field are a list; put them there with :meth:`place` and take them away."""

    field_tags: list[SimulatedTag] = field(default_factory=list)
    fail_verify_next: bool = False
    offline: bool = False
    writes: list[TagWrite] = field(default_factory=list)

    def place(self, tag: SimulatedTag) -> None:
        self.field_tags.append(tag)

    def remove(self, tid: str) -> None:
        self.field_tags = [t for t in self.field_tags if t.tid != tid]

    def read_epcs(self) -> list[str]:
        self._check_online()
        return [tag.epc_hex for tag in self.field_tags]

    def write_epc(self, epc_hex: str, *, access_password: str | None = None) -> TagWrite:
        self._check_online()
        wanted = epc_hex.strip().upper()
        if not _EPC_HEX.fullmatch(wanted):
            raise IntakeDeviceError(
                f"EPC {epc_hex!r} 不是 96 位十六进制 / is not 24 hex digits (96 bits)"
            )
        if not self.field_tags:
            raise IntakeDeviceError("读写器范围内没有标签 / no tag in the writer's field")
        if len(self.field_tags) > 1:
            raise IntakeDeviceError(
                f"读写器范围内有 {len(self.field_tags)} 个标签 / "
                f"{len(self.field_tags)} tags in the writer's field; leave exactly one"
            )
        tag = self.field_tags[0]
        if tag.locked and access_password != tag.access_password:
            raise IntakeDeviceError(
                f"标签 {tag.tid} 已锁定 / tag {tag.tid} is locked; wrong access password"
            )
        tag.epc_hex = wanted
        if self.fail_verify_next:
            self.fail_verify_next = False
            tag.epc_hex = wanted[:-1] + ("0" if wanted[-1] != "0" else "1")
        if tag.epc_hex != wanted:
            log.warning(
                "EPC verify failed on tag %s: wrote %s, read %s", tag.tid, wanted, tag.epc_hex
            )
            raise IntakeDeviceError(
                f"写入校验失败 / EPC write did not verify on tag {tag.tid}: "
                f"wrote {wanted}, read {tag.epc_hex}"
            )
        written = TagWrite(tid=tag.tid, epc_hex=wanted)
        self.writes.append(written)
        return written

    def _check_online(self) -> None:
        if self.offline:
            raise IntakeDeviceError("RFID 读写器无响应 / RFID writer not responding")
