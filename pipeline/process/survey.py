"""The employee survey (the report's Bilaga 3): statements, answer scale, areas, occasions, shares.

Twice a year socialsekreterare and biståndshandläggare took a position on three
statements on a five-point scale. The survey was not anonymous (answers went to the
respondent's manager as a basis for dialogue), so this module is the only place where
respondent-level rows become numbers, and what leaves it are shares of groups large
enough that no person can be singled out:

- identifying columns (``respondent_id``, ``comment``) are dropped before anything is
  counted (``without_identifiers``, called right after validation);
- a group with fewer answers than ``survey_min_respondents`` (report.yml) is suppressed:
  no shares and no ``n``;
- a group that could be worked out by subtraction (the city total minus the published
  groups) is suppressed too, see ``_complementary``.

Everything the report says about the survey (statements, scale, grouping of answers,
areas, occasions) is defined once: what the raw export holds in ``pipeline.ingest.survey_raw``
(re-exported here), how answers are grouped and counted here.
"""
import json
import math
import re
from pathlib import Path

import pandas as pd

from pipeline.process import datasets, lineage
from pipeline import formatting as fmt, paths
from pipeline.ingest.survey_raw import (ANALYSED, AREAS, EXPORT_VARIABLE, IDENTIFYING, META_SUFFIX, OCCASION_PATTERN,  # noqa: F401
                                       RAW_NAME, SCALE, STATEMENTS, TERMS, export_path, meta_path, occasion_key,
                                       occasions_between, parse_occasion, sorted_occasions, synthetic_input,
                                       without_identifiers)
from pipeline.errors import InputError

PROCESSED_META = datasets.SURVEY_SHARES.companions[0]  # survey_meta.json, beside the shares

STATEMENT_SHORT = {
    "bra_arbetssituation": "Bra arbetssituation",
    "gott_arbete": "Kan göra ett gott arbete",
    "rekommendera": "Kan rekommendera arbetsplatsen",
}
# The report's grouping (seed 002 rad 462): "mycket/ganska bra" positive, "varken eller"
# neutral, "ganska/mycket dåligt" negative.
ANSWER_GROUPS = {"positive": SCALE[:2], "neutral": SCALE[2:3], "negative": SCALE[3:]}
GROUP_OF_ANSWER = {answer: group for group, answers in ANSWER_GROUPS.items() for answer in answers}
CITY = "Hela staden"
GROUP_TYPES = ["city", "area", "administration"]
SHARE_COLUMNS = ["occasion", "statement", "group_type", "group", "n", "positive_share", "neutral_share",
                 "negative_share", "suppressed", "synthetic", lineage.COLUMN]


# ----------------------------------------------------------------------------- occasions

def occasions_from(first_year: int, count: int, first_term: str = "HT") -> list[str]:
    """``count`` consecutive occasions starting with ``first_term`` of ``first_year``."""
    terms = list(TERMS)
    year, index = first_year, terms.index(first_term)
    out = []
    for _ in range(count):
        out.append(f"{terms[index]}{year}")
        index += 1
        if index == len(terms):
            index, year = 0, year + 1
    return out


def occasion_words(occasion: str) -> str:
    """'HT' and a year → 'hösten' and the year, for running text."""
    year, term = parse_occasion(occasion)
    return f"{TERMS[term]} {year}"


def write_meta(directory: Path, synthetic: bool) -> Path:
    """``data/processed/survey_meta.json``: whether the shares come from synthetic answers.

    The same flag goes into the ``synthetic`` column of ``survey_shares.csv`` beside it, so that the CSV
    says it on every row even when it travels without the JSON. ``shares`` cannot know it (the build
    computes the datasets without I/O and learns where the answers came from when it writes them), so
    the flag is written here, where the JSON is, and the two cannot disagree.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    table = directory / datasets.SURVEY_SHARES.filename
    if table.exists():
        rows = datasets.load(datasets.SURVEY_SHARES.name, directory)
        datasets.write(datasets.SURVEY_SHARES, rows.assign(synthetic=bool(synthetic)), directory)
    target = directory / PROCESSED_META
    target.write_text(json.dumps({"synthetic": bool(synthetic)}) + "\n", encoding="utf-8")
    return target


def is_synthetic(processed_dir: str | Path | None = None) -> bool:
    """Whether the processed survey shares were computed from synthetic demonstration data."""
    datasets.check_declared(datasets.SURVEY_SHARES.name)
    path = datasets.resolve(processed_dir) / PROCESSED_META
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: run 'make report' first.")
    return bool(json.loads(path.read_text(encoding="utf-8"))["synthetic"])


# ----------------------------------------------------------------------------- shares

def shares(responses: pd.DataFrame, params, synthetic: bool | None = None,
           source: str = f"{RAW_NAME}.csv") -> pd.DataFrame:
    """Positive, neutral and negative shares per occasion × statement × group, small groups suppressed.

    Groups are the whole city, each area and each administration. A blank answer is left
    out of that statement's ``n``. Cells with fewer answers than
    ``params.survey_min_respondents`` are suppressed (shares and ``n`` empty), and so is
    the smallest further cell of a partition where the suppressed ones could otherwise be
    recovered from the city total (see ``_complementary``). ``synthetic`` fills the column of that name
    (empty when not given: ``write_meta`` sets it when the build writes the dataset).

    ``raw_rows`` names the lines of ``source`` (the export the build read) of every respondent of the
    occasion, the same for each cell of it. Not the group's own respondents: their lines, published
    beside a suppressed cell, would give it away (the city's lines minus the published groups' lines,
    or the same group's lines for another statement), and the occasion's lines tell no more than the
    city's published ``n``.
    """
    answers = without_identifiers(responses)
    if lineage.LINE not in answers.columns:
        answers[lineage.LINE] = pd.NA
    long = answers.melt(id_vars=["occasion", "administration", "area", lineage.LINE], value_vars=list(STATEMENTS),
                        var_name="statement", value_name="answer").dropna(subset=["answer"])
    long["answer_group"] = long["answer"].map(GROUP_OF_ANSWER)
    long["city"] = CITY
    occasion_lines = answers.groupby("occasion")[lineage.LINE].agg(lambda numbers: lineage.lines_of(source, numbers.dropna()))
    frames = []
    for group_type, column in [("city", "city"), ("area", "area"), ("administration", "administration")]:
        counts = (long.groupby(["occasion", "statement", column, "answer_group"]).size()
                  .unstack("answer_group").reindex(columns=list(ANSWER_GROUPS)).fillna(0).astype("int64"))
        counts = counts.reset_index().rename(columns={column: "group"})
        counts.columns.name = None
        counts["group_type"] = group_type
        frames.append(counts)
    cells = pd.concat(frames, ignore_index=True)
    cells["n"] = cells[list(ANSWER_GROUPS)].sum(axis=1)
    minimum = params.survey_min_respondents
    cells["suppressed"] = cells["n"] < minimum
    cells["suppressed"] = _complementary(cells, minimum)
    for group in ANSWER_GROUPS:
        cells[f"{group}_share"] = (cells[group] / cells["n"]).where(~cells["suppressed"]).astype("float64")
    cells["n"] = cells["n"].astype("Int64").mask(cells["suppressed"])
    cells[lineage.COLUMN] = cells["occasion"].map(occasion_lines).fillna("")
    cells["synthetic"] = pd.array([synthetic] * len(cells), dtype="boolean")
    return _ordered(cells)[SHARE_COLUMNS].reset_index(drop=True)


def _complementary(cells: pd.DataFrame, minimum: int) -> pd.Series:
    """Suppression widened so that no suppressed cell can be recovered by subtraction.

    The areas (and the administrations) of one occasion and statement add up to the city
    cell, which is published. One suppressed cell alone would equal the city minus the
    others, so within each such partition further cells (smallest first) are suppressed
    until at least two are and together they hold at least ``minimum`` answers.
    """
    suppressed = cells["suppressed"].copy()
    partitions = cells[cells["group_type"] != "city"].groupby(["occasion", "statement", "group_type"]).groups
    for index in partitions.values():
        part = cells.loc[index].sort_values(["n", "group"])
        hidden = suppressed.loc[part.index]
        while hidden.any() and (hidden.sum() < 2 or part.loc[hidden, "n"].sum() < minimum):
            candidates = part.index[~hidden.to_numpy()]
            if len(candidates) == 0:
                break
            hidden.loc[candidates[0]] = True
        suppressed.loc[part.index] = hidden
    return suppressed


def _ordered(cells: pd.DataFrame) -> pd.DataFrame:
    """Occasions in time order, statements and areas in the report's order, administrations in Swedish order."""
    def key(row) -> tuple:
        group = ((AREAS.index(row.group),) if row.group_type == "area" and row.group in AREAS
                 else fmt.sort_key(row.group))
        return (occasion_key(row.occasion), list(STATEMENTS).index(row.statement),
                GROUP_TYPES.index(row.group_type), group)

    keys = [key(row) for row in cells.itertuples()]
    return cells.iloc[sorted(range(len(cells)), key=keys.__getitem__)]


# ----------------------------------------------------------------------------- reading the shares

def occasions(shares_table: pd.DataFrame) -> list[str]:
    return sorted_occasions(shares_table["occasion"])


def published(shares_table: pd.DataFrame) -> pd.DataFrame:
    """The cells that are not suppressed, with their positive count recovered from share × n."""
    rows = shares_table[~shares_table["suppressed"].astype(bool)].copy()
    rows["n"] = rows["n"].astype("int64")
    rows["positive"] = (rows["positive_share"] * rows["n"]).round().astype("int64")
    return rows


def statement_series(shares_table: pd.DataFrame, statement: str, group_type: str = "city",
                     group: str = CITY) -> pd.DataFrame:
    """One statement's rows for one group, in time order (suppressed occasions included, empty)."""
    rows = shares_table[(shares_table["statement"] == statement) & (shares_table["group_type"] == group_type)
                        & (shares_table["group"] == group)].copy()
    rows["_key"] = rows["occasion"].map(occasion_key)
    return rows.sort_values("_key").drop(columns="_key").reset_index(drop=True)


def all_statements(shares_table: pd.DataFrame, group_type: str) -> pd.DataFrame:
    """Positive share over the three statements together, per occasion and group.

    Pooled as positive answers / answers. A group and occasion is left empty (suppressed)
    when any of its statement cells is, so the pooled figure never rests on a hidden cell.
    """
    rows = shares_table[shares_table["group_type"] == group_type]
    out = []
    for (occasion, group), cells in rows.groupby(["occasion", "group"], sort=False):
        hidden = bool(cells["suppressed"].astype(bool).any())
        if hidden:
            out.append({"occasion": occasion, "group": group, "n": pd.NA, "positive": pd.NA,
                        "positive_share": math.nan, "suppressed": True})
            continue
        cells = published(cells)
        out.append({"occasion": occasion, "group": group, "n": int(cells["n"].sum()),
                    "positive": int(cells["positive"].sum()),
                    "positive_share": cells["positive"].sum() / cells["n"].sum(), "suppressed": False})
    frame = pd.DataFrame(out, columns=["occasion", "group", "n", "positive", "positive_share", "suppressed"])
    frame["_key"] = frame["occasion"].map(occasion_key)
    return frame.sort_values(["_key"], kind="stable").drop(columns="_key").reset_index(drop=True)


def ranking(shares_table: pd.DataFrame, group_type: str = "administration") -> pd.DataFrame:
    """Groups ranked by their positive share over all occasions and statements, highest first.

    Computed from the published cells only (answer-weighted: positive answers / answers),
    so the ranking reveals nothing the per-occasion table hides. Groups with no
    published cell at all are left out; ``occasions`` says how many occasions count.
    """
    pooled = all_statements(shares_table, group_type)
    shown = pooled[~pooled["suppressed"]]
    grouped = shown.groupby("group").agg(n=("n", "sum"), positive=("positive", "sum"),
                                         occasions=("occasion", "nunique"))
    grouped["positive_share"] = grouped["positive"] / grouped["n"]
    grouped = grouped.reset_index()
    grouped["_name"] = grouped["group"].map(fmt.sort_key)
    grouped = grouped.sort_values(["positive_share", "_name"], ascending=[False, True]).drop(columns="_name")
    return grouped[["group", "n", "positive", "positive_share", "occasions"]].reset_index(drop=True)


def groups_never_shown(shares_table: pd.DataFrame, group_type: str = "administration") -> list[str]:
    """Groups every cell of which is suppressed: the report names them without figures."""
    rows = shares_table[shares_table["group_type"] == group_type]
    hidden = rows.groupby("group")["suppressed"].apply(lambda s: bool(s.astype(bool).all()))
    return fmt.swedish_sorted(hidden[hidden].index)
