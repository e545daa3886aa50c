from laneguard.records.domain.stats import StatsRow, percent


def test_rates_print_as_percent_or_dash() -> None:
    assert percent(None) == "—"
    assert percent(0.5) == "50.0%"
    assert percent(2 / 3) == "66.7%"


def test_row_dict_carries_counts_and_rates() -> None:
    row = StatsRow(
        "2026-11-29", incidents=5, turned_back=3, left_by_itself=0, false_alarm=1, open=1
    )
    assert row.to_dict() == {
        "key": "2026-11-29", "incidents": 5, "turned_back": 3, "left_by_itself": 0,
        "false_alarm": 1, "open": 1, "turned_back_rate": 1.0, "false_alarm_rate": 0.25,
    }  # fmt: skip
