"""Raw files saved by Excel or LibreOffice build exactly what the canonical files build.

Each dialect is made here from the committed canonical files (UTF-8 without BOM, ',',
decimal point, LF), the way the program would save them. Validation and processing of
the converted files must give ``data/processed/`` byte for byte as the canonical files
do, and the validation summary must record the dialect each file was read in. What
stays ambiguous is refused with a message saying how to save the file.
"""
import csv
import hashlib
import io
import json
import re
import shutil
import unicodedata
from pathlib import Path

import pytest

from conftest import ROOT, run_pipeline, tree_digest
from pipeline import config, paths
from pipeline.process import datasets, compute
from pipeline.ingest import rawio, schemas, validation
from pipeline.errors import InputError

RAW = ROOT / "data" / "raw"
BY_FILE = {spec.filename: spec for spec in schemas.RAW_FILES}


def _rows(canonical: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(canonical.decode("utf-8"), newline="")))


def _write(rows: list[list[str]], delimiter: str, newline: str) -> str:
    """CSV as spreadsheets write it: a value is quoted when it holds the separator, a quote or a line break."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerows(rows)
    return buffer.getvalue()


def _quoted_text(rows: list[list[str]], delimiter: str, newline: str) -> str:
    """LibreOffice's 'Quote all text cells': every cell that is not a number in double quotes."""
    def cell(value):
        return value if re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", value) else '"' + value.replace('"', '""') + '"'
    return "".join(delimiter.join(cell(value) for value in row) + newline for row in rows)


def _windows_1252(text: str) -> bytes:
    """The text in Windows-1252, or in UTF-8 where it holds a character Windows-1252 has not ('⁰'):
    saved in Windows-1252 that character would be lost, so such a file is saved as UTF-8."""
    try:
        return text.encode("cp1252")
    except UnicodeEncodeError:
        return text.encode("utf-8")


def _decimal_comma(spec: schemas.RawFile, rows: list[list[str]]) -> list[list[str]]:
    """Decimal columns written as Swedish Excel shows them: 24,5."""
    columns = [i for i, column in enumerate(spec.columns) if column.kind == "decimal"]
    return [rows[0]] + [[cell.replace(".", ",") if i in columns else cell for i, cell in enumerate(row)]
                        for row in rows[1:]]


def excel_csv_utf8(spec, canonical):
    """Excel 'CSV UTF-8 (Comma delimited)': a byte-order mark, CRLF."""
    return b"\xef\xbb\xbf" + _write(_rows(canonical), ",", "\r\n").encode("utf-8")


def excel_swedish_csv(spec, canonical):
    """Swedish Excel 'CSV (semikolonavgränsad)': Windows-1252, ';', decimal comma, CRLF, and two empty
    columns Excel keeps after formatted cells. Text Windows-1252 cannot hold ('⁰') makes one save the
    file as 'CSV UTF-8' instead, which Swedish Excel also writes with ';'."""
    rows = [row + ["", ""] for row in _decimal_comma(spec, _rows(canonical))]
    text = _write(rows, ";", "\r\n")
    try:
        return text.encode("cp1252")
    except UnicodeEncodeError:
        return b"\xef\xbb\xbf" + text.encode("utf-8")


def libreoffice_windows(spec, canonical):
    """LibreOffice Calc 'Text CSV' with its defaults on a Swedish Windows: Windows-1252, ',', CRLF."""
    return _windows_1252(_write(_rows(canonical), ",", "\r\n"))


def libreoffice_semicolon_quoted(spec, canonical):
    """LibreOffice with ';' chosen as separator, 'Quote all text cells' on, decimal point, UTF-8."""
    return _quoted_text(_rows(canonical), ";", "\n").encode("utf-8")


def macos_decomposed(spec, canonical):
    """A Mac program that writes letters in two parts (NFD): 'ä' as 'a' + U+0308."""
    return unicodedata.normalize("NFD", canonical.decode("utf-8")).encode("utf-8")


DIALECTS = {
    "excel-csv-utf8": excel_csv_utf8,
    "excel-swedish-csv": excel_swedish_csv,
    "libreoffice-windows": libreoffice_windows,
    "libreoffice-semicolon-quoted": libreoffice_semicolon_quoted,
    "macos-nfd": macos_decomposed,
}


def _raw_copy(target: Path, convert=None) -> Path:
    """data/raw/ copied to ``target``, every CSV converted by ``convert``."""
    shutil.copytree(RAW, target)
    if convert is not None:
        for filename, spec in BY_FILE.items():
            (target / filename).write_bytes(convert(spec, (RAW / filename).read_bytes()))
    return target


def _processed(raw_dir: Path, out: Path) -> tuple[dict[str, str], dict]:
    """(file name → SHA-256 of each processed dataset as built from ``raw_dir``, validation summary)."""
    params = config.load()
    tables, summary = validation.validate_all(params, raw_dir=raw_dir, docs_dir=None)
    for name, frame in compute.build(tables, params).items():
        datasets.write(datasets.DATASETS[name], frame, out)
    digests = {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(out.iterdir())}
    return digests, summary


@pytest.fixture(scope="module")
def canonical(tmp_path_factory):
    base = tmp_path_factory.mktemp("canonical")
    return _processed(_raw_copy(base / "raw"), base / "processed")


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_each_dialect_builds_the_same_processed_bytes_as_the_canonical_files(canonical, tmp_path, dialect):
    convert = DIALECTS[dialect]
    raw_dir = _raw_copy(tmp_path / "raw", convert)
    assert any((raw_dir / f).read_bytes() != (RAW / f).read_bytes() for f in BY_FILE), "nothing was converted"
    digests, summary = _processed(raw_dir, tmp_path / "processed")
    assert digests == canonical[0]
    # the summary says how each file was saved, as the bytes show it
    for filename, spec in BY_FILE.items():
        data = (raw_dir / filename).read_bytes()
        dialect_read = summary[spec.name]["dialect"]
        assert dialect_read["encoding"] == _encoding(data), filename
        assert dialect_read["newline"] == ("CRLF" if b"\r\n" in data else "LF"), filename
        assert dialect_read["delimiter"] == (";" if b";" in data.split(b"\n")[0] else ","), filename
        json.dumps(dialect_read)  # it goes into output/validation/results.json


def _encoding(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1252"


def test_swedish_excel_dialect_is_detected_in_full():
    spec = schemas.BY_NAME["district_facts"]
    data = excel_swedish_csv(spec, (RAW / spec.filename).read_bytes())
    frame = rawio.read_text_table(spec, Path("nowhere") / spec.filename, data)
    assert frame.attrs["dialect"] == {"encoding": "cp1252", "delimiter": ";", "decimal": ",", "newline": "CRLF",
                                      "trailing_empty_columns": 2, "normalised_to_nfc": 0}
    canonical = rawio.read_text_table(spec, RAW / spec.filename)
    assert frame.equals(canonical)


def test_the_bytes_given_are_read_not_the_file_on_disk(tmp_path):
    spec = schemas.BY_NAME["consultants"]
    path = tmp_path / spec.filename
    path.write_bytes((RAW / spec.filename).read_bytes())
    given = (RAW / spec.filename).read_bytes().replace(b"2016,april,88", b"2016,april,87")
    frame = rawio.read_text_table(spec, path, given)
    assert "87" in frame["consultants"].tolist() and "88" not in frame["consultants"].tolist()
    frame = rawio.read_text_table(spec, tmp_path / "deleted.csv", given)
    assert len(frame) == len(rawio.read_text_table(spec, path))


def test_decomposed_letters_are_composed_and_counted():
    spec = schemas.BY_NAME["administrations"]
    canonical = (RAW / spec.filename).read_bytes()
    frame = rawio.read_text_table(spec, RAW / spec.filename, macos_decomposed(spec, canonical))
    expected = rawio.read_text_table(spec, RAW / spec.filename)
    assert frame.equals(expected)
    changed = sum(1 for row in _rows(canonical)[1:] for cell in row if not cell.isascii())
    assert frame.attrs["dialect"]["normalised_to_nfc"] == changed > 0


def _refusal(spec_name: str, data: bytes) -> str:
    spec = schemas.BY_NAME[spec_name]
    with pytest.raises(InputError) as caught:
        rawio.read_text_table(spec, paths.RAW / spec.filename, data)
    return str(caught.value)


def test_decimals_written_both_ways_in_a_semicolon_file_are_refused_naming_both():
    spec = schemas.BY_NAME["district_facts"]
    data = excel_swedish_csv(spec, (RAW / spec.filename).read_bytes())
    comma_value = _rows((RAW / spec.filename).read_bytes())[2][2].replace(".", ",")  # Enskede's under_20_pct
    mixed = data.replace(comma_value.encode(), comma_value.replace(",", ".").encode(), 1)
    message = _refusal("district_facts", mixed)
    for phrase in ["data/raw/district_facts.csv", "both with a comma", "and with a point", "line 3",
                   f"'{comma_value.replace(',', '.')}'", "ambiguous", "24,5"]:
        assert phrase in message, (phrase, message)


@pytest.mark.parametrize("data, phrases", [
    (b"\xff\xfe" + "year,month\r\n".encode("utf-16-le"), ["UTF-16", "CSV UTF-8"]),
    ("year,month\n".encode("utf-16-le"), ["UTF-16"]),
    (b"PK\x03\x04\x14\x00\x06\x00" + bytes(200), ["Excel workbook", "save it as CSV"]),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), ["PNG image"]),
    (b"year,month,consultants,source\n2016,april,88,\"002, Tabell 3 \x81\"\n", ["line 2", "0x81",
                                                                              "neither in UTF-8 nor in Windows-1252"]),
    ("year,month,consultants,source\n2016,april,88,\"Tabell 3 ö\"\n".encode("utf-8")
     + "2016,november,100,\"Tabell 3 ö\"\n".encode("cp1252"), ["mixes two encodings", "line 2", "line 3"]),
    (b"year\tmonth\tconsultants\tsource\n2016\tapril\t88\tx\n", ["tabs"]),
], ids=["utf-16-bom", "utf-16", "xlsx", "png", "undefined-in-cp1252", "two-encodings", "tab-separated"])
def test_what_stays_ambiguous_or_is_no_csv_is_refused_saying_how_to_save(data, phrases):
    message = _refusal("consultants", data)
    assert message.startswith("data/raw/consultants.csv")
    for phrase in phrases:
        assert phrase in message, (phrase, message)
    assert len(message) < 600


def test_a_swedish_excel_file_builds_the_report_and_its_dialect_is_published(built_project):
    """End to end: turnover.csv saved by Swedish Excel; the build passes and data/processed/ is unchanged."""
    processed = built_project / "data" / "processed"
    before = tree_digest(processed)
    target = built_project / "data" / "raw" / "turnover.csv"
    original = target.read_bytes()
    try:
        target.write_bytes(excel_swedish_csv(schemas.BY_NAME["turnover"], original))
        result = run_pipeline(built_project, "report")
        results = json.loads((built_project / "output" / "validation" / paths.VALIDATION_RESULTS)
                             .read_text(encoding="utf-8"))
    finally:
        target.write_bytes(original)
        restored = run_pipeline(built_project, "report")  # output/ as the committed files build it
        assert restored.returncode == 0, restored.stderr
    assert result.returncode == 0, result.stdout + result.stderr
    assert tree_digest(processed) == before
    assert results["turnover"]["dialect"]["encoding"] == "cp1252"
    assert results["turnover"]["dialect"]["delimiter"] == ";"
    assert results["consultants"]["dialect"]["delimiter"] == ","


def test_decimal_commas_in_a_comma_separated_file_are_refused_once_for_the_file():
    spec = schemas.BY_NAME["district_facts"]
    rows = _decimal_comma(spec, _rows((RAW / spec.filename).read_bytes()))
    message = _refusal("district_facts", _write(rows, ",", "\n").encode("utf-8"))
    assert message.count("\n") == 0
    for phrase in ["data/raw/district_facts.csv, line 2, column 'under_20_pct'", f"'{rows[1][2]}'",
                   "may as well be a thousand", "CSV (semikolonavgränsad)"]:
        assert phrase in message, (phrase, message)
