"""The turnover chapter: its diagrams, tables and sentences, as blocks for the notebook.

Numbers, captions and sources come from ``contents`` (the entries ``turnover-*-<profession>``);
the figures from ``pipeline.process.turnover``.
"""
import pandas as pd

from pipeline import formatting as fmt
from pipeline.present import blocks, charts, contents, trace
from pipeline.process import turnover

ALL_DISTRICTS_LABEL = "Alla stadsdelar"
"""What a reader sees for the all-districts row: the reference list keeps the published 'Stadsdelar total'."""


def _source(profession: str) -> str:
    return contents.source(f"turnover-table-{contents.profession_slug(profession)}")


def display_name(name: str, administrations: pd.DataFrame) -> str:
    """An administration as a reader sees it: the all-districts row as 'Alla stadsdelar', the others as printed."""
    return ALL_DISTRICTS_LABEL if name == turnover.all_districts_name(administrations) else name


def series_note(profession: str) -> str:
    """How the all-districts series differs from the original's diagram of the same name."""
    table = contents.number(f"turnover-table-{contents.profession_slug(profession)}")
    return (f"Serien är summan av stadsdelarnas rader i {table}, med både dem som slutat i staden och dem som gått "
            "till en annan förvaltning. Originalets diagram visar hela staden och bara dem som slutat i staden; "
            "de siffrorna finns inte i källorna.")


def trend_alt(label: str, years: list[int], rates: list[float]) -> str:
    """Text alternative for a rate line: first, highest and last value."""
    known = [(y, r) for y, r in zip(years, rates) if r == r]
    if not known:
        return f"{label}: inga värden."
    first, last = known[0], known[-1]
    peak = max(known, key=lambda p: p[1])
    text = f"{label}: {fmt.percent(first[1])} år {first[0]}"
    if peak not in (first, last):
        text += f", högst {fmt.percent(peak[1])} år {peak[0]}"
    return text + f" och {fmt.percent(last[1])} år {last[0]}."


def trend_sentence(processed: pd.DataFrame, profession: str, administration: str, reference_year: int,
                   where: str) -> str:
    """'Personalrörligheten bland X i Y gick från A % år <reference year> till B % år <last year>, en minskning med C procentenheter.'

    C is computed from A and B as printed (``fmt.change_in_points``), so the sentence holds under a calculator.
    """
    change = turnover.change_since(processed, profession, administration, reference_year)
    if change is None:
        return f"Det finns inga jämförbara uppgifter om personalrörligheten bland {profession} {where} sedan {reference_year}."
    rows = turnover.series(processed, profession, administration)
    first_rows = trace.rows_of(rows[rows["year"] == change["from_year"]])
    last_rows = trace.rows_of(rows[rows["year"] == change["to_year"]])
    first = trace.figure(fmt.percent(change["from_rate"]), _rate_how(rows, change["from_year"]), first_rows)
    last = trace.figure(fmt.percent(change["to_rate"]), _rate_how(rows, change["to_year"]), last_rows)
    amount = fmt.change_in_points(change["from_rate"], change["to_rate"])
    amount = trace.figure(amount, trace.difference(change["from_rate"], change["to_rate"]),
                          trace.rows_of(rows[rows["year"].isin([change["from_year"], change["to_year"]])]))
    if not amount:
        return (f"Personalrörligheten bland {profession} {where} var densamma år {change['from_year']} och "
                f"år {change['to_year']}, {first}.")
    return (f"Personalrörligheten bland {profession} {where} gick från {first} år {change['from_year']} "
            f"till {last} år {change['to_year']}, {amount}.")


def _rate_how(rows: pd.DataFrame, year: int) -> str:
    """How one year's rate in ``rows`` (one administration's series) was computed."""
    row = rows[rows["year"] == year].iloc[0]
    return cell_how(row)


def cell_how(row) -> str:
    """'Slutade / tillsvidareanställda, biståndshandläggare, Bromma, år <år>: 4 / 26 = 15,4 %'; for the
    all-districts row, that it is the sum of the districts' rows."""
    what = f"Slutade / tillsvidareanställda, {row['profession']}, {row['administration']}, år {int(row['year'])}"
    if row["administration_type"] == turnover.ALL_DISTRICTS:
        what = (f"Slutade / tillsvidareanställda, {row['profession']}, alla stadsdelar, år {int(row['year'])}, "
                "summerat över stadsdelarnas rader")
    if not row["headcount"] > 0:
        return f"{what}: inga anställda, ingen rörlighet beräknas"
    return f"{what}: {trace.quotient(row['ended'], row['headcount'], fmt.percent(row['rate']))}"


def example_sentence(processed: pd.DataFrame, profession: str, administration: str, year: int) -> str:
    """The report's reading guide: 'I <administration> <year> slutade 4 av 26 tillsvidareanställda …'."""
    row = turnover.series(processed, profession, administration)
    row = row[row["year"] == year].iloc[0]
    return (f"Som exempel: I {administration} år {year} slutade {int(row['ended'])} av {int(row['headcount'])} "
            f"tillsvidareanställda {profession}.")


def city_trend(processed: pd.DataFrame, administrations: pd.DataFrame, profession: str) -> blocks.Figure:
    """The all-districts rate by year (entry ``turnover-trend-<profession>``)."""
    name = turnover.all_districts_name(administrations)
    rows = turnover.series(processed, profession, name)
    years, rates = rows["year"].tolist(), rows["rate"].tolist()
    png = charts.rate_trend(years, [{"label": ALL_DISTRICTS_LABEL, "rates": rates}])
    data = pd.DataFrame({"Slutat/anställda": [trace.figure(fmt.ratio(row["ended"], row["headcount"]), cell_how(row),
                                                           trace.rows_of(row)) for _, row in rows.iterrows()],
                         "Personalrörlighet": [trace.figure(fmt.percent(row["rate"]), cell_how(row), trace.rows_of(row))
                                               for _, row in rows.iterrows()]},
                        index=pd.Index([str(y) for y in years], name="År"))
    entry = f"turnover-trend-{contents.profession_slug(profession)}"
    caption = contents.caption(entry, profession=profession, years=fmt.year_range(years[0], years[-1]))
    alt = (contents.entry_of(entry).alt + " "
           + trend_alt(f"Personalrörlighet bland {profession} i alla stadsdelar", years, rates))
    return blocks.Figure(rows, png, alt, caption, _source(profession) + " " + series_note(profession), data)


def district_multiples(processed: pd.DataFrame, administrations: pd.DataFrame, profession: str) -> blocks.Figure:
    """One small panel per district against all districts (entry ``turnover-districts-<profession>``)."""
    name = turnover.all_districts_name(administrations)
    reference = turnover.series(processed, profession, name)
    years = reference["year"].tolist()
    districts = fmt.swedish_sorted(administrations.loc[administrations["type"] == "district", "name"])
    panels, rows = [], {}
    for district in districts:
        series = turnover.series(processed, profession, district).set_index("year").reindex(years)
        panels.append({"label": district, "rates": series["rate"].tolist(), "reference": reference["rate"].tolist()})
        rows[district] = [trace.figure(fmt.percent(row["rate"]), cell_how({**row, "year": year}), trace.rows_of(row))
                          if row["rate"] == row["rate"] else fmt.percent(row["rate"])
                          for year, row in series.iterrows()]
    png = charts.small_multiples(years, panels, reference_label=ALL_DISTRICTS_LABEL)
    caption = contents.caption(f"turnover-districts-{contents.profession_slug(profession)}", profession=profession,
                               years=fmt.year_range(years[0], years[-1]))
    latest = turnover.profession_rows(processed, profession)
    shown = latest[latest["administration"].isin([*districts, name])].reset_index(drop=True)
    latest = latest[(latest["year"] == years[-1]) & (latest["administration_type"] == "district")].dropna(subset=["rate"])
    high = latest.loc[latest["rate"].idxmax()]
    low = latest.loc[latest["rate"].idxmin()]
    alt = (f"Ett litet linjediagram för var och en av de {len(districts)} stadsdelarna. År {years[-1]} var "
           f"rörligheten högst i "
           f"{high['administration']} ({fmt.percent(high['rate'])}) och lägst i {low['administration']} "
           f"({fmt.percent(low['rate'])}); alla stadsdelar sammantaget {fmt.percent(reference['rate'].iloc[-1])}.")
    data = pd.DataFrame(rows, index=[str(y) for y in years]).T
    data.index.name = "Stadsdel"
    return blocks.Figure(shown, png, alt, caption, _source(profession), data)


def _grid(rows: pd.DataFrame, administrations: pd.DataFrame) -> pd.DataFrame:
    """One row per administration in the report's order, 'ended/headcount' over 'rate' per year."""
    cells = rows.assign(cell=[trace.figure(blocks.stacked(fmt.ratio(row["ended"], row["headcount"]),
                                                          fmt.percent(row["rate"]) if row["headcount"] > 0 else ""),
                                           cell_how(row), trace.rows_of(row))
                              for _, row in rows.iterrows()])
    grid = cells.pivot(index="administration", columns="year", values="cell")
    order = administrations.set_index("name")["table_order"]
    grid = grid.loc[sorted(grid.index, key=lambda n: order[n])]
    grid.columns = [str(c) for c in grid.columns]
    grid.index = [display_name(n, administrations) for n in grid.index]
    return grid.apply(lambda column: column.map(lambda v: v if isinstance(v, str) else blocks.stacked(fmt.EN_DASH, "")))


def table(processed: pd.DataFrame, administrations: pd.DataFrame, profession: str) -> blocks.Table:
    """'ended/headcount (rate)' per administration and year (entry ``turnover-table-<profession>``)."""
    rows = turnover.profession_rows(processed, profession).reset_index(drop=True)
    grid = _grid(rows, administrations)
    years = list(grid.columns)
    caption = contents.caption(f"turnover-table-{contents.profession_slug(profession)}",
                               Profession=profession.capitalize(), years=fmt.year_range(years[0], years[-1]))
    districts = int((administrations["type"] == "district").sum())
    note = ("Under varje kvot står personalrörligheten. "
            f"Raden {ALL_DISTRICTS_LABEL} är summan av de {districts} stadsdelarnas rader (originalets summarad), "
            "utan de centrala förvaltningarna. "
            f"Rörligheten beräknas inte där antalet anställda är 0 (visas som {fmt.ratio(0, 0)}).")
    return blocks.Table(rows, grid, caption, _source(profession) + " " + note, row_header="Förvaltning",
                        css="turnover", row_css={ALL_DISTRICTS_LABEL: "total"})


def summary(processed: pd.DataFrame, administrations: pd.DataFrame, profession: str,
            reference_year: int) -> blocks.Text:
    """The computed sentences before the chapter's diagrams."""
    name = turnover.all_districts_name(administrations)
    rows = turnover.series(processed, profession, name)
    first, last = rows.iloc[0], rows.iloc[-1]
    peak_year, _ = turnover.peak_year(processed, profession, name)

    def counted(row, column: str, what: str) -> str:
        rows_read = trace.rows_of(row)
        return trace.figure(fmt.number(row[column]),
                            trace.summed(f"{what.capitalize()} {profession} år {int(row['year'])}", rows_read,
                                         "stadsdelarnas"), rows_read)

    def rate(row) -> str:
        return trace.figure(fmt.percent(row["rate"]), cell_how(row), trace.rows_of(row))

    peak = rows[rows["year"] == peak_year].iloc[0]
    sentences = [
        f"I alla stadsdelar sammantaget slutade {counted(first, 'ended', 'slutade')} av "
        f"{counted(first, 'headcount', 'tillsvidareanställda')} "
        f"tillsvidareanställda {profession} ({rate(first)}) år {int(first['year'])} och "
        f"{counted(last, 'ended', 'slutade')} av {counted(last, 'headcount', 'tillsvidareanställda')} ({rate(last)}) "
        f"år {int(last['year'])}.",
        f"Rörligheten var högst år {peak_year} ({rate(peak)}).",
        trend_sentence(processed, profession, name, reference_year, "i alla stadsdelar sammantaget"),
    ]
    return blocks.Text(" ".join(sentences))


def _combinations(totals: pd.DataFrame) -> str:
    """How many profession-and-year totals were compared, traced to the printed total rows and the districts' rows."""
    return trace.figure(fmt.number(len(totals)), "Antal kombinationer av yrkesgrupp och år med en tryckt summarad, "
                                                 "var och en jämförd med summan av stadsdelarnas rader",
                        trace.rows_of(totals))


def totals_check(totals: pd.DataFrame) -> blocks.Text:
    """Whether the published all-districts rows equal the sum of the districts."""
    disagree = totals[~totals["agrees"].astype(bool)]
    if disagree.empty:
        return blocks.Text(
            "Kontroll: originalets summarad för stadsdelarna stämmer med summan av stadsdelarnas rader i rådata "
            f"för alla {_combinations(totals)} kombinationer av yrkesgrupp och år.", css="finding")
    items = "; ".join(
        f"{r.profession} år {r.year}: publicerat {fmt.ratio(r.ended_published, r.headcount_published)}, "
        f"summa {fmt.ratio(r.ended_computed, r.headcount_computed)}" for r in disagree.itertuples())
    return blocks.Text(f"Kontroll: originalets summarad för stadsdelarna avviker från summan av stadsdelarnas rader "
                       f"för {items}.", css="finding")
