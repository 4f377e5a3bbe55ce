"""Reference lists are keys: a repeated slug, name, table order or label, or a second or missing
all-districts row, is refused by the suites with a message naming the lines.

The suites run in-process on a copy of the reference lists (and, where a case needs it, the
turnover file); lines are found by content, never typed.
"""
import shutil

import pytest

from conftest import ROOT, read_rows, write_rows
from pipeline import config
from pipeline.ingest import schemas, validation
from pipeline.errors import InputError

RAW = ROOT / "data" / "raw"




@pytest.fixture()
def raw(tmp_path):
    target = tmp_path / "raw"
    target.mkdir()
    for spec in [schemas.ADMINISTRATIONS, schemas.ACTION_PLAN_POINTS, schemas.TURNOVER]:
        shutil.copy(RAW / spec.filename, target / spec.filename)
    return target


def refusal(raw_dir, specs=()) -> str:
    """The message validation stops with (the reference lists, and ``specs`` after them)."""
    with pytest.raises(InputError) as caught:
        validation.validate_all(config.load(), raw_dir=raw_dir, specs=list(specs))
    return str(caught.value)


def edit_administration(raw_dir, who: str, cells: dict) -> tuple[int, list[dict]]:
    """Set cells of the row of the administration named ``who``; returns its line and the rows as they were."""
    path = raw_dir / "administrations.csv"
    fields, rows = read_rows(path)
    index = next(i for i, r in enumerate(rows) if r["name"] == who)
    edited = [dict(r) for r in rows]
    edited[index].update(cells)
    write_rows(path, fields, edited)
    return index + 2, rows


def line_of(rows: list[dict], **where) -> int:
    return next(i for i, r in enumerate(rows) if all(r[k] == v for k, v in where.items())) + 2


def test_the_committed_reference_lists_pass(raw):
    tables, _ = validation.validate_all(config.load(), raw_dir=raw, specs=[])
    assert len(tables["administrations"]) == len(read_rows(raw / "administrations.csv")[1])


@pytest.mark.parametrize("column", ["slug", "table_order", "name"])
def test_a_repeated_key_of_an_administration_is_refused_naming_both_lines(raw, column):
    _, rows = read_rows(raw / "administrations.csv")
    first, second = [r for r in rows if r["type"] == "district"][:2]
    line, _ = edit_administration(raw, second["name"], {column: first[column]})
    earlier = line_of(rows, name=first["name"])
    message = refusal(raw)
    assert (f"administrations.csv, line {max(line, earlier)}, column '{column}': value '{first[column]}' repeats "
            f"an earlier row (line {min(line, earlier)}) — '{column}' must be unique") in message, message


def test_a_second_all_districts_row_is_refused_naming_both_lines(raw):
    _, rows = read_rows(raw / "administrations.csv")
    total = line_of(rows, type="all_districts")
    district = next(r for r in rows if r["type"] == "district")
    line, _ = edit_administration(raw, district["name"], {"type": "all_districts"})
    message = refusal(raw)
    assert (f"administrations.csv, line {max(line, total)}, column 'type': value 'all_districts' repeats an "
            f"earlier row (line {min(line, total)}) — exactly one row must have type 'all_districts'") in message
    assert "(found 2)" in message


def test_no_all_districts_row_is_refused(raw):
    _, rows = read_rows(raw / "administrations.csv")
    total = next(r for r in rows if r["type"] == "all_districts")
    edit_administration(raw, total["name"], {"type": "district"})
    message = refusal(raw)
    assert "administrations.csv: exactly one row must have type 'all_districts'" in message
    assert "(found 0)" in message


def test_a_repeated_action_plan_label_is_refused_naming_both_lines(raw):
    path = raw / "action_plan_points.csv"
    fields, rows = read_rows(path)
    edited = [dict(r) for r in rows]
    edited[-1]["label"] = rows[0]["label"]
    write_rows(path, fields, edited)
    message = refusal(raw)
    assert f"action_plan_points.csv, line {len(rows) + 1}, column 'label': value '{rows[0]['label'][:20]}" in message
    assert "repeats an earlier row (line 2) — 'label' must be unique" in message, message  # long values are shortened


def test_a_profession_not_in_the_profession_list_is_refused(raw):
    line, _ = edit_administration(raw, "Skarpnäck", {"professions": "socialsekreterare;kurator"})
    message = refusal(raw)
    assert f"administrations.csv, line {line}, column 'professions': value 'socialsekreterare;kurator'" in message
    assert "biståndshandläggare, socialsekreterare" in message


def test_an_administration_cannot_end_before_it_begins(raw):
    line, _ = edit_administration(raw, "Älvsjö", {"first_year": "2020", "last_year": "2019"})
    message = refusal(raw)
    assert f"administrations.csv, line {line}, column 'first_year': value 2020 is greater than last_year 2019" \
        in message, message


def test_an_unknown_administration_says_to_add_it_to_the_reference_list_first(raw):
    path = raw / "turnover.csv"
    fields, rows = read_rows(path)
    rows[0]["administration"] = "Järva"
    write_rows(path, fields, rows)
    message = refusal(raw, [schemas.TURNOVER])
    assert "turnover.csv, line 2, column 'administration': value 'Järva'" in message
    assert "data/raw/administrations.csv (a new administration must first be added there)" in message, message
