"""Validated raw tables → the tidy processed datasets under ``data/processed/``."""
from pathlib import Path

import pandas as pd

from pipeline.process import audit, consultants, datasets, key_figures, reinforcement_team, researcher, survey, turnover
from pipeline.config import ReportParams


def build(tables: dict[str, pd.DataFrame], params: ReportParams) -> dict[str, pd.DataFrame]:
    """Every processed dataset, computed from the validated raw tables; no I/O."""
    administrations = tables["administrations"]
    turnover_rows = turnover.tidy(tables["turnover"], administrations)
    totals = turnover.published_total_checks(tables["turnover"], turnover_rows, administrations)
    mentions = researcher.mentions(tables["researcher_rankings"], tables["action_plan_points"])
    frames = {
        "administrations": administrations,
        "turnover": turnover_rows,
        "turnover_published_totals": totals,
        "consultants": consultants.tidy(tables["consultants"]),
        "researcher_respondents": researcher.respondents(tables["researcher_respondents"]),
        "researcher_mentions": mentions,
        "researcher_point_totals": researcher.point_totals(mentions),
        "researcher_table_totals": researcher.table_totals(tables["researcher_rankings"], mentions),
        "researcher_open_answers": researcher.open_answers(tables["researcher_open_answers"]),
        "district_facts": tables["district_facts"][datasets.DATASETS["district_facts"].columns],
        "survey_shares": survey.shares(tables["survey_responses"], params),
        "action_plan_points": tables["action_plan_points"][datasets.DATASETS["action_plan_points"].columns],
        "reinforcement_team_survey": reinforcement_team.shares(tables["reinforcement_team_survey"]),
    }
    frames["reconciliation"] = audit.reconcile(tables["published_claims"], frames)
    frames["key_figures"] = key_figures.key_figures(tables["published_claims"], frames["reconciliation"])
    return frames


def write_all(frames: dict[str, pd.DataFrame], directory: Path, synthetic_survey: bool) -> list[Path]:
    """Every dataset, and whether the survey shares rest on synthetic answers (for the notebooks and
    the title page; ``validation.synthetic`` tells it from the meta file the build read)."""
    written = [datasets.write(datasets.DATASETS[name], frame, directory) for name, frame in frames.items()]
    written.append(survey.write_meta(directory, synthetic_survey))
    return written
