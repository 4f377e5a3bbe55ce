"""The survey section's blocks: each table's and diagram's ``.frame`` is the processed rows it shows,
its number and source the registry's."""
import re

import pandas as pd
import pytest

from pipeline import config, formatting as fmt
from pipeline.ingest import validation
from pipeline.present import blocks, charts, contents, trace
from pipeline.present import survey_views as views
from pipeline.process import compute, lineage, survey

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
        assert trace.plain(cells["Positiva"]) == fmt.percent(row.positive_share)
        assert trace.plain(cells["Antal svar"]) == fmt.number(row.n)


def test_the_administration_table_lists_every_administration_of_the_processed_rows(shares):
    table = views.administration_table(shares, MIN, True)
    assert set(table.shown.index) == set(table.frame["group"])


def test_numbers_and_sources_come_from_the_registry(shares):
    for synthetic in (True, False):
        for entry_id, (block, _) in _shown(shares, synthetic).items():
            assert block.caption.startswith(f"{contents.number(entry_id)}. "), entry_id
            assert block.source.startswith(contents.source(entry_id, synthetic=synthetic)), entry_id
            assert block.synthetic is synthetic
            assert block.source.startswith("Syntetiska demonstrationsdata") is synthetic


def test_the_opening_is_the_notice_and_a_sentence_and_nothing_for_a_real_export():
    opening = views.opening(True)
    assert opening.items[0].html() == blocks.synthetic_notice().html()
    assert isinstance(opening.items[1], blocks.Text)
    assert views.opening(False).html() == ""


def test_the_statements_are_a_list_from_a_template(shares):
    group = views.statements(shares, True)
    html = group.html()
    assert html.startswith('<ul class="statements"><li>')
    assert html.count("<li>") == len(survey.STATEMENTS)
    assert "<p>Svaren ges på en femgradig skala." in html


def test_the_threshold_arrives_as_a_value(shares):
    assert "minst 7 svar" in views.caution(7).text
    assert "färre än 7 svar" in views.area_table(shares, 7, True).source


# ----------------------------------------------------------------------------- synthetic means synthetic everywhere

def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=\.) (?=[A-ZÅÄÖ])", text) if s]


def _summaries(shares, synthetic: bool) -> dict[str, str]:
    """The summaries' text as a reader reads it (each traced figure as its value)."""
    return {"statements": trace.plain(views.statements(shares, synthetic).items[1].text),
            "city": trace.plain(views.city_summary(shares, synthetic).text),
            "areas": trace.plain(views.area_summary(shares, synthetic).text),
            "administrations": trace.plain(views.administration_summary(shares, MIN, synthetic).text)}


def test_the_survey_diagrams_carry_the_label_in_the_image_above_the_plot(shares, monkeypatch):
    drawn = []

    def capture(figure):
        drawn.append([(t.get_text(), t.get_position()[1]) for t in figure.texts]
                     + [(None, max(axis.get_position().y1 for axis in figure.axes))])
        return b"png"

    monkeypatch.setattr(charts, "to_png", capture)
    monkeypatch.setattr(charts, "_store", None)
    for synthetic in (True, False):
        monkeypatch.setattr(charts, "_DRAWN", {})  # every diagram drawn, none taken from an earlier test's drawing
        drawn.clear()
        views.city_trend(shares, synthetic), views.area_trend(shares, synthetic)
        views.administration_ranking(shares, synthetic)
        assert len(drawn) == 3
        for texts in drawn:
            labels = [y for text, y in texts if text == blocks.SYNTHETIC_LABEL]
            top_of_plots = texts[-1][1]
            if synthetic:
                # a banner above every plot area, and the words again behind the data
                assert len(labels) == 2 and max(labels) >= top_of_plots
            else:
                assert labels == []


def test_a_synthetic_diagram_differs_in_its_pixels_from_a_real_one(shares):
    assert views.city_trend(shares, True).png != views.city_trend(shares, False).png


def test_the_text_alternatives_say_the_answers_are_synthetic(shares):
    for synthetic in (True, False):
        for entry_id, (block, _) in _shown(shares, synthetic).items():
            if isinstance(block, blocks.Figure):
                assert block.alt.startswith(blocks.SYNTHETIC_LABEL) is synthetic, entry_id
                assert ("syntetisk" in block.alt.lower()) is synthetic, entry_id


def test_every_sentence_with_a_survey_figure_says_the_figures_are_synthetic(shares):
    for synthetic in (True, False):
        for name, text in _summaries(shares, synthetic).items():
            with_figures = [s for s in _sentences(text) if "%" in s or re.search(r"\d+ (och \d+ )?svar", s)]
            assert with_figures, name
            for sentence in with_figures:
                assert sentence.startswith(views.SYNTHETIC_WHERE if synthetic else views.REAL_WHERE), sentence
            if not synthetic:
                assert "syntetisk" not in text, name


CHANGE = re.compile(r"från (\d+,\d)\xa0% [^,]*? till (\d+,\d)\xa0% [^,]*?, en (ökning|minskning) med "
                    r"(\d+,\d)\xa0procentenheter")


def test_changes_in_percentage_points_hold_under_a_calculator(shares):
    found = 0
    for text in _summaries(shares, True).values():
        for sentence in _sentences(text):
            assert not re.match(r"\d", sentence), sentence
            for first, last, direction, points in CHANGE.findall(sentence):
                first, last, points = (float(v.replace(",", ".")) for v in (first, last, points))
                assert round(abs(last - first), 1) == points, sentence
                assert (direction == "ökning") is (last > first), sentence
                found += 1
    assert found >= 3


# ----------------------------------------------------------------------------- traced figures

TRACED = re.compile(f"{trace.OPEN}([^{trace.SEP}]*){trace.SEP}([^{trace.SEP}]*){trace.SEP}([^{trace.CLOSE}]*){trace.CLOSE}")


def test_a_city_cell_is_traced_to_its_answers_rows_and_its_quotient(shares):
    table = views.city_table(shares, True)
    row = table.frame.iloc[0]
    cells = table.shown.iloc[0]
    value, how, rows = TRACED.fullmatch(cells["Positiva"]).groups()
    assert value == fmt.percent(row["positive_share"])
    positive = int(fmt.round_half_up(float(row["positive_share"]) * float(row["n"]), 0))
    assert f"{fmt.number(positive)} / {fmt.number(row['n'])} = {value}" in how
    # the occasion's lines (survey.shares): at least one per answer to the statement, the same for each cell of it
    occasion = shares[shares["occasion"] == row["occasion"]]
    assert rows == row["raw_rows"] and set(occasion["raw_rows"]) == {rows} and lineage.count(rows) >= row["n"]
    assert "survey_responses.csv är syntetiska demonstrationsdata" in how
    _, how, _ = TRACED.fullmatch(views.city_table(shares, False).shown.iloc[0]["Positiva"]).groups()
    assert "syntetisk" not in how


def test_every_shown_survey_figure_is_traced_and_its_rows_are_the_groups(shares):
    for entry_id, (block, _) in _shown(shares).items():
        grid = block.shown if isinstance(block, blocks.Table) else block.data
        for value in grid.drop(columns=["Mättillfälle"], errors="ignore").to_numpy().ravel():
            if trace.plain(value) in (fmt.EN_DASH, blocks.stacked(fmt.EN_DASH, "")):
                continue
            found = TRACED.findall(value)
            assert found, (entry_id, value)
            for _, _, rows in found:
                assert set(lineage.parse(rows)) == {"survey_responses.csv"}, entry_id
    pooled = survey.all_statements(shares, "area").iloc[0]
    text = views.pooled_share(shares, pooled, "area", True)
    value, how, rows = TRACED.fullmatch(text).groups()
    cells = shares[(shares["group_type"] == "area") & (shares["group"] == pooled["group"])
                   & (shares["occasion"] == pooled["occasion"])]
    assert rows == lineage.merge(*cells["raw_rows"]) and value == fmt.percent(pooled["positive_share"])
    assert f"{fmt.number(pooled['positive'])} / {fmt.number(pooled['n'])}" in how
