"""The survey section's tables, diagrams and sentences, as blocks for the notebook.

Everything here reads ``survey_shares`` (processed, suppressed) and never the answers.
When the answers are synthetic every table and diagram carries the label
"Syntetiska demonstrationsdata". Numbers, captions and sources come from ``contents``
(the entries ``survey-statements-*``, ``survey-areas-*`` and ``survey-administrations-*``).
The report's own survey tables were in Bilaga 3, which is not among the sources, so the
registry numbers this section's tables and diagrams in a series of their own (``series="E"``,
E for enkät), which cannot be mistaken for the numbered tables of the main text.
"""
import pandas as pd
from markupsafe import Markup

from pipeline import formatting as fmt
from pipeline.present import blocks, charts, contents, trace
from pipeline.process import lineage, survey

ALL_OCCASIONS = "Samtliga tillfällen"
POOLED = "de tre påståendena sammantagna"


def _rows(shares: pd.DataFrame, *group_types: str) -> pd.DataFrame:
    """The processed rows of the given group types, in the dataset's order."""
    return shares[shares["group_type"].isin(group_types)].reset_index(drop=True)


def _suppression_note(min_respondents: int) -> str:
    return (f"{fmt.EN_DASH} = redovisas inte: färre än {min_respondents} svar, eller en grupp som döljs för att "
            "en sådan grupp inte ska kunna räknas fram ur stadens totalsiffra.")


def _range(occasions: list[str]) -> str:
    return fmt.year_range(occasions[0], occasions[-1])


# Every sentence with a figure from synthetic answers says so in its opening words; a real export reads
# "I enkäten …" instead.
SYNTHETIC_WHERE = "I de syntetiska data"
REAL_WHERE = "I enkäten"
# The text alternative of a diagram drawn from synthetic answers opens with the label the image carries.
SYNTHETIC_ALT = f"{blocks.SYNTHETIC_LABEL}, inte verkliga svar. "


def _where(synthetic: bool) -> str:
    return SYNTHETIC_WHERE if synthetic else REAL_WHERE


def _alt(text: str, synthetic: bool) -> str:
    return (SYNTHETIC_ALT if synthetic else "") + text


def _printed(share: float) -> float:
    """A share as printed, in per cent rounded to one decimal: what the reader can compute with."""
    return fmt.round_half_up(float(share) * 100, 1)


def _change(first: float, last: float, rows: str = "", synthetic: bool = False) -> str:
    """'en minskning med 2,1 procentenheter', computed from the two percentages as printed; with ``rows``
    (both figures' raw rows) the points are traced as the difference of the two."""
    points = fmt.round_half_up(_printed(last) - _printed(first), 1)
    if points == 0:
        return "oförändrat"
    direction = "en ökning" if points > 0 else "en minskning"
    amount = f"{fmt.number(abs(points), 1)}{fmt.NBSP}procentenheter"
    if rows:
        amount = traced(amount, trace.difference(first, last), rows, synthetic)
    return f"{direction} med {amount}"


def _from_to(first, first_occasion: str, last, last_occasion: str) -> str:
    """'från 62,3 % hösten (year) till 60,2 % hösten (year)', earlier occasion first; a share may be given
    already shown (a traced figure)."""
    return (f"från {_shown(first)} {survey.occasion_words(first_occasion)} till {_shown(last)} "
            f"{survey.occasion_words(last_occasion)}")


def _shown(share) -> str:
    return share if isinstance(share, str) else fmt.percent(share)


# ----------------------------------------------------------------------------- traced figures

def synthetic_words(rows: str) -> str:
    """'Raderna i survey_responses.csv är syntetiska demonstrationsdata, inte verkliga svar', naming the files."""
    files = fmt.join_words(list(lineage.parse(rows))) or "enkätexporten"
    return f"Raderna i {files} är {blocks.SYNTHETIC_LABEL.lower()}, inte verkliga svar"


def traced(value: str, how: str, rows: str, synthetic: bool) -> str:
    """``value`` traced to ``how`` and ``rows``; from synthetic answers the description says so."""
    if synthetic and rows:
        how = f"{how.rstrip('.')}. {synthetic_words(rows)}"
    return trace.figure(value, how, rows)


def _who(group_type: str, group: str) -> str:
    return "hela staden" if group_type == "city" else group


def cell_rows(shares: pd.DataFrame, group_type: str, group: str | None = None, occasion: str | None = None,
              statement: str | None = None) -> str:
    """The raw rows of the published cells of one group (and occasion, statement): a pooled figure's rows."""
    rows = shares[(shares["group_type"] == group_type) & ~shares["suppressed"].astype(bool)]
    for column, value in (("group", group), ("occasion", occasion), ("statement", statement)):
        if value is not None:
            rows = rows[rows[column] == value]
    return trace.rows_of(rows)


def cell_share(row, column: str, synthetic: bool) -> str:
    """One statement's share (``column``) for one group and occasion, traced: answers of the kind / answers."""
    kind = {"positive_share": "Positiva", "neutral_share": "Neutrala", "negative_share": "Negativa"}[column]
    count = int(fmt.round_half_up(float(row[column]) * float(row["n"]), 0))
    how = (f"{kind} svar / svar på påståendet ”{survey.STATEMENT_SHORT[row['statement']].lower()}”, "
           f"{_who(row['group_type'], row['group'])}, {row['occasion']}: "
           f"{trace.quotient(count, row['n'], fmt.percent(row[column]))}")
    return traced(fmt.percent(row[column]), how, trace.rows_of(row), synthetic)


def cell_count(row, synthetic: bool) -> str:
    """One statement's answers for one group and occasion, traced to the occasion's raw rows (``survey.shares``)."""
    how = (f"Antal svar på påståendet ”{survey.STATEMENT_SHORT[row['statement']].lower()}”, "
           f"{_who(row['group_type'], row['group'])}, {row['occasion']}: räknade bland mättillfällets rader i rådata")
    return traced(fmt.number(row["n"]), how, trace.rows_of(row), synthetic)


def pooled_share(shares: pd.DataFrame, row, group_type: str, synthetic: bool) -> str:
    """A pooled positive share (a row of ``survey.all_statements``), traced: positive answers / answers."""
    how = (f"Positiva svar / svar, {POOLED}, {_who(group_type, row['group'])}, {row['occasion']}: "
           f"{trace.quotient(row['positive'], row['n'], fmt.percent(row['positive_share']))}")
    rows = cell_rows(shares, group_type, row["group"], row["occasion"])
    return traced(fmt.percent(row["positive_share"]), how, rows, synthetic)


def pooled_count(shares: pd.DataFrame, row, group_type: str, synthetic: bool) -> str:
    """A pooled number of answers (a row of ``survey.all_statements``), traced."""
    how = (f"Svar på de tre påståendena, {_who(group_type, row['group'])}, {row['occasion']}: "
           "summan av påståendenas antal svar, upp till tre svar per rad i rådata")
    return traced(fmt.number(row["n"]), how, cell_rows(shares, group_type, row["group"], row["occasion"]), synthetic)


def ranked_share(shares: pd.DataFrame, row, synthetic: bool, group_type: str = "administration") -> str:
    """A share over all occasions (a row of ``survey.ranking``), traced."""
    how = (f"Positiva svar / svar, {POOLED}, {_who(group_type, row['group'])}, vid de "
           f"{fmt.number(row['occasions'])} mättillfällen som redovisas: "
           f"{trace.quotient(row['positive'], row['n'], fmt.percent(row['positive_share']))}")
    return traced(fmt.percent(row["positive_share"]), how, cell_rows(shares, group_type, row["group"]), synthetic)


def pooled_change(shares: pd.DataFrame, first, last, group_type: str, synthetic: bool) -> str:
    """The change between two pooled rows of one group, traced to both occasions' rows."""
    rows = lineage.merge(cell_rows(shares, group_type, first["group"], first["occasion"]),
                         cell_rows(shares, group_type, last["group"], last["occasion"]))
    return _change(first["positive_share"], last["positive_share"], rows, synthetic)


def opening(synthetic: bool) -> blocks.Group:
    """The badge and one sentence on why, at the top of the section; nothing for a real export."""
    if not synthetic:
        return blocks.Group([])
    return blocks.Group([blocks.synthetic_notice(), blocks.Text(
        "Svaren på individnivå är inte offentliga, eftersom enkäten inte var anonym. Avsnittet visar därför hur "
        "sammanställningen fungerar med påhittade svar som har enkätens struktur och som är framtagna så att de "
        "återger rapportens slutsatser. Siffrorna är inte stadens resultat. Med den verkliga exporten byggs "
        "avsnittet om med samma kod, utan markeringen.")])


def statements(shares: pd.DataFrame, synthetic: bool) -> blocks.Group:
    """The three statements and the scale, and how many answered, from the data."""
    occasions = survey.occasions(shares)
    city = shares[(shares["group_type"] == "city")]
    positive, neutral, negative = (fmt.join_words([f"”{a}”" for a in answers])
                                   for answers in survey.ANSWER_GROUPS.values())
    answered = city.dropna(subset=["n"])
    fewest, most = answered.loc[answered["n"].idxmin()], answered.loc[answered["n"].idxmax()]
    held = _occasions_held(shares, synthetic)
    text = (f"Svaren ges på en femgradig skala. I sammanställningen räknas {positive} som positiva svar, "
            f"{neutral} som neutrala och {negative} som negativa. Enkäten genomfördes vid {held} "
            f"mättillfällen, {_range(occasions)}. {_where(synthetic)} finns mellan {_extreme(fewest, 'Minst', synthetic)} "
            f"och {_extreme(most, 'Flest', synthetic)} svar per påstående och tillfälle.")
    return blocks.Group([blocks.Fragment("statements.html.j2", {"items": list(survey.STATEMENTS.values())}),
                         blocks.Text(text)])


def _occasions_held(shares: pd.DataFrame, synthetic: bool) -> str:
    """How many occasions the answers hold, traced to the whole city's rows."""
    occasions = survey.occasions(shares)
    return traced(fmt.number(len(occasions)), f"Antal mättillfällen i enkätens svar: {fmt.join_words(occasions)}",
                  trace.rows_of(shares[shares["group_type"] == "city"]), synthetic)


def _extreme(row, word: str, synthetic: bool) -> str:
    """The fewest or most answers to one statement at one occasion, whole city, traced to that cell."""
    how = (f"{word} svar på ett påstående vid ett tillfälle i hela staden: påståendet "
           f"”{survey.STATEMENT_SHORT[row['statement']].lower()}”, {row['occasion']}, räknade bland mättillfällets rader i rådata")
    return traced(fmt.number(row["n"]), how, trace.rows_of(row), synthetic)


def caution(min_respondents: int) -> blocks.Text:
    """How small groups are protected, with the threshold from report.yml (``survey_min_respondents``)."""
    n = min_respondents
    return blocks.Text(
        f"I sammanställningen redovisas andelar bara för grupper med minst {n} svar. För mindre grupper visas "
        f"varken andelar eller antal svar ({fmt.EN_DASH} i tabellerna). Om en enda grupp skulle döljas vid ett "
        "mättillfälle döljs också den minsta av de övriga, så att den dolda gruppen inte kan räknas fram som "
        "skillnaden mot hela staden. Inga enskilda svar, svarande eller fritextkommentarer finns med i rapporten "
        "eller i de publicerade datafilerna.")


# ----------------------------------------------------------------------------- the city

def _majority_exceptions(shares: pd.DataFrame) -> list[str]:
    rows = survey.published(shares[shares["group_type"].isin(["city", "area"])])
    low = rows[rows["positive_share"] <= 0.5]
    return [f"{r.group} ({survey.STATEMENT_SHORT[r.statement].lower()}, {r.occasion})" for r in low.itertuples()]


def city_summary(shares: pd.DataFrame, synthetic: bool) -> blocks.Text:
    """The report's findings for the whole city, computed: majority, overall trend, recommending."""
    where = _where(synthetic)
    occasions = survey.occasions(shares)
    exceptions = _majority_exceptions(shares)
    if not exceptions:
        majority = (f"{where} var en majoritet av de svarande positiv till vart och ett av de tre påståendena vid "
                    f"samtliga {_occasions_held(shares, synthetic)} mättillfällen, i hela staden och inom varje "
                    "verksamhetsområde.")
    else:
        majority = (f"{where} var en majoritet av de svarande positiv till påståendena vid de flesta mättillfällen, "
                    f"men inte för {fmt.join_words(exceptions)}.")
    pooled = survey.all_statements(shares, "city")
    first, last = pooled.iloc[0], pooled.iloc[-1]
    sentences = [majority]
    def share(row) -> str:
        return pooled_share(shares, row, "city", synthetic)

    sentences.append(f"{where} gick andelen positiva svar, {POOLED}, "
                     f"{_from_to(share(first), first['occasion'], share(last), last['occasion'])}"
                     f", {pooled_change(shares, first, last, 'city', synthetic)}.")
    peak_at = pooled["positive_share"].idxmax()
    if peak_at not in (pooled.index[0], pooled.index[-1]):
        peak = pooled.loc[peak_at]
        before_peak = pooled.loc[:peak_at, "positive_share"].map(_printed).tolist()
        rising = len(before_peak) > 2 and all(a < b for a, b in zip(before_peak, before_peak[1:]))
        how = "ökade andelen vid varje mättillfälle fram till" if rising else "var andelen som högst"
        sentences.append(f"{where} {how} {survey.occasion_words(peak['occasion'])}, då den var "
                         f"{share(peak)}.")
    recommend = survey.statement_series(shares, "rekommendera")
    r_first, r_last = recommend.iloc[0], recommend.iloc[-1]
    both = lineage.merge(trace.rows_of(r_first), trace.rows_of(r_last))
    sentences.append(f"{where} gick andelen som kan rekommendera sin arbetsplats till andra "
                     f"{_from_to(cell_share(r_first, 'positive_share', synthetic), r_first['occasion'], cell_share(r_last, 'positive_share', synthetic), r_last['occasion'])}"
                     f", {_change(r_first['positive_share'], r_last['positive_share'], both, synthetic)}.")
    return blocks.Text(" ".join(sentences))


def city_trend(shares: pd.DataFrame, synthetic: bool) -> blocks.Figure:
    """The positive share of each statement, whole city, by occasion (entry ``survey-statements-diagram``)."""
    occasions = survey.occasions(shares)
    lines, data = [], {}
    for statement, text in survey.STATEMENTS.items():
        rows = survey.statement_series(shares, statement).set_index("occasion").reindex(occasions)
        series = rows["positive_share"]
        lines.append({"label": text, "shares": series.tolist()})
        data[survey.STATEMENT_SHORT[statement]] = [
            cell_share({**row, "occasion": occasion}, "positive_share", synthetic) if row["positive_share"] == row["positive_share"]
            else fmt.percent(row["positive_share"]) for occasion, row in rows.iterrows()]
    png = charts.share_trend(occasions, lines, "Andel positiva svar", synthetic=synthetic)
    caption = contents.caption("survey-statements-diagram", occasions=_range(occasions))
    alt = _alt("Linjediagram, en linje per påstående. " + " ".join(
        f"{line['label']}: {_from_to(line['shares'][0], occasions[0], line['shares'][-1], occasions[-1])}."
        for line in lines), synthetic)
    table = pd.DataFrame(data, index=pd.Index(occasions, name="Mättillfälle"))
    source = contents.source("survey-statements-diagram", synthetic=synthetic)
    return blocks.Figure(_rows(shares, "city"), png, alt, caption, source, table, synthetic=synthetic)


def city_table(shares: pd.DataFrame, synthetic: bool) -> blocks.Table:
    """Shares and answers per statement and occasion, whole city (entry ``survey-statements-table``)."""
    rows = shares[shares["group_type"] == "city"]
    occasions = survey.occasions(shares)
    index, records = [], []
    for statement in survey.STATEMENTS:
        for occasion in occasions:
            cell = rows[(rows["statement"] == statement) & (rows["occasion"] == occasion)]
            if cell.empty:
                continue
            cell = cell.iloc[0]
            index.append(survey.STATEMENT_SHORT[statement])
            hidden = bool(cell["suppressed"])
            records.append({"Mättillfälle": occasion,
                            **{label: fmt.percent(cell[column]) if hidden else cell_share(cell, column, synthetic)
                               for label, column in (("Positiva", "positive_share"), ("Neutrala", "neutral_share"),
                                                     ("Negativa", "negative_share"))},
                            "Antal svar": cell_count(cell, synthetic) if not hidden else fmt.EN_DASH})
    frame = pd.DataFrame(records, index=index)
    caption = contents.caption("survey-statements-table", occasions=_range(occasions))
    note = "Obesvarade påståenden räknas inte med i antalet svar."
    source = contents.source("survey-statements-table", synthetic=synthetic)
    return blocks.Table(_rows(shares, "city"), frame, caption, source + " " + note, row_header="Påstående",
                        numeric_columns=["Positiva", "Neutrala", "Negativa", "Antal svar"], synthetic=synthetic,
                        css="survey")


# ----------------------------------------------------------------------------- areas

def _pooled_wide(shares: pd.DataFrame, group_type: str) -> pd.DataFrame:
    pooled = survey.all_statements(shares, group_type)
    return pooled.pivot(index="group", columns="occasion", values="positive_share")[survey.occasions(shares)]


def _pooled_rows(shares: pd.DataFrame, group_type: str) -> dict:
    """(group, occasion) → that row of ``survey.all_statements``, with its group type."""
    pooled = survey.all_statements(shares, group_type)
    return {(row["group"], row["occasion"]): {**row, "group_type": group_type} for _, row in pooled.iterrows()}


def area_summary(shares: pd.DataFrame, synthetic: bool) -> blocks.Text | blocks.Group:
    """Which areas, unlike the others, improved between the last two occasions."""
    occasions = survey.occasions(shares)
    if len(occasions) < 2:
        return blocks.Group([])
    where = _where(synthetic)
    before, last = occasions[-2], occasions[-1]
    wide = _pooled_wide(shares, "area")
    wide = wide.reindex([a for a in survey.AREAS if a in wide.index])
    # compared as printed, so that a reader who subtracts the two percentages finds the same direction
    change = (wide[last].map(_printed, na_action="ignore") - wide[before].map(_printed, na_action="ignore")).dropna()
    better = [a for a in change.index if change[a] > 0]
    worse = [a for a in change.index if change[a] <= 0]
    city = _pooled_wide(shares, "city").iloc[0]
    city_rows = _pooled_rows(shares, "city")
    area_rows = _pooled_rows(shares, "area")

    def share(rows: dict, group: str, occasion: str) -> str:
        return pooled_share(shares, rows[(group, occasion)], rows[(group, occasion)]["group_type"], synthetic)

    city_first, city_last = city_rows[(survey.CITY, before)], city_rows[(survey.CITY, last)]
    parts = [f"{where} gick andelen positiva svar i hela staden "
             f"{_from_to(share(city_rows, survey.CITY, before), before, share(city_rows, survey.CITY, last), last)}, "
             f"{pooled_change(shares, city_first, city_last, 'city', synthetic)}."]
    if better and worse and len(better) < len(worse):
        details = fmt.join_words([f"{a} ({_from_to(share(area_rows, a, before), before, share(area_rows, a, last), last)})"
                                  for a in better])
        parts.append(f"{where} ökade andelen, till skillnad från i övriga verksamhetsområden, inom {details}.")
    elif better:
        parts.append(f"{where} ökade andelen inom {fmt.join_words(better)} och minskade eller var oförändrad inom "
                     f"{fmt.join_words(worse) or 'inget verksamhetsområde'}.")
    else:
        parts.append(f"{where} minskade andelen eller var oförändrad inom samtliga verksamhetsområden.")
    return blocks.Text(" ".join(parts))


def area_trend(shares: pd.DataFrame, synthetic: bool) -> blocks.Figure:
    """One small panel per area against the whole city (entry ``survey-areas-diagram``)."""
    occasions = survey.occasions(shares)
    wide = _pooled_wide(shares, "area")
    city = _pooled_wide(shares, "city").iloc[0].tolist()
    areas = [a for a in survey.AREAS if a in wide.index]
    panels = [{"label": a, "shares": wide.loc[a].tolist(), "reference": city} for a in areas]
    png = charts.share_multiples(occasions, panels, reference_label=survey.CITY, synthetic=synthetic)
    caption = contents.caption("survey-areas-diagram", pooled=POOLED, occasions=_range(occasions))
    alt = _alt(f"Små linjediagram, ett för vart och ett av {len(areas)} verksamhetsområden. " + " ".join(
        f"{a}: {_from_to(wide.loc[a].iloc[0], occasions[0], wide.loc[a].iloc[-1], occasions[-1])}." for a in areas),
        synthetic)
    pooled = _pooled_rows(shares, "area")
    data = pd.DataFrame([[pooled_share(shares, pooled[(a, o)], "area", synthetic)
                          if (a, o) in pooled and not pooled[(a, o)]["suppressed"] else fmt.percent(wide.loc[a, o])
                          for o in occasions] for a in areas], index=areas, columns=list(occasions))
    data.index.name = "Verksamhetsområde"
    source = contents.source("survey-areas-diagram", synthetic=synthetic)
    return blocks.Figure(_rows(shares, "city", "area"), png, alt, caption, source, data, synthetic=synthetic)


def area_table(shares: pd.DataFrame, min_respondents: int, synthetic: bool) -> blocks.Table:
    """Pooled positive share and answers per area and occasion, whole city last (entry ``survey-areas-table``)."""
    occasions = survey.occasions(shares)
    frames = []
    for group_type in ["area", "city"]:
        pooled = survey.all_statements(shares, group_type)
        pooled["cell"] = [blocks.stacked(pooled_share(shares, row, group_type, synthetic),
                                         Markup("{} svar").format(pooled_count(shares, row, group_type, synthetic)))
                          if not row["suppressed"] else blocks.stacked(fmt.EN_DASH, "")
                          for _, row in pooled.iterrows()]
        frames.append(pooled.pivot(index="group", columns="occasion", values="cell"))
    wide = pd.concat(frames)
    wide = wide.reindex([a for a in survey.AREAS if a in wide.index] + [survey.CITY])[occasions]
    empty = blocks.stacked(fmt.EN_DASH, "")
    wide = wide.apply(lambda column: column.map(lambda v: v if isinstance(v, str) else empty))
    wide.columns = list(occasions)
    caption = contents.caption("survey-areas-table", pooled=POOLED, occasions=_range(occasions))
    note = ("Antal svar är svaren på de tre påståendena tillsammans (ungefär tre per svarande). "
            + _suppression_note(min_respondents))
    source = contents.source("survey-areas-table", synthetic=synthetic)
    return blocks.Table(_rows(shares, "city", "area"), wide, caption, source + " " + note,
                        row_header="Verksamhetsområde", synthetic=synthetic, css="survey",
                        row_css={survey.CITY: "total"})


# ----------------------------------------------------------------------------- administrations

def administration_summary(shares: pd.DataFrame, min_respondents: int, synthetic: bool) -> blocks.Text:
    """The lowest and highest administrations over all occasions, and those never shown."""
    where = _where(synthetic)
    ranked = survey.ranking(shares)
    if len(ranked) < 6:
        return blocks.Text(f"{where} har för få förvaltningar tillräckligt många svar för en jämförelse.")
    low = ranked.iloc[::-1].head(3)
    high = ranked.head(3)
    def named(row) -> str:
        return f"{row['group']} ({ranked_share(shares, row, synthetic)})"
    low_rows, high_rows = [row for _, row in low.iterrows()], [row for _, row in high.iterrows()]
    sentences = [
        f"{where} hade {named(low_rows[0])} lägst andel positiva svar över samtliga mättillfällen, {POOLED}, "
        f"följt av {fmt.join_words([named(r) for r in low_rows[1:]])}.",
        f"{where} hade {fmt.join_words([named(r) for r in high_rows])} högst andel.",
    ]
    hidden = survey.groups_never_shown(shares)
    if hidden:
        sentences.append(f"{where} redovisas {fmt.join_words(hidden)} inte vid något mättillfälle, eftersom svaren "
                         f"där är färre än {min_respondents}.")
    return blocks.Text(" ".join(sentences))


def administration_ranking(shares: pd.DataFrame, synthetic: bool) -> blocks.Figure:
    """Administrations ranked by their positive share over all occasions
    (entry ``survey-administrations-diagram``)."""
    ranked = survey.ranking(shares)
    occasions = survey.occasions(shares)
    city = survey.ranking(shares, "city").iloc[0]
    png = charts.ranked_shares(ranked["group"].tolist(), ranked["positive_share"].tolist(), "Andel positiva svar",
                               reference=float(city["positive_share"]), reference_label=survey.CITY,
                               synthetic=synthetic)
    caption = contents.caption("survey-administrations-diagram", pooled=POOLED, occasions=_range(occasions))
    top, bottom = ranked.iloc[0], ranked.iloc[-1]
    alt = _alt(f"Liggande stapeldiagram, en stapel för var och en av {len(ranked)} förvaltningar. Högst "
               f"{top['group']} ({fmt.percent(top['positive_share'])}), lägst {bottom['group']} "
               f"({fmt.percent(bottom['positive_share'])}); hela staden {fmt.percent(city['positive_share'])}.",
               synthetic)
    rows = [row for _, row in ranked.iterrows()]
    data = pd.DataFrame({"Andel positiva": [ranked_share(shares, row, synthetic) for row in rows],
                         "Antal svar": [_ranked_count(shares, row, synthetic) for row in rows],
                         "Mättillfällen": [_ranked_occasions(shares, row, synthetic) for row in rows]},
                        index=pd.Index(ranked["group"].tolist(), name="Förvaltning"))
    source = contents.source("survey-administrations-diagram", synthetic=synthetic)
    return blocks.Figure(_rows(shares, "city", "administration"), png, alt, caption, source, data,
                         synthetic=synthetic)


def _ranked_count(shares: pd.DataFrame, row, synthetic: bool) -> str:
    how = (f"Svar på de tre påståendena, {row['group']}, vid de {fmt.number(row['occasions'])} mättillfällen som "
           "redovisas: summan av antalen svar, upp till tre svar per rad i rådata")
    return traced(fmt.number(row["n"]), how, cell_rows(shares, "administration", row["group"]), synthetic)


def _ranked_occasions(shares: pd.DataFrame, row, synthetic: bool) -> str:
    shown = sorted(shares.loc[(shares["group_type"] == "administration") & (shares["group"] == row["group"])
                              & ~shares["suppressed"].astype(bool), "occasion"].unique(), key=survey.occasion_key)
    how = f"Mättillfällen där {row['group']} redovisas: {fmt.join_words(shown)}"
    return traced(str(row["occasions"]), how, cell_rows(shares, "administration", row["group"]), synthetic)


def administration_table(shares: pd.DataFrame, min_respondents: int, synthetic: bool) -> blocks.Table:
    """Each administration's pooled positive share per occasion and over all, ranked
    (entry ``survey-administrations-table``)."""
    occasions = survey.occasions(shares)
    ranked = survey.ranking(shares)
    pooled = survey.all_statements(shares, "administration")
    pooled["cell"] = [fmt.EN_DASH if row["suppressed"] else pooled_share(shares, row, "administration", synthetic)
                      for _, row in pooled.iterrows()]
    wide = pooled.pivot(index="group", columns="occasion", values="cell").reindex(columns=occasions)
    order = ranked["group"].tolist() + [g for g in survey.groups_never_shown(shares) if g not in ranked["group"].tolist()]
    wide = wide.reindex(order).fillna(fmt.EN_DASH)
    overall = {row["group"]: ranked_share(shares, row, synthetic) for _, row in ranked.iterrows()}
    wide[ALL_OCCASIONS] = [overall.get(g, fmt.EN_DASH) for g in wide.index]
    wide.columns = [str(c) for c in wide.columns]
    wide.index.name = None
    caption = contents.caption("survey-administrations-table",
                       pooled=POOLED, occasions=_range(occasions))
    note = ("Samtliga tillfällen = positiva svar delat med alla svar vid de tillfällen som redovisas. "
            + _suppression_note(min_respondents))
    source = contents.source("survey-administrations-table", synthetic=synthetic)
    return blocks.Table(_rows(shares, "administration"), wide, caption, source + " " + note,
                        row_header="Förvaltning", synthetic=synthetic, css="survey")
