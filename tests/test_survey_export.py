"""The survey export named with SURVEY=…, wherever it lies: paths with spaces, verify, and what is published.

A project lead keeps the city's export in a OneDrive folder ("Delade dokument/enkät
export.csv"). ``make report SURVEY=…`` builds from it; ``make verify SURVEY=…`` checks
that build; the manifest and the validation summary name the export by its file name
and checksum, never by the folder it lies in (which holds the user's name).
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, make, tree_digest





@pytest.fixture(scope="module")
def export_build(copy_of_build, tmp_path_factory):
    """A project built with `make report SURVEY=<a path with spaces>` (over a copy of the default build and its cache)."""
    root = copy_of_build(tmp_path_factory.mktemp("export") / "project")
    shutil.copy2(ROOT / "Makefile", root / "Makefile")
    folder = tmp_path_factory.mktemp("home") / "OneDrive - Stockholms stad" / "Delade dokument"
    folder.mkdir(parents=True)
    export = folder / "enkät export.csv"
    shutil.copy2(ROOT / "data" / "raw" / "survey_responses.csv", export)  # no meta file: a real export
    result = make(root, "report", f"SURVEY={export}")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return root, export


def test_an_export_whose_path_has_spaces_builds_and_is_named_by_file_name_only(export_build):
    root, export = export_build
    manifest_text = (root / "output" / "manifest.json").read_text(encoding="utf-8")
    manifest = json.loads(manifest_text)
    digest = hashlib.sha256(export.read_bytes()).hexdigest()
    assert manifest["survey"] == {"data": "export", "file": "enkät export.csv", "sha256": digest}
    assert {"path": "SURVEY=enkät export.csv", "bytes": export.stat().st_size, "sha256": digest} in manifest["inputs"]
    results = (root / "output" / "validation" / "results.json").read_text(encoding="utf-8")
    assert json.loads(results)["survey_responses"]["file"] == "SURVEY=enkät export.csv"
    for text in [manifest_text, results]:
        assert str(export.parent) not in text and "OneDrive" not in text
    # the same export again: nothing to rebuild
    again = make(export_build[0], "report", f"SURVEY={export}")
    assert "output/ is up to date" in again.stdout, again.stdout + again.stderr


def test_make_verify_honours_the_export_and_says_when_it_is_not_named(export_build):
    root, export = export_build
    verified = make(root, "verify", f"SURVEY={export}")
    assert verified.returncode == 0, verified.stdout[-3000:] + verified.stderr[-3000:]
    assert "byte-identical to a fresh rebuild" in verified.stdout
    unnamed = make(root, "verify")
    assert unnamed.returncode != 0
    assert ("output/ was built from the survey export 'enkät export.csv'; name it again to verify that build"
            in unnamed.stderr), unnamed.stderr
    assert "Traceback" not in unnamed.stderr


@pytest.mark.parametrize("kind", ["directory", "missing"])
def test_a_survey_name_that_is_no_file_is_one_message(project, tmp_path, kind):
    named = tmp_path if kind == "directory" else tmp_path / "finns inte.csv"
    env = {**os.environ, "PYTHONPATH": str(project), "SURVEY_EXPORT": str(named)}
    result = subprocess.run([sys.executable, "-m", "pipeline", "report"], cwd=project, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    expected = "is a directory; name the survey export file itself" if kind == "directory" else ": no such file"
    assert f"SURVEY={named}{'' if kind == 'missing' else ' '}" in result.stderr
    assert expected in result.stderr, result.stderr
    assert not (project / "output").exists()


def test_a_raw_file_copy_with_spaces_in_its_name_gets_the_pipelines_message_not_makes(export_build):
    root, export = export_build
    copy = root / "data" / "raw" / "turnover - Kopia.csv"
    shutil.copy2(root / "data" / "raw" / "turnover.csv", copy)
    before = tree_digest(root / "output")
    try:
        result = make(root, "report", f"SURVEY={export}")
    finally:
        copy.unlink()
    assert result.returncode != 0
    assert "No rule to make target" not in result.stderr
    assert "data/raw/turnover - Kopia.csv is not one of the report's raw files" in result.stderr, result.stderr
    assert tree_digest(root / "output") == before
