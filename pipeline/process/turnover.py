"""Staff turnover: tidy rows, rates, the all-districts total, change since the reference year.

Turnover is the report's definition: permanent employments on 31 December of the year
before that ended during the year, divided by those employments. The all-districts rows
are recomputed from the districts and checked against the published 'Stadsdelar total'.
"""
import pandas as pd

from pipeline.process import lineage


ALL_DISTRICTS = "all_districts"
PROCESSED_COLUMNS = ["profession", "administration", "administration_type", "year", "ended", "headcount", "rate"]


def all_districts_name(administrations: pd.DataFrame) -> str:
    """The name the reference list gives the all-districts row ('Stadsdelar total')."""
    return administrations.loc[administrations["type"] == ALL_DISTRICTS, "name"].iloc[0]


def tidy(raw: pd.DataFrame, administrations: pd.DataFrame, source: str = "turnover.csv") -> pd.DataFrame:
    """Processed turnover: district and central rows from raw, all-districts rows computed.

    The published 'Stadsdelar total' rows are not carried over: they are recomputed
    from the districts here and compared with the published ones by ``published_total_checks``.
    ``raw_rows`` names each row's own line of ``source``, and for an all-districts row the
    lines of the district rows it sums.
    """
    types = administrations.set_index("name")["type"]
    rows = raw[raw["administration"].map(types) != ALL_DISTRICTS].copy()
    rows["administration_type"] = rows["administration"].map(types)
    rows[lineage.COLUMN] = lineage.per_row(rows, source)
    districts = rows[rows["administration_type"] == "district"]
    totals = (districts.groupby(["profession", "year"], as_index=False)[["ended", "headcount"]].sum())
    totals = totals.merge(lineage.per_group(districts, ["profession", "year"], source).reset_index(),
                          on=["profession", "year"], how="left")
    totals["administration"] = all_districts_name(administrations)
    totals["administration_type"] = ALL_DISTRICTS
    out = pd.concat([rows, totals], ignore_index=True)
    out["ended"] = out["ended"].astype("int64")
    out["headcount"] = out["headcount"].astype("int64")
    out["year"] = out["year"].astype("int64")
    out["rate"] = (out["ended"] / out["headcount"].where(out["headcount"] > 0)).astype("float64")
    order = administrations.set_index("name")["table_order"]
    out["_order"] = out["administration"].map(order)
    out = out.sort_values(["profession", "_order", "year"]).drop(columns="_order")
    return out[PROCESSED_COLUMNS + [lineage.COLUMN]].reset_index(drop=True)


def published_total_checks(raw: pd.DataFrame, processed: pd.DataFrame, administrations: pd.DataFrame,
                           source: str = "turnover.csv") -> pd.DataFrame:
    """Each published 'Stadsdelar total' cell beside the sum of the district rows.

    ``raw_rows``: the published total row's line and the lines of the districts summed.
    """
    name = all_districts_name(administrations)
    published = raw[raw["administration"] == name].copy()
    published["_published_rows"] = lineage.per_row(published, source)
    published = published[["profession", "year", "ended", "headcount", "_published_rows"]]
    computed = processed[processed["administration_type"] == ALL_DISTRICTS]
    computed = computed[["profession", "year", "ended", "headcount"]
                        + ([lineage.COLUMN] if lineage.COLUMN in computed.columns else [])]
    merged = published.astype({"year": "int64", "ended": "int64", "headcount": "int64"}).merge(
        computed, on=["profession", "year"], how="outer", suffixes=("_published", "_computed"))
    merged["agrees"] = (merged["ended_published"] == merged["ended_computed"]) & (
        merged["headcount_published"] == merged["headcount_computed"])
    summed = merged[lineage.COLUMN] if lineage.COLUMN in merged.columns else pd.Series("", index=merged.index)
    merged[lineage.COLUMN] = [lineage.merge(*(v for v in pair if isinstance(v, str)))
                              for pair in zip(merged["_published_rows"], summed)]
    merged = merged.drop(columns="_published_rows")
    return merged.sort_values(["profession", "year"]).reset_index(drop=True)


def years(processed: pd.DataFrame) -> list[int]:
    return sorted(processed["year"].unique().tolist())


def profession_rows(processed: pd.DataFrame, profession: str) -> pd.DataFrame:
    return processed[processed["profession"] == profession]


def series(processed: pd.DataFrame, profession: str, administration: str) -> pd.DataFrame:
    """One administration's yearly rows for one profession, by year."""
    rows = processed[(processed["profession"] == profession) & (processed["administration"] == administration)]
    return rows.sort_values("year").reset_index(drop=True)


def change_since(processed: pd.DataFrame, profession: str, administration: str, reference_year: int) -> dict | None:
    """The rate in the reference year and the latest year, and their difference."""
    rows = series(processed, profession, administration).dropna(subset=["rate"])
    if rows.empty or reference_year not in rows["year"].tolist():
        return None
    first = rows[rows["year"] == reference_year].iloc[0]
    last = rows.iloc[-1]
    if int(last["year"]) <= reference_year:
        return None
    return {
        "from_year": reference_year, "from_rate": float(first["rate"]),
        "to_year": int(last["year"]), "to_rate": float(last["rate"]),
        "change": float(last["rate"] - first["rate"]),
    }


def peak_year(processed: pd.DataFrame, profession: str, administration: str) -> tuple[int, float]:
    rows = series(processed, profession, administration).dropna(subset=["rate"])
    top = rows.loc[rows["rate"].idxmax()]
    return int(top["year"]), float(top["rate"])
