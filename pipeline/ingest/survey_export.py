"""The survey tool's export as it comes (.xlsx or .csv, its own column names and answer texts) → the schema's CSV.

The city's survey tool exports a workbook whose columns and answers are worded its own way
("Respondent", "Instämmer helt"). ``report.yml``'s ``survey_export`` says how each maps
onto the schema of ``data/raw/survey_responses.csv``:

    survey_export:
      columns:   {"Respondent": respondent_id, "Tillfälle": occasion, …}
      answers:   {"Instämmer helt": "Stämmer mycket bra", …}
      occasions: {"Hösten <år>": HT<år>, …}

The export is turned into that CSV in memory, row for row (line N of the CSV is row N of
the sheet), and then read and validated exactly like every raw file: an answer or occasion
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
    rows = _workbook_rows(data, name) if data.startswith(WORKBOOK_MAGIC) else _csv_rows(data, name)
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
    for row in rows[1:]:
        cells = {column: (row[index].strip() if index < len(row) else "") for column, index in where.items()}
        for column in answer_columns:
            cells[column] = answers.get(cells[column], cells[column])
        if "occasion" in cells:
            cells["occasion"] = occasions.get(cells["occasion"], cells["occasion"])
        writer.writerow([cells[column] for column in columns])
    return out.getvalue().encode("utf-8")


def _workbook_rows(data: bytes, name: str) -> list[list[str]]:
    """The first sheet's cells as text; whole numbers without '.0', dates as ISO dates."""
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
            rows.append([_text(value) for value in values])
    finally:
        book.close()
    while rows and not any(rows[-1]):
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


def _csv_rows(data: bytes, name: str) -> list[list[str]]:
    """A CSV export in the dialect it was saved in: UTF-8 (BOM or not) or Windows-1252, ',' or ';'."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise InputError(f"{name}: neither UTF-8 nor Windows-1252 text; export the survey as .xlsx or as "
                             "CSV UTF-8.") from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise InputError(f"{name}: not readable as CSV ({exc}); export the survey as .xlsx instead.") from None
    while rows and not any(rows[-1]):
        rows.pop()
    return rows  # blank rows inside are kept, so that line N stays line N
