"""The action plan and the work in figures: the 13 points as a list, the key figures with the audit's verdict,
and the förstärkningsteam's survey, whose counts are derived from the shares the report prints."""
import re
import shutil

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from conftest import ROOT
from pipeline import config
from pipeline.errors import InputError
from pipeline.ingest import schemas, validation
from pipeline.present import action_plan_views as views
from pipeline.present import contents, trace
from pipeline.process import compute, key_figures, lineage, reinforcement_team


@pytest.fixture(scope="module")
def processed():
    validated, _ = validation.validate_all(config.load())
    return compute.build(validated, config.load())


# --- the derivation ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("printed, qualifier, counts", [
    ("44,2", None, [19]), ("25,6", None, [11]), ("7", None, [3]),     # one decimal, none
    ("23,", None, [10]),                                                # the decimal digit lost in print
    ("63", "ca", [27]), ("93", None, [40]), ("65,1", None, [28]),
    ("91", "över", [40, 41, 42, 43]),                                   # 39/43 is 90,7 %
    ("86,1", None, []),                                                 # 37/43 is 86,0 %, 38/43 is 88,4 %
])
def test_a_printed_share_of_43_stands_for_the_whole_counts_that_round_to_it(printed, qualifier, counts):
    assert reinforcement_team.consistent_counts(printed, qualifier, 43) == counts


def test_86_1_per_cent_cannot_come_from_43_respondents_and_its_neighbours_are_named():
    assert not any(round(100 * k / 43, 1) == 86.1 for k in range(44))
    assert reinforcement_team.neighbours("86,1", 43) == (37, 38)


def test_the_processed_survey_holds_the_derived_counts_and_they_add_up_to_the_respondents(processed):
    rows = processed["reinforcement_team_survey"].set_index("item")
    assert rows.loc[["years_under_1", "years_1_2", "years_3_5", "years_10_plus"], "count"].tolist() == [11, 19, 10, 3]
    assert rows.loc["years_3_5", "digit_lost"] and rows.loc["years_3_5", "percent"] == 23.3
    years = rows[rows["group"] == "years"]
    assert years["count"].sum() == rows["respondents"].iloc[0] == 43
    assert not rows.loc["lart_sig", "possible"] and pd.isna(rows.loc["lart_sig", "count"])
    assert (rows.loc["bidragit", "count_min"], rows.loc["bidragit", "count_max"]) == (40, 43)


def test_a_share_row_that_gives_a_count_is_refused():
    raw = pd.DataFrame({"item": ["respondents", "x"], "group": ["respondents", "years"], "label": ["svarande", "x"],
                        "qualifier": [None, None], "count": pd.array([43, 5], dtype="Int64"),
                        "printed_percent": [None, "11,6"], "source": ["002", "002"]})
    with pytest.raises(ValueError, match="count is derived"):
        reinforcement_team.shares(raw)


# --- the sentences and tables ---------------------------------------------------------------------------

def test_the_sentences_say_the_derivation_the_lost_decimal_and_the_impossible_share(processed):
    rows = processed["reinforcement_team_survey"]
    years = trace.plain(views.team_years_sentences(rows).text)
    assert "19 av 43 (44,2\u00a0%)" in years
    assert "»23,«" in years and "10 av 43 (23,3\u00a0%)" in years
    assert "alla 43 svarande" in years and "6–9 år" in years
    answers = trace.plain(views.team_answers_sentences(rows).text)
    assert "86,1\u00a0%" in answers and "kan inte komma ur 43 svar" in answers
    assert "37 av 43 är 86,0\u00a0%" in answers and "38 av 43 är 88,4\u00a0%" in answers
    assert "minst 40 av 43 (93,0\u00a0%)" in answers


def test_every_x_of_y_in_the_chapter_agrees_with_a_calculator(processed):
    rows = processed["reinforcement_team_survey"]
    text = trace.plain(views.team_years_sentences(rows).text + " " + views.team_answers_sentences(rows).text)
    pairs = re.findall(r"(\d+) av (\d+) (?:\(|är )(\d+,\d) %", text.replace("\u00a0", " "))
    assert len(pairs) >= 7
    for part, whole, share in pairs:
        assert f"{100 * int(part) / int(whole):.1f}".replace(".", ",") == share


def _traced(text: str) -> list[tuple[str, str, str]]:
    return re.findall(f"{trace.OPEN}([^{trace.SEP}]*){trace.SEP}([^{trace.SEP}]*){trace.SEP}([^{trace.CLOSE}]*)"
                      f"{trace.CLOSE}", text)


def test_every_figure_of_the_chapter_names_raw_rows_that_hold_it_and_each_quotient_holds(processed):
    rows = processed["reinforcement_team_survey"]
    blocks_shown = [views.team_years_sentences(rows).text, views.team_answers_sentences(rows).text,
                    views.key_figures_sentence(processed["key_figures"]).text,
                    views.points_sentence(processed["action_plan_points"]).text]
    for table in (views.team_years_table(rows), views.team_answers_table(rows),
                  views.key_figures_table(processed["key_figures"])):
        blocks_shown += [cell for column in table.shown.columns for cell in table.shown[column]]
    traced = [figure for text in blocks_shown for figure in _traced(text)]
    assert len(traced) > 60
    raw = {}
    for value, how, rows_read in traced:
        assert how and rows_read, value
        for name, lines in lineage.parse(rows_read).items():
            text = raw.setdefault(name, (ROOT / "data" / "raw" / name).read_text(encoding="utf-8").splitlines())
            assert all(2 <= line <= len(text) for line in lines), (value, rows_read)
        for part, whole, share in re.findall(r"(\d+) / (\d+) = (\d+,\d)", how.replace("\u00a0", " ")):
            assert f"{100 * int(part) / int(whole):.1f}".replace(".", ",") == share, how
        if "ingen beräkning" in how and value[0].isdigit() and "published_claims.csv" in rows_read:
            (line,) = lineage.parse(rows_read)["published_claims.csv"]
            assert f",{value.replace(',', '.')}," in raw["published_claims.csv"][line - 1] + ",", (value, line)
    counts = {how: value for value, how, _ in traced if how.startswith("Det enda hela antal")}
    for how, value in counts.items():
        assert re.search(rf": {value} / 43 = ", how), how


def test_the_years_table_shows_the_processed_rows_with_the_registrys_caption(processed):
    rows = processed["reinforcement_team_survey"]
    table = views.team_years_table(rows)
    pd.testing.assert_frame_equal(table.frame, rows[rows["group"] == "years"].reset_index(drop=True))
    assert table.caption == contents.caption("action-plan-team-years-table", n="43")
    assert trace.plain(table.shown.loc["Summa", "Antal svarande"]) == "43"
    assert trace.plain(table.shown.loc["3–5 år", "Andel av 43"]) == "23,3\u00a0%"
    assert "härledda" in table.source


def test_the_key_figures_carry_the_reconciliations_verdict(processed):
    figures = processed["key_figures"]
    reconciliation = processed["reconciliation"].set_index("check_id")
    claims = pd.read_csv(ROOT / "data" / "raw" / "published_claims.csv", dtype=str)
    november = claims[(claims["measure"] == "consultants") & claims["parameters"].str.contains("month=november", na=False)]
    by_year = november.assign(year=november["parameters"].str.extract(r"year=(\d+)")[0].astype(int)).sort_values("year")
    assert figures["check_id"].tolist() == [c for c, _, _ in key_figures.KEY_FIGURES] + [
        by_year["claim_id"].iloc[0], by_year["claim_id"].iloc[-1]]
    for row in figures.itertuples():
        assert row.status == reconciliation.loc[row.check_id, "status"]
        assert row.published == reconciliation.loc[row.check_id, "published"]
        assert "rad" not in row.section
    table = views.key_figures_table(figures)
    shown = table.shown.set_index(table.shown.index)
    assert shown.loc[figures.loc[figures["check_id"] == "K-nov-2016", "label"].iloc[0],
                     "Granskningens utfall"] == "Stämmer med rapportens tabeller"
    assert (shown["Enligt rapporten"].map(trace.plain) == "närmare 500").sum() == 1
    assert set(figures["status"]) <= {"ok", "mismatch", "not_checkable"}


def test_a_key_figure_that_is_no_claim_is_refused(processed, monkeypatch):
    monkeypatch.setattr(key_figures, "KEY_FIGURES", [("no-such-claim", "x", "")])
    claims = pd.DataFrame({"claim_id": ["a"], "published": [1.0], "passage": ["p"], "document": ["002"],
                           "measure": [""], "parameters": [""]})
    with pytest.raises(KeyError, match="no-such-claim"):
        key_figures.key_figures(claims, processed["reconciliation"])


def test_the_points_list_numbers_the_13_points_from_the_reference_list(processed):
    points = processed["action_plan_points"]
    html = views.points_list(points).html()
    assert html.count("<li ") == 13 == len(points)
    for point, label in zip(points["point"], points["label"]):
        assert f'<li value="{point}">{label}</li>' in html


# --- the suite --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("old, new, words", [
    ('"44,2"', '"144,2"', ["printed_percent", "144,2"]),
    ('"44,2"', '"44.2%"', ["printed_percent", "44.2%"]),
    (",ca,,63,", ",circa,,63,", ["qualifier", "circa"]),
    ("respondents,respondents,svarande,,43,", "respondents,years,svarande,,43,", ["group", "respondents"]),
])
def test_the_suite_refuses_a_bad_raw_row(tmp_path, old, new, words):
    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "data" / "raw", raw)
    path = raw / "reinforcement_team_survey.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InputError) as refused:
        validation.validate_all(config.load(), raw_dir=raw, specs=[schemas.BY_NAME["reinforcement_team_survey"]])
    message = str(refused.value)
    assert "reinforcement_team_survey.csv" in message
    for word in words:
        assert word in message


# --- the report -------------------------------------------------------------------------------------------

def test_the_chapter_is_in_the_built_report_after_the_researcher_and_before_the_administrations(built_project):
    html = (built_project / "output" / "report.html").read_text(encoding="utf-8")
    chapter = html.index('class="chapter chapter-action_plan"')
    assert html.index('class="chapter chapter-researcher"') < chapter < html.index('class="chapter chapter-admin-')
    soup = BeautifulSoup(html[chapter:], "html.parser")
    for note in soup.select("span.trace-note"):  # a traced figure read as its value
        note.decompose()
    for figure in soup.select("span.trace"):
        figure.unwrap()
    body = str(soup)
    assert body.count('<ol class="numbered">') == 1
    for entry in ("action-plan-key-figures-table", "action-plan-team-years-table", "action-plan-team-answers-table"):
        assert contents.caption(entry, n="43") in body
    assert "kan inte komma ur 43 svar" in body
