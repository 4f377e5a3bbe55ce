"""The turnover spine: processed rows trace to raw rows; the computed total equals the printed one;
the chapter's sentences hold under a calculator (the rules of ``test_reader_text``)."""
import re
from decimal import Decimal

import pandas as pd
import pytest
from test_reader_text import calculator, typography

from pipeline import config
from pipeline import formatting as fmt
from pipeline.process import compute, turnover
from pipeline.ingest import validation
from pipeline.present import contents, trace, turnover_views


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


TREND = re.compile(r"gick från (?P<a>\d+,\d)\u00a0% år (?P<y1>\d{4}) till (?P<b>\d+,\d)\u00a0% år (?P<y2>\d{4}), "
                   r"en (?P<dir>minskning|ökning) med (?P<c>\d+,\d)\u00a0procentenheter\.$")


def _decimal(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def test_the_trend_sentence_states_the_change_a_calculator_gets_from_its_printed_rates(processed):
    rows = processed["turnover"]
    name = turnover.all_districts_name(processed["administrations"])
    # by hand from Tabell 1: 138/499 = 27,7 % (2016), 117/573 = 20,4 % (2018); 27,7 − 20,4 = 7,3
    assert trace.plain(turnover_views.trend_sentence(rows, "biståndshandläggare", name, 2016, "i alla stadsdelar")).endswith(
        "gick från 27,7\u00a0% år 2016 till 20,4\u00a0% år 2018, en minskning med 7,3\u00a0procentenheter.")
    # Bromma: 15/41 = 36,6 %, 14/38 = 36,8 %: 0,2 points (the unrounded rates differ by 0,26)
    assert trace.plain(turnover_views.trend_sentence(rows, "biståndshandläggare", "Bromma", 2016, "i Bromma")).endswith(
        "från 36,6\u00a0% år 2016 till 36,8\u00a0% år 2018, en ökning med 0,2\u00a0procentenheter.")


def test_every_trend_sentence_holds_under_a_calculator_and_keeps_numbers_apart(processed):
    rows = processed["turnover"]
    stated = 0
    for (profession, administration), own in rows.groupby(["profession", "administration"]):
        sentence = trace.plain(turnover_views.trend_sentence(rows, profession, administration, 2016, f"i {administration}"))
        assert calculator(sentence)[1] == [] and typography(sentence) == [], sentence
        match = TREND.search(sentence)
        if match is None:
            continue
        stated += 1
        by_year = own.set_index("year")["rate"]
        assert match["a"] + "\u00a0%" == fmt.percent(by_year[int(match["y1"])])
        assert match["b"] + "\u00a0%" == fmt.percent(by_year[int(match["y2"])])
        change = _decimal(match["b"]) - _decimal(match["a"])
        assert _decimal(match["c"]) == abs(change)
        assert (match["dir"] == "minskning") == (change < 0)
    assert stated >= 25


def test_the_chapter_s_sentences_hold_under_a_calculator(processed):
    for profession in ("biståndshandläggare", "socialsekreterare"):
        text = trace.plain(turnover_views.summary(processed["turnover"], processed["administrations"], profession, 2016).text)
        sentences = text.split(". ")
        assert len(sentences) == 3
        for sentence in sentences:
            assert calculator(sentence)[1] == [] and typography(sentence) == [], sentence
        assert sum(len(calculator(s)[0]) for s in sentences) == 3   # two shares and one change


def test_the_all_districts_row_is_shown_as_alla_stadsdelar_and_kept_as_processed(processed):
    rows, administrations = processed["turnover"], processed["administrations"]
    name = turnover.all_districts_name(administrations)
    table = turnover_views.table(rows, administrations, "biståndshandläggare")
    assert turnover_views.ALL_DISTRICTS_LABEL in table.shown.index and name not in table.shown.index
    assert name in set(table.frame["administration"])
    assert table.row_css == {turnover_views.ALL_DISTRICTS_LABEL: "total"}
    html = table.html()
    assert f'<tr class="total"><th scope="row">{turnover_views.ALL_DISTRICTS_LABEL}</th>' in html
    assert name not in html
    figure = turnover_views.city_trend(rows, administrations, "biståndshandläggare")
    assert contents.number("turnover-table-bistandshandlaggare") in figure.source
    assert "hela staden" in figure.source
