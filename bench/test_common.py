from __future__ import annotations

import json
import time

import pytest

from bench import common


def test_it_interpolates_percentiles():
    assert common.percentile([1.0, 2.0, 3.0, 4.0, 5.0], 50) == 3.0
    assert common.percentile([1.0, 2.0, 3.0, 4.0, 5.0], 95) == pytest.approx(4.8)
    assert common.percentile([7.0], 95) == 7.0


def test_it_stops_measuring_at_the_count_or_the_time_limit():
    calls: list[str] = []

    assert len(common.measure(calls.append, ["a", "b"], count=5, warmup=2)) == 5
    assert calls == ["a", "b", "a", "b", "a", "b", "a"]
    assert len(common.measure(lambda _: time.sleep(0.02), [None], count=1000, time_limit=0.05)) < 10


def test_it_writes_results_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(common, "RESULTS_DIR", tmp_path)

    path = common.write_result("example", {"passed": True, "p95_ms": 1.5})

    assert json.loads(path.read_text()) == {"passed": True, "p95_ms": 1.5}
    assert [item.name for item in tmp_path.iterdir()] == ["example.json"]
