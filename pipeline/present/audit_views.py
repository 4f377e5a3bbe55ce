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
from pipeline.present import blocks, contents
from pipeline.process import audit

# The verdict a reader sees for each status code of output/audit/reconciliation.csv (which keeps the codes).
VERDICTS = {"ok": "stämmer", "mismatch": "avviker", "not_checkable": "kan inte kontrolleras"}

# The documents the claims cite (data/raw/published_claims.csv, column document), as a reader names them.
DOCUMENTS = {"002": "Rapporten", "003": "Följeforskarens rapport (Bilaga 4)"}

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


def checks_shown(rows: pd.DataFrame) -> pd.DataFrame:
    """The checks as a reader sees them: quote (row header), passage, both figures and the verdict."""
    return pd.DataFrame({
        "Var": [passage_shown(s) for s in rows["source"]],
        "Publicerat": [_number(v) for v in rows["published"]],
        "Beräknat": [_number(v) for v in rows["computed"]],
        "Utfall": [verdict_label(s) for s in rows["status"]],
    }, index=pd.Index([f"»{quote_shown(d)}«" for d in rows["description"]], name="Publicerad uppgift"))


def _number(value) -> str:
    if value is None or value != value:
        return fmt.EN_DASH
    value = float(value)
    return fmt.number(value, 0 if value.is_integer() else 1)


def counts_paragraph(reconciliation: pd.DataFrame) -> blocks.Text:
    c = audit.counts(reconciliation)
    return blocks.Text(
        f"Avstämningen omfattar {fmt.number(c['checks'])} publicerade uppgifter: {fmt.number(c['ok'])} stämmer med "
        f"det som räknas fram ur tabellerna, {fmt.number(c['mismatch'])} avviker och {fmt.number(c['not_checkable'])} kan inte kontrolleras "
        "eftersom underlaget saknas i källorna.", css="finding")


def counts_table(reconciliation: pd.DataFrame) -> blocks.Table:
    """Checks per outcome and in all (entry ``audit-counts-table``); its frame is the checks it counts."""
    c = audit.counts(reconciliation)
    shown = pd.DataFrame({"Antal": [fmt.number(c[s]) for s in audit.STATUSES] + [fmt.number(c["checks"])]},
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
        f"Av uppgifterna kan {fmt.number(len(rows))} inte kontrolleras, till exempel antalet gruppintervjuer, deltagarna "
        "i ledarutvecklingsprogrammet och förstärkningsteamets enkät: källorna innehåller inga data att räkna om dem "
        "från. Avstämningssidan visar varje uppgift med sitt utfall, och avstämningsfilen anger skälet för varje "
        "uppgift som inte kan kontrolleras (på engelska); båda finns i bilagan Underlag och proveniens.")


def reconciliation_table(reconciliation: pd.DataFrame) -> blocks.Table:
    """Every check, in the claims' order (entry ``audit-reconciliation-sheet``)."""
    rows = reconciliation.reset_index(drop=True)
    return blocks.Table(rows, checks_shown(rows), contents.caption("audit-reconciliation-sheet"),
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
        title=title, counts=Markup(counts_paragraph(reconciliation).html()),
        table=Markup(reconciliation_table(reconciliation).html()))
