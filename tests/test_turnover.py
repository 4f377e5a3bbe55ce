"""The turnover spine: processed rows trace to raw rows; the computed total equals the printed one."""
import pandas as pd
import pytest

from pipeline import config
from pipeline.process import compute, turnover
from pipeline.ingest import validation
from pipeline.present import turnover_views


@pytest.fixture(scope="module")
def tables():
    validated, _ = validation.validate_all(config.load())
    return validated


@pytest.fixture(scope="module")
def processed(tables):
    return compute.build(tables, config.load())


def test_every_processed_district_and_central_value_is_a_raw_row(tables, processed):
    raw = tables["turnover"].astype({"year": "int64", "ended": "int64", "headcount": "int64"})
    rows = processed["turnover"]
    own = rows[rows["administration_type"] != "all_districts"]
    merged = own.merge(raw, on=["profession", "administration", "year"], suffixes=("", "_raw"), how="left",
                       validate="one_to_one")
    assert merged["ended_raw"].notna().all()
    assert (merged["ended"] == merged["ended_raw"]).all()
    assert (merged["headcount"] == merged["headcount_raw"]).all()
    assert len(own) == len(raw[raw["administration"] != "Stadsdelar total"])


def test_the_stadsdelar_total_row_is_the_sum_of_the_districts(processed):
    rows = processed["turnover"]
    districts = rows[rows["administration_type"] == "district"].groupby(["profession", "year"])[["ended", "headcount"]].sum()
    total = rows[rows["administration_type"] == "all_districts"].set_index(["profession", "year"])[["ended", "headcount"]]
    pd.testing.assert_frame_equal(districts.sort_index(), total.sort_index(), check_dtype=False)


def test_the_computed_total_equals_the_published_one_for_every_year_and_profession(processed):
    checks = processed["turnover_published_totals"]
    assert len(checks) == 2 * checks["year"].nunique()
    assert checks["agrees"].all(), checks[~checks["agrees"]]


def test_rate_is_ended_over_headcount_and_empty_where_nobody_was_employed(processed):
    rows = processed["turnover"]
    zero = rows[rows["headcount"] == 0]
    assert not zero.empty and zero["rate"].isna().all()
    some = rows[rows["headcount"] > 0]
    assert ((some["ended"] / some["headcount"] - some["rate"]).abs() < 1e-12).all()


def test_a_wrong_published_total_is_reported_as_disagreeing(tables):
    raw = tables["turnover"].copy()
    mask = (raw["administration"] == "Stadsdelar total") & (raw["year"] == raw["year"].min())
    raw.loc[mask, "ended"] = raw.loc[mask, "ended"] + 1
    rows = turnover.tidy(raw, tables["administrations"])
    checks = turnover.published_total_checks(raw, rows, tables["administrations"])
    assert (~checks["agrees"]).sum() == mask.sum()


def test_sentences_quote_computed_figures(processed):
    rows = processed["turnover"]
    sentence = turnover_views.example_sentence(rows, "biståndshandläggare", "Rinkeby-Kista", int(rows["year"].min()))
    first = rows[(rows["administration"] == "Rinkeby-Kista") & (rows["profession"] == "biståndshandläggare")].iloc[0]
    assert f"slutade {first['ended']} av {first['headcount']}" in sentence
