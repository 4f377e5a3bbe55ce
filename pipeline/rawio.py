"""Reading raw CSV files strictly, before any rule about their values is checked.

A file that cannot be read as a table (wrong encoding, a byte-order mark, semicolons,
a missing or misspelt column, a short row) is refused here with a message naming the
file, the line and what to do; Great Expectations then checks the values.
"""
import csv
import io
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
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{where}, line {line}: byte 0x{data[exc.start]:02x} is not valid UTF-8 "
            "(the file looks like Latin-1/Windows-1252, where 'å', 'ä', 'ö' are single bytes). "
            "Save it as UTF-8."
        ) from None
    if not text.strip():
        raise InputError(f"{where}: the file is empty; expected a header line '{','.join(expected)}' and data rows.")
    rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    header = rows[0]
    if len(header) == 1 and ";" in header[0]:
        raise InputError(
            f"{where}, line 1: the file is separated by semicolons; the pipeline reads comma-separated "
            "files with a decimal point. Save it as CSV with ',' as separator."
        )
    _check_header(where, header, expected)
    records = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # blank lines carry no data
        if len(row) != len(expected):
            raise InputError(
                f"{where}, line {number}: {len(row)} values where the header has {len(expected)} "
                f"({', '.join(expected)}). The file may be truncated, or a value with a comma lacks quotes."
            )
        records.append([cell.strip() for cell in row] + [number])
    frame = pd.DataFrame(records, columns=expected + [LINE])
    for name in expected:
        frame[name] = frame[name].astype(object)
    return frame


def _check_header(where: str, header: list[str], expected: list[str]) -> None:
    header = [h.strip() for h in header]
    if header == expected:
        return
    missing = [c for c in expected if c not in header]
    extra = [c for c in header if c not in expected]
    if extra and missing:
        first = extra[0]
        raise InputError(
            f"{where}, line 1: column '{first}' is not one of this file's columns{suggestion(first, missing)}; "
            f"expected the columns {', '.join(expected)}."
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
