"""The consultants section: its table, trend diagram and sentences, as blocks for the notebook.

Numbers, captions and sources come from ``contents`` (the entries ``consultants-table`` and
``consultants-diagram``); the figures from ``pipeline.process.consultants``.
"""
import pandas as pd

from pipeline import formatting as fmt
from pipeline.present import blocks, charts, contents, trace
from pipeline.process import consultants


def _printed_table() -> str:
    """The published report's table the counts are typed from, as the registry cites it (its source's last part)."""
    return contents.source("consultants-table").rstrip(".").rsplit(", ", 1)[-1]


def _count(row) -> str:
    """One count as shown, traced to its raw row: the report's own figure, passed through."""
    return trace.figure(fmt.number(row["consultants"]),
                        f"Konsulter i {row['month']} {int(row['year'])}: som den tryckta rapporten anger det "
                        f"({_printed_table()}), ingen beräkning", trace.rows_of(row))


def _wide(rows: pd.DataFrame) -> pd.DataFrame:
    """``consultants.wide`` with each count traced."""
    wide = consultants.wide(rows)
    for _, row in rows.iterrows():
        wide.loc[str(int(row["year"])), consultants.MONTH_LABEL[row["month"]]] = _count(row)
    return wide


def table(rows: pd.DataFrame) -> blocks.Table:
    """Years as rows, April and November as columns (entry ``consultants-table``)."""
    wide = _wide(rows)
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
    data = _wide(rows)
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
    shown = [_count(row) for _, row in november.iterrows()]
    parts = [f"{n}{' konsulter' if i == 0 else ''} i november {y}" for i, ((y, _), n) in enumerate(zip(counts, shown))]
    sentences = ["I verksamheterna arbetade " + fmt.join_words(parts) + "."]
    (first_year, first), (last_year, last) = counts[0], counts[-1]
    if len(counts) > 1 and first > 0:
        amount = fmt.change_in_percent(first, last)
        if amount:
            verb = "sjönk" if last < first else "steg"
            change = fmt.relative_change(first, last)
            how = (f"({fmt.number(last)} {trace.MINUS} {fmt.number(first)}) / {fmt.number(first)} = "
                   f"{trace.MINUS if change < 0 else ''}{fmt.number(abs(change))} procent, avrundat till hela procent")
            amount = trace.figure(amount, how, trace.rows_of(november.iloc[[0, -1]]))
            sentences.append(
                f"Mellan räkningarna i november, som är de mest jämförbara, {verb} antalet från {shown[0]} "
                f"i november {first_year} till {shown[-1]} i november {last_year}, {amount}.")
        else:
            sentences.append(f"Antalet var detsamma i november {first_year} som i november {last_year}.")
    return sentences


def summary(rows: pd.DataFrame) -> blocks.Text:
    return blocks.Text(" ".join(summary_sentences(rows)))
