"""raw_rows: every processed row names the raw file and lines it was computed from, and they hold its values."""
import csv
import io

import pandas as pd
import pytest

import pipeline
from pipeline.ingest import rawio, schemas, survey_export
from pipeline.process import datasets, lineage


# ----------------------------------------------------------------------------- the text

def test_lines_are_sorted_deduplicated_and_ranged():
    assert lineage.text({"turnover.csv": [20, 16, 14, 15, 15]}) == "turnover.csv:14-16,20"
    assert lineage.text({"a.csv": [7]}) == "a.csv:7"
    assert lineage.text({"a.csv": [1, 2, 4, 5, 7]}) == "a.csv:1-2,4-5,7"


def test_files_are_joined_in_name_order_and_empty_parts_vanish():
    assert lineage.text({"turnover.csv": [3], "published_claims.csv": [12, 13]}) == \
        "published_claims.csv:12-13; turnover.csv:3"
    assert lineage.text({}) == ""
    assert lineage.text({"a.csv": []}) == ""
    assert lineage.text({"a.csv": [], "b.csv": [2]}) == "b.csv:2"


@pytest.mark.parametrize("parts", [
    {"turnover.csv": [14, 15, 16, 20]},
    {"published_claims.csv": [2], "turnover.csv": [2, 8, 14, 199]},
    {"enkät export 2019:1.xlsx": [2, 3, 4, 10]},  # a colon in a name is kept: the last ':' ends it
    {},
])
def test_parse_is_the_inverse_of_text(parts):
    written = lineage.text(parts)
    assert lineage.parse(written) == {name: sorted(set(lines)) for name, lines in parts.items() if lines}
    assert lineage.text(lineage.parse(written)) == written


def test_parse_lists_every_line_and_reads_an_empty_cell_as_nothing():
    assert lineage.parse("turnover.csv:14-16,20") == {"turnover.csv": [14, 15, 16, 20]}
    assert lineage.parse("") == {} and lineage.parse(None) == {} and lineage.parse(float("nan")) == {}
    for broken in ["turnover.csv", "turnover.csv:", ":3", "a.csv:5-3", "a.csv:x"]:
        with pytest.raises(ValueError):
            lineage.parse(broken)


def test_merge_is_the_union_and_count_counts_distinct_rows():
    merged = lineage.merge("turnover.csv:2-4", "turnover.csv:4-6,9", "published_claims.csv:12", "")
    assert merged == "published_claims.csv:12; turnover.csv:2-6,9"
    assert lineage.count(merged) == 7
    assert lineage.merge() == "" and lineage.count("") == 0
    assert lineage.merge("a.csv:3") == "a.csv:3"


def test_lines_start_at_one_and_names_hold_no_separator():
    with pytest.raises(ValueError):
        lineage.text({"a.csv": [0]})
    with pytest.raises(ValueError):
        lineage.text({"a; b.csv": [1]})


# ----------------------------------------------------------------------------- line numbers as an editor shows them

def _physical_lines(data: bytes) -> list[str]:
    """The file's lines as a text editor numbers them (index 0 = line 1)."""
    return data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n").split("\n")


def test_bom_crlf_and_a_value_over_two_lines_keep_each_row_on_its_editor_line():
    spec = schemas.BY_NAME["action_plan_points"]
    data = ("\ufeffpoint,label,source\r\n"
            "1,\"Brukardelaktighet\r\noch återkoppling\",\"003, x\"\r\n"
            "\r\n"
            "2,Introduktion,\"003, y\"\r\n").encode("utf-8")
    table = rawio.read_text_table(spec, spec.filename, data)
    assert table[rawio.LINE].tolist() == [2, 5], "a row is numbered by the line it begins on"
    texts = lineage.per_row(table, spec.filename)
    assert texts == ["action_plan_points.csv:2", "action_plan_points.csv:5"]
    lines = _physical_lines(data)
    for text, point in zip(texts, ["1", "2"]):
        (line,) = lineage.parse(text)[spec.filename]
        assert lines[line - 1].startswith(f"{point},")


def test_a_mapped_survey_export_keeps_each_record_on_its_line_in_the_export():
    export = ("Tillfälle;Id\r\n"
              "HT2016;\"R1\r\nwith a break\"\r\n"
              "HT2016;R2\r\n").encode("utf-8")
    mapping = {"columns": {"Tillfälle": "occasion", "Id": "respondent_id"}}
    # the converted CSV has R2 on line 4, as the export does, and R1 on line 2
    converted = survey_export.to_schema_csv(export, "e.csv", mapping, ["occasion", "respondent_id"], [])
    rows = [(number + 1, line) for number, line in enumerate(converted.decode("utf-8").split("\n"))]
    assert (4, "HT2016,R2") in rows and (2, "HT2016,R1 with a break") in rows


# ----------------------------------------------------------------------------- a real build's processed data

def _raw_row(root, file: str, line: int) -> dict:
    """The raw file's row that begins on ``line``, by its header's names (the committed files: UTF-8, ',')."""
    data = (root / "data" / "raw" / file).read_bytes()
    lines = _physical_lines(data)
    header = next(csv.reader([lines[0]]))
    return dict(zip(header, next(csv.reader(io.StringIO("\n".join(lines[line - 1:]))))))


@pytest.fixture(scope="module")
def processed(built_project):
    return built_project, built_project / "data" / "processed"


def test_every_processed_dataset_ends_with_raw_rows_naming_raw_files(processed):
    root, directory = processed
    raw_files = {path.name for path in (root / "data" / "raw").iterdir()}
    for name, dataset in datasets.DATASETS.items():
        frame = pipeline.load(name, directory)
        assert frame.columns[-1] == lineage.COLUMN, name
        header = (directory / dataset.filename).read_text(encoding="utf-8").split("\n", 1)[0]
        assert header.endswith(",raw_rows"), name
        named = frame[lineage.COLUMN].dropna()
        if name != "survey_shares":
            assert len(named) == len(frame), f"{name}: every row names its raw rows"
        for text in named:
            assert lineage.text(lineage.parse(text)) == text, (name, text)
            assert set(lineage.parse(text)) <= raw_files, (name, text)


def test_a_turnover_row_holds_its_raw_lines_values(processed):
    root, directory = processed
    turnover = pipeline.load("turnover", directory)
    checked = {"district": 0, "central": 0, "all_districts": 0}
    for row in turnover.iloc[::7].itertuples():
        (lines,) = lineage.parse(row.raw_rows).values()
        raw = [_raw_row(root, "turnover.csv", line) for line in lines]
        if row.administration_type == "all_districts":
            assert all(r["profession"] == row.profession and r["year"] == str(row.year) for r in raw)
            assert row.administration not in {r["administration"] for r in raw}
            assert sum(int(r["ended"]) for r in raw) == row.ended
            assert sum(int(r["headcount"]) for r in raw) == row.headcount
        else:
            (one,) = raw
            assert (one["profession"], one["administration"], one["year"], one["ended"], one["headcount"]) == (
                row.profession, row.administration, str(row.year), str(row.ended), str(row.headcount))
        checked[row.administration_type] += 1
    assert all(checked.values()), checked


def test_a_published_total_check_names_the_printed_row_and_the_districts(processed):
    root, directory = processed
    totals = pipeline.load("turnover_published_totals", directory)
    for row in totals.itertuples():
        raw = [_raw_row(root, "turnover.csv", line) for line in lineage.parse(row.raw_rows)["turnover.csv"]]
        printed = [r for r in raw if int(r["ended"]) == row.ended_published and r["administration"] == "Stadsdelar total"]
        assert len(printed) == 1
        assert sum(int(r["ended"]) for r in raw if r is not printed[0]) == row.ended_computed


def test_researcher_rows_hold_their_raw_counts(processed):
    root, directory = processed
    mentions = pipeline.load("researcher_mentions", directory)
    for row in mentions.iloc[::5].itertuples():
        (line,) = lineage.parse(row.raw_rows)["researcher_rankings.csv"]
        raw = _raw_row(root, "researcher_rankings.csv", line)
        assert (raw["question"], raw["alternative"], raw["point"]) == (row.question, str(row.alternative), row.point)
        assert int(raw["count"] or 0) == row.count
    totals = pipeline.load("researcher_point_totals", directory)
    for row in totals.itertuples():
        raw = [_raw_row(root, "researcher_rankings.csv", line)
               for line in lineage.parse(row.raw_rows)["researcher_rankings.csv"]]
        assert {r["point"] for r in raw} == {row.point} and len(raw) == 3
        assert sum(int(r["count"] or 0) for r in raw) == row.mentions


def test_a_reconciliation_row_names_its_claim(processed):
    root, directory = processed
    reconciliation = pipeline.load("reconciliation", directory)
    for row in reconciliation.iloc[::20].itertuples():
        (line,) = lineage.parse(row.raw_rows)["published_claims.csv"]
        assert _raw_row(root, "published_claims.csv", line)["claim_id"] == row.check_id
    recomputed = reconciliation[reconciliation["description"].str.contains("Recomputed: ended in the table cell")]
    assert len(recomputed) > 0
    for row in recomputed.itertuples():  # the turnover rows the figure was recomputed from hold it (or sum to it)
        lines = lineage.parse(row.raw_rows)["turnover.csv"]
        assert sum(int(_raw_row(root, "turnover.csv", line)["ended"]) for line in lines) == row.computed
    figures = pipeline.load("key_figures", directory)
    by_check = reconciliation.set_index("check_id")[lineage.COLUMN]
    assert (figures[lineage.COLUMN] == figures["check_id"].map(by_check)).all()


def test_a_survey_share_names_its_occasions_lines_and_no_group_of_its_own(processed):
    """Every cell of an occasion names all of that occasion's respondents: a group's own lines, published
    beside a suppressed cell, would give the suppressed n away by subtraction."""
    root, directory = processed
    shares = pipeline.load("survey_shares", directory)
    raw_lines = (root / "data" / "raw" / "survey_responses.csv").read_text(encoding="utf-8-sig").splitlines()
    header = raw_lines[0].split(",")
    occasion_at = header.index("occasion")
    for occasion, cells in shares.groupby("occasion"):
        assert cells[lineage.COLUMN].nunique() == 1, f"{occasion}: one text for all its cells"
        lines = lineage.parse(cells[lineage.COLUMN].iloc[0])["survey_responses.csv"]
        expected = [number for number, line in enumerate(raw_lines, start=1)
                    if number > 1 and line.split(",")[occasion_at] == occasion]
        assert lines == expected
        city = cells[(cells["group_type"] == "city")]
        assert len(lines) >= city["n"].max()