import pytest

from samplehub.core.domain.credit_code import ALPHABET, check_character, validate_credit_code
from samplehub.core.domain.errors import InvalidValue


@pytest.mark.parametrize(
    "code",
    ["91350100M000100Y43", "91350200MA2Y8K3L0G", "911100001000020000"[:17] + "?"],
)
def test_check_character_round_trip(code: str) -> None:
    first17 = code[:17]
    full = first17 + check_character(first17)
    assert validate_credit_code(full.lower()) == full


def test_published_example_is_valid() -> None:
    assert validate_credit_code(" 91350100M000100Y43 ") == "91350100M000100Y43"


def test_wrong_check_character_names_the_expected_one() -> None:
    with pytest.raises(InvalidValue) as info:
        validate_credit_code("91350100M000100Y44")
    assert info.value.field == "credit_code"
    assert "'3'" in info.value.allowed


@pytest.mark.parametrize("bad", ["", "9135010", "91350100M000100Y4300", "91350100M0001O0Y43"])
def test_malformed_codes_are_refused(bad: str) -> None:
    with pytest.raises(InvalidValue) as info:
        validate_credit_code(bad)
    assert info.value.value == bad


def test_alphabet_excludes_ambiguous_letters() -> None:
    assert len(ALPHABET) == 31
    assert not set("IOSVZ") & set(ALPHABET)
