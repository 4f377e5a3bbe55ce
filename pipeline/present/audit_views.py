"""The audit section: counts of checks and every mismatch with its quote and source, in Swedish.

Numbers, captions and sources come from ``contents`` (the entries ``audit-*``); the checks
from ``pipeline.process.audit``. ``page`` renders the standalone ``output/audit/reconciliation.html``
from ``templates/reconciliation.html.j2``.
"""
from functools import lru_cache

import pandas as pd
from markupsafe import Markup

from pipeline import formatting as fmt
from pipeline import paths
from pipeline.present import blocks, contents
from pipeline.process import audit

STATUS_LABEL = {"ok": "stämmer", "mismatch": "avviker", "not_checkable": "kan inte kontrolleras"}


def _number(value) -> str:
    if value is None or value != value:
        return fmt.EN_DASH
    value = float(value)
    return fmt.number(value, 0 if value.is_integer() else 1)


def counts_paragraph(reconciliation: pd.DataFrame) -> blocks.Text:
    c = audit.counts(reconciliation)
    return blocks.Text(
        f"Avstämningen omfattar {fmt.number(c['checks'])} publicerade uppgifter: {fmt.number(c['ok'])} stämmer med "
        f"rådata, {fmt.number(c['mismatch'])} avviker och {fmt.number(c['not_checkable'])} kan inte kontrolleras "
        "eftersom underlaget saknas i källorna.", css="finding")


def counts_table(reconciliation: pd.DataFrame) -> blocks.Table:
    """Checks per outcome and in all (entry ``audit-counts-table``); its frame is the checks it counts."""
    c = audit.counts(reconciliation)
    shown = pd.DataFrame({"Antal": [fmt.number(c[s]) for s in audit.STATUSES] + [fmt.number(c["checks"])]},
                         index=[STATUS_LABEL[s].capitalize() for s in audit.STATUSES] + ["Totalt"])
    frame = reconciliation[["check_id", "status"]].reset_index(drop=True)
    return blocks.Table(frame, shown, contents.caption("audit-counts-table"), contents.source("audit-counts-table"),
                        row_header="Utfall", row_css={"Totalt": "total"})


def mismatches_table(reconciliation: pd.DataFrame) -> blocks.Table | blocks.Text:
    """Every mismatch with its quote and source (entry ``audit-mismatches-table``), or a sentence if none."""
    rows = reconciliation[reconciliation["status"] == "mismatch"].reset_index(drop=True)
    if rows.empty:
        return blocks.Text("Ingen publicerad uppgift avviker från det som räknas fram ur tabellerna.")
    quotes = [d.split("«")[0].lstrip("»") for d in rows["description"]]
    shown = pd.DataFrame({"Citat": quotes, "Källa": rows["source"].tolist(),
                          "Publicerat": [_number(v) for v in rows["published"]],
                          "Beräknat": [_number(v) for v in rows["computed"]]},
                         index=rows["check_id"].tolist())
    return blocks.Table(rows, shown, contents.caption("audit-mismatches-table"),
                        contents.source("audit-mismatches-table"), row_header="Kontroll",
                        numeric_columns=["Publicerat", "Beräknat"], css="audit")


def not_checkable_summary(reconciliation: pd.DataFrame) -> blocks.Text:
    rows = reconciliation[reconciliation["status"] == "not_checkable"]
    return blocks.Text(
        f"{fmt.number(len(rows))} uppgifter kan inte kontrolleras, till exempel antalet gruppintervjuer, deltagarna i "
        "ledarutvecklingsprogrammet och förstärkningsteamets enkät: källorna innehåller inga data att räkna om dem från. "
        "Skälet för varje uppgift står i output/audit/reconciliation.csv.")


def reconciliation_table(reconciliation: pd.DataFrame) -> blocks.Table:
    """Every check, in the claims' order (entry ``audit-reconciliation-sheet``)."""
    rows = reconciliation.reset_index(drop=True)
    shown = pd.DataFrame({
        "Utfall": [STATUS_LABEL[s] for s in rows["status"]],
        "Publicerat": [_number(v) for v in rows["published"]],
        "Beräknat": [_number(v) for v in rows["computed"]],
        "Källa": rows["source"].tolist(),
        "Beskrivning": rows["description"].tolist(),
    }, index=rows["check_id"].tolist())
    return blocks.Table(rows, shown, contents.caption("audit-reconciliation-sheet"),
                        contents.source("audit-reconciliation-sheet"), row_header="Kontroll",
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
