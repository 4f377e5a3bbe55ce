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
        assert [c.value for c in page[3]] == sheet.headers


def test_the_sheets_are_the_registrys_in_the_reports_order_with_its_tabs_titles_and_sources():
    sheets = workbook.sheets()
    assert [s.entry for s in sheets] == [e.id for e in contents.sheets()]
    for sheet, entry in zip(sheets, contents.sheets()):
        assert (sheet.name, sheet.title, sheet.dataset) == (contents.sheet_name(entry), contents.sheet_title(entry),
                                                            entry.dataset)
        assert sheet.source.startswith(contents.source(entry.id, name="…").split("…")[0])
        assert len(sheet.name) <= 31
        assert len(set(sheet.headers)) == len(sheet.headers), sheet.name  # an Excel table needs distinct headings
        assert len(set(sheet.keys)) == len(sheet.keys), sheet.name
    turnover = [s for s in sheets if s.entry.startswith("turnover-table-")]
    assert [s.where["profession"] for s in turnover] == list(contents.TURNOVER_SOURCE_TABLE)
    assert [s.source for s in turnover] == [contents.source(s.entry) for s in turnover]


def _frames(built_project) -> dict:
    processed = built_project / "data" / "processed"
    return {name: pipeline.load(name, processed) for name in datasets.DATASETS}


def test_every_sheet_shows_its_rows_cell_by_cell(built_project, book):
    frames = _frames(built_project)
    for sheet in workbook.sheets():
        assert len(workbook.rows(sheet, frames)) == len(workbook.processed_rows(sheet, frames)), sheet.name
        expected = workbook.rows(sheet, frames)
        actual = workbook.read_back(book, sheet)
        assert len(actual) == len(expected), sheet.name
        for column in sheet.keys:
            for want, got in zip(expected[column].tolist(), actual[column].tolist()):
                if want is None or (not isinstance(want, str) and pd.isna(want)):
                    assert got is None or (isinstance(got, float) and pd.isna(got)), (sheet.name, column)
                elif isinstance(want, float):
                    assert got == pytest.approx(want, abs=1e-12), (sheet.name, column)
                else:
                    assert got == want, (sheet.name, column)


def _sheet(entry_id: str):
    return next(s for s in workbook.sheets() if s.entry == entry_id)


def test_codes_are_shown_with_the_projects_own_swedish_wording(built_project, book):
    from pipeline.present import audit_views, researcher_views
    from pipeline.process import researcher, survey

    frames = _frames(built_project)
    shares = _sheet("survey-shares-sheet")
    shown, processed = workbook.read_back(book, shares), workbook.processed_rows(shares, frames)
    assert shown["statement"].tolist() == [survey.STATEMENTS[s] for s in processed["statement"]]
    assert shown["occasion"].tolist() == [survey.occasion_words(o).capitalize() for o in processed["occasion"]]
    for entry in ["turnover-table-bistandshandlaggare", "turnover-table-socialsekreterare"]:
        turnover = _sheet(entry)
        shown, processed = workbook.read_back(book, turnover), workbook.processed_rows(turnover, frames)
        total = processed["administration_type"] == "all_districts"
        assert total.any() and set(shown.loc[total, "administration"]) == {"Alla stadsdelar"}  # the house name
        assert shown.loc[~total, "administration"].tolist() == processed.loc[~total, "administration"].tolist()
    answers = _sheet("researcher-open-answers-table")
    shown, processed = workbook.read_back(book, answers), workbook.processed_rows(answers, frames)
    assert shown["question"].tolist() == [researcher_views.OPEN_QUESTION_LABEL[q] for q in processed["question"]]
    checks = _sheet("audit-reconciliation-sheet")
    shown, processed = workbook.read_back(book, checks), workbook.processed_rows(checks, frames)
    assert shown["status"].tolist() == [audit_views.VERDICTS[s].capitalize() for s in processed["status"]]
    assert shown["check_id"].tolist() == processed["check_id"].tolist()  # the code, in the last column, for machines
    assert [c.header for c in checks.columns][-1] == workbook.CODE_HEADER
    for quote, description in zip(shown["quote"], processed["description"]):
        assert quote and quote in description.replace("*", "") and "*" not in quote
    # every measure the audit can name has a Swedish wording, and every document a name
    from pipeline.ingest import schemas
    from pipeline.process import audit

    assert set(workbook.MEASURE_LABEL) == set(audit.MEASURES)
    assert set(workbook.DOCUMENT_LABEL) == set(schemas.DOCUMENTS)
    ranked = _sheet("researcher-ranked-diagram")
    shown, processed = workbook.read_back(book, ranked), workbook.processed_rows(ranked, frames)
    numbered = processed["point"].astype(str).str.isdigit()
    assert shown.loc[numbered, "point"].tolist() == processed.loc[numbered, "point"].astype(int).tolist()
    assert shown.loc[~numbered, "point"].isna().all()
    assert set(processed.loc[~numbered, "point"]) <= set(researcher.EXTRA_LABEL)


def _visible_cells(loaded) -> list[tuple[str, str, str]]:
    """(sheet, cell, text) for every text a reader sees: all cells except the machines' 'Kod' column."""
    seen = []
    for page in loaded.worksheets:
        header_row = 2 if page.title == "Innehåll" else 3
        hidden = {c.column for c in page[header_row] if c.value == workbook.CODE_HEADER}
        for row in page.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and not (cell.row > header_row and cell.column in hidden):
                    seen.append((page.title, cell.coordinate, cell.value))
    return seen


def _is_code(value: str) -> bool:
    return bool(re.fullmatch(r"[a-z][a-z0-9_]*", value) or re.fullmatch(r"(VT|HT)[0-9]{4}", value)
                or re.fullmatch(r"[A-Za-z]{2,5}", value))


def _codes(processed) -> set[str]:
    """The codes the processed CSVs hold: lower-case identifiers (district, bra_arbetssituation, ok …),
    survey occasions (HT2016) and short ASCII abbreviations (BOU, Ek)."""
    codes = set()
    for path in sorted(processed.glob("*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for column in frame.columns:
            codes |= {value for value in frame[column] if _is_code(value)}
    return codes


def _english_words(built_project) -> set[str]:
    """English words the pipeline writes (the audit's measures and verdicts, the processed fields' meanings),
    less those that are Swedish too (in the registry's captions and sources or the report's quoted text)."""
    from pipeline import config
    from pipeline.process import audit, survey

    english_texts = [m.description for m in audit.MEASURES.values()] + ["Recomputed", "Not checkable"]
    english_texts += [f.meaning for d in datasets.DATASETS.values() for f in d.fields]
    swedish_texts = [e.caption + " " + (e.sheet_title or "") for e in contents.ENTRIES]
    swedish_texts += [e.source.cited for e in contents.ENTRIES if e.source]
    swedish_texts += [v for v in vars(config.load()).values() if isinstance(v, str)] + list(survey.STATEMENTS.values())
    for path in sorted((built_project / "data" / "raw").glob("*.csv")):
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
        swedish_texts += [v for column in raw.columns if column not in ("note", "measure", "parameters")
                          for v in raw[column] if not _is_code(v)]

    def words(texts):
        return {w.casefold() for t in texts for w in re.findall(r"[A-Za-zÅÄÖåäö]{3,}", t)}

    return {w for w in words(english_texts) - words(swedish_texts) if w.isascii()}


def test_no_cell_a_reader_sees_holds_a_code_or_english(built_project, book):
    from openpyxl import load_workbook

    codes = _codes(built_project / "data" / "processed")
    english = _english_words(built_project)
    assert {"district", "bra_arbetssituation", "mismatch", "chefer"} <= codes  # the scan sees the codes it must
    assert any(re.fullmatch(r"HT[0-9]{4}", code) for code in codes)
    assert {"recomputed", "checkable", "district"} <= english
    found = []
    for sheet, where, text in _visible_cells(load_workbook(book)):
        named = re.sub(r"\S+\.(csv|json|html|md)\b|\bdata/raw/", " ", text)  # a file's name is not a word
        words = {w.casefold() for w in re.findall(r"[A-Za-zÅÄÖåäö_]+", named)}
        if text.strip() in codes or words & english:
            found.append(f"{sheet}!{where}: {text[:80]!r} {sorted(words & english)}")
    assert not found, "\n".join(found)


def test_sheet_names_are_swedish_not_ascii_folded(book):
    from openpyxl import load_workbook
    from pipeline.ingest.schemas import PROFESSIONS

    names = load_workbook(book).sheetnames
    vocabulary = {w for e in contents.ENTRIES for t in [e.caption, e.sheet_title or "", e.sheet or ""]
                  for w in re.findall(r"\w+", t)} | set(PROFESSIONS)
    fold = str.maketrans("åäöÅÄÖ", "aaoAAO")
    folded = {w.translate(fold).casefold() for w in vocabulary if w.translate(fold) != w}
    assert "bistandshandlaggare" in folded
    for name in names:
        assert not {w.casefold() for w in re.findall(r"\w+", name)} & folded, name
    assert "Tabell 1 Biståndshandläggare" in names


def test_shares_have_a_percent_format_and_nothing_else_has(book):
    from openpyxl import load_workbook

    loaded = load_workbook(book)
    checked = 0
    for sheet in workbook.sheets():
        page = loaded[sheet.name]
        for index, column in enumerate(sheet.columns, start=1):
            is_share = bool(re.search(r"share|rate|_pct$", column.processed))
            for (cell,) in page.iter_rows(min_row=4, min_col=index, max_col=index):
                assert ("%" in cell.number_format) == is_share, (sheet.name, column.key, cell.number_format)
                checked += is_share and isinstance(cell.value, float)
    assert checked > 100
    assert workbook.PERCENT == '0.0"\u00a0"%'  # one decimal, a no-break space, then %


def test_each_sheet_is_an_excel_table_with_filters(book):
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    loaded = load_workbook(book)
    names = []
    for page in loaded.worksheets:
        header_row = 2 if page.title == "Innehåll" else 3
        tables = list(page.tables.values())
        assert len(tables) == 1, page.title
        table = tables[0]
        ref = f"A{header_row}:{get_column_letter(page.max_column)}{max(page.max_row, header_row + 1)}"
        assert table.ref == ref and table.autoFilter.ref == ref, (page.title, table.ref)
        assert [c.name for c in table.tableColumns] == [c.value for c in page[header_row]]
        assert page.freeze_panes == f"A{header_row + 1}"
        widths = [page.column_dimensions[get_column_letter(i)].width for i in range(1, page.max_column + 1)]
        assert all(8 <= w <= 90 for w in widths), (page.title, widths)
        names.append(table.name.casefold())
    assert len(set(names)) == len(names)


def test_the_synthetic_survey_says_so_in_its_title(built_project, book):
    from openpyxl import load_workbook
    from pipeline.process import survey

    page = load_workbook(book)[_sheet("survey-shares-sheet").name]
    assert ("syntetiska" in page["A1"].value) == survey.is_synthetic(built_project / "data" / "processed")
    assert "syntetiska" not in load_workbook(book)[_sheet("consultants-table").name]["A1"].value


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
