"""``output/tabeller.xlsx``: every table of the report on its own sheet, for Excel users.

Sheets hold the processed tables in long form (one row per administration and year,
and so on) with Swedish headers, number formats, the source in a note row and frozen
headers; the first sheet lists the others. Which tables and diagrams get a sheet, in what order,
with what tab, title and source, is pipeline/present/contents.py's to say; the columns each
sheet shows (and their Swedish headers and number formats) are this module's. Dates inside the file (document properties,
zip entries) are the build date, so the workbook rebuilds byte-identically.

Text comes from the raw data and report.yml, which anyone may edit, so no text may become a
formula: every text is written as a string cell, and text that a spreadsheet would read as a
formula (a leading ``=``, ``+``, ``-``, ``@``, tab or carriage return) is prefixed with ``'``,
as OWASP advises against "CSV injection". Numbers stay numbers.
"""
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.errors import InputError
from pipeline.ingest.schemas import PROFESSIONS
from pipeline.present import contents

PERCENT = "0.0%"
INTEGER = "#,##0"
DECIMAL = "#,##0.00"


@dataclass(frozen=True)
class Sheet:
    name: str                      # the sheet's tab, at most 31 characters
    title: str                     # what the table shows, in Swedish
    dataset: str                   # the processed dataset it is read from
    columns: dict                  # processed column → (Swedish header, number format or None)
    source: str
    where: dict = field(default_factory=dict)  # column → value the rows must have
    entry: str = ""                # the id of the table or diagram in pipeline/present/contents.py


def _slug(profession: str) -> str:
    return profession.replace("å", "a").replace("ä", "a")


_TURNOVER = {"administration": ("Förvaltning", None), "administration_type": ("Typ", None), "year": ("År", "0"),
             "ended": ("Slutat", INTEGER), "headcount": ("Tillsvidareanställda 31/12 året före", INTEGER),
             "rate": ("Personalrörlighet", PERCENT)}

# Per entry with a sheet (contents.sheets()): processed column → (Swedish header, number format or None).
COLUMNS = {
    **{f"turnover-table-{_slug(p)}": _TURNOVER for p in PROFESSIONS},
    "survey-shares-sheet": {
        "occasion": ("Mättillfälle", None), "statement": ("Påstående", None), "group_type": ("Grupptyp", None),
        "group": ("Grupp", None), "n": ("Antal svar", INTEGER), "positive_share": ("Positiva", PERCENT),
        "neutral_share": ("Neutrala", PERCENT), "negative_share": ("Negativa", PERCENT),
        "suppressed": ("Undertryckt (för få svar)", None)},
    "consultants-table": {"year": ("År", "0"), "month": ("Månad", None), "consultants": ("Antal konsulter", INTEGER)},
    "researcher-respondents-table": {
        "dimension": ("Indelning", None), "category": ("Kategori", None), "count": ("Antal", INTEGER),
        "share": ("Andel", PERCENT)},
    "researcher-ranked-diagram": {
        "question": ("Fråga", None), "point": ("Punkt", None), "label": ("Område", None),
        "mentions": ("Omnämnanden", INTEGER)},
    "researcher-alternatives-table": {
        "question": ("Fråga", None), "alternative": ("Alternativ", "0"), "point": ("Punkt", None),
        "label": ("Område", None), "count": ("Antal", INTEGER), "share": ("Andel", PERCENT)},
    "researcher-open-answers-table": {
        "question": ("Fråga", None), "category": ("Tema", None), "count": ("Antal", INTEGER)},
    "administration-facts-table": {
        "administration": ("Stadsdel", None), "inhabitants": ("Invånare", INTEGER),
        "under_20_pct": ("Andel under 20 år (%)", "0.0"), "over_65_pct": ("Andel över 65 år (%)", "0.0"),
        "ohalsotal_days": ("Ohälsotal (dagar)", DECIMAL),
        "ekonomiskt_bistand_pct": ("Andel med ekonomiskt bistånd (%)", DECIMAL),
        "socialsekreterare": ("Socialsekreterare", INTEGER), "bistandshandlaggare": ("Biståndshandläggare", INTEGER),
        "approximate": ("Ungefärliga uppgifter (ca)", None)},
    "audit-reconciliation-sheet": {
        "check_id": ("Kontroll", None), "status": ("Utfall", None), "published": ("Publicerat", None),
        "computed": ("Beräknat", None), "source": ("Källa", None), "description": ("Beskrivning", None)},
}
# The rows of a dataset a sheet shows, where it shows only some (column → value).
WHERE = {f"turnover-table-{_slug(p)}": {"profession": p} for p in PROFESSIONS}
# The fields of an entry's source line, where the sheet covers all its instances.
SOURCE_FIELDS = {"administration-facts-table": {"name": "stadsdelsförvaltningarna"}}


def sheets() -> list[Sheet]:
    """The workbook's sheets in the report's order, as pipeline/present/contents.py declares them."""
    result = []
    for entry in contents.sheets():
        if entry.id not in COLUMNS:
            raise KeyError(f"pipeline/present/contents.py gives '{entry.id}' a sheet, but "
                           "pipeline/present/workbook.py has no columns for it (COLUMNS)")
        result.append(Sheet(contents.sheet_name(entry), contents.sheet_title(entry), entry.dataset,
                            COLUMNS[entry.id], contents.source(entry.id, **SOURCE_FIELDS.get(entry.id, {})),
                            WHERE.get(entry.id, {}), entry.id))
    return result


def rows(sheet: Sheet, frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The processed rows a sheet shows, its columns in the sheet's order."""
    frame = frames[sheet.dataset]
    for column, value in sheet.where.items():
        frame = frame[frame[column] == value]
    return frame[list(sheet.columns)].reset_index(drop=True)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# What openpyxl refuses to store (XML 1.0 forbids these control characters).
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralised(text: str) -> str:
    """``text`` with a leading ``'`` when a spreadsheet could take it for a formula (OWASP)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cell(value):
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def _append(page, values: list, where: str) -> None:
    """Append a row; every text in it is neutralised and stored as a string cell.

    openpyxl turns a text starting with ``=`` into a formula and one such as ``#N/A``
    into an error value; setting ``data_type`` to ``"s"`` after the value keeps it text.
    """
    for index, value in enumerate(values, start=1):
        if isinstance(value, str) and _UNSTORABLE.search(value):
            raise InputError(_unstorable_message(value, where, page.max_row + 1, index))
    page.append([neutralised(v) if isinstance(v, str) else v for v in values])
    row = page.max_row
    for index, value in enumerate(values, start=1):
        if isinstance(value, str):
            page.cell(row=row, column=index).data_type = "s"


def _unstorable_message(value: str, where: str, row: int, column: int) -> str:
    from openpyxl.utils import get_column_letter

    character = _UNSTORABLE.search(value).group()
    shown = repr(value[:40]) + ("…" if len(value) > 40 else "")
    return (f"output/tabeller.xlsx, sheet '{where}', cell {get_column_letter(column)}{row}: the text {shown} "
            f"holds the control character U+{ord(character):04X}, which a spreadsheet cannot store; "
            f"remove it from the file in data/raw/ (or report.yml) that holds this text.")


def write(frames: dict[str, pd.DataFrame], target: Path, build_date: dt.datetime, notes: dict | None = None) -> None:
    """Write the workbook; ``notes`` adds a line under a sheet's source (e.g. synthetic data)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    notes = notes or {}
    book = Workbook()
    listing = book.active
    listing.title = "Innehåll"
    _append(listing, ["Tabeller i rapporten"], listing.title)
    listing["A1"].font = Font(bold=True, size=13)
    _append(listing, ["Flik", "Innehåll", "Källa"], listing.title)
    for cell in listing[2]:
        cell.font = Font(bold=True)
    present = [s for s in sheets() if s.dataset in frames]
    for sheet in present:
        _append(listing, [sheet.name, sheet.title, sheet.source], listing.title)
        listing.cell(row=listing.max_row, column=1).hyperlink = f"#'{sheet.name}'!A1"
    listing.freeze_panes = "A3"
    listing.column_dimensions["A"].width = 30
    listing.column_dimensions["B"].width = 70
    listing.column_dimensions["C"].width = 90

    for sheet in present:
        data = rows(sheet, frames)
        page = book.create_sheet(sheet.name)
        _append(page, [sheet.title], sheet.name)
        page["A1"].font = Font(bold=True, size=12)
        _append(page, ["Källa: " + sheet.source + (" " + notes[sheet.dataset] if sheet.dataset in notes else "")],
                sheet.name)
        _append(page, [header for header, _ in sheet.columns.values()], sheet.name)
        for cell in page[3]:
            cell.font = Font(bold=True)
        for record in data.itertuples(index=False):
            _append(page, [_cell(v) for v in record], sheet.name)
        for index, (_, number_format) in enumerate(sheet.columns.values(), start=1):
            letter = get_column_letter(index)
            page.column_dimensions[letter].width = max(12, min(60, len(sheet.columns[list(sheet.columns)[index - 1]][0]) + 4))
            if number_format:
                for cell in page[letter][3:]:
                    cell.number_format = number_format
        page.freeze_panes = "A4"

    book.properties.creator = "pipeline"
    book.properties.created = build_date
    book.properties.modified = build_date
    buffer = io.BytesIO()
    book.save(buffer)
    target.write_bytes(_fixed_zip_dates(buffer.getvalue(), build_date))


def _fixed_zip_dates(data: bytes, when: dt.datetime) -> bytes:
    """Rewrite the zip with every entry dated ``when`` and the modified date pinned, for identical bytes."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(<)", rb"\g<1>" + stamp.encode() + rb"\g<2>", content)
            entry = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, content)
    return out.getvalue()


def read_back(path: Path, sheet: Sheet) -> pd.DataFrame:
    """A sheet as a DataFrame with the processed column names (for tests and checks)."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    values = list(book[sheet.name].iter_rows(min_row=4, values_only=True))
    return pd.DataFrame(values, columns=list(sheet.columns))
