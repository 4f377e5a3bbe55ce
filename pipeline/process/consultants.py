"""Consultants: hired social workers counted on a day in April and in November (entry consultants-table)."""
import pandas as pd

from pipeline import formatting as fmt
from pipeline.ingest.schemas import MONTHS
from pipeline.process import lineage

MONTH_LABEL = {"april": "April", "november": "November"}


def tidy(raw: pd.DataFrame, source: str = "consultants.csv") -> pd.DataFrame:
    """One row per year and month, in time order, with its line of ``source``."""
    out = raw[["year", "month", "consultants"]].copy()
    out[lineage.COLUMN] = lineage.per_row(raw, source)
    out["year"] = out["year"].astype("int64")
    out["consultants"] = out["consultants"].astype("int64")
    out["_month"] = out["month"].map(MONTHS.index)
    return out.sort_values(["year", "_month"]).drop(columns="_month").reset_index(drop=True)


def wide(rows: pd.DataFrame) -> pd.DataFrame:
    """The grid of consultants-table: years as rows, April and November as columns ('–' where not counted)."""
    table = rows.pivot(index="year", columns="month", values="consultants")
    table = table.reindex(columns=[m for m in MONTHS if m in table.columns])
    table.index = [str(y) for y in table.index]
    table.columns = [MONTH_LABEL[m] for m in table.columns]
    return table.apply(lambda column: column.map(lambda v: fmt.number(v) if v == v else fmt.EN_DASH))


def month_series(rows: pd.DataFrame, month: str) -> pd.DataFrame:
    return rows[rows["month"] == month].sort_values("year").reset_index(drop=True)

