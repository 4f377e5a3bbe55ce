"""Validated raw tables → the tidy processed datasets under ``data/processed/``."""
from pathlib import Path

import pandas as pd

from pipeline import datasets, turnover
from pipeline.config import ReportParams


def build(tables: dict[str, pd.DataFrame], params: ReportParams) -> dict[str, pd.DataFrame]:
    """Every processed dataset, computed from the validated raw tables; no I/O."""
    administrations = tables["administrations"]
    turnover_rows = turnover.tidy(tables["turnover"], administrations)
    totals = turnover.published_total_checks(tables["turnover"], turnover_rows, administrations)
    return {
        "administrations": administrations,
        "turnover": turnover_rows,
        "turnover_published_totals": totals,
    }


def write_all(frames: dict[str, pd.DataFrame], directory: Path) -> list[Path]:
    return [datasets.write(datasets.DATASETS[name], frame, directory) for name, frame in frames.items()]
