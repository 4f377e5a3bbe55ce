"""A figure one hop from its rows (#18): traced figures in blocks, their markup, and the built report.

The browser half (keyboard, hover, Escape, axe-core) is in tests/test_accessibility.py.
"""
import re

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from markupsafe import Markup

from pipeline.build import notebooks
from pipeline.present import blocks, trace
from pipeline.process import lineage


def _soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def test_a_traced_figure_in_a_sentence_becomes_a_focusable_figure_described_by_its_note():
    figure = trace.figure("20,4 %", trace.quotient(117, 573, "20,4 %"), "turnover.csv:2,8,14-15")
    html = trace.number(blocks.Text(f"Andelen var {figure} år 2018 <b>.").html())
    soup = _soup(html)
    (span,) = soup.select("span.trace")
    assert span["tabindex"] == "0"
    note = soup.find(id=span["aria-describedby"])
    assert note is not None and note.parent is span and note["role"] == "tooltip"
    assert note.get_text() == "117 / 573 = 20,4 %. Rådata: turnover.csv, 4 rader: 2, 8, 14–15."
    note.decompose()
    assert soup.get_text() == "Andelen var 20,4 % år 2018 <b>.", "the sentence reads as before; its own text escaped"


def test_a_stacked_cell_keeps_its_markup_and_one_row_is_named_by_its_line():
    cell = trace.figure(blocks.stacked("4/26", "15,4 %"), "4 / 26 = 15,4 % <x>", "turnover.csv:14")
    table = blocks.Table(pd.DataFrame(), pd.DataFrame({"2018": [cell]}, index=["Bromma"]), "Tabell 1. Test")
    soup = _soup(table.html())
    span = soup.select_one("td span.trace")
    assert span.select_one("span.detail").get_text() == "15,4 %"
    assert span.select_one(".trace-note").get_text() == "4 / 26 = 15,4 % <x>. Rådata: turnover.csv, rad 14."


def test_plain_keeps_only_the_value_and_attributes_never_hold_markup():
    value = trace.figure("36,8 %", "14 / 38 = 36,8 %", "turnover.csv:9")
    assert trace.plain(f"Bromma {value}.") == "Bromma 36,8 %."
    figure = blocks.Figure(pd.DataFrame(), b"png", f"Linjediagram: {value}.", f"Diagram 1. {value}", "Källa")
    soup = _soup(figure.html())
    assert soup.img["alt"] == "Linjediagram: 36,8 %."
    assert not trace.leftover(figure.html())


def test_many_lines_are_listed_up_to_a_limit_and_counted_per_file():
    lines = list(range(2, 200, 2))
    text = trace.rows_described(lineage.text({"survey_responses.csv": lines, "administrations.csv": [3]}))
    assert text.startswith("Rådata: administrations.csv, rad 3; survey_responses.csv, 99 rader: 2, 4, 6,")
    assert text.endswith(" med flera.")
    assert text.count(",") < 20
    assert trace.rows_described("") == ""


def test_a_figure_without_computation_or_rows_stays_plain_text():
    assert trace.figure("12", "", "") == "12"


def test_each_description_gets_a_unique_id_in_its_page():
    sentence = " ".join(trace.figure(str(n), f"{n} räknat", f"turnover.csv:{n}") for n in range(1, 4))
    page = notebooks.render_page([{"key": "x", "body": blocks.Text(sentence).html(), "headings": []}] * 2,
                                 {"title": "T", "toc": []}, template="page.html.j2")
    ids = re.findall(r'\bid="(trace-\d+)"', page)
    described = re.findall(r'aria-describedby="(trace-\d+)"', page)
    assert len(ids) == 6 and len(set(ids)) == 6 and described == ids


def test_a_marker_outside_a_block_stops_the_page():
    stray = trace.figure("7", "3 + 4", "turnover.csv:5")
    with pytest.raises(ValueError, match="traced figure was not rendered"):
        notebooks.render_page([], {"title": stray, "toc": []}, template="page.html.j2")


def test_print_gets_each_figure_as_its_value_without_descriptions_as_a_reader_of_the_page_sees_it():
    sentence = blocks.Text("Andelen var " + trace.figure("20,4 %", "117 / 573 = 20,4 %", "turnover.csv:2") + " och "
                           + trace.figure(blocks.stacked("4/26", "15,4 %"), "4 / 26", "turnover.csv:14") + ".")
    page = notebooks.render_page([{"key": "x", "body": sentence.html(), "headings": []}], {"title": "T", "toc": []},
                                 template="page.html.j2")
    printed = trace.for_print(page)
    assert not _soup(printed).select(".trace, .trace-note, [aria-describedby]") and "Rådata" not in printed
    shown = _soup(page)
    for note in shown.select(".trace-note"):
        note.decompose()
    assert _soup(printed).body.get_text() == shown.body.get_text(), "print reads as the page without descriptions"
    assert _soup(printed).select_one("span.detail").get_text() == "15,4 %", "a stacked cell keeps its markup"
    assert trace.for_print(printed) == printed


def test_the_pdf_gets_a_diagram_without_the_numbers_print_hides_and_everything_else_as_the_page_has_it():
    frame = pd.DataFrame({"year": [2017, 2018], "rate": [0.2, 0.25]})
    data = pd.DataFrame({"Rörlighet": [trace.figure("20,0 %", "1 / 5", "turnover.csv:3"), "25,0 %"]},
                        index=pd.Index(["2017", "2018"], name="År"))
    figure = blocks.Figure(frame, b"\x89PNG", "Linje som stiger", "Diagram 1. Rörlighet", "Tabell 1", data=data)
    after = blocks.Text("Efter diagrammet: " + trace.figure("25,0 %", "1 / 4", "turnover.csv:4") + ".")
    body = figure.html() + after.html()
    page = notebooks.render_page([{"key": "x", "body": body, "headings": []}], {"title": "T", "toc": []},
                                 template="page.html.j2")
    assert _soup(page).select("figure.diagram details.figure-data table")
    printed = notebooks.for_print(page)
    soup = _soup(printed)
    assert not soup.select("details, .trace-note") and "Siffrorna bakom" not in printed
    assert soup.select_one("figure.diagram img")["alt"] == "Linje som stiger"
    assert "Diagram 1. Rörlighet" in soup.select_one("figure.diagram figcaption").get_text()
    shown = _soup(page)
    for hidden in shown.select("details.figure-data, .trace-note"):
        hidden.decompose()
    assert soup.body.get_text() == shown.body.get_text() != ""
    assert notebooks.for_print(printed) == printed


def test_print_refuses_a_figure_in_a_form_it_does_not_know():
    with pytest.raises(ValueError, match="not in the form"):
        trace.for_print('<p><span class="trace" tabindex="0">7<b>x</b><span class="trace-note">3 + 4</span></p>')


def test_every_number_in_the_reports_tables_and_sentences_is_traced_to_raw_lines_that_hold_it(built_project):
    """Every table cell of the chapters that holds a figure is traced; a sample of traced turnover
    cells is checked against the raw file at the named line."""
    output = built_project / "output"
    soup = _soup((output / "report.html").read_text(encoding="utf-8"))
    untraced = []
    for chapter in soup.select("main section.chapter:not(.provenance)"):
        for cell in chapter.select("td"):
            # labels, not figures: an occasion, a year, a numbered table or alternative, the survey's threshold
            text = re.sub(r"\b((HT|VT)\d{4}|\d{4}|(Tabell|Bilaga|alternativ|punkt) \w+|färre än \d+ svar)\b", "",
                          re.sub(r"»[^«]*«", "", cell.get_text()))  # a quotation from the source is not a figure
            if re.search(r"\d", text) and not cell.select_one(".trace"):
                untraced.append(cell.get_text(" ", strip=True))
    assert not untraced, f"{len(untraced)} table cells with a figure but no trace, e.g. {untraced[:10]}"
    raw = (built_project / "data" / "raw" / "turnover.csv").read_text(encoding="utf-8-sig").splitlines()
    checked = 0
    for span in soup.select("table.turnover span.trace"):
        note = span.select_one(".trace-note").get_text()
        found = re.search(r"Rådata: turnover\.csv, rad (\d+)\.", note)
        if not found:
            continue
        ended, headcount = span.contents[0].strip().split("/")
        cells = raw[int(found.group(1)) - 1].split(",")
        assert ended in cells and headcount in cells, (note, raw[int(found.group(1)) - 1])
        checked += 1
    assert checked > 100
