"""GIAI-96 against the GS1 EPC TDS example and against epcpy, an independent implementation."""

from __future__ import annotations

import pytest
from epcpy.epc_schemes.giai import GIAI, GIAIFilterValue
from hypothesis import given
from hypothesis import strategies as st

from samplehub.core.domain.epc import (
    PARTITIONS,
    EpcError,
    Giai96,
    asset_reference_from_sample_no,
    giai_for_sample,
)

TDS_TAG_URI = "urn:epc:tag:giai-96:1.0614141.12345400"
TDS_HEX = "3434257BF400000000BC6038"


def test_tds_example_encodes_to_its_published_hex() -> None:
    giai = Giai96.from_tag_uri(TDS_TAG_URI)
    assert (giai.filter, giai.partition, giai.company_prefix) == (1, 5, "0614141")
    assert giai.to_hex() == TDS_HEX


def test_tds_example_decodes_from_its_published_hex() -> None:
    giai = Giai96.from_hex(TDS_HEX.lower())
    assert giai.tag_uri() == TDS_TAG_URI
    assert giai.pure_identity_uri() == "urn:epc:id:giai:0614141.12345400"


def test_sample_number_becomes_the_asset_reference() -> None:
    giai = giai_for_sample("JX2026-000123", "0614141", filter_value=0)
    assert giai.asset_reference == "2026000123"
    assert Giai96.from_hex(giai.to_hex()) == giai
    assert asset_reference_from_sample_no("JX0000-000007") == "7"


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: Giai96.create(8, "0614141", "1"), "filter"),
        (lambda: Giai96.create(0, "06141", "1"), "company_prefix"),
        (lambda: Giai96.create(0, "0614141", "0123"), "asset_reference"),
        (lambda: Giai96.create(0, "0614141", "A12"), "asset_reference"),
        (lambda: Giai96.create(0, "061414112345", str(1 << 42)), "asset_reference"),
        (lambda: Giai96.from_hex("3534257BF400000000BC6038"), "header"),
        (lambda: Giai96.from_hex("3434257BF4"), "hex"),
        (lambda: Giai96.from_hex("343C257BF400000000BC6038"), "partition"),
        (lambda: Giai96.from_tag_uri("urn:epc:tag:sgtin-96:1.0614141.1"), "tag_uri"),
        (lambda: asset_reference_from_sample_no("JX-000"), "sample_no"),
    ],
)
def test_invalid_values_name_the_field(call: object, field: str) -> None:
    with pytest.raises(EpcError) as caught:
        call()  # type: ignore[operator]
    assert caught.value.field == field


@st.composite
def giais(draw: st.DrawFn) -> Giai96:
    partition = draw(st.integers(min_value=0, max_value=6))
    _, digits, ref_bits = PARTITIONS[partition]
    prefix = draw(st.text(alphabet="0123456789", min_size=digits, max_size=digits))
    reference = draw(st.integers(min_value=0, max_value=(1 << ref_bits) - 1))
    return Giai96.create(draw(st.integers(0, 7)), prefix, str(reference))


@given(giais())
def test_round_trips_agree_with_epcpy(giai: Giai96) -> None:
    theirs = GIAI(giai.pure_identity_uri())
    filter_value = GIAIFilterValue(str(giai.filter))
    assert (
        theirs.hex(
            binary_coding_scheme=GIAI.BinaryCodingScheme.GIAI_96, filter_value=filter_value
        ).upper()
        == giai.to_hex()
    )
    assert (
        theirs.tag_uri(
            binary_coding_scheme=GIAI.BinaryCodingScheme.GIAI_96, filter_value=filter_value
        )
        == giai.tag_uri()
    )
    back = GIAI.from_hex(giai.to_hex())
    assert back.epc_uri == giai.pure_identity_uri()
    assert Giai96.from_hex(giai.to_hex()) == giai
    assert Giai96.from_tag_uri(giai.tag_uri()) == giai
    assert Giai96.from_pure_identity_uri(giai.pure_identity_uri(), giai.filter) == giai
