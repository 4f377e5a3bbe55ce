"""Bad raw data stops the build before anything is written, with a message a project lead can act on."""
import json

import pytest

from conftest import ROOT, run_pipeline, tree_digest
from pipeline.ingest import schemas, suites


def test_committed_suites_are_the_ones_the_schemas_describe():
    for spec in schemas.RAW_FILES:
        committed = (ROOT / "expectations" / f"{spec.name}.json").read_text(encoding="utf-8")
        assert committed == suites.suite_json(spec), f"expectations/{spec.name}.json is stale: run 'make suites'"


def test_every_expectation_says_why_it_exists():
    for path in (ROOT / "expectations").glob("*.json"):
        for expectation in json.loads(path.read_text(encoding="utf-8"))["expectations"]:
            assert expectation["meta"]["why"].strip(), (path.name, expectation["type"])
            assert expectation["meta"]["rule"].strip(), (path.name, expectation["type"])


def _edit_line(path, line_number, old, new):
    lines = path.read_text(encoding="utf-8").split("\n")
    assert old in lines[line_number - 1]
    lines[line_number - 1] = lines[line_number - 1].replace(old, new, 1)
    path.write_text("\n".join(lines), encoding="utf-8")


SPINE_CASES = {
    # name: (edit, words the message must contain)
    "negative headcount": (lambda p: _edit_line(p / "data/raw/turnover.csv", 59, ",7,29,", ",7,-29,"),
                           ["data/raw/turnover.csv", "line 59", "headcount", "-29", "at least 0"]),
    "unknown administration": (lambda p: _edit_line(p / "data/raw/turnover.csv", 2, "Rinkeby-Kista", "Rinkeby"),
                               ["data/raw/turnover.csv", "line 2", "administration", "'Rinkeby'",
                                "did you mean 'Rinkeby-Kista'"]),
    "duplicated row": (lambda p: (p / "data/raw/turnover.csv").write_text(
        (p / "data/raw/turnover.csv").read_text(encoding="utf-8")
        + (p / "data/raw/turnover.csv").read_text(encoding="utf-8").split("\n")[1] + "\n", encoding="utf-8"),
                       ["data/raw/turnover.csv", "line 200", "repeats an earlier row", "profession × administration × year"]),
    "missing column": (lambda p: (p / "data/raw/turnover.csv").write_text(
        "\n".join(",".join(row.split(",")[:3] + row.split(",")[4:]) for row in
                  (p / "data/raw/turnover.csv").read_text(encoding="utf-8").split("\n")), encoding="utf-8"),
                       ["data/raw/turnover.csv", "line 1", "column 'ended' is missing"]),
}


@pytest.mark.parametrize("case", sorted(SPINE_CASES))
def test_corrupt_turnover_file_stops_the_build_and_leaves_output_unchanged(built_project, case):
    edit, words = SPINE_CASES[case]
    before = tree_digest(built_project / "output", built_project / "data" / "processed")
    raw = built_project / "data" / "raw" / "turnover.csv"
    original = raw.read_bytes()
    try:
        edit(built_project)
        result = run_pipeline(built_project, "report")
    finally:
        raw.write_bytes(original)
    assert result.returncode != 0
    for word in words:
        assert word in result.stderr, (word, result.stderr)
    assert "Traceback" not in result.stderr
    assert "[execute]" not in result.stdout, "no notebook may run on invalid data"
    assert tree_digest(built_project / "output", built_project / "data" / "processed") == before
