"""The administration pages' blocks: a table's ``.frame`` is the processed rows it shows, its number the registry's."""
import pandas as pd
import pytest

from pipeline import config
from pipeline.ingest import validation
from pipeline.ingest.schemas import PROFESSIONS
from pipeline.present import administration_views as views
from pipeline.present import blocks, contents
from pipeline.process import administration, compute, survey, turnover


@pytest.fixture(scope="module")
def processed():
    validated, _ = validation.validate_all(config.load())
    return compute.build(validated, config.load())


def _first_page(processed) -> str:
    return administration.pages(processed["administrations"])["name"].iloc[0]


def test_the_turnover_table_and_diagram_show_the_processed_rows_of_the_administration_and_all_districts(processed):
    rows, administrations = processed["turnover"], processed["administrations"]
    name = _first_page(processed)
    reference = turnover.all_districts_name(administrations)
    for profession in views.professions(rows, name):
        block = views.turnover_block(rows, administrations, name, profession, config.load().reference_year)
        figure = next(item for item in block if isinstance(item, blocks.Figure))
        table = next(item for item in block if isinstance(item, blocks.Table))
        expected = rows[(rows["profession"] == profession)
                        & rows["administration"].isin([name, reference])].reset_index(drop=True)
        pd.testing.assert_frame_equal(table.frame, expected)
        pd.testing.assert_frame_equal(figure.frame, expected)
        own = expected[expected["administration"] == name]
        assert len(table.shown) == len(own)
        assert table.caption == contents.caption("administration-turnover-table", profession=profession, name=name)
        assert f"{contents.TURNOVER_SOURCE_TABLE[profession]}." in table.source


def test_the_first_pages_diagrams_are_numbered_from_where_the_registry_pins_them(processed):
    rows, administrations = processed["turnover"], processed["administrations"]
    pages = administration.pages(administrations)
    for page in (0, len(pages) - 1):
        name = pages["name"].iloc[page]
        for part, profession in enumerate(views.professions(rows, name)):
            block = views.turnover_block(rows, administrations, name, profession, config.load().reference_year)
            figure = next(item for item in block if isinstance(item, blocks.Figure))
            number = contents.number("administration-trend", part=part, page=page)
            assert figure.caption.startswith(f"{number}. Personalrörlighet bland {profession} i {name}")


def test_the_facts_table_shows_the_processed_facts_row(processed):
    facts = processed["district_facts"]
    name = facts["administration"].iloc[0]
    block = views.facts(facts, name)
    table = next(item for item in block if isinstance(item, blocks.Table))
    expected = facts[facts["administration"] == name][["administration", *administration.FACT_COLUMNS,
                                                       "approximate"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(table.frame, expected)
    row = expected.iloc[0]
    for column, shown in zip(administration.FACT_COLUMNS, table.shown["Värde"]):
        assert shown.endswith(views.fact_value(column, row[column]))
    assert table.caption == contents.caption("administration-facts-table", name=name)


def test_the_facts_note_names_the_turnover_tables_as_the_registry_numbers_them(processed):
    facts = processed["district_facts"]
    table = next(item for item in views.facts(facts, facts["administration"].iloc[0]) if isinstance(item, blocks.Table))
    numbers = [contents.number(f"turnover-table-{p.replace('å', 'a').replace('ä', 'a')}") for p in PROFESSIONS]
    kind, first = numbers[0].split(" ")
    assert table.source.endswith(f"antalen anställda i {kind} {first} och {numbers[1].split(' ')[1]}.")


def test_an_administration_without_facts_gets_a_sentence(processed):
    block = views.facts(processed["district_facts"], "Äldreförvaltningen")
    assert isinstance(block, blocks.Text) and "Äldreförvaltningen" in block.text


def test_the_survey_table_shows_the_administrations_processed_shares(processed):
    shares = processed["survey_shares"]
    name = _first_page(processed)
    block = views.survey_block(shares, True, name, dict(survey.STATEMENTS), config.load().survey_min_respondents)
    table = next(item for item in block if isinstance(item, blocks.Table))
    expected = shares[(shares["group_type"] == "administration") & (shares["group"] == name)].reset_index(drop=True)
    pd.testing.assert_frame_equal(table.frame, expected)
    assert table.synthetic and table.source == contents.source("administration-survey-table", synthetic=True)
