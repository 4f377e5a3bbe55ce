"""The content registry (pipeline/present/contents.py) is the one home of table and diagram numbers."""
import json
import re
import zipfile
from pathlib import Path

import pytest

from pipeline.present import contents

ROOT = Path(__file__).resolve().parent.parent
NUMBER = re.compile(r"\b(Tabell|Diagram) (E?\d+[a-z]?)\b")


def _typed_numbers(text: str) -> list[str]:
    return [m.group(0) for m in NUMBER.finditer(text)]


def test_no_number_is_typed_outside_the_registry():
    found = []
    for path in sorted([*(ROOT / "pipeline").rglob("*"), *(ROOT / "notebooks").glob("*.ipynb")]):
        if not path.is_file() or path.suffix not in {".py", ".ipynb", ".j2", ".css"} or path.name == "contents.py":
            continue
        for number in _typed_numbers(path.read_text(encoding="utf-8")):
            found.append(f"{path.relative_to(ROOT)}: {number}")
    assert found == []


def test_numbers_follow_the_order_of_the_entries():
    assert contents.number("turnover-trend-bistandshandlaggare") == "Diagram 1a"
    assert contents.number("turnover-districts-bistandshandlaggare") == "Diagram 1b"
    assert contents.number("turnover-table-socialsekreterare") == "Tabell 2"
    assert contents.number("survey-areas-table") == "Tabell E2"
    assert contents.number("researcher-alternatives-table", part=2) == "Tabell 5c"
    assert contents.number("administration-trend", part=1, page=2) == "Diagram 8b"


def test_moving_an_entry_renumbers_everything_after_it(monkeypatch):
    """Put the consultants' table first: it becomes Tabell 1 and the turnover tables move up one."""
    moved = [contents.BY_ID["consultants-table"]] + [e for e in contents.ENTRIES if e.id != "consultants-table"]
    monkeypatch.setattr(contents, "ENTRIES", moved)
    assert contents.number("consultants-table") == "Tabell 1"
    assert contents.number("turnover-table-bistandshandlaggare") == "Tabell 2"
    assert contents.number("turnover-table-socialsekreterare") == "Tabell 3"
    assert contents.caption("consultants-table", years="2015–2018").startswith("Tabell 1. ")


def test_a_pinned_number_that_entries_before_it_have_reached_is_refused(monkeypatch):
    """Two diagrams added before the researcher's (pinned to the report's Diagram 5) would make two Diagram 5."""
    extra = [contents.Entry(f"extra-{n}", "diagram", "consultants", "Extra.", None, None) for n in range(2)]
    at = next(i for i, e in enumerate(contents.ENTRIES) if e.id == "researcher-ranked-diagram")
    monkeypatch.setattr(contents, "ENTRIES", contents.ENTRIES[:at] + extra + contents.ENTRIES[at:])
    with pytest.raises(ValueError, match="researcher-ranked-diagram is pinned to Diagram 5"):
        contents.number("consultants-diagram")


def test_a_reference_to_an_unknown_entry_names_it():
    with pytest.raises(KeyError, match="turnover-nothing"):
        contents.resolve_references("Se {numref}`turnover-nothing`.", "notebooks/turnover.ipynb")


def test_every_reference_in_the_notebooks_is_declared():
    for path in (ROOT / "notebooks").glob("*.ipynb"):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            contents.resolve_references("".join(cell["source"]), path.name)


def _labels(pages: int) -> set[str]:
    """Every number the registry gives, for a report of ``pages`` administration pages."""
    labels = set()
    for entry in contents.numbered():
        if entry.per_page:
            labels |= {contents.number(entry.id, part, page) for page in range(pages) for part in range(3)}
        elif entry.parts:
            labels |= {contents.number(entry.id, part) for part in range(len(contents.LETTERS))}
        else:
            labels.add(contents.number(entry.id))
    return labels


@pytest.mark.build
def test_every_number_in_the_report_and_the_workbook_comes_from_the_registry(built_project):
    output = built_project / "output"
    html = (output / "report.html").read_text(encoding="utf-8")
    pages = len(list((output / "administrations").glob("*.html"))) - 1  # without index.html
    allowed = _labels(pages)
    # "Källa: …, Tabell 1." cites the source document's own table (contents.Source), not this report's
    captions = re.findall(r"<(?:caption|figcaption)>(.*?)</(?:caption|figcaption)>", html, re.S)
    shown = {m.group(0) for text in captions for m in NUMBER.finditer(re.sub(r'<span class="source">.*', "", text))}
    assert shown and shown <= allowed, sorted(shown - allowed)
    narrative = re.sub(r'<(p|span) class="source">.*?</\1>', "", html, flags=re.S)
    # the closing appendix names an entry with parts as a whole ('Tabell 5' for 5a–5f), an administration's
    # diagram by its page's number ('Diagram 6–21')
    whole = {contents.whole_number(e.id) for e in contents.numbered()}
    whole |= {contents.number(e.id, 0, page)[:-1] for e in contents.numbered() if e.per_page for page in range(pages)}
    assert set(_typed_numbers(narrative)) <= allowed | whole, sorted(set(_typed_numbers(narrative)) - allowed - whole)
    unnumbered = {contents.number(e.id) for e in contents.numbered() if not (e.parts or e.per_page)}
    assert unnumbered <= shown, sorted(unnumbered - shown)
    with zipfile.ZipFile(output / "tabeller.xlsx") as book:
        sheets = " ".join(book.read(name).decode("utf-8") for name in book.namelist()
                          if name.startswith("xl/") and name.endswith(".xml"))
    expected = {contents.sheet_name(e) for e in contents.sheets()}
    assert all(name in sheets for name in expected)
    in_book = {m.group(0) for m in NUMBER.finditer(re.sub(r"Källa:[^<]*", "", sheets))}
    assert in_book <= whole | allowed, sorted(in_book - whole - allowed)


def test_a_source_line_names_the_document_and_its_table_not_files():
    for entry in contents.ENTRIES:
        if entry.source is None:
            continue
        fields = {"name": "Bromma", "table": "Tabell 1"}
        for synthetic in (False, True):
            text = contents.source(entry.id, synthetic=synthetic, **fields)
            assert text.endswith(".") and "Rådata" not in text, (entry.id, text)
            assert not re.search(r"data/|output/|pipeline/|\.(csv|py|json)\b", text), (entry.id, text)
    assert contents.source("turnover-table-bistandshandlaggare") == (
        f"Stadsledningskontoret, i {contents._params().source_report}, Tabell 1.")


def test_the_appendix_names_the_raw_files_of_every_table_and_diagram():
    rows = contents.raw_file_rows(pages=16)
    listed = " ".join(row["what"] for row in rows)
    for entry in contents.ENTRIES:
        if entry.numbered and not (entry.parts or entry.per_page):
            assert re.search(rf"{contents.number(entry.id)}(?![0-9a-z])", listed), entry.id
        elif entry.numbered:
            assert contents.whole_number(entry.id) in listed, entry.id
    raw = {path for row in rows for path in row["raw"]}
    assert raw == {path for e in contents.ENTRIES if e.source for path in e.source.raw}
    assert all((ROOT / path).is_file() for path in raw), sorted(p for p in raw if not (ROOT / p).is_file())
    assert len({tuple(row["raw"]) for row in rows}) == len(rows), "entries from the same files share a row"
    first = rows[0]
    assert first["what"].startswith("Diagram 1a, Diagram 1b, Tabell 1, Diagram 2a, Diagram 2b, Tabell 2, Diagram 6–21")
    assert first["raw"] == ["data/raw/turnover.csv", "data/raw/administrations.csv"]
    trend = contents.BY_ID["administration-trend"]
    assert contents.listing_label(trend, pages=16) == "Diagram 6–21"
    assert contents.listing_label(contents.BY_ID["administration-facts-table"]) == \
        "tabellen utan nummer »Fakta om stadsdelsförvaltningarna«"
    assert all(row["what"][0].isupper() for row in rows)
