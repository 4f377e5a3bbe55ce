"""One administration's page: facts, turnover beside all districts, survey shares, as blocks for the notebook.

Numbers, captions and sources come from ``contents`` (the entries ``administration-*``): a page's
diagrams are numbered by the page's position (``administration.page_index``) and lettered by
profession. The figures come from ``pipeline.process``.
"""
import math

import pandas as pd

from pipeline import formatting as fmt
from pipeline.ingest.schemas import PROFESSIONS
from pipeline.present import blocks, charts, contents
from pipeline.present.turnover_views import trend_alt, trend_sentence
from pipeline.process import administration, turnover

FACT_LABEL = {
    "inhabitants": "Invånare",
    "under_20_pct": "Andel under 20 år",
    "over_65_pct": "Andel över 65 år",
    "ohalsotal_days": "Ohälsotal (dagar)",
    "ekonomiskt_bistand_pct": "Andel med ekonomiskt bistånd",
    "socialsekreterare": "Tillsvidareanställda socialsekreterare",
    "bistandshandlaggare": "Tillsvidareanställda biståndshandläggare",
}


def _slug(profession: str) -> str:
    return profession.replace("å", "a").replace("ä", "a")


def title(name: str):
    """The page's heading, as Markdown (the build numbers and levels it as the chapters' own headings)."""
    from IPython.display import Markdown

    return Markdown(f"## {name}")


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


def _fact(facts: pd.Series, column: str) -> str:
    """A fact with 'ca' in front where the report has it."""
    prefix = "ca " if column in administration.approximate_columns(facts) else ""
    return prefix + fact_value(column, facts[column])


def facts_sentence(facts: pd.Series) -> str:
    """The district section's opening, rebuilt from the facts ('ca' where the report has it)."""
    def v(column):
        return _fact(facts, column)

    return (f"I {facts['administration']} bor {v('inhabitants')} stockholmare. {v('under_20_pct')} är under 20 år "
            f"och {v('over_65_pct')} är över 65 år. Ohälsotalet är {v('ohalsotal_days')}. "
            f"{v('ekonomiskt_bistand_pct')} har ekonomiskt bistånd. Det är {v('socialsekreterare')} socialsekreterare "
            f"och {v('bistandshandlaggare')} biståndshandläggare som är tillsvidareanställda.")


def _turnover_tables() -> str:
    """The turnover chapter's tables as the registry numbers them, one kind word for both ('<kind> 1 och 2')."""
    numbers = [contents.number(f"turnover-table-{_slug(p)}") for p in PROFESSIONS]
    words = {n.split(" ", 1)[0] for n in numbers}
    if len(words) == 1:
        return f"{words.pop()} " + fmt.join_words([n.split(" ", 1)[1] for n in numbers])
    return fmt.join_words(numbers)


def facts(district_facts: pd.DataFrame, name: str) -> blocks.Block:
    """The district section's opening sentences and its facts (entry ``administration-facts-table``)."""
    rows = district_facts[district_facts["administration"] == name]
    if rows.empty:
        return blocks.Text(f"Rapporten redovisar inga befolknings- eller personaluppgifter för {name}.")
    row = rows.iloc[0]
    shown = pd.DataFrame({"Värde": [_fact(row, c) for c in administration.FACT_COLUMNS]},
                         index=[FACT_LABEL[c] for c in administration.FACT_COLUMNS])
    note = (" Personalantalen är förvaltningens egna uppgifter i rapporten och har ett annat datum och en annan "
            f"avgränsning än antalen anställda i {_turnover_tables()}.")
    frame = rows[["administration", *administration.FACT_COLUMNS, "approximate"]].reset_index(drop=True)
    table = blocks.Table(frame, shown, contents.caption("administration-facts-table", name=name),
                         contents.source("administration-facts-table", name=name) + note, row_header="Uppgift",
                         css="facts")
    return blocks.Group([blocks.Text(facts_sentence(row)), table])


def professions(rows: pd.DataFrame, name: str) -> list[str]:
    """The professions the administration has turnover rows for, in the report's order."""
    present = set(rows.loc[rows["administration"] == name, "profession"])
    return [p for p in PROFESSIONS if p in present]


def turnover_sentences(rows: pd.DataFrame, administrations: pd.DataFrame, name: str, profession: str,
                       reference_year: int) -> str:
    """The last year against all districts, the change since the reference year, and a word on small numbers."""
    own = turnover.series(rows, profession, name)
    reference = turnover.series(rows, profession, turnover.all_districts_name(administrations)).set_index("year")
    last = own.iloc[-1]
    where = f"i {name}"
    if last["headcount"] > 0:
        sentences = [
            f"{int(last['year'])} slutade {fmt.number(last['ended'])} av {fmt.number(last['headcount'])} "
            f"tillsvidareanställda {profession} {where} ({fmt.percent(last['rate'])}), jämfört med "
            f"{fmt.percent(reference.loc[int(last['year']), 'rate'])} i alla stadsdelar sammantaget."]
    else:
        sentences = [f"{int(last['year'])} fanns inga tillsvidareanställda {profession} {where} "
                     "vid årets början, så ingen rörlighet kan beräknas."]
    sentences.append(trend_sentence(rows, profession, name, reference_year, where))
    small = own[own["headcount"] < 10]
    if not small.empty:
        sentences.append(f"Med färre än 10 anställda vissa år ({fmt.join_words([str(y) for y in small['year']])}) "
                         "kan en enda person ändra andelen kraftigt.")
    return " ".join(sentences)


def turnover_rows(rows: pd.DataFrame, administrations: pd.DataFrame, name: str, profession: str) -> pd.DataFrame:
    """The processed rows the profession's diagram and table show: the administration's and all districts'."""
    shown = [name, turnover.all_districts_name(administrations)]
    return rows[(rows["profession"] == profession) & rows["administration"].isin(shown)].reset_index(drop=True)


def turnover_block(rows: pd.DataFrame, administrations: pd.DataFrame, name: str, profession: str,
                   reference_year: int) -> blocks.Group:
    """Heading, sentences, the diagram (entry ``administration-trend``) and the yearly table
    (entry ``administration-turnover-table``) for one profession."""
    reference_name = turnover.all_districts_name(administrations)
    own = turnover.series(rows, profession, name)
    reference = turnover.series(rows, profession, reference_name).set_index("year")
    years = own["year"].tolist()
    ref_rates = reference["rate"].reindex(years).tolist()
    shown_rows = turnover_rows(rows, administrations, name, profession)
    table_of = {"table": contents.TURNOVER_SOURCE_TABLE[profession]}

    png = charts.rate_trend(years, [{"label": name, "rates": own["rate"].tolist()},
                                    {"label": reference_name, "rates": ref_rates, "style": "reference"}])
    caption = contents.caption("administration-trend", part=professions(rows, name).index(profession),
                               page=administration.page_index(administrations, name), profession=profession,
                               name=name, years=fmt.year_range(years[0], years[-1]))
    alt = (contents.entry_of("administration-trend").alt + " "
           + trend_alt(f"{profession.capitalize()} i {name}", years, own["rate"].tolist())
           + " " + trend_alt("Alla stadsdelar", years, ref_rates))
    figure = blocks.Figure(shown_rows, png, alt, caption, contents.source("administration-trend", **table_of))

    data = pd.DataFrame({
        "Slutat/anställda": [fmt.ratio(e, h) for e, h in zip(own["ended"], own["headcount"])],
        "Rörlighet": [fmt.percent(r) for r in own["rate"]],
        "Alla stadsdelar": [fmt.percent(r) for r in ref_rates],
    }, index=[str(y) for y in years])
    data.index.name = "År"
    table = blocks.Table(shown_rows, data,
                         contents.caption("administration-turnover-table", profession=profession, name=name),
                         contents.source("administration-turnover-table", **table_of), row_header="År",
                         css="admin-turnover")
    return blocks.Group([blocks.heading(profession.capitalize()),
                         blocks.Text(turnover_sentences(rows, administrations, name, profession, reference_year)),
                         figure, table])


def survey_block(shares: pd.DataFrame, synthetic: bool, name: str, statements: dict[str, str],
                 survey_min_respondents: int) -> blocks.Block:
    """Positive shares per statement and occasion (entry ``administration-survey-table``); suppressed cells
    shown as such."""
    rows = shares[(shares["group_type"] == "administration") & (shares["group"] == name)]
    if rows.empty:
        return blocks.Text(f"Det finns inga enkätsvar från {name}.")
    occasions = list(dict.fromkeys(rows["occasion"]))
    grid = pd.DataFrame(index=[statements.get(s, s) for s in dict.fromkeys(rows["statement"])], columns=occasions)
    for r in rows.itertuples():
        cell = f"färre än {survey_min_respondents} svar" if bool(r.suppressed) else (
            f"{fmt.percent(r.positive_share)} (n={fmt.number(r.n)})")
        grid.loc[statements.get(r.statement, r.statement), r.occasion] = cell
    table = blocks.Table(rows.reset_index(drop=True), grid.fillna(fmt.EN_DASH),
                         contents.caption("administration-survey-table", name=name),
                         contents.source("administration-survey-table", synthetic=synthetic),
                         row_header="Påstående", synthetic=synthetic)
    return blocks.Group([blocks.synthetic_notice(), table] if synthetic else [table])


def survey_for_pages(processed_dir) -> tuple[pd.DataFrame, bool, dict[str, str]]:
    """The survey shares, whether they are synthetic, and the statements' wording."""
    from pipeline.process import datasets, survey

    return datasets.load("survey_shares", processed_dir), survey.is_synthetic(processed_dir), dict(survey.STATEMENTS)


def index_item(rows: pd.DataFrame, administrations: pd.DataFrame, name: str, slug: str) -> dict:
    """One entry of the pages' index: name, links and a small multiple of its turnover trend.

    All entries share one scale (the highest rate of any administration), so they compare.
    """
    import base64

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
