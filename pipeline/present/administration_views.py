"""One administration's page: facts, turnover beside all districts, survey shares."""
import pandas as pd

from pipeline.process import administration, turnover
from pipeline.present import charts, htmlblocks as hb, sources
from pipeline import formatting as fmt
from pipeline.ingest.schemas import PROFESSIONS


def facts(district_facts: pd.DataFrame, name: str) -> str:
    rows = district_facts[district_facts["administration"] == name]
    if rows.empty:
        return hb.paragraph(f"Rapporten redovisar inga befolknings- eller personaluppgifter för {name}.")
    row = rows.iloc[0]
    approximate = administration.approximate_columns(row)
    table = pd.DataFrame(
        {"Värde": [("ca " if c in approximate else "") + administration.fact_value(c, row[c])
                   for c in administration.FACT_COLUMNS]},
        index=[administration.FACT_LABEL[c] for c in administration.FACT_COLUMNS])
    note = (" Personalantalen är förvaltningens egna uppgifter i rapporten och har ett annat datum och en annan "
            "avgränsning än antalen anställda i Tabell 1 och 2.")
    return (hb.paragraph(administration.facts_sentence(row))
            + hb.table(table, f"Fakta om {name}.", sources.district_facts(name) + note, row_header="Uppgift",
                       css="facts"))


def professions(rows: pd.DataFrame, name: str) -> list[str]:
    """The professions the administration has turnover rows for, in the report's order."""
    present = set(rows.loc[rows["administration"] == name, "profession"])
    return [p for p in PROFESSIONS if p in present]


def turnover_block(rows: pd.DataFrame, administrations: pd.DataFrame, name: str, profession: str,
                   label: str, reference_year: int) -> str:
    """Sentences, Diagram N{a,b} and the yearly table for one profession."""
    reference_name = turnover.all_districts_name(administrations)
    own = turnover.series(rows, profession, name)
    reference = turnover.series(rows, profession, reference_name).set_index("year")
    years = own["year"].tolist()
    ref_rates = reference["rate"].reindex(years).tolist()
    last = own.iloc[-1]
    where = f"i {name}"
    sentences = []
    if last["headcount"] > 0:
        sentences.append(
            f"{int(last['year'])} slutade {fmt.number(last['ended'])} av {fmt.number(last['headcount'])} "
            f"tillsvidareanställda {profession} {where} ({fmt.percent(last['rate'])}), jämfört med "
            f"{fmt.percent(reference.loc[int(last['year']), 'rate'])} i alla stadsdelar sammantaget.")
    else:
        sentences.append(f"{int(last['year'])} fanns inga tillsvidareanställda {profession} {where} "
                         "vid årets början, så ingen rörlighet kan beräknas.")
    sentences.append(turnover.trend_sentence(rows, profession, name, reference_year, where))
    small = own[own["headcount"] < 10]
    if not small.empty:
        sentences.append(f"Med färre än 10 anställda vissa år ({fmt.join_words([str(y) for y in small['year']])}) "
                         "kan en enda person ändra andelen kraftigt.")
    png = charts.rate_trend(years, [{"label": name, "rates": own["rate"].tolist()},
                                    {"label": reference_name, "rates": ref_rates, "style": "reference"}])
    caption = (f"Diagram {label}. Personalrörlighet bland {profession} i {name}, "
               f"{fmt.year_range(years[0], years[-1])}, jämfört med alla stadsdelar (streckad linje).")
    from pipeline.present.turnover_views import trend_alt

    alt = ("Linjediagram. " + trend_alt(f"{profession.capitalize()} i {name}", years, own["rate"].tolist())
           + " " + trend_alt("Alla stadsdelar", years, ref_rates))
    data = pd.DataFrame({
        "Slutat/anställda": [fmt.ratio(e, h) for e, h in zip(own["ended"], own["headcount"])],
        "Rörlighet": [fmt.percent(r) for r in own["rate"]],
        "Alla stadsdelar": [fmt.percent(r) for r in ref_rates],
    }, index=[str(y) for y in years])
    data.index.name = "År"
    table = hb.table(data, f"Personalrörlighet bland {profession} i {name} per år.", sources.turnover(profession),
                     row_header="År", css="admin-turnover")
    return (f"<h4>{hb.escape(profession.capitalize())}</h4>" + hb.paragraph(" ".join(sentences))
            + hb.figure(png, alt, caption, sources.turnover(profession)) + table)


def survey_block(shares: pd.DataFrame, synthetic: bool, name: str, statements: dict[str, str],
                 threshold: int) -> str:
    """Positive shares per statement and occasion; suppressed cells shown as such."""
    from pipeline.present import survey_views

    rows = shares[(shares["group_type"] == "administration") & (shares["group"] == name)]
    if rows.empty:
        return hb.paragraph(f"Det finns inga enkätsvar från {name}.")
    occasions = list(dict.fromkeys(rows["occasion"]))
    frame = pd.DataFrame(index=[statements.get(s, s) for s in dict.fromkeys(rows["statement"])], columns=occasions)
    for r in rows.itertuples():
        cell = "färre än " + str(threshold) + " svar" if bool(r.suppressed) else (
            f"{fmt.percent(r.positive_share)} (n={fmt.number(r.n)})")
        frame.loc[statements.get(r.statement, r.statement), r.occasion] = cell
    badge = hb.synthetic_badge() if synthetic else ""
    return badge + hb.table(frame.fillna(fmt.EN_DASH), f"Andel positiva svar i {name} per mättillfälle.",
                            survey_views.source(synthetic), row_header="Påstående", synthetic=synthetic)


def survey_for_pages(processed_dir) -> tuple[pd.DataFrame, bool, dict[str, str]]:
    """The survey shares, whether they are synthetic, and the statements' wording."""
    from pipeline.process import datasets, survey

    return datasets.load("survey_shares", processed_dir), survey.is_synthetic(processed_dir), dict(survey.STATEMENTS)


def index_item(rows: pd.DataFrame, administrations: pd.DataFrame, name: str, slug: str) -> dict:
    """One entry of the pages' index: name, links and a small multiple of its turnover trend.

    All entries share one scale (the highest rate of any administration), so they compare.
    """
    import base64

    from pipeline.present.turnover_views import trend_alt

    lines, alts = [], []
    styles = {"biståndshandläggare": "main", "socialsekreterare": "second"}
    years = sorted(rows["year"].unique().tolist())
    for profession in professions(rows, name):
        own = turnover.series(rows, profession, name).set_index("year")["rate"].reindex(years)
        lines.append({"label": profession.capitalize(), "rates": own.tolist(), "style": styles[profession]})
        alts.append(trend_alt(profession.capitalize(), years, own.tolist()))
    known = rows.loc[rows["administration_type"] != "all_districts", "rate"].dropna()
    png = charts.sparkline(years, lines, top=float(known.max()) if not known.empty else None)
    return {"name": name, "slug": slug, "image": base64.b64encode(png).decode("ascii"),
            "alt": f"Personalrörlighet i {name}. " + " ".join(alts)}
