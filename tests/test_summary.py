"""The Sammanfattning: on the PDF's first two pages, before the table of contents, with the chapters' figures.

The expected figures are computed here from the processed data (rates from ended/headcount, the
survey's pooled share from positive answers/answers, the audit's counts from reconciliation.csv),
not read from the summary's own code, and looked for in the printed pages and in the chapters.
"""
import re
import shutil
import subprocess
from html import unescape

import pandas as pd
import pytest

from pipeline import config, formatting as fmt
from pipeline.present import summary_views

PROFESSIONS = ["biståndshandläggare", "socialsekreterare"]


def _squash(text: str) -> str:
    """Text without any whitespace (line breaks, no-break spaces): a phrase matches however it was wrapped."""
    return re.sub(r"\s+", "", text.replace("\u00a0", " "))


def _plain(html_text: str) -> str:
    """The text a reader reads: traced figures' descriptions (shown only on hover or focus) left out."""
    html_text = re.sub(r'<span[^>]*\bclass="trace-note"[^>]*>.*?</span>', "", html_text)
    html_text = re.sub(r'<span[^>]*\bclass="trace"[^>]*>([^<]*)</span>', r"\1", html_text)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html_text)).split())


def _pdf_pages(pdf, first: int, last: int) -> str:
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext (poppler-utils) is needed to read the PDF's pages"
    return subprocess.run([pdftotext, "-enc", "UTF-8", "-f", str(first), "-l", str(last), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout


def _printed(fraction: float) -> float:
    return fmt.round_half_up(float(fraction) * 100, 1)


def _points_phrase(first: float, last: float) -> str:
    points = fmt.round_half_up(_printed(last) - _printed(first), 1)
    word = "en minskning" if points < 0 else "en ökning"
    return f"{word} med {fmt.number(abs(points), 1)} procentenheter"


@pytest.fixture(scope="module")
def built(built_project):
    import pipeline

    processed = built_project / "data" / "processed"
    html_text = (built_project / "output" / "report.html").read_text(encoding="utf-8")
    summary_html = re.search(r'<section class="summary[^"]*"[^>]*>(.*?)</section>', html_text, re.S).group(1)
    return {
        "root": built_project,
        "load": lambda name: pipeline.load(name, processed),
        "processed": processed,
        "html": html_text,
        "summary_html": summary_html,
        "summary": _plain(summary_html),
        "pages_1_2": _squash(_pdf_pages(built_project / "output" / "report.pdf", 1, 2)),
    }


def _expected_phrases(built) -> dict[str, list[str]]:
    """Chapter key → the figures the summary must state, computed from the processed data."""
    params = config.load()
    phrases: dict[str, list[str]] = {}

    turnover = built["load"]("turnover")
    turnover = turnover.assign(rate=turnover["ended"] / turnover["headcount"])
    total = turnover[turnover["administration_type"] == "all_districts"]
    districts = turnover[(turnover["administration_type"] == "district") & (turnover["headcount"] > 0)]
    last_year = int(total["year"].max())
    phrases["turnover"] = []
    for profession in PROFESSIONS:
        rows = total[total["profession"] == profession].set_index("year")
        first, last = rows.loc[params.reference_year, "rate"], rows.loc[last_year, "rate"]
        phrases["turnover"].append(
            f"bland {profession} i alla stadsdelar gick från {fmt.percent(first)} år {params.reference_year} till "
            f"{fmt.percent(last)} år {last_year}, {_points_phrase(first, last)}.")
        latest = districts[(districts["profession"] == profession) & (districts["year"] == last_year)]
        for row in [latest.loc[latest["rate"].idxmin()], latest.loc[latest["rate"].idxmax()]]:
            phrases["turnover"] += [row["administration"], fmt.percent(row["rate"])]

    consultants = built["load"]("consultants")
    november = consultants[consultants["month"] == "november"].sort_values("year")
    a, b = november.iloc[0], november.iloc[-1]
    change = fmt.number(abs(b["consultants"] - a["consultants"]) / a["consultants"] * 100)
    phrases["consultants"] = [f"från {a['consultants']} i november {a['year']} till {b['consultants']} i november "
                              f"{b['year']}", f"med {change} procent"]

    respondents = built["load"]("researcher_respondents")
    totals = built["load"]("researcher_point_totals")
    answered = respondents.loc[respondents["dimension"] == "area", "count"].sum()
    phrases["researcher"] = [f"besvarades av {fmt.number(answered)} personer"]
    for question in ["kommit_langst", "storsta_behov"]:
        rows = totals[(totals["question"] == question) & ~totals["point"].isin(["övrigt", "ej_svar"])]
        top = rows.loc[rows["mentions"].idxmax()]
        phrases["researcher"].append(f"punkt {top['point']}, {top['label'][0].lower()}{top['label'][1:]} "
                                     f"({top['mentions']} gånger)")

    shares = built["load"]("survey_shares")
    city = shares[(shares["group_type"] == "city") & ~shares["suppressed"].astype(bool)].copy()
    city["positive"] = (city["positive_share"] * city["n"]).round()
    pooled = city.groupby("occasion")[["positive", "n"]].sum()
    order = sorted(pooled.index, key=lambda o: (int(o[2:]), o.startswith("HT")))
    first, last = (pooled.loc[o, "positive"] / pooled.loc[o, "n"] for o in (order[0], order[-1]))
    words = {"HT": "hösten", "VT": "våren"}
    phrases["survey"] = [f"från {fmt.percent(first)} {words[order[0][:2]]} {order[0][2:]} till {fmt.percent(last)} "
                         f"{words[order[-1][:2]]} {order[-1][2:]}, {_points_phrase(first, last)}."]

    reconciliation = pd.read_csv(built["root"] / "output" / "audit" / "reconciliation.csv")
    status = reconciliation["status"].value_counts()
    phrases["audit"] = [f"Av de {fmt.number(len(reconciliation))} publicerade uppgifterna",
                        f"avviker {fmt.number(status.get('mismatch', 0))} från rapportens egna tabeller",
                        "se avsnittet Avstämning mot den publicerade rapporten"]
    return phrases


def test_the_summary_fills_the_first_pages_before_the_table_of_contents(built):
    pages = built["pages_1_2"]
    page_1 = _squash(_pdf_pages(built["root"] / "output" / "report.pdf", 1, 1))
    assert _squash(config.load().title) in page_1, "the title block opens page 1"
    assert "Sammanfattning" in page_1, "the summary starts on page 1, right under the title"
    first_paragraph = re.search(r'<p class="summary-point">.*?</p>', built["summary_html"], re.S).group(0)
    first_paragraph = _squash(_plain(first_paragraph))
    assert first_paragraph[:80] in page_1
    last_sentence = _squash(built["summary"])[-120:]
    assert last_sentence in pages, "the summary ends on page 2 at the latest"
    assert "Innehåll" not in pages.split(last_sentence)[0], "the table of contents comes after the summary"
    html_text = built["html"]
    assert html_text.index('class="title-page"') < html_text.index('class="summary') < html_text.index('class="toc"')


def test_every_summary_figure_is_on_pages_1_2_and_equals_the_processed_data(built):
    missing = [f"{key}: {phrase}" for key, phrases in _expected_phrases(built).items() for phrase in phrases
               if _squash(phrase) not in built["pages_1_2"]]
    assert not missing, "figures missing from the summary on pages 1–2:\n" + "\n".join(missing)


def test_the_chapters_print_the_same_figures_as_the_summary(built):
    """The percentages and counts the summary states appear in the chapter it links to."""
    chapters = re.split(r'<section class="chapter ', built["html"])
    by_key = {match.group(1): _plain(part) for part in chapters[1:] if (match := re.match(r"chapter-([\w-]+)", part))}
    for key, phrases in _expected_phrases(built).items():
        if key == "consultants":  # the counts; the chapter computes its change from the first count of all
            phrases = phrases[:1]
        text = " ".join(phrases).replace("\u00a0", " ")
        if key in ("audit", "consultants"):  # counts
            figures = [n for n in re.findall(r"(?<![\d,])\d+(?![\d,])", text) if not re.fullmatch(r"20\d\d", n)]
        else:  # percentages and mentions
            figures = re.findall(r"\d+,\d %|\d+ gånger", text)
        assert figures, key
        chapter = by_key[key].replace("\u00a0", " ")
        absent = [f for f in figures if not re.search(rf"(?<![\d,]){re.escape(f)}(?![\d,])", chapter)]
        assert not absent, f"{key}: the summary's {absent} are not in the chapter"


def test_the_survey_sentence_says_the_data_are_synthetic(built):
    from pipeline.process import survey

    sentence = next(s for s in re.split(r"(?<=\.) ", built["summary"]) if "medarbetarenkäten" in s)
    assert ("syntetiska demonstrationsdata" in sentence.lower()) == survey.is_synthetic(built["processed"])
    assert survey.is_synthetic(built["processed"]), "the committed survey data are the synthetic demo"
    assert _squash(sentence) in built["pages_1_2"]


def test_the_summary_links_lead_to_the_chapters_it_names(built):
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', built["summary_html"])
    assert {text for _, text in links} >= set(summary_views.CHAPTERS.values())
    headings = {ident: _plain(text) for ident, text in re.findall(r'<h2 id="([^"]+)">(.*?)</h2>', built["html"], re.S)}
    wrong = [(target, text) for target, text in links if headings.get(target) != text]
    assert not wrong, f"links that do not reach the chapter they name: {wrong}"


def test_no_summary_sentence_starts_with_a_digit_or_sets_two_numbers_side_by_side(built):
    text = built["summary"].replace("\u00a0", " ")
    sentences = re.split(r"(?<=[.;:]) ", text)
    assert not [s for s in sentences if s[:1].isdigit()]
    assert not re.findall(r"\d+ (?:19|20)\d\d\b", text)


# ----------------------------------------------------------------------------- without a build

def test_a_change_in_points_is_the_difference_of_the_printed_rates():
    # 27,7 % and 20,4 % as printed: 7,3 points, although the unrounded rates differ by 7,4
    assert summary_views.change_in_points(0.27749, 0.20351) == -7.3
    assert summary_views.change_clause(0.27749, 0.20351) == ", en minskning med 7,3\u00a0procentenheter"
    assert summary_views.change_clause(0.1004, 0.0996) == ""
    assert summary_views.change_in_percent(100, 34) == 66


def test_the_summary_follows_the_data_to_a_later_year():
    """One more year of turnover and a later November count: the summary names them, and no year is typed."""
    administrations = pd.DataFrame({"name": ["Stadsdelar total", "Bromma", "Skärholmen"],
                                    "type": ["all_districts", "district", "district"], "table_order": [3, 1, 2]})
    cells = {("Bromma", 2030): 8, ("Skärholmen", 2030): 12, ("Bromma", 2031): 2, ("Skärholmen", 2031): 10}
    raw = pd.DataFrame([
        {"profession": p, "administration": a, "year": y, "headcount": 40,
         "ended": 0 if (p, a, y) == ("biståndshandläggare", "Bromma", 2031) else e}
        for p in PROFESSIONS for (a, y), e in cells.items()])
    from pipeline.process import turnover

    processed = turnover.tidy(raw, administrations)
    text = _plain(summary_views.turnover_paragraph(processed, administrations, 2030).html()).replace("\u00a0", " ")
    assert ("bland socialsekreterare i alla stadsdelar gick från 25,0 % år 2030 till 15,0 % år 2031, en minskning "
            "med 10,0 procentenheter") in text
    assert "År 2031 var rörligheten bland socialsekreterare lägst i Bromma med 2 av 40 (5,0 %) och högst" in text
    assert ("År 2031 var rörligheten bland biståndshandläggare lägst i Bromma, där ingen av 40 slutade, och "
            "högst i Skärholmen med 10 av 40 (25,0 %).") in text
    rows = pd.DataFrame({"year": [2030, 2030, 2031], "month": ["april", "november", "november"],
                         "consultants": [50, 40, 30]})
    text = _plain(summary_views.consultants_paragraph(rows).html())
    assert "från 40 i november 2030 till 30 i november 2031, en minskning med 25 procent" in text


def test_the_summary_traces_its_figures_as_the_chapters_do():
    """A figure the summary shares with a chapter carries the chapter's description and raw rows."""
    from pipeline.ingest import validation
    from pipeline.present import researcher_views, survey_views, trace
    from pipeline.process import compute, survey

    processed = compute.build(validation.validate_all(config.load())[0], config.load())
    shares = processed["survey_shares"]
    pooled = survey.all_statements(shares, "city")
    text = summary_views.survey_paragraph(shares, True).text
    for row in (pooled.iloc[0], pooled.iloc[-1]):
        assert survey_views.pooled_share(shares, row, "city", True) in text
    assert "survey_responses.csv är syntetiska demonstrationsdata" in text
    respondents = processed["researcher_respondents"]
    text = summary_views.researcher_paragraph(respondents, processed["researcher_point_totals"]).text
    assert researcher_views.respondents_total(respondents[respondents["dimension"] == "area"]) in text
    rows = processed["consultants"]
    text = summary_views.consultants_paragraph(rows).text
    november = rows[rows["month"] == "november"].sort_values("year")
    assert f"consultants.csv:{november['raw_rows'].iloc[0].split(':')[1]}" in text
    assert trace.plain(text) != text and trace.OPEN not in trace.plain(text)
