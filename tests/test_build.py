"""A full build of a copy of the project: the files the users receive, and what they say."""
import json
import re

import papermill

from conftest import ROOT
from pipeline.build import sections


def test_build_writes_report_notebooks_validation_and_processed_data(built_project):
    output = built_project / "output"
    for name in ["report.html", "report.pdf", "notebooks/turnover.ipynb", "validation/index.html",
                 "validation/results.json", "manifest.json"]:
        assert (output / name).is_file(), name
    assert (built_project / "data" / "processed" / "turnover.csv").is_file()
    assert (output / "report.pdf").read_bytes().startswith(b"%PDF")


def test_validation_results_record_every_raw_file_as_passed(built_project):
    results = json.loads((built_project / "output" / "validation" / "results.json").read_text(encoding="utf-8"))
    assert set(results) == {p.stem for p in (ROOT / "data" / "raw").glob("*.csv")}
    assert all(r["success"] and r["expectations"] > 0 for r in results.values())


def test_report_shows_tables_and_diagrams_in_swedish_with_sources(built_project):
    page = (built_project / "output" / "report.html").read_text(encoding="utf-8")
    assert '<html lang="sv">' in page
    for label in ["Tabell 1.", "Tabell 2.", "Diagram 1a.", "Diagram 1b.", "Diagram 2a.", "Diagram 2b."]:
        assert label in page, label
    assert page.count("Källa:") >= 6
    assert "data/raw/turnover.csv" in page
    assert "4/26" in page and "15,4\u00a0%" in page  # Rinkeby-Kista's first cell and its rate
    assert "def " not in page and "import pipeline" not in page, "code must be hidden in the report"


def reader_text(html: str) -> str:
    """The page's text as a reader sees it: without the traced figures' descriptions, spaces collapsed."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for note in soup.select(".trace-note"):
        note.decompose()
    return " ".join(soup.get_text(" ").split())


def test_report_quotes_computed_figures_not_typed_ones(built_project):
    """The all-districts sentence quotes the processed figures for the first and last year."""
    import pipeline

    rows = pipeline.load("turnover", built_project / "data" / "processed")
    total = rows[rows["administration_type"] == "all_districts"]
    first = total[(total["profession"] == "socialsekreterare")].sort_values("year").iloc[0]
    page = reader_text((built_project / "output" / "report.html").read_text(encoding="utf-8"))
    from pipeline import formatting as fmt

    expected = f"slutade {fmt.number(first['ended'])} av {fmt.number(first['headcount'])} tillsvidareanställda socialsekreterare"
    assert expected in page


def test_executed_notebook_keeps_code_for_researchers(built_project):
    notebook = json.loads((built_project / "output" / "notebooks" / "turnover.ipynb").read_text(encoding="utf-8"))
    sources = "".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code")
    assert "import pipeline" in sources
    assert "papermill" not in notebook["metadata"]


def test_notebooks_declare_exactly_the_parameters_the_pipeline_passes():
    import pandas as pd

    from pipeline.process import administration

    pages = administration.pages(pd.read_csv(ROOT / "data" / "raw" / "administrations.csv"))
    runs = sections.report_runs(pages)
    assert {r.notebook for r in runs} == {p.name for p in (ROOT / "notebooks").glob("*.ipynb")}
    for run in runs:
        declared = papermill.inspect_notebook(str(ROOT / "notebooks" / run.notebook))
        assert set(declared) == set(run.parameters), run.notebook


def test_notebooks_are_stored_without_outputs():
    for path in (ROOT / "notebooks").glob("*.ipynb"):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        for cell in notebook["cells"]:
            assert not cell.get("outputs") and not cell.get("execution_count"), path.name


def test_notebooks_never_read_raw_data():
    for path in (ROOT / "notebooks").glob("*.ipynb"):
        assert not re.search(r"data/raw", path.read_text(encoding="utf-8")), path.name


def test_audit_files_and_report_section_agree_on_the_counts(built_project):
    import pandas as pd

    from pipeline.process import audit

    output = built_project / "output"
    reconciliation = pd.read_csv(output / "audit" / "reconciliation.csv")
    assert list(reconciliation.columns) == audit.COLUMNS
    assert set(reconciliation["status"]) <= set(audit.STATUSES)
    claims = pd.read_csv(built_project / "data" / "raw" / "published_claims.csv", dtype=str)
    assert list(reconciliation["check_id"]) == list(claims["claim_id"])
    counts = audit.counts(reconciliation)
    page = reader_text((output / "report.html").read_text(encoding="utf-8"))
    assert "Avstämning mot den publicerade rapporten" in page
    assert f"Avstämningen omfattar {counts['checks']} publicerade uppgifter: {counts['ok']} stämmer" in page
    from pipeline.present import audit_views

    text = page
    for description in reconciliation.loc[reconciliation["status"] == "mismatch", "description"]:
        assert f"»{audit_views.quote_shown(description)}«" in text
    assert (output / "audit" / "reconciliation.html").is_file()


def test_researcher_processed_tables_have_the_promised_columns(built_project):
    import pipeline

    processed = built_project / "data" / "processed"
    mentions = pipeline.load("researcher_mentions", processed)
    assert list(mentions.columns) == ["question", "alternative", "point", "label", "count", "share", "raw_rows"]
    assert set(mentions["point"]) == {str(p) for p in range(1, 14)} | {"övrigt", "ej_svar"}
    shares = mentions.groupby(["question", "alternative"])["share"].sum()
    assert ((shares - 1).abs() < 1e-6).all()
    totals = pipeline.load("researcher_point_totals", processed)
    assert list(totals.columns) == ["question", "point", "label", "mentions", "raw_rows"]
    consultants = pipeline.load("consultants", processed)
    assert list(consultants.columns) == ["year", "month", "consultants", "raw_rows"]
