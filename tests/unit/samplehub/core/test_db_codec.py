import json
from datetime import UTC, datetime

import pytest

from samplehub.core.adapters.db.codec import decode, encode
from samplehub.lab.domain import demo
from samplehub.lab.domain.certificate import Actor, Certificate

AT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def test_a_certificate_survives_a_round_trip_through_json() -> None:
    certificate = Certificate.enter("ZS2026-000001", demo.gauge_content(), Actor("lab", "王工"), AT)
    certificate.review(Actor("r", "李工"), AT)
    stored = json.dumps(encode(certificate), ensure_ascii=False)
    assert decode(json.loads(stored)) == certificate
    calibration = Certificate.enter(
        "ZS2026-000002", demo.calibration_content(), Actor("l", "x"), AT
    )
    assert decode(json.loads(json.dumps(encode(calibration)))) == calibration


def test_records_stored_under_the_flat_module_names_still_read() -> None:
    """Certificates stored before the capability slices name samplehub.domain.metrology.*."""
    certificate = Certificate.enter("ZS2026-000003", demo.gauge_content(), Actor("lab", "王工"), AT)
    stored = json.dumps(encode(certificate), ensure_ascii=False)
    old = stored.replace("samplehub.lab.domain.", "samplehub.domain.metrology.")
    old = old.replace("samplehub.core.domain.", "samplehub.domain.")
    assert "samplehub.domain.metrology.certificate:Certificate" in old
    assert decode(json.loads(old)) == certificate


def test_stored_json_cannot_name_types_outside_the_domain() -> None:
    with pytest.raises(ValueError, match="outside"):
        decode({"$t": "subprocess:Popen", "args": ["true"]})
    with pytest.raises(ValueError, match="outside"):
        decode({"$e": "os:environ", "v": 1})
    with pytest.raises(ValueError, match="outside"):
        decode({"$t": "samplehub.app.bootstrap:Settings"})


def test_unknown_values_are_refused() -> None:
    with pytest.raises(TypeError, match="set"):
        encode({1, 2})
