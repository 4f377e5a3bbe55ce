"""The Sammanfattning a reader meets first: one computed paragraph per chapter, each linking to it.

Every figure comes from the computations the chapters use (``pipeline.process``) on the same
processed data, so the summary cannot disagree with the chapter it points to. Years and
occasions come from the data and report.yml's ``reference_year``, never from the text.

The writing conventions hold here as everywhere: a change in percentage points is the
difference of the two percentages as printed (each rounded to one decimal first), a relative
change in per cent is computed from the printed counts, and no sentence starts with a digit.

Links name a chapter by its run key (``href="#turnover"``); the build replaces each with the id of
that chapter's first heading (``pipeline.build.report``), which the notebooks' headings decide.
"""
import pandas as pd
from markupsafe import Markup

from pipeline import formatting as fmt
from pipeline.present import audit_views, blocks, researcher_views, survey_views, trace, turnover_views
from pipeline.process import audit, consultants, lineage, researcher, survey, turnover

PROFESSIONS = ["biståndshandläggare", "socialsekreterare"]
# The chapters the summary points to: run key → the chapter's heading (its notebook's h2).
CHAPTERS = {
    "turnover": "Personalrörlighet",
    "consultants": "Antal konsulter",
    "researcher": "Följeforskarens arbete",
    "survey": "Enkät till medarbetare",
    "audit": "Avstämning mot den publicerade rapporten",
}
TOP_POINTS = 3  # points named per question of the researcher's questionnaire (more when tied)


def link(key: str, text: str | None = None) -> Markup:
    """A link to a chapter by its run key, resolved to the chapter's heading when the report is rendered."""
    return Markup('<a href="#{}">{}</a>').format(key, text if text is not None else CHAPTERS[key])


def _paragraph(key: str, sentences: list, lead: str | None = None) -> blocks.Text:
    """A paragraph led by the chapter's name as a link (or by ``lead``, unlinked), then its sentences."""
    head = Markup("<strong>{}.</strong> ").format(link(key) if lead is None else lead)
    return blocks.Text(head + Markup(" ").join(sentences), css="summary-point")


# ----------------------------------------------------------------------------- printed figures

def printed_percent(fraction: float) -> float:
    """The percentage as printed: one decimal, rounded half up (0.2766 → 27.7)."""
    return fmt.round_half_up(float(fraction) * 100, 1)


def change_in_points(first: float, last: float) -> float:
    """Percentage points between two rates as printed, rounded to one decimal: what a calculator gets."""
    return fmt.round_half_up(printed_percent(last) - printed_percent(first), 1)


def change_clause(first: float, last: float, rows: str = "", how: str | None = None) -> str:
    """', en minskning med 7,3 procentenheter' (or an increase); empty when the printed rates are equal.

    With ``rows`` (both rates' raw rows) the points are traced as the difference of the two rates, or
    as ``how`` says (the survey's description, which says its rows are synthetic)."""
    points = change_in_points(first, last)
    if points == 0:
        return ""
    word = "en minskning" if points < 0 else "en ökning"
    amount = f"{fmt.number(abs(points), 1)}{fmt.NBSP}procentenheter"
    if rows:
        amount = trace.figure(amount, how or trace.difference(first, last), rows)
    return f", {word} med {amount}"


def change_in_percent(first: int, last: int) -> int:
    """Relative change in whole per cent from the printed counts (100 → 34 is 66)."""
    return int(fmt.round_half_up(abs(last - first) / first * 100, 0))


# ----------------------------------------------------------------------------- turnover

def turnover_change(processed: pd.DataFrame, administrations: pd.DataFrame, profession: str,
                    reference_year: int) -> dict | None:
    """All districts' rate in the reference year and the latest year (``turnover.change_since``)."""
    return turnover.change_since(processed, profession, turnover.all_districts_name(administrations),
                                 reference_year)


def district_extremes(processed: pd.DataFrame, profession: str) -> dict | None:
    """The latest year's districts with the lowest and the highest rate (all of them when tied)."""
    rows = turnover.profession_rows(processed, profession)
    rows = rows[rows["administration_type"] == "district"].dropna(subset=["rate"])
    if rows.empty:
        return None
    year = int(rows["year"].max())
    latest = rows[rows["year"] == year]
    # compared as printed: two districts that print the same rate are tied
    printed = latest["rate"].map(printed_percent)
    low = latest[printed == printed.min()]
    high = latest[printed == printed.max()]
    return {"year": year, "low": low, "high": high, "districts": len(latest)}


def _rows_of(frame) -> str:
    """``trace.rows_of``, or no rows for data without lineage (rows a test builds by hand)."""
    if hasattr(frame, "columns") and lineage.COLUMN not in frame.columns:
        return ""
    return trace.rows_of(frame)


def _rate(row) -> str:
    """A turnover rate traced as the turnover chapter traces it (``turnover_views.cell_how``)."""
    return trace.figure(fmt.percent(row["rate"]), turnover_views.cell_how(row), _rows_of(row))


def _count(row, column: str) -> str:
    """One administration's 'ended' or 'headcount' as the raw row gives it."""
    what = "Slutade" if column == "ended" else "Tillsvidareanställda"
    how = (f"{what}, {row['profession']}, {row['administration']}, år {int(row['year'])}: som personalstatistiken "
           "anger det, ingen beräkning")
    return trace.figure(fmt.number(row[column]), how, _rows_of(row))


def _where(rows: pd.DataFrame) -> str:
    """'i Bromma med 2 av 40 (5,0 %)'; 'i A (1 av 20) och B (2 av 40), alla med 5,0 %' when tied."""
    ordered = sorted((row for _, row in rows.iterrows()), key=lambda r: fmt.sort_key(r["administration"]))
    if all(int(r["ended"]) == 0 for r in ordered):
        if len(ordered) == 1:
            return f"i {ordered[0]['administration']}, där ingen av {_count(ordered[0], 'headcount')} slutade"
        return f"i {fmt.join_words([r['administration'] for r in ordered])}, där ingen slutade"
    if len(ordered) == 1:
        r = ordered[0]
        return f"i {r['administration']} med {_count(r, 'ended')} av {_count(r, 'headcount')} ({_rate(r)})"
    named = [f"{r['administration']} ({_count(r, 'ended')} av {_count(r, 'headcount')})" for r in ordered]
    rate = trace.figure(fmt.percent(ordered[0]["rate"]),
                        "; ".join(turnover_views.cell_how(r) for r in ordered), _rows_of(rows))
    return f"i {fmt.join_words(named)}, {'båda' if len(ordered) == 2 else 'alla'} med {rate}"


def turnover_sentences(processed: pd.DataFrame, administrations: pd.DataFrame, profession: str,
                       reference_year: int) -> list[str]:
    """The profession's change in all districts since the reference year, and the latest year's spread."""
    sentences = []
    change = turnover_change(processed, administrations, profession, reference_year)
    if change is None:
        sentences.append(f"För {profession} finns inga jämförbara uppgifter för alla stadsdelar sedan år "
                         f"{reference_year}.")
    else:
        series = turnover.series(processed, profession, turnover.all_districts_name(administrations))
        first = series[series["year"] == change["from_year"]].iloc[0]
        last = series[series["year"] == change["to_year"]].iloc[0]
        clause = change_clause(change["from_rate"], change["to_rate"],
                               _rows_of(series[series["year"].isin([change["from_year"], change["to_year"]])]))
        if clause:
            sentences.append(
                f"Personalrörligheten bland {profession} i alla stadsdelar gick från "
                f"{_rate(first)} år {change['from_year']} till {_rate(last)} "
                f"år {change['to_year']}{clause}.")
        else:
            sentences.append(
                f"Personalrörligheten bland {profession} i alla stadsdelar var {_rate(first)} "
                f"både år {change['from_year']} och år {change['to_year']}.")
    extremes = district_extremes(processed, profession)
    if extremes is not None and extremes["districts"] > 1:
        low = _where(extremes["low"])
        low += "," if ", där " in low else ""  # the clause 'där ingen … slutade' closes before 'och högst'
        sentences.append(
            f"År {extremes['year']} var rörligheten bland {profession} lägst {low} och högst "
            f"{_where(extremes['high'])}.")
    return sentences


def turnover_paragraph(processed: pd.DataFrame, administrations: pd.DataFrame, reference_year: int) -> blocks.Text:
    sentences = []
    for profession in PROFESSIONS:
        if not turnover.profession_rows(processed, profession).empty:
            sentences += turnover_sentences(processed, administrations, profession, reference_year)
    return _paragraph("turnover", sentences)


# ----------------------------------------------------------------------------- consultants

def november_change(rows: pd.DataFrame) -> dict | None:
    """The first and the latest November count (``consultants.month_series``)."""
    november = consultants.month_series(rows, "november")
    if november.empty:
        return None
    first, last = november.iloc[0], november.iloc[-1]
    return {"from_year": int(first["year"]), "from_count": int(first["consultants"]),
            "to_year": int(last["year"]), "to_count": int(last["consultants"])}


def _consultants(rows: pd.DataFrame, year: int) -> str:
    """The November count of ``year``, traced to its raw row."""
    row = consultants.month_series(rows, "november").set_index("year").loc[year]
    return trace.figure(fmt.number(row["consultants"]),
                        f"Konsulter i november {year}: som räkningen anger det, ingen beräkning", _rows_of(row))


def consultants_paragraph(rows: pd.DataFrame) -> blocks.Text:
    change = november_change(rows)
    if change is None:
        sentence = "Antalet konsulter har inte räknats i november."
    elif change["from_year"] == change["to_year"]:
        sentence = (f"Antalet konsulter i verksamheterna var {_consultants(rows, change['to_year'])} i november "
                    f"{change['to_year']}.")
    elif change["from_count"] == 0 or change["from_count"] == change["to_count"]:
        sentence = (f"Antalet konsulter i verksamheterna var {_consultants(rows, change['from_year'])} i november "
                    f"{change['from_year']} och {_consultants(rows, change['to_year'])} i november {change['to_year']}.")
    else:
        word = "en minskning" if change["to_count"] < change["from_count"] else "en ökning"
        first, last, percent = change["from_count"], change["to_count"], change_in_percent(change["from_count"],
                                                                                             change["to_count"])
        november = consultants.month_series(rows, "november")
        how = (f"|{fmt.number(last)} {trace.MINUS} {fmt.number(first)}| / {fmt.number(first)} = {percent} procent, "
               "avrundat till hela procent")
        shown = trace.figure(str(percent), how,
                             _rows_of(november[november["year"].isin([change["from_year"], change["to_year"]])]))
        sentence = (f"Antalet konsulter i verksamheterna gick från {_consultants(rows, change['from_year'])} i november "
                    f"{change['from_year']} till {_consultants(rows, change['to_year'])} i november {change['to_year']}, "
                    f"{word} med {shown} procent.")
    return _paragraph("consultants", [sentence])


# ----------------------------------------------------------------------------- the researcher

def respondents(rows: pd.DataFrame) -> dict:
    """How many answered the researcher's questionnaire, and how many of them were managers and staff."""
    area = rows[rows["dimension"] == "area"]
    roles = rows[rows["dimension"] == "role"].set_index("category")["count"]
    return {"total": int(area["count"].sum()),
            "roles": {role: int(roles[role]) for role in ["chefer", "medarbetare"] if role in roles.index}}


def top_points(totals: pd.DataFrame, question: str, count: int = TOP_POINTS) -> pd.DataFrame:
    """The most mentioned points of one question (``researcher.ranked``), more than ``count`` when tied."""
    ranked = researcher.ranked(totals, question)
    if len(ranked) <= count:
        return ranked
    return ranked[ranked["mentions"] >= ranked["mentions"].iloc[count - 1]]


def _points(rows: pd.DataFrame) -> str:
    return fmt.join_words([f"punkt {r['point']}, {r['label'][0].lower() + r['label'][1:]} "
                           f"({researcher_views.mentions_figure(r)}{fmt.NBSP}gånger)" for _, r in rows.iterrows()])


def researcher_paragraph(respondent_rows: pd.DataFrame, totals: pd.DataFrame) -> blocks.Text:
    answered = respondents(respondent_rows)
    area = respondent_rows[respondent_rows["dimension"] == "area"]
    roles = {row["category"]: row for _, row in respondent_rows[respondent_rows["dimension"] == "role"].iterrows()}
    text = f"Följeforskarens enkät besvarades av {researcher_views.respondents_total(area)} personer"
    if len(answered["roles"]) == 2:
        text += (f" ({researcher_views.respondents_count(roles['chefer'])} chefer och "
                 f"{researcher_views.respondents_count(roles['medarbetare'])} medarbetare)")
    sentences = [text + "."]
    if not top_points(totals, "kommit_langst").empty:
        sentences.append("De områden där arbetet enligt de svarande har kommit längst är "
                         f"{_points(top_points(totals, 'kommit_langst'))}.")
    if not top_points(totals, "storsta_behov").empty:
        sentences.append("Störst behov av fortsatt utvecklingsarbete ser de inom "
                         f"{_points(top_points(totals, 'storsta_behov'))}.")
    return _paragraph("researcher", sentences)


# ----------------------------------------------------------------------------- the employee survey

def survey_direction(shares: pd.DataFrame) -> dict | None:
    """The city's positive share over the three statements (``survey.all_statements``), first and latest occasion."""
    pooled = survey.all_statements(shares, "city")
    pooled = pooled[~pooled["suppressed"].astype(bool)]
    if len(pooled) < 2:
        return None
    first, last = pooled.iloc[0], pooled.iloc[-1]
    return {"from_occasion": first["occasion"], "from_share": float(first["positive_share"]),
            "to_occasion": last["occasion"], "to_share": float(last["positive_share"])}


def survey_paragraph(shares: pd.DataFrame, synthetic: bool) -> blocks.Text:
    """The direction from the first to the latest occasion; every sentence with a synthetic figure says so."""
    direction = survey_direction(shares)
    label = (Markup(" (<strong>{}</strong>, inte stadens resultat)").format(blocks.SYNTHETIC_LABEL.lower())
             if synthetic else Markup(""))
    if direction is None:
        return _paragraph("survey", [Markup("Medarbetarenkäten har för få redovisade mättillfällen för en "
                                            "jämförelse över tid.")])
    first, last = direction["from_share"], direction["to_share"]
    pooled = survey.all_statements(shares, "city").set_index("occasion")
    first_row = {**pooled.loc[direction["from_occasion"]], "occasion": direction["from_occasion"]}
    last_row = {**pooled.loc[direction["to_occasion"]], "occasion": direction["to_occasion"]}
    # the chapter's own description of each figure (survey_views), so the two say the same
    first_shown = survey_views.pooled_share(shares, first_row, "city", synthetic)
    last_shown = survey_views.pooled_share(shares, last_row, "city", synthetic)
    rows = lineage.merge(survey_views.cell_rows(shares, "city", first_row["group"], first_row["occasion"]),
                         survey_views.cell_rows(shares, "city", last_row["group"], last_row["occasion"]))
    how = trace.difference(first, last)
    if synthetic:
        how = f"{how}. {survey_views.synthetic_words(rows)}"
    clause = change_clause(first, last, rows, how)
    if clause:
        figures = (f"gick andelen positiva svar, de tre påståendena sammantagna, från {first_shown} "
                   f"{survey.occasion_words(direction['from_occasion'])} till {last_shown} "
                   f"{survey.occasion_words(direction['to_occasion'])}{clause}.")
    else:
        figures = (f"var andelen positiva svar, de tre påståendena sammantagna, {first_shown} både "
                   f"{survey.occasion_words(direction['from_occasion'])} och "
                   f"{survey.occasion_words(direction['to_occasion'])}.")
    sentence = Markup("I medarbetarenkäten") + label + Markup(" ") + figures
    return _paragraph("survey", [sentence])


# ----------------------------------------------------------------------------- the audit

def audit_paragraph(reconciliation: pd.DataFrame) -> blocks.Text:
    """How many published figures deviate from the report's own tables, pointing to the audit chapter."""
    c = audit.counts(reconciliation)
    deviating = "ingen" if c["mismatch"] == 0 else audit_views.counted(reconciliation, "mismatch")
    unchecked = ("" if c["not_checkable"] == 0 else
                 f", och {audit_views.counted(reconciliation, 'not_checkable')} kan inte kontrolleras eftersom "
                 "underlaget saknas")
    text = Markup(
        "Av de {checks} publicerade uppgifterna i rapporten och följeforskarens bilaga som räknats om avviker "
        "{deviating} från rapportens egna tabeller{unchecked}; se avsnittet {chapter}.").format(
        checks=audit_views.counted(reconciliation), deviating=deviating, unchecked=unchecked, chapter=link("audit"))
    return _paragraph("audit", [text], lead="Avstämning")  # the sentence itself links to the chapter
