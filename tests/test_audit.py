"""The audit on small hand-made tables where the right answer is known."""
import pandas as pd
import pytest

from pipeline.process import audit, researcher


def _rankings(counts: dict[str, int], printed_total: int) -> pd.DataFrame:
    rows = [{"question": "kommit_langst", "alternative": 1, "row": i + 1, "printed_label": p, "point": p,
             "count": c, "printed_percent": ""} for i, (p, c) in enumerate(counts.items())]
    rows.append({"question": "kommit_langst", "alternative": 1, "row": len(rows) + 1, "printed_label": "Total",
                 "point": "total", "count": printed_total, "printed_percent": "100"})
    return pd.DataFrame(rows)


POINTS = pd.DataFrame({"point": [1, 2, 3], "label": ["Ett", "Två", "Tre"]})


def _tables(counts, printed_total):
    rankings = _rankings(counts, printed_total)
    mentions = researcher.mentions(rankings, POINTS)
    return {"researcher_mentions": mentions, "researcher_point_totals": researcher.point_totals(mentions)}


def _claim(claim_id, published, measure, parameters, note=""):
    return {"claim_id": claim_id, "document": "003", "passage": "test", "quote": claim_id,
            "published": float(published), "published_as_written": str(published), "measure": measure,
            "parameters": parameters, "note": note}


def _statuses(claims, tables):
    result = audit.reconcile(pd.DataFrame(claims), tables)
    return dict(zip(result["check_id"], result["status"]))


def test_a_consistent_table_reconciles_completely():
    tables = _tables({"1": 2, "2": 3, "3": 5}, printed_total=10)
    claims = [_claim("total", 10, "mentions_table_total", "question=kommit_langst;alternative=1")]
    claims += [_claim(f"pct{p}", pct, "mentions_percent", f"question=kommit_langst;alternative=1;point={p}")
               for p, pct in [("1", "20.0"), ("2", "30.0"), ("3", "50.0")]]
    assert _statuses(claims, tables) == {"total": "ok", "pct1": "ok", "pct2": "ok", "pct3": "ok"}


def test_a_wrong_printed_total_is_a_mismatch():
    tables = _tables({"1": 2, "2": 3, "3": 5}, printed_total=11)
    claims = [_claim("total", 11, "mentions_table_total", "question=kommit_langst;alternative=1")]
    result = audit.reconcile(pd.DataFrame(claims), tables)
    assert result.loc[0, "status"] == "mismatch"
    assert result.loc[0, "published"] == 11 and result.loc[0, "computed"] == 10


def test_a_wrong_prose_tally_is_a_mismatch_and_a_right_one_is_ok():
    tables = _tables({"1": 2, "2": 3, "3": 5}, printed_total=10)
    claims = [_claim("wrong", 9, "mentions_total", "question=kommit_langst;point=3"),
              _claim("right", 5, "mentions_total", "question=kommit_langst;point=3")]
    assert _statuses(claims, tables) == {"wrong": "mismatch", "right": "ok"}


def test_percentages_are_compared_rounded_half_up_at_the_printed_precision():
    # 1 of 16 is 6.25 %: half up gives 6,3 (banker's rounding would give 6,2); 1 of 8 is 12.5 %.
    tables = _tables({"1": 1, "2": 1, "3": 14}, printed_total=16)
    claims = [_claim("half-up", "6.3", "mentions_percent", "question=kommit_langst;alternative=1;point=1"),
              _claim("rounded-down", "6.2", "mentions_percent", "question=kommit_langst;alternative=1;point=2"),
              _claim("no-decimals", "88", "mentions_percent", "question=kommit_langst;alternative=1;point=3")]
    assert _statuses(claims, tables) == {"half-up": "ok", "rounded-down": "mismatch", "no-decimals": "ok"}


def test_a_claim_without_a_measure_is_not_checkable_with_its_reason():
    tables = _tables({"1": 1}, printed_total=1)
    claims = [_claim("interviews", 144, "", "", note="no interview-level data in the sources")]
    result = audit.reconcile(pd.DataFrame(claims), tables)
    assert result.loc[0, "status"] == "not_checkable"
    assert "no interview-level data" in result.loc[0, "description"]
    assert pd.isna(result.loc[0, "computed"])


def test_a_claim_about_data_that_is_not_there_is_not_checkable():
    tables = _tables({"1": 1}, printed_total=1)
    claims = [_claim("missing", 3, "mentions_total", "question=storsta_behov;point=1")]
    assert _statuses(claims, tables) == {"missing": "not_checkable"}


def test_counts_add_up():
    frame = pd.DataFrame({"status": ["ok", "ok", "mismatch", "not_checkable"]})
    assert audit.counts(frame) == {"checks": 4, "ok": 2, "mismatch": 1, "not_checkable": 1}


@pytest.mark.parametrize("written, decimals", [("34.2", 1), ("100", 0), ("12.0", 1), ("0.9", 1)])
def test_printed_precision_is_read_from_the_figure_as_written(written, decimals):
    assert audit.decimals_printed(written) == decimals


def test_the_quote_is_read_back_from_the_description_the_audit_writes():
    tables = _tables({"1": 2, "2": 3, "3": 5}, printed_total=10)
    claims = [{**_claim("checked", 10, "mentions_table_total", "question=kommit_langst;alternative=1"),
               "quote": "Punkt 2 *introduktionsprogram* (totalt 10 ggr)"},
              {**_claim("unchecked", 144, "", "", note="no data « here"), "quote": "Sammanlagt 144 gruppintervjuer"}]
    result = audit.reconcile(pd.DataFrame(claims), tables)
    assert [audit.quote_of(d) for d in result["description"]] == [
        "Punkt 2 *introduktionsprogram* (totalt 10 ggr)", "Sammanlagt 144 gruppintervjuer"]
    assert audit.document_and_passage(result.loc[0, "source"]) == ("003", "test")


def _checks(statuses, descriptions=None, sources=None):
    n = len(statuses)
    return pd.DataFrame({"check_id": [f"X{i}-code" for i in range(n)],
                         "description": descriptions or [f"»Uppgift {i}« Recomputed: x (a=1)." for i in range(n)],
                         "source": sources or ["002, Tabell 1 (rad 398)"] * n,
                         "published": [float(i) for i in range(n)], "computed": [float(i) + 1 for i in range(n)],
                         "status": statuses})


def test_a_reader_sees_the_verdict_in_swedish_and_an_unknown_code_is_refused():
    from pipeline.present import audit_views

    assert [audit_views.verdict_label(s) for s in audit.STATUSES] == ["stämmer", "avviker", "kan inte kontrolleras"]
    with pytest.raises(KeyError, match="'missmatch' is not an audit status"):
        audit_views.verdict_label("missmatch")
    reconciliation = _checks(["ok", "mismatch", "not_checkable"])
    assert [audit_views.verdict_for(reconciliation, f"X{i}-code") for i in range(3)] == [
        "stämmer", "avviker", "kan inte kontrolleras"]
    with pytest.raises(KeyError, match="no check 'X9-code'"):
        audit_views.verdict_for(reconciliation, "X9-code")


@pytest.mark.parametrize("source, shown", [
    ("002, Tabell 1 (rad 398)", "Rapporten, Tabell 1"),
    ("003, Kommit längst, alternativ 3 (rad 120)", "Följeforskarens rapport (Bilaga 4), tabellen »Kommit längst, alternativ 3«"),
    ("002, Personalrörlighet biståndshandläggare, Antal (rad 379)",
     "Rapporten, avsnittet »Personalrörlighet biståndshandläggare, Antal«"),
    ("003, Kort sammanfattning av följeforskarens arbete (rad 7-8)",
     "Följeforskarens rapport (Bilaga 4), avsnittet »Kort sammanfattning av följeforskarens arbete«"),
])
def test_the_passage_is_named_in_words_without_line_numbers(source, shown):
    from pipeline.present import audit_views

    assert audit_views.passage_shown(source) == shown


def test_the_mismatches_table_shows_quotes_passages_figures_and_verdicts_but_no_ids_or_markup():
    from pipeline.present import audit_views, trace

    reconciliation = _checks(["ok", "mismatch", "mismatch", "not_checkable"], descriptions=[
        "»a« Recomputed: x (a=1).",
        "»punkt 6 *administrativt stöd* (47 ggr)« Recomputed: mentions over alternatives 1–3 (question=k;point=6).",
        "»följeforskaren²⁰ följt arbetet … i  5 terminer« Recomputed: x (a=1).",
        "»b« Not checkable: no data."])
    table = audit_views.mismatches_table(reconciliation)
    assert table.frame["check_id"].tolist() == ["X1-code", "X2-code"]  # the ids stay in the data
    assert list(table.shown.index) == ["»punkt 6 administrativt stöd (47 ggr)«",
                                       "»följeforskaren följt arbetet … i 5 terminer«"]
    assert table.shown.map(trace.plain).to_dict("list") == {"Var": ["Rapporten, Tabell 1"] * 2, "Publicerat": ["1", "2"],
                                           "Beräknat": ["2", "3"], "Utfall": ["avviker", "avviker"]}
    html = table.html()
    for code in ["X1-code", "rad 398", "*", "Recomputed", "mismatch", "question="]:
        assert code not in html, code


def test_the_reconciliation_page_is_swedish_and_the_csv_keeps_the_codes(tmp_path):
    from pipeline.build import report

    reconciliation = _checks(["ok", "mismatch", "not_checkable"], descriptions=[
        "»a« Recomputed: x (a=1).", "»b« Recomputed: y (b=2).", "»c« Not checkable: No interview-level data."])
    report.write_audit(reconciliation, tmp_path, "Rapport")
    page = (tmp_path / "reconciliation.html").read_text(encoding="utf-8")
    assert '<html lang="sv">' in page
    body = page[page.index("<body>"):]
    for code in ["X0-code", "Recomputed", "Not checkable", "interview", "not_checkable", ">ok<", "mismatch",
                 "rad 398"]:
        assert code not in body, code
    assert body.count("<td>stämmer</td>") == 1 and body.count("<td>avviker</td>") == 1
    assert body.count("<td>kan inte kontrolleras</td>") == 1
    written = pd.read_csv(tmp_path / "reconciliation.csv")
    assert list(written.columns) == audit.COLUMNS
    assert written["status"].tolist() == ["ok", "mismatch", "not_checkable"]
    assert written["check_id"].tolist() == ["X0-code", "X1-code", "X2-code"]
    assert written["source"].tolist() == ["002, Tabell 1 (rad 398)"] * 3


def test_the_audit_figures_are_traced_to_the_checks_rows_and_the_page_shows_none():
    from pipeline.present import audit_views, trace

    reconciliation = _checks(["ok", "mismatch", "not_checkable"], descriptions=[
        "»a« Recomputed: consultants counted (month=november;year=2016).",
        "»b« Recomputed: mentions over alternatives 1–3 (question=kommit_langst;point=6).",
        "»c« Not checkable: no data."]).assign(raw_rows=["published_claims.csv:2", "published_claims.csv:3",
                                                         "published_claims.csv:4"])
    cells = audit_views.checks_shown(reconciliation)
    computed = cells["Beräknat"].iloc[1]
    assert trace.plain(computed) == "2" and computed != "2"
    assert "punktens omnämnanden som alternativ 1–3 (kommit längst, 6)" in computed
    assert computed.endswith("published_claims.csv:3" + trace.CLOSE)
    assert trace.OPEN not in cells["Beräknat"].iloc[2]  # nothing recomputed, nothing traced
    sentence = audit_views.counts_paragraph(reconciliation).text
    assert trace.plain(sentence).startswith("Avstämningen omfattar 3 publicerade uppgifter: 1 stämmer")
    assert "published_claims.csv:2-4" in sentence and "published_claims.csv:3" + trace.CLOSE in sentence
    page = audit_views.page(reconciliation, "Titel")
    assert 'class="trace' not in page and not trace.leftover(page)
