"""The survey section's blocks: each table's and diagram's ``.frame`` is the processed rows it shows,
its number and source the registry's."""
import pandas as pd
import pytest

from pipeline import config, formatting as fmt
from pipeline.ingest import validation
from pipeline.present import blocks, contents
from pipeline.present import survey_views as views
from pipeline.process import compute, survey

MIN = config.load().survey_min_respondents


@pytest.fixture(scope="module")
def shares():
    validated, _ = validation.validate_all(config.load())
    return compute.build(validated, config.load())["survey_shares"]


def _rows(shares: pd.DataFrame, *group_types: str) -> pd.DataFrame:
    return shares[shares["group_type"].isin(group_types)].reset_index(drop=True)


def _shown(shares, synthetic=True):
    return {
        "survey-statements-diagram": (views.city_trend(shares, synthetic), ["city"]),
        "survey-statements-table": (views.city_table(shares, synthetic), ["city"]),
        "survey-areas-diagram": (views.area_trend(shares, synthetic), ["city", "area"]),
        "survey-areas-table": (views.area_table(shares, MIN, synthetic), ["city", "area"]),
        "survey-administrations-diagram": (views.administration_ranking(shares, synthetic), ["city", "administration"]),
        "survey-administrations-table": (views.administration_table(shares, MIN, synthetic), ["administration"]),
    }


def test_every_table_and_diagram_shows_the_processed_rows(shares):
    for entry_id, (block, group_types) in _shown(shares).items():
        assert isinstance(block, blocks.Table if entry_id.endswith("table") else blocks.Figure), entry_id
        pd.testing.assert_frame_equal(block.frame, _rows(shares, *group_types), obj=entry_id)
        assert list(block.frame.columns) == survey.SHARE_COLUMNS


def test_the_city_table_shows_each_city_row_and_its_shares(shares):
    table = views.city_table(shares, True)
    assert len(table.shown) == len(table.frame)
    shown = table.shown.set_index("Mättillfälle", append=True)
    for row in table.frame.itertuples():
        cells = shown.loc[(survey.STATEMENT_SHORT[row.statement], row.occasion)]
        assert cells["Positiva"] == fmt.percent(row.positive_share)
        assert cells["Antal svar"] == fmt.number(row.n)


def test_the_administration_table_lists_every_administration_of_the_processed_rows(shares):
    table = views.administration_table(shares, MIN, True)
    assert set(table.shown.index) == set(table.frame["group"])


def test_numbers_and_sources_come_from_the_registry(shares):
    for synthetic in (True, False):
        for entry_id, (block, _) in _shown(shares, synthetic).items():
            assert block.caption.startswith(f"{contents.number(entry_id)}. "), entry_id
            assert block.source.startswith(contents.source(entry_id, synthetic=synthetic)), entry_id
            assert block.synthetic is synthetic
            assert ("survey_demo.py" in block.source) is synthetic


def test_the_opening_is_the_notice_and_a_sentence_and_nothing_for_a_real_export():
    opening = views.opening(True)
    assert opening.items[0].html() == blocks.synthetic_notice().html()
    assert isinstance(opening.items[1], blocks.Text)
    assert views.opening(False).html() == ""


def test_the_statements_are_a_list_from_a_template(shares):
    group = views.statements(shares)
    html = group.html()
    assert html.startswith('<ul class="statements"><li>')
    assert html.count("<li>") == len(survey.STATEMENTS)
    assert "<p>Svaren ges på en femgradig skala." in html


def test_the_threshold_arrives_as_a_value(shares):
    assert "minst 7 svar" in views.caution(7).text
    assert "färre än 7 svar" in views.area_table(shares, 7, True).source
