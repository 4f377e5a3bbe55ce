"""Corrupted inputs, one per case: which file, what is wrong with it, what the refusal must say.

Every case starts from the committed file and changes as little as possible (one cell,
one line, the encoding), so the damage can be read from the case alone. ``expect`` is
the promise to a project lead: the message names the file, the line, the column, the
value and the rule broken. Lines are found by content, not hard-coded, so the corpus
survives edits to the raw files; ``{line}`` in an expected phrase is the line the edit
touched, ``{first}`` the earlier line a duplicate repeats and ``{row[column]}`` a value
of the edited row as committed.
"""
import csv
import io
import random
from dataclasses import dataclass, field
from typing import Callable

Corruption = Callable[[bytes], tuple[bytes | None, dict]]  # committed bytes → (corrupted bytes or None = removed, facts)


@dataclass(frozen=True)
class Case:
    id: str
    file: str                    # path from the project root
    kind: str                    # the kind of damage (see KINDS)
    corrupt: Corruption
    expect: list[str]            # phrases the message must contain
    forbid: list[str] = field(default_factory=list)  # phrases that would send the reader the wrong way

    def phrases(self, facts: dict) -> list[str]:
        return [phrase.format(**facts) for phrase in self.expect]


# The kinds of bad input the build promises to refuse, each with at least one case. What Excel
# and LibreOffice save (a byte-order mark, Windows-1252, ';' and decimal commas, CRLF, trailing
# empty columns) is read, not refused (tests/test_dialects.py); these are what stays ambiguous.
KINDS = [
    "wrong encoding", "byte-order mark", "semicolon-separated", "missing column", "extra column",
    "renamed column", "blank required cell", "text in a number column", "decimal comma in a whole number",
    "negative count", "non-integer count", "ended > headcount", "year before the series starts",
    "year after the current year", "unknown administration", "unknown action-plan point",
    "misspelt administration", "duplicated key", "empty file", "truncated file", "unknown parameter key",
    "non-ASCII digits", "invisible characters", "huge number", "junk file",
]


# ----------------------------------------------------------------------------- edits

def _lines(data: bytes) -> list[str]:
    return data.decode("utf-8").split("\n")


def _cells(line: str) -> list[str]:
    return next(csv.reader([line]))


def _line_of(cells: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(cells)
    return buffer.getvalue()


def _find(lines: list[str], where: dict[str, str]) -> tuple[int, list[str], dict]:
    """(index, header, row as dict) of the first data row matching ``where``."""
    header = _cells(lines[0])
    for index, line in enumerate(lines[1:], start=1):
        if not line:
            continue
        row = dict(zip(header, _cells(line)))
        if all(row.get(k) == v for k, v in where.items()):
            return index, header, row
    raise LookupError(f"no row matches {where}")


def set_cell(where: dict[str, str], column: str, value: str) -> Corruption:
    """The cell ``column`` of the first row matching ``where`` becomes ``value`` (quoted if it needs quotes)."""
    def corrupt(data):
        lines = _lines(data)
        index, header, row = _find(lines, where)
        cells = [value if name == column else row[name] for name in header]
        lines[index] = _line_of(cells)
        return "\n".join(lines).encode("utf-8"), {"line": index + 1, "row": row}
    return corrupt


def replace(old: str, new: str) -> Corruption:
    """The first occurrence of ``old`` in the file becomes ``new``."""
    def corrupt(data):
        text = data.decode("utf-8")
        at = text.index(old)
        return text.replace(old, new, 1).encode("utf-8"), {"line": text[:at].count("\n") + 1}
    return corrupt


def duplicate_row(where: dict[str, str]) -> Corruption:
    """A copy of the first row matching ``where`` is appended at the end."""
    def corrupt(data):
        lines = _lines(data)
        index, _, row = _find(lines, where)
        while lines and lines[-1] == "":
            lines.pop()
        lines.append(lines[index])
        return ("\n".join(lines) + "\n").encode("utf-8"), {"line": len(lines), "first": index + 1, "row": row}
    return corrupt


def drop_column(name: str) -> Corruption:
    def corrupt(data):
        lines = _lines(data)
        at = _cells(lines[0]).index(name)
        out = []
        for line in lines:
            if line:
                cells = _cells(line)
                del cells[at]
                line = _line_of(cells)
            out.append(line)
        return "\n".join(out).encode("utf-8"), {"line": 1}
    return corrupt


def add_column(name: str, value: str) -> Corruption:
    def corrupt(data):
        lines = _lines(data)
        out = [lines[0] + "," + name] + [line + "," + value if line else line for line in lines[1:]]
        return "\n".join(out).encode("utf-8"), {"line": 1}
    return corrupt


def rename_column(old: str, new: str) -> Corruption:
    def corrupt(data):
        lines = _lines(data)
        lines[0] = _line_of([new if c == old else c for c in _cells(lines[0])])
        return "\n".join(lines).encode("utf-8"), {"line": 1}
    return corrupt


def as_dos(data):
    """Saved in the DOS code page 850, where 'Å' is byte 0x8f: a byte Windows-1252 leaves undefined."""
    lines = data.decode("utf-8").split("\n")
    first = next(i for i, line in enumerate(lines) if b"\x8f" in line.encode("cp850"))
    return "\n".join(lines).encode("cp850"), {"line": first + 1}


def line_in_windows_1252(where: dict[str, str]) -> Corruption:
    """The row matching ``where`` saved in Windows-1252, the rest of the file in UTF-8 (edited in two programs)."""
    def corrupt(data):
        lines = _lines(data)
        index, _, row = _find(lines, where)
        encoded = [line.encode("cp1252" if i == index else "utf-8") for i, line in enumerate(lines)]
        return b"\n".join(encoded), {"line": index + 1, "row": row}
    return corrupt


def as_utf16(data):
    """Saved by Excel as 'Unicode text': UTF-16 with a byte-order mark."""
    return data.decode("utf-8").encode("utf-16"), {"line": 1}


def semicolons_with_mixed_decimals(where: dict[str, str]) -> Corruption:
    """Saved with ';' and decimal commas, except the row matching ``where``, which keeps its decimal points."""
    def corrupt(data):
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
        lines = _lines(data)
        index, header, row = _find(lines, where)
        decimal = {"under_20_pct", "over_65_pct", "ohalsotal_days", "ekonomiskt_bistand_pct"}
        out = [rows[0]] + [[cell.replace(".", ",") if name in decimal and i != index else cell
                            for name, cell in zip(header, cells)] for i, cells in enumerate(rows[1:], start=1)]
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(out)
        return buffer.getvalue().encode("cp1252"), {"line": index + 1, "row": row}
    return corrupt


def random_bytes(data):
    """A file of random bytes (a download that went wrong, a file from another program)."""
    return random.Random(16).randbytes(4096), {"line": 1}


def xlsx_renamed(data):
    """An Excel workbook saved as .xlsx and renamed to .csv (the zip archive an .xlsx is)."""
    return b"PK\x03\x04\x14\x00\x06\x00\x08\x00" + random.Random(8).randbytes(2000), {"line": 1}


def png_image(data):
    """A screenshot of the table saved under the CSV's name."""
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(4).randbytes(2000), {"line": 1}


def emptied(data):
    return b"", {"line": 1}


def header_only(data):
    return data.split(b"\n")[0] + b"\n", {"line": 1}


def removed(data):
    return None, {}


def cut_in(where: dict[str, str], column: str) -> Corruption:
    """The file ends in the middle of the value of ``column`` in the row matching ``where``."""
    def corrupt(data):
        lines = _lines(data)
        index, header, row = _find(lines, where)
        value = row[column]
        start = lines[index].index(value)
        kept = lines[index][: start + len(value) // 2]
        return ("\n".join(lines[:index] + [kept])).encode("utf-8"), {"line": index + 1, "row": row,
                                                                       "partial": value[: len(value) // 2]}
    return corrupt


# ----------------------------------------------------------------------------- the corpus

TURNOVER = "data/raw/turnover.csv"
SKARPNACK_2016 = {"profession": "socialsekreterare", "administration": "Skarpnäck", "year": "2016"}

CASES = [
    # --- data/raw/turnover.csv
    Case("turnover-dos-code-page", TURNOVER, "wrong encoding", as_dos,
         [TURNOVER, "line {line}", "byte 0x8f", "neither in UTF-8 nor in Windows-1252", "CSV UTF-8"]),
    Case("turnover-two-encodings", TURNOVER, "wrong encoding", line_in_windows_1252(SKARPNACK_2016),
         [TURNOVER, "mixes two encodings", "line {line} is not", "CSV UTF-8"]),
    Case("turnover-full-width-year", TURNOVER, "non-ASCII digits", set_cell(SKARPNACK_2016, "year", "２０１６"),
         [TURNOVER, "line {line}", "column 'year'", "'２０１６'", "U+FF12 (fullwidth digit two)", "digits 0-9"],
         forbid=["KeyError", "must not be blank"]),
    Case("turnover-zero-width-space", TURNOVER, "invisible characters",
         set_cell(SKARPNACK_2016, "administration", "Skarp\u200bnäck"),
         [TURNOVER, "line {line}", "column 'administration'", "'Skarp[U+200B]näck'",
          "invisible character U+200B (zero width space)", "retype the value", "looks like the valid 'Skarpnäck'"],
         forbid=["did you mean"]),
    Case("turnover-20-digit-headcount", TURNOVER, "huge number",
         set_cell(SKARPNACK_2016, "headcount", "12345678901234567890"),
         [TURNOVER, "line {line}", "column 'headcount'", "'12345678901234567890'", "at most 100000"],
         forbid=["OverflowError"]),
    Case("turnover-ended-above-headcount", TURNOVER, "ended > headcount", set_cell(SKARPNACK_2016, "ended", "99"),
         [TURNOVER, "line {line}", "column 'ended'", "99", "headcount {row[headcount]}",
          "'ended' must not exceed 'headcount'"]),
    Case("turnover-year-after-current-year", TURNOVER, "year after the current year",
         set_cell(SKARPNACK_2016, "year", "2099"),
         [TURNOVER, "line {line}", "column 'year'", "'2099'", "at most the current year"]),
    Case("turnover-misspelt-administration", TURNOVER, "misspelt administration",
         set_cell(SKARPNACK_2016, "administration", "Skarpnäk"),
         [TURNOVER, "line {line}", "column 'administration'", "'Skarpnäk'", "did you mean 'Skarpnäck'"]),
    Case("turnover-decimal-comma-headcount", TURNOVER, "decimal comma in a whole number",
         set_cell(SKARPNACK_2016, "headcount", "56,5"),
         [TURNOVER, "line {line}", "column 'headcount'", "'56,5'", "whole number"],
         forbid=["must not be blank"]),
    Case("turnover-unquoted-decimal-comma", TURNOVER, "decimal comma in a whole number",
         replace("socialsekreterare,Skarpnäck,2016,18,56,", "socialsekreterare,Skarpnäck,2016,18,56,5,"),
         [TURNOVER, "line {line}", "7 values", "6 columns", "headcount '56'", "'5'", "decimal comma"]),
    Case("turnover-truncated", TURNOVER, "truncated file",
         cut_in(SKARPNACK_2016, "administration"),
         [TURNOVER, "line {line}", "column 'administration'", "'{partial}'", "truncated"]),

    # --- data/raw/administrations.csv (the reference list: checked before everything else)
    Case("administrations-utf16", "data/raw/administrations.csv", "byte-order mark", as_utf16,
         ["data/raw/administrations.csv", "UTF-16", "CSV UTF-8"]),
    Case("administrations-duplicated-name", "data/raw/administrations.csv", "duplicated key",
         duplicate_row({"name": "Bromma"}),
         ["data/raw/administrations.csv", "line {line}", "column 'name'", "'Bromma'", "line {first}", "unique"]),

    # --- data/raw/consultants.csv
    Case("consultants-arabic-indic-digits", "data/raw/consultants.csv", "non-ASCII digits",
         set_cell({"year": "2017", "month": "april"}, "consultants", "٨٠"),
         ["data/raw/consultants.csv", "line {line}", "column 'consultants'", "U+0668 (arabic-indic digit eight)",
          "digits 0-9"], forbid=["must not be blank"]),
    Case("consultants-random-bytes", "data/raw/consultants.csv", "junk file", random_bytes,
         ["data/raw/consultants.csv", "not a text file", "CSV UTF-8"]),
    Case("consultants-year-before-series", "data/raw/consultants.csv", "year before the series starts",
         set_cell({"year": "2016", "month": "april"}, "year", "2012"),
         ["data/raw/consultants.csv", "line {line}", "column 'year'", "'2012'", "at least",
          "series_start is 2013"]),
    Case("consultants-text-in-number", "data/raw/consultants.csv", "text in a number column",
         set_cell({"year": "2017", "month": "april"}, "consultants", "ca 80"),
         ["data/raw/consultants.csv", "line {line}", "column 'consultants'", "'ca 80'", "whole number"],
         forbid=["must not be blank"]),
    Case("consultants-duplicated-key", "data/raw/consultants.csv", "duplicated key",
         duplicate_row({"year": "2017", "month": "november"}),
         ["data/raw/consultants.csv", "line {line}", "columns year, month", "'2017 / november'", "line {first}"]),
    Case("consultants-missing-file", "data/raw/consultants.csv", "missing file", removed,
         ["data/raw/consultants.csv", "missing", "year, month, consultants, source"]),

    # --- data/raw/district_facts.csv
    Case("district-facts-missing-column", "data/raw/district_facts.csv", "missing column",
         drop_column("ohalsotal_days"),
         ["data/raw/district_facts.csv", "line 1", "column 'ohalsotal_days' is missing"]),
    Case("district-facts-unknown-administration", "data/raw/district_facts.csv", "unknown administration",
         set_cell({"administration": "Bromma"}, "administration", "Vasastan"),
         ["data/raw/district_facts.csv", "line {line}", "column 'administration'", "'Vasastan'",
          "data/raw/administrations.csv", "Bromma"]),
    Case("district-facts-decimal-comma", "data/raw/district_facts.csv", "decimal comma in a decimal number",
         set_cell({"administration": "Bromma"}, "ohalsotal_days", "9,49"),
         ["data/raw/district_facts.csv", "line {line}", "column 'ohalsotal_days'", "'9,49'", "write 24.5, not 24,5"],
         forbid=["must not be blank"]),
    Case("district-facts-decimals-both-ways", "data/raw/district_facts.csv", "semicolon-separated",
         semicolons_with_mixed_decimals({"administration": "Farsta"}),
         ["data/raw/district_facts.csv", "both with a comma (line 2", "with a point (line {line}",
          "'{row[under_20_pct]}'", "ambiguous"]),
    Case("district-facts-17-digit-inhabitants", "data/raw/district_facts.csv", "huge number",
         set_cell({"administration": "Bromma"}, "inhabitants", "12345678901234567"),
         ["data/raw/district_facts.csv", "line {line}", "column 'inhabitants'", "'12345678901234567'",
          "at most 1000000"]),
    Case("district-facts-soft-hyphen", "data/raw/district_facts.csv", "invisible characters",
         set_cell({"administration": "Kungsholmen"}, "administration", "Kungs\u00adholmen"),
         ["data/raw/district_facts.csv", "line {line}", "'Kungs[U+00AD]holmen'", "U+00AD (soft hyphen)"],
         forbid=["did you mean"]),

    # --- data/raw/action_plan_points.csv (reference list)
    Case("action-plan-points-empty", "data/raw/action_plan_points.csv", "empty file", emptied,
         ["data/raw/action_plan_points.csv", "empty", "point,label,source"]),
    Case("action-plan-points-blank-label", "data/raw/action_plan_points.csv", "blank required cell",
         set_cell({"point": "2"}, "label", ""),
         ["data/raw/action_plan_points.csv", "line {line}", "column 'label'", "blank", "must not be blank"]),
    Case("action-plan-points-header-only", "data/raw/action_plan_points.csv", "empty file",
         header_only,
         ["data/raw/action_plan_points.csv", "no data rows", "at least one data row"]),

    # --- data/raw/researcher_respondents.csv
    Case("respondents-extra-column", "data/raw/researcher_respondents.csv", "extra column",
         add_column("kommentar", ""),
         ["data/raw/researcher_respondents.csv", "line 1", "column 'kommentar' is not one of this file's columns",
          "dimension, category, count, printed_percent, source"]),
    Case("respondents-negative-count", "data/raw/researcher_respondents.csv", "negative count",
         set_cell({"dimension": "area", "category": "BOU"}, "count", "-20"),
         ["data/raw/researcher_respondents.csv", "line {line}", "column 'count'", "'-20'", "at least 0"]),

    # --- data/raw/reinforcement_team_survey.csv
    Case("team-survey-negative-respondents", "data/raw/reinforcement_team_survey.csv", "negative count",
         set_cell({"item": "respondents"}, "count", "-43"),
         ["data/raw/reinforcement_team_survey.csv", "line {line}", "column 'count'", "'-43'"]),

    # --- data/raw/researcher_rankings.csv
    Case("rankings-unknown-point", "data/raw/researcher_rankings.csv", "unknown action-plan point",
         set_cell({"question": "storsta_behov", "alternative": "2", "point": "3"}, "point", "14"),
         ["data/raw/researcher_rankings.csv", "line {line}", "column 'point'", "'14'",
          "data/raw/action_plan_points.csv"]),

    # --- data/raw/researcher_open_answers.csv
    Case("open-answers-renamed-column", "data/raw/researcher_open_answers.csv", "renamed column",
         rename_column("count", "antal"),
         ["data/raw/researcher_open_answers.csv", "line 1", "'antal'", "'count' is missing", "renamed"]),
    Case("open-answers-xlsx-renamed", "data/raw/researcher_open_answers.csv", "junk file", xlsx_renamed,
         ["data/raw/researcher_open_answers.csv", "Excel workbook", "save it as CSV"]),
    Case("rankings-png-image", "data/raw/researcher_rankings.csv", "junk file", png_image,
         ["data/raw/researcher_rankings.csv", "PNG image"]),
    Case("open-answers-non-integer-count", "data/raw/researcher_open_answers.csv", "non-integer count",
         set_cell({"category": "Administrativt stöd"}, "count", "20.5"),
         ["data/raw/researcher_open_answers.csv", "line {line}", "column 'count'", "'20.5'", "whole number"],
         forbid=["must not be blank"]),

    # --- data/raw/published_claims.csv
    Case("claims-truncated-in-quotes", "data/raw/published_claims.csv", "truncated file",
         cut_in({"claim_id": "P002-T1-exempel-headcount"}, "passage"),
         ["data/raw/published_claims.csv", "line {line}", "column 'passage'", "'{partial}'", "truncated"]),

    # --- report.yml
    Case("report-yml-unknown-key", "report.yml", "unknown parameter key", replace("series_start:", "serie_start:"),
         ["report.yml", "line {line}", "unknown key 'serie_start'", "did you mean 'series_start'"]),
    Case("report-yml-not-a-number", "report.yml", "wrong kind of parameter",
         replace("reference_year: 2016", "reference_year: 2016a"),
         ["report.yml", "line {line}", "'reference_year'", "'2016a'", "whole number"]),
]

# --- data/raw/survey_responses.csv (the employee survey, when the project has it)
SURVEY = "data/raw/survey_responses.csv"
SURVEY_CASES = [
    Case("survey-answer-outside-scale", SURVEY, "answer outside the scale",
         set_cell({}, "bra_arbetssituation", "Stämmer helt"),
         [SURVEY, "line {line}", "'Stämmer helt'", "Stämmer mycket bra", "Stämmer mycket dåligt"]),
    Case("survey-unknown-occasion", SURVEY, "unknown occasion", set_cell({"occasion": "HT2016"}, "occasion", "HT2015"),
         [SURVEY, "line {line}", "column 'occasion'", "'HT2015'", "survey_start"]),
    Case("survey-identifying-respondent-id", SURVEY, "identifying column",
         set_cell({}, "respondent_id", "anna.svensson@stockholm.se"),
         [SURVEY, "line {line}", "column 'respondent_id'", "never a name, e-mail address or personnummer"]),
]
