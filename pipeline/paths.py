"""Every path the pipeline reads or writes, derived from this file's location.

Deriving paths from ``__file__`` lets the pipeline run from any working directory.
Build steps that write into a staging tree take the root of that tree as an argument;
the constants below name where published results live.
"""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"
PROCESSED = ROOT / "data" / "processed"
OUTPUT = ROOT / "output"
NOTEBOOKS = ROOT / "notebooks"
EXPECTATIONS = ROOT / "expectations"
REPORT_PARAMS = ROOT / "report.yml"
TEMPLATES = Path(__file__).resolve().parent / "present" / "templates"
SEEDS = ROOT.parent / "shared" / "seeds"
SURVEY_RAW_NAME = "survey_responses"  # the survey's raw file: survey_responses.csv (the committed demo)
SURVEY_META_SUFFIX = ".meta.json"  # beside a survey file: says whether its answers are synthetic
VALIDATION_RESULTS = "results.json"  # the validation summary, in output/validation/ beside GX's data docs


def relative(path: Path) -> str:
    """The path as a user sees it in messages: relative to the project root."""
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)
