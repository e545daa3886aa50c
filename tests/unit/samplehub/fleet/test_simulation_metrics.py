from samplehub.simulation.metrics import percentile


def test_percentile_is_the_nearest_rank() -> None:
    twenty = [float(v) for v in range(20, 0, -1)]  # 20 … 1, unsorted on purpose
    assert percentile(twenty, 95) == 19.0  # the 19th of 20, not the slowest
    assert percentile(twenty, 50) == 10.0
    assert percentile(twenty, 100) == 20.0
    assert percentile(twenty, 1) == 1.0
    assert percentile([7.0, 3.0, 5.0], 95) == 7.0  # ⌈2.85⌉ = 3rd of 3
    assert percentile([], 95) == 0.0
