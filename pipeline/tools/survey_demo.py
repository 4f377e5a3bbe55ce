"""Synthetic demonstration answers for the employee survey, with the real export's schema.

The city's respondent-level export is not public (the survey was not anonymous), and
the report publishes only its findings in prose (seed 002 rad 462–470). So that the
survey section can be built, read and tested, this module invents answers that have the
export's columns and rules and reproduce those findings:

- a majority is positive to every statement at every occasion, city-wide and in every
  area (rad 464);
- the positive share rises a little at each occasion and at the last one is back at the
  first one's level (rad 464);
- the share who would recommend their workplace falls a little over time (rad 464);
- Missbruk, unlike the other areas, is better at the last occasion than the one before
  (rad 470);
- Skarpnäck has the lowest positive share, Hässelby-Vällingby and Bromma are among the
  lowest, Norrmalm, Rinkeby-Kista and Kungsholmen among the highest (rad 470).

Every answer comes from a fixed-seed generator, so ``python -m pipeline.tools.survey_demo``
rewrites ``data/raw/survey_responses.csv`` and its ``.meta.json`` byte for byte (a test
checks this). The meta file says ``"synthetic": true``, and the report labels every
table and diagram built from it. Occasions are counted from report.yml's
``survey_start``; no year is written here.
"""
import argparse
import csv
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline import config, paths
from pipeline.process import survey
from pipeline.ingest.schemas import SURVEY_RESPONSES

SEED = 8468
OCCASION_COUNT = 5       # HT of survey_start, then VT/HT of the two following years
FIRST_TERM = "HT"

# Staff per administration (socialsekreterare, biståndshandläggare), close to the sizes the
# report's district sections and turnover tables give. Äldreförvaltningen, with about one
# biståndshandläggare in the turnover table, has no respondents in the demo.
STAFF = {
    "Bromma": (62, 44), "Enskede-Årsta-Vantör": (150, 72), "Farsta": (84, 32),
    "Hägersten-Liljeholmen": (84, 53), "Hässelby-Vällingby": (165, 60), "Kungsholmen": (36, 29),
    "Norrmalm": (32, 30), "Rinkeby-Kista": (136, 34), "Skarpnäck": (70, 31), "Skärholmen": (102, 33),
    "Spånga-Tensta": (100, 28), "Södermalm": (115, 70), "Älvsjö": (32, 20), "Östermalm": (55, 35),
    "Socialförvaltningen": (205, 9), "Äldreförvaltningen": (0, 0),
}
# How each administration's staff differ from the city on the latent scale (0 = as the city).
ADMINISTRATION_EFFECT = {
    "Skarpnäck": -0.36, "Hässelby-Vällingby": -0.22, "Bromma": -0.22, "Skärholmen": -0.08,
    "Farsta": -0.05, "Spånga-Tensta": -0.03, "Enskede-Årsta-Vantör": 0.0, "Södermalm": 0.02,
    "Hägersten-Liljeholmen": 0.04, "Socialförvaltningen": 0.03, "Äldreförvaltningen": 0.0,
    "Älvsjö": 0.06, "Östermalm": 0.08, "Kungsholmen": 0.30, "Rinkeby-Kista": 0.30, "Norrmalm": 0.34,
}
# Share of staff who answer at an occasion. Two districts' units were mostly not reached at
# the second occasion, which leaves cells below the suppression threshold.
PARTICIPATION = 0.47
LOW_PARTICIPATION = {("Spånga-Tensta", 1): 0.03, ("Älvsjö", 1): 0.07}
LEAVING = 0.08           # share of staff replaced between two occasions

# Areas by profession (weights) and, for Socialförvaltningen, its own mix of units.
AREA_MIX = {
    "socialsekreterare": {"Barn och unga": 0.44, "Ekonomiskt bistånd": 0.30, "Missbruk": 0.13,
                          "Socialpsykiatri": 0.08, "Funktionsnedsättning": 0.05},
    "biståndshandläggare": {"Äldre": 0.74, "Funktionsnedsättning": 0.21, "Socialpsykiatri": 0.05},
}
CENTRAL_AREA_MIX = {"socialsekreterare": {"Barn och unga": 0.40, "Missbruk": 0.35, "Ekonomiskt bistånd": 0.25}}

# Latent scale: answer = base + shifts + person + noise (standard normal); cut points below.
BASE = {"bra_arbetssituation": 0.48, "gott_arbete": 0.78, "rekommendera": 0.64}
OCCASION_SHIFT = {  # by occasion index: up for three occasions, back at the last
    "bra_arbetssituation": [0.0, 0.12, 0.24, 0.36, 0.02],
    "gott_arbete": [0.0, 0.11, 0.22, 0.33, 0.02],
    "rekommendera": [0.0, -0.05, -0.10, -0.15, -0.20],
}
AREA_SHIFT = {"Barn och unga": -0.12, "Ekonomiskt bistånd": -0.05, "Missbruk": 0.0, "Socialpsykiatri": 0.08,
              "Funktionsnedsättning": 0.08, "Äldre": 0.05}
AREA_OCCASION_SHIFT = {"Missbruk": [0.0, -0.04, -0.06, -0.10, 0.30]}  # better at the last occasion
PERSON_SD = 0.55
CUTS = [1.1, 0.0, -0.45, -1.3]  # above 1.1 "mycket bra", above 0 "ganska bra", …
BLANK = 0.012            # chance that one answer is left blank
COMMENTED = 0.03         # chance that a row has a comment
COMMENTS = [
    "Hög arbetsbelastning just nu, många nya ärenden.",
    "Bra stöd från närmaste chef.",
    "Saknar tid för dokumentation.",
    "Trivs med kollegorna, men lokalerna är trånga.",
    "Den administrativa hjälpen har gjort stor skillnad.",
    "Många vakanser i gruppen, det märks.",
    "Introduktionen var bra.",
    "Vill ha mer ärendehandledning.",
]


def administrations(raw_dir: Path = paths.RAW) -> list[str]:
    """The administrations that employ respondents: districts and central ones, from the reference list."""
    reference = pd.read_csv(raw_dir / "administrations.csv", dtype=str, keep_default_na=False)
    names = reference.loc[reference["type"].isin(["district", "central"]), "name"].tolist()
    unknown = sorted(set(STAFF) - set(names))
    if unknown or set(names) - set(STAFF):
        raise ValueError(f"survey_demo.STAFF must name exactly the districts and central administrations of "
                         f"administrations.csv; differing: {sorted(set(names) ^ set(STAFF))}")
    return names


def _answer(latent: np.ndarray) -> np.ndarray:
    index = np.searchsorted(-np.array(CUTS), -latent, side="right")
    return np.array(survey.SCALE, dtype=object)[index]


def generate(survey_start: int, names: list[str], seed: int = SEED) -> pd.DataFrame:
    """The synthetic export: one row per respondent and occasion, in the raw file's columns."""
    rng = np.random.default_rng(seed)
    occasions = survey.occasions_from(survey_start, OCCASION_COUNT, FIRST_TERM)
    id_numbers = iter(rng.permutation(np.arange(1, 100_000)))

    def hire(name: str, profession: str) -> dict:
        mix = (CENTRAL_AREA_MIX if name == "Socialförvaltningen" and profession in CENTRAL_AREA_MIX
               else AREA_MIX)[profession]
        area = rng.choice(list(mix), p=np.array(list(mix.values())) / sum(mix.values()))
        return {"respondent_id": f"R{next(id_numbers):05d}", "administration": name, "profession": profession,
                "area": str(area), "person": rng.normal(0.0, PERSON_SD)}

    staff = [hire(name, profession) for name in names
             for profession, size in zip(["socialsekreterare", "biståndshandläggare"], STAFF[name])
             for _ in range(size)]
    rows = []
    for index, occasion in enumerate(occasions):
        if index:
            staff = [hire(p["administration"], p["profession"]) if rng.random() < LEAVING else p for p in staff]
        for person in staff:
            share = LOW_PARTICIPATION.get((person["administration"], index), PARTICIPATION)
            if rng.random() >= share:
                continue
            row = {"respondent_id": person["respondent_id"], "occasion": occasion,
                   "administration": person["administration"], "area": person["area"],
                   "profession": person["profession"]}
            for statement in survey.STATEMENTS:
                latent = (BASE[statement] + OCCASION_SHIFT[statement][index] + AREA_SHIFT[person["area"]]
                          + AREA_OCCASION_SHIFT.get(person["area"], [0.0] * OCCASION_COUNT)[index]
                          + ADMINISTRATION_EFFECT[person["administration"]] + person["person"] + rng.normal())
                row[statement] = "" if rng.random() < BLANK else str(_answer(np.array([latent]))[0])
            row["comment"] = str(rng.choice(COMMENTS)) if rng.random() < COMMENTED else ""
            rows.append(row)
    frame = pd.DataFrame(rows, columns=SURVEY_RESPONSES.column_names)
    frame["_order"] = frame["occasion"].map(survey.occasion_key)
    return frame.sort_values(["_order", "respondent_id"]).drop(columns="_order").reset_index(drop=True)


def csv_text(frame: pd.DataFrame) -> str:
    """The file as the pipeline reads it: UTF-8, comma-separated, LF line ends, quotes only where needed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(SURVEY_RESPONSES.column_names)
    writer.writerows(frame[SURVEY_RESPONSES.column_names].itertuples(index=False, name=None))
    return buffer.getvalue()


def meta(seed: int = SEED) -> dict:
    return {
        "synthetic": True,
        "description": ("Synthetic demonstration data with the schema of the city's survey export: invented "
                        "answers of invented respondents, calibrated to reproduce the findings the report "
                        "publishes in prose (seed 002, rad 464 and 470). Not real answers."),
        "generator": "pipeline/tools/survey_demo.py",
        "seed": seed,
    }


def write(directory: Path = paths.RAW, survey_start: int | None = None, seed: int = SEED) -> list[Path]:
    """Write ``survey_responses.csv`` and ``survey_responses.meta.json`` into ``directory``."""
    survey_start = config.load().survey_start if survey_start is None else survey_start
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / SURVEY_RESPONSES.filename
    frame = generate(survey_start, administrations(), seed)
    target.write_bytes(csv_text(frame).encode("utf-8"))
    meta_target = survey.meta_path(target)
    meta_target.write_bytes((json.dumps(meta(seed), ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return [target, meta_target]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m pipeline.tools.survey_demo", description=__doc__.split("\n")[0])
    parser.add_argument("--directory", type=Path, default=paths.RAW, help="where to write (default data/raw/)")
    args = parser.parse_args(argv)
    for path in write(args.directory):
        print(f"wrote {paths.relative(path)}")


if __name__ == "__main__":
    main()
