"""The report's parameter file (``report.yml``), validated on load."""
from dataclasses import dataclass
from pathlib import Path

import yaml

from pipeline import paths
from pipeline.errors import InputError, suggestion


@dataclass(frozen=True)
class ReportParams:
    title: str
    publisher: str
    diarienummer: str
    action_plan_start: int
    series_start: int
    reference_year: int
    survey_min_respondents: int
    survey_start: int
    source_report: str
    source_appendix: str


_KINDS = {
    "title": str,
    "publisher": str,
    "diarienummer": str,
    "action_plan_start": int,
    "series_start": int,
    "reference_year": int,
    "survey_min_respondents": int,
    "survey_start": int,
    "source_report": str,
    "source_appendix": str,
}


def load(path: Path = paths.REPORT_PARAMS) -> ReportParams:
    """Read and check the parameter file; every problem names the key and what to fix."""
    where = paths.relative(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except FileNotFoundError:
        raise InputError(f"{where}: the report's parameter file is missing.") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(f"{where}: not readable as YAML in UTF-8: {exc}") from None
    if not isinstance(data, dict):
        raise InputError(f"{where}: expected 'key: value' lines, found {type(data).__name__}.")
    for key in data:
        if key not in _KINDS:
            raise InputError(
                f"{where}, line {_line(text, key)}: unknown key '{key}'{suggestion(key, list(_KINDS))}; "
                f"valid keys are: {', '.join(_KINDS)}."
            )
    for key, kind in _KINDS.items():
        if key not in data:
            raise InputError(f"{where}: required key '{key}' is missing.")
        value = data[key]
        if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
            raise InputError(f"{where}, line {_line(text, key)}: '{key}' is {value!r}; it must be a whole number.")
        if kind is str and not (isinstance(value, str) and value.strip()):
            raise InputError(f"{where}, line {_line(text, key)}: '{key}' is {value!r}; it must be non-empty text.")
    params = ReportParams(**data)
    if params.survey_min_respondents < 1:
        raise InputError(f"{where}: 'survey_min_respondents' must be at least 1.")
    if not params.series_start <= params.action_plan_start <= params.reference_year:
        raise InputError(
            f"{where}: expected series_start ≤ action_plan_start ≤ reference_year, got "
            f"{params.series_start}, {params.action_plan_start}, {params.reference_year}."
        )
    return params


def _line(text: str, key: str) -> int | str:
    """The line where ``key:`` is set, for messages."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.split(":", 1)[0].strip() == str(key) and not line.lstrip().startswith("#"):
            return number
    return "?"
