"""GS1 EPC Tag Data Standard GIAI-96: the identity each sample's RFID tag carries.

GIAI (Global Individual Asset Identifier) = GS1 company prefix + individual asset reference.
The 96-bit encoding is header 0x34 (8 bits), filter (3), partition (3), company prefix and
asset reference (82 bits split by the partition table of TDS §14.5.5.1 / Table 14-15).
In GIAI-96 the asset reference is an integer, so it must be digits without a leading zero.

The asset reference of a sample is the digits of its sample number (JX2026-000123 ->
2026000123): unique per institute, readable back to the sample without a lookup.
Standard library only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from samplehub.core.domain.errors import SampleHubError

HEADER_GIAI_96 = 0x34

# partition -> (company prefix bits, company prefix digits, asset reference bits)
PARTITIONS: dict[int, tuple[int, int, int]] = {
    0: (40, 12, 42),
    1: (37, 11, 45),
    2: (34, 10, 48),
    3: (30, 9, 52),
    4: (27, 8, 55),
    5: (24, 7, 58),
    6: (20, 6, 62),
}
_PARTITION_OF_DIGITS = {digits: p for p, (_, digits, _) in PARTITIONS.items()}

_TAG_URI = re.compile(r"^urn:epc:tag:giai-96:([0-7])\.(\d{6,12})\.(\d+)$")
_PURE_URI = re.compile(r"^urn:epc:id:giai:(\d{6,12})\.(\d+)$")


class EpcError(SampleHubError, ValueError):
    """A value that cannot be a GIAI-96: names the field, the value and what is allowed."""

    def __init__(self, field: str, value: object, allowed: str) -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        super().__init__(f"EPC {field} {value!r} is not allowed: {allowed}")


@dataclass(frozen=True)
class Giai96:
    """One GIAI-96 identity; build with :meth:`create`, or parse with the ``from_*`` methods."""

    filter: int
    company_prefix: str
    asset_reference: str

    @classmethod
    def create(cls, filter_value: int, company_prefix: str, asset_reference: str) -> Giai96:
        if not 0 <= filter_value <= 7:
            raise EpcError("filter", filter_value, "an integer 0..7 (0 = all others)")
        if not company_prefix.isdigit() or len(company_prefix) not in _PARTITION_OF_DIGITS:
            raise EpcError("company_prefix", company_prefix, "6 to 12 digits")
        _, _, ref_bits = PARTITIONS[_PARTITION_OF_DIGITS[len(company_prefix)]]
        if not asset_reference.isdigit() or (
            asset_reference.startswith("0") and asset_reference != "0"
        ):
            raise EpcError(
                "asset_reference", asset_reference, "digits without a leading zero (GIAI-96)"
            )
        if int(asset_reference) >= 1 << ref_bits:
            raise EpcError(
                "asset_reference",
                asset_reference,
                f"below 2^{ref_bits} with a {len(company_prefix)}-digit company prefix",
            )
        return cls(filter_value, company_prefix, asset_reference)

    @property
    def partition(self) -> int:
        return _PARTITION_OF_DIGITS[len(self.company_prefix)]

    def to_int(self) -> int:
        prefix_bits, _, ref_bits = PARTITIONS[self.partition]
        value = HEADER_GIAI_96
        value = (value << 3) | self.filter
        value = (value << 3) | self.partition
        value = (value << prefix_bits) | int(self.company_prefix)
        return (value << ref_bits) | int(self.asset_reference)

    def to_hex(self) -> str:
        """The 96-bit EPC as 24 upper-case hex digits, as written to the tag's EPC bank."""
        return f"{self.to_int():024X}"

    def pure_identity_uri(self) -> str:
        return f"urn:epc:id:giai:{self.company_prefix}.{self.asset_reference}"

    def tag_uri(self) -> str:
        return f"urn:epc:tag:giai-96:{self.filter}.{self.company_prefix}.{self.asset_reference}"

    @classmethod
    def from_hex(cls, text: str) -> Giai96:
        cleaned = text.strip().replace(" ", "")
        if not re.fullmatch(r"[0-9A-Fa-f]{24}", cleaned):
            raise EpcError("hex", text, "24 hex digits (96 bits)")
        value = int(cleaned, 16)
        header = value >> 88
        if header != HEADER_GIAI_96:
            raise EpcError("header", f"{header:02X}", "34 (GIAI-96)")
        filter_value = (value >> 85) & 0b111
        partition = (value >> 82) & 0b111
        if partition not in PARTITIONS:
            raise EpcError("partition", partition, "0..6")
        prefix_bits, digits, ref_bits = PARTITIONS[partition]
        prefix = (value >> ref_bits) & ((1 << prefix_bits) - 1)
        reference = value & ((1 << ref_bits) - 1)
        if prefix >= 10**digits:
            raise EpcError("company_prefix", prefix, f"at most {digits} digits")
        return cls.create(filter_value, f"{prefix:0{digits}d}", str(reference))

    @classmethod
    def from_tag_uri(cls, uri: str) -> Giai96:
        match = _TAG_URI.match(uri.strip())
        if not match:
            raise EpcError("tag_uri", uri, "urn:epc:tag:giai-96:F.PREFIX.REFERENCE")
        return cls.create(int(match.group(1)), match.group(2), match.group(3))

    @classmethod
    def from_pure_identity_uri(cls, uri: str, filter_value: int = 0) -> Giai96:
        match = _PURE_URI.match(uri.strip())
        if not match:
            raise EpcError("pure_identity_uri", uri, "urn:epc:id:giai:PREFIX.REFERENCE")
        return cls.create(filter_value, match.group(1), match.group(2))


def asset_reference_from_sample_no(sample_no: str) -> str:
    """The digits of a sample number, leading zeros dropped (JX2026-000123 -> 2026000123)."""
    digits = "".join(ch for ch in sample_no if ch.isdigit()).lstrip("0")
    if not digits:
        raise EpcError("sample_no", sample_no, "a sample number with at least one non-zero digit")
    return digits


def giai_for_sample(sample_no: str, company_prefix: str, filter_value: int = 0) -> Giai96:
    """The sample's GIAI-96; filter and company prefix come from the institute's settings."""
    return Giai96.create(filter_value, company_prefix, asset_reference_from_sample_no(sample_no))
