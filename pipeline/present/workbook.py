"""``output/tabeller.xlsx``: every table of the report on its own sheet, for Excel users.

Sheets hold the processed tables in long form (one row per administration and year,
and so on) with Swedish headers, the source in a note row, a frozen header row and an Excel
table with filters over the rows; the first sheet lists the others. Which tables and diagrams
get a sheet, in what order, with what tab, title and source, is pipeline/present/contents.py's
to say; the columns each sheet shows are this module's.

Everything a reader sees is Swedish: the processed files' codes (``district``, ``HT`` and a year,
``bra_arbetssituation``, ``ok`` …) are shown as the labels the project already gives them
(the statements' wording in ``survey.STATEMENTS``, the researcher's questions, the audit's
verdicts …); the CSVs in data/processed/ keep the codes. Where a machine needs the code
(the audit's check ids, which link a row to output/audit/reconciliation.csv), it stands in a
last column headed ``Kod``. Number formats are locale-neutral codes that a Swedish Excel or
LibreOffice shows as "13,2 %" and "1 234". Dates inside the file (document properties, zip
entries) are the build date, so the workbook rebuilds byte-identically.

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
from pipeline.present.audit_views import VERDICTS, verdict_label
from pipeline.present.labels import AREA_LABEL, FACT_LABEL, OPEN_QUESTION_LABEL
from pipeline.process import audit, consultants, researcher, survey

# Excel's format codes are locale-neutral: '.' is the decimal sign and ',' the thousands
# separator of the reader's locale, so a Swedish Excel or LibreOffice shows 0.132 as
# "13,2 %" (the no-break space is quoted, as a literal) and 1234 as "1 234".
PERCENT = '0.0"\u00a0"%'
PERCENT_AS_PRINTED = '0.0#"\u00a0"%'  # the district facts' shares, printed with one or two decimals
INTEGER = "#,##0"
DECIMAL = "#,##0.00"
YEAR = "0"
CODE_HEADER = "Kod"

# Labels for codes the project has no Swedish wording for elsewhere.
ADMINISTRATION_TYPE_LABEL = {"district": "Stadsdelsförvaltning", "all_districts": "Summa av stadsdelarna",
                             "central": "Fackförvaltning"}
ALL_DISTRICTS = "Alla stadsdelar"  # the house name of the all-districts series (the raw file's 'Stadsdelar total')
GROUP_TYPE_LABEL = {"city": "Hela staden", "area": "Område", "administration": "Förvaltning"}
DIMENSION_LABEL = {"area": "Område", "role": "Roll"}
YES_NO = {True: "Ja", False: "Nej", "True": "Ja", "False": "Nej", "true": "Ja", "false": "Nej"}
# The audit's measures (pipeline/process/audit.py MEASURES), as the sheet names them.
MEASURE_LABEL = {
    "turnover_ended": "antal som slutat enligt tabellen",
    "turnover_headcount": "antal tillsvidareanställda enligt tabellen",
    "turnover_district_sum_ended": "summan av stadsdelarnas antal som slutat",
    "turnover_district_sum_headcount": "summan av stadsdelarnas antal tillsvidareanställda",
    "consultants": "antal konsulter",
    "respondents_count": "antal svarande i kategorin",
    "respondents_total": "summan av de svarandes kategorier",
    "respondents_percent": "kategorins andel av de svarande",
    "mentions_table_total": "summan av rangordningstabellens rader",
    "mentions_percent": "radens andel av rangordningstabellen",
    "mentions_total": "omnämnanden som alternativ 1–3",
    "mentions_top_first": "den punkt som oftast nämns som alternativ 1",
    "open_answer_count": "antal gånger temat nämns",
}
PARAMETER_LABEL = {"profession": "yrke", "administration": "förvaltning", "year": "år", "month": "månad",
                   "dimension": "indelning", "category": "kategori", "question": "fråga",
                   "alternative": "alternativ", "point": "punkt"}
# The documents published_claims.csv cites (pipeline/ingest/schemas.py DOCUMENTS), as a reader knows them.
DOCUMENT_LABEL = {"002": "Rapporten", "003": "Bilaga 4"}
NOT_CHECKABLE = "Kan inte räknas om ur källornas tabeller; skälet står i output/audit/reconciliation.csv."


def _lookup(labels: dict):
    """value → its label; a value without one is shown as it is (text from the data, say)."""
    return lambda value: labels.get(value, value)


def _occasion(value):
    try:
        return survey.occasion_words(value).capitalize()
    except ValueError:
        return value


def _point(value):
    """The action plan's point as a number; 'övrigt' and 'ej_svar' have no number (the label says it)."""
    text = str(value)
    if text.isdigit():
        return int(text)
    return None if text in researcher.EXTRA_LABEL else value


def _approximate(value):
    """'socialsekreterare;bistandshandlaggare' → the facts' labels."""
    parts = [p for p in str(value).split(";") if p]
    return ", ".join(FACT_LABEL.get(p, p) for p in parts) or None


def _from_percent_units(value):
    """23.4 (percent) → 0.234, which the percent format shows as 23,4 %."""
    return value / 100 if isinstance(value, (int, float)) else value


_QUESTION_LABEL = {**researcher.QUESTION_LABEL, **OPEN_QUESTION_LABEL}
_CATEGORY_LABEL = {**AREA_LABEL, **researcher.ROLE_LABEL}
_MEASURE_OF_DESCRIPTION = {m.description: name for name, m in audit.MEASURES.items()}
_PARAMETER_VALUE = {"question": _lookup(_QUESTION_LABEL), "dimension": _lookup(DIMENSION_LABEL),
                    "category": _lookup(_CATEGORY_LABEL), "month": _lookup(consultants.MONTH_LABEL),
                    "point": _lookup(researcher.EXTRA_LABEL)}
_DESCRIPTION = re.compile(r"^»(?P<quote>.*?)«\s*(?:Recomputed: (?P<measure>.*?)(?: \((?P<parameters>[^()]*)\))?\.|"
                          r"Not checkable: (?P<reason>.*))$", re.S)


_PASSAGE = re.compile(r"^(?P<document>[0-9]+), (?P<passage>.*?)(?: \(rad [0-9–-]+\))?$", re.S)


def _cited(value):
    """'002, Tabell <n> (rad <rad>)' → 'Rapporten, Tabell <n>': the document by name; line numbers stay in the CSV."""
    found = _PASSAGE.match(str(value))
    if not found or found["document"] not in DOCUMENT_LABEL:
        return value
    return f"{DOCUMENT_LABEL[found['document']]}, {found['passage']}"


def _description(value) -> dict:
    """The audit's description ('»quote« Recomputed: measure (parameters).') taken apart, in Swedish."""
    found = _DESCRIPTION.match(str(value))
    if not found:
        return {"quote": value, "method": None}
    quote = re.sub(r"\*+", "", found["quote"]).strip()  # the extraction's markup stays in the CSV
    if found["reason"] is not None:
        return {"quote": quote, "method": NOT_CHECKABLE}
    name = _MEASURE_OF_DESCRIPTION.get(found["measure"])
    method = MEASURE_LABEL.get(name, found["measure"])
    pairs = [p.split("=", 1) for p in (found["parameters"] or "").split(";") if "=" in p]
    if pairs:
        method += " (" + "; ".join(f"{PARAMETER_LABEL.get(k, k)}: {_PARAMETER_VALUE.get(k, _lookup({}))(v)}"
                                   for k, v in pairs) + ")"
    return {"quote": quote, "method": "Räknat om: " + method + "."}


@dataclass(frozen=True)
class Column:
    key: str                       # the processed column shown, or the name of one derived from it
    header: str                    # the Swedish heading
    number_format: str | None = None
    label: object = None           # processed value → shown value (codes → Swedish labels)
    reads: str = ""                # the processed column it is derived from, when not ``key``
    from_row: object = None        # processed row (dict) → shown value, where the row decides it

    @property
    def processed(self) -> str:
        return self.reads or self.key


@dataclass(frozen=True)
class Sheet:
    name: str                      # the sheet's tab, at most 31 characters
    title: str                     # what the table shows, in Swedish
    dataset: str                   # the processed dataset it is read from
    columns: tuple                 # the Columns, in the sheet's order
    source: str
    where: dict = field(default_factory=dict)  # column → value the rows must have
    entry: str = ""                # the id of the table or diagram in pipeline/present/contents.py

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.columns]


def _administration(row: dict):
    return ALL_DISTRICTS if row["administration_type"] == "all_districts" else row["administration"]


_TURNOVER = (Column("administration", "Förvaltning", from_row=_administration),
             Column("administration_type", "Typ", label=_lookup(ADMINISTRATION_TYPE_LABEL)),
             Column("year", "År", YEAR), Column("ended", "Slutat", INTEGER),
             Column("headcount", "Tillsvidareanställda 31/12 året före", INTEGER),
             Column("rate", "Personalrörlighet", PERCENT))

_FACTS = ("inhabitants", "under_20_pct", "over_65_pct", "ohalsotal_days", "ekonomiskt_bistand_pct",
          "socialsekreterare", "bistandshandlaggare")
_FACT_FORMAT = {"inhabitants": INTEGER, "ohalsotal_days": DECIMAL, "socialsekreterare": INTEGER,
                "bistandshandlaggare": INTEGER}

# Per entry with a sheet (contents.sheets()): its columns.
COLUMNS = {
    **{f"turnover-table-{contents.profession_slug(p)}": _TURNOVER for p in PROFESSIONS},
    "survey-shares-sheet": (
        Column("occasion", "Mättillfälle", label=_occasion),
        Column("statement", "Påstående", label=_lookup(survey.STATEMENTS)),
        Column("group_type", "Grupptyp", label=_lookup(GROUP_TYPE_LABEL)),
        Column("group", "Grupp"), Column("n", "Antal svar", INTEGER),
        Column("positive_share", "Positiva", PERCENT), Column("neutral_share", "Neutrala", PERCENT),
        Column("negative_share", "Negativa", PERCENT),
        Column("suppressed", "Dolt (för få svar)", label=_lookup(YES_NO))),
    "consultants-table": (Column("year", "År", YEAR),
                          Column("month", "Månad", label=_lookup(consultants.MONTH_LABEL)),
                          Column("consultants", "Antal konsulter", INTEGER)),
    "researcher-respondents-table": (
        Column("dimension", "Indelning", label=_lookup(DIMENSION_LABEL)),
        Column("category", "Kategori", label=_lookup(_CATEGORY_LABEL)),
        Column("count", "Antal", INTEGER), Column("share", "Andel", PERCENT)),
    "researcher-ranked-diagram": (
        Column("question", "Fråga", label=_lookup(_QUESTION_LABEL)),
        Column("point", "Punkt", "0", label=_point), Column("label", "Område"),
        Column("mentions", "Omnämnanden", INTEGER)),
    "researcher-alternatives-table": (
        Column("question", "Fråga", label=_lookup(_QUESTION_LABEL)), Column("alternative", "Alternativ", "0"),
        Column("point", "Punkt", "0", label=_point), Column("label", "Område"),
        Column("count", "Antal", INTEGER), Column("share", "Andel", PERCENT)),
    "researcher-open-answers-table": (
        Column("question", "Fråga", label=_lookup(_QUESTION_LABEL)), Column("category", "Tema"),
        Column("count", "Antal", INTEGER)),
    "administration-facts-table": (
        Column("administration", "Stadsdel"),
        *(Column(c, FACT_LABEL[c], _FACT_FORMAT.get(c, PERCENT_AS_PRINTED),
                 label=None if c in _FACT_FORMAT else _from_percent_units) for c in _FACTS),
        Column("approximate", "Ungefärliga uppgifter (ca)", label=_approximate)),
    "audit-reconciliation-sheet": (
        Column("quote", "Citat", reads="description", label=lambda v: _description(v)["quote"]),
        Column("source", "Källa", label=_cited),
        Column("published", "Publicerat"), Column("computed", "Beräknat"),
        Column("status", "Utfall", label=lambda v: verdict_label(v).capitalize() if v in VERDICTS else v),
        Column("method", "Kontroll", reads="description", label=lambda v: _description(v)["method"]),
        Column("check_id", CODE_HEADER)),
}
# The rows of a dataset a sheet shows, where it shows only some (column → value).
WHERE = {f"turnover-table-{contents.profession_slug(p)}": {"profession": p} for p in PROFESSIONS}
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
                            tuple(COLUMNS[entry.id]), contents.source(entry.id, **SOURCE_FIELDS.get(entry.id, {})),
                            WHERE.get(entry.id, {}), entry.id))
    return result


def processed_rows(sheet: Sheet, frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The processed rows a sheet shows, as they are in data/processed/."""
    frame = frames[sheet.dataset]
    for column, value in sheet.where.items():
        frame = frame[frame[column] == value]
    return frame.reset_index(drop=True)


def rows(sheet: Sheet, frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """What the sheet shows: one column per Column (named by its key), codes turned into labels."""
    frame = processed_rows(sheet, frames)
    shown = {}
    records = frame.to_dict("records")
    for column in sheet.columns:
        if column.from_row is not None:
            values = [_cell(column.from_row(r)) for r in records]
        else:
            values = [_cell(v) for v in frame[column.processed].tolist()]
        if column.label is not None:
            values = [None if v is None else column.label(v) for v in values]
        shown[column.key] = pd.Series(values, dtype=object)
    return pd.DataFrame(shown, columns=sheet.keys)


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


def table_name(sheet_name: str, taken: set) -> str:
    """An Excel table name from the tab: letters, digits and '_', starting with a letter, unique."""
    base = re.sub(r"\W+", "_", sheet_name).strip("_") or "Tabell"
    if not base[0].isalpha():
        base = "Tabell_" + base
    name, number = base, 2
    while name.casefold() in taken:
        name, number = f"{base}_{number}", number + 1
    taken.add(name.casefold())
    return name


def _add_table(page, name: str, header_row: int, columns: int, last_row: int) -> None:
    """An Excel table with filter buttons over the header row and the rows under it (at least one row)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.filters import AutoFilter
    from openpyxl.worksheet.table import Table, TableStyleInfo

    ref = f"A{header_row}:{get_column_letter(columns)}{max(last_row, header_row + 1)}"
    table = Table(displayName=name, name=name, ref=ref, autoFilter=AutoFilter(ref=ref))
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    page.add_table(table)


def _width(value, number_format) -> int:
    if value is None:
        return 0
    if isinstance(value, str):
        return max(len(line) for line in value.split("\n")) if value else 0
    if number_format in (PERCENT, PERCENT_AS_PRINTED):
        return 7
    if isinstance(value, float) and not float(value).is_integer():
        return len(f"{value:,.2f}")
    return len(f"{value:,.0f}") if isinstance(value, (int, float)) else len(str(value))


def _widths(page, header_row: int, formats: list, shortest: int = 8, widest: int = 60) -> None:
    """Each column as wide as its longest heading or value (filter button included), within limits."""
    from openpyxl.utils import get_column_letter

    for index, number_format in enumerate(formats, start=1):
        cells = [c.value for c in page[get_column_letter(index)][header_row - 1:]]
        longest = max([len(str(cells[0])) + 3] + [_width(v, number_format) for v in cells[1:]])
        page.column_dimensions[get_column_letter(index)].width = max(shortest, min(widest, longest + 2))


def write(frames: dict[str, pd.DataFrame], target: Path, build_date: dt.datetime, notes: dict | None = None) -> None:
    """Write the workbook; ``notes`` (dataset → text) labels a sheet in its title, source and listing
    (e.g. synthetic data)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    notes = notes or {}
    book = Workbook()
    taken: set = set()
    listing = book.active
    listing.title = "Innehåll"
    _append(listing, ["Tabeller i rapporten"], listing.title)
    listing["A1"].font = Font(bold=True, size=13)
    _append(listing, ["Flik", "Innehåll", "Källa"], listing.title)
    present = [s for s in sheets() if s.dataset in frames]
    for sheet in present:
        note = notes.get(sheet.dataset)
        _append(listing, [sheet.name, sheet.title + (f" – {note}" if note else ""), sheet.source], listing.title)
        listing.cell(row=listing.max_row, column=1).hyperlink = f"#'{sheet.name}'!A1"
    _add_table(listing, table_name(listing.title, taken), 2, 3, listing.max_row)
    listing.freeze_panes = "A3"
    _widths(listing, 2, [None] * 3, widest=90)

    for sheet in present:
        data = rows(sheet, frames)
        note = notes.get(sheet.dataset)
        page = book.create_sheet(sheet.name)
        _append(page, [sheet.title + (f" – {note}" if note else "")], sheet.name)
        page["A1"].font = Font(bold=True, size=12, color="C00000" if note else None)
        _append(page, ["Källa: " + sheet.source + (" " + note if note else "")], sheet.name)
        _append(page, sheet.headers, sheet.name)
        for record in data.itertuples(index=False):
            _append(page, list(record), sheet.name)
        formats = [c.number_format for c in sheet.columns]
        for index, number_format in enumerate(formats, start=1):
            if number_format:
                for (cell,) in page.iter_rows(min_row=4, min_col=index, max_col=index):
                    cell.number_format = number_format
        _add_table(page, table_name(sheet.name, taken), 3, len(sheet.columns), page.max_row)
        _widths(page, 3, formats)
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
    """A sheet's rows as a DataFrame, its columns named by the Columns' keys (for tests and checks)."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    values = list(book[sheet.name].iter_rows(min_row=4, values_only=True))
    return pd.DataFrame(values, columns=sheet.keys)
