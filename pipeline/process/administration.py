"""The administrations' own pages: their order, and the facts each district's page shows.

The report presents the districts in alphabetical (Swedish) order, followed by the central
administrations; a page's position in that order is what the entry ``administration-trend``
of ``pipeline/present/contents.py`` numbers its diagrams by.
"""
import pandas as pd

from pipeline import formatting as fmt

FACT_COLUMNS = ["inhabitants", "under_20_pct", "over_65_pct", "ohalsotal_days", "ekonomiskt_bistand_pct",
                "socialsekreterare", "bistandshandlaggare"]


def pages(administrations: pd.DataFrame) -> pd.DataFrame:
    """Name, slug and type of every page, in the report's order (index 0, 1, …: the page's position)."""
    districts = administrations[administrations["type"] == "district"]
    central = administrations[administrations["type"] == "central"].sort_values("table_order")
    ordered = [districts.set_index("name").loc[n] for n in fmt.swedish_sorted(districts["name"])]
    rows = [{"name": r.name, "slug": r["slug"], "type": r["type"]} for r in ordered]
    rows += [{"name": r["name"], "slug": r["slug"], "type": r["type"]} for _, r in central.iterrows()]
    return pd.DataFrame(rows)


def lookup(administrations: pd.DataFrame, name: str) -> pd.Series:
    """The page of one administration (its ``.name`` is its position), or a ``KeyError`` listing the valid names."""
    table = pages(administrations)
    match = table[table["name"] == name]
    if match.empty:
        from pipeline.errors import suggestion

        raise KeyError(f"unknown administration '{name}'{suggestion(name, table['name'].tolist())}; valid names: "
                       + ", ".join(table["name"]))
    return match.iloc[0]


def page_index(administrations: pd.DataFrame, name: str) -> int:
    """The position of the administration's page among all pages (0 for the first), as ``pages`` orders them."""
    return int(lookup(administrations, name).name)


def approximate_columns(facts: pd.Series) -> set[str]:
    """The columns the report prefixes with 'ca' for this district."""
    value = facts.get("approximate")
    if value is None or pd.isna(value):
        return set()
    return set(str(value).split(";")) - {""}
