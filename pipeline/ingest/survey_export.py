"""The survey tool's export as it comes (.xlsx or .csv, its own column names and answer texts) → the schema's CSV.

The city's survey tool exports a workbook whose columns and answers are worded its own way
("Respondent", "Instämmer helt"). ``report.yml``'s ``survey_export`` says how each maps
onto the schema of ``data/raw/survey_responses.csv``:

    survey_export:
      columns:   {"Respondent": respondent_id, "Tillfälle": occasion, …}
      answers:   {"Instämmer helt": "Stämmer mycket bra", …}
      occasions: {"Hösten <år>": HT<år>, …}

The export is turned into that CSV in memory, row for row: a row of the sheet (or a record of a
CSV export) starts on the same line of the CSV as its row number (or line) in the export, so that
the line numbers validation reports and the processed data's ``raw_rows`` name point into the
export itself (a line break inside a cell becomes a space; a CSV record spread over several lines
is followed by blank lines, which are skipped). It is then read and validated exactly like every raw file: an answer or occasion
that no mapping covers, or a respondent twice in one occasion, is refused by the survey's
suite with the line and column. Columns the schema does not have (names, e-mail addresses,
time stamps) are dropped here and never read further. Nothing is written to disk.
"""
import csv
import io
from pathlib import Path

from pipeline.errors import InputError, show

WORKBOOK_MAGIC = b"PK\x03\x04"  # an .xlsx file is a zip archive
MAX_ROWS = 1_000_000


def needs_mapping(name: str, data: bytes, mapping: dict) -> bool:
    """Whether the export must be converted: a workbook, or a mapping to apply."""
    return data.startswith(WORKBOOK_MAGIC) or Path(name).suffix.lower() == ".xlsx" or any(mapping.values())


def to_schema_csv(data: bytes, name: str, mapping: dict, columns: list[str], answer_columns: list[str]) -> bytes:
    """The export as a UTF-8, comma-separated CSV with exactly ``columns``, mapped as ``mapping`` says."""
    numbered = _workbook_rows(data, name) if data.startswith(WORKBOOK_MAGIC) else _csv_rows(data, name)
    rows = [row for _, row in numbered]
    if not rows:
        raise InputError(f"{name}: the export is empty; expected a header row and one row per respondent.")
    header = [cell.strip() for cell in rows[0]]
    renamed = [mapping.get("columns", {}).get(cell, cell) for cell in header]
    missing = [column for column in columns if column not in renamed]
    if missing:
        listed = ", ".join(show(cell) for cell in header[:12]) + (" …" if len(header) > 12 else "")
        raise InputError(
            f"{name}, line 1: the export has no column for {', '.join(repr(m) for m in missing)}; its columns are "
            f"{listed}. Map the export's column names in report.yml, e.g.\n"
            "    survey_export:\n      columns:\n        \"Respondent\": respondent_id")
    repeated = sorted({c for c in renamed if c in columns and renamed.count(c) > 1})
    if repeated:
        raise InputError(f"{name}, line 1: more than one column maps to {', '.join(map(repr, repeated))}; "
                         "check report.yml's survey_export: columns.")
    where = {column: renamed.index(column) for column in columns}
    answers, occasions = mapping.get("answers", {}), mapping.get("occasions", {})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    written = 1  # lines written so far
    for line, row in numbered[1:]:
        out.write("\n" * max(0, line - 1 - written))  # blank lines: the record starts on its line
        written = max(written, line - 1) + 1
        cells = {column: (_one_line(row[index]).strip() if index < len(row) else "")
                 for column, index in where.items()}
        for column in answer_columns:
            cells[column] = answers.get(cells[column], cells[column])
        if "occasion" in cells:
            cells["occasion"] = occasions.get(cells["occasion"], cells["occasion"])
        writer.writerow([cells[column] for column in columns])
    return out.getvalue().encode("utf-8")


def _one_line(cell: str) -> str:
    """A cell's line breaks as spaces, so that one row of the export is one line of the CSV."""
    return cell.replace("\r\n", " ").replace("\r", " ").replace("\n", " ")


def _workbook_rows(data: bytes, name: str) -> list[tuple[int, list[str]]]:
    """(row number, the row's cells as text) of the first sheet; whole numbers without '.0', dates as ISO dates."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise InputError(f"{name}: not readable as an Excel workbook ({type(exc).__name__}); open it in Excel "
                         "and save it again as .xlsx, or export the survey as CSV.") from None
    try:
        sheet = book.worksheets[0]
        rows = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS:
                raise InputError(f"{name}: more than {MAX_ROWS:,} rows; is this the survey export?")
            rows.append((number, [_text(value) for value in values]))
    finally:
        book.close()
    while rows and not any(rows[-1][1]):
        rows.pop()  # Excel's formatted but empty rows at the end
    return rows


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _csv_rows(data: bytes, name: str) -> list[tuple[int, list[str]]]:
    """(first line, cells) of each record of a CSV export in the dialect it was saved in: UTF-8 (BOM or
    not) or Windows-1252, ',' or ';'. Lines counted as rawio counts them (CRLF or CR is one line end)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise InputError(f"{name}: neither UTF-8 nor Windows-1252 text; export the survey as .xlsx or as "
                             "CSV UTF-8.") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, end = [], 0
    try:
        for row in reader:
            rows.append((end + 1, row))
            end = reader.line_num
    except csv.Error as exc:
        raise InputError(f"{name}: not readable as CSV ({exc}); export the survey as .xlsx instead.") from None
    while rows and not any(rows[-1][1]):
        rows.pop()
    return rows
