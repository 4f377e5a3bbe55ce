"""Diagrams are drawn once for the same numbers: in the process, and across builds through the build's cache."""
import numpy as np
import pandas as pd
import pytest

from pipeline.build import cache, notebooks
from pipeline.present import charts

YEARS = [2016, 2017, 2018]


def lines(last: float) -> list[dict]:
    return [{"label": "Bromma", "rates": [0.2, 0.25, last]},
            {"label": "Alla stadsdelar", "rates": [0.3, 0.31, 0.29], "style": "reference"}]


@pytest.fixture()
def counted(monkeypatch):
    """Every real drawing counted, the process's memory and any store cleared for the test."""
    drawn = []
    real = charts.to_png

    def to_png(figure):
        drawn.append(figure)
        return real(figure)

    monkeypatch.setattr(charts, "to_png", to_png)
    monkeypatch.setattr(charts, "_DRAWN", {})
    monkeypatch.setattr(charts, "_store", None)
    return drawn


class Store:
    def __init__(self):
        self.entries: dict[str, bytes] = {}

    def read(self, key):
        return self.entries.get(key)

    def write(self, key, data):
        self.entries[key] = data


def test_the_same_numbers_are_drawn_once_and_other_numbers_again(counted):
    first = charts.rate_panel(YEARS, lines(0.3), top=0.4)
    again = charts.rate_panel(YEARS, lines(0.3), top=0.4)
    assert again == first and len(counted) == 1
    # numpy's numbers, as pandas hands them out, are the same numbers
    assert charts.rate_panel([np.int64(y) for y in YEARS], lines(np.float64(0.3)), top=0.4) == first
    assert len(counted) == 1
    other = charts.rate_panel(YEARS, lines(0.31), top=0.4)
    assert other != first and len(counted) == 2
    assert charts.rate_panel(YEARS, lines(0.3), top=None) != first and len(counted) == 3, "a keyword argument counts"
    assert charts.rate_trend(YEARS, lines(0.3)) != first and len(counted) == 4, "another kind of diagram counts"


def test_a_missing_value_is_its_own_key_and_an_argument_with_no_exact_text_is_always_drawn(counted):
    charts.rate_panel(YEARS, lines(float("nan")))
    charts.rate_panel(YEARS, lines(float("nan")))
    assert len(counted) == 1
    series = [{"label": "Bromma", "rates": pd.Series([0.2, 0.25, 0.3])}]
    charts.rate_panel(YEARS, series)
    charts.rate_panel(YEARS, series)
    assert len(counted) == 3


def test_a_store_keeps_diagrams_beyond_the_process(counted, monkeypatch):
    store = Store()
    charts.keep_drawings(store)
    first = charts.rate_panel(YEARS, lines(0.3))
    assert list(store.entries.values()) == [first]
    monkeypatch.setattr(charts, "_DRAWN", {})  # a new process, the same store
    assert charts.rate_panel(YEARS, lines(0.3)) == first and len(counted) == 1


def test_the_builds_store_is_keyed_by_the_code_too(monkeypatch, tmp_path):
    monkeypatch.setattr(cache, "ROOT", tmp_path / "cache")
    store = notebooks._Drawings()
    store.write("k", b"png")
    assert store.read("k") == b"png"
    monkeypatch.setattr(cache, "code_digest", lambda: "other code")
    assert store.read("k") is None
