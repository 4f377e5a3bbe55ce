"""One administration's page: facts, turnover beside all districts, survey shares, as blocks for the notebook.

Numbers, captions and sources come from ``contents`` (the entries ``administration-*``): a page's
diagrams are numbered by the page's position (``administration.page_index``) and lettered by their
place on the page (``administration.diagram_order``: the published report's diagrams first, so they
keep its numbers). The figures come from ``pipeline.process``.

The same executed notebook is a chapter of the report and the administration's own page. Blocks the
chapter leaves out (the facts as a table) sit in a ``page-only`` box, and the chapter's shorter
stand-ins in ``report-only`` ones; report.css shows each only where it belongs.
"""
import math

import pandas as pd

from pipeline import formatting as fmt
from pipeline.ingest.schemas import PROFESSIONS
from pipeline.present import blocks, charts, contents, survey_views, trace
from pipeline.present.labels import FACT_LABEL
from pipeline.present.turnover_views import cell_how, trend_alt, trend_sentence
from pipeline.process import administration, lineage, turnover

REFERENCE_LABEL = "Alla stadsdelar"  # the all-districts series, as every legend and table of the report names it
SMALL_HEADCOUNT = 10  # below this many employees one person moves the rate by more than ten percentage points
SURVEY_CAUTION = "Svaren var inte anonyma och grupperna är ofta små: jämför över tid med stor försiktighet."
ADDED_NOTE = {
    # a diagram the published report does not have, on a page it has (Socialförvaltningen's biståndshandläggare)
    True: "Den publicerade rapporten har inget sådant diagram; det är tillagt här.",
    # a page the published report does not have (Äldreförvaltningen)
    False: "{Name} har inget eget avsnitt i den publicerade rapporten; diagrammet är tillagt här.",
}


def _definite(profession: str) -> str:
    """'biståndshandläggarna', 'socialsekreterarna'."""
    return profession[:-1] + "na"


def title(name: str):
    """The page's heading, as Markdown (the build numbers and levels it as the chapters' own headings)."""
    from IPython.display import Markdown

    return Markdown(f"## {name}")


def named(administrations: pd.DataFrame, name: str) -> str:
    """The administration as running text names it: 'Bromma', but 'socialförvaltningen'."""
    return name if administration.lookup(administrations, name)["type"] == "district" else name[0].lower() + name[1:]


def place(administrations: pd.DataFrame, name: str) -> str:
    """'i Bromma', but 'på socialförvaltningen': districts take 'i', the central administrations 'på'."""
    central = administration.lookup(administrations, name)["type"] != "district"
    return f"på {named(administrations, name)}" if central else f"i {name}"


def _caption(entry_id: str, administrations: pd.DataFrame, name: str, **fields) -> str:
    """The registry's caption, its 'i {name}' said as Swedish says it for the administration ('på …')."""
    return contents.caption(entry_id, name=name, **fields).replace(f"i {name}", place(administrations, name))


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
    """A fact with 'ca' in front where the report has it, traced to its raw row (it is the report's own figure)."""
    prefix = "ca " if column in administration.approximate_columns(facts) else ""
    shown = fact_value(column, facts[column])
    if shown == fmt.EN_DASH:
        return prefix + shown
    how = (f"{FACT_LABEL[column]}, {facts['administration']}: som den tryckta rapporten anger det i avsnittet om "
           f"{facts['administration']}, ingen beräkning")
    return prefix + trace.figure(shown, how, trace.rows_of(facts))


def facts_sentence(facts: pd.Series) -> str:
    """The district section's opening as the report words it ('ca' where it has it), its sentences
    rejoined so that none starts with a figure."""
    def v(column):
        return _fact(facts, column)

    return (f"I {facts['administration']} bor {v('inhabitants')} stockholmare, varav {v('under_20_pct')} är under "
            f"20 år och {v('over_65_pct')} är över 65 år. Ohälsotalet är {v('ohalsotal_days')} och "
            f"{v('ekonomiskt_bistand_pct')} har ekonomiskt bistånd. Det är {v('socialsekreterare')} socialsekreterare "
            f"och {v('bistandshandlaggare')} biståndshandläggare som är tillsvidareanställda.")


def _turnover_tables() -> str:
    """The turnover chapter's tables as the registry numbers them, one kind word for both ('<kind> 1 och 2')."""
    numbers = [contents.number(f"turnover-table-{contents.profession_slug(p)}") for p in PROFESSIONS]
    words = {n.split(" ", 1)[0] for n in numbers}
    if len(words) == 1:
        return f"{words.pop()} " + fmt.join_words([n.split(" ", 1)[1] for n in numbers])
    return fmt.join_words(numbers)


def facts(district_facts: pd.DataFrame, name: str, administrations: pd.DataFrame | None = None) -> blocks.Block:
    """The district section's opening sentence; on the administration's own page also its facts as a table
    (entry ``administration-facts-table``). The report's chapter has the sentence only, with the source."""
    rows = district_facts[district_facts["administration"] == name]
    if rows.empty:
        shown_name = named(administrations, name) if administrations is not None else name
        return blocks.Text(f"Rapporten redovisar inga befolknings- eller personaluppgifter för {shown_name}.")
    row = rows.iloc[0]
    shown = pd.DataFrame({"Värde": [_fact(row, c) for c in administration.FACT_COLUMNS]},
                         index=[FACT_LABEL[c] for c in administration.FACT_COLUMNS])
    source = contents.source("administration-facts-table", name=name) + (
        " Personalantalen är förvaltningens egna uppgifter i rapporten och har ett annat datum och en annan "
        f"avgränsning än antalen anställda i {_turnover_tables()}.")
    frame = rows[["administration", *administration.FACT_COLUMNS, "approximate"]].reset_index(drop=True)
    table = blocks.Table(frame, shown, contents.caption("administration-facts-table", name=name), source,
                         row_header="Uppgift", css="facts")
    return blocks.Group([blocks.Text(facts_sentence(row)),
                         blocks.Box([blocks.Text(f"Källa: {source}", css="source")], css="report-only"),
                         blocks.Box([table], css="page-only")])


def professions(rows: pd.DataFrame, name: str) -> list[str]:
    """The professions the administration has turnover rows for, in the report's order."""
    present = set(rows.loc[rows["administration"] == name, "profession"])
    return [p for p in PROFESSIONS if p in present]


def diagrams(rows: pd.DataFrame, administrations: pd.DataFrame, name: str) -> list[tuple[str, bool]]:
    """(profession, printed in the published report) for each of the page's diagrams, in their lettered order."""
    return administration.diagram_order(administrations, professions(rows, name), name)


def _years_phrase(years: list[int], of: int) -> str:
    """'alla år', 'år <år>', 'åren <år> och <år>', 'fyra av sex år': a list only when it is short."""
    if len(years) == of:
        return "alla år"
    if len(years) <= 3:
        return ("år " if len(years) == 1 else "åren ") + fmt.join_words([str(y) for y in years])
    words = ["noll", "ett", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva", "tolv"]
    count = words[len(years)] if len(years) < len(words) else str(len(years))
    total = words[of] if of < len(words) else str(of)
    return f"{count} av {total} år"


COUNT_WHAT = {"ended": "Slutade", "headcount": "Tillsvidareanställda"}


def _where_when(row) -> str:
    """'biståndshandläggare, Bromma, år <år>'; the all-districts row as 'alla stadsdelar'."""
    name = "alla stadsdelar" if row["administration_type"] == turnover.ALL_DISTRICTS else row["administration"]
    return f"{row['profession']}, {name}, år {int(row['year'])}"


def _count(row, column: str) -> str:
    """A turnover count as shown, traced: a row's own value in the raw data, or the sum of the districts' rows."""
    rows = trace.rows_of(row)
    what = f"{COUNT_WHAT[column]}, {_where_when(row)}"
    how = (trace.summed(what, rows, "stadsdelarnas") if row["administration_type"] == turnover.ALL_DISTRICTS
           else f"{what}: värdet i rådata, ingen beräkning")
    return trace.figure(fmt.number(row[column]), how, rows)


def _ratio(row) -> str:
    """'4/26' as shown, traced: who ended and who were employed, as the raw data (or the districts' sum) has them."""
    rows = trace.rows_of(row)
    what = f"Slutade / tillsvidareanställda, {_where_when(row)}"
    if row["administration_type"] == turnover.ALL_DISTRICTS:
        how = trace.summed(what, rows, "stadsdelarnas")
    else:
        how = (f"{what}: {fmt.number(row['ended'])} slutade av {fmt.number(row['headcount'])} "
               "tillsvidareanställda, värdena i rådata")
    return trace.figure(fmt.ratio(row["ended"], row["headcount"]), how, rows)


def _rate(row) -> str:
    """A rate as shown, traced ('4 / 26 = 15,4 %'); a year without a row stays as it is shown."""
    if row is None or not isinstance(row.get(lineage.COLUMN), str):
        return fmt.percent(row["rate"]) if row is not None else fmt.EN_DASH
    return trace.figure(fmt.percent(row["rate"]), cell_how(row), trace.rows_of(row))


def _by_year(rows: pd.DataFrame, years: list[int]) -> list:
    """The row of each year in ``years`` (one administration's series), or None where it has none."""
    indexed = {int(y): row for y, row in rows.set_index("year", drop=False).iterrows()}
    return [indexed.get(int(y)) for y in years]


def last_year_sentence(rows: pd.DataFrame, administrations: pd.DataFrame, name: str, profession: str) -> str:
    """The last year's turnover against all districts ('År <år> slutade 14 av 38 …'); zero and one said in words."""
    own = turnover.series(rows, profession, name)
    reference = turnover.series(rows, profession, turnover.all_districts_name(administrations)).set_index("year",
                                                                                                          drop=False)
    last = own.iloc[-1]
    year, ended, headcount = int(last["year"]), int(last["ended"]), int(last["headcount"])
    where = place(administrations, name)
    compared = _rate(reference.loc[year])
    if headcount == 0:
        return (f"År {year} fanns inga tillsvidareanställda {profession} {where} vid årets början, så ingen "
                "rörlighet kan beräknas.")
    if headcount == 1:
        outcome = (f"År {year} slutade den enda tillsvidareanställda {profession} {where}." if ended else
                   f"År {year} fanns en enda tillsvidareanställd {profession} {where}, och ingen slutade under året.")
        return f"{outcome} I alla stadsdelar sammantaget var personalrörligheten {compared}."
    if ended == 0:
        return (f"År {year} slutade ingen av de {_count(last, 'headcount')} tillsvidareanställda {_definite(profession)} "
                f"{where}, medan personalrörligheten i alla stadsdelar sammantaget var {compared}.")
    return (f"År {year} slutade {_count(last, 'ended')} av {_count(last, 'headcount')} tillsvidareanställda "
            f"{profession} {where} ({_rate(last)}), jämfört med {compared} i alla stadsdelar sammantaget.")


def turnover_sentences(rows: pd.DataFrame, administrations: pd.DataFrame, name: str, profession: str,
                       reference_year: int) -> str:
    """The last year against all districts, the change since the reference year, and a word on small numbers."""
    own = turnover.series(rows, profession, name)
    sentences = [last_year_sentence(rows, administrations, name, profession),
                 trend_sentence(rows, profession, name, reference_year, place(administrations, name))]
    small = own.loc[own["headcount"] < SMALL_HEADCOUNT, "year"].astype(int).tolist()
    if small:
        sentences.append(f"Med färre än {SMALL_HEADCOUNT} anställda {_years_phrase(small, len(own))} kan en enda "
                         "person ändra andelen kraftigt.")
    return " ".join(sentences)


def turnover_rows(rows: pd.DataFrame, administrations: pd.DataFrame, name: str,
                  profession: str | None = None) -> pd.DataFrame:
    """The processed rows a diagram (one profession) or the page's table (all) shows: the administration's
    and all districts'."""
    shown = [name, turnover.all_districts_name(administrations)]
    chosen = rows["administration"].isin(shown) & rows["profession"].isin(
        [profession] if profession else professions(rows, name))
    return rows[chosen].reset_index(drop=True)


def _reference_rates(rows: pd.DataFrame, administrations: pd.DataFrame, profession: str,
                     years: list[int]) -> list[float]:
    reference = turnover.series(rows, profession, turnover.all_districts_name(administrations)).set_index("year")
    return reference["rate"].reindex(years).tolist()


def _reference_cells(rows: pd.DataFrame, administrations: pd.DataFrame, profession: str, years: list[int]) -> list[str]:
    """All districts' rate for each year, traced, as a cell shows it."""
    reference = turnover.series(rows, profession, turnover.all_districts_name(administrations))
    return [_rate(row) for row in _by_year(reference, years)]


def turnover_figure(rows: pd.DataFrame, administrations: pd.DataFrame, name: str, part: int, profession: str,
                    published: bool, top: float | None = None) -> blocks.Figure:
    """One profession's diagram (entry ``administration-trend``), lettered by ``part``, the all-districts line
    beside it; a diagram the published report lacks says so in its caption."""
    own = turnover.series(rows, profession, name)
    years = own["year"].tolist()
    rates, reference = own["rate"].tolist(), _reference_rates(rows, administrations, profession, years)
    png = charts.rate_panel(years, [{"label": name, "rates": rates},
                                    {"label": REFERENCE_LABEL, "rates": reference, "style": "reference"}], top=top)
    caption = _caption("administration-trend", administrations, name, part=part,
                       page=administration.page_index(administrations, name), profession=profession,
                       years=fmt.year_range(years[0], years[-1]))
    if not published:
        page_published = bool(administration.published_diagrams(administrations, name))
        caption += " " + ADDED_NOTE[page_published].format(Name=name)
    alt = (contents.entry_of("administration-trend").alt + " "
           + trend_alt(f"{profession.capitalize()} {place(administrations, name)}", years, rates)
           + " " + trend_alt(REFERENCE_LABEL, years, reference))
    source = contents.source("administration-trend", table=contents.TURNOVER_SOURCE_TABLE[profession])
    # the numbers behind it, for a screen (print has them in the page's table)
    data = pd.DataFrame({"Slutat/anställda": [_ratio(row) for _, row in own.iterrows()],
                         "Rörlighet": [_rate(row) for _, row in own.iterrows()],
                         REFERENCE_LABEL: _reference_cells(rows, administrations, profession, years)},
                        index=pd.Index([str(y) for y in years], name="År"))
    return blocks.Figure(turnover_rows(rows, administrations, name, profession), png, alt, caption, source, data)


def _cited_tables(professions_shown: list[str]) -> str:
    """The published tables the professions' turnover comes from, one kind word for both ('<kind> 1 och 2')."""
    cited = [contents.TURNOVER_SOURCE_TABLE[p] for p in PROFESSIONS if p in professions_shown]
    kind = cited[0].split(" ", 1)[0]
    return f"{kind} " + fmt.join_words([c.split(" ", 1)[1] for c in cited])


def turnover_table(rows: pd.DataFrame, administrations: pd.DataFrame, name: str) -> blocks.GroupedTable:
    """One table for all the page's professions (entry ``administration-turnover-table``): a row per year, and
    for each profession ended/employed, the rate and all districts' rate."""
    order = [p for p, _ in diagrams(rows, administrations, name)]
    years = sorted(set(turnover_rows(rows, administrations, name)["year"].astype(int)))
    columns = {}
    for profession in order:
        own = _by_year(turnover.series(rows, profession, name), years)
        group = profession.capitalize()
        columns[(group, "Slutat/anställda")] = [fmt.EN_DASH if row is None or pd.isna(row["ended"]) else _ratio(row)
                                                for row in own]
        columns[(group, "Rörlighet")] = [_rate(row) for row in own]
        columns[(group, REFERENCE_LABEL)] = _reference_cells(rows, administrations, profession, years)
    shown = pd.DataFrame(columns, index=pd.Index([str(y) for y in years], name="År"))
    return blocks.GroupedTable(turnover_rows(rows, administrations, name), shown,
                        _caption("administration-turnover-table", administrations, name,
                                 profession=fmt.join_words(order)),
                        contents.source("administration-turnover-table", table=_cited_tables(order)), row_header="År",
                        css="admin-turnover")


def turnover_section(rows: pd.DataFrame, administrations: pd.DataFrame, name: str, reference_year: int) -> blocks.Group:
    """The sentences for each profession, its diagrams side by side on one shared scale, and one yearly table."""
    order = diagrams(rows, administrations, name)
    known = turnover_rows(rows, administrations, name)["rate"].dropna()
    top = float(known.max()) if not known.empty else None
    sentences = [blocks.Text(turnover_sentences(rows, administrations, name, p, reference_year)) for p, _ in order]
    figures = [turnover_figure(rows, administrations, name, part, p, published, top)
               for part, (p, published) in enumerate(order)]
    return blocks.Group([*sentences, blocks.Box(figures, css=f"panels panels-{len(figures)}"),
                         turnover_table(rows, administrations, name)])


def survey_block(shares: pd.DataFrame, synthetic: bool, name: str, statements: dict[str, str],
                 survey_min_respondents: int, administrations: pd.DataFrame | None = None) -> blocks.Block:
    """A word of caution, then positive shares per statement and occasion with the number of answers in brackets
    (entry ``administration-survey-table``); suppressed cells shown as such. Synthetic answers are labelled in the
    caption and the source."""
    shown_name = named(administrations, name) if administrations is not None else name
    rows = shares[(shares["group_type"] == "administration") & (shares["group"] == name)]
    if rows.empty:
        return blocks.Text(f"Det finns inga enkätsvar från {shown_name}.")
    occasions = list(dict.fromkeys(rows["occasion"]))
    grid = pd.DataFrame(index=[statements.get(s, s) for s in dict.fromkeys(rows["statement"])], columns=occasions)
    for _, r in rows.iterrows():
        cell = f"färre än {survey_min_respondents} svar" if bool(r["suppressed"]) else _survey_cell(
            r, shown_name, statements.get(r["statement"], r["statement"]), synthetic)
        grid.loc[statements.get(r["statement"], r["statement"]), r["occasion"]] = cell
    caption = (_caption("administration-survey-table", administrations, name) if administrations is not None
               else contents.caption("administration-survey-table", name=name))
    table = blocks.Table(rows.reset_index(drop=True), grid.fillna(fmt.EN_DASH), caption.rstrip(".") + " (antal svar).",
                         contents.source("administration-survey-table", synthetic=synthetic),
                         row_header="Påstående", synthetic=synthetic, css="admin-survey")
    return blocks.Group([blocks.Text(SURVEY_CAUTION, css="lead-in"), table])


def _survey_cell(row, shown_name: str, statement: str, synthetic: bool) -> str:
    """'61,5 % (13)', each figure traced: the share as positive answers / answers, the answers counted
    among the occasion's rows (``survey.shares``); from synthetic answers the description says so."""
    rows = trace.rows_of(row)
    n = int(row["n"])
    positive = round(float(row["positive_share"]) * n)
    whose = f"påståendet »{statement}«, {shown_name}, {row['occasion']}"
    share = survey_views.traced(fmt.percent(row["positive_share"]),
                                f"Svar »Stämmer mycket bra« eller »Stämmer ganska bra« av alla svar på {whose}: "
                                + trace.quotient(positive, n, fmt.percent(row["positive_share"])), rows, synthetic)
    answers = survey_views.traced(fmt.number(n), f"Antal svar på {whose}, räknade bland mättillfällets rader i rådata",
                                  rows, synthetic)
    return f"{share} ({answers})"


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
