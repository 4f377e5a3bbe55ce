"""Citations: which document and table each part of the report comes from.

The lines 'Källa: …' under tables and diagrams are built here, so that the name of a
document is written once (in ``report.yml``) and an auditor can go from a figure to its
raw file.
"""
from functools import lru_cache

from pipeline import config


@lru_cache(maxsize=1)
def _params():
    return config.load()


def __getattr__(name: str) -> str:
    """``sources.REPORT`` and ``sources.APPENDIX``: the cited documents, from report.yml."""
    if name == "REPORT":
        return _params().source_report
    if name == "APPENDIX":
        return _params().source_appendix
    raise AttributeError(name)


def turnover(profession: str) -> str:
    table = "Tabell 1" if profession == "biståndshandläggare" else "Tabell 2"
    return f"Stadsledningskontoret, i {_params().source_report}, {table}. Rådata: data/raw/turnover.csv."


def consultants() -> str:
    return f"Enkät till enhetschefer, i {_params().source_report}, Tabell 3. Rådata: data/raw/consultants.csv."


def district_facts(administration: str) -> str:
    return f"{_params().source_report}, avsnittet om {administration}. Rådata: data/raw/district_facts.csv."


def researcher(table: str, raw_file: str) -> str:
    return (f"{_params().source_appendix} ({table}), sammanfattad i {_params().source_report}. "
            f"Rådata: data/raw/{raw_file}.")
