"""The researcher, consultants and audit chapters' blocks: a table's ``.frame`` is the processed rows it shows,
its number and source the registry's (``pipeline/present/contents.py``)."""
import pandas as pd
import pytest

from pipeline import config
from pipeline.ingest import validation
from pipeline.present import audit_views, blocks, consultants_views, contents
from pipeline.present import researcher_views as views
from pipeline.process import audit, compute, researcher


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
    group = views.all_alternative_tables(mentions, table_totals)
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
        figure = views.ranked_diagram(totals, question)
        assert figure.caption.startswith(f"{contents.number('researcher-ranked-diagram', part=part)}. ")
        own = totals[(totals["question"] == question) & (totals["point"] != "övrigt")]
        pd.testing.assert_frame_equal(figure.frame.sort_values("point").reset_index(drop=True),
                                      own.sort_values("point").reset_index(drop=True))
        assert figure.frame["mentions"].is_monotonic_decreasing


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


def test_the_consultants_sentences_are_written_in_present(processed):
    sentences = consultants_views.summary_sentences(processed["consultants"])
    assert sentences[0].startswith("Antalet konsulter i verksamheterna var i november ")
    assert consultants_views.summary(processed["consultants"]).text == " ".join(sentences)


def test_the_audit_counts_table_shows_the_checks_it_counts(processed):
    reconciliation = processed["reconciliation"]
    table = audit_views.counts_table(reconciliation)
    pd.testing.assert_frame_equal(table.frame, reconciliation[["check_id", "status"]].reset_index(drop=True))
    counts = table.frame["status"].value_counts()
    shown = [int(v.replace("\u00a0", "").replace(" ", "")) for v in table.shown["Antal"]]
    assert shown == [int(counts.get(s, 0)) for s in audit.STATUSES] + [len(reconciliation)]
    assert table.caption == contents.caption("audit-counts-table")
    assert table.source == contents.source("audit-counts-table")


def test_the_mismatches_table_shows_the_processed_mismatches(processed):
    reconciliation = processed["reconciliation"]
    table = audit_views.mismatches_table(reconciliation)
    expected = reconciliation[reconciliation["status"] == "mismatch"].reset_index(drop=True)
    assert not expected.empty
    pd.testing.assert_frame_equal(table.frame, expected)
    assert list(table.shown.index) == expected["check_id"].tolist()
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
