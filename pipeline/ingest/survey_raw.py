"""The survey export as the raw data holds it: statements, answer scale, areas, occasions, identifying columns.

Validation (this stage) checks the export against these lists and drops the identifying
columns right after; ``pipeline.process.survey`` counts the rest. The lists are defined here
once, and ``schemas`` takes the export's rules from them.
"""
import json
import re
from pathlib import Path

import pandas as pd

from pipeline import paths
from pipeline.errors import InputError
from pipeline.ingest import inputs

RAW_NAME = paths.SURVEY_RAW_NAME  # the raw file's name in schemas.RAW_FILES
EXPORT_VARIABLE = inputs.EXPORT_VARIABLE  # `make report SURVEY=path` sets it: run on the real export
META_SUFFIX = paths.SURVEY_META_SUFFIX  # beside the CSV: says whether the answers are synthetic

STATEMENTS = {
    "bra_arbetssituation": "Jag har en bra arbetssituation",
    "gott_arbete": "Jag känner att jag kan göra ett gott arbete",
    "rekommendera": "Jag kan rekommendera min arbetsplats till andra",
}
SCALE = ["Stämmer mycket bra", "Stämmer ganska bra", "Varken eller", "Stämmer ganska dåligt",
         "Stämmer mycket dåligt"]
AREAS = ["Barn och unga", "Ekonomiskt bistånd", "Missbruk", "Socialpsykiatri", "Funktionsnedsättning", "Äldre"]

TERMS = {"VT": "våren", "HT": "hösten"}  # spring term first within a year
OCCASION_PATTERN = r"^(VT|HT)[0-9]{4}$"

IDENTIFYING = ["respondent_id", "comment"]
LINE = "line"  # rawio.LINE (rawio imports the schemas, which import this module)
ANALYSED = ["occasion", "administration", "area", "profession", *STATEMENTS]


# ----------------------------------------------------------------------------- occasions

def parse_occasion(occasion: str) -> tuple[int, str]:
    """'HT' or 'VT' and a year → (year, term); anything else is a ValueError naming the expected form."""
    if not re.match(OCCASION_PATTERN, str(occasion)):
        raise ValueError(f"'{occasion}' is not an occasion: expected VT or HT followed by a four-digit year")
    return int(occasion[2:]), occasion[:2]


def occasion_key(occasion: str) -> tuple[int, int]:
    """Chronological sort key: year, then VT before HT."""
    year, term = parse_occasion(occasion)
    return year, list(TERMS).index(term)


def sorted_occasions(occasions) -> list[str]:
    return sorted(set(occasions), key=occasion_key)


def occasions_between(first_year: int, last_year: int) -> list[str]:
    """Every occasion of the years first_year…last_year: the valid values of the export's column."""
    return [f"{term}{year}" for year in range(first_year, last_year + 1) for term in TERMS]


# ----------------------------------------------------------------------------- input and metadata

def export_path(raw_dir: Path = paths.RAW, environ=None) -> Path:
    """Where the survey export is read from: ``$SURVEY_EXPORT`` when set and not empty, else data/raw/.

    The Makefile passes ``SURVEY_EXPORT=$(SURVEY)``, which is empty when no export is
    named, so an empty value means the committed (synthetic) file.
    """
    export = inputs.export_path(environ)
    return export if export is not None else Path(raw_dir) / f"{RAW_NAME}.csv"


def meta_path(csv_path: Path) -> Path:
    """``survey_responses.csv`` → ``survey_responses.meta.json`` in the same directory."""
    csv_path = Path(csv_path)
    return csv_path.with_name(csv_path.stem + META_SUFFIX)


def synthetic_input(csv_path: Path, meta_bytes: bytes | None = None, read: bool = True) -> bool:
    """Whether the export at ``csv_path`` is synthetic, from the meta file beside it.

    No meta file means a real export: only the demo generator writes one, and it always
    says ``"synthetic": true``. A build passes the meta file's bytes as it read them
    (``meta_bytes``, None when there is none, with ``read=False``).
    """
    path = meta_path(csv_path)
    if read:
        meta_bytes = path.read_bytes() if path.exists() else None
    if meta_bytes is None:
        return False
    where = path.name if csv_path.parent != paths.RAW else paths.relative(path)
    try:
        meta = json.loads(meta_bytes.decode("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{where}: not readable as JSON in UTF-8 ({exc}); it should hold "
                         '{"synthetic": true, …} or be removed for a real export.') from None
    if not isinstance(meta, dict) or not isinstance(meta.get("synthetic"), bool):
        raise InputError(f"{where}: expected a key \"synthetic\" with the value true or false; "
                         "remove the file if the CSV beside it is the real export.")
    return meta["synthetic"]




def without_identifiers(responses: pd.DataFrame) -> pd.DataFrame:
    """Only the columns that are counted, and each row's line in the file (rawio's ``line``): no respondent
    id, no free text. The line stays so that a published share can name the rows it counts (``raw_rows``);
    it identifies no one without the export itself."""
    return responses[ANALYSED + [c for c in [LINE] if c in responses.columns]].copy()
