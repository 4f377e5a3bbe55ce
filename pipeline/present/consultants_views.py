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
    """The November counts, and the change from the first November to the latest.

    The report's own caveat (the first count in April reached fewer units) makes the November
    counts the comparable ones, so the change is measured between them, from the counts as printed.
    """
    november = consultants.month_series(rows, "november")
    if november.empty:
        return []
    counts = [(int(r.year), int(r.consultants)) for r in november.itertuples()]
    parts = [f"{fmt.number(n)}{' konsulter' if i == 0 else ''} i november {y}" for i, (y, n) in enumerate(counts)]
    sentences = ["I verksamheterna arbetade " + fmt.join_words(parts) + "."]
    (first_year, first), (last_year, last) = counts[0], counts[-1]
    if len(counts) > 1 and first > 0:
        amount = fmt.change_in_percent(first, last)
        if amount:
            verb = "sjönk" if last < first else "steg"
            sentences.append(
                f"Mellan räkningarna i november, som är de mest jämförbara, {verb} antalet från {fmt.number(first)} "
                f"i november {first_year} till {fmt.number(last)} i november {last_year}, {amount}.")
        else:
            sentences.append(f"Antalet var detsamma i november {first_year} som i november {last_year}.")
    return sentences


def summary(rows: pd.DataFrame) -> blocks.Text:
    return blocks.Text(" ".join(summary_sentences(rows)))
