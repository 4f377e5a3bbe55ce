"""The processed datasets: their files, columns, dtypes and meanings, and a loader.

This registry is what ``pipeline.load`` reads with, what the data dictionary documents
and what the build writes, so a column exists in one place only.
"""
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline import paths


@dataclass(frozen=True)
class Field:
    name: str
    dtype: str  # pandas dtype: "string", "Int64", "float64", "boolean"
    meaning: str
    unit: str = ""


@dataclass(frozen=True)
class Dataset:
    name: str
    filename: str
    description: str
    fields: list[Field]
    companions: tuple[str, ...] = ()  # files beside it that belong to it (read with it, hashed with it)
    key: tuple[str, ...] = ()  # the columns that name a row: make diff matches two editions' rows by them

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]


def raw_rows(what: str = "") -> Field:
    """The lineage column every processed dataset ends with (``pipeline.process.lineage``)."""
    return Field("raw_rows", "string",
                 "Which raw rows the row was computed from, as file:lines (e.g. 'turnover.csv:14-16,20'; several "
                 "files joined with '; '): the file in data/raw/ (or the survey export the build read) and the line "
                 "numbers a text editor shows, the header being line 1 (an .xlsx export: the sheet's row). "
                 "Lineage, not a figure: make diff and the workbook leave it out." + (" " + what if what else ""))


TURNOVER = Dataset(
    "turnover", "turnover.csv",
    "Turnover per profession, administration and year; all-districts rows computed from the districts.",
    [
        Field("profession", "string", "biståndshandläggare or socialsekreterare."),
        Field("administration", "string", "Administration as the report spells it; 'Stadsdelar total' for all districts."),
        Field("administration_type", "string", "district, all_districts (computed sum of districts) or central."),
        Field("year", "Int64", "Year the employments ended in.", "year"),
        Field("ended", "Int64", "Permanent employments that ended during the year.", "persons"),
        Field("headcount", "Int64", "Permanent employees on 31 December of the year before.", "persons"),
        Field("rate", "float64", "ended / headcount; empty where headcount is 0.", "fraction (0.132 = 13,2 %)"),
        raw_rows("A district or central row: its own line; an all-districts row: the lines of the district "
                 "rows summed."),
    ],
    key=("profession", "administration", "year"))

TURNOVER_PUBLISHED_TOTALS = Dataset(
    "turnover_published_totals", "turnover_published_totals.csv",
    "Each published 'Stadsdelar total' cell beside the sum of the districts.",
    [
        Field("profession", "string", "biståndshandläggare or socialsekreterare."),
        Field("year", "Int64", "Year.", "year"),
        Field("ended_published", "Int64", "Ended, as printed in the total row.", "persons"),
        Field("headcount_published", "Int64", "Headcount, as printed in the total row.", "persons"),
        Field("ended_computed", "Int64", "Ended, summed over the districts.", "persons"),
        Field("headcount_computed", "Int64", "Headcount, summed over the districts.", "persons"),
        Field("agrees", "boolean", "True when both printed cells equal the sums."),
        raw_rows("The published total row's line and the lines of the district rows summed."),
    ],
    key=("profession", "year"))

DATASETS = {d.name: d for d in [TURNOVER, TURNOVER_PUBLISHED_TOTALS]}


def register(dataset: Dataset) -> Dataset:
    DATASETS[dataset.name] = dataset
    return dataset


def write(dataset: Dataset, frame: pd.DataFrame, directory: Path) -> Path:
    """Write a processed table: its registered columns in order, LF line ends, stable float text."""
    missing = [c for c in dataset.columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{dataset.name}: the frame lacks the registered columns {missing}")
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / dataset.filename
    frame[dataset.columns].to_csv(target, index=False, lineterminator="\n", float_format="%.10g")
    return target


# While the build executes a notebook, this variable lists the datasets its run declares
# (pipeline/build/sections.py); reading any other one is refused, because the run would not be
# redone when that dataset changes. Unset (a researcher's session), every dataset is open.
DECLARED_VARIABLE = "PIPELINE_RUN_READS"


def check_declared(name: str) -> None:
    """Refuse a read the running notebook's run does not declare (only while the build executes it)."""
    declared = os.environ.get(DECLARED_VARIABLE)
    if declared is not None and name not in declared.split(","):
        raise PermissionError(
            f"this notebook reads the dataset '{name}', which its run in pipeline/build/sections.py does not list "
            f"in reads= (it lists: {declared or 'nothing'}); add '{name}' there, so that the notebook is "
            "rerun when that dataset changes.")


def files(names, directory: Path) -> list[Path]:
    """The processed files of the named datasets, companions included: what a run's result depends on."""
    out = []
    for name in names:
        dataset = DATASETS[name]
        out += [directory / dataset.filename] + [directory / c for c in dataset.companions]
    return out


def resolve(processed_dir: str | Path | None = None) -> Path:
    """The processed directory: as given, else relative to the project root, else the published one.

    A notebook executed by the build gets a path relative to the build tree; opened later
    in JupyterLab from ``output/notebooks/`` the same relative path resolves against the
    project root, so a researcher rerunning it reads the published ``data/processed/``.
    """
    if processed_dir is None:
        return paths.PROCESSED
    directory = Path(processed_dir)
    if directory.is_absolute() or directory.exists():
        return directory
    return paths.ROOT / directory


def load(name: str, processed_dir: str | Path | None = None) -> pd.DataFrame:
    """A processed table as a DataFrame with its documented dtypes.

    >>> turnover = load("turnover")   # doctest: +SKIP
    """
    if name not in DATASETS:
        raise KeyError(f"unknown dataset '{name}'; available: {', '.join(sorted(DATASETS))}")
    check_declared(name)
    dataset = DATASETS[name]
    path = resolve(processed_dir) / dataset.filename
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: run 'make report' (or 'make process') first.")
    frame = pd.read_csv(path, dtype={f.name: ("string" if f.dtype == "string" else "object") for f in dataset.fields},
                        keep_default_na=False, na_values=[""])
    for field in dataset.fields:
        if field.dtype == "string":
            frame[field.name] = frame[field.name].astype("string")
        elif field.dtype == "boolean":
            frame[field.name] = frame[field.name].map({"True": True, "False": False}).astype("boolean")
        else:
            frame[field.name] = pd.to_numeric(frame[field.name]).astype(field.dtype)
    return frame[dataset.columns]

ADMINISTRATIONS = register(Dataset(
    "administrations", "administrations.csv",
    "The reference list of administrations, passed through from data/raw/administrations.csv.",
    [
        Field("name", "string", "Administration exactly as the report spells it."),
        Field("slug", "string", "ASCII name used in file names and links."),
        Field("type", "string", "district, all_districts or central."),
        Field("table_order", "Int64", "Row order in the report's turnover tables."),
        raw_rows("The row's own line."),
    ],
    key=("name",)))

CONSULTANTS = register(Dataset(
    "consultants", "consultants.csv",
    "Consultants working in the administrations on a day in April and in November.",
    [
        Field("year", "Int64", "Year of the count.", "year"),
        Field("month", "string", "april or november."),
        Field("consultants", "Int64", "Consultants counted that day.", "persons"),
        raw_rows("The row's own line."),
    ],
    key=("year", "month")))

RESEARCHER_RESPONDENTS = register(Dataset(
    "researcher_respondents", "researcher_respondents.csv",
    "Respondents to the researcher's questionnaire by area and by role; totals recomputed.",
    [
        Field("dimension", "string", "area or role."),
        Field("category", "string", "Area (Okänt, BOU, Ek, Funk, Psyk, Vuxen, Äldre) or role (chefer, medarbetare)."),
        Field("count", "Int64", "Respondents.", "persons"),
        Field("share", "float64", "count / sum of the dimension's counts.", "fraction"),
        raw_rows("The row's own line; the share's denominator is the other rows of its dimension."),
    ],
    key=("dimension", "category")))

RESEARCHER_MENTIONS = register(Dataset(
    "researcher_mentions", "researcher_mentions.csv",
    "The six ranked tables by action-plan point, with shares computed from the rows.",
    [
        Field("question", "string", "kommit_langst (progressed furthest) or storsta_behov (greatest need)."),
        Field("alternative", "Int64", "1, 2 or 3: which of the three named areas the table counts."),
        Field("point", "string", "Action-plan point 1…13, övrigt or ej_svar."),
        Field("label", "string", "The point's label (data/raw/action_plan_points.csv), Övrigt or Ej svar."),
        Field("count", "Int64", "Respondents naming the point (a blank printed cell counts as 0).", "respondents"),
        Field("share", "float64", "count / sum of the table's rows.", "fraction"),
        raw_rows("The row's own line; the share's denominator is the other rows of its table."),
    ],
    key=("question", "alternative", "point")))

RESEARCHER_POINT_TOTALS = register(Dataset(
    "researcher_point_totals", "researcher_point_totals.csv",
    "Mentions of each point summed over alternatives 1–3 (Ej svar left out).",
    [
        Field("question", "string", "kommit_langst or storsta_behov."),
        Field("point", "string", "Action-plan point 1…13 or övrigt."),
        Field("label", "string", "The point's label."),
        Field("mentions", "Int64", "Times the point was named as alternative 1, 2 or 3.", "mentions"),
        raw_rows("The lines of the mention rows summed."),
    ],
    key=("question", "point")))

RESEARCHER_TABLE_TOTALS = register(Dataset(
    "researcher_table_totals", "researcher_table_totals.csv",
    "Each ranked table's printed Total beside the sum of its rows.",
    [
        Field("question", "string", "kommit_langst or storsta_behov."),
        Field("alternative", "Int64", "1, 2 or 3."),
        Field("printed_total", "Int64", "Total as printed.", "respondents"),
        Field("computed_total", "Int64", "Sum of the table's rows.", "respondents"),
        raw_rows("The printed Total's line and the lines of the rows summed."),
    ],
    key=("question", "alternative")))

RESEARCHER_OPEN_ANSWERS = register(Dataset(
    "researcher_open_answers", "researcher_open_answers.csv",
    "Coded open answers: times each theme was named.",
    [
        Field("question", "string", "Question id (skillnad_egen_arbetssituation, skillnad_medarbetare, skillnad_klienter)."),
        Field("category", "string", "Theme as the researcher headed it."),
        Field("count", "Int64", "Times named.", "mentions"),
        raw_rows("The row's own line."),
    ],
    key=("question", "category")))

RECONCILIATION = register(Dataset(
    "reconciliation", "reconciliation.csv",
    "Every published figure beside the same figure recomputed from the raw data.",
    [
        Field("check_id", "string", "The claim's id in data/raw/published_claims.csv."),
        Field("description", "string", "The quote, and what was recomputed or why it could not be."),
        Field("source", "string", "Document and passage of the published figure."),
        Field("published", "float64", "The figure as published, in the unit the report prints (per cent as 5.2)."),
        Field("computed", "float64", "The recomputed figure in the same unit; empty when not checkable."),
        Field("status", "string", "ok, mismatch or not_checkable."),
        raw_rows("The claim's line in published_claims.csv, and the raw rows of the processed rows it was "
                 "recomputed from (for a share also its table's or dimension's rows)."),
    ],
    key=("check_id",)))

DISTRICT_FACTS = register(Dataset(
    "district_facts", "district_facts.csv",
    "Each district section's opening facts, in the report's units (staff counts differ in date and definition from the turnover tables).",
    [
        Field("administration", "string", "District."),
        Field("inhabitants", "Int64", "Inhabitants.", "persons"),
        Field("under_20_pct", "float64", "Share of inhabitants under 20.", "per cent (24.5 = 24,5 %)"),
        Field("over_65_pct", "float64", "Share of inhabitants over 65.", "per cent"),
        Field("ohalsotal_days", "float64", "Ohälsotal: days of sickness benefit per person and year.", "days"),
        Field("ekonomiskt_bistand_pct", "float64", "Share of inhabitants receiving social assistance.", "per cent"),
        Field("socialsekreterare", "Int64", "Permanently employed socialsekreterare, as the section states it.", "persons"),
        Field("bistandshandlaggare", "Int64", "Permanently employed biståndshandläggare, as the section states it.", "persons"),
        Field("approximate", "string", "Columns the report prefixes with 'ca', separated by ';'."),
        raw_rows("The row's own line."),
    ],
    key=("administration",)))

SURVEY_SHARES = register(Dataset(
    "survey_shares", "survey_shares.csv",
    "Employee survey (Bilaga 3): shares of positive, neutral and negative answers per occasion, statement and "
    "group. No respondent-level data; groups with fewer answers than report.yml's survey_min_respondents are "
    "suppressed, and so is a further cell wherever a suppressed one could be recovered from the city total. "
    "Whether the answers were synthetic is in the last column, synthetic, and in survey_meta.json beside this file.",
    [
        Field("occasion", "string", "Survey occasion: VT (spring) or HT (autumn) and the year (HT followed by four digits)."),
        Field("statement", "string", "Statement id: bra_arbetssituation, gott_arbete or rekommendera "
                                     "(texts in pipeline/ingest/survey_raw.py STATEMENTS)."),
        Field("group_type", "string", "city (all respondents), area (verksamhetsområde) or administration."),
        Field("group", "string", "'Hela staden', the area, or the administration as the report spells it."),
        Field("n", "Int64", "Answers to the statement in the group (blank answers left out); empty when "
                            "suppressed, so that a small count is not revealed either.", "answers"),
        Field("positive_share", "float64", "Share answering 'Stämmer mycket bra' or 'Stämmer ganska bra'; "
                                           "empty when suppressed.", "fraction (0.62 = 62 %)"),
        Field("neutral_share", "float64", "Share answering 'Varken eller'; empty when suppressed.",
              "fraction"),
        Field("negative_share", "float64", "Share answering 'Stämmer ganska dåligt' or 'Stämmer mycket dåligt'; "
                                           "empty when suppressed.", "fraction"),
        Field("suppressed", "boolean", "True when the cell is not published (too few answers, or needed to "
                                       "protect another suppressed cell)."),
        Field("synthetic", "boolean", "True on every row when the shares were computed from synthetic "
                                      "demonstration answers (pipeline/tools/survey_demo.py), not from the city's "
                                      "export; the same flag as survey_meta.json."),
        raw_rows("The lines of the group's respondents who answered the statement on the occasion; empty when "
                 "suppressed (the number of lines would give the hidden n away)."),
    ],
    companions=("survey_meta.json",),
    key=("occasion", "statement", "group_type", "group")))

ACTION_PLAN_POINTS = register(Dataset(
    "action_plan_points", "action_plan_points.csv",
    "The 13 points of the action plan, passed through from data/raw/action_plan_points.csv.",
    [
        Field("point", "Int64", "Point number, 1…13."),
        Field("label", "string", "The point as the researcher's tables name it."),
        raw_rows("The row's own line."),
    ],
    key=("point",)))

REINFORCEMENT_TEAM_SURVEY = register(Dataset(
    "reinforcement_team_survey", "reinforcement_team_survey.csv",
    "The förstärkningsteam's evaluation survey to caseworkers: each printed share beside the whole numbers of "
    "respondents it can stand for (the report gives no counts).",
    [
        Field("item", "string", "Id of the printed figure (data/raw/reinforcement_team_survey.csv)."),
        Field("group", "string", "years (years in the job) or answers (the other questions)."),
        Field("label", "string", "What the share counts, in the report's words."),
        Field("qualifier", "string", "'ca' or 'över' as printed before the share; empty when none."),
        Field("printed_percent", "string", "The share exactly as printed, decimal comma kept ('23,' lost its decimal)."),
        Field("digit_lost", "boolean", "True when the print lost the share's decimal digit."),
        Field("respondents", "Int64", "Respondents, as printed.", "persons"),
        Field("count_min", "Int64", "Smallest whole count whose share gives the printed figure; empty when none does.",
              "persons"),
        Field("count_max", "Int64", "Largest such count; empty when none does.", "persons"),
        Field("count", "Int64", "The count when exactly one fits; else empty.", "persons"),
        Field("percent", "float64", "count / respondents, rounded half up to one decimal; empty without a count.",
              "per cent (23.3 = 23,3 %)"),
        Field("possible", "boolean", "False when no whole count of the respondents gives the printed share."),
        raw_rows("The share's line and the line giving the number who answered."),
    ],
    key=("item",)))

KEY_FIGURES = register(Dataset(
    "key_figures", "key_figures.csv",
    "The key figures of the work with the action plan: each a published claim, with the audit's verdict.",
    [
        Field("position", "Int64", "Order in the key-figures box."),
        Field("check_id", "string", "The claim's id in data/raw/published_claims.csv."),
        Field("label", "string", "What the figure counts (Swedish)."),
        Field("qualifier", "string", "The word the report puts before the number ('närmare'); empty when none."),
        Field("published", "float64", "The figure as published."),
        Field("document", "string", "Seed document: 002 (the report) or 003 (Bilaga 4)."),
        Field("section", "string", "The section of the document that prints it."),
        Field("status", "string", "The reconciliation's verdict: ok, mismatch or not_checkable."),
        raw_rows("The claim's line in published_claims.csv, and the raw rows of the processed rows it was "
                 "recomputed from (for a share also its table's or dimension's rows)."),
    ],
    key=("check_id",)))
