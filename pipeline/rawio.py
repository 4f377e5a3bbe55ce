"""Reading raw CSV files strictly, before any rule about their values is checked.

A file that cannot be read as a table (wrong encoding, a byte-order mark, semicolons,
a missing or misspelt column, a short row) is refused here with a message naming the
file, the line and what to do; Great Expectations then checks the values.
"""
import csv
import io
import re
from pathlib import Path

import pandas as pd

from pipeline import paths
from pipeline.errors import InputError, suggestion
from pipeline.schemas import RawFile

LINE = "line"  # column holding each row's line number in the file, for messages


def read_text_table(spec: RawFile, path: Path) -> pd.DataFrame:
    """The file's cells as text ('' for blank), one row per data line, plus its line number."""
    where = paths.relative(path)
    expected = spec.column_names
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(f"{where}: file is missing; expected a CSV with the columns {', '.join(expected)}.") from None
    if data.startswith(b"\xef\xbb\xbf"):
        raise InputError(
            f"{where}, line 1: the file starts with a byte-order mark (BOM). "
            "Save it as plain UTF-8 without BOM (in Excel, 'CSV UTF-8' adds one: use a text editor or LibreOffice)."
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{where}, line 1: the file is UTF-16; save it as UTF-8 without BOM.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(_not_utf8(where, data, exc.start, expected)) from None
    if not text.strip():
        raise InputError(f"{where}: the file is empty; expected a header line '{','.join(expected)}' and data rows.")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows = []  # (line number, cells)
    try:
        for row in reader:
            rows.append((reader.line_num, row))
    except csv.Error as exc:
        start = rows[-1][0] + 1 if rows else 1
        raise InputError(_unreadable(where, text, start, reader.line_num, str(exc), expected)) from None
    header = rows[0][1]
    if len(header) == 1 and ";" in header[0]:
        raise InputError(
            f"{where}, line 1: the file is separated by semicolons; the pipeline reads comma-separated "
            "files with a decimal point. Save it as CSV with ',' as separator."
        )
    _check_header(where, header, expected)
    records = []
    for number, row in rows[1:]:
        if not any(cell.strip() for cell in row):
            continue  # blank lines carry no data
        if len(row) != len(expected):
            raise InputError(_wrong_length(where, number, row, spec, last=number == rows[-1][0], text=text))
        records.append([cell.strip() for cell in row] + [number])
    frame = pd.DataFrame(records, columns=expected + [LINE])
    for name in expected:
        frame[name] = frame[name].astype(object)
    return frame


def _not_utf8(where: str, data: bytes, offset: int, expected: list[str]) -> str:
    """Which line, column and value hold the first byte that is not UTF-8, shown as Latin-1 would read it."""
    line = data[:offset].count(b"\n") + 1
    start = data.rfind(b"\n", 0, offset) + 1
    end = data.find(b"\n", offset)
    raw_line = data[start:] if end < 0 else data[start:end]
    place = ""
    if line > 1:
        cells = next(csv.reader([raw_line.decode("cp1252", errors="replace")]), [])
        for name, cell in zip(expected, cells):
            if any(ord(ch) > 127 for ch in cell):
                place = f", column '{name}': value '{cell.strip()}'"
                break
    return (
        f"{where}, line {line}{place} is not valid UTF-8 (byte 0x{data[offset]:02x}): the file looks saved as "
        "Latin-1/Windows-1252, where 'å', 'ä', 'ö' are single bytes. Save it as UTF-8 (in Excel: 'CSV UTF-8', "
        "then remove the byte-order mark; or use a text editor or LibreOffice)."
    )


def _unreadable(where: str, text: str, start: int, end: int, reason: str, expected: list[str]) -> str:
    """A row the csv module cannot read: most often a quoted value that is never closed."""
    if "unexpected end of data" not in reason:
        return (f"{where}, line {end}: not readable as CSV ({reason}). A value containing '\"' must be enclosed "
                "in double quotes and double the '\"' inside ('\"\"').")
    record = "\n".join(text.split("\n")[start - 1:])
    cells = next(csv.reader([record.replace("\n", " ") + '"']), [""])
    column = expected[min(len(cells), len(expected)) - 1]
    opened = cells[-1][:60]
    if start == end:
        return (f"{where}, line {start}, column '{column}': the file ends inside the quoted value '{opened}' "
                "(no closing '\"'). The file looks truncated (cut mid-line): restore the rest of the row "
                "and the rows after it.")
    return (f"{where}, line {start}, column '{column}': the quoted value '{opened}…' is never closed, so it runs "
            f"to the end of the file (line {end}). Add the closing '\"'.")


def _wrong_length(where: str, number: int, row: list[str], spec: RawFile, last: bool, text: str) -> str:
    expected = spec.column_names
    counts = f"{len(row)} values where the file has {len(expected)} columns ({', '.join(expected)})"
    if len(row) < len(expected):
        ends = f"it ends after column '{expected[len(row) - 1]}' with the value '{row[-1]}'"
        missing = ", ".join(expected[len(row):])
        cut = last and not text.endswith("\n")
        cause = ("The file looks truncated (cut mid-line): restore the rest of the row and the rows after it."
                 if cut else "A row may be split over two lines, or values are missing.")
        return f"{where}, line {number}: {counts}; {ends}, and {missing} are missing. {cause}"
    extra = len(row) - len(expected)
    read_as = ", ".join(f"{name} '{_short(value)}'" for name, value in zip(expected, row))
    left = ", ".join(f"'{_short(value)}'" for value in row[len(expected):])
    candidates = [column.name for index, column in enumerate(spec.columns) if column.kind in ("int", "decimal")
                  and all(re.fullmatch(r"-?\d+", p.strip()) for p in row[index:index + extra + 1])]
    guess = (f" Column '{candidates[0]}' probably holds a number written with a decimal comma."
             if len(candidates) == 1 else "")
    return (f"{where}, line {number}: {counts}; read as {read_as}, and {left} left over.{guess} A number with a "
            "decimal comma (24,5) or a text with a comma but no double quotes splits into two values: write "
            "numbers with a decimal point (24.5) and enclose text containing commas in double quotes.")


def _short(value: str, width: int = 40) -> str:
    return value if len(value) <= width else value[:width] + "…"


def _check_header(where: str, header: list[str], expected: list[str]) -> None:
    header = [h.strip() for h in header]
    if header == expected:
        return
    missing = [c for c in expected if c not in header]
    extra = [c for c in header if c not in expected]
    if extra and missing:
        first = extra[0]
        hint = suggestion(first, missing) or f" (was '{missing[0]}' renamed?)"
        raise InputError(
            f"{where}, line 1: column '{first}' is not one of this file's columns and column '{missing[0]}' is "
            f"missing{hint}; expected the columns {', '.join(expected)}."
        )
    if missing:
        raise InputError(
            f"{where}, line 1: column '{missing[0]}' is missing; expected the columns {', '.join(expected)}."
        )
    if extra:
        raise InputError(
            f"{where}, line 1: column '{extra[0]}' is not one of this file's columns; "
            f"expected exactly {', '.join(expected)}."
        )
    raise InputError(
        f"{where}, line 1: the columns are in another order or repeated; expected {', '.join(expected)} in that order."
    )
