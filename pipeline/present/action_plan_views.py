"""The action plan and the work in figures: the 13 points, the key figures with the audit's verdict, and the
förstärkningsteam's survey with the counts its printed shares stand for.

Captions and sources come from ``contents`` (the entries ``action-plan-*``); the figures from
``pipeline.process.reinforcement_team`` and ``pipeline.process.key_figures``.
"""
import pandas as pd

from pipeline import formatting as fmt
from pipeline.present import blocks, contents, trace
from pipeline.process import lineage, reinforcement_team

VERDICT = {"ok": "stämmer med rapportens tabeller", "mismatch": "avviker från rapportens tabeller",
           "not_checkable": "kan inte kontrolleras: ingen tabell i rapporten"}
AS_PRINTED = "som den tryckta rapporten anger det, ingen beräkning"
DESIGN_CLAIMS = {"per_term": "I002-intervjuer-per-termin-2", "terms": "I002-terminer-5",
                 "interviews": "I002-gruppintervjuer-144"}


def points_list(points: pd.DataFrame) -> blocks.Fragment:
    """The 13 points in their numbering, as the reference list names them."""
    rows = points.sort_values("point")
    return blocks.Fragment("numbered.html.j2", {"items": [{"number": int(p), "text": str(label)}
                                                          for p, label in zip(rows["point"], rows["label"])]})


def _counted(count: int, how: str, frame: pd.DataFrame) -> str:
    """A count of processed rows as shown, traced to the rows counted."""
    return trace.figure(fmt.number(count), how, trace.rows_of(frame))


def points_sentence(points: pd.DataFrame) -> blocks.Text:
    count = _counted(len(points), "Antal punkter i handlingsplanens lista, räknade i rådata", points)
    return blocks.Text(f"Handlingsplanen har {count} punkter. Följeforskarens enkät frågade efter "
                       "dem med samma nummer och namn som i listan nedan.")


# --- key figures -----------------------------------------------------------------------------------------

def _published(row) -> str:
    """The key figure as the report prints it ('närmare 500'), the number traced to its claim's raw row."""
    number = fmt.number(row["published"], 0 if float(row["published"]).is_integer() else 1)
    number = trace.figure(number, f"{row['label']}: som den tryckta rapporten anger det i avsnittet »{row['section']}«, "
                                  "ingen beräkning", trace.rows_of(row))
    qualifier = row["qualifier"]
    return f"{qualifier} {number}" if isinstance(qualifier, str) and qualifier else number


def key_figures_table(rows: pd.DataFrame) -> blocks.Table:
    """The key figures, each with the audit's verdict (entry ``action-plan-key-figures-table``); the sections
    printing them are in the source line, and each row's in ``.frame``."""
    entry = "action-plan-key-figures-table"
    rows = rows.sort_values("position").reset_index(drop=True)
    shown = pd.DataFrame({"Enligt rapporten": [_published(r) for _, r in rows.iterrows()],
                          "Granskningens utfall": [VERDICT[s].capitalize() for s in rows["status"]]},
                         index=rows["label"].tolist())
    return blocks.Table(rows, shown, contents.caption(entry), contents.source(entry), row_header="Nyckeltal",
                        numeric_columns=["Enligt rapporten"], css="finding")


def key_figures_sentence(rows: pd.DataFrame) -> blocks.Text:
    """How many key figures the audit could check against the report's tables, and how many agree."""
    by_status = rows["status"].value_counts()
    ok, mismatch, unchecked = (int(by_status.get(s, 0)) for s in ("ok", "mismatch", "not_checkable"))
    checked = ok + mismatch
    total = len(rows)

    def with_verdict(*statuses) -> pd.DataFrame:
        return rows[rows["status"].isin(statuses)]

    def counted(count: int, *statuses) -> str:
        verdicts = " eller ".join(f"»{VERDICT[s]}«" for s in statuses)
        return _counted(count, f"Nyckeltal med utfallet {verdicts}, räknade bland de {fmt.number(total)} "
                               "nyckeltalen i tabellen", with_verdict(*statuses))

    if checked:
        how_checked = (f"Nyckeltal som stämmer eller avviker: {fmt.number(ok)} + {fmt.number(mismatch)} = "
                       f"{fmt.number(checked)}")
        text = (f"Avstämningen kan pröva {trace.figure(fmt.number(checked), how_checked, trace.rows_of(with_verdict('ok', 'mismatch')))} "
                f"av de {_counted(total, 'Antal nyckeltal i tabellen', rows)} nyckeltalen mot "
                "rapportens egna tabeller: "
                + ("alla stämmer." if not mismatch
                   else f"{counted(ok, 'ok')} stämmer och {counted(mismatch, 'mismatch')} avviker."))
    else:
        text = "Avstämningen kan inte pröva något av nyckeltalen mot rapportens egna tabeller."
    if unchecked and checked:
        text += (f" Övriga {counted(unchecked, 'not_checkable')} kan inte kontrolleras, eftersom rapporten inte har "
                 "någon tabell som de kan räknas om från.")
    text += " Utfallen är desamma som i kapitlet Avstämning mot den publicerade rapporten."
    return blocks.Text(text)


def interviews_sentence(reconciliation: pd.DataFrame, administrations: pd.DataFrame) -> blocks.Text | None:
    """The interview design the report describes, multiplied out, beside the 144 interviews it reports."""
    claims = reconciliation.set_index("check_id")
    published = claims["published"]
    if not all(c in published.index for c in DESIGN_CLAIMS.values()):
        return None
    per_term, terms = int(published[DESIGN_CLAIMS["per_term"]]), int(published[DESIGN_CLAIMS["terms"]])
    reported = int(published[DESIGN_CLAIMS["interviews"]])
    district_rows = administrations[administrations["type"] == "district"]
    districts = len(district_rows)
    designed = per_term * districts * terms
    if designed == reported:
        return None

    def printed(key: str, what: str) -> str:
        return trace.figure(fmt.number(published[DESIGN_CLAIMS[key]]), f"{what}: {AS_PRINTED}",
                            trace.rows_of(claims.loc[DESIGN_CLAIMS[key]]))

    rows = lineage.merge(trace.rows_of(claims.loc[[DESIGN_CLAIMS["per_term"], DESIGN_CLAIMS["terms"]]]),
                         trace.rows_of(district_rows))
    product = trace.figure(fmt.number(designed), f"{fmt.number(per_term)} × {fmt.number(districts)} × "
                                                 f"{fmt.number(terms)} = {fmt.number(designed)}", rows)
    count = _counted(districts, "Antal stadsdelsförvaltningar i förteckningen över förvaltningar, räknade i rådata",
                     district_rows)
    return blocks.Text(
        f"Upplägget som samma avsnitt beskriver, {printed('per_term', 'Intervjuer per termin och stadsdel')} "
        f"intervjuer per termin i var och en av de {count} stadsdelsförvaltningarna under "
        f"{printed('terms', 'Terminer')} terminer, ger {product} intervjuer och inte de "
        f"{printed('interviews', 'Gruppintervjuer')} som rapporten anger.")


# --- the förstärkningsteam's survey ----------------------------------------------------------------------

def _shared_rows(frame: pd.DataFrame) -> str:
    """The raw rows every row of ``frame`` rests on: the line with the number of respondents."""
    parsed = [lineage.parse(text) for text in frame[lineage.COLUMN]]
    if not parsed:
        return ""
    return lineage.text({name: set.intersection(*[set(p.get(name, [])) for p in parsed]) for name in parsed[0]})


def _own_rows(row, shared: str) -> str:
    """A share row's raw rows without the respondents' line: the line printing its share."""
    common = lineage.parse(shared)
    return lineage.text({name: [line for line in lines if line not in common.get(name, [])]
                         for name, lines in lineage.parse(trace.rows_of(row)).items()})


def _respondents(frame: pd.DataFrame) -> str:
    """The number of respondents as shown, traced to its raw row."""
    return trace.figure(fmt.number(int(frame["respondents"].iloc[0])),
                        f"Svarande på förstärkningsteamets enkät: {AS_PRINTED}", _shared_rows(frame))


def _share_of(count: int, n: int, rows: str) -> str:
    """'44,2 %' for count / n, traced: '19 / 43 = 44,2 %'."""
    shown = fmt.percent(count / n)
    return trace.figure(shown, trace.quotient(count, n, shown), rows)


def _printed_value(row) -> str:
    """'44,2 %', '23, %': the share's figure as printed, without qualifier."""
    return f"{row['printed_percent']}{fmt.NBSP}%"


def _derived(count: int, row, n: int) -> str:
    """A count derived from a printed share, traced: the one whole count of n that rounds to it."""
    printed = _printed_value(row)
    if row["digit_lost"]:
        whole = str(row["printed_percent"]).rstrip(",")
        gives = f"en andel från {whole},0 till {whole},9{fmt.NBSP}%, som den tryckta »{printed}«"
    else:
        gives = f"den tryckta andelen {printed}"
    how = (f"Det enda hela antal av {fmt.number(n)} svarande som avrundat ger {gives}: "
           f"{trace.quotient(count, n, fmt.percent(count / n))}")
    return trace.figure(fmt.number(count), how, trace.rows_of(row))


def _of(count: int, n: int, row, frame: pd.DataFrame, how: str | None = None) -> str:
    """'19 av 43 (44,2 %)', each figure traced; ``how`` for a count that is not the share's one derived count."""
    shown = (trace.figure(fmt.number(count), how, trace.rows_of(row)) if how else _derived(count, row, n))
    return f"{shown} av {_respondents(frame)} ({_share_of(count, n, trace.rows_of(row))})"


def _printed(row, frame: pd.DataFrame | None = None) -> str:
    """The share as the report prints it: '44,2 %', 'ca 63 %', '23, %' (the lost decimal kept visible); the figure
    traced to the raw row printing it."""
    qualifier = f"{row['qualifier']} " if isinstance(row["qualifier"], str) and row["qualifier"] else ""
    lost = " (decimalen saknas)" if row["digit_lost"] else ""
    rows = _own_rows(row, _shared_rows(frame)) if frame is not None else trace.rows_of(row)
    figure = trace.figure(_printed_value(row), f"Andelen svarande som {row['label']}: {AS_PRINTED}"
                          if row["group"] == "answers" else f"Andelen svarande med {row['label']} i yrket: {AS_PRINTED}",
                          rows)
    return f"{qualifier}{figure}{lost}"


def team_years_table(rows: pd.DataFrame) -> blocks.Table:
    """Years in the job: the printed share, the count it stands for, and the share that count gives (entry
    ``action-plan-team-years-table``)."""
    entry = "action-plan-team-years-table"
    years = rows[rows["group"] == "years"].reset_index(drop=True)
    n = int(years["respondents"].iloc[0])
    listed = [row for _, row in years.iterrows()]
    shown = pd.DataFrame({"Tryckt andel": [_printed(r, years) for r in listed],
                          "Antal svarande": [_derived(int(r["count"]), r, n) for r in listed],
                          f"Andel av {fmt.number(n)}": [trace.figure(fmt.percent(r["percent"] / 100),
                                                                    trace.quotient(r["count"], n,
                                                                                   fmt.percent(r["percent"] / 100)),
                                                                    trace.rows_of(r)) for r in listed]},
                         index=[str(label).capitalize() for label in years["label"]])
    total = int(years["count"].sum())
    how_total = (f"Summan av antalen: {' + '.join(fmt.number(c) for c in years['count'])} = {fmt.number(total)}")
    shown.loc["Summa"] = [fmt.EN_DASH, trace.figure(fmt.number(total), how_total, trace.rows_of(years)),
                          _share_of(total, n, trace.rows_of(years))]
    source = (contents.source(entry) + f" Antalen är härledda: för varje tryckt andel är det det enda hela antal av "
              f"{fmt.number(n)} svarande som avrundat ger andelen.")
    return blocks.Table(years, shown, contents.caption(entry, n=fmt.number(n)), source, row_header="Tid i yrket",
                        row_css={"Summa": "total"})


def team_years_sentences(rows: pd.DataFrame) -> blocks.Text:
    years = rows[rows["group"] == "years"].reset_index(drop=True)
    n = int(years["respondents"].iloc[0])
    respondents = _respondents(years)
    if years["count"].isna().any():
        return blocks.Text(f"Alla tryckta andelar kan inte räknas om till hela antal av {respondents} svarande.")
    listed = [row for _, row in years.iterrows()]
    parts = [f"{_derived(int(r['count']), r, n)}{' svarande arbetat' if i == 0 else ''} "
             f"{'i ' if r['label'][0].isdigit() else ''}{r['label']}" for i, r in enumerate(listed)]
    largest = max(listed, key=lambda r: r["count"])
    text = (f"En andel av {respondents} svarande kan bara vara ett helt antal delat "
            f"med {respondents}, och för varje tryckt andel av tiden i yrket finns precis ett sådant antal som "
            f"avrundat ger den, till exempel {_of(int(largest['count']), n, largest, years)}. Räknat så hade "
            + fmt.join_words(parts) + " inom myndighetsutövning.")
    for row in [r for r in listed if r["digit_lost"]]:
        whole = row["printed_percent"].rstrip(",")
        printed = trace.figure(row["printed_percent"], f"Andelen svarande med {row['label']} i yrket: {AS_PRINTED}",
                               _own_rows(row, _shared_rows(years)))
        text += (f" Andelen för {row['label']} är tryckt »{printed}« utan decimal. Det enda antal som ger en "
                 f"andel från {whole},0 till {whole},9 % är {_of(int(row['count']), n, row, years)}, och så läses den här.")
    total = int(years["count"].sum())
    how_total = f"Summan av antalen: {' + '.join(fmt.number(c) for c in years['count'])} = {fmt.number(total)}"
    if total == n:
        text += (f" Grupperna rymmer tillsammans alla {trace.figure(fmt.number(n), how_total, trace.rows_of(years))} "
                 "svarande, så ingen av de svarande har arbetat 6–9 år, en grupp som rapporten inte nämner.")
    else:
        text += (f" Grupperna rymmer tillsammans {trace.figure(fmt.number(total), how_total, trace.rows_of(years))} "
                 f"av de {respondents} svarande; resten har arbetat 6–9 år, en grupp som rapporten inte nämner.")
    return blocks.Text(text)


def _range_how(row, n: int) -> str:
    """'Hela antal av 43 som avrundat ger över 91 %: 40 / 43 = 93,0 % till 43 / 43 = 100,0 %'."""
    low, high = int(row["count_min"]), int(row["count_max"])
    return (f"Hela antal av {fmt.number(n)} svarande som avrundat ger {_qualified(row)}: "
            f"{trace.quotient(low, n, fmt.percent(low / n))} till {trace.quotient(high, n, fmt.percent(high / n))}")


def _qualified(row) -> str:
    qualifier = f"{row['qualifier']} " if isinstance(row["qualifier"], str) and row["qualifier"] else ""
    return f"{qualifier}{_printed_value(row)}"


def _fits(row, n: int) -> str:
    rows = trace.rows_of(row)
    if not row["possible"]:
        low, high = reinforcement_team.neighbours(row["printed_percent"], n)
        return trace.figure("inget", f"Inget helt antal av {fmt.number(n)} svarande ger {_printed_value(row)}: "
                                     f"{trace.quotient(low, n, fmt.percent(low / n))} och "
                                     f"{trace.quotient(high, n, fmt.percent(high / n))}", rows)
    if row["count_min"] == row["count_max"]:
        return _derived(int(row["count"]), row, n)
    return trace.figure(f"{fmt.number(row['count_min'])}{fmt.EN_DASH}{fmt.number(row['count_max'])}",
                        _range_how(row, n), rows)


def _fit_share(row, n: int) -> str:
    if not row["possible"]:
        return fmt.EN_DASH
    if row["count_min"] == row["count_max"]:
        return _share_of(int(row["count"]), n, trace.rows_of(row))
    return trace.figure(f"{fmt.number(100 * row['count_min'] / n, 1)}{fmt.EN_DASH}{fmt.percent(row['count_max'] / n)}",
                        _range_how(row, n), trace.rows_of(row))


def team_answers_table(rows: pd.DataFrame) -> blocks.Table:
    """The other questions: the printed share, the counts of respondents that give it and their share (entry
    ``action-plan-team-answers-table``)."""
    entry = "action-plan-team-answers-table"
    answers = rows[rows["group"] == "answers"].reset_index(drop=True)
    n = int(answers["respondents"].iloc[0])
    listed = [row for _, row in answers.iterrows()]
    shown = pd.DataFrame({"Tryckt andel": [_printed(r, answers) for r in listed],
                          f"Antal av {fmt.number(n)} som ger andelen": [_fits(r, n) for r in listed],
                          "Andel för det antalet": [_fit_share(r, n) for r in listed]},
                         index=[str(label)[0].upper() + str(label)[1:] for label in answers["label"]])
    return blocks.Table(answers, shown, contents.caption(entry, n=fmt.number(n)), contents.source(entry),
                        row_header="Andel svarande som")


def team_answers_sentences(rows: pd.DataFrame) -> blocks.Text:
    """What the printed answer shares imply in respondents: most stand for one whole count, a share printed
    as a lower bound for a range, and a share no count can give is said to be impossible."""
    answers = rows[rows["group"] == "answers"].reset_index(drop=True)
    n = int(answers["respondents"].iloc[0])
    respondents = _respondents(answers)
    single = answers[answers["possible"] & (answers["count_min"] == answers["count_max"])]
    sentences = []
    if len(single):
        counts = fmt.join_words([_derived(int(r["count"]), r, n) for _, r in single.iterrows()])
        example = single.iloc[-1]
        others = len(answers) - len(single)
        how_others = (f"Andelar som inte motsvarar precis ett helt antal: {fmt.number(len(answers))} "
                      f"{trace.MINUS} {fmt.number(len(single))} = {fmt.number(others)}")
        sentences.append(
            f"{'Alla andelar utom' if len(single) < len(answers) else 'Alla'} "
            f"{trace.figure(fmt.number(others), how_others, trace.rows_of(answers.drop(single.index))) + ' ' if others else ''}"
            f"motsvarar var sitt helt antal av de {respondents} svarande ({counts}), till exempel "
            f"{_of(int(example['count']), n, example, answers)} som {example['label']}.")
    for _, row in answers.iterrows():
        printed = _printed(row, answers)
        rows_read = trace.rows_of(row)
        if not row["possible"]:
            low, high = reinforcement_team.neighbours(row["printed_percent"], n)
            near = f"närmaste hela antal av {fmt.number(n)} svarande {{}} den tryckta andelen {_printed_value(row)}"
            low_shown = trace.figure(fmt.number(low), near.format("under"), rows_read)
            high_shown = trace.figure(fmt.number(high), near.format("över"), rows_read)
            sentences.append(
                f"Andelen {printed} som {row['label']} kan inte komma ur {respondents} svar: {low_shown} av "
                f"{respondents} är {_share_of(low, n, rows_read)} och {high_shown} av {respondents} är "
                f"{_share_of(high, n, rows_read)}. Den bygger alltså på ett annat antal svarande än det tryckta, "
                "eller så är den felskriven.")
        elif row["count_min"] != row["count_max"]:
            below = int(row["count_min"]) - 1
            least = (f"Minsta hela antal av {fmt.number(n)} svarande som avrundat ger {_qualified(row)}")
            below_shown = trace.figure(fmt.number(below), f"Ett färre än det minsta antalet: {fmt.number(row['count_min'])} "
                                                          f"{trace.MINUS} 1 = {fmt.number(below)}", rows_read)
            sentences.append(
                f"Andelen {printed} som {row['label']} betyder minst "
                f"{_of(int(row['count_min']), n, row, answers, least)}, eftersom "
                f"{below_shown} av {respondents} är {_share_of(below, n, rows_read)}.")
    return blocks.Text(" ".join(sentences))
