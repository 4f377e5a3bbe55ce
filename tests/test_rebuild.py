"""Whether to rebuild is decided by the bytes a build reads, never by file dates.

A project lead copies files with old dates (unzip, ``cp -p``, a download), deletes one by
mistake, keeps a raw file as a symbolic link, or saves a cell while the build runs. Each
case here starts from one built copy of the project, changes it as she would, runs
``python -m pipeline report`` and checks that the report is rebuilt when the bytes
changed, not rebuilt when they did not, and that ``output/manifest.json`` records the
checksum of the very bytes the published report was computed from.
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import run_pipeline, tree_digest

UP_TO_DATE = "output/ is up to date"


@pytest.fixture(scope="module")
def project(built_project, tmp_path_factory) -> Path:
    """A copy of the built project (its build cache too) that these tests may change."""
    root = tmp_path_factory.mktemp("rebuild") / "project"
    shutil.copytree(built_project, root, symlinks=True)
    return root


def recorded(root: Path, name: str) -> str:
    manifest = json.loads((root / "output" / "manifest.json").read_text(encoding="utf-8"))
    return next(item["sha256"] for item in manifest["inputs"] if item["path"] == name)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def published(root: Path) -> dict:
    return tree_digest(root / "output")


def november(root: Path, year: int) -> int:
    """The processed November count of consultants in ``year``, as the published build computed it."""
    rows = (root / "data" / "processed" / "consultants.csv").read_text(encoding="utf-8").splitlines()
    header = rows[0].split(",")
    for row in rows[1:]:
        cells = dict(zip(header, row.split(",")))
        if cells["year"] == str(year) and cells["month"] == "november":
            return int(cells["consultants"])
    raise AssertionError(f"no November {year} row in data/processed/consultants.csv")


def with_november(data: bytes, year: int, count: int) -> bytes:
    """consultants.csv with the November count of ``year`` replaced."""
    lines = data.decode("utf-8").split("\n")
    for index, line in enumerate(lines):
        cells = line.split(",", 3)
        if cells[:2] == [str(year), "november"]:
            lines[index] = ",".join([cells[0], cells[1], str(count), cells[3]])
            return "\n".join(lines).encode("utf-8")
    raise AssertionError(f"no November {year} row")


def old_date(path: Path) -> None:
    os.utime(path, (946_684_800, 946_684_800), follow_symlinks=False)  # 2000-01-01: older than any build


def test_nothing_changed_is_not_rebuilt(project):
    before = published(project)
    result = run_pipeline(project, "report")
    assert result.returncode == 0, result.stderr
    assert UP_TO_DATE in result.stdout and "[validate]" not in result.stdout
    assert published(project) == before


def test_a_file_copied_with_an_old_date_is_rebuilt(project):
    raw = project / "data" / "raw" / "consultants.csv"
    changed = with_november(raw.read_bytes(), 2018, november(project, 2018) + 1)
    download = project.parent / "download" / "consultants.csv"
    download.parent.mkdir(exist_ok=True)
    download.write_bytes(changed)
    old_date(download)
    subprocess.run(["cp", "-p", str(download), str(raw)], check=True)  # as 'cp -p' or unzip leaves it
    assert raw.stat().st_mtime < (project / "output" / "manifest.json").stat().st_mtime

    result = run_pipeline(project, "report")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Changed since the last build: data/raw/consultants.csv" in result.stdout
    assert recorded(project, "data/raw/consultants.csv") == sha(changed)
    assert november(project, 2018) == int(changed.decode().split("2018,november,")[1].split(",")[0])


def test_office_lock_files_are_ignored_and_unknown_files_refused(project):
    raw = project / "data" / "raw"
    locks = [raw / "~$turnover.xlsx", raw / ".~lock.turnover.csv#", raw / ".DS_Store"]
    for lock in locks:
        lock.write_bytes(b"lock")
    try:
        result = run_pipeline(project, "report")
        assert result.returncode == 0 and UP_TO_DATE in result.stdout, result.stdout + result.stderr
    finally:
        for lock in locks:
            lock.unlink()
    before = published(project)
    for name in ["turnover - Kopia.csv", "turnover_2019.csv"]:
        shutil.copy2(raw / "turnover.csv", raw / name)
    try:
        result = run_pipeline(project, "report")
    finally:
        for name in ["turnover - Kopia.csv", "turnover_2019.csv"]:
            (raw / name).unlink()
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert ("data/raw/turnover - Kopia.csv and data/raw/turnover_2019.csv are not among the report's raw files"
            in result.stderr), result.stderr
    assert "[validate]" not in result.stdout
    assert published(project) == before


def test_a_deleted_raw_file_is_an_error_naming_it(project):
    raw = project / "data" / "raw" / "district_facts.csv"
    kept = raw.read_bytes()
    before = published(project)
    raw.unlink()
    try:
        result = run_pipeline(project, "report")
    finally:
        raw.write_bytes(kept)
    assert result.returncode == 2, result.stdout
    assert "data/raw/district_facts.csv: file is missing" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert published(project) == before
    # restored with the same bytes (and a new date): nothing to rebuild
    assert UP_TO_DATE in run_pipeline(project, "report").stdout


def test_a_symbolic_link_whose_target_changed_is_rebuilt(project, tmp_path):
    raw = project / "data" / "raw" / "consultants.csv"
    current = raw.read_bytes()
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_bytes(current)
    changed = with_november(current, 2017, november(project, 2017) + 2)
    second.write_bytes(changed)
    old_date(second)
    raw.unlink()
    raw.symlink_to(first)
    try:
        same = run_pipeline(project, "report")
        assert UP_TO_DATE in same.stdout, "a link to the same bytes changes nothing"

        raw.unlink()
        raw.symlink_to(second)
        old_date(raw)
        result = run_pipeline(project, "report")

        assert result.returncode == 0, result.stdout + result.stderr
        assert "[validate]" in result.stdout
        assert recorded(project, "data/raw/consultants.csv") == sha(changed)

        second.unlink()  # a link to nowhere: one message naming it
        before = published(project)
        broken = run_pipeline(project, "report")
        assert broken.returncode == 2 and "Traceback" not in broken.stderr
        assert f"data/raw/consultants.csv is a symbolic link to {second}, which does not exist" in broken.stderr
        assert published(project) == before
    finally:
        raw.unlink()
        raw.write_bytes(changed)
    assert UP_TO_DATE in run_pipeline(project, "report").stdout


def test_a_file_saved_while_the_build_runs_is_never_published_under_the_other_checksum(project):
    """The build validates the bytes it hashed; the next build sees the newer ones and rebuilds."""
    raw = project / "data" / "raw" / "consultants.csv"
    start = november(project, 2016)
    read_by_build = with_november(raw.read_bytes(), 2016, start + 3)
    saved_meanwhile = with_november(raw.read_bytes(), 2016, start + 4)
    raw.write_bytes(read_by_build)
    env = {**os.environ, "PYTHONPATH": str(project)}
    build = subprocess.Popen([sys.executable, "-m", "pipeline", "report"], cwd=project, env=env, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines, validating = [], threading.Event()

    def read():
        for line in build.stdout:
            lines.append(line)
            if line.startswith("[validate]"):
                validating.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert validating.wait(timeout=300), "".join(lines)
    raw.write_bytes(saved_meanwhile)  # the project lead saves again while the build runs
    assert build.wait(timeout=600) == 0, "".join(lines)
    reader.join(timeout=10)

    assert recorded(project, "data/raw/consultants.csv") == sha(read_by_build)
    assert november(project, 2016) == start + 3, "the report must show the bytes its manifest names"

    again = run_pipeline(project, "report")
    assert again.returncode == 0 and UP_TO_DATE not in again.stdout, again.stdout
    assert recorded(project, "data/raw/consultants.csv") == sha(saved_meanwhile)
    assert november(project, 2016) == start + 4


@pytest.mark.parametrize("damage", ["deleted", "windows-1252"])
def test_a_missing_or_mis_saved_report_yml_is_one_message(project, damage):
    params = project / "report.yml"
    kept = params.read_bytes()
    before = published(project)
    if damage == "deleted":
        params.unlink()
    else:  # saved by an editor in Windows-1252: å, ä, ö become single bytes
        params.write_bytes(kept.decode("utf-8").encode("cp1252", errors="replace"))
    try:
        result = run_pipeline(project, "report")
    finally:
        params.write_bytes(kept)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    expected = ("report.yml: the report's parameter file is missing." if damage == "deleted"
                else "not UTF-8 text; save the file as UTF-8.")
    assert expected in result.stderr, result.stderr
    assert published(project) == before
