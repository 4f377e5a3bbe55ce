"""The turnover section's tables, diagrams and sentences, as HTML for the notebooks.

Tabell N and Diagram Na/Nb follow the report's numbering: 1 for biståndshandläggare,
2 for socialsekreterare.
"""
import pandas as pd

from pipeline import charts, formatting as fmt, htmlblocks as hb, sources, turnover

NUMBER = {"biståndshandläggare": 1, "socialsekreterare": 2}


def _all_districts(administrations: pd.DataFrame) -> str:
    return turnover.all_districts_name(administrations)


def trend_alt(label: str, years: list[int], rates: list[float]) -> str:
    """Text alternative for a rate line: first, highest and last value."""
    known = [(y, r) for y, r in zip(years, rates) if r == r]
    if not known:
        return f"{label}: inga värden."
    first, last = known[0], known[-1]
    peak = max(known, key=lambda p: p[1])
    text = f"{label}: {fmt.percent(first[1])} {first[0]}"
    if peak not in (first, last):
        text += f", högst {fmt.percent(peak[1])} {peak[0]}"
    return text + f" och {fmt.percent(last[1])} {last[0]}."


def city_trend(processed: pd.DataFrame, administrations: pd.DataFrame, profession: str) -> str:
    """Diagram Na: the all-districts rate by year."""
    name = _all_districts(administrations)
    rows = turnover.series(processed, profession, name)
    years, rates = rows["year"].tolist(), rows["rate"].tolist()
    number = NUMBER[profession]
    png = charts.rate_trend(years, [{"label": name, "rates": rates}])
    data = pd.DataFrame({"Slutat/anställda": [fmt.ratio(e, h) for e, h in zip(rows["ended"], rows["headcount"])],
                         "Personalrörlighet": [fmt.percent(r) for r in rates]},
                        index=pd.Index([str(y) for y in years], name="År"))
    caption = (f"Diagram {number}a. Personalrörlighet bland {profession}, alla stadsdelar sammantaget, "
               f"{fmt.year_range(years[0], years[-1])}.")
    alt = "Linjediagram. " + trend_alt(f"Personalrörlighet bland {profession} i alla stadsdelar", years, rates)
    return hb.figure(png, alt, caption, sources.turnover(profession), data)


def district_multiples(processed: pd.DataFrame, administrations: pd.DataFrame, profession: str) -> str:
    """Diagram Nb: one small panel per district against all districts."""
    name = _all_districts(administrations)
    reference = turnover.series(processed, profession, name)
    years = reference["year"].tolist()
    districts = fmt.swedish_sorted(administrations.loc[administrations["type"] == "district", "name"])
    panels, rows = [], {}
    for district in districts:
        own = turnover.series(processed, profession, district).set_index("year")["rate"].reindex(years)
        panels.append({"label": district, "rates": own.tolist(), "reference": reference["rate"].tolist()})
        rows[district] = [fmt.percent(r) for r in own.tolist()]
    png = charts.small_multiples(years, panels, reference_label=name)
    number = NUMBER[profession]
    caption = (f"Diagram {number}b. Personalrörlighet bland {profession} per stadsdel, "
               f"{fmt.year_range(years[0], years[-1])}, jämfört med alla stadsdelar (streckad linje).")
    latest = turnover.profession_rows(processed, profession)
    latest = latest[(latest["year"] == years[-1]) & (latest["administration_type"] == "district")].dropna(subset=["rate"])
    high = latest.loc[latest["rate"].idxmax()]
    low = latest.loc[latest["rate"].idxmin()]
    alt = (f"{len(districts)} små linjediagram, ett per stadsdel. {years[-1]} var rörligheten högst i "
           f"{high['administration']} ({fmt.percent(high['rate'])}) och lägst i {low['administration']} "
           f"({fmt.percent(low['rate'])}); alla stadsdelar sammantaget {fmt.percent(reference['rate'].iloc[-1])}.")
    data = pd.DataFrame(rows, index=[str(y) for y in years]).T
    data.index.name = "Stadsdel"
    return hb.figure(png, alt, caption, sources.turnover(profession), data)


def table(processed: pd.DataFrame, administrations: pd.DataFrame, profession: str) -> str:
    """Tabell N: 'ended/headcount (rate)' per administration and year."""
    wide = turnover.wide_table(processed, profession, administrations).apply(
        lambda column: column.map(lambda cell: hb.stacked(*cell)))
    years = list(wide.columns)
    number = NUMBER[profession]
    caption = (f"Tabell {number}. {profession.capitalize()}: avslutade anställningar/antal tillsvidareanställda "
               f"(personalrörlighet), alla avgångsorsaker, {fmt.year_range(years[0], years[-1])}.")
    note = ("Raden Stadsdelar total är summan av stadsdelarnas rader. "
            f"Rörligheten beräknas inte där antalet anställda är 0 (visas som {fmt.ratio(0, 0)}).")
    return hb.table(wide, caption, sources.turnover(profession) + " " + note, row_header="Förvaltning",
                    css="turnover", row_css={turnover.all_districts_name(administrations): "total"})


def summary(processed: pd.DataFrame, administrations: pd.DataFrame, profession: str, reference_year: int) -> str:
    """The computed sentences around Diagram Na."""
    name = _all_districts(administrations)
    rows = turnover.series(processed, profession, name)
    first, last = rows.iloc[0], rows.iloc[-1]
    peak_year, peak_rate = turnover.peak_year(processed, profession, name)
    sentences = [
        f"I alla stadsdelar sammantaget slutade {fmt.number(first['ended'])} av {fmt.number(first['headcount'])} "
        f"tillsvidareanställda {profession} {int(first['year'])} ({fmt.percent(first['rate'])}) och "
        f"{fmt.number(last['ended'])} av {fmt.number(last['headcount'])} {int(last['year'])} "
        f"({fmt.percent(last['rate'])}).",
        f"Rörligheten var högst {peak_year} ({fmt.percent(peak_rate)}).",
        turnover.trend_sentence(processed, profession, name, reference_year, "i stadsdelarna"),
    ]
    return hb.paragraph(" ".join(sentences))


def totals_check(totals: pd.DataFrame) -> str:
    """Whether the published 'Stadsdelar total' rows equal the sum of the districts."""
    disagree = totals[~totals["agrees"].astype(bool)]
    if disagree.empty:
        return hb.paragraph(
            f"Kontroll: raden Stadsdelar total i tabellerna stämmer för alla {len(totals)} kombinationer av "
            "yrkesgrupp och år med summan av stadsdelarnas rader i rådata.", css="finding")
    items = "; ".join(
        f"{r.profession} {r.year}: publicerat {r.ended_published}/{r.headcount_published}, "
        f"summa {r.ended_computed}/{r.headcount_computed}" for r in disagree.itertuples())
    return hb.paragraph(f"Kontroll: raden Stadsdelar total avviker från summan av stadsdelarna för {items}.",
                        css="finding")
