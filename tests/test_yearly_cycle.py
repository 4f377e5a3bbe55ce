"""Next year's report without code changes: append a year of rows, build, and the year is everywhere."""
import csv
import io
import re
from html import unescape

import pytest

from conftest import run_pipeline


def _rows(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _append(path, rows):
    with open(path, encoding="utf-8", newline="") as handle:
        fields = next(csv.reader(handle))
    buffer = io.StringIO()
    csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n").writerows(rows)
    with open(path, "a", encoding="utf-8", newline="") as handle:
        handle.write(buffer.getvalue())


def append_next_year(root) -> int:
    """Plausible rows for the year after the last one, in every yearly raw file; returns that year."""
    raw = root / "data" / "raw"
    turnover = _rows(raw / "turnover.csv")
    last = max(int(r["year"]) for r in turnover)
    new = last + 1
    administrations = {r["name"]: r["type"] for r in _rows(raw / "administrations.csv")}
    latest = [r for r in turnover if int(r["year"]) == last]
    rows = []
    for row in latest:
        if administrations[row["administration"]] == "all_districts":
            continue
        headcount = int(row["headcount"]) + 1
        ended = min(headcount, max(0, int(row["ended"]) - 1))
        rows.append({**row, "year": str(new), "ended": str(ended), "headcount": str(headcount),
                     "source": "test fixture: next year"})
    for profession in sorted({r["profession"] for r in latest}):
        districts = [r for r in rows if r["profession"] == profession and administrations[r["administration"]] == "district"]
        rows.append({"profession": profession, "administration": "Stadsdelar total", "year": str(new),
                     "ended": str(sum(int(r["ended"]) for r in districts)),
                     "headcount": str(sum(int(r["headcount"]) for r in districts)), "source": "test fixture"})
    _append(raw / "turnover.csv", rows)
    _append(raw / "consultants.csv", [
        {"year": str(new), "month": "april", "consultants": "30", "source": "test fixture"},
        {"year": str(new), "month": "november", "consultants": "25", "source": "test fixture"}])
    survey = _rows(raw / "survey_responses.csv")
    occasions = sorted({r["occasion"] for r in survey}, key=lambda o: (int(o[2:]), o[:2] == "HT"))
    spring, autumn = occasions[-2], occasions[-1]  # the last VT and HT: their answers, a year on
    _append(raw / "survey_responses.csv",
            [{**r, "occasion": f"VT{new}"} for r in survey if r["occasion"] == spring]
            + [{**r, "occasion": f"HT{new}"} for r in survey if r["occasion"] == autumn])
    return new


@pytest.fixture(scope="module")
def next_year(copy_of_build, tmp_path_factory):
    """Last year's built project (a copy of the default build and its cache) with next year's rows added, built."""
    root = copy_of_build(tmp_path_factory.mktemp("next-year") / "project")
    year = append_next_year(root)
    result = run_pipeline(root, "report")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return root, year


def _text(path) -> str:
    """The page's text: traced figures' descriptions left out, inline spans joined to their words."""
    page = re.sub(r'<span [^>]*class="trace-note"[^>]*>.*?</span>', "", path.read_text(encoding="utf-8"), flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", re.sub(r"</?span[^>]*>", "", page)))


def test_the_title_covers_the_new_year(next_year):
    root, year = next_year
    page = (root / "output" / "report.html").read_text(encoding="utf-8")
    assert f"rapport av arbetet åren 2015–{year}" in page


def test_every_yearly_table_has_the_new_year(next_year):
    root, year = next_year
    page = (root / "output" / "report.html").read_text(encoding="utf-8")
    tables = re.findall(r"<table.*?</table>", page, flags=re.S)
    turnover_tables = [t for t in tables if "Tabell 1." in t or "Tabell 2." in t]
    assert len(turnover_tables) == 2
    for table in turnover_tables:
        assert f'<th scope="col">{year}</th>' in table
    consultants = next(t for t in tables if "Tabell 3." in t)
    assert f'<th scope="row">{year}</th>' in consultants
    survey = [t for t in tables if f"HT{year}" in t]
    assert survey, "the survey tables show the new occasion"


def test_every_diagram_spans_the_new_year(next_year):
    root, year = next_year
    text = _text(root / "output" / "report.html")
    for label in ["Diagram 1a.", "Diagram 1b.", "Diagram 2a.", "Diagram 2b."]:
        caption = text.split(label, 1)[1][:200]
        assert f"2013–{year}" in caption, (label, caption)
    assert f"2016–{year}" in text.split("Diagram 3.", 1)[1][:200]


def test_administration_pages_and_workbook_have_the_new_year(next_year):
    root, year = next_year
    text = _text(root / "output" / "administrations" / "skarpnack.html")
    assert f"{year} slutade" in text
    from openpyxl import load_workbook

    sheet = load_workbook(root / "output" / "tabeller.xlsx")["Tabell 1 Biståndshandläggare"]
    assert year in [row[2] for row in sheet.iter_rows(min_row=4, values_only=True)]


def test_the_comparisons_still_start_from_the_reference_year(next_year):
    root, year = next_year
    text = _text(root / "output" / "report.html")
    assert "% år 2016 till" in text and f"% år {year}," in text
