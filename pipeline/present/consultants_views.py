"""The consultants section: Tabell 3, its trend diagram and sentences, as HTML."""
import pandas as pd

from pipeline.present import charts, htmlblocks as hb, sources
from pipeline.process import consultants
from pipeline import formatting as fmt


def table(rows: pd.DataFrame) -> str:
    wide = consultants.wide(rows)
    caption = (f"Tabell 3. Antal konsulter i staden en dag i april respektive en dag i november, "
               f"{fmt.year_range(wide.index[0], wide.index[-1])}.")
    return hb.table(wide, caption, sources.consultants(), row_header="År")


def diagram(rows: pd.DataFrame) -> str:
    years = sorted(rows["year"].unique().tolist())
    groups = []
    for month in ["april", "november"]:
        series = consultants.month_series(rows, month).set_index("year")["consultants"].reindex(years)
        groups.append({"label": consultants.MONTH_LABEL[month], "values": [int(v) if v == v else 0 for v in series]})
    png = charts.grouped_bars([str(y) for y in years], groups, "Antal konsulter")
    first, last = rows.iloc[0], rows.iloc[-1]
    alt = (f"Stapeldiagram över antal konsulter i april och november varje år. Antalet var "
           f"{fmt.number(first['consultants'])} i {first['month']} {int(first['year'])} och "
           f"{fmt.number(last['consultants'])} i {last['month']} {int(last['year'])}.")
    caption = (f"Diagram 3. Antal konsulter en dag i april respektive november, "
               f"{fmt.year_range(years[0], years[-1])}.")
    data = consultants.wide(rows)
    data.index.name = "År"
    return hb.figure(png, alt, caption, sources.consultants(), data)


def summary(rows: pd.DataFrame) -> str:
    return hb.paragraph(" ".join(consultants.summary_sentences(rows)))
