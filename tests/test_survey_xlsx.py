"""The survey tool's .xlsx export, named once in report.local.yml, with its own column names and answer texts.

The export is made here from the committed demo answers: the same respondents and answers,
but in a workbook with the survey tool's wording and extra columns (a name, an e-mail
address). With report.yml mapping the wording onto the schema, the report is built from
it, its survey figures equal those of the CSV they came from, the title page and the
manifest name the export, and ``make verify`` agrees. An answer no mapping covers is
refused with the sheet's row.
"""
import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from conftest import ROOT, make, tree_digest
from pipeline.process import survey

COLUMNS = {"respondent_id": "Respondent", "occasion": "Tillfälle", "administration": "Förvaltning",
           "area": "Verksamhetsområde", "profession": "Yrke", "bra_arbetssituation": "Fråga 1",
           "gott_arbete": "Fråga 2", "rekommendera": "Fråga 3", "comment": "Kommentar"}
ANSWERS = {answer: f"Svar {number}: {answer.lower()}" for number, answer in enumerate(survey.SCALE, start=1)}
OCCASIONS = {"HT": "Hösten", "VT": "Våren"}


def tool_occasion(occasion: str) -> str:
    return f"{OCCASIONS[occasion[:2]]} {occasion[2:]}"


def write_export(target: Path, rows: list[dict]) -> None:
    """The demo answers as the survey tool would export them."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Export"
    sheet.append(["Namn", *COLUMNS.values(), "E-post"])
    for row in rows:
        values = {column: row[column] for column in COLUMNS}
        values["occasion"] = tool_occasion(row["occasion"])
        for statement in survey.STATEMENTS:
            values[statement] = ANSWERS.get(row[statement], row[statement])
        sheet.append(["Anna Andersson", *values.values(), "anna@example.invalid"])
    book.save(target)


def mapping_yaml(rows: list[dict]) -> str:
    occasions = sorted({row["occasion"] for row in rows})
    lines = ["", "survey_export:", "  columns:"]
    lines += [f'    "{tool}": {column}' for column, tool in COLUMNS.items()]
    lines += ["  answers:"] + [f'    "{tool}": "{answer}"' for answer, tool in ANSWERS.items()]
    lines += ["  occasions:"] + [f'    "{tool_occasion(o)}": {o}' for o in occasions]
    return "\n".join(lines) + "\n"




@pytest.fixture(scope="module")
def xlsx_build(copy_of_build, tmp_path_factory):
    """Built from the export over a copy of the default build and its cache."""
    root = copy_of_build(tmp_path_factory.mktemp("xlsx") / "project")
    shutil.copy2(ROOT / "Makefile", root / "Makefile")
    with open(ROOT / "data" / "raw" / "survey_responses.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    export = tmp_path_factory.mktemp("onedrive") / "Enkäter" / "enkät export.xlsx"
    export.parent.mkdir()
    write_export(export, rows)
    (root / "report.yml").write_text((root / "report.yml").read_text(encoding="utf-8") + mapping_yaml(rows),
                                     encoding="utf-8")
    (root / "report.local.yml").write_text(f'survey_export: "{export}"\n', encoding="utf-8")
    result = make(root, "report")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return root, export, rows


def test_the_report_is_built_from_the_xlsx_export_and_says_so(xlsx_build, built_project):
    root, export, _ = xlsx_build
    digest = hashlib.sha256(export.read_bytes()).hexdigest()
    manifest = json.loads((root / "output" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["survey"] == {"data": "export", "file": "enkät export.xlsx", "sha256": digest}
    assert str(export.parent) not in json.dumps(manifest, ensure_ascii=False)
    page = (root / "output" / "report.html").read_text(encoding="utf-8")
    title_page = page.split("</header>")[0]
    assert f"kommer från exporten enkät export.xlsx (SHA-256 {digest[:16]}" in page
    assert "Syntetiska demonstrationsdata" not in title_page, "a real export carries no synthetic label"
    # the same answers as the demo CSV: the same survey figures, marked as real where the demo's are synthetic
    import pandas as pd

    shares = pd.read_csv(root / "data" / "processed" / "survey_shares.csv")
    demo = pd.read_csv(built_project / "data" / "processed" / "survey_shares.csv")
    assert not shares["synthetic"].any() and demo["synthetic"].all()
    pd.testing.assert_frame_equal(shares.drop(columns=["synthetic", "raw_rows"]),
                                  demo.drop(columns=["synthetic", "raw_rows"]))
    # row N of the sheet is line N of the demo CSV: the same rows, named in the export the build read
    assert shares["raw_rows"].fillna("").tolist() == [
        text.replace("survey_responses.csv:", "enkät export.xlsx:") for text in demo["raw_rows"].fillna("")]
    assert shares["raw_rows"].fillna("").str.startswith("enkät export.xlsx:").sum() > 0
    texts = tree_digest(root / "output")
    for path in texts:
        if path.endswith((".csv", ".json", ".html")):
            content = Path(path).read_text(encoding="utf-8", errors="replace")
            assert "anna@example.invalid" not in content and "Anna Andersson" not in content, path


def test_make_verify_agrees_with_the_export_build(xlsx_build):
    root, _, _ = xlsx_build
    result = make(root, "verify")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "byte-identical to a fresh rebuild" in result.stdout


def test_an_answer_no_mapping_covers_is_refused_with_its_row(xlsx_build, tmp_path):
    root, export, rows = xlsx_build
    broken = tmp_path / "trasig export.xlsx"
    changed = [dict(row) for row in rows]
    changed[4]["gott_arbete"] = "Vet ej"
    write_export(broken, changed)
    before = tree_digest(root / "output")
    env = {**os.environ, "PYTHONPATH": str(root), "SURVEY_EXPORT": str(broken)}
    result = subprocess.run([sys.executable, "-m", "pipeline", "report"], cwd=root, env=env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert "line 6, column 'gott_arbete': value 'Vet ej'" in result.stderr, result.stderr
    assert tree_digest(root / "output") == before


def test_an_export_without_a_mapped_column_names_what_to_map(xlsx_build, tmp_path):
    root, _, rows = xlsx_build
    broken = tmp_path / "utan yrke.xlsx"
    write_export(broken, rows[:20])
    book = openpyxl.load_workbook(broken)
    book.active.delete_cols(list(COLUMNS).index("profession") + 2)
    book.save(broken)
    env = {**os.environ, "PYTHONPATH": str(root), "SURVEY_EXPORT": str(broken)}
    result = run_pipeline_with(root, env)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert "utan yrke.xlsx, line 1: the export has no column for 'profession'" in result.stderr, result.stderr


def run_pipeline_with(root: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", "report"], cwd=root, env=env, capture_output=True,
                          text=True, timeout=600)
