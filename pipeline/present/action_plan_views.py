"""The action plan and the work in figures: the 13 points, the key figures with the audit's verdict, and the
förstärkningsteam's survey with the counts its printed shares stand for.

Captions and sources come from ``contents`` (the entries ``action-plan-*``); the figures from
``pipeline.process.reinforcement_team`` and ``pipeline.process.key_figures``.
"""
import pandas as pd

from pipeline import formatting as fmt
from pipeline.present import blocks, contents
from pipeline.process import reinforcement_team

VERDICT = {"ok": "stämmer med rapportens tabeller", "mismatch": "avviker från rapportens tabeller",
           "not_checkable": "kan inte kontrolleras: ingen tabell i rapporten"}
DESIGN_CLAIMS = {"per_term": "I002-intervjuer-per-termin-2", "terms": "I002-terminer-5",
                 "interviews": "I002-gruppintervjuer-144"}


def points_list(points: pd.DataFrame) -> blocks.Fragment:
    """The 13 points in their numbering, as the reference list names them."""
    rows = points.sort_values("point")
    return blocks.Fragment("numbered.html.j2", {"items": [{"number": int(p), "text": str(label)}
                                                          for p, label in zip(rows["point"], rows["label"])]})


def points_sentence(points: pd.DataFrame) -> blocks.Text:
    return blocks.Text(f"Handlingsplanen har {fmt.number(len(points))} punkter. Följeforskarens enkät frågade efter "
                       "dem med samma nummer och namn som i listan nedan.")


# --- key figures -----------------------------------------------------------------------------------------

def _published(row) -> str:
    number = fmt.number(row.published, 0 if float(row.published).is_integer() else 1)
    return f"{row.qualifier} {number}" if isinstance(row.qualifier, str) and row.qualifier else number


def key_figures_table(rows: pd.DataFrame) -> blocks.Table:
    """The key figures, each with the audit's verdict (entry ``action-plan-key-figures-table``); the sections
    printing them are in the source line, and each row's in ``.frame``."""
    entry = "action-plan-key-figures-table"
    rows = rows.sort_values("position").reset_index(drop=True)
    shown = pd.DataFrame({"Enligt rapporten": [_published(r) for r in rows.itertuples()],
                          "Granskningens utfall": [VERDICT[s].capitalize() for s in rows["status"]]},
                         index=rows["label"].tolist())
    return blocks.Table(rows, shown, contents.caption(entry), contents.source(entry), row_header="Nyckeltal",
                        numeric_columns=["Enligt rapporten"], css="finding")


def key_figures_sentence(rows: pd.DataFrame) -> blocks.Text:
    """How many key figures the audit could check against the report's tables, and how many agree."""
    by_status = rows["status"].value_counts()
    ok, mismatch, unchecked = (int(by_status.get(s, 0)) for s in ("ok", "mismatch", "not_checkable"))
    checked = ok + mismatch
    if checked:
        text = (f"Avstämningen kan pröva {fmt.number(checked)} av de {fmt.number(len(rows))} nyckeltalen mot "
                "rapportens egna tabeller: "
                + ("alla stämmer." if not mismatch else f"{fmt.number(ok)} stämmer och {fmt.number(mismatch)} avviker."))
    else:
        text = "Avstämningen kan inte pröva något av nyckeltalen mot rapportens egna tabeller."
    if unchecked and checked:
        text += (f" Övriga {fmt.number(unchecked)} kan inte kontrolleras, eftersom rapporten inte har någon tabell "
                 "som de kan räknas om från.")
    text += " Utfallen är desamma som i kapitlet Avstämning mot den publicerade rapporten."
    return blocks.Text(text)


def interviews_sentence(reconciliation: pd.DataFrame, administrations: pd.DataFrame) -> blocks.Text | None:
    """The interview design the report describes, multiplied out, beside the 144 interviews it reports."""
    published = reconciliation.set_index("check_id")["published"]
    if not all(c in published.index for c in DESIGN_CLAIMS.values()):
        return None
    per_term, terms = int(published[DESIGN_CLAIMS["per_term"]]), int(published[DESIGN_CLAIMS["terms"]])
    reported = int(published[DESIGN_CLAIMS["interviews"]])
    districts = int((administrations["type"] == "district").sum())
    designed = per_term * districts * terms
    if designed == reported:
        return None
    return blocks.Text(
        f"Upplägget som samma avsnitt beskriver, {fmt.number(per_term)} intervjuer per termin i var och en av de "
        f"{fmt.number(districts)} stadsdelsförvaltningarna under {fmt.number(terms)} terminer, ger "
        f"{fmt.number(designed)} intervjuer och inte de {fmt.number(reported)} som rapporten anger.")


# --- the förstärkningsteam's survey ----------------------------------------------------------------------

def _of(count: int, n: int) -> str:
    """'19 av 43 (44,2 %)'."""
    return f"{fmt.number(count)} av {fmt.number(n)} ({fmt.percent(count / n)})"


def _printed(row) -> str:
    """The share as the report prints it: '44,2 %', 'ca 63 %', '23, %' (the lost decimal kept visible)."""
    qualifier = f"{row.qualifier} " if isinstance(row.qualifier, str) and row.qualifier else ""
    lost = " (decimalen saknas)" if row.digit_lost else ""
    return f"{qualifier}{row.printed_percent}{fmt.NBSP}%{lost}"


def team_years_table(rows: pd.DataFrame) -> blocks.Table:
    """Years in the job: the printed share, the count it stands for, and the share that count gives (entry
    ``action-plan-team-years-table``)."""
    entry = "action-plan-team-years-table"
    years = rows[rows["group"] == "years"].reset_index(drop=True)
    n = int(years["respondents"].iloc[0])
    shown = pd.DataFrame({"Tryckt andel": [_printed(r) for r in years.itertuples()],
                          "Antal svarande": [fmt.number(c) for c in years["count"]],
                          f"Andel av {fmt.number(n)}": [fmt.percent(p / 100) for p in years["percent"]]},
                         index=[str(label).capitalize() for label in years["label"]])
    total = int(years["count"].sum())
    shown.loc["Summa"] = [fmt.EN_DASH, fmt.number(total), fmt.percent(total / n)]
    source = (contents.source(entry) + f" Antalen är härledda: för varje tryckt andel är det det enda hela antal av "
              f"{fmt.number(n)} svarande som avrundat ger andelen.")
    return blocks.Table(years, shown, contents.caption(entry, n=fmt.number(n)), source, row_header="Tid i yrket",
                        row_css={"Summa": "total"})


def team_years_sentences(rows: pd.DataFrame) -> blocks.Text:
    years = rows[rows["group"] == "years"].reset_index(drop=True)
    n = int(years["respondents"].iloc[0])
    if years["count"].isna().any():
        return blocks.Text(f"Alla tryckta andelar kan inte räknas om till hela antal av {fmt.number(n)} svarande.")
    parts = [f"{fmt.number(r.count)}{' svarande arbetat' if i == 0 else ''} {'i ' if r.label[0].isdigit() else ''}"
             f"{r.label}" for i, r in enumerate(years.itertuples())]
    largest = int(years["count"].max())
    text = (f"En andel av {fmt.number(n)} svarande kan bara vara ett helt antal delat "
            f"med {fmt.number(n)}, och för varje tryckt andel av tiden i yrket finns precis ett sådant antal som "
            f"avrundat ger den, till exempel {_of(largest, n)}. Räknat så hade "
            + fmt.join_words(parts) + " inom myndighetsutövning.")
    lost = years[years["digit_lost"]]
    for row in lost.itertuples():
        whole = row.printed_percent.rstrip(",")
        text += (f" Andelen för {row.label} är tryckt »{row.printed_percent}« utan decimal. Det enda antal som ger en "
                 f"andel från {whole},0 till {whole},9 % är {_of(int(row.count), n)}, och så läses den här.")
    total = int(years["count"].sum())
    if total == n:
        text += (f" Grupperna rymmer tillsammans alla {fmt.number(n)} svarande, så ingen av de svarande har arbetat "
                 "6–9 år, en grupp som rapporten inte nämner.")
    else:
        text += (f" Grupperna rymmer tillsammans {fmt.number(total)} av de {fmt.number(n)} svarande; resten har "
                 "arbetat 6–9 år, en grupp som rapporten inte nämner.")
    return blocks.Text(text)


def _fits(row) -> str:
    if not row.possible:
        return "inget"
    if row.count_min == row.count_max:
        return fmt.number(row.count)
    return f"{fmt.number(row.count_min)}{fmt.EN_DASH}{fmt.number(row.count_max)}"


def _fit_share(row, n: int) -> str:
    if not row.possible:
        return fmt.EN_DASH
    if row.count_min == row.count_max:
        return fmt.percent(row.count / n)
    return f"{fmt.number(100 * row.count_min / n, 1)}{fmt.EN_DASH}{fmt.percent(row.count_max / n)}"


def team_answers_table(rows: pd.DataFrame) -> blocks.Table:
    """The other questions: the printed share, the counts of respondents that give it and their share (entry
    ``action-plan-team-answers-table``)."""
    entry = "action-plan-team-answers-table"
    answers = rows[rows["group"] == "answers"].reset_index(drop=True)
    n = int(answers["respondents"].iloc[0])
    shown = pd.DataFrame({"Tryckt andel": [_printed(r) for r in answers.itertuples()],
                          f"Antal av {fmt.number(n)} som ger andelen": [_fits(r) for r in answers.itertuples()],
                          "Andel för det antalet": [_fit_share(r, n) for r in answers.itertuples()]},
                         index=[str(label)[0].upper() + str(label)[1:] for label in answers["label"]])
    return blocks.Table(answers, shown, contents.caption(entry, n=fmt.number(n)), contents.source(entry),
                        row_header="Andel svarande som")


def team_answers_sentences(rows: pd.DataFrame) -> blocks.Text:
    """What the printed answer shares imply in respondents: most stand for one whole count, a share printed
    as a lower bound for a range, and a share no count can give is said to be impossible."""
    answers = rows[rows["group"] == "answers"].reset_index(drop=True)
    n = int(answers["respondents"].iloc[0])
    single = answers[answers["possible"] & (answers["count_min"] == answers["count_max"])]
    sentences = []
    if len(single):
        counts = fmt.join_words([fmt.number(c) for c in single["count"]])
        example = single.iloc[-1]
        sentences.append(
            f"{'Alla andelar utom' if len(single) < len(answers) else 'Alla'} "
            f"{fmt.number(len(answers) - len(single)) + ' ' if len(single) < len(answers) else ''}"
            f"motsvarar var sitt helt antal av de {fmt.number(n)} svarande ({counts}), till exempel "
            f"{_of(int(example['count']), n)} som {example['label']}.")
    for row in answers.itertuples():
        printed = _printed(row)
        if not row.possible:
            low, high = reinforcement_team.neighbours(row.printed_percent, n)
            sentences.append(
                f"Andelen {printed} som {row.label} kan inte komma ur {fmt.number(n)} svar: {fmt.number(low)} av "
                f"{fmt.number(n)} är {fmt.percent(low / n)} och {fmt.number(high)} av {fmt.number(n)} är "
                f"{fmt.percent(high / n)}. Den bygger alltså på ett annat antal svarande än det tryckta, eller "
                "så är den felskriven.")
        elif row.count_min != row.count_max:
            below = int(row.count_min) - 1
            sentences.append(
                f"Andelen {printed} som {row.label} betyder minst {_of(int(row.count_min), n)}, eftersom "
                f"{fmt.number(below)} av {fmt.number(n)} är {fmt.percent(below / n)}.")
    return blocks.Text(" ".join(sentences))
