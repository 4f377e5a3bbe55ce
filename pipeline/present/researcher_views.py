"""The researcher's questionnaire (Bilaga 4): respondents, ranked points, the tables per alternative, open answers.

Numbers, captions and sources come from ``contents`` (the entries ``researcher-*``); the figures
from ``pipeline.process.researcher``.
"""
import re

import pandas as pd
from markupsafe import Markup

from pipeline import formatting as fmt
from pipeline.present import blocks, charts, contents, trace
from pipeline.present.labels import AREA_LABEL, OPEN_QUESTION_LABEL
from pipeline.process import lineage, researcher

AUDIT_CHAPTER = "Avstämning mot den publicerade rapporten"


class Footnotes:
    """A chapter's footnotes, numbered in the order the figures they explain are printed.

    The mark is a ``<sup>`` holding only the number, after the figure ('48 gånger¹'); each note is a
    paragraph of its own under the sentence, opening with the same mark.
    """

    def __init__(self):
        self.notes: list[str] = []

    def mark(self, note: str) -> Markup:
        """The mark to put after a figure; the note is printed by ``block``."""
        self.notes.append(note)
        return Markup("<sup>{}</sup>").format(len(self.notes))

    def block(self, start: int = 0) -> blocks.Group:
        """The notes from number ``start`` + 1 on, one small paragraph each (nothing when there are none)."""
        return blocks.Group([blocks.Text(Markup("<sup>{}</sup> {}").format(number, note), css="source")
                             for number, note in enumerate(self.notes, 1) if number > start])


# ----------------------------------------------------------------------------- traced figures

AS_PRINTED = "ingen beräkning"


def respondents_count(row) -> str:
    """A category's respondents as the researcher's report gives them, traced to its raw row."""
    where = "tabellen över svarande per område" if row["dimension"] == "area" else "texten före den tabellen"
    label = AREA_LABEL.get(row["category"], row["category"]) if row["dimension"] == "area" else row["category"]
    how = f"Svarande, {label.lower() if row['dimension'] == 'role' else label}: som följeforskarens rapport anger det ({where}), {AS_PRINTED}"
    return trace.figure(fmt.number(row["count"]), how, trace.rows_of(row))


def respondents_total(area: pd.DataFrame) -> str:
    """All respondents: the sum of the areas' counts, as a reader adds them up."""
    terms = " + ".join(fmt.number(c) for c in area["count"])
    total = fmt.number(area["count"].sum())
    return trace.figure(total, f"Svarande totalt, summan av verksamhetsområdena: {terms} = {total}",
                        trace.rows_of(area))


def mentions_figure(row, words: str = "") -> str:
    """A point's mentions over alternatives 1–3 (a row of ``researcher.ranked``), traced to its table rows."""
    rows = trace.rows_of(row)
    what = f"Omnämnanden av punkt {row['point']} som alternativ 1, 2 och 3"
    return trace.figure(f"{fmt.number(row['mentions'])}{words}", trace.summed(what, rows, "tabellernas"), rows)


def mention_count(row, words: str = "") -> str:
    """A row of a table per alternative (``researcher_mentions``) as printed; a blank cell was read as 0."""
    point = str(row["point"])
    name = f"Punkt {point}" if point.isdigit() else researcher.EXTRA_LABEL.get(point, point)
    how = (f"{name} som alternativ {int(row['alternative'])}: som följeforskarens tabell anger det, "
           f"{AS_PRINTED}")
    if int(row["count"]) == 0:
        how += " (en tom cell läses som 0)"
    return trace.figure(f"{fmt.number(row['count'])}{words}", how, trace.rows_of(row))


def _area_words(category: str) -> str:
    """'Barn och unga (BOU)' → 'verksamhetsområdet Barn och unga', for running text."""
    label = re.sub(r" \([^)]*\)$", "", AREA_LABEL.get(category, category))
    return f"verksamhetsområdet {label}" if category != "Okänt" else "okänt verksamhetsområde"


def _answers(row) -> str:
    """'12 svar' (the count traced to its row) or 'inga svar'."""
    return mention_count(row, " svar") if int(row["count"]) else "inga svar"


def _without(text: str, rows: str) -> str:
    """The raw rows of ``text`` that are not among ``rows``: a printed total's own line."""
    left, taken = lineage.parse(text), lineage.parse(rows)
    return lineage.text({name: [line for line in lines if line not in taken.get(name, [])]
                         for name, lines in left.items()})


def _differences(differences: pd.DataFrame, question: str) -> dict[str, pd.Series]:
    rows = differences[differences["question"] == question]
    return {str(row["point"]): row for _, row in rows.iterrows()}


def _difference_note(row: pd.Series, total=None) -> str:
    """The footnote for a point the published text counts differently; ``total`` (its row of
    ``researcher.ranked``) traces the tables' sum."""
    documents = str(row["documents"])
    computed = fmt.number(row["computed"]) if total is None else mentions_figure(total)
    published = trace.figure(fmt.number(row["published"]),
                             f"Som {documents} anger det i sin text om punkt {row['point']}, {AS_PRINTED}; "
                             "raderna är avstämningens uppgifter och de tabellrader de räknas om ur",
                             row.get(lineage.COLUMN, "") or "")
    return (f"{documents[0].upper()}{documents[1:]} anger i sin text {published} gånger för punkt "
            f"{row['point']}, men raderna i följeforskarens tabeller ger tillsammans {computed}. "
            f"Se avsnittet ”{AUDIT_CHAPTER}”.")


def _questions() -> list[str]:
    """The ranked questions in the appendix's order; a question's position is its part (letter)."""
    return list(researcher.QUESTION_LABEL)


def _alternative_pairs(mentions: pd.DataFrame) -> list[tuple[str, int]]:
    """Question × alternative in the appendix's order; a pair's position is its part (letter)."""
    return [(q, int(a)) for q in _questions() for a in sorted(mentions["alternative"].unique())]


def respondents_table(rows: pd.DataFrame) -> blocks.Table:
    """Respondents per area, with percent and total (entry ``researcher-respondents-table``)."""
    area = rows[rows["dimension"] == "area"].reset_index(drop=True)
    total, everyone = int(area["count"].sum()), trace.rows_of(area)
    shown = pd.DataFrame({"Antal": [respondents_count(row) for _, row in area.iterrows()],
                          "Procent": [trace.figure(fmt.percent(row["share"]), f"Andel av de svarande, "
                                                   f"{AREA_LABEL.get(row['category'], row['category'])}: "
                                                   f"{trace.quotient(row['count'], total, fmt.percent(row['share']))}",
                                                   everyone) for _, row in area.iterrows()]},
                         index=[AREA_LABEL.get(c, c) for c in area["category"]])
    shown.loc["Totalt"] = [respondents_total(area),
                           trace.figure(fmt.percent(1.0), f"Alla svarande: {trace.quotient(total, total, fmt.percent(1.0))}",
                                        everyone)]
    source = contents.source("researcher-respondents-table") + " Procent och totalt är beräknade från antalen."
    return blocks.Table(area, shown, contents.caption("researcher-respondents-table"), source,
                        row_header="Verksamhetsområde", row_css={"Totalt": "total"})


def respondents_sentence(rows: pd.DataFrame) -> blocks.Text:
    roles = {row["category"]: row for _, row in rows[rows["dimension"] == "role"].iterrows()}
    area = rows[rows["dimension"] == "area"]
    text = f"Enkäten besvarades av {respondents_total(area)} personer"
    if {"chefer", "medarbetare"} <= set(roles):
        text += (f", {respondents_count(roles['chefer'])} chefer och "
                 f"{respondents_count(roles['medarbetare'])} medarbetare")
    largest = area.loc[area["count"].idxmax()]
    smallest = area[area["category"] != "Okänt"].loc[lambda f: f["count"].idxmin()]
    text += (f". Flest svar kom från {_area_words(largest['category'])} ({respondents_count(largest)} svar) "
             f"och minst från {_area_words(smallest['category'])} ({respondents_count(smallest)} svar).")
    return blocks.Text(text)


def ranked_diagram(totals: pd.DataFrame, question: str, differences: pd.DataFrame) -> blocks.Figure:
    """A question's points by mentions over alternatives 1–3 (entry ``researcher-ranked-diagram``, one part
    per question in the appendix's order). ``differences`` (``researcher.published_mentions_differences``)
    adds a note under it for each point the published text counts differently."""
    entry = "researcher-ranked-diagram"
    rows = researcher.ranked(totals, question)
    labels = [f"{p}. {label}" for p, label in zip(rows["point"], rows["label"])]
    png = charts.ranked_bars(labels, rows["mentions"].tolist(), "Antal gånger nämnd (alternativ 1–3)")
    top = rows.iloc[:3]
    alt = (contents.entry_of(entry).alt + " Flest: "
           + "; ".join(f"punkt {r.point} {r.label} ({fmt.number(r.mentions)})" for r in top.itertuples())
           + f". Minst: punkt {rows.iloc[-1]['point']} ({fmt.number(rows.iloc[-1]['mentions'])}).")
    caption = contents.caption(entry, part=_questions().index(question), question=researcher.QUESTION_LABEL[question])
    data = pd.DataFrame({"Omnämnanden": [mentions_figure(row) for _, row in rows.iterrows()]}, index=labels)
    data.index.name = "Punkt"
    source = contents.source(entry)
    differing = _differences(differences, question)
    own = {str(row["point"]): row for _, row in rows.iterrows()}
    shown = [(p, differing[p]) for p in rows["point"].astype(str) if p in differing]
    if shown:
        source += (" Den publicerade texten anger andra antal för "
                   + fmt.join_words([f"punkt {p} ({fmt.number(r['published'])} i stället för "
                                     f"{mentions_figure(own[p])})" for p, r in shown])
                   + f"; se avsnittet ”{AUDIT_CHAPTER}”.")
    return blocks.Figure(rows, png, alt, caption, source, data)


def ranked_sentence(totals: pd.DataFrame, mentions: pd.DataFrame, question: str, differences: pd.DataFrame,
                    notes: Footnotes) -> blocks.Group:
    """The most named points, each figure the published text states differently marked with a footnote
    (``differences``: ``researcher.published_mentions_differences``) that points to the audit chapter."""
    rows = researcher.ranked(totals, question)
    top = rows.iloc[:4]
    first = mentions[(mentions["question"] == question) & (mentions["alternative"] == 1)
                     & ~mentions["point"].isin(["övrigt", "ej_svar"])]
    first = first.loc[first["count"].idxmax()]
    differing = _differences(differences, question)
    start = len(notes.notes)
    parts = []
    for _, r in top.iterrows():
        marker = notes.mark(_difference_note(differing[str(r["point"])], r)) if str(r["point"]) in differing else ""
        parts.append(Markup("punkt {} {} ({} gånger{})").format(r["point"], f"{r['label'][0].lower()}{r['label'][1:]}",
                                                                mentions_figure(r), marker))
    listed = Markup(", ").join(parts[:-1]) + Markup(" och ") + parts[-1] if len(parts) > 1 else Markup("").join(parts)
    text = (Markup("Oftast nämnda över de tre alternativen är ") + listed + Markup(". ")
            + Markup("Som första alternativ nämns punkt {} oftast, av {} svarande.").format(
                first["point"], mention_count(first)))
    return blocks.Group([blocks.Text(text), notes.block(start)])


def appendix_pointer(mentions: pd.DataFrame) -> blocks.Text:
    """Where the tables per alternative are: the appendix at the end, with their numbers from the registry."""
    entry = "researcher-alternatives-table"
    pairs = _alternative_pairs(mentions)
    first, last = contents.number(entry, part=0), contents.number(entry, part=len(pairs) - 1)
    return blocks.Text(f"Hur ofta varje område nämndes som första, andra och tredje alternativ visar "
                       f"{first}{fmt.EN_DASH}{last.split(' ', 1)[1]} i bilagan ”Svaren per alternativ” sist i rapporten.")


def alternative_table(mentions: pd.DataFrame, table_totals: pd.DataFrame, question: str,
                      alternative: int, percent_differences: pd.DataFrame | None = None) -> blocks.Table:
    """One question's mentions as one alternative (entry ``researcher-alternatives-table``, one part per
    question × alternative in the appendix's order). The note under it says where the printed table
    differs: a Total that is not the sum of the rows, a percentage that is not count / rows
    (``percent_differences``: ``researcher.published_percent_differences``), labels in each other's rows."""
    entry = "researcher-alternatives-table"
    rows = mentions[(mentions["question"] == question) & (mentions["alternative"] == alternative)].reset_index(drop=True)
    index = [f"{p}. {l}" if p.isdigit() else l for p, l in zip(rows["point"], rows["label"])]
    everyone, summed = trace.rows_of(rows), int(rows["count"].sum())
    what = f"{researcher.QUESTION_LABEL[question].rstrip('?')}, alternativ {alternative}"

    def share(row) -> str:
        shown_share = fmt.percent(row["share"])
        return trace.figure(shown_share, f"{row['label']}, alternativ {alternative}: "
                                         f"{trace.quotient(row['count'], summed, shown_share)} (tabellens rader)", everyone)

    shown = pd.DataFrame({"Antal": [mention_count(row) for _, row in rows.iterrows()],
                          "Procent": [share(row) for _, row in rows.iterrows()]}, index=index)
    total = table_totals[(table_totals["question"] == question) & (table_totals["alternative"] == alternative)].iloc[0]
    sum_figure = trace.figure(fmt.number(summed), trace.summed(what, everyone, "tabellens"), everyone)
    shown.loc["Total"] = [sum_figure, trace.figure(fmt.percent(1.0), trace.quotient(summed, summed, fmt.percent(1.0)),
                                                   everyone)]
    printed_rows = _without(total[lineage.COLUMN] if isinstance(total.get(lineage.COLUMN), str) else "", everyone)
    note = " Procent är beräknade från antalen."
    if int(total["printed_total"]) != int(total["computed_total"]):
        printed = trace.figure(fmt.number(total["printed_total"]),
                               f"Total som följeforskarens tabell anger den, {AS_PRINTED}", printed_rows)
        note += (f" Den publicerade tabellen anger totalt {printed}, men raderna ger "
                 f"tillsammans {sum_figure}.")
    if percent_differences is not None:
        here = percent_differences[(percent_differences["question"] == question)
                                   & (percent_differences["alternative"] == alternative)]
        for row in here.itertuples():
            label = researcher.EXTRA_LABEL.get(row.point, f"punkt {row.point}")
            own = rows[rows["point"] == row.point].iloc[0]
            computed = f"{fmt.number(row.computed, 1)}{fmt.NBSP}%"
            computed = trace.figure(computed, f"{own['label']}, alternativ {alternative}: "
                                              f"{trace.quotient(own['count'], summed, computed)}", everyone)
            note += (f" Den publicerade tabellen anger {fmt.number(row.published, 1)}{fmt.NBSP}% för {label}, men det "
                     f"är {mention_count(own)} av {sum_figure} ({computed}).")
    swapped = researcher.LABELS_SWAPPED_AS_PRINTED.get((question, alternative))
    if swapped:
        a, b = swapped
        count_of = {row["point"]: row for _, row in rows.iterrows()}
        label_of = rows.set_index("point")["label"]
        note += (f" I den publicerade tabellen står etiketterna för punkt {a} och {b} i varandras rader: raden "
                 f"numrerad {a} heter där ”{label_of[b]}” och raden numrerad {b} ”{label_of[a]}”. Här står "
                 f"antalen vid radens nummer, så som i de fem andra tabellerna och i den publicerade texten, och "
                 f"etiketterna är rättade. Här har punkt {b}, {label_of[b]}, {_answers(count_of[b])} och punkt {a}, "
                 f"{label_of[a]}, {_answers(count_of[a])}; se avsnittet ”{AUDIT_CHAPTER}”.")
    part = _alternative_pairs(mentions).index((question, alternative))
    caption = contents.caption(entry, part=part, question=researcher.QUESTION_LABEL[question], alternative=alternative)
    return blocks.Table(rows, shown, caption, contents.source(entry) + note, row_header="Punkt",
                        row_css={"Total": "total"})


def _open_questions(rows: pd.DataFrame) -> list[str]:
    return rows["question"].unique().tolist()


def open_answers_table(rows: pd.DataFrame, question: str) -> blocks.Table:
    """One open question's themes, most named first (entry ``researcher-open-answers-table``, one part per
    question in the data's order)."""
    entry = "researcher-open-answers-table"
    selected = rows[rows["question"] == question].sort_values("count", ascending=False, kind="stable")
    selected = selected.reset_index(drop=True)
    shown = pd.DataFrame({"Antal gånger nämnt": [
        trace.figure(fmt.number(row["count"]), f"Temat ”{row['category']}”: som följeforskarens rapport anger det, "
                                               f"{AS_PRINTED}", trace.rows_of(row))
        for _, row in selected.iterrows()]},
                         index=selected["category"].tolist())
    caption = contents.caption(entry, part=_open_questions(rows).index(question),
                               question=OPEN_QUESTION_LABEL.get(question, question))
    return blocks.Table(selected, shown, caption, contents.source(entry), row_header="Tema")


def all_alternative_tables(mentions: pd.DataFrame, table_totals: pd.DataFrame,
                           reconciliation: pd.DataFrame | None = None) -> blocks.Group:
    """Every part of ``researcher-alternatives-table``: each question's three alternatives, in the appendix's
    order; ``reconciliation`` adds a note where the printed table gives another percentage."""
    differences = None if reconciliation is None else researcher.published_percent_differences(reconciliation)
    return blocks.Group([alternative_table(mentions, table_totals, q, a, differences)
                         for q, a in _alternative_pairs(mentions)])


def all_open_answer_tables(open_answers: pd.DataFrame) -> blocks.Group:
    """Every part of ``researcher-open-answers-table``: one table per open question."""
    return blocks.Group([open_answers_table(open_answers, q) for q in _open_questions(open_answers)])
