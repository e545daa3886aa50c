"""The in-memory fakes of the intake ports behave as the ports promise."""

from __future__ import annotations

import pytest

from samplehub.intake.domain.nameplate import OcrLine, extract_fields
from samplehub.intake.service.ports import (
    FakeNameplateVision,
    NameplateVision,
    UnreadableImageError,
    VisionResult,
)


def test_fake_vision_returns_prepared_results_blank_plates_and_errors() -> None:
    prepared = VisionResult(
        extract_fields([OcrLine("出厂编号 A123", 0.9)]), (), ("出厂编号 A123",), 1.0
    )
    fake = FakeNameplateVision(results={"a.jpg": prepared}, unreadable={"bad.jpg"})
    vision: NameplateVision = fake
    assert vision.read_image(b"", "a.jpg").reading.values()["serial_number"] == "A123"
    assert all(v is None for v in vision.read_image(b"", "other.jpg").reading.values().values())
    with pytest.raises(UnreadableImageError) as caught:
        vision.read_image(b"", "bad.jpg")
    assert caught.value.field == "content"
    assert fake.calls == ["a.jpg", "other.jpg", "bad.jpg"]
