"""Field rules of nameplate reading, on OCR text as RapidOCR returns it (no images here)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samplehub.intake.domain.nameplate import FIELD_NAMES, OcrLine, extract_fields


def read(*texts: str, score: float = 0.95) -> dict[str, str | float | None]:
    return extract_fields([OcrLine(t, score) for t in texts]).values(extras=True)


def test_chinese_metal_plate_gives_every_field_as_printed() -> None:
    fields = read(
        "弹簧管压力表",
        "型号：Y-100",
        "测量范围：0~1.6MPa",
        "精度等级：1.6级",
        "出厂编号：2023A0457",
        "出厂日期：2023年05月",
        "制造商：上海自动化仪表四厂",
    )
    assert fields == {
        "instrument_type": "弹簧管压力表",
        "manufacturer": "上海自动化仪表四厂",
        "model": "Y-100",
        "serial_number": "2023A0457",
        "range_min": 0.0,
        "range_max": 1.6,
        "unit": "MPa",
        "accuracy_class": "1.6",
        "category": "pressure_gauge",
        "production_date": "2023-05",
    }


def test_english_plate_with_its_captions() -> None:
    fields = read(
        "Bourdon Tube Pressure Gauge",
        "Model: YN-100",
        "Measuring Range: 0 to 25 MPa",
        "Class 2.5",
        "Serial No. 77812",
        "Shanghai Yichuan Instrument Co., Ltd.",
    )
    assert fields["instrument_type"] == "Bourdon Tube Pressure Gauge"
    assert fields["model"] == "YN-100"
    assert (fields["range_min"], fields["range_max"], fields["unit"]) == (0.0, 25.0, "MPa")
    assert fields["accuracy_class"] == "2.5"
    assert fields["serial_number"] == "77812"
    assert fields["manufacturer"] == "Shanghai Yichuan Instrument Co., Ltd."


@pytest.mark.parametrize(
    ("text", "low", "high", "unit"),
    [
        ("0~1.6MPa", 0.0, 1.6, "MPa"),
        ("(0-1.6) MPa", 0.0, 1.6, "MPa"),
        ("（0～1.6）MPa", 0.0, 1.6, "MPa"),
        ("-0.1~0.9MPa", -0.1, 0.9, "MPa"),
        ("-0.1-0.9 Mpa", -0.1, 0.9, "MPa"),
        ("0-250℃", 0.0, 250.0, "°C"),
        ("-40~60°C", -40.0, 60.0, "°C"),
        ("0~100KPa", 0.0, 100.0, "kPa"),
        ("0 ~ 10 bar", 0.0, 10.0, "bar"),
        ("0 to 300 psi", 0.0, 300.0, "psi"),
        ("0~220g", 0.0, 220.0, "g"),
        ("0-3.2 kg", 0.0, 3.2, "kg"),
        ("0~1000V", 0.0, 1000.0, "V"),
        ("(O-1)MPa", 0.0, 1.0, "MPa"),
        ("-40℃~+85℃", -40.0, 85.0, "°C"),
        ("0MPa~1.6MPa", 0.0, 1.6, "MPa"),
        ("(-50-150) °℃", -50.0, 150.0, "°C"),
    ],
)
def test_range_spellings_give_numbers_and_a_standard_unit(
    text: str, low: float, high: float, unit: str
) -> None:
    fields = read("压力表", f"测量范围 {text}")
    assert (fields["range_min"], fields["range_max"], fields["unit"]) == (low, high, unit)
    uncaptioned = read("压力表", text)
    # Uncaptioned volts could be a supply (24V), so only a captioned volt range is a range.
    expected = (None, None) if unit == "V" else (low, high)
    assert (uncaptioned["range_min"], uncaptioned["range_max"]) == expected


@given(
    low=st.integers(min_value=-100, max_value=0),
    span=st.integers(min_value=1, max_value=10_000),
    unit=st.sampled_from(["MPa", "kPa", "bar", "psi", "℃", "g", "kg"]),
    sep=st.sampled_from(["~", "-", " ~ ", "～"]),
)
def test_any_printed_range_parses_back(low: int, span: int, unit: str, sep: str) -> None:
    high = low + span
    fields = read(f"量程：{low / 10:g}{sep}{high / 10:g}{unit}")
    assert fields["range_min"] == low / 10
    assert fields["range_max"] == high / 10


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.6级", "1.6"),
        ("精度等级：2.5级", "2.5"),
        ("准确度等级 0.25级", "0.25"),
        ("Class 1.6", "1.6"),
        ("CL 1.0", "1.0"),
        ("CL1.0", "1.0"),
        ("Accuracy Class: 0.4", "0.4"),
        ("精度：±0.5%FS", "±0.5%FS"),
        ("±0.25% F.S.", "±0.25%F.S."),
        ("准确度等级：Ⅱ", "Ⅱ"),
        ("Class A", "A"),
        ("Accuracy: ±0.1%FS", "±0.1%FS"),
    ],
)
def test_accuracy_class_spellings(text: str, expected: str) -> None:
    assert read("压力表", text)["accuracy_class"] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("出厂编号：2023A0457", "2023A0457"),
        ("编号 A-0012", "A-0012"),
        ("No.T22-08812", "T22-08812"),
        ("S/N: 77812", "77812"),
        ("Serial No. 20230045", "20230045"),
        ("出厂编号 SN20230045", "SN20230045"),
        ("出厂编号 T0O-1192", "T00-1192"),
        ("No.2O23A0457", "2023A0457"),
    ],
)
def test_serial_number_captions(text: str, expected: str) -> None:
    assert read("压力表", text)["serial_number"] == expected


@pytest.mark.parametrize(
    "text", ["型号：Y-100", "型号规格：Y-100", "规格 Y-100", "Model No. Y-100"]
)
def test_model_captions(text: str) -> None:
    assert read("压力表", text)["model"] == "Y-100"


def test_a_caption_alone_takes_the_next_row_as_its_value() -> None:
    assert read("出厂编号", "2023A0457")["serial_number"] == "2023A0457"


@pytest.mark.parametrize(
    "noise",
    [
        "输出信号：4~20mA",
        "4~20mA",
        "Output: 4-20 mA",
        "电源：12~36V DC",
        "执行标准：GB/T 1226-2017",
        "Standard: GB/T 1226-2017",
        "制造计量器具许可证 沪制00000123号",
        "许可证 No. 12345678",
        "XK01-001-00123",
        "防护等级 IP65",
        "使用温度 -40~85℃",
    ],
)
def test_signals_standards_and_licences_are_not_fields(noise: str) -> None:
    fields = read("压力变送器", noise)
    assert fields["instrument_type"] == "压力变送器"
    for name in FIELD_NAMES[1:]:
        assert fields[name] is None, (name, fields[name])
    assert fields["production_date"] is None


def test_absent_fields_are_none_never_guessed() -> None:
    fields = read("压力表")
    assert fields["instrument_type"] == "压力表"
    assert all(fields[name] is None for name in FIELD_NAMES[1:])
    assert all(value is None for value in read("Hello", "12345").values())


@pytest.mark.parametrize(
    ("text", "written", "category"),
    [
        ("压力真空表", "压力真空表", "pressure_gauge"),
        ("名称：不锈钢耐震压力表", "不锈钢耐震压力表", "pressure_gauge"),
        ("标准压力表", "标准压力表", "pressure_gauge"),
        ("数字压力计 ConST211", "数字压力计", "digital_pressure_gauge"),
        ("PRESSURE TRANSMITTER", "PRESSURE TRANSMITTER", "pressure_transmitter"),
        ("Pressure Gayge", "Pressure Gauge", "pressure_gauge"),
        ("电子天平", "电子天平", "balance"),
    ],
)
def test_instrument_type_is_kept_as_written(text: str, written: str, category: str) -> None:
    fields = read(text)
    assert (fields["instrument_type"], fields["category"]) == (written, category)


def test_instrument_types_extend_through_config() -> None:
    reading = extract_fields([OcrLine("电磁流量计 LDG-50", 0.9)], {"流量计": "flowmeter"})
    assert reading.values(extras=True)["instrument_type"] == "电磁流量计"
    assert reading.values(extras=True)["category"] == "flowmeter"
    assert reading.values()["model"] == "LDG-50"


def test_standard_title_does_not_become_the_type() -> None:
    assert read("执行标准：GB/T 1226-2017 一般压力表")["instrument_type"] is None


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("出厂日期：2022.11", "2022-11"),
        ("生产日期 2022-11-05", "2022-11-05"),
        ("2023年05月", "2023-05"),
        ("Mfg. Date: 2019/7", "2019-07"),
    ],
)
def test_production_date_is_iso(text: str, iso: str) -> None:
    assert read(text)["production_date"] == iso


def test_manufacturer_by_caption_or_company_suffix() -> None:
    assert read("制造厂：红旗仪表")["manufacturer"] == "红旗仪表"
    assert read("上海自动化仪表四厂2023年05月")["manufacturer"] == "上海自动化仪表四厂"
    assert read("Acme Gauge GmbH")["manufacturer"] == "Acme Gauge GmbH"


def box(text: str, x0: float, y0: float, x1: float, y1: float, dy: float = 0.0) -> OcrLine:
    """A box whose right side sits dy lower than its left (a tilted photo)."""
    return OcrLine(text, 0.95, ((x0, y0), (x1, y0 + dy), (x1, y1 + dy), (x0, y1)))


def test_boxes_on_one_tilted_row_are_joined_caption_first() -> None:
    lines = [
        box("0~1.6MPa", 300, 112, 500, 142, dy=14),
        box("出厂编号", 40, 160, 240, 190, dy=14),
        box("测量范围", 40, 100, 240, 130, dy=14),
        box("2023A0457", 300, 172, 500, 202, dy=14),
    ]
    fields = extract_fields(lines).values()
    assert fields["serial_number"] == "2023A0457"
    assert (fields["range_min"], fields["range_max"], fields["unit"]) == (0.0, 1.6, "MPa")


def on_arc(text: str, angle_deg: float, radius: float) -> OcrLine:
    x = 450 + radius * math.cos(math.radians(angle_deg))
    y = 450 - radius * math.sin(math.radians(angle_deg))
    return box(text, x - 20, y - 15, x + 20, y + 15)


def test_dial_scale_gives_the_range_and_ticks_read_as_numbers_are_ignored() -> None:
    numbers = ["0", "0.1", "—0.2", "0.3", "0.4 —", "0.5", "0.6", "0.7", "0.8", "0.9"]
    lines = [on_arc(n, 225 - 270 * i / 9, 255) for i, n in enumerate(numbers)]
    # Tick marks outside the numbers, read by OCR as "1": one would extend the scale to 1.0.
    lines += [on_arc("1", -60, 330), on_arc("1", 100, 330), on_arc("I", 40, 330)]
    lines += [box("MPa", 420, 500, 480, 540), box("压力表", 380, 300, 520, 340)]
    fields = extract_fields(lines).values()
    assert (fields["range_min"], fields["range_max"], fields["unit"]) == (0.0, 0.9, "MPa")


def test_a_scale_number_under_the_needle_does_not_cut_the_range() -> None:
    numbers = ["0", "0.2", "0.4", "0.6", "0.8", "", "1.2", "1.4", "1.6"]
    lines = [on_arc(n, 225 - 270 * i / 8, 255) for i, n in enumerate(numbers) if n]
    lines.append(box("MPa", 420, 500, 480, 540))
    fields = extract_fields(lines).values()
    assert (fields["range_min"], fields["range_max"]) == (0.0, 1.6)


def test_numbers_without_a_unit_are_not_a_range() -> None:
    lines = [box(n, 100 + 40 * i, 300, 130 + 40 * i, 330) for i, n in enumerate("0123456")]
    assert extract_fields(lines).values()["range_max"] is None


def test_confidence_follows_evidence() -> None:
    reading = extract_fields(
        [
            OcrLine("出厂编号：2023A0457", 0.9),
            OcrLine("0~1.6MPa", 0.9),
            OcrLine("Y-100 压力表", 0.9),
        ]
    )
    conf = reading.confidences()
    assert conf["serial_number"] > conf["range_max"] > conf["model"] > 0
    assert conf["manufacturer"] == 0.0
