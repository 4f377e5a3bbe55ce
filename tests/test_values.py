"""Values are read exactly and shown readably: ASCII digits, exact numbers, bounded messages.

A number is an exact int or Decimal until it has passed its rules, every count and
number column has a plausible maximum, and a message quotes a value shortened, naming
what cannot be seen in it (code points) instead of proposing a valid value that looks
the same.
"""
import csv
import io
import random
import re
import shutil
import unicodedata
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT
from pipeline import config
from pipeline.ingest import rawio, schemas, suites, validation
from pipeline.errors import WIDTH, InputError, show, suggestion

RAW = ROOT / "data" / "raw"
SKARPNACK = "Skarpnäck"


# ----------------------------------------------------------------------------- showing a value

def test_a_plain_value_is_quoted_as_it_is():
    assert show("Bromma") == "'Bromma'"


def test_a_long_value_is_shortened():
    assert show("x" * 100_000) == "'" + "x" * WIDTH + "…'"


@pytest.mark.parametrize("value, phrases", [
    ("Skarp\u200bnäck", ["'Skarp[U+200B]näck'", "an invisible character U+200B (zero width space)", "retype"]),
    ("Skarp\u00a0näck", ["[U+00A0]", "U+00A0 (no-break space)"]),
    ("Skarp\u00adnäck", ["U+00AD (soft hyphen)"]),
    ("Skarp\x07näck", ["[U+0007]", "U+0007 (control character)"]),
    ("Skarp\tnäck", ["U+0009 (tab)"]),
    (unicodedata.normalize("NFD", SKARPNACK), ["[U+0308]", "U+0308 (combining diaeresis)", "two parts"]),
    ("２０１９", ["'２０１９'", "U+FF12 (fullwidth digit two)", "digits other than 0-9",
                 "type the digits 0-9"]),
    ("٢٠١٩", ["U+0662 (arabic-indic digit two)", "digits 0-9"]),
    ("10²", ["U+00B2 (superscript two)"]),
])
def test_what_cannot_be_seen_is_named_by_its_code_point(value, phrases):
    shown = show(value)
    for phrase in phrases:
        assert phrase in shown, (phrase, shown)


def test_a_value_full_of_odd_characters_still_gives_a_short_message():
    value = "".join(chr(code) for code in range(0x2000, 0x2010)) * 10_000 + "１２３４５６７８９"
    assert len(show(value)) < 400


def test_no_did_you_mean_for_a_value_that_looks_exactly_like_a_valid_one():
    valid = [SKARPNACK, "Skärholmen"]
    for lookalike in ["Skarp\u200bnäck", unicodedata.normalize("NFD", SKARPNACK), "Skarpnäck\u2060"]:
        hint = suggestion(lookalike, valid)
        assert "did you mean" not in hint, hint
        assert f"looks like the valid '{SKARPNACK}' but is not the same text" in hint
    assert suggestion("HT２０１６", ["HT2016"]) == " (it looks like the valid 'HT2016' but is not the same text)"
    assert suggestion("Skarpnäk", valid) == f" (did you mean '{SKARPNACK}'?)"  # a visible typo still gets one
    assert suggestion("Skarpnäk" * 100, valid) == ""


# ----------------------------------------------------------------------------- numbers

@pytest.mark.parametrize("kind", sorted(suites.FORMAT))
def test_number_formats_take_ascii_digits_only(kind):
    regex = suites.FORMAT[kind][0]
    assert "\\d" not in regex
    assert re.fullmatch(regex, "2019")
    for written in ["２０１９", "٢٠١٩", "۲۰۱۹", "2019²", "20\u00a019", "20 19"]:
        assert not re.search(regex, written), written


def test_printed_percentages_take_ascii_digits_only():
    pattern = schemas.PERCENT_AS_PRINTED["pattern"]
    assert re.search(pattern, "34,2") and re.search(pattern, "4.3%")
    assert not re.search(pattern, "٣٤,٢")


def test_every_count_and_number_column_has_a_plausible_maximum():
    for spec in schemas.RAW_FILES:
        for column in spec.columns:
            if column.kind in ("int", "decimal"):
                assert column.maximum is not None or isinstance(column.allowed, list), (spec.name, column.name)


def test_every_decimal_the_rules_let_through_is_held_exactly_by_float64():
    """At most 6 decimals (the format rule) beside the digits of the maximum: at most 15 significant digits."""
    decimals = int(re.search(r"\{1,(\d+)\}", suites.FORMAT["decimal"][0]).group(1))
    for spec in schemas.RAW_FILES:
        for column in spec.columns:
            if column.kind == "decimal":
                largest = "9" * len(str(int(column.maximum))) + "." + "9" * decimals
                assert Decimal(repr(float(largest))) == Decimal(largest), (spec.name, column.name)


def _text(spec: schemas.RawFile, changes: dict[str, list[str]]) -> pd.DataFrame:
    """The committed file's first rows as read, with the columns in ``changes`` replaced."""
    text = rawio.read_text_table(spec, RAW / spec.filename).head(len(next(iter(changes.values())))).copy()
    for name, values in changes.items():
        text[name] = pd.Series(values, dtype=object)
    return text


def test_numbers_are_exact_ints_and_decimals_however_long():
    spec = schemas.BY_NAME["turnover"]
    written = ["12345678901234567", "123456789012345678901", "1" * 5000, "２０１６", "", "26"]
    frame = validation.frame_for_gx(spec, _text(spec, {"headcount": written}))
    values = frame["headcount"].tolist()
    assert values[0] == 12345678901234567 and isinstance(values[0], int)  # float64 would give …568
    assert values[1] == Decimal("123456789012345678901")
    assert values[2] == Decimal("1" * 5000)
    assert values[3] is None and values[4] is None  # the format rule and the blank rule name them
    assert values[5] == 26
    assert frame["headcount" + suites.WRITTEN].tolist()[:4] == written[:4]


def test_typed_gives_the_dtypes_processing_expects_without_rounding():
    spec = schemas.BY_NAME["district_facts"]
    text = _text(spec, {"inhabitants": ["999999", "0"], "ohalsotal_days": ["365.999999", "9.49"]})
    out = validation.typed(spec, validation.frame_for_gx(spec, text))
    assert str(out["inhabitants"].dtype) == "Int64" and out["inhabitants"].tolist() == [999999, 0]
    assert str(out["ohalsotal_days"].dtype) == "float64"
    assert out["ohalsotal_days"].tolist() == [float("365.999999"), float("9.49")]
    assert out["ohalsotal_days" + suites.WRITTEN].tolist() == ["365.999999", "9.49"]


def test_typed_refuses_a_whole_number_int64_cannot_hold_instead_of_overflowing():
    spec = schemas.BY_NAME["turnover"]
    frame = validation.frame_for_gx(spec, _text(spec, {"headcount": ["9" * 19]}))
    with pytest.raises(InputError, match=r"turnover\.csv, line 2, column 'headcount'.*too large"):
        validation.typed(spec, frame)


# ----------------------------------------------------------------------------- through validation

def _edit(path: Path, changes: list[tuple[int, str, str]]) -> None:
    """Cells (data row index from 1, column, new value) of a committed file changed."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    for index, column, value in changes:
        rows[index][rows[0].index(column)] = value
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def test_odd_values_get_one_readable_bounded_message_each(tmp_path):
    raw = shutil.copytree(RAW, tmp_path / "raw")
    rows = list(csv.reader(io.StringIO((RAW / "turnover.csv").read_text(encoding="utf-8"))))
    _edit(raw / "turnover.csv", [
        (1, "year", "２０１３"),
        (2, "administration", rows[2][1][:3] + "\u200b" + rows[2][1][3:]),
        (3, "headcount", "12345678901234567"),
        (4, "headcount", "123456789012345678901"),
        (5, "administration", "Å" * 10_000),
    ])
    with pytest.raises(InputError) as caught:
        validation.validate_all(config.load(), raw_dir=raw, docs_dir=None)
    lines = str(caught.value).split("\n")
    by_line = {int(m.group(1)): line for line in lines if (m := re.search(r"turnover\.csv, line (\d+),", line))}
    assert "'２０１３'" in by_line[2] and "U+FF12" in by_line[2] and "digits 0-9" in by_line[2]
    assert "U+200B (zero width space)" in by_line[3] and "did you mean" not in by_line[3]
    assert f"looks like the valid '{rows[2][1]}'" in by_line[3]
    assert "'12345678901234567'" in by_line[4] and "at most 100000" in by_line[4]
    assert "'123456789012345678901'" in by_line[5] and "at most 100000" in by_line[5]
    assert "Å" * WIDTH + "…" in by_line[6] and "Å" * (WIDTH + 1) not in by_line[6]
    assert all(len(line) < 1000 for line in lines), max(lines, key=len)
    assert "Traceback" not in str(caught.value)


@pytest.mark.parametrize("data", [
    random.Random(1).randbytes(10_000),
    bytes(random.Random(2).choice(range(1, 256)) for _ in range(10_000)),
    bytes(random.Random(3).choice(range(32, 127)) for _ in range(10_000)),
    b"x" * 300_000,
    b"PK\x03\x04" + random.Random(4).randbytes(1000),
    b"<!DOCTYPE html><html><body>Not found</body></html>\n",
], ids=["random", "random-without-nul", "random-printable", "one-huge-line", "xlsx", "html"])
def test_a_junk_file_ends_in_one_readable_message(tmp_path, data):
    raw = shutil.copytree(RAW, tmp_path / "raw")
    (raw / "consultants.csv").write_bytes(data)
    with pytest.raises(InputError) as caught:
        validation.validate_all(config.load(), raw_dir=raw, docs_dir=None)
    problems = str(caught.value).split("\n")[1:]
    assert len(problems) == 1 and "consultants.csv" in problems[0], problems
    assert len(problems[0]) < 600
