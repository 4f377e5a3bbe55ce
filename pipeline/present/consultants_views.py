"""The consultants section: its table, trend diagram and sentences, as blocks for the notebook.

Numbers, captions and sources come from ``contents`` (the entries ``consultants-table`` and
``consultants-diagram``); the figures from ``pipeline.process.consultants``.
"""
import pandas as pd

from pipeline import formatting as fmt
from pipeline.present import blocks, charts, contents
from pipeline.process import consultants


def table(rows: pd.DataFrame) -> blocks.Table:
    """Years as rows, April and November as columns (entry ``consultants-table``)."""
    wide = consultants.wide(rows)
    caption = contents.caption("consultants-table", years=fmt.year_range(wide.index[0], wide.index[-1]))
    return blocks.Table(rows, wide, caption, contents.source("consultants-table"), row_header="År")


def diagram(rows: pd.DataFrame) -> blocks.Figure:
    """Grouped bars, April and November per year (entry ``consultants-diagram``)."""
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
    caption = contents.caption("consultants-diagram", years=fmt.year_range(years[0], years[-1]))
    data = consultants.wide(rows)
    data.index.name = "År"
    return blocks.Figure(rows, png, alt, caption, contents.source("consultants-diagram"), data)


def summary_sentences(rows: pd.DataFrame) -> list[str]:
    """The report's sentence on November counts, and the change from the first to the last count."""
    november = consultants.month_series(rows, "november")
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


def summary(rows: pd.DataFrame) -> blocks.Text:
    return blocks.Text(" ".join(summary_sentences(rows)))
