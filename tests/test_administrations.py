"""One page per administration: the figures on it are the processed ones."""
import re
import subprocess
from html import unescape

import pytest
from bs4 import BeautifulSoup

import pipeline
from conftest import run_pipeline
from pipeline.present import administration_views, contents
from pipeline.process import administration
from pipeline import formatting as fmt


def _text(path) -> str:
    """The page's visible text, tags removed, entities resolved; a traced figure read as its value, without the
    description shown on hover."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    for note in soup.select("span.trace-note"):
        note.decompose()
    for figure in soup.select("span.trace"):
        figure.unwrap()
    return unescape(re.sub(r"<[^>]+>", " ", str(soup)))


@pytest.fixture(scope="module")
def processed(built_project):
    directory = built_project / "data" / "processed"
    return {name: pipeline.load(name, directory) for name in ["administrations", "turnover", "district_facts"]}


def test_every_administration_has_an_html_and_a_pdf_page_linked_from_the_index(built_project, processed):
    pages = administration.pages(processed["administrations"])
    assert len(pages) == 16
    directory = built_project / "output" / "administrations"
    index = (directory / "index.html").read_text(encoding="utf-8")
    for page in pages.itertuples():
        assert (directory / f"{page.slug}.html").is_file(), page.slug
        assert (directory / f"{page.slug}.pdf").read_bytes().startswith(b"%PDF"), page.slug
        assert f'href="{page.slug}.html"' in index and f'href="{page.slug}.pdf"' in index
    assert index.count("<img ") == 16


def _check_turnover_figures(text: str, rows, name: str, professions: list[str], where: str):
    for profession in professions:
        own = rows[(rows["administration"] == name) & (rows["profession"] == profession)].sort_values("year")
        assert not own.empty
        for row in own.itertuples():
            assert f"{row.ended}/{row.headcount}" in text, (name, profession, row.year)
            if row.headcount > 0:
                assert fmt.percent(row.rate) in text, (name, profession, row.year)
        last = own.iloc[-1]
        if last["ended"] > 0 and last["headcount"] > 1:
            assert (f"År {last['year']} slutade {fmt.number(last['ended'])} av {fmt.number(last['headcount'])} "
                    f"tillsvidareanställda {profession} {where}") in text


def test_a_district_page_shows_both_professions_as_in_processed_data(built_project, processed):
    text = _text(built_project / "output" / "administrations" / "skarpnack.html")
    _check_turnover_figures(text, processed["turnover"], "Skarpnäck", ["biståndshandläggare", "socialsekreterare"],
                            "i Skarpnäck")
    page = administration.page_index(processed["administrations"], "Skarpnäck")
    for part in (0, 1):
        assert f"{contents.number('administration-trend', part=part, page=page)}. " in text


def test_aldreforvaltningen_shows_only_the_profession_it_has(built_project, processed):
    rows = processed["turnover"]
    assert rows[(rows["administration"] == "Äldreförvaltningen") & (rows["profession"] == "socialsekreterare")].empty
    text = _text(built_project / "output" / "administrations" / "aldreforvaltningen.html")
    _check_turnover_figures(text, rows, "Äldreförvaltningen", ["biståndshandläggare"], "på äldreförvaltningen")
    assert "Socialsekreterare" not in text.split("Personalomsättning")[1].split("Medarbetarenkäten")[0]
    assert "Rapporten redovisar inga befolknings- eller personaluppgifter för äldreförvaltningen" in text
    assert "fanns en enda tillsvidareanställd biståndshandläggare på äldreförvaltningen" in text


def test_the_facts_of_district_facts_csv_are_the_ones_shown_on_each_page(built_project, processed):
    pages = administration.pages(processed["administrations"]).set_index("name")
    for facts in processed["district_facts"].to_dict("records"):
        text = _text(built_project / "output" / "administrations" / f"{pages.loc[facts['administration'], 'slug']}.html")
        for column in administration.FACT_COLUMNS:
            assert administration_views.fact_value(column, facts[column]) in text, (facts["administration"], column)


def test_the_report_holds_every_administration_chapter_in_the_reports_order(built_project, processed):
    page = (built_project / "output" / "report.html").read_text(encoding="utf-8")
    positions = [page.index(f'id="admin-{slug}-') for slug in administration.pages(processed["administrations"])["slug"]]
    assert positions == sorted(positions)
    assert page.index("Arbetet i förvaltningarna") < positions[0]


def _pdf_pages(path) -> list[str]:
    """The PDF's pages as text, each on one line."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return [" ".join(page.split()) for page in text.split("\f")]


def test_each_administration_fills_exactly_one_page_of_the_report_pdf(built_project, processed):
    """Its heading, diagrams, table and survey, down to the survey's source line, on the page its heading opens."""
    pages = _pdf_pages(built_project / "output" / "report.pdf")
    administrations = processed["administrations"]
    opened = []
    for page in administration.pages(administrations).itertuples():
        found = [i for i, text in enumerate(pages) if text.startswith(f"{page.name} ")]
        assert len(found) == 1, (page.name, found)
        text = pages[found[0]]
        where = administration_views.place(administrations, page.name)
        assert re.search(rf"Personalrörlighet bland [a-zäå ]+ {where} per år\.", text), page.name
        # the chapter's last words: the survey table's source line, or the sentence saying there are no answers
        sources = [contents.source("administration-survey-table", synthetic=s).split("Rådata: ")[-1] for s in (1, 0)]
        last = sources if "Andel positiva svar" in text else ["Det finns inga enkätsvar"]
        assert any(words in text for words in last), f"{page.name}: the page does not hold the whole chapter"
        opened.append(found[0])
    assert opened == list(range(opened[0], opened[0] + len(opened))), "one page each, in the report's order"


def test_the_report_shows_a_districts_facts_as_the_sentence_and_its_own_page_also_as_a_table(built_project):
    report = " ".join(_pdf_pages(built_project / "output" / "report.pdf"))
    page = " ".join(_pdf_pages(built_project / "output" / "administrations" / "bromma.pdf"))
    for text in (report, page):
        assert "I Bromma bor 79 355 stockholmare, varav 24,5 % är under 20 år" in text
    assert "Fakta om Bromma." not in report
    assert "Fakta om Bromma." in page


def test_an_unknown_administration_fails_listing_the_valid_names(built_project):
    result = run_pipeline(built_project, "administration", "Skarpnäk")
    assert result.returncode != 0
    assert "unknown administration 'Skarpnäk'" in result.stderr
    assert "did you mean 'Skarpnäck'" in result.stderr
    assert "Äldreförvaltningen" in result.stderr and "Bromma" in result.stderr


def test_one_page_can_be_rebuilt_alone(built_project):
    target = built_project / "output" / "administrations" / "skarpnack.html"
    before = target.read_bytes()
    result = run_pipeline(built_project, "administration", "Skarpnäck")
    assert result.returncode == 0, result.stderr
    assert target.read_bytes() == before, "the same inputs must give the same page"
