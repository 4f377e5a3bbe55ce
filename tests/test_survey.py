"""The survey section: shares that keep the report's published findings, and never a person in an output.

The findings are those of seed 002, rad 464 and 470; the committed demo data are calibrated
to reproduce them, and these tests read them back from the built ``survey_shares.csv``.
"""
import json
import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

import pipeline
from conftest import ROOT, run_pipeline
from pipeline.present import blocks, contents
from pipeline.process import survey
from pipeline.tools import survey_demo
from pipeline.ingest import validation

OCCASIONS = ["HT2016", "VT2017", "HT2017", "VT2018", "HT2018"]
LABEL = blocks.SYNTHETIC_LABEL


@pytest.fixture(scope="module")
def shares(built_project) -> pd.DataFrame:
    return pipeline.load("survey_shares", built_project / "data" / "processed")


def _pooled_city(shares: pd.DataFrame) -> list[float]:
    return survey.all_statements(shares, "city").set_index("occasion").loc[OCCASIONS, "positive_share"].tolist()


# ----------------------------------------------------------------------------- the published findings

def test_the_demo_covers_the_reports_five_occasions(shares):
    assert survey.occasions(shares) == OCCASIONS


def test_a_majority_is_positive_to_every_statement_at_every_occasion_citywide_and_in_every_area(shares):
    """'majoriteten … positivt inställda till samtliga påståenden vid samtliga mättillfällen, oavsett verksamhetsområde' (rad 464)."""
    cells = shares[shares["group_type"].isin(["city", "area"])]
    assert not cells["suppressed"].any()
    assert set(cells.loc[cells["group_type"] == "area", "group"]) == set(survey.AREAS)
    assert len(cells) == len(OCCASIONS) * len(survey.STATEMENTS) * (1 + len(survey.AREAS))
    assert (cells["positive_share"] > 0.5).all(), cells[cells["positive_share"] <= 0.5]


def test_the_positive_share_rises_at_each_occasion_and_is_back_at_the_first_level_at_the_last(shares):
    """'en något bättre arbetssituation för varje mätning, med undantag för den senaste … i nivå med den första' (rad 464)."""
    pooled = _pooled_city(shares)
    rising = pooled[:-1]
    assert all(a < b for a, b in zip(rising, rising[1:])), pooled
    assert rising[-1] - rising[0] < 0.10, "the rise is slight"
    assert pooled[-1] < pooled[-2]
    assert abs(pooled[-1] - pooled[0]) < 0.02, "the last occasion is at about the first one's level"


def test_the_share_who_would_recommend_their_workplace_falls_slightly_over_time(shares):
    """'Trots att majoriteten kan rekommendera sin arbetsplats … minskar andelen positiva svar något över tid' (rad 464)."""
    series = survey.statement_series(shares, "rekommendera").set_index("occasion").loc[OCCASIONS, "positive_share"]
    slope = np.polyfit(range(len(series)), series.to_numpy(), 1)[0]
    assert slope < 0
    assert series.iloc[-1] < series.iloc[0]
    assert 0 < series.iloc[0] - series.iloc[-1] < 0.10, "slightly"
    assert (series > 0.5).all(), "a majority still recommends it"


def test_missbruk_unlike_the_other_areas_is_better_at_the_last_occasion_than_the_one_before(shares):
    """'Ett undantag är området Missbruk … en bättre arbetssituation vid den senaste mätningen jämfört med mätningen före' (rad 470)."""
    wide = survey.all_statements(shares, "area").pivot(index="group", columns="occasion", values="positive_share")
    change = wide["HT2018"] - wide["VT2018"]
    assert change["Missbruk"] > 0
    assert (change.drop("Missbruk") < 0).all(), change
    situation = shares[(shares["statement"] == "bra_arbetssituation") & (shares["group"] == "Missbruk")]
    by_occasion = situation.set_index("occasion")["positive_share"]
    assert by_occasion["HT2018"] > by_occasion["VT2018"], "also on the statement 'Jag har en bra arbetssituation'"


def test_skarpnack_has_the_lowest_positive_share_over_all_occasions(shares):
    """'Skarpnäck den förvaltning som genomgående har lägst andel positiva svar' (rad 470)."""
    assert survey.ranking(shares)["group"].iloc[-1] == "Skarpnäck"


def test_hasselby_vallingby_and_bromma_are_among_the_lowest(shares):
    """'följt av Hässelby-Vällingby och Bromma som återkommande har bland de lägsta andelarna' (rad 470)."""
    lowest = survey.ranking(shares)["group"].tolist()[-4:]
    assert {"Hässelby-Vällingby", "Bromma"} <= set(lowest), lowest


def test_norrmalm_rinkeby_kista_and_kungsholmen_are_among_the_highest(shares):
    """'de förvaltningar som mest återkommande har bland de högsta andelarna … Norrmalm, Rinkeby-Kista och Kungsholmen' (rad 470)."""
    highest = survey.ranking(shares)["group"].tolist()[:4]
    assert {"Norrmalm", "Rinkeby-Kista", "Kungsholmen"} <= set(highest), highest


def _without_descriptions(page: str) -> str:
    """The page's sentences as a reader reads them: each traced figure's value without its description."""
    page = re.sub(r'<span[^>]*\bclass="trace-note"[^>]*>.*?</span>', "", page)
    return re.sub(r'<span[^>]*\bclass="trace"[^>]*>([^<]*)</span>', r"\1", page)


def test_the_sentences_quote_the_computed_shares(built_project, shares):
    from pipeline import formatting as fmt

    page = _without_descriptions((built_project / "output" / "report.html").read_text(encoding="utf-8"))
    recommend = survey.statement_series(shares, "rekommendera")
    assert (f"I de syntetiska data gick andelen som kan rekommendera sin arbetsplats till andra från "
            f"{fmt.percent(recommend['positive_share'].iloc[0])} hösten 2016 till "
            f"{fmt.percent(recommend['positive_share'].iloc[-1])} hösten 2018") in page
    assert ("I de syntetiska data var en majoritet av de svarande positiv till vart och ett av de tre påståendena "
            "vid samtliga 5 mättillfällen") in page


# ----------------------------------------------------------------------------- suppression

def _responses(sizes: dict[str, int], answer: str = "Stämmer ganska bra") -> pd.DataFrame:
    rows = [{"respondent_id": f"{name[0]}{i}", "occasion": "HT2016", "administration": name, "area": "Äldre",
             "profession": "biståndshandläggare", "bra_arbetssituation": answer, "gott_arbete": answer,
             "rekommendera": answer, "comment": "en kommentar"}
            for name, size in sizes.items() for i in range(size)]
    return pd.DataFrame(rows).astype("string")


def _cell(table: pd.DataFrame, group: str, statement: str = "bra_arbetssituation") -> pd.Series:
    return table[(table["group"] == group) & (table["statement"] == statement)].iloc[0]


def test_a_group_of_four_is_suppressed_and_a_group_of_five_is_not():
    params = SimpleNamespace(survey_min_respondents=5)
    # Two small groups, so that neither can be recovered from the city total and no third cell must hide.
    table = survey.shares(_responses({"Farsta": 4, "Bromma": 5, "Älvsjö": 3, "Norrmalm": 20}), params)
    four, five = _cell(table, "Farsta"), _cell(table, "Bromma")
    assert four["suppressed"] and pd.isna(four["n"]) and pd.isna(four["positive_share"])
    assert pd.isna(four["neutral_share"]) and pd.isna(four["negative_share"])
    assert not five["suppressed"] and five["n"] == 5 and five["positive_share"] == 1.0
    stricter = survey.shares(_responses({"Farsta": 4, "Bromma": 5, "Älvsjö": 3, "Norrmalm": 20}),
                             SimpleNamespace(survey_min_respondents=6))
    assert _cell(stricter, "Bromma")["suppressed"], "the threshold comes from report.yml, not from the code"


def test_a_lone_small_group_cannot_be_recovered_from_the_city_total():
    table = survey.shares(_responses({"Farsta": 4, "Bromma": 7, "Norrmalm": 20}), SimpleNamespace(survey_min_respondents=5))
    assert _cell(table, "Farsta")["suppressed"]
    assert _cell(table, "Bromma")["suppressed"], "the smallest other group hides with it"
    assert not _cell(table, "Norrmalm")["suppressed"]
    city = _cell(table, survey.CITY)
    assert city["n"] - _cell(table, "Norrmalm")["n"] == 11, "only the two hidden groups together can be derived"


def test_blank_answers_are_left_out_of_that_statements_n():
    responses = _responses({"Farsta": 6})
    responses.loc[0, "gott_arbete"] = pd.NA
    table = survey.shares(responses, SimpleNamespace(survey_min_respondents=5))
    assert _cell(table, "Farsta", "bra_arbetssituation")["n"] == 6
    assert _cell(table, "Farsta", "gott_arbete")["n"] == 5


def test_shares_carry_no_identifiers():
    table = survey.shares(_responses({"Farsta": 6}), SimpleNamespace(survey_min_respondents=5))
    assert list(table.columns) == survey.SHARE_COLUMNS
    assert "respondent_id" not in survey.without_identifiers(_responses({"Farsta": 1})).columns
    assert "comment" not in survey.without_identifiers(_responses({"Farsta": 1})).columns


def test_no_published_cell_is_below_the_threshold(built_project, shares):
    from pipeline import config

    minimum = config.load(built_project / "report.yml").survey_min_respondents
    text = (built_project / "data" / "processed" / "survey_shares.csv").read_text(encoding="utf-8")
    assert shares["suppressed"].any(), "the demo has small groups, so suppression shows"
    hidden = shares[shares["suppressed"]]
    assert hidden[["n", "positive_share", "neutral_share", "negative_share"]].isna().all().all()
    assert (shares.loc[~shares["suppressed"], "n"] >= minimum).all()
    assert "respondent_id" not in text and "comment" not in text


# ----------------------------------------------------------------------------- occasions and metadata

def test_the_meta_file_and_the_synthetic_column_say_the_same(tmp_path):
    from pipeline.process import datasets

    table = survey.shares(_responses({"Farsta": 6, "Bromma": 7}), SimpleNamespace(survey_min_respondents=5))
    assert table["synthetic"].isna().all(), "the computation alone does not know where the answers came from"
    datasets.write(datasets.SURVEY_SHARES, table, tmp_path)
    for synthetic in (True, False):
        survey.write_meta(tmp_path, synthetic)
        assert survey.is_synthetic(tmp_path) is synthetic
        written = pipeline.load("survey_shares", tmp_path)
        assert list(written.columns) == survey.SHARE_COLUMNS and list(written.columns[-2:]) == ["synthetic", "raw_rows"]
        assert (written["synthetic"] == synthetic).all()
        assert written.drop(columns="synthetic").equals(
            datasets.load("survey_shares", tmp_path).drop(columns="synthetic"))


def test_later_occasions_are_valid_without_a_code_change():
    assert survey.occasions_between(2016, 2019)[-2:] == ["VT2019", "HT2019"]
    reference = {"administrations": pd.read_csv(ROOT / "data/raw/administrations.csv", dtype=str),
                 "action_plan_points": pd.read_csv(ROOT / "data/raw/action_plan_points.csv", dtype=str)}
    from datetime import date

    from pipeline import config

    parameters = validation.suite_parameters(config.load(), reference, today=date(2031, 6, 1))
    assert {"HT2016", "VT2019", "HT2031"} <= set(parameters["survey_occasions"])
    assert "HT2015" not in parameters["survey_occasions"]
    assert "Stadsdelar total" not in parameters["survey_administration_names"]
    assert survey.sorted_occasions(["HT2017", "VT2019", "VT2017", "HT2016"]) == ["HT2016", "VT2017", "HT2017", "VT2019"]


def test_a_missing_meta_file_means_a_real_export(tmp_path):
    export = tmp_path / "export.csv"
    export.write_text("", encoding="utf-8")
    assert survey.synthetic_input(export) is False
    survey.meta_path(export).write_text('{"synthetic": true}', encoding="utf-8")
    assert survey.synthetic_input(export) is True
    assert survey.export_path(ROOT / "data/raw", environ={"SURVEY_EXPORT": ""}) == ROOT / "data/raw/survey_responses.csv"
    assert survey.export_path(environ={"SURVEY_EXPORT": str(export)}) == export.resolve()


def test_the_committed_demo_file_says_it_is_synthetic():
    meta = json.loads((ROOT / "data/raw/survey_responses.meta.json").read_text(encoding="utf-8"))
    assert meta["synthetic"] is True and meta["generator"] == "pipeline/tools/survey_demo.py"
    assert meta["seed"] == survey_demo.SEED
    assert (ROOT / "data/raw/survey_responses.csv").stat().st_size < 1_500_000


def test_the_generator_reproduces_the_committed_demo_file_byte_for_byte(tmp_path):
    written = survey_demo.write(tmp_path)
    for path in written:
        assert path.read_bytes() == (ROOT / "data" / "raw" / path.name).read_bytes(), path.name


def test_the_demo_has_realistic_sizes_returning_respondents_blanks_and_comments():
    demo = pd.read_csv(ROOT / "data/raw/survey_responses.csv", dtype=str, keep_default_na=False)
    per_occasion = demo.groupby("occasion").size()
    assert per_occasion.between(300, 1000).all(), per_occasion
    assert (demo.groupby("respondent_id")["occasion"].nunique() > 1).mean() > 0.3, "the same people answer again"
    assert (demo[list(survey.STATEMENTS)] == "").to_numpy().sum() > 0
    assert (demo["comment"] != "").sum() > 0
    cells = demo.groupby(["administration", "occasion"]).size()
    assert (cells < 5).any(), "some administration × occasion cells are small enough to be suppressed"


def test_survey_code_and_notebook_hold_no_year_literals():
    files = [ROOT / "pipeline/process/survey.py", ROOT / "pipeline/tools/survey_demo.py", ROOT / "pipeline/present/survey_views.py",
             ROOT / "notebooks/survey.ipynb"]
    for path in files:
        assert not re.search(r"(?<!\d)(19|20)\d\d(?!\d)", path.read_text(encoding="utf-8")), path.name


# ----------------------------------------------------------------------------- the section and its label

def _chapter(page: str) -> str:
    match = re.search(r'<section class="chapter chapter-survey">(.*?)</section>', page, re.S)
    assert match, "the survey chapter is in the report"
    return match.group(1)


def test_every_survey_table_and_diagram_is_labelled_synthetic(built_project):
    page = (built_project / "output" / "report.html").read_text(encoding="utf-8")
    chapter = _chapter(page)
    assert blocks.synthetic_notice().html() in chapter.split("<h3")[0], "the section starts with the badge"
    figures = re.findall(r'<figure class="diagram">.*?</figure>', chapter, re.S)
    assert len(figures) == 3 and all(LABEL in f for f in figures)
    outside = re.sub(r'<figure class="diagram">.*?</figure>', "", chapter, flags=re.S)
    captions = re.findall(r"<caption>(.*?)</caption>", outside, re.S)
    numbers = [contents.number(f"survey-{part}-table") for part in ("statements", "areas", "administrations")]
    assert len(captions) == 3 and all(c.startswith(f"{n}. ") and LABEL in c for c, n in zip(captions, numbers))
    assert "färre än 5 svar" in chapter
    assert "enkätavsnittet bygger på påhittade svar" in page.split("</header>")[0], "the title page says so"
    alts = [re.search(r'\balt="([^"]*)"', img).group(1) for img in re.findall(r"<img [^>]*>", chapter)]
    assert len(alts) == 3 and all(alt.startswith(LABEL) for alt in alts)
    for folder in (built_project / "data" / "processed", built_project / "output" / "data"):
        written = pd.read_csv(folder / "survey_shares.csv", dtype=str, keep_default_na=False)
        assert list(written.columns)[-2:] == ["synthetic", "raw_rows"] and set(written["synthetic"]) == {"True"}, folder


@pytest.fixture(scope="module")
def real_export_build(copy_of_build, tmp_path_factory):
    """One build on a 'real' export (no meta file) with a planted respondent and comment.

    Built over a copy of the default build (output/ is replaced whole by the new build), whose
    cache spares the steps that do not read the survey.
    """
    root = copy_of_build(tmp_path_factory.mktemp("real") / "project")
    export = tmp_path_factory.mktemp("export") / "enkatexport.csv"
    text = (ROOT / "data/raw/survey_responses.csv").read_text(encoding="utf-8")
    planted = [f"ZPLANT{i}X,HT2018,Äldreförvaltningen,Äldre,biståndshandläggare,Stämmer mycket dåligt,"
               f"Stämmer mycket dåligt,Stämmer mycket dåligt,\"PLANTERAD-KOMMENTAR-{i}, vem som helst\"\n"
               for i in range(2)]
    export.write_text(text + "".join(planted), encoding="utf-8")
    env = {"SURVEY_EXPORT": str(export)}
    result = _run_with_env(root, env)
    assert result.returncode == 0, result.stdout + result.stderr
    return root, export


def _run_with_env(root: Path, env: dict) -> subprocess.CompletedProcess:
    import os

    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        return run_pipeline(root, "report")
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _texts(directories: list[Path]) -> dict[Path, bytes]:
    out = {}
    for directory in directories:
        for path in sorted(directory.rglob("*")):
            if path.is_file():
                out[path] = path.read_bytes()
                if path.suffix == ".pdf" and shutil.which("pdftotext"):
                    out[path] += subprocess.run(["pdftotext", str(path), "-"], capture_output=True).stdout
    return out


def test_no_respondent_id_or_comment_reaches_any_output(real_export_build):
    root, export = real_export_build
    texts = _texts([root / "data" / "processed", root / "output"])
    assert texts, "the build wrote outputs"
    for path, data in texts.items():
        for planted in [b"ZPLANT", "PLANTERAD-KOMMENTAR".encode("utf-8")]:
            assert planted not in data, (path, planted)
    export_rows = pd.read_csv(export, dtype=str, keep_default_na=False)
    ids = set(export_rows["respondent_id"])
    comments = {c for c in export_rows["comment"] if c}
    images = re.compile(rb"data:image/png;base64,[A-Za-z0-9+/=]+")
    for path, data in texts.items():
        if path.suffix in {".html", ".ipynb", ".csv", ".json"}:
            words = set(re.findall(r"[A-Za-z0-9]+", images.sub(b"", data).decode("utf-8", "replace")))
            assert not ids & words, (path, sorted(ids & words)[:5])
            text = data.decode("utf-8", "replace")
            assert not [c for c in comments if c in text], path


def test_a_real_export_builds_without_the_synthetic_label_and_hides_its_small_groups(real_export_build):
    root, _ = real_export_build
    processed = root / "data" / "processed"
    assert json.loads((processed / "survey_meta.json").read_text(encoding="utf-8")) == {"synthetic": False}
    page = (root / "output" / "report.html").read_text(encoding="utf-8")
    assert LABEL not in _chapter(page) and "enkätavsnittet bygger på påhittade svar" not in page
    notebook = (root / "output" / "notebooks" / "survey.ipynb").read_text(encoding="utf-8")
    assert LABEL not in notebook and "survey_responses.csv" not in notebook
    shares = pipeline.load("survey_shares", processed)
    assert not shares["synthetic"].any() and shares["synthetic"].notna().all(), "every row says: not synthetic"
    planted = shares[shares["group"] == "Äldreförvaltningen"]
    assert len(planted) == 3 and planted["suppressed"].all() and planted["n"].isna().all()
    assert (shares.loc[~shares["suppressed"], "n"] >= 5).all()


# ----------------------------------------------------------------------------- a malformed export

def test_a_malformed_export_stops_the_build_naming_file_line_column_and_rule(project, tmp_path):
    lines = (ROOT / "data/raw/survey_responses.csv").read_text(encoding="utf-8").split("\n")
    header = lines[0].split(",")
    answer_column = header.index("gott_arbete")
    row = lines[1].split(",")
    row[answer_column] = "Stämmer bra"
    lines[1] = ",".join(row)
    row = lines[2].split(",")
    row[header.index("occasion")] = "HT2015"
    lines[2] = ",".join(row)
    lines.insert(len(lines) - 1, lines[3])  # a second row for the same respondent and occasion
    duplicate_line = len(lines) - 1
    export = tmp_path / "trasig_export.csv"
    export.write_text("\n".join(lines), encoding="utf-8")
    result = _run_with_env(project, {"SURVEY_EXPORT": str(export)})
    assert result.returncode != 0
    message = result.stderr
    where = str(export.resolve())
    assert f"{where}, line 2, column 'gott_arbete': value 'Stämmer bra'" in message
    assert "must be one of: Stämmer mycket bra, Stämmer ganska bra" in message
    assert f"{where}, line 3, column 'occasion': value 'HT2015'" in message
    assert "from 2016 (report.yml: survey_start)" in message
    assert f"{where}, line {duplicate_line}, columns respondent_id, occasion" in message
    assert "only one row per respondent_id × occasion" in message
    assert "Traceback" not in message and "[execute]" not in result.stdout
