"""The researcher's questionnaire (Bilaga 4): respondents, ranked points, the tables per alternative, open answers.

Numbers, captions and sources come from ``contents`` (the entries ``researcher-*``); the figures
from ``pipeline.process.researcher``.
"""
import pandas as pd

from pipeline import formatting as fmt
from pipeline.present import blocks, charts, contents
from pipeline.process import researcher

AREA_LABEL = {"Okänt": "Okänt", "BOU": "Barn och unga (BOU)", "Ek": "Ekonomiskt bistånd (Ek)",
              "Funk": "Funktionsnedsättning (Funk)", "Psyk": "Socialpsykiatri (Psyk)",
              "Vuxen": "Vuxen/missbruk (Vuxen)", "Äldre": "Äldre"}
OPEN_QUESTION_LABEL = {
    "skillnad_egen_arbetssituation": "a) Skillnad för den egna arbetssituationen",
    "skillnad_medarbetare": "b) Skillnad för socialsekreterarna/biståndshandläggarna (chefernas svar)",
    "skillnad_klienter": "c) Skillnad för klienterna/brukarna",
}


def _questions() -> list[str]:
    """The ranked questions in the appendix's order; a question's position is its part (letter)."""
    return list(researcher.QUESTION_LABEL)


def _alternative_pairs(mentions: pd.DataFrame) -> list[tuple[str, int]]:
    """Question × alternative in the appendix's order; a pair's position is its part (letter)."""
    return [(q, int(a)) for q in _questions() for a in sorted(mentions["alternative"].unique())]


def respondents_table(rows: pd.DataFrame) -> blocks.Table:
    """Respondents per area, with percent and total (entry ``researcher-respondents-table``)."""
    area = rows[rows["dimension"] == "area"].reset_index(drop=True)
    shown = pd.DataFrame({"Antal": [fmt.number(c) for c in area["count"]],
                          "Procent": [fmt.percent(s) for s in area["share"]]},
                         index=[AREA_LABEL.get(c, c) for c in area["category"]])
    shown.loc["Totalt"] = [fmt.number(area["count"].sum()), fmt.percent(1.0)]
    source = contents.source("researcher-respondents-table") + " Procent och totalt är beräknade från antalen."
    return blocks.Table(area, shown, contents.caption("researcher-respondents-table"), source,
                        row_header="Verksamhetsområde", row_css={"Totalt": "total"})


def respondents_sentence(rows: pd.DataFrame) -> blocks.Text:
    roles = rows[rows["dimension"] == "role"].set_index("category")["count"]
    area = rows[rows["dimension"] == "area"]
    text = f"Enkäten besvarades av {fmt.number(area['count'].sum())} personer"
    if {"chefer", "medarbetare"} <= set(roles.index):
        text += f" ({fmt.number(roles['chefer'])} chefer och {fmt.number(roles['medarbetare'])} medarbetare)"
    largest = area.loc[area["count"].idxmax()]
    smallest = area[area["category"] != "Okänt"].loc[lambda f: f["count"].idxmin()]
    text += (f". Flest svar kom från {AREA_LABEL.get(largest['category'], largest['category']).lower()} "
             f"({fmt.number(largest['count'])}) och minst från "
             f"{AREA_LABEL.get(smallest['category'], smallest['category']).lower()} ({fmt.number(smallest['count'])}).")
    return blocks.Text(text)


def ranked_diagram(totals: pd.DataFrame, question: str) -> blocks.Figure:
    """A question's points by mentions over alternatives 1–3 (entry ``researcher-ranked-diagram``, one part
    per question in the appendix's order)."""
    entry = "researcher-ranked-diagram"
    rows = researcher.ranked(totals, question)
    labels = [f"{p}. {label}" for p, label in zip(rows["point"], rows["label"])]
    png = charts.ranked_bars(labels, rows["mentions"].tolist(), "Antal gånger nämnd (alternativ 1–3)")
    top = rows.iloc[:3]
    alt = (contents.entry_of(entry).alt + " Flest: "
           + "; ".join(f"punkt {r.point} {r.label} ({fmt.number(r.mentions)})" for r in top.itertuples())
           + f". Minst: punkt {rows.iloc[-1]['point']} ({fmt.number(rows.iloc[-1]['mentions'])}).")
    caption = contents.caption(entry, part=_questions().index(question), question=researcher.QUESTION_LABEL[question])
    data = pd.DataFrame({"Omnämnanden": [fmt.number(v) for v in rows["mentions"]]}, index=labels)
    data.index.name = "Punkt"
    return blocks.Figure(rows, png, alt, caption, contents.source(entry), data)


def ranked_sentence(totals: pd.DataFrame, mentions: pd.DataFrame, question: str) -> blocks.Text:
    rows = researcher.ranked(totals, question)
    top = rows.iloc[:4]
    first = mentions[(mentions["question"] == question) & (mentions["alternative"] == 1)
                     & ~mentions["point"].isin(["övrigt", "ej_svar"])]
    first = first.loc[first["count"].idxmax()]
    parts = [f"punkt {r.point} {r.label.lower()} ({fmt.number(r.mentions)} gånger)" for r in top.itertuples()]
    return blocks.Text(
        "Oftast nämnda över de tre alternativen är " + fmt.join_words(parts) + ". "
        f"Som första alternativ nämns oftast punkt {first['point']} ({fmt.number(first['count'])} gånger).")


def alternative_table(mentions: pd.DataFrame, table_totals: pd.DataFrame, question: str,
                      alternative: int) -> blocks.Table:
    """One question's mentions as one alternative (entry ``researcher-alternatives-table``, one part per
    question × alternative in the appendix's order)."""
    entry = "researcher-alternatives-table"
    rows = mentions[(mentions["question"] == question) & (mentions["alternative"] == alternative)].reset_index(drop=True)
    index = [f"{p}. {l}" if p.isdigit() else l for p, l in zip(rows["point"], rows["label"])]
    shown = pd.DataFrame({"Antal": [fmt.number(c) for c in rows["count"]],
                          "Procent": [fmt.percent(s) for s in rows["share"]]}, index=index)
    total = table_totals[(table_totals["question"] == question) & (table_totals["alternative"] == alternative)].iloc[0]
    shown.loc["Total"] = [fmt.number(rows["count"].sum()), fmt.percent(1.0)]
    note = " Procent är beräknade från antalen."
    if int(total["printed_total"]) != int(total["computed_total"]):
        note += (f" Den publicerade tabellen anger totalt {fmt.number(total['printed_total'])}, men raderna summerar "
                 f"till {fmt.number(total['computed_total'])}.")
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
    shown = pd.DataFrame({"Antal gånger nämnt": [fmt.number(c) for c in selected["count"]]},
                         index=selected["category"].tolist())
    caption = contents.caption(entry, part=_open_questions(rows).index(question),
                               question=OPEN_QUESTION_LABEL.get(question, question))
    return blocks.Table(selected, shown, caption, contents.source(entry), row_header="Tema")


def all_alternative_tables(mentions: pd.DataFrame, table_totals: pd.DataFrame) -> blocks.Group:
    """Every part of ``researcher-alternatives-table``: each question's three alternatives, in the appendix's order."""
    return blocks.Group([alternative_table(mentions, table_totals, q, a) for q, a in _alternative_pairs(mentions)])


def all_open_answer_tables(open_answers: pd.DataFrame) -> blocks.Group:
    """Every part of ``researcher-open-answers-table``: one table per open question."""
    return blocks.Group([open_answers_table(open_answers, q) for q in _open_questions(open_answers)])
