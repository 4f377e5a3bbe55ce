"""report.yml: every bad file ends in one short message naming the line; nothing can blow up."""
import dataclasses

import pytest

from conftest import ROOT
from pipeline import config
from pipeline.errors import InputError

GOOD = (ROOT / "report.yml").read_text(encoding="utf-8")
TITLE = 'title: "Stockholms stads handlingsplan för en förbättrad arbetssituation"'
MESSAGE_LIMIT = 260  # characters of a message besides the file's path


def _refused(tmp_path, text: str | bytes) -> str:
    path = tmp_path / "report.yml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        config.load(path)
    message = str(caught.value)
    assert message.startswith(str(path)), message
    assert len(message) - len(str(path)) <= MESSAGE_LIMIT, message
    assert "\n" not in message, message
    return message


def _line_of(text: str, start: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), start=1) if line.startswith(start))


def _laughs(levels: int) -> str:
    """A "billion laughs": each alias repeats the one before nine times; ``title`` takes the last."""
    lines = ['  - &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        lines.append(f"  - &l{level} [" + ", ".join([f"*l{level - 1}"] * 9) + "]")
    return "title:\n" + "\n".join(lines) + f"\n  - *l{levels - 1}\n"


def test_the_projects_report_yml_loads():
    params = config.load()
    assert params.title == "Stockholms stads handlingsplan för en förbättrad arbetssituation"
    assert params.series_start <= params.action_plan_start <= params.reference_year


def test_text_already_read_is_used_instead_of_the_file(tmp_path):
    absent = tmp_path / "report.yml"
    params = config.load(absent, text=GOOD.replace("reference_year: 2016", "reference_year: 2017"))
    assert params.reference_year == 2017
    assert dataclasses.replace(params, reference_year=config.load().reference_year) == config.load()
    with pytest.raises(InputError, match="missing"):
        config.load(absent)


def test_a_byte_order_mark_from_notepad_is_accepted(tmp_path):
    path = tmp_path / "report.yml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode("utf-8"))
    assert config.load(path) == config.load()


def test_a_billion_laughs_in_the_title_is_refused_at_its_first_anchor(tmp_path):
    text = GOOD.replace(TITLE, _laughs(6).rstrip("\n"))
    message = _refused(tmp_path, text)
    line = _line_of(text, "  - &l0")
    assert message.endswith(f"report.yml, line {line}: YAML anchors and aliases (&name, *name) are not allowed; "
                            f"write the value out.")


def test_an_alias_alone_is_refused_on_its_line(tmp_path):
    text = GOOD.replace('publisher: "', 'publisher: *namn\nx_publisher: "')
    message = _refused(tmp_path, text)
    assert f"line {_line_of(text, 'publisher:')}: YAML anchors and aliases" in message


def test_a_merge_key_needs_an_anchor_and_is_refused(tmp_path):
    message = _refused(tmp_path, GOOD + "\nstandard: &std {title: x}\nextra:\n  <<: *std\n")
    assert "YAML anchors and aliases" in message


TOO_LONG = "Lång titel " * 40
IDS = ["title-block-list", "title-flow-list", "title-mapping", "title-empty", "title-too-long",
       "title-impossible-date", "title-date", "year-5000-digits", "year-25-digits", "year-with-letter",
       "year-in-quotes", "year-yes", "year-decimal", "python-apply-tag", "python-name-tag", "minimum-zero",
       "unknown-key", "long-unknown-key", "key-twice", "yaml-syntax", "tab-indent", "control-character",
       "deep-nesting"]


@pytest.mark.parametrize("replaced, by, phrases", [
    (TITLE, "title:\n  - Stockholm\n  - rapport", ["line {line}", "'title' is a list", "non-empty text"]),
    (TITLE, "title: [Stockholm, rapport]", ["line {line}", "'title' is a list", "non-empty text"]),
    (TITLE, "title:\n  del: Stockholm", ["line {line}", "'title' is a group of 'key: value' lines"]),
    (TITLE, "title:", ["line {line}", "'title' is empty", "non-empty text"]),
    (TITLE, f'title: "{TOO_LONG}"', ["line {line}", "'title' is 440 characters long",
                                     "'Lång titel Lång titel Lång titel Lång t…",
                                     "at most 300 characters"]),
    (TITLE, "title: 2019-02-30", ["line {line}", "'title' is '2019-02-30'", "cannot read", "day is out of range"]),
    (TITLE, "title: 2019-02-03", ["line {line}", "'title' is '2019-02-03'", "non-empty text (in double quotes)"]),
    ("reference_year: 2016", "reference_year: " + "9" * 5000,
     ["line {line}", "'reference_year' is 5,000 characters long", "between 1900 and 2100"]),
    ("reference_year: 2016", "reference_year: " + "9" * 25,
     ["line {line}", "'reference_year' is 9999999999999999999999999", "between 1900 and 2100"]),
    ("reference_year: 2016", "reference_year: 2016a", ["line {line}", "'reference_year' is '2016a'", "whole number"]),
    ("reference_year: 2016", 'reference_year: "2016"', ["line {line}", "written without quotes"]),
    ("reference_year: 2016", "reference_year: yes", ["line {line}", "'reference_year' is 'yes'", "whole number"]),
    ("reference_year: 2016", "reference_year: 2016.5", ["line {line}", "'2016.5'", "whole number"]),
    ("reference_year: 2016", "reference_year: !!python/object/apply:os.system [ls]",
     ["line {line}", "'reference_year' is a list"]),
    ("reference_year: 2016", "reference_year: !!python/name:os.system ''", ["line {line}", "cannot read"]),
    ("survey_min_respondents: 5", "survey_min_respondents: 0", ["line {line}", "between 1 and 1000"]),
    ("series_start:", "serie_start:", ["line {line}", "unknown key 'serie_start'", "did you mean 'series_start'"]),
    ("series_start:", "s" * 500 + ":", ["line {line}", "unknown key 'sssssssssssssssssssssssssssssssssssssss…"]),
    ("survey_start: 2016", "survey_start: 2016\nsurvey_start: 2017", ["line {line}", "set twice"]),
    ("reference_year: 2016", "reference_year: 2016: 2017", ["line {line}", "not readable as YAML"]),
    ("reference_year: 2016", "\treference_year: 2016", ["line {line}", "not readable as YAML", "'\\t'"]),
    ("reference_year: 2016", "reference_year: 20\x0116", ["line {line}", "U+0001 is not allowed"]),
    (TITLE, "title: " + "[" * 5000 + "]" * 5000, ["line {line}", "nested more than 10 levels deep"]),
], ids=IDS)
def test_a_bad_value_is_one_short_message_naming_its_line(tmp_path, replaced, by, phrases):
    """``{line}`` in a phrase is the line of ``by``'s last line, where the problem is."""
    assert replaced in GOOD
    text = GOOD.replace(replaced, by, 1)
    line = _line_of(text, by.splitlines()[-1] if not by.startswith("title:\n") else "title:")
    message = _refused(tmp_path, text)
    for phrase in phrases:
        assert phrase.format(line=line) in message, message


@pytest.mark.parametrize("text, found", [
    ("- title\n- publisher\n", "found a list"),
    ("Stockholm\n", "found the single value 'Stockholm'"),
    ("", "found nothing"),
    ("# only a comment\n", "found nothing"),
])
def test_a_file_that_is_not_key_value_lines_is_one_message(tmp_path, text, found):
    assert found in _refused(tmp_path, text)


def test_a_missing_key_is_named(tmp_path):
    assert "required key 'survey_start' is missing" in _refused(tmp_path, GOOD.replace("survey_start: 2016", ""))


def test_years_out_of_order_are_named(tmp_path):
    message = _refused(tmp_path, GOOD.replace("series_start: 2013", "series_start: 2016").replace(
        "action_plan_start: 2015", "action_plan_start: 2014"))
    assert "series_start ≤ action_plan_start ≤ reference_year, got 2016, 2014, 2016" in message


def test_a_file_that_is_not_utf8_names_its_line(tmp_path):
    text = GOOD.replace(TITLE, 'title: "Förbättrad arbetssituation"')
    message = _refused(tmp_path, text.encode("cp1252"))
    assert "not UTF-8" in message and f"line {_line_of(text, 'source_report:')}" in message


def test_a_huge_file_is_refused_before_it_is_parsed(tmp_path):
    assert "characters" in _refused(tmp_path, GOOD + "# " + "x" * 200_000 + "\n")


def test_a_directory_is_one_message(tmp_path):
    (tmp_path / "report.yml").mkdir()
    with pytest.raises(InputError, match="is a directory"):
        config.load(tmp_path / "report.yml")


def test_values_in_messages_are_cut_to_about_forty_characters():
    assert config.shown("kort") == "'kort'"
    long = config.shown("x" * 10_000)
    assert long == "'" + "x" * 39 + "…"
    assert config.shown(2016) == "2016"
    assert len(config.shown(list(range(1000)))) == 41
