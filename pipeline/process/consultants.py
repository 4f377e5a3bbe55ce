"""Consultants (Tabell 3): hired social workers counted on a day in April and in November."""
import pandas as pd

from pipeline import formatting as fmt
from pipeline.ingest.schemas import MONTHS

MONTH_LABEL = {"april": "April", "november": "November"}


def tidy(raw: pd.DataFrame) -> pd.DataFrame:
    """One row per year and month, in time order."""
    out = raw[["year", "month", "consultants"]].copy()
    out["year"] = out["year"].astype("int64")
    out["consultants"] = out["consultants"].astype("int64")
    out["_month"] = out["month"].map(MONTHS.index)
    return out.sort_values(["year", "_month"]).drop(columns="_month").reset_index(drop=True)


def wide(rows: pd.DataFrame) -> pd.DataFrame:
    """Tabell 3: years as rows, April and November as columns ('–' where not counted)."""
    table = rows.pivot(index="year", columns="month", values="consultants")
    table = table.reindex(columns=[m for m in MONTHS if m in table.columns])
    table.index = [str(y) for y in table.index]
    table.columns = [MONTH_LABEL[m] for m in table.columns]
    return table.apply(lambda column: column.map(lambda v: fmt.number(v) if v == v else fmt.EN_DASH))


def month_series(rows: pd.DataFrame, month: str) -> pd.DataFrame:
    return rows[rows["month"] == month].sort_values("year").reset_index(drop=True)


def summary_sentences(rows: pd.DataFrame) -> list[str]:
    """The report's sentence on November counts, and the change from the first to the last count."""
    november = month_series(rows, "november")
    sentences = []
    if not november.empty:
        parts = [f"i november {int(r.year)} {fmt.number(r.consultants)}" for r in november.itertuples()]
        sentences.append("Antalet konsulter i verksamheterna var " + fmt.join_words(parts) + ".")
    first, last = rows.iloc[0], rows.iloc[-1]
    if len(rows) > 1 and first["consultants"] > 0:
        change = (last["consultants"] - first["consultants"]) / first["consultants"]
        word = "minskade" if change < 0 else "ökade"
        sentences.append(
            f"Från {first['month']} {int(first['year'])} till {last['month']} {int(last['year'])} {word} antalet "
            f"från {fmt.number(first['consultants'])} till {fmt.number(last['consultants'])}, "
            f"{'en minskning' if change < 0 else 'en ökning'} med {fmt.percent(abs(change), 0)}.")
    return sentences
