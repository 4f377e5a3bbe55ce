"""Validated raw tables → the tidy processed datasets under ``data/processed/``."""
from pathlib import Path

import pandas as pd

from pipeline.ingest import schemas
from pipeline.process import (audit, consultants, datasets, key_figures, lineage, reinforcement_team, researcher,
                              survey, turnover)
from pipeline.config import ReportParams


def sources(export: Path | None = None) -> dict[str, str]:
    """Raw table name → the file name its ``raw_rows`` name: the file in data/raw/, or the survey
    export the build read in place of data/raw/survey_responses.csv (named with SURVEY=)."""
    names = {spec.name: spec.filename for spec in schemas.RAW_FILES}
    if export is not None:
        names[survey.RAW_NAME] = Path(export).name
    return names


def _passed_through(table: pd.DataFrame, name: str, source: str) -> pd.DataFrame:
    """A reference table published as it is, with each row's line."""
    return table[datasets.DATASETS[name].columns[:-1]].assign(**{lineage.COLUMN: lineage.per_row(table, source)})


def build(tables: dict[str, pd.DataFrame], params: ReportParams,
          files: dict[str, str] | None = None) -> dict[str, pd.DataFrame]:
    """Every processed dataset, computed from the validated raw tables.

    ``files`` names each raw table's file for ``raw_rows`` (``sources``: the build passes the survey
    export it read); by default the files of data/raw/.
    """
    files = files if files is not None else sources()
    administrations = tables["administrations"]
    turnover_rows = turnover.tidy(tables["turnover"], administrations, files["turnover"])
    totals = turnover.published_total_checks(tables["turnover"], turnover_rows, administrations, files["turnover"])
    rankings = files["researcher_rankings"]
    mentions = researcher.mentions(tables["researcher_rankings"], tables["action_plan_points"], rankings)
    frames = {
        "administrations": _passed_through(administrations, "administrations", files["administrations"]),
        "turnover": turnover_rows,
        "turnover_published_totals": totals,
        "consultants": consultants.tidy(tables["consultants"], files["consultants"]),
        "researcher_respondents": researcher.respondents(tables["researcher_respondents"],
                                                         files["researcher_respondents"]),
        "researcher_mentions": mentions,
        "researcher_point_totals": researcher.point_totals(mentions),
        "researcher_table_totals": researcher.table_totals(tables["researcher_rankings"], mentions, rankings),
        "researcher_open_answers": researcher.open_answers(tables["researcher_open_answers"],
                                                           files["researcher_open_answers"]),
        "district_facts": _passed_through(tables["district_facts"], "district_facts", files["district_facts"]),
        "survey_shares": survey.shares(tables["survey_responses"], params, source=files["survey_responses"]),
        "action_plan_points": _passed_through(tables["action_plan_points"], "action_plan_points",
                                              files["action_plan_points"]),
        "reinforcement_team_survey": reinforcement_team.shares(tables["reinforcement_team_survey"],
                                                               files["reinforcement_team_survey"]),
    }
    frames["reconciliation"] = audit.reconcile(tables["published_claims"], frames, files["published_claims"])
    frames["key_figures"] = key_figures.key_figures(tables["published_claims"], frames["reconciliation"])
    return frames


def write_all(frames: dict[str, pd.DataFrame], directory: Path, synthetic_survey: bool) -> list[Path]:
    """Every dataset, and whether the survey shares rest on synthetic answers (for the notebooks and
    the title page; ``validation.synthetic`` tells it from the meta file the build read)."""
    written = [datasets.write(datasets.DATASETS[name], frame, directory) for name, frame in frames.items()]
    written.append(survey.write_meta(directory, synthetic_survey))
    return written
