"""The researcher, consultants and audit chapters' blocks: a table's ``.frame`` is the processed rows it shows,
its number and source the registry's (``pipeline/present/contents.py``)."""
import re

import pandas as pd
import pytest

from conftest import ROOT
from pipeline import config, formatting as fmt
from pipeline.ingest import validation
from pipeline.present import audit_views, blocks, consultants_views, contents, trace
from pipeline.present import researcher_views as views
from pipeline.process import audit, compute, consultants, lineage, researcher


@pytest.fixture(scope="module")
def processed():
    validated, _ = validation.validate_all(config.load())
    return compute.build(validated, config.load())


def test_the_respondents_table_shows_the_processed_rows_by_area(processed):
    rows = processed["researcher_respondents"]
    table = views.respondents_table(rows)
    expected = rows[rows["dimension"] == "area"].reset_index(drop=True)
    pd.testing.assert_frame_equal(table.frame, expected)
    assert len(table.shown) == len(expected) + 1 and table.shown.index[-1] == "Totalt"
    assert table.caption == contents.caption("researcher-respondents-table")
    assert table.source.startswith(contents.source("researcher-respondents-table"))


def test_each_alternatives_table_shows_its_question_and_alternatives_processed_rows(processed):
    mentions, table_totals = processed["researcher_mentions"], processed["researcher_table_totals"]
    group = views.all_alternative_tables(mentions, table_totals, processed["reconciliation"])
    assert isinstance(group, blocks.Group)
    pairs = [(q, a) for q in researcher.QUESTION_LABEL for a in sorted(mentions["alternative"].unique())]
    tables = list(group)
    assert len(tables) == len(pairs) == 6
    for part, ((question, alternative), table) in enumerate(zip(pairs, tables)):
        expected = mentions[(mentions["question"] == question)
                            & (mentions["alternative"] == alternative)].reset_index(drop=True)
        pd.testing.assert_frame_equal(table.frame, expected)
        assert table.caption == contents.caption("researcher-alternatives-table", part=part,
                                                 question=researcher.QUESTION_LABEL[question],
                                                 alternative=alternative)
        assert table.source.startswith(contents.source("researcher-alternatives-table"))
    assert [t.caption.split(".")[0] for t in tables] == [f"Tabell 5{letter}" for letter in "abcdef"]


def test_the_ranked_diagrams_are_numbered_by_the_questions_position(processed):
    totals = processed["researcher_point_totals"]
    for part, question in enumerate(researcher.QUESTION_LABEL):
        figure = views.ranked_diagram(totals, question, researcher.published_mentions_differences(
            processed["reconciliation"]))
        assert figure.caption.startswith(f"{contents.number('researcher-ranked-diagram', part=part)}. ")
        own = totals[(totals["question"] == question) & (totals["point"] != "övrigt")]
        pd.testing.assert_frame_equal(figure.frame.sort_values("point").reset_index(drop=True),
                                      own.sort_values("point").reset_index(drop=True))
        assert figure.frame["mentions"].is_monotonic_decreasing


# ----------------------------------------------------------------------------- figures the published text states differently

def _mentions_claims() -> pd.DataFrame:
    claims = pd.read_csv(ROOT / "data" / "raw" / "published_claims.csv", dtype=str)
    claims = claims[claims["measure"] == "mentions_total"].copy()
    parameters = claims["parameters"].map(audit.parse_parameters)
    claims["question"], claims["point"] = parameters.map(lambda p: p["question"]), parameters.map(lambda p: p["point"])
    return claims


def test_the_differences_are_the_published_mentions_that_the_tables_do_not_give(processed):
    """Recomputed here from the claims and the point totals, not read from the reconciliation."""
    totals = processed["researcher_point_totals"].set_index(["question", "point"])["mentions"]
    claims = _mentions_claims()
    claims["computed"] = [int(totals[(q, p)]) for q, p in zip(claims["question"], claims["point"])]
    differing = claims[claims["published"].astype(int) != claims["computed"]]
    expected = {(q, p, int(pub), c) for q, p, pub, c in
                zip(differing["question"], differing["point"], differing["published"], differing["computed"])}
    found = researcher.published_mentions_differences(processed["reconciliation"])
    assert {(r.question, r.point, r.published, r.computed) for r in found.itertuples()} == expected
    assert len(expected) >= 4 and set(found["documents"]) == {"rapporten och följeforskarens bilaga"}


def test_a_figure_the_published_text_states_differently_has_a_footnote_to_the_audit_chapter(processed):
    totals, mentions = processed["researcher_point_totals"], processed["researcher_mentions"]
    differences = researcher.published_mentions_differences(processed["reconciliation"])
    notes = views.Footnotes()
    for question in researcher.QUESTION_LABEL:
        sentence, footnotes = views.ranked_sentence(totals, mentions, question, differences, notes).items
        printed = re.findall(r"punkt (\d+) [^(]*\((\d+) gånger(?:<sup>(\d+)</sup>)?\)", trace.plain(sentence.text))
        assert len(printed) == 4
        own = differences[differences["question"] == question].set_index("point")
        notes_html = "".join(f'<p class="source">{trace.plain(str(note.text))}</p>' for note in footnotes)
        for point, count, marker in printed:
            if point in own.index:
                assert marker and int(count) == own.loc[point, "computed"], (point, sentence.text)
                assert (f'<p class="source"><sup>{marker}</sup> Rapporten och följeforskarens bilaga anger i sin text '
                        f"{own.loc[point, 'published']} gånger för punkt {point}, men raderna i följeforskarens "
                        f"tabeller ger tillsammans {count}. Se avsnittet ”Avstämning mot den publicerade "
                        "rapporten”.</p>") in notes_html
            else:
                assert not marker, (point, sentence.text)
        figure = views.ranked_diagram(totals, question, differences)
        for point, row in own.iterrows():
            assert f"punkt {point} ({row['published']} i stället för {row['computed']})" in trace.plain(figure.source)
    assert len(notes.notes) == sum(
        1 for q in researcher.QUESTION_LABEL for p in researcher.ranked(totals, q)["point"].head(4)
        if ((differences["question"] == q) & (differences["point"] == p)).any())


def test_the_swapped_labels_are_the_printed_ones_and_the_table_says_so(processed):
    rankings = pd.read_csv(ROOT / "data" / "raw" / "researcher_rankings.csv", dtype=str)
    labels = dict(zip(processed["researcher_mentions"]["point"], processed["researcher_mentions"]["label"]))
    swapped = set()
    for row in rankings[rankings["point"].str.isdigit()].itertuples():
        printed = re.sub(r"^.*?\d+\.\s*", "", row.printed_label).strip().lower()
        named = [p for p, label in labels.items() if p.isdigit() and label.lower() == printed]
        if named and named[0] != row.point:
            swapped.add((row.question, int(row.alternative), row.point))
    expected = {(q, a, p) for (q, a), pair in researcher.LABELS_SWAPPED_AS_PRINTED.items() for p in pair}
    assert swapped == expected and expected
    tables = list(views.all_alternative_tables(processed["researcher_mentions"],
                                               processed["researcher_table_totals"], processed["reconciliation"]))
    noted = [t for t in tables if "i varandras rader" in t.source]
    assert [t.caption.split(".")[0] for t in noted] == [contents.number("researcher-alternatives-table", part=0)]


def test_a_printed_percentage_that_is_not_count_over_rows_is_noted_under_its_table(processed):
    mentions = processed["researcher_mentions"]
    tables = list(views.all_alternative_tables(mentions, processed["researcher_table_totals"],
                                               processed["reconciliation"]))
    notes = [(t, m) for t in tables for m in re.finditer(
        r"anger (\d+,\d)\xa0% för ([^,]+), men det är (\d+) av (\d+) \((\d+,\d)\xa0%\)", trace.plain(t.source))]
    assert len(notes) == 2
    for table, match in notes:
        published, _, count, rows, computed = match.groups()
        assert fmt.percent(int(count) / int(rows)) == f"{computed}\xa0%" != f"{published}\xa0%"
        assert int(rows) == table.frame["count"].sum()


def test_the_chapter_points_to_the_tables_in_the_appendix(processed):
    text = views.appendix_pointer(processed["researcher_mentions"]).text
    first, last = (contents.number("researcher-alternatives-table", part=p) for p in (0, 5))
    assert f"{first}–{last.split(' ')[1]} i bilagan" in text


def test_each_open_answers_table_shows_its_questions_processed_rows(processed):
    rows = processed["researcher_open_answers"]
    tables = list(views.all_open_answer_tables(rows))
    questions = rows["question"].unique().tolist()
    assert len(tables) == len(questions)
    for part, (question, table) in enumerate(zip(questions, tables)):
        own = rows[rows["question"] == question]
        pd.testing.assert_frame_equal(table.frame.sort_values("category").reset_index(drop=True),
                                      own.sort_values("category").reset_index(drop=True))
        assert table.caption.startswith(f"{contents.number('researcher-open-answers-table', part=part)}. Öppna svar: ")


def test_the_consultants_table_and_diagram_show_the_processed_rows(processed):
    rows = processed["consultants"]
    table = consultants_views.table(rows)
    figure = consultants_views.diagram(rows)
    pd.testing.assert_frame_equal(table.frame, rows)
    pd.testing.assert_frame_equal(figure.frame, rows)
    assert list(table.shown.index) == [str(y) for y in sorted(rows["year"].unique())]
    assert table.caption.startswith(f"{contents.number('consultants-table')}. ")
    assert figure.caption.startswith(f"{contents.number('consultants-diagram')}. ")
    assert table.source == figure.source == contents.source("consultants-table")
    for _, row in rows.iterrows():
        cell = table.shown.loc[str(row["year"]), consultants.MONTH_LABEL[row["month"]]]
        assert cell == figure.data.loc[str(row["year"]), consultants.MONTH_LABEL[row["month"]]]
        value, how, raw = cell.strip(trace.OPEN + trace.CLOSE).split(trace.SEP)
        assert value == str(row["consultants"]) and raw == row["raw_rows"] and raw.startswith("consultants.csv:")
        assert f"({contents.source('consultants-table').rstrip('.').split(', ')[-1]}), ingen beräkning" in how


def test_the_consultants_sentences_give_the_november_counts(processed):
    rows = processed["consultants"]
    traced = consultants_views.summary_sentences(rows)
    sentences = [trace.plain(sentence) for sentence in traced]
    november = rows[rows["month"] == "november"].sort_values("year")
    first, last = november.iloc[0], november.iloc[-1]
    assert sentences[0].startswith(f"I verksamheterna arbetade {first['consultants']} konsulter i november {first['year']}")
    assert consultants_views.summary(processed["consultants"]).text == " ".join(traced)
    # the change: its raw rows are the two Novembers', and its computation is the one the sentence rounds
    change = traced[1].split(trace.OPEN)[-1].rstrip(".").rstrip(trace.CLOSE)
    shown, how, raw = change.split(trace.SEP)
    assert raw == lineage.merge(first["raw_rows"], last["raw_rows"])
    percent = round(100 * abs(last["consultants"] - first["consultants"]) / first["consultants"])
    assert f"/ {first['consultants']} = " in how and shown.endswith(f" {percent} procent")


def test_the_audit_counts_table_shows_the_checks_it_counts(processed):
    reconciliation = processed["reconciliation"]
    table = audit_views.counts_table(reconciliation)
    pd.testing.assert_frame_equal(table.frame, reconciliation[["check_id", "status"]].reset_index(drop=True))
    counts = table.frame["status"].value_counts()
    shown = [int(trace.plain(v).replace("\u00a0", "").replace(" ", "")) for v in table.shown["Antal"]]
    assert shown == [int(counts.get(s, 0)) for s in audit.STATUSES] + [len(reconciliation)]
    assert table.caption == contents.caption("audit-counts-table")
    assert table.source == contents.source("audit-counts-table")


def test_the_mismatches_table_shows_the_processed_mismatches(processed):
    reconciliation = processed["reconciliation"]
    table = audit_views.mismatches_table(reconciliation)
    expected = reconciliation[reconciliation["status"] == "mismatch"].reset_index(drop=True)
    assert not expected.empty
    pd.testing.assert_frame_equal(table.frame, expected)
    assert list(table.shown.index) == [f"»{audit_views.quote_shown(d)}«" for d in expected["description"]]
    assert table.caption == contents.caption("audit-mismatches-table")


def test_the_reconciliation_page_is_a_standalone_page_with_every_check(processed):
    reconciliation = processed["reconciliation"]
    html = audit_views.page(reconciliation, 'Rapport "<x>"')
    assert html.startswith("<!DOCTYPE html>\n<html lang=\"sv\">") and html.endswith("</html>\n")
    assert "<title>Avstämning – Rapport &#34;&lt;x&gt;&#34;</title>" in html
    assert "<style>body{" in html and "data-report-blocks" not in html
    assert f"<caption>{contents.caption('audit-reconciliation-sheet')}</caption>" in html
    assert f"Källa: {contents.source('audit-reconciliation-sheet')}" in html
    assert html.count('<th scope="row">') == len(reconciliation)
    assert '<a href="reconciliation.csv">reconciliation.csv</a>' in html


TRACED = re.compile(f"{trace.OPEN}([^{trace.SEP}]*){trace.SEP}([^{trace.SEP}]*){trace.SEP}([^{trace.CLOSE}]*){trace.CLOSE}")


def test_the_respondents_and_a_table_per_alternative_are_traced_to_their_rows(processed):
    rows = processed["researcher_respondents"]
    area = rows[rows["dimension"] == "area"]
    table = views.respondents_table(rows)
    for (_, row), (_, cells) in zip(area.iterrows(), table.shown.iterrows()):
        value, how, raw = TRACED.fullmatch(cells["Antal"]).groups()
        assert value == fmt.number(row["count"]) and raw == row["raw_rows"] and "ingen beräkning" in how
        value, how, raw = TRACED.fullmatch(cells["Procent"]).groups()
        assert f"{fmt.number(row['count'])} / {fmt.number(area['count'].sum())} = {value}" in how
        assert raw == lineage.merge(*area["raw_rows"])
    value, how, _ = TRACED.fullmatch(table.shown.loc["Totalt", "Antal"]).groups()
    assert how.endswith(" + ".join(fmt.number(c) for c in area["count"]) + f" = {value}")
    mentions = processed["researcher_mentions"]
    table = views.alternative_table(mentions, processed["researcher_table_totals"], "storsta_behov", 2)
    own = mentions[(mentions["question"] == "storsta_behov") & (mentions["alternative"] == 2)]
    value, how, raw = TRACED.fullmatch(table.shown.loc["Total", "Antal"]).groups()
    assert value == fmt.number(own["count"].sum()) and raw == lineage.merge(*own["raw_rows"])
    assert f"summan av tabellens {len(own)} rader" in how
