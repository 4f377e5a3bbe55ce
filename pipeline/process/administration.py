"""The administrations' own pages: their order, diagram numbers and facts in words.

The report presents the districts in alphabetical (Swedish) order, numbering their
diagrams from 6 (Diagram 6a, Bromma) on, followed by the central administrations.
"""
import math

import pandas as pd

from pipeline import formatting as fmt

FIRST_DIAGRAM_NUMBER = 6  # the report's Diagram 6a is the first district's (Bromma)
FACT_COLUMNS = ["inhabitants", "under_20_pct", "over_65_pct", "ohalsotal_days", "ekonomiskt_bistand_pct",
                "socialsekreterare", "bistandshandlaggare"]
FACT_LABEL = {
    "inhabitants": "Invånare",
    "under_20_pct": "Andel under 20 år",
    "over_65_pct": "Andel över 65 år",
    "ohalsotal_days": "Ohälsotal (dagar)",
    "ekonomiskt_bistand_pct": "Andel med ekonomiskt bistånd",
    "socialsekreterare": "Tillsvidareanställda socialsekreterare",
    "bistandshandlaggare": "Tillsvidareanställda biståndshandläggare",
}


def pages(administrations: pd.DataFrame) -> pd.DataFrame:
    """Name, slug, type and diagram number of every page, in the report's order."""
    districts = administrations[administrations["type"] == "district"]
    central = administrations[administrations["type"] == "central"].sort_values("table_order")
    ordered = [districts.set_index("name").loc[n] for n in fmt.swedish_sorted(districts["name"])]
    rows = [{"name": r.name, "slug": r["slug"], "type": r["type"]} for r in ordered]
    rows += [{"name": r["name"], "slug": r["slug"], "type": r["type"]} for _, r in central.iterrows()]
    frame = pd.DataFrame(rows)
    frame["diagram_number"] = range(FIRST_DIAGRAM_NUMBER, FIRST_DIAGRAM_NUMBER + len(frame))
    return frame


def lookup(administrations: pd.DataFrame, name: str) -> pd.Series:
    """The page of one administration, or a ``KeyError`` listing the valid names."""
    table = pages(administrations)
    match = table[table["name"] == name]
    if match.empty:
        from pipeline.errors import suggestion

        raise KeyError(f"unknown administration '{name}'{suggestion(name, table['name'].tolist())}; valid names: "
                       + ", ".join(table["name"]))
    return match.iloc[0]


def fact_value(column: str, value) -> str:
    """A fact as the report prints it: '79 355', '24,5 %', '9,49 dagar'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return fmt.EN_DASH
    value = float(value)
    decimals = 0 if value.is_integer() else (1 if round(value, 1) == value else 2)
    text = fmt.number(value, decimals)
    if column.endswith("_pct"):
        return text + fmt.NBSP + "%"
    if column == "ohalsotal_days":
        return text + " dagar"
    return text


def approximate_columns(facts: pd.Series) -> set[str]:
    """The columns the report prefixes with 'ca' for this district."""
    value = facts.get("approximate")
    if value is None or pd.isna(value):
        return set()
    return set(str(value).split(";")) - {""}


def facts_sentence(facts: pd.Series) -> str:
    """The district section's opening, rebuilt from the facts ('ca' where the report has it)."""
    approximate = approximate_columns(facts)

    def v(column):
        prefix = "ca " if column in approximate else ""
        return prefix + fact_value(column, facts[column])

    return (f"I {facts['administration']} bor {v('inhabitants')} stockholmare. {v('under_20_pct')} är under 20 år "
            f"och {v('over_65_pct')} är över 65 år. Ohälsotalet är {v('ohalsotal_days')}. "
            f"{v('ekonomiskt_bistand_pct')} har ekonomiskt bistånd. Det är {v('socialsekreterare')} socialsekreterare "
            f"och {v('bistandshandlaggare')} biståndshandläggare som är tillsvidareanställda.")
