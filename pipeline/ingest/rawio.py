"""Reading raw CSV files in the dialect they were saved in, before any rule about their values is checked.

The project lead saves the raw files from Excel or LibreOffice, so a file arrives in one
of their dialects. Each file's dialect is detected once, from the file as a whole (never
guessed cell by cell), and its cells are returned in the canonical form: what follows
reading is then exactly what it would be for the canonical file (UTF-8 without BOM, ','
between values, a decimal point, LF line ends). Accepted:

- encoding: UTF-8 with or without a byte-order mark ('CSV UTF-8'); Windows-1252 when the
  bytes are not UTF-8 (Excel's plain 'CSV' on a Swedish Windows);
- separator: ',' or ';', read from the header line, which must name the expected columns;
- decimal mark: ',' in the decimal columns of a ';'-separated file (Swedish Excel), when
  the whole file writes its decimals that way;
- line ends: LF, CRLF or CR;
- trailing empty columns (Excel's ';;;' at line ends, unnamed at the end of the header);
- letters in two parts (decomposed Unicode, as macOS may save 'ä') are composed (NFC).

What stays ambiguous or is no table at all is refused with a message naming the file, the
line and how to save it: UTF-16, bytes undefined in Windows-1252, two encodings in one
file, decimals written both ways, a decimal comma in a ','-separated file (1,234 may be a
thousand), an Excel workbook renamed .csv, an image. Great Expectations then checks the values.
The file is only read: nothing here writes to ``data/raw/``.
"""
import csv
import io
import re
import unicodedata
from pathlib import Path

import pandas as pd

from pipeline import paths
from pipeline.errors import InputError, show, suggestion
from pipeline.ingest.schemas import RawFile

# Column holding each row's line number in the file, for messages and for the processed rows' raw_rows:
# the 1-based physical line the row begins on (header = line 1; a byte-order mark and CRLF or CR line
# ends change nothing), the number a text editor shows.
LINE = "line"

HOW_TO_SAVE = ("Save it from Excel as 'CSV UTF-8 (kommaavgränsad)' or 'CSV (semikolonavgränsad)', or from "
               "LibreOffice as 'Text CSV' with the character set UTF-8.")

NOT_TEXT = [  # how a file that is no text begins, and what it then is
    (b"PK\x03\x04", "this is an Excel workbook (.xlsx) or another zip archive, not a CSV file; save it as CSV"),
    (b"\xd0\xcf\x11\xe0", "this is an Excel 97-2003 workbook (.xls), not a CSV file; save it as CSV"),
    (b"%PDF", "this is a PDF document, not a CSV file"),
    (b"\x89PNG", "this is a PNG image, not a CSV file"),
    (b"\xff\xd8\xff", "this is a JPEG image, not a CSV file"),
    (b"GIF8", "this is a GIF image, not a CSV file"),
]
UTF8_BOM = b"\xef\xbb\xbf"
DELIMITERS = [",", ";"]
DECIMAL_COMMA = re.compile(r"-?[0-9]+,[0-9]+")  # 24,5 — ASCII digits only


def read_text_table(spec: RawFile, path: Path, data: bytes | None = None) -> pd.DataFrame:
    """The file's cells as canonical text ('' for blank), one row per data line, plus its line number.

    ``data``, when given, are the file's bytes as the build already read them: the file is
    then not read again, so the bytes validated are the bytes hashed. The frame's
    ``attrs["dialect"]`` says how the file was saved, e.g. ``{"encoding": "cp1252",
    "delimiter": ";", "decimal": ",", "newline": "CRLF", "trailing_empty_columns": 2,
    "normalised_to_nfc": 0}`` (``decimal`` is None when no decimal value has a fraction;
    ``normalised_to_nfc`` counts the cells whose letters were composed).
    """
    where = paths.relative(path)
    expected = spec.column_names
    if data is None:
        data = _read(where, Path(path), expected)
    text, encoding = _decode(where, data)
    text, newline = _newlines(text)
    if not text.strip():
        raise InputError(f"{where}: the file is empty; expected a header line '{','.join(expected)}' and data rows.")
    delimiter = _delimiter(where, text, expected)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows = []  # (line number, cells): the row's first physical line, where an editor shows it begin
    end = 0  # the last physical line read so far (a quoted value may spread a row over several)
    try:
        for row in reader:
            rows.append((end + 1, row))
            end = reader.line_num
    except csv.Error as exc:
        raise InputError(_unreadable(where, text, end + 1, reader.line_num, str(exc), expected, delimiter)) from None
    header, trailing = _without_trailing_blanks([unicodedata.normalize("NFC", h).strip() for h in rows[0][1]])
    _check_header(where, header, expected)
    records = []
    composed = 0
    for number, row in rows[1:]:
        if not any(cell.strip() for cell in row):
            continue  # blank lines carry no data
        if len(row) > len(expected) and not any(cell.strip() for cell in row[len(expected):]):
            trailing = max(trailing, len(row) - len(expected))
            row = row[:len(expected)]  # the empty columns Excel leaves at the end of a line
        if len(row) != len(expected):
            raise InputError(_wrong_length(where, number, row, spec, delimiter,
                                           last=number == rows[-1][0], text=text))
        cells = [unicodedata.normalize("NFC", cell).strip() for cell in row]
        composed += sum(1 for cell, raw in zip(cells, row) if cell != raw.strip())
        records.append(cells + [number])
    decimal = _decimal_mark(where, spec, delimiter, records)
    frame = pd.DataFrame(records, columns=expected + [LINE])
    for name in expected:
        frame[name] = frame[name].astype(object)
    frame.attrs["dialect"] = {"encoding": encoding, "delimiter": delimiter, "decimal": decimal, "newline": newline,
                              "trailing_empty_columns": trailing, "normalised_to_nfc": composed}
    return frame


def _read(where: str, path: Path, expected: list[str]) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{where}: file is missing; expected a CSV with the columns {', '.join(expected)}.") from None
    except IsADirectoryError:
        raise InputError(f"{where} is a directory; expected a CSV file with the columns "
                         f"{', '.join(expected)}.") from None
    except OSError as exc:
        raise InputError(f"{where}: the file cannot be read ({exc.strerror}).") from None


def _decode(where: str, data: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 with or without BOM, else Windows-1252; anything else is refused."""
    for magic, what in NOT_TEXT:
        if data.startswith(magic):
            raise InputError(f"{where}: {what}. {HOW_TO_SAVE}")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(data):
        raise InputError(f"{where}: the file is UTF-16 (Excel's 'Unicode text'), which is not read. {HOW_TO_SAVE}")
    if b"\x00" in data:
        line = data[:data.index(b"\x00")].count(b"\n") + 1
        raise InputError(f"{where}, line {line}: the file contains NUL bytes (0x00), so it is not a text file. "
                         f"Is it the right file? {HOW_TO_SAVE}")
    if data.startswith(UTF8_BOM):
        try:
            return data[len(UTF8_BOM):].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            line = data[:exc.start + len(UTF8_BOM)].count(b"\n") + 1
            raise InputError(f"{where}, line {line}: the file starts with a UTF-8 byte-order mark but byte "
                             f"0x{data[exc.start + len(UTF8_BOM)]:02x} there is not UTF-8: the file mixes two "
                             f"encodings. {HOW_TO_SAVE}") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    _one_encoding(where, data)
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InputError(f"{where}, line {line}: byte 0x{data[exc.start]:02x} is a character neither in UTF-8 nor in "
                         "Windows-1252 (the encodings Excel and LibreOffice save CSV in), so the file's encoding "
                         f"is unknown. {HOW_TO_SAVE}") from None


def _looks_utf16(data: bytes) -> bool:
    """UTF-16 without a byte-order mark: every other byte of its (mostly ASCII) text is 0x00."""
    sample = data[:4096]
    return len(sample) >= 4 and max(sample[0::2].count(0), sample[1::2].count(0)) >= len(sample) // 4


def _one_encoding(where: str, data: bytes) -> None:
    """Refuse a file with some lines in UTF-8 and others in Windows-1252 (appended to in another program)."""
    utf8 = other = None
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8 = utf8 or number
        except UnicodeDecodeError:
            other = other or number
        if utf8 and other:
            raise InputError(f"{where}: the file mixes two encodings: line {utf8} is UTF-8 and line {other} is not "
                             "(probably Windows-1252), so letters such as 'å', 'ä', 'ö' cannot be read in both. "
                             f"It was probably edited in two programs. {HOW_TO_SAVE}")


def _newlines(text: str) -> tuple[str, str | None]:
    """(text with LF line ends, how the lines ended: 'LF', 'CRLF', 'CR', 'mixed' or None for one line)."""
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    cr = text.count("\r") - crlf
    kinds = [name for name, count in (("LF", lf), ("CRLF", crlf), ("CR", cr)) if count]
    newline = kinds[0] if len(kinds) == 1 else ("mixed" if kinds else None)
    return text.replace("\r\n", "\n").replace("\r", "\n"), newline


def _first_row(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return []


def _delimiter(where: str, text: str, expected: list[str]) -> str:
    """',' or ';': the separator under which the header line names the most expected columns."""
    first = text.split("\n", 1)[0]
    named = {d: sum(1 for name in _first_row(first, d) if name.strip() in expected) for d in DELIMITERS + ["\t"]}
    best = max(DELIMITERS + ["\t"], key=lambda d: named[d])  # ties go to the earlier: ','
    if named[best] == 0:
        return ";" if first.count(";") > first.count(",") else ","  # the header check says what is wrong
    if best == "\t":
        raise InputError(f"{where}, line 1: the values are separated by tabs (Excel's 'Text (tab-delimited)'), "
                         f"which is not read. {HOW_TO_SAVE}")
    return best


def _without_trailing_blanks(cells: list[str]) -> tuple[list[str], int]:
    """(cells without the blank ones at the end, how many were dropped)."""
    kept = list(cells)
    while kept and kept[-1] == "":
        kept.pop()
    return kept, len(cells) - len(kept)


def _decimal_mark(where: str, spec: RawFile, delimiter: str, records: list[list]) -> str | None:
    """The decimal mark the file's decimal columns use; a ';'-separated file's '24,5' becomes '24.5' in place.

    Decided once for the whole file: a ';'-separated file writing both '24,5' and '24.5' is
    refused. In a ','-separated file a comma inside a number (quoted '1,234') may be a decimal
    or a thousands separator: a file writing its decimals so is refused with one message, and
    a single such value among decimal points is left as written for the format rule to name.
    """
    columns = [(index, column.name) for index, column in enumerate(spec.columns) if column.kind == "decimal"]
    comma = point = None  # first (line, column, value) written with each mark
    for record in records:
        for index, name in columns:
            value = record[index]
            if "," in value and comma is None:
                comma = (record[-1], name, value)
            if "." in value and point is None:
                point = (record[-1], name, value)
    if delimiter == ";" and comma and point:
        raise InputError(
            f"{where}: decimals are written both with a comma (line {comma[0]}, column '{comma[1]}': "
            f"{show(comma[2])}) and with a point (line {point[0]}, column '{point[1]}': {show(point[2])}), so "
            "the file's decimal mark is ambiguous. Write every decimal the same way: with a comma (24,5), as "
            "Swedish Excel saves a file separated by semicolons, or with a point (24.5).")
    if delimiter == "," and comma and not point:
        raise InputError(
            f"{where}, line {comma[0]}, column '{comma[1]}': value {show(comma[2])}: the file writes its decimals "
            "with a comma but also separates its values with commas, where '1,234' may as well be a thousand. "
            "Write decimals with a point (24.5), or save the file with ';' as separator (Excel: "
            "'CSV (semikolonavgränsad)'), where a decimal comma is read.")
    if delimiter == ";" and comma:
        for record in records:
            for index, _ in columns:
                if DECIMAL_COMMA.fullmatch(record[index]):
                    record[index] = record[index].replace(",", ".")
        return ","
    return "." if point else None


def _unreadable(where: str, text: str, start: int, end: int, reason: str, expected: list[str],
                delimiter: str) -> str:
    """A row the csv module cannot read: most often a quoted value that is never closed."""
    if "field larger than field limit" in reason:
        limit = f"{csv.field_size_limit():,}".replace(",", " ")
        return (f"{where}, line {end}: a single value there is longer than {limit} characters, so this is not "
                "a table of the report's data. Is it the right file?")
    if "unexpected end of data" not in reason:
        return (f"{where}, line {end}: not readable as CSV ({reason}). A value containing '\"' must be enclosed "
                "in double quotes and double the '\"' inside ('\"\"').")
    record = "\n".join(text.split("\n")[start - 1:])
    cells = _first_row(record.replace("\n", " ") + '"', delimiter) or [""]
    column = expected[min(len(cells), len(expected)) - 1]
    opened = show(cells[-1], 60)
    if start == end:
        return (f"{where}, line {start}, column '{column}': the file ends inside the quoted value {opened} "
                "(no closing '\"'). The file looks truncated (cut mid-line): restore the rest of the row "
                "and the rows after it.")
    return (f"{where}, line {start}, column '{column}': the quoted value {opened} is never closed, so it runs "
            f"to the end of the file (line {end}). Add the closing '\"'.")


def _wrong_length(where: str, number: int, row: list[str], spec: RawFile, delimiter: str, last: bool,
                  text: str) -> str:
    expected = spec.column_names
    counts = f"{len(row)} values where the file has {len(expected)} columns ({', '.join(expected)})"
    if len(row) < len(expected):
        ends = f"it ends after column '{expected[len(row) - 1]}' with the value {show(row[-1])}"
        missing = ", ".join(expected[len(row):])
        cut = last and not text.endswith("\n")
        cause = ("The file looks truncated (cut mid-line): restore the rest of the row and the rows after it."
                 if cut else "A row may be split over two lines, or values are missing.")
        return f"{where}, line {number}: {counts}; {ends}, and {missing} are missing. {cause}"
    extra = len(row) - len(expected)
    read_as = ", ".join(f"{name} {show(value)}" for name, value in zip(expected, row))
    left = ", ".join(show(value) for value in row[len(expected):][:3]) + (", …" if extra > 3 else "")
    if delimiter == ";":
        return (f"{where}, line {number}: {counts}; read as {read_as}, and {left} left over. A text containing "
                "';' must be enclosed in double quotes, or it splits into two values.")
    candidates = [column.name for index, column in enumerate(spec.columns) if column.kind in ("int", "decimal")
                  and all(re.fullmatch(r"-?[0-9]+", p.strip()) for p in row[index:index + extra + 1])]
    guess = (f" Column '{candidates[0]}' probably holds a number written with a decimal comma."
             if len(candidates) == 1 else "")
    return (f"{where}, line {number}: {counts}; read as {read_as}, and {left} left over.{guess} A number with a "
            "decimal comma (24,5) or a text with a comma but no double quotes splits into two values: write "
            "numbers with a decimal point (24.5) and enclose text containing commas in double quotes.")


def _check_header(where: str, header: list[str], expected: list[str]) -> None:
    if header == expected:
        return
    missing = [c for c in expected if c not in header]
    extra = [c for c in header if c not in expected]
    if len(missing) == len(expected):
        raise InputError(
            f"{where}, line 1: the first line must be the header naming the columns {', '.join(expected)}; it reads "
            f"{show(','.join(header))}. Is it the right file? Each file needs its header line as its first line.")
    if extra and missing:
        first = extra[0]
        hint = suggestion(first, missing) or f" (was '{missing[0]}' renamed?)"
        named = f"column {show(first)}" if first else "an unnamed column"
        raise InputError(
            f"{where}, line 1: {named} is not one of this file's columns and column '{missing[0]}' is "
            f"missing{hint}; expected the columns {', '.join(expected)}."
        )
    if missing:
        raise InputError(
            f"{where}, line 1: column '{missing[0]}' is missing; expected the columns {', '.join(expected)}."
        )
    if extra:
        named = f"column {show(extra[0])}" if extra[0] else "an unnamed column"
        raise InputError(
            f"{where}, line 1: {named} is not one of this file's columns; expected exactly {', '.join(expected)}."
        )
    raise InputError(
        f"{where}, line 1: the columns are in another order or repeated; expected {', '.join(expected)} in that order."
    )
