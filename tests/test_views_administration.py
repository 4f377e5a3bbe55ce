"""The administration pages' blocks: a table's ``.frame`` is the processed rows it shows, its number the registry's,
the published report's diagram numbers stand, and the sentences follow the report's conventions."""
import re

import pandas as pd
import pytest

from pipeline import config
from pipeline import formatting as fmt
from pipeline.ingest import validation
from pipeline.ingest.schemas import PROFESSIONS
from pipeline.present import administration_views as views
from pipeline.present import blocks, charts, contents, trace
from pipeline.process import administration, compute, survey, turnover


@pytest.fixture(scope="module")
def processed():
    validated, _ = validation.validate_all(config.load())
    return compute.build(validated, config.load())


def _first_page(processed) -> str:
    return administration.pages(processed["administrations"])["name"].iloc[0]


def _section(processed, name) -> blocks.Group:
    return views.turnover_section(processed["turnover"], processed["administrations"], name,
                                  config.load().reference_year)


def _figures(section) -> list[blocks.Figure]:
    return [item for box in section if isinstance(box, blocks.Box) for item in box if isinstance(item, blocks.Figure)]


def _table(section) -> blocks.GroupedTable:
    return next(item for item in section if isinstance(item, blocks.GroupedTable))


def _traced(text: str) -> list[tuple[str, str, str]]:
    """(value, how, raw rows) of each traced figure in ``text``, in order."""
    return re.findall(f"{trace.OPEN}([^{trace.SEP}]*){trace.SEP}([^{trace.SEP}]*){trace.SEP}([^{trace.CLOSE}]*)"
                      f"{trace.CLOSE}", text)


def _quotient(how: str) -> tuple[int, int, str]:
    """'… 337 / 1 075 = 31,3 %' → (337, 1075, '31,3 %'): the figures a calculator redoes."""
    numerator, denominator, shown = re.search(r"([\d\xa0]+) / ([\d\xa0]+) = ([\d,]+\xa0%)", how).groups()
    return int(numerator.replace("\xa0", "")), int(denominator.replace("\xa0", "")), shown


def _plain(cells) -> list[str]:
    return [trace.plain(cell) for cell in cells]


def _text(block) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", block.html()))


def test_the_page_has_one_table_for_both_professions_holding_the_processed_rows(processed):
    rows, administrations = processed["turnover"], processed["administrations"]
    name = _first_page(processed)
    reference = turnover.all_districts_name(administrations)
    table = _table(_section(processed, name))
    expected = rows[rows["administration"].isin([name, reference])].reset_index(drop=True)
    pd.testing.assert_frame_equal(table.frame, expected)
    assert table.caption == contents.caption("administration-turnover-table", name=name,
                                             profession="biståndshandläggare och socialsekreterare")
    assert table.source.startswith("Stadsledningskontoret") and "Tabell 1 och 2." in table.source
    assert list(table.shown.index) == [str(y) for y in sorted(expected["year"].unique())]
    for profession in PROFESSIONS:
        own = turnover.series(rows, profession, name)
        theirs = turnover.series(rows, profession, reference)
        group = profession.capitalize()
        assert _plain(table.shown[(group, "Slutat/anställda")]) == [f"{e}/{h}" for e, h in
                                                                    zip(own["ended"], own["headcount"])]
        assert _plain(table.shown[(group, "Rörlighet")]) == [fmt.percent(r) for r in own["rate"]]
        assert _plain(table.shown[(group, "Alla stadsdelar")]) == [fmt.percent(r) for r in theirs["rate"]]


def test_every_figure_of_the_turnover_table_names_its_raw_rows_and_how_a_calculator_redoes_it(processed):
    rows, administrations = processed["turnover"], processed["administrations"]
    name = _first_page(processed)
    table = _table(_section(processed, name))
    for profession in PROFESSIONS:
        group = profession.capitalize()
        for column, whose in [("Slutat/anställda", name), ("Rörlighet", name),
                              ("Alla stadsdelar", turnover.all_districts_name(administrations))]:
            series = turnover.series(rows, profession, whose)
            for cell, (_, row) in zip(table.shown[(group, column)], series.iterrows()):
                ((value, how, raw),) = _traced(cell)
                assert raw == row["raw_rows"] and raw, (column, row["year"])
                if column == "Slutat/anställda":
                    assert value == f"{row['ended']}/{row['headcount']}"
                else:
                    ended, headcount, shown = _quotient(how)
                    assert (ended, headcount) == (row["ended"], row["headcount"])
                    assert shown == value == fmt.percent(ended / headcount)


def test_the_table_heads_each_profession_once_over_its_three_columns(processed):
    html = _table(_section(processed, _first_page(processed))).html()
    groups = re.findall(r'<th scope="colgroup" colspan="(\d)">([^<]+)</th>', html)
    assert groups == [("3", "Biståndshandläggare"), ("3", "Socialsekreterare")]
    assert re.findall(r'<th scope="col">([^<]+)</th>', html) == ["År"] + ["Slutat/anställda", "Rörlighet",
                                                                          "Alla stadsdelar"] * 2


def test_each_diagram_shows_the_processed_rows_of_its_profession_beside_all_districts(processed, monkeypatch):
    drawn = []
    monkeypatch.setattr(charts, "rate_panel", lambda years, lines, top=None: drawn.append((lines, top)) or b"png")
    rows, administrations = processed["turnover"], processed["administrations"]
    name = _first_page(processed)
    figures = _figures(_section(processed, name))
    assert [f.frame["profession"].unique().tolist() for f in figures] == [[p] for p in PROFESSIONS]
    for figure, profession in zip(figures, PROFESSIONS):
        expected = rows[(rows["profession"] == profession) & rows["administration"].isin(
            [name, turnover.all_districts_name(administrations)])].reset_index(drop=True)
        pd.testing.assert_frame_equal(figure.frame, expected)
        assert figure.data.index.tolist() == [str(y) for y in sorted(expected["year"].unique())]
    assert [[line["label"] for line in lines] for lines, _ in drawn] == [[name, "Alla stadsdelar"]] * 2
    tops = {top for _, top in drawn}
    assert tops == {float(rows.loc[rows["administration"].isin([name, turnover.all_districts_name(administrations)]),
                                   "rate"].max())}, "both panels share one scale"


def test_a_districts_diagrams_are_lettered_as_the_published_report_prints_them(processed):
    pages = administration.pages(processed["administrations"])
    for page in (0, len(pages[pages["type"] == "district"]) - 1):
        name = pages["name"].iloc[page]
        figures = _figures(_section(processed, name))
        for part, (figure, profession) in enumerate(zip(figures, ["biståndshandläggare", "socialsekreterare"])):
            number = contents.number("administration-trend", part=part, page=page)
            assert figure.caption.startswith(f"{number}. Personalrörlighet bland {profession} i {name}, ")
            assert "publicerade rapporten" not in figure.caption


def test_socialforvaltningens_a_diagram_is_socialsekreterare_as_published_and_b_says_it_is_added(processed):
    administrations = processed["administrations"]
    page = administration.page_index(administrations, "Socialförvaltningen")
    first, second = _figures(_section(processed, "Socialförvaltningen"))
    assert first.caption.startswith(f"{contents.number('administration-trend', part=0, page=page)}. "
                                    "Personalrörlighet bland socialsekreterare på socialförvaltningen, ")
    assert "publicerade rapporten" not in first.caption
    assert second.caption.startswith(f"{contents.number('administration-trend', part=1, page=page)}. "
                                     "Personalrörlighet bland biståndshandläggare på socialförvaltningen, ")
    assert second.caption.endswith("Den publicerade rapporten har inget sådant diagram; det är tillagt här.")
    table = _table(_section(processed, "Socialförvaltningen"))
    assert table.shown.columns.get_level_values(0).unique().tolist() == ["Socialsekreterare", "Biståndshandläggare"]


def test_aldreforvaltningen_absent_from_the_published_report_gets_its_one_diagram_marked_as_added(processed):
    (figure,) = _figures(_section(processed, "Äldreförvaltningen"))
    assert "Personalrörlighet bland biståndshandläggare på äldreförvaltningen" in figure.caption
    assert figure.caption.endswith("Äldreförvaltningen har inget eget avsnitt i den publicerade rapporten; "
                                   "diagrammet är tillagt här.")


def test_the_published_diagrams_are_declared_for_every_page_the_report_has(processed):
    administrations = processed["administrations"]
    for page in administration.pages(administrations).itertuples():
        published = administration.published_diagrams(administrations, page.name)
        if page.type == "district":
            assert published == ("biståndshandläggare", "socialsekreterare"), page.name
    assert administration.published_diagrams(administrations, "Socialförvaltningen") == ("socialsekreterare",)
    assert administration.published_diagrams(administrations, "Äldreförvaltningen") == ()
    assert administration.diagram_order(administrations, list(PROFESSIONS), "Socialförvaltningen") == [
        ("socialsekreterare", True), ("biståndshandläggare", False)]


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def test_the_sentences_follow_the_reports_conventions_on_every_page(processed):
    rows, administrations = processed["turnover"], processed["administrations"]
    for page in administration.pages(administrations).itertuples():
        texts = [trace.plain(item.text) for item in _section(processed, page.name) if isinstance(item, blocks.Text)]
        assert texts, page.name
        for text in texts:
            for sentence in _sentences(text):
                assert not sentence[0].isdigit(), (page.name, sentence)
            assert "vissa år" not in text and not re.search(r"\b0 av \d", text), (page.name, text)
            assert not re.search(r"\d av \d+ \d{4}", text), (page.name, text)
            where = f"i {page.name}" if page.type == "district" else f"på {page.name[0].lower()}{page.name[1:]}"
            assert where in text, (page.name, text)
        for profession in views.professions(rows, page.name):
            last = turnover.series(rows, profession, page.name).iloc[-1]
            if last["ended"] > 0 and last["headcount"] > 1:
                claimed = (f"År {last['year']} slutade {last['ended']} av {last['headcount']} tillsvidareanställda "
                           f"{profession} {views.place(administrations, page.name)} "
                           f"({fmt.percent(last['ended'] / last['headcount'])})")
                assert any(claimed in text for text in texts), (page.name, profession)


def test_zero_and_one_employees_are_said_in_words(processed):
    rows, administrations = processed["turnover"], processed["administrations"]
    last = turnover.series(rows, "biståndshandläggare", "Äldreförvaltningen").iloc[-1]
    assert (last["ended"], last["headcount"]) == (0, 1)
    sentence = views.last_year_sentence(rows, administrations, "Äldreförvaltningen", "biståndshandläggare")
    assert sentence.startswith(f"År {last['year']} fanns en enda tillsvidareanställd biståndshandläggare "
                               "på äldreförvaltningen, och ingen slutade under året.")
    last = turnover.series(rows, "biståndshandläggare", "Socialförvaltningen").iloc[-1]
    assert last["ended"] == 0 and last["headcount"] > 1
    sentence = trace.plain(views.last_year_sentence(rows, administrations, "Socialförvaltningen",
                                                    "biståndshandläggare"))
    assert f"slutade ingen av de {last['headcount']} tillsvidareanställda biståndshandläggarna" in sentence


def test_small_groups_name_all_years_or_only_the_few():
    assert views._years_phrase([2013, 2014, 2015], 3) == "alla år"
    assert views._years_phrase([2018], 6) == "år 2018"
    assert views._years_phrase([2013, 2014], 6) == "åren 2013 och 2014"
    assert views._years_phrase([2013, 2014, 2015, 2016], 6) == "fyra av sex år"


def test_the_chapter_shows_the_facts_as_the_sentence_and_the_page_also_as_the_processed_table(processed):
    facts = processed["district_facts"]
    name = facts["administration"].iloc[0]
    block = views.facts(facts, name, processed["administrations"])
    sentence = next(item for item in block if isinstance(item, blocks.Text))
    assert sentence.text.startswith(f"I {name} bor ")
    assert not any(s[0].isdigit() for s in _sentences(sentence.text))
    (report_only,) = [item for item in block if isinstance(item, blocks.Box) and item.css == "report-only"]
    (page_only,) = [item for item in block if isinstance(item, blocks.Box) and item.css == "page-only"]
    table = next(iter(page_only))
    expected = facts[facts["administration"] == name][["administration", *administration.FACT_COLUMNS,
                                                       "approximate"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(table.frame, expected)
    row = expected.iloc[0]
    for column, shown in zip(administration.FACT_COLUMNS, table.shown["Värde"]):
        assert trace.plain(shown).endswith(views.fact_value(column, row[column]))
        assert shown in sentence.text, column
        ((value, how, raw),) = _traced(shown)
        assert raw == facts["raw_rows"].iloc[0] and raw.startswith("district_facts.csv:")
        assert "som den tryckta rapporten anger det" in how and "ingen beräkning" in how
    assert table.caption == contents.caption("administration-facts-table", name=name)
    assert _text(report_only).strip() == f"Källa: {table.source}"
    assert '<div class="page-only">' in block.html() and '<div class="report-only">' in block.html()


def test_the_facts_note_names_the_turnover_tables_as_the_registry_numbers_them(processed):
    facts = processed["district_facts"]
    block = views.facts(facts, facts["administration"].iloc[0])
    table = next(item for box in block if isinstance(box, blocks.Box) for item in box if isinstance(item, blocks.Table))
    numbers = [contents.number(f"turnover-table-{p.replace('å', 'a').replace('ä', 'a')}") for p in PROFESSIONS]
    kind, first = numbers[0].split(" ")
    assert table.source.endswith(f"antalen anställda i {kind} {first} och {numbers[1].split(' ')[1]}.")


def test_an_administration_without_facts_gets_a_sentence(processed):
    block = views.facts(processed["district_facts"], "Äldreförvaltningen", processed["administrations"])
    assert isinstance(block, blocks.Text)
    assert block.text == "Rapporten redovisar inga befolknings- eller personaluppgifter för äldreförvaltningen."


def test_the_survey_table_shows_the_administrations_processed_shares_labelled_synthetic(processed):
    shares = processed["survey_shares"]
    name = _first_page(processed)
    block = views.survey_block(shares, True, name, dict(survey.STATEMENTS), config.load().survey_min_respondents,
                               processed["administrations"])
    table = next(item for item in block if isinstance(item, blocks.Table))
    expected = shares[(shares["group_type"] == "administration") & (shares["group"] == name)].reset_index(drop=True)
    pd.testing.assert_frame_equal(table.frame, expected)
    assert table.synthetic and table.source == contents.source("administration-survey-table", synthetic=True)
    assert blocks.SYNTHETIC_LABEL in table.html()
    first = expected.iloc[0]
    assert trace.plain(table.shown.iloc[0, 0]) == f"{fmt.percent(first['positive_share'])} ({first['n']})"
    (share, how, raw), (answers, counted, raw_answers) = _traced(table.shown.iloc[0, 0])
    positive, n, shown = _quotient(how)
    assert n == first["n"] and shown == share == fmt.percent(positive / n)
    assert raw == raw_answers == first["raw_rows"] and answers == str(first["n"])
    assert "räknade bland mättillfällets rader i rådata" in counted
    assert "survey_responses.csv är syntetiska demonstrationsdata" in how and "syntetiska" in counted


def test_the_survey_caption_places_a_central_administration_with_pa(processed):
    shares = processed["survey_shares"]
    block = views.survey_block(shares, False, "Socialförvaltningen", dict(survey.STATEMENTS),
                               config.load().survey_min_respondents, processed["administrations"])
    table = next(item for item in block if isinstance(item, blocks.Table))
    assert table.caption.startswith("Andel positiva svar på socialförvaltningen per mättillfälle")
    assert not table.synthetic and blocks.SYNTHETIC_LABEL not in table.html()


def test_the_plain_text_a_notebook_keeps_reads_as_the_page_does(processed):
    """``text/plain``, kept beside the HTML in every executed notebook: the sentences, captions, text alternatives
    and tables as a reader reads them, no traced figure's markers, no PNG bytes; synthetic data said so."""
    from IPython.core.formatters import PlainTextFormatter

    name = _first_page(processed)
    section = _section(processed, name)
    plain = PlainTextFormatter()(section)
    assert len(plain) < 10_000 and "PNG" not in plain
    assert not re.search(f"[{trace.OPEN}{trace.SEP}{trace.CLOSE}<>]", plain)
    for sentence in [item for item in section if isinstance(item, blocks.Text)]:
        assert trace.plain(sentence.text) in plain
    for figure in _figures(section):
        assert figure.caption in plain and f"[Diagram: {trace.plain(figure.alt)}]" in plain
    table = _table(section)
    assert table.caption in plain
    last = next(line for line in plain.splitlines() if line.startswith(str(table.shown.index[-1])))
    for cell in table.shown.iloc[-1]:
        assert all(word in last for word in re.sub(r"<[^>]+>", " ", trace.plain(cell)).split()), (cell, last)

    survey_table = next(item for item in views.survey_block(
        processed["survey_shares"], True, name, dict(survey.STATEMENTS), config.load().survey_min_respondents,
        processed["administrations"]) if isinstance(item, blocks.Table))
    assert PlainTextFormatter()(survey_table).startswith(f"[{blocks.SYNTHETIC_LABEL}]\n")
