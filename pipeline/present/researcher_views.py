"""The researcher's questionnaire (Bilaga 4): respondents, ranked points, the six tables, open answers."""
import pandas as pd

from pipeline.present import charts, htmlblocks as hb, sources
from pipeline import formatting as fmt
from pipeline.process import researcher

AREA_LABEL = {"Okänt": "Okänt", "BOU": "Barn och unga (BOU)", "Ek": "Ekonomiskt bistånd (Ek)",
              "Funk": "Funktionsnedsättning (Funk)", "Psyk": "Socialpsykiatri (Psyk)",
              "Vuxen": "Vuxen/missbruk (Vuxen)", "Äldre": "Äldre"}
OPEN_QUESTION_LABEL = {
    "skillnad_egen_arbetssituation": "a) Skillnad för den egna arbetssituationen",
    "skillnad_medarbetare": "b) Skillnad för socialsekreterarna/biståndshandläggarna (chefernas svar)",
    "skillnad_klienter": "c) Skillnad för klienterna/brukarna",
}


def respondents_table(rows: pd.DataFrame) -> str:
    area = rows[rows["dimension"] == "area"]
    frame = pd.DataFrame({"Antal": [fmt.number(c) for c in area["count"]],
                          "Procent": [fmt.percent(s) for s in area["share"]]},
                         index=[AREA_LABEL.get(c, c) for c in area["category"]])
    frame.loc["Totalt"] = [fmt.number(area["count"].sum()), fmt.percent(1.0)]
    return hb.table(frame, "Tabell 4. Antal enkätsvar fördelat över verksamhetsområden.",
                    sources.researcher("Tabell 1", "researcher_respondents.csv")
                    + " Procent och totalt är beräknade från antalen.",
                    row_header="Verksamhetsområde", row_css={"Totalt": "total"})


def respondents_sentence(rows: pd.DataFrame) -> str:
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
    return hb.paragraph(text)


def ranked_diagram(totals: pd.DataFrame, question: str, number: str) -> str:
    rows = researcher.ranked(totals, question)
    labels = [f"{p}. {label}" for p, label in zip(rows["point"], rows["label"])]
    png = charts.ranked_bars(labels, rows["mentions"].tolist(), "Antal gånger nämnd (alternativ 1–3)")
    top = rows.iloc[:3]
    alt = ("Liggande stapeldiagram, punkterna ordnade efter antal omnämnanden. Flest: "
           + "; ".join(f"punkt {r.point} {r.label} ({fmt.number(r.mentions)})" for r in top.itertuples())
           + f". Minst: punkt {rows.iloc[-1]['point']} ({fmt.number(rows.iloc[-1]['mentions'])}).")
    caption = f"Diagram {number}. {researcher.QUESTION_LABEL[question]} Antal omnämnanden per punkt, alternativ 1–3 sammantaget."
    data = pd.DataFrame({"Omnämnanden": [fmt.number(v) for v in rows["mentions"]]}, index=labels)
    data.index.name = "Punkt"
    return hb.figure(png, alt, caption, sources.researcher("rangordnade tabeller", "researcher_rankings.csv"), data)


def ranked_sentence(totals: pd.DataFrame, mentions: pd.DataFrame, question: str) -> str:
    rows = researcher.ranked(totals, question)
    top = rows.iloc[:4]
    first = mentions[(mentions["question"] == question) & (mentions["alternative"] == 1)
                     & ~mentions["point"].isin(["övrigt", "ej_svar"])]
    first = first.loc[first["count"].idxmax()]
    parts = [f"punkt {r.point} {r.label.lower()} ({fmt.number(r.mentions)} gånger)" for r in top.itertuples()]
    return hb.paragraph(
        "Oftast nämnda över de tre alternativen är " + fmt.join_words(parts) + ". "
        f"Som första alternativ nämns oftast punkt {first['point']} ({fmt.number(first['count'])} gånger).")


def alternative_table(mentions: pd.DataFrame, table_totals: pd.DataFrame, question: str, alternative: int,
                      letter: str) -> str:
    rows = mentions[(mentions["question"] == question) & (mentions["alternative"] == alternative)]
    index = [f"{p}. {l}" if p.isdigit() else l for p, l in zip(rows["point"], rows["label"])]
    frame = pd.DataFrame({"Antal": [fmt.number(c) for c in rows["count"]],
                          "Procent": [fmt.percent(s) for s in rows["share"]]}, index=index)
    total = table_totals[(table_totals["question"] == question) & (table_totals["alternative"] == alternative)].iloc[0]
    frame.loc["Total"] = [fmt.number(rows["count"].sum()), fmt.percent(1.0)]
    note = " Procent är beräknade från antalen."
    if int(total["printed_total"]) != int(total["computed_total"]):
        note += (f" Den publicerade tabellen anger totalt {fmt.number(total['printed_total'])}, men raderna summerar "
                 f"till {fmt.number(total['computed_total'])}.")
    caption = f"Tabell 5{letter}. {researcher.QUESTION_LABEL[question]} (alternativ {alternative})"
    return hb.table(frame, caption, sources.researcher("rangordnade tabeller", "researcher_rankings.csv") + note,
                    row_header="Punkt", row_css={"Total": "total"})


def open_answers_table(rows: pd.DataFrame, question: str, letter: str) -> str:
    selected = rows[rows["question"] == question].sort_values("count", ascending=False, kind="stable")
    frame = pd.DataFrame({"Antal gånger nämnt": [fmt.number(c) for c in selected["count"]]},
                         index=selected["category"].tolist())
    caption = f"Tabell 6{letter}. Öppna svar: {OPEN_QUESTION_LABEL.get(question, question)}."
    return hb.table(frame, caption, sources.researcher("fråga 2", "researcher_open_answers.csv"), row_header="Tema")


def all_alternative_tables(mentions: pd.DataFrame, table_totals: pd.DataFrame) -> str:
    """Tabell 5a–5f: each question's three alternatives, in the appendix's order."""
    pairs = [(q, a) for q in researcher.QUESTION_LABEL for a in sorted(mentions["alternative"].unique())]
    return "".join(alternative_table(mentions, table_totals, q, int(a), letter)
                   for letter, (q, a) in zip("abcdefghijkl", pairs))


def all_open_answer_tables(open_answers: pd.DataFrame) -> str:
    """Tabell 6a–6c: one table per open question."""
    return "".join(open_answers_table(open_answers, q, letter)
                   for letter, q in zip("abcdefghijkl", open_answers["question"].unique()))
