"""output/tabeller.xlsx and the data dictionary match the processed tables."""
import re

import pandas as pd
import pytest

import pipeline
from conftest import ROOT
from pipeline.process import datasets
from pipeline.tools import dictionary
from pipeline.present import contents, workbook


@pytest.fixture(scope="module")
def book(built_project):
    return built_project / "output" / "tabeller.xlsx"


def test_the_workbook_has_a_contents_sheet_then_one_sheet_per_table(book):
    from openpyxl import load_workbook

    loaded = load_workbook(book)
    names = [s.name for s in workbook.sheets()]
    assert loaded.sheetnames == ["Innehåll"] + names
    listed = [row[0] for row in loaded["Innehåll"].iter_rows(min_row=3, values_only=True)]
    assert listed == names
    for sheet in workbook.sheets():
        page = loaded[sheet.name]
        assert page.freeze_panes == "A4"
        assert str(page["A2"].value).startswith("Källa: ")
        assert [c.value for c in page[3]] == [header for header, _ in sheet.columns.values()]


def test_the_sheets_are_the_registrys_in_the_reports_order_with_its_tabs_titles_and_sources():
    sheets = workbook.sheets()
    assert [s.entry for s in sheets] == [e.id for e in contents.sheets()]
    for sheet, entry in zip(sheets, contents.sheets()):
        assert (sheet.name, sheet.title, sheet.dataset) == (contents.sheet_name(entry), contents.sheet_title(entry),
                                                            entry.dataset)
        assert sheet.source.startswith(contents.source(entry.id, name="…").split("…")[0])
        assert len(sheet.name) <= 31
    turnover = [s for s in sheets if s.entry.startswith("turnover-table-")]
    assert [s.where["profession"] for s in turnover] == list(contents.TURNOVER_SOURCE_TABLE)
    assert [s.source for s in turnover] == [contents.source(s.entry) for s in turnover]


def test_every_sheet_matches_its_processed_table_cell_by_cell(built_project, book):
    processed = built_project / "data" / "processed"
    frames = {name: pipeline.load(name, processed) for name in datasets.DATASETS}
    for sheet in workbook.sheets():
        expected = workbook.rows(sheet, frames)
        actual = workbook.read_back(book, sheet)
        assert len(actual) == len(expected), sheet.name
        for column in sheet.columns:
            for want, got in zip(expected[column].tolist(), actual[column].tolist()):
                if want is None or (not isinstance(want, str) and pd.isna(want)):
                    assert got is None or (isinstance(got, float) and pd.isna(got)), (sheet.name, column)
                elif isinstance(want, float):
                    assert got == pytest.approx(want, abs=1e-12), (sheet.name, column)
                else:
                    assert got == want, (sheet.name, column)


def test_shares_are_formatted_as_percent_with_one_decimal(book):
    from openpyxl import load_workbook

    page = load_workbook(book)[contents.sheet_name(contents.entry_of("turnover-table-bistandshandlaggare"))]
    headers = [c.value for c in page[3]]
    rate = page.cell(row=4, column=headers.index("Personalrörlighet") + 1)
    assert rate.number_format == "0.0%"


def test_the_committed_data_dictionary_is_current():
    committed = (ROOT / "docs" / "data_dictionary.md").read_text(encoding="utf-8")
    assert committed == dictionary.markdown(), "docs/data_dictionary.md is stale: run 'make dictionary'"


def test_every_processed_column_is_described_in_the_dictionary(built_project):
    text = dictionary.markdown()
    sections = re.split(r"^### ", text, flags=re.M)
    for path in sorted((built_project / "data" / "processed").glob("*.csv")):
        section = next((s for s in sections if s.startswith(f"`data/processed/{path.name}`")), None)
        assert section is not None, f"{path.name} is not in the data dictionary"
        for column in pd.read_csv(path, nrows=0).columns:
            assert f"| `{column}` |" in section, f"{path.name}: column {column} is not described"


def _without_parameters_cells(path) -> str:
    """A notebook's text without its parameters cell, whose defaults are report.yml's values (checked below)."""
    import json

    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if "parameters" not in c["metadata"].get("tags", []))


def test_no_year_is_typed_in_the_notebooks_or_the_pipeline():
    """Years come from the data and report.yml; a literal 2013–2019 in code or notebooks is a defect."""
    offenders = []
    for path in list((ROOT / "pipeline").rglob("*.py")) + list((ROOT / "notebooks").glob("*.ipynb")) + list(
            (ROOT / "pipeline" / "templates").glob("*")):
        text = _without_parameters_cells(path) if path.suffix == ".ipynb" else path.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), start=1):
            if re.search(r"(?<!\d)201[3-9](?!\d)", line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_the_notebooks_parameters_default_to_report_yml():
    """A notebook run on its own uses its parameters cell: the values report.yml gives the build
    (that each notebook declares exactly what the build passes is tests/test_build.py's check)."""
    import json

    from pipeline import config
    from pipeline.build import sections

    params = config.load()
    for notebook, names in sections.FROM_REPORT_YML.items():
        cells = json.loads((ROOT / "notebooks" / notebook).read_text(encoding="utf-8"))["cells"]
        cell = next(c for c in cells if "parameters" in c["metadata"].get("tags", []))
        defaults = {}
        exec("".join(cell["source"]), {}, defaults)
        for name in set(names) & set(defaults):
            assert defaults[name] == getattr(params, name), (notebook, name)
