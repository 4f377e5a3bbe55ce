"""The audit section: counts of checks and every mismatch with its quote and source, in Swedish.

A reader sees each check as its statement (the quote without the extraction's markup), where
it was published in words, the published and the recomputed figure and the verdict
(``verdict_label``); check ids, line numbers ("rad 379") and the English notes stay in
``output/audit/reconciliation.csv``.

Numbers, captions and sources come from ``contents`` (the entries ``audit-*``); the checks
from ``pipeline.process.audit``. ``page`` renders the standalone ``output/audit/reconciliation.html``
from ``templates/reconciliation.html.j2``.
"""
import re
from functools import lru_cache

import pandas as pd
from markupsafe import Markup

from pipeline import formatting as fmt
from pipeline import paths
from pipeline.present import blocks, contents, trace
from pipeline.process import audit

# The verdict a reader sees for each status code of output/audit/reconciliation.csv (which keeps the codes).
VERDICTS = {"ok": "stämmer", "mismatch": "avviker", "not_checkable": "kan inte kontrolleras"}

# The documents the claims cite (data/raw/published_claims.csv, column document), as a reader names them.
DOCUMENTS = {"002": "Rapporten", "003": "Följeforskarens rapport (Bilaga 4)"}

# What each measure of pipeline/process/audit.py recomputes (its English description), as a reader reads it.
MEASURE_WORDS = {
    "ended in the table cell": "antalet som slutade, i tabellens cell",
    "headcount in the table cell": "antalet tillsvidareanställda, i tabellens cell",
    "sum of the districts' ended": "summan av stadsdelarnas antal som slutade",
    "sum of the districts' headcount": "summan av stadsdelarnas antal tillsvidareanställda",
    "consultants counted": "antalet konsulter vid räkningen",
    "respondents in the category": "antalet svarande i kategorin",
    "sum of the respondents' categories": "summan av de svarandes kategorier",
    "category's share of the respondents": "kategorins andel av de svarande",
    "sum of the ranked table's rows": "summan av den rangordnade tabellens rader",
    "row's share of the ranked table": "radens andel av den rangordnade tabellens rader",
    "mentions over alternatives 1–3": "punktens omnämnanden som alternativ 1–3",
    "point most often named as alternative 1": "den punkt som oftast nämns som alternativ 1",
    "times the theme was named": "antal gånger temat nämns",
}
# The codes a check's parameters use (data/raw/published_claims.csv), in words.
CODE_WORDS = {"kommit_langst": "kommit längst", "storsta_behov": "största behov", "ej_svar": "ej svar",
              "skillnad_egen_arbetssituation": "skillnad för den egna arbetssituationen",
              "skillnad_medarbetare": "skillnad för medarbetarna", "skillnad_klienter": "skillnad för klienterna"}
_RECOMPUTED = re.compile(re.escape(audit.RECOMPUTED) + r"(?P<measure>.+?) \((?P<parameters>[^)]*)\)\.$")
_LINE = re.compile(r"\s*\(rad [^)]*\)")          # the extraction's line numbers: "(rad 379)", "(rad 7-8)"
_MARKUP = re.compile(r"[*⁰¹²³⁴⁵⁶⁷⁸⁹]")           # the extraction's emphasis (*…*) and footnote marks (²⁰)


def verdict_label(code: str) -> str:
    """The audit's verdict in Swedish for a status code: 'ok' → 'stämmer', 'mismatch' → 'avviker',
    'not_checkable' → 'kan inte kontrolleras'."""
    try:
        return VERDICTS[code]
    except KeyError:
        raise KeyError(f"'{code}' is not an audit status; pipeline/process/audit.py STATUSES are "
                       f"{', '.join(audit.STATUSES)}") from None


def verdict_for(reconciliation: pd.DataFrame, check_id: str) -> str:
    """The Swedish verdict of one check of the reconciliation ('avviker'), by its id in published_claims.csv."""
    rows = reconciliation.loc[reconciliation["check_id"] == check_id, "status"]
    if rows.empty:
        raise KeyError(f"no check '{check_id}' in the reconciliation (data/raw/published_claims.csv, column claim_id)")
    return verdict_label(rows.iloc[0])


def quote_shown(description: str) -> str:
    """The published statement as a reader reads it: the quote without the extraction's markup."""
    return " ".join(_MARKUP.sub("", audit.quote_of(description)).split())


def passage_shown(source: str) -> str:
    """Where the figure was published, in words: 'Rapporten, avsnittet »Antal konsulter«' (a table by its name)."""
    document, passage = audit.document_and_passage(source)
    passage = _LINE.sub("", passage).strip()
    name = DOCUMENTS.get(document, document)
    if not passage:
        return name
    if passage.startswith("Tabell "):
        return f"{name}, {passage}"
    if re.search(r"alternativ \d+$", passage):
        return f"{name}, tabellen »{passage}«"
    return f"{name}, avsnittet »{passage}«"


def checks_shown(rows: pd.DataFrame, traced: bool = True) -> pd.DataFrame:
    """The checks as a reader sees them: quote (row header), passage, both figures and the verdict; ``traced``
    figures carry how they were found and the check's row of published_claims.csv."""
    records = [row for _, row in rows.iterrows()]
    return pd.DataFrame({
        "Var": [passage_shown(s) for s in rows["source"]],
        "Publicerat": [_published(row) if traced else _number(row["published"]) for row in records],
        "Beräknat": [_computed(row) if traced else _number(row["computed"]) for row in records],
        "Utfall": [verdict_label(s) for s in rows["status"]],
    }, index=pd.Index([f"»{quote_shown(d)}«" for d in rows["description"]], name="Publicerad uppgift"))


def _published(row) -> str:
    shown = _number(row["published"])
    document, _ = audit.document_and_passage(row["source"])
    name = DOCUMENTS.get(document, document)
    how = f"Som {name[:1].lower()}{name[1:]} anger uppgiften, ingen beräkning"
    return trace.figure(shown, how, trace.rows_of(row))


def _computed(row) -> str:
    """The recomputed figure, traced to what was recomputed (in Swedish) and the check's raw row, which names it."""
    shown = _number(row["computed"])
    found = _RECOMPUTED.search(str(row["description"]))
    if shown == fmt.EN_DASH or not found:
        return shown
    measure = MEASURE_WORDS.get(found["measure"], found["measure"])
    parameters = ", ".join(CODE_WORDS.get(value, value) for value in
                           (part.partition("=")[2] for part in found["parameters"].split(";") if part))
    how = (f"Omräknat ur tabellerna: {measure} ({parameters}); uppgiftens rad i published_claims.csv anger vad "
           "som räknas om")
    return trace.figure(shown, how, trace.rows_of(row))


def counted(reconciliation: pd.DataFrame, status: str | None = None) -> str:
    """How many checks (with ``status``), traced to their rows of published_claims.csv."""
    rows = reconciliation if status is None else reconciliation[reconciliation["status"] == status]
    if status is None:
        how = "Antal publicerade uppgifter som stäms av: en rad per uppgift i published_claims.csv"
    else:
        how = (f"Antal uppgifter med utfallet ”{verdict_label(status)}” bland de "
               f"{fmt.number(len(reconciliation))} som stäms av")
    return trace.figure(fmt.number(len(rows)), how, trace.rows_of(rows))


def _number(value) -> str:
    if value is None or value != value:
        return fmt.EN_DASH
    value = float(value)
    return fmt.number(value, 0 if value.is_integer() else 1)


def counts_paragraph(reconciliation: pd.DataFrame, traced: bool = True) -> blocks.Text:
    """The counts in a sentence; untraced for the stand-alone page, which has no descriptions' style."""
    c = audit.counts(reconciliation)
    shown = ({key: counted(reconciliation, None if key == "checks" else key) for key in c} if traced
             else {key: fmt.number(value) for key, value in c.items()})
    return blocks.Text(
        f"Avstämningen omfattar {shown['checks']} publicerade uppgifter: {shown['ok']} stämmer med "
        f"det som räknas fram ur tabellerna, {shown['mismatch']} avviker och {shown['not_checkable']} kan inte kontrolleras "
        "eftersom underlaget saknas i källorna.", css="finding")


def counts_table(reconciliation: pd.DataFrame) -> blocks.Table:
    """Checks per outcome and in all (entry ``audit-counts-table``); its frame is the checks it counts."""
    c = audit.counts(reconciliation)
    shown = pd.DataFrame({"Antal": [counted(reconciliation, s) for s in audit.STATUSES] + [counted(reconciliation)]},
                         index=[verdict_label(s).capitalize() for s in audit.STATUSES] + ["Totalt"])
    frame = reconciliation[["check_id", "status"]].reset_index(drop=True)
    return blocks.Table(frame, shown, contents.caption("audit-counts-table"), contents.source("audit-counts-table"),
                        row_header="Utfall", row_css={"Totalt": "total"})


def mismatches_table(reconciliation: pd.DataFrame) -> blocks.Table | blocks.Text:
    """Every mismatch: the statement, where it was published, both figures (entry ``audit-mismatches-table``)."""
    rows = reconciliation[reconciliation["status"] == "mismatch"].reset_index(drop=True)
    if rows.empty:
        return blocks.Text("Ingen publicerad uppgift avviker från det som räknas fram ur tabellerna.")
    return blocks.Table(rows, checks_shown(rows), contents.caption("audit-mismatches-table"),
                        contents.source("audit-mismatches-table"), row_header="Publicerad uppgift",
                        numeric_columns=["Publicerat", "Beräknat"], css="audit")


def not_checkable_summary(reconciliation: pd.DataFrame) -> blocks.Text:
    rows = reconciliation[reconciliation["status"] == "not_checkable"]
    return blocks.Text(
        f"Av uppgifterna kan {counted(reconciliation, 'not_checkable')} inte kontrolleras, till exempel antalet gruppintervjuer, deltagarna "
        "i ledarutvecklingsprogrammet och förstärkningsteamets enkät: källorna innehåller inga data att räkna om dem "
        "från. Avstämningssidan visar varje uppgift med sitt utfall, och avstämningsfilen anger skälet för varje "
        "uppgift som inte kan kontrolleras (på engelska); båda finns i bilagan Underlag och proveniens.")


def reconciliation_table(reconciliation: pd.DataFrame, traced: bool = True) -> blocks.Table:
    """Every check, in the claims' order (entry ``audit-reconciliation-sheet``)."""
    rows = reconciliation.reset_index(drop=True)
    return blocks.Table(rows, checks_shown(rows, traced), contents.caption("audit-reconciliation-sheet"),
                        contents.source("audit-reconciliation-sheet"), row_header="Publicerad uppgift",
                        numeric_columns=["Publicerat", "Beräknat"], css="audit")


@lru_cache(maxsize=1)
def _environment():
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(paths.TEMPLATES), autoescape=True,
                              trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def page(reconciliation: pd.DataFrame, title: str) -> str:
    """The stand-alone ``output/audit/reconciliation.html``: every check, in the claims' order."""
    return _environment().get_template("reconciliation.html.j2").render(
        title=title, counts=Markup(counts_paragraph(reconciliation, traced=False).html()),
        table=Markup(reconciliation_table(reconciliation, traced=False).html()))
