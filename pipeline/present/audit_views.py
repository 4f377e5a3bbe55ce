"""The audit section: counts of checks and every mismatch with its quote and source, in Swedish."""
import pandas as pd

from pipeline.process import audit
from pipeline import formatting as fmt
from pipeline.present import htmlblocks as hb

STATUS_LABEL = {"ok": "stämmer", "mismatch": "avviker", "not_checkable": "kan inte kontrolleras"}


def _number(value) -> str:
    if value is None or value != value:
        return fmt.EN_DASH
    value = float(value)
    return fmt.number(value, 0 if value.is_integer() else 1)


def counts_paragraph(reconciliation: pd.DataFrame) -> str:
    c = audit.counts(reconciliation)
    return hb.paragraph(
        f"Avstämningen omfattar {fmt.number(c['checks'])} publicerade uppgifter: {fmt.number(c['ok'])} stämmer med "
        f"rådata, {fmt.number(c['mismatch'])} avviker och {fmt.number(c['not_checkable'])} kan inte kontrolleras "
        "eftersom underlaget saknas i källorna.", css="finding")


def counts_table(reconciliation: pd.DataFrame) -> str:
    c = audit.counts(reconciliation)
    frame = pd.DataFrame({"Antal": [fmt.number(c[s]) for s in audit.STATUSES] + [fmt.number(c["checks"])]},
                         index=[STATUS_LABEL[s].capitalize() for s in audit.STATUSES] + ["Totalt"])
    return hb.table(frame, "Tabell 7. Avstämda uppgifter efter utfall.",
                    "data/raw/published_claims.csv, omräknat från data/raw/. Hela avstämningen: output/audit/reconciliation.csv.",
                    row_header="Utfall", row_css={"Totalt": "total"})


def mismatches_table(reconciliation: pd.DataFrame) -> str:
    rows = reconciliation[reconciliation["status"] == "mismatch"]
    if rows.empty:
        return hb.paragraph("Ingen publicerad uppgift avviker från det som räknas fram ur tabellerna.")
    quotes = [d.split("«")[0].lstrip("»") for d in rows["description"]]
    frame = pd.DataFrame({"Citat": quotes, "Källa": rows["source"].tolist(),
                          "Publicerat": [_number(v) for v in rows["published"]],
                          "Beräknat": [_number(v) for v in rows["computed"]]},
                         index=rows["check_id"].tolist())
    return hb.table(frame, "Tabell 8. Publicerade uppgifter som avviker från rapportens egna tabeller.",
                    "data/raw/published_claims.csv; beräknat från data/raw/. Kontroll-id i första kolumnen.",
                    row_header="Kontroll", numeric_columns=["Publicerat", "Beräknat"], css="audit")


def not_checkable_summary(reconciliation: pd.DataFrame) -> str:
    rows = reconciliation[reconciliation["status"] == "not_checkable"]
    return hb.paragraph(
        f"{fmt.number(len(rows))} uppgifter kan inte kontrolleras, till exempel antalet gruppintervjuer, deltagarna i "
        "ledarutvecklingsprogrammet och förstärkningsteamets enkät: källorna innehåller inga data att räkna om dem från. "
        "Skälet för varje uppgift står i output/audit/reconciliation.csv.")


def page(reconciliation: pd.DataFrame, title: str) -> str:
    """The stand-alone ``output/audit/reconciliation.html``: every check, in the claims' order."""
    frame = pd.DataFrame({
        "Utfall": [STATUS_LABEL[s] for s in reconciliation["status"]],
        "Publicerat": [_number(v) for v in reconciliation["published"]],
        "Beräknat": [_number(v) for v in reconciliation["computed"]],
        "Källa": reconciliation["source"].tolist(),
        "Beskrivning": reconciliation["description"].tolist(),
    }, index=reconciliation["check_id"].tolist())
    table = hb.table(frame, "Alla avstämda uppgifter", "data/raw/published_claims.csv",
                     row_header="Kontroll", numeric_columns=["Publicerat", "Beräknat"], css="audit")
    return ("<!DOCTYPE html>\n<html lang=\"sv\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>Avstämning – {hb.escape(title)}</title><style>"
            "body{font-family:'DejaVu Sans',Arial,sans-serif;margin:1rem auto;max-width:80rem;padding:0 1rem;color:#1a1a1a}"
            "table{border-collapse:collapse;font-size:.85rem}th,td{border-bottom:1px solid #c8c8c8;padding:.3rem .5rem;"
            "text-align:left;vertical-align:top}caption{text-align:left;font-weight:bold;padding-bottom:.4rem}"
            "td.num{text-align:right;white-space:nowrap}.table-wrap{overflow-x:auto}.source{color:#4a4a4a;font-size:.8rem}"
            "</style></head><body>"
            f"<h1>Avstämning mot den publicerade rapporten</h1>{counts_paragraph(reconciliation)}{table}"
            "<p><a href=\"../report.html\">Till rapporten</a> · <a href=\"reconciliation.csv\">reconciliation.csv</a></p>"
            "</body></html>\n")
