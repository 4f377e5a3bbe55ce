"""``make diff FROM=<ref>``: a revised figure is a revision, a new year is new, an edition compared with itself is unchanged.

The end-to-end test makes a git repository of a copy of the project, commits a revised
2016 headcount and a complete 2019 on a branch, builds it and compares it with the commit
before; the expected changes are computed from the rows the test wrote.
"""
import csv
import io
import os
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT, run_pipeline
from pipeline.build import changes, verify
from pipeline.process import datasets

REVISED = ("biståndshandläggare", "Socialförvaltningen", "2016")  # a central administration: no total to change


def _git(root: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    result = subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args], cwd=root,
                            env=env, capture_output=True, text=True, check=True)
    return result.stdout.strip()


def _rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _write(path: Path, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _next_edition(raw: Path) -> tuple[dict, list[dict]]:
    """Revise one 2016 headcount and add every 2018 row again as 2019 with other numbers; return both."""
    rows = _rows(raw / "turnover.csv")
    revised = next(r for r in rows if (r["profession"], r["administration"], r["year"]) == REVISED)
    old = dict(revised)
    revised["headcount"] = str(int(revised["headcount"]) + 3)
    types = {r["name"]: r["type"] for r in _rows(raw / "administrations.csv")}
    added = []
    for row in [r for r in rows if r["year"] == "2018"]:
        added.append({**row, "year": "2019", "ended": str(int(row["ended"]) + 1),
                      "headcount": str(int(row["headcount"]) + 2)})
    for total in [r for r in added if types[r["administration"]] == "all_districts"]:  # the printed total agrees
        districts = [r for r in added if r["profession"] == total["profession"] and types[r["administration"]] == "district"]
        total["ended"] = str(sum(int(r["ended"]) for r in districts))
        total["headcount"] = str(sum(int(r["headcount"]) for r in districts))
    _write(raw / "turnover.csv", rows + added)
    return {"old": old, "new": revised}, added


def _changes(root: Path) -> list[dict]:
    return _rows(root / "output" / changes.CSV_NAME)


@pytest.fixture(scope="module")
def repository(copy_of_build, tmp_path_factory) -> tuple[Path, str, dict, list[dict]]:
    """A git repository whose branch holds the next edition, built; the commit before it; what changed.

    It starts from a copy of the default build with its build cache (not committed: ignored
    like output/), so building the next edition and the old one in ``diff`` reuses the steps
    whose inputs they share with it.
    """
    root = copy_of_build(tmp_path_factory.mktemp("diff") / "project")
    (root / ".gitignore").write_text("output/\ndata/processed\n.build/\n__pycache__/\n", encoding="utf-8")
    _git(root, "init", "--quiet")
    _git(root, "add", "--all")
    _git(root, "commit", "--quiet", "-m", "edition 2018")
    before = _git(root, "rev-parse", "HEAD")
    _git(root, "checkout", "--quiet", "-b", "next")
    revision, added = _next_edition(root / "data" / "raw")
    _git(root, "commit", "--quiet", "-am", "revised 2016 headcount, 2019 added")
    result = run_pipeline(root, "report")
    assert result.returncode == 0, result.stdout + result.stderr
    return root, before, revision, added


def test_a_revised_figure_is_a_revision_and_a_new_year_is_new(repository):
    root, before, revision, added = repository

    result = run_pipeline(root, "diff", "--from", before)

    assert result.returncode == 0, result.stdout + result.stderr
    found = _changes(root)
    old, new = revision["old"], revision["new"]
    key = f"profession={old['profession']};administration={old['administration']};year={old['year']}"
    rate = lambda row: f"{int(row['ended']) / int(row['headcount']):.10g}"  # as the dataset writes it
    assert [(c["table"], c["key"], c["column"], c["old_value"], c["new_value"])
            for c in found if c["kind"] == "revision" and c["part"] != "sentence"] == [
        ("turnover.csv", key, "headcount", old["headcount"], new["headcount"]),
        ("turnover.csv", key, "rate", rate(old), rate(new))]

    new_rows = {("turnover.csv", f"profession={r['profession']};administration={r['administration']};year=2019")
                for r in added}
    new_rows |= {("turnover_published_totals.csv", f"profession={p};year=2019") for p in {r["profession"] for r in added}}
    news = [c for c in found if c["kind"] == "ny" and c["part"] != "sentence"]
    assert {(c["table"], c["key"]) for c in news} == new_rows
    for row in added:
        cells = {c["column"]: c["new_value"] for c in news if c["table"] == "turnover.csv"
                 and c["key"] == f"profession={row['profession']};administration={row['administration']};year=2019"}
        assert (cells["ended"], cells["headcount"], cells["rate"]) == (row["ended"], row["headcount"], rate(row))
    # nothing is removed from the data; a sentence may be reworded (a district with one employee in 2018 gets the
    # plain wording in 2019), and then its old form is removed and its new form is new, in the same chapter
    assert not [c for c in found if c["kind"] == "borttagen" and c["part"] != "sentence"]
    reworded = {c["key"] for c in found if c["kind"] == "ny" and c["part"] == "sentence"}
    assert {c["key"] for c in found if c["kind"] == "borttagen"} <= reworded

    # sentences: each administration's sentence about its latest year now reports 2019, as new
    from pipeline import formatting as fmt
    sentences = [c for c in found if c["part"] == "sentence"]
    assert all("2019" in c["new_value"] for c in sentences if c["kind"] == "ny")
    assert not any("2019" in c["new_value"] for c in sentences if c["kind"] == "revision")
    types = {r["name"]: r["type"] for r in _rows(root / "data" / "raw" / "administrations.csv")}
    from pipeline.present.administration_views import place
    administrations = pd.read_csv(root / "data" / "processed" / "administrations.csv")
    for row in [r for r in added if types[r["administration"]] != "all_districts"]:
        ended, headcount = int(row["ended"]), int(row["headcount"])
        said = (f"År 2019 slutade {fmt.number(ended)} av {fmt.number(headcount)} tillsvidareanställda "
                f"{row['profession']} {place(administrations, row['administration'])} ({fmt.percent(ended / headcount)})")
        assert any(c["kind"] == "ny" and c["key"] == row["administration"] and said in c["new_value"]
                   for c in sentences), said

    counts = changes.counts([changes.Change(**c) for c in found])
    assert result.stdout.strip() == (f"Ändringar sedan {before}: {counts['revision']} reviderade, {counts['ny']} nya, "
                                     f"{counts['borttagen']} borttagna (output/andringar.html)")
    page = (root / "output" / changes.HTML_NAME).read_text(encoding="utf-8")
    assert f"<title>Ändringar sedan utgåvan {before}</title>" in page
    assert "Reviderade uppgifter" in page and "Nya uppgifter" in page and "Borttagna uppgifter" in page
    assert f"<td>{fmt.percent(int(new['ended']) / int(new['headcount']))}</td>" in page  # decimal comma, " %"
    assert _git(root, "worktree", "list").count("\n") == 0, "the temporary checkout must be removed"


def test_an_edition_compared_with_itself_has_no_changes(repository):
    root = repository[0]

    result = run_pipeline(root, "diff", "--from", "HEAD")

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "Ändringar sedan HEAD: 0 reviderade, 0 nya, 0 borttagna (output/andringar.html)"
    assert _changes(root) == []
    assert "Inga ändringar" in (root / "output" / changes.HTML_NAME).read_text(encoding="utf-8")
    assert not any(name.startswith("output/andringar") for name in verify.files(root)), "verify must not compare them"


def test_an_unknown_ref_is_one_message(repository):
    result = run_pipeline(repository[0], "diff", "--from", "no-such-edition")

    assert result.returncode == 2
    assert "'no-such-edition' names no commit" in result.stderr and "Traceback" not in result.stderr


def test_a_ref_whose_build_fails_is_one_message(repository):
    root = repository[0]
    turnover = root / "data" / "raw" / "turnover.csv"
    _git(root, "checkout", "--quiet", "-b", "broken")
    try:
        rows = _rows(turnover)
        rows[0]["headcount"] = "-1"
        _write(turnover, rows)
        _git(root, "commit", "--quiet", "-am", "a negative headcount")
    finally:
        _git(root, "checkout", "--quiet", "--force", "next")  # the built edition's inputs again

    result = run_pipeline(root, "diff", "--from", "broken")

    assert result.returncode == 2, result.stdout + result.stderr
    assert "the edition at broken" in result.stderr and "could not be built" in result.stderr
    assert "data/raw/turnover.csv, line 2, column 'headcount'" in result.stderr  # what its build said
    assert "Traceback" not in result.stderr
    assert _git(root, "worktree", "list").count("\n") == 0


def test_make_diff_without_from_prints_its_usage(tmp_path):
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    result = subprocess.run(["make", "--no-print-directory", "diff"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stdout.startswith("usage: make diff FROM=<git ref>")


def test_every_dataset_has_a_key():
    assert set(datasets.DATASETS) <= set(changes.KEYS)
    for name, key in changes.KEYS.items():
        assert set(key) <= set(datasets.DATASETS[name].columns), name


def _frame(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def test_rows_are_matched_by_key_and_compared_cell_by_cell():
    old = _frame("year,month,consultants\n2016,april,88\n2017,april,83\n")
    new = _frame("year,month,consultants\n2017,april,84\n2018,april,70\n")
    found = changes.compare_table(old, new, ["year", "month"], "dataset", "consultants.csv")
    assert [(c.kind, c.key, c.old_value, c.new_value) for c in found] == [
        ("revision", "year=2017;month=april", "83", "84"),
        ("ny", "year=2018;month=april", "", "70"),
        ("borttagen", "year=2016;month=april", "88", "")]


def test_raw_rows_are_lineage_not_a_change():
    # a row inserted above in the raw file moves every line below it: no figure changed
    old = _frame("year,month,consultants,raw_rows\n2016,april,88,consultants.csv:2\n2017,april,83,consultants.csv:3\n")
    new = _frame("year,month,consultants,raw_rows\n2015,april,90,consultants.csv:2\n2016,april,88,consultants.csv:3\n"
                 "2017,april,84,consultants.csv:4\n")
    found = changes.compare_table(old, new, ["year", "month"], "dataset", "consultants.csv")
    assert [(c.kind, c.key, c.column, c.old_value, c.new_value) for c in found] == [
        ("ny", "year=2015;month=april", "consultants", "", "90"),
        ("revision", "year=2017;month=april", "consultants", "83", "84")]


def test_a_sentence_is_paired_with_its_old_self_and_a_new_year_is_new():
    old = [("Antal konsulter", "I november 2017 var de 60."), ("Antal konsulter", "Högst 2016 (100).")]
    new = [("Antal konsulter", "I november 2018 var de 34."), ("Antal konsulter", "Högst 2016 (101)."),
           ("Antal konsulter", "En ny mening med 3 tal.")]
    found = changes.compare_sentences(old, new, {"2018"}, set())
    assert [(c.kind, c.old_value, c.new_value) for c in found] == [
        ("ny", "I november 2017 var de 60.", "I november 2018 var de 34."),
        ("revision", "Högst 2016 (100).", "Högst 2016 (101)."),
        ("ny", "", "En ny mening med 3 tal.")]


def test_cells_are_shown_in_swedish():
    assert changes.shown("0.2592592593", "rate", "turnover.csv") == "25,9\u00a0%"
    assert changes.shown("1176", "headcount", "turnover.csv") == "1\u00a0176"
    assert changes.shown("2019", "year", "turnover.csv") == "2019"
    assert changes.shown("", "rate", "turnover.csv") == "–"


def test_the_page_names_tables_columns_codes_and_checks_in_swedish():
    found = [changes.Change("revision", "dataset", "turnover.csv",
                            "profession=biståndshandläggare;administration=Bromma;year=2016", "headcount", "30", "31"),
             changes.Change("ny", "dataset", "researcher_mentions.csv", "question=kommit_langst;alternative=1;point=ej_svar",
                            "count", "", "3"),
             changes.Change("revision", "audit", changes.AUDIT_FILE, "check_id=SB1-total", "status", "ok", "mismatch")]
    audit = _frame("check_id,description,source,published,computed,status\n"
                   "SB1-total,»Total *116* 100%« Recomputed: sum of the ranked table's rows (question=storsta_behov).,"
                   "\"003, Största behovet, alternativ 1 (rad 140)\",116,117,mismatch\n")
    page = changes.page(found, "v1", {"commit": "a" * 40}, {"commit": "b" * 40}, changes.audit_statements(audit))
    body = page[page.index("<main>"):]
    for code in ["turnover.csv", "headcount", "kommit_langst", "ej_svar", "SB1-total", "mismatch", ">ok<",
                 "rad 140", "*", "<code>"]:
        assert code not in body, code
    assert "<caption>Personalrörlighet per yrkesgrupp, förvaltning och år</caption>" in body
    assert "<th scope=\"row\">biståndshandläggare, Bromma, 2016</th><td>Tillsvidareanställda 31/12 året före</td>" in body
    assert "<th scope=\"row\">kommit längst, 1, Ej svar</th><td>Antal</td>" in body
    assert ("<th scope=\"row\">»Total 116 100%« – Följeforskarens rapport (Bilaga 4), tabellen »Största behovet, "
            "alternativ 1«</th><td>Utfall</td><td>stämmer</td><td>avviker</td>") in body
