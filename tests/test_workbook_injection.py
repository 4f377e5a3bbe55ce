"""No text from the data or report.yml becomes a formula in output/tabeller.xlsx.

Text cells are string cells, and text a spreadsheet would read as a formula carries a
leading ``'`` (OWASP's advice against "CSV injection"); numbers stay numbers.
"""
import dataclasses
import datetime as dt
import zipfile

import pandas as pd
import pytest

from conftest import run_pipeline, tree_digest
from pipeline import config
from pipeline.present import contents, workbook
from pipeline.errors import InputError

HYPERLINK = '=HYPERLINK("http://example.invalid","klicka")'
DANGEROUS = [HYPERLINK, "+1+1", "-2+3", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]
BUILD_DATE = dt.datetime(2020, 1, 1)


def _open_answers(categories: list[str], counts: list[int]) -> pd.DataFrame:
    return pd.DataFrame({
        "question": pd.array(["skillnad_medarbetare"] * len(categories), dtype="string"),
        "category": pd.array(categories, dtype="string"),
        "count": pd.array(counts, dtype="Int64"),
    })


def _reconciliation() -> pd.DataFrame:
    return pd.DataFrame({
        "check_id": pd.array(["-A1", "#N/A"], dtype="string"),
        "status": pd.array(["ok", "=1+1"], dtype="string"),
        "published": [-4.5, 4.0],
        "computed": [-4.5, None],
        "source": pd.array(["@A1", "002, rad 1"], dtype="string"),
        "description": pd.array(["»citat«", "=cmd|' /C calc'!A0"], dtype="string"),
    })


def _cells(path):
    from openpyxl import load_workbook

    book = load_workbook(path)
    return [cell for page in book.worksheets for row in page.iter_rows() for cell in row]


def _formula_elements(path) -> list[str]:
    """Sheets whose XML holds a formula element, whatever openpyxl makes of it on reading."""
    with zipfile.ZipFile(path) as archive:
        return [name for name in archive.namelist()
                if name.startswith("xl/worksheets/") and (b"<f>" in archive.read(name) or b"<f " in archive.read(name))]


def test_neutralised_prefixes_exactly_the_owasp_characters():
    for text in DANGEROUS:
        assert workbook.neutralised(text) == "'" + text
    for text in ["Administrativt stöd", "'=redan skyddad", " =1+1", "", "ca 1 200", "#N/A"]:
        assert workbook.neutralised(text) == text


def test_text_that_looks_like_a_formula_is_written_as_neutralised_text(tmp_path):
    target = tmp_path / "tabeller.xlsx"
    frames = {"researcher_open_answers": _open_answers(DANGEROUS + ["Lägre arbetsbelastning"],
                                                       [1, 2, 3, -4, 5, 6, 7]),
              "reconciliation": _reconciliation()}
    workbook.write(frames, target, BUILD_DATE)

    cells = _cells(target)
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert _formula_elements(target) == []
    texts = [c for c in cells if isinstance(c.value, str)]
    assert texts and all(c.data_type == "s" for c in texts), [(c.coordinate, c.data_type) for c in texts
                                                                if c.data_type != "s"]
    by_sheet = {s.dataset: s for s in workbook.sheets()}
    answers = workbook.read_back(target, by_sheet["researcher_open_answers"])
    # XML reads a carriage return back as a line feed; the ' before it is what matters
    assert answers["category"].tolist() == [("'" + text).replace("\r", "\n") for text in DANGEROUS] + [
        "Lägre arbetsbelastning"]
    assert answers["count"].tolist() == [1, 2, 3, -4, 5, 6, 7]
    checks = workbook.read_back(target, by_sheet["reconciliation"])
    assert checks["check_id"].tolist() == ["'-A1", "#N/A"]
    assert checks["status"].tolist() == ["Stämmer", "'=1+1"]  # a code gets its label, anything else stays text
    assert checks["source"].tolist() == ["'@A1", "Rapporten, rad 1"]
    assert checks["quote"].tolist() == ["»citat«", "'=cmd|' /C calc'!A0"]
    assert checks["published"].tolist() == [-4.5, 4.0]


def test_numbers_stay_numbers(tmp_path):
    from openpyxl import load_workbook

    target = tmp_path / "tabeller.xlsx"
    workbook.write({"researcher_open_answers": _open_answers([HYPERLINK, "-"], [-3, 0])}, target, BUILD_DATE)
    page = load_workbook(target)["Tabell 6 Öppna svar"]
    counts = [page.cell(row=row, column=3) for row in (4, 5)]
    assert [(c.value, c.data_type) for c in counts] == [(-3, "n"), (0, "n")]
    assert page.cell(row=5, column=2).value == "'-"


def test_a_formula_in_report_yml_is_neutralised_on_the_contents_sheet(tmp_path, monkeypatch):
    fake = dataclasses.replace(config.load(), source_report=HYPERLINK)
    monkeypatch.setattr(contents, "_params", lambda: fake)
    facts = next(s for s in workbook.sheets() if s.dataset == "district_facts")
    target = tmp_path / "tabeller.xlsx"
    workbook.write({"district_facts": pd.DataFrame(columns=[c.processed for c in facts.columns])}, target, BUILD_DATE)
    assert [c.coordinate for c in _cells(target) if c.data_type == "f"] == []
    from openpyxl import load_workbook

    sheet = load_workbook(target)["Innehåll"]
    assert sheet["C3"].value.startswith("'" + HYPERLINK) and sheet["C3"].data_type == "s"


def test_a_control_character_a_spreadsheet_cannot_store_is_one_message(tmp_path):
    target = tmp_path / "tabeller.xlsx"
    with pytest.raises(InputError) as caught:
        frames = {"researcher_open_answers": _open_answers(["ok", "Admin\x01istrativt stöd" + "x" * 200], [1, 2])}
        workbook.write(frames, target, BUILD_DATE)
    message = str(caught.value)
    assert "sheet 'Tabell 6 Öppna svar', cell B5" in message and "U+0001" in message
    assert "'Admin\\x01istrativt" in message and len(message) < 400
    assert not target.exists()


def test_a_formula_in_a_raw_text_cell_reaches_the_workbook_as_text(built_project):
    """End to end: the raw CSV keeps the text, the processed CSV keeps its contract, the workbook has no formula."""
    raw = built_project / "data" / "raw" / "researcher_open_answers.csv"
    published = [built_project / "output", built_project / "data" / "processed"]
    before = tree_digest(*published)
    original = raw.read_bytes()
    text = original.decode("utf-8")
    assert ",Administrativt stöd," in text
    quoted = '"' + HYPERLINK.replace('"', '""') + '"'
    raw.write_bytes(text.replace(",Administrativt stöd,", f",{quoted},", 1).encode("utf-8"))
    try:
        result = run_pipeline(built_project, "report")
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
        book = built_project / "output" / "tabeller.xlsx"
        assert [c.coordinate for c in _cells(book) if c.data_type == "f"] == []
        assert _formula_elements(book) == []
        sheet = next(s for s in workbook.sheets() if s.dataset == "researcher_open_answers")
        assert "'" + HYPERLINK in workbook.read_back(book, sheet)["category"].tolist()
        processed = pd.read_csv(built_project / "data" / "processed" / "researcher_open_answers.csv", dtype=str)
        assert HYPERLINK in processed["category"].tolist()
    finally:
        raw.write_bytes(original)
    restored = run_pipeline(built_project, "report")
    assert restored.returncode == 0, restored.stdout[-2000:] + restored.stderr[-2000:]
    assert tree_digest(*published) == before, "rebuilding from the restored raw file must give the same outputs"
