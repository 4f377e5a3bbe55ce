"""Rebuilds redo only what changed, and give the same bytes as a clean build."""
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, copy_project, tree_digest
from pipeline.process import administration, datasets
from pipeline import paths
from pipeline.build import notebooks, sections
from pipeline.build.provenance import is_data_docs
from pipeline.ingest.schemas import RAW_FILES

VENV = Path(sys.executable).parent.parent


def make_report(root: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
    return subprocess.run(["make", "--no-print-directory", "-o", f"{VENV}/.installed", "report", f"VENV={VENV}"],
                          cwd=root, env=env,
                          capture_output=True, text=True, timeout=900)


def comparable(root: Path) -> dict[str, str]:
    """Checksums of output/ and data/processed/, without GX's data docs (they embed run ids)."""
    digests = tree_digest(root / "output", root / "data" / "processed")
    out = {}
    for path, sha in digests.items():
        relative = Path(path).relative_to(root)
        if relative.parts[0] == "output" and is_data_docs(Path(*relative.parts[1:])):
            continue
        out[str(relative)] = sha
    return out


def counts(stdout: str) -> tuple[int, int]:
    """The execute stage's '[execute] N executed; M reused …' line."""
    executed, reused = re.search(r"\[execute\] (\d+) executed; (\d+) reused", stdout).groups()
    return int(executed), int(reused)


def runs_of(root: Path) -> list[sections.Run]:
    return sections.report_runs(administration.pages(datasets.load("administrations", root / "data" / "processed")))


def change_one_cell(root: Path) -> None:
    path = root / "data" / "raw" / "turnover.csv"
    text = path.read_text(encoding="utf-8")
    assert "biståndshandläggare,Skarpnäck,2016,7,29," in text
    path.write_text(text.replace("biståndshandläggare,Skarpnäck,2016,7,29,", "biståndshandläggare,Skarpnäck,2016,8,29,"),
                    encoding="utf-8")


@pytest.fixture(scope="module")
def incremental(copy_of_build, tmp_path_factory):
    """A built project and its build cache, as a first full build leaves them (a copy of the session's
    cold build: the cache is keyed by content, so the rebuilds below reuse and redo what they would
    after that first build); the clean build to compare with stays cold."""
    root = copy_of_build(tmp_path_factory.mktemp("incremental") / "project")
    shutil.copy2(ROOT / "Makefile", root / "Makefile")
    first = make_report(root)
    assert first.returncode == 0, first.stdout[-2000:] + first.stderr[-2000:]
    return root


def test_an_unchanged_rebuild_executes_no_notebook(incremental):
    before = comparable(incremental)
    again = make_report(incremental)
    assert again.returncode == 0
    assert "[execute]" not in again.stdout and "[validate]" not in again.stdout
    assert comparable(incremental) == before


def test_a_changed_notebook_text_reuses_validation_and_every_other_run(incremental):
    notebook_path = incremental / "notebooks" / "consultants.ipynb"
    original = notebook_path.read_text(encoding="utf-8")
    results = (incremental / "output" / "validation" / paths.VALIDATION_RESULTS).read_bytes()
    notebook = json.loads(original)
    cell = next(c for c in notebook["cells"] if c["cell_type"] == "markdown")
    cell["source"] = "".join(cell["source"]) + "\n\nEn mening som bara finns i detta test."
    notebook_path.write_text(json.dumps(notebook, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    try:
        rebuilt = make_report(incremental)
        assert rebuilt.returncode == 0, rebuilt.stderr[-2000:]
        assert "reusing those results and data docs" in rebuilt.stdout
        assert "checking data/raw/ against expectations/" not in rebuilt.stdout
        assert counts(rebuilt.stdout) == (1, len(runs_of(incremental)) - 1)
        assert (incremental / "output" / "validation" / paths.VALIDATION_RESULTS).read_bytes() == results
        assert "En mening som bara finns i detta test." in (incremental / "output" / "report.html").read_text(
            encoding="utf-8")
    finally:
        notebook_path.write_text(original, encoding="utf-8")


def test_a_changed_diarienummer_gives_the_verdict_without_gx_and_still_publishes_every_files_data_docs(incremental):
    """report.yml's diarienummer is no suite's parameter: every file's passing result is kept, so the verdict needs no
    GX (the notebooks do not wait for its import), and the validator only writes the data docs, all of them."""
    params_path = incremental / "report.yml"
    original = params_path.read_text(encoding="utf-8")
    results = (incremental / "output" / "validation" / paths.VALIDATION_RESULTS).read_bytes()
    assert re.search(r'^diarienummer: ".+"$', original, flags=re.M)
    params_path.write_text(re.sub(r'^diarienummer: "(.+)"$', r'diarienummer: "\1 (rev.)"', original, flags=re.M),
                           encoding="utf-8")
    try:
        rebuilt = make_report(incremental)
        assert rebuilt.returncode == 0, rebuilt.stderr[-2000:]
        assert "GX is not needed" in rebuilt.stdout
        assert "checking data/raw/ against expectations/" not in rebuilt.stdout
        assert "[docs] the data docs in output/validation/, written by the validator" in rebuilt.stdout
        validation_dir = incremental / "output" / "validation"
        assert (validation_dir / paths.VALIDATION_RESULTS).read_bytes() == results
        index = (validation_dir / "index.html").read_text(encoding="utf-8")
        for spec in RAW_FILES:
            assert f"expectations/{spec.name}.html" in index, spec.name
            assert list((validation_dir / "validations" / spec.name).rglob("*.html")), spec.name
        assert "(rev.)" in (incremental / "output" / "report.html").read_text(encoding="utf-8")
    finally:
        params_path.write_text(original, encoding="utf-8")


def test_a_changed_raw_cell_reruns_and_matches_a_clean_build(incremental, tmp_path):
    before = tree_digest(incremental / "data" / "processed")
    change_one_cell(incremental)
    rebuilt = make_report(incremental)
    assert rebuilt.returncode == 0, rebuilt.stderr[-2000:]
    assert "checking data/raw/ against expectations/" in rebuilt.stdout  # new raw bytes: validated again
    assert "[validate] 1 checked with GX (turnover.csv); 10 reused" in rebuilt.stdout  # that file only
    # exactly the runs that read a processed file the cell changed are executed again
    after = tree_digest(incremental / "data" / "processed")
    changed = {Path(p).name for p in after if after[p] != before.get(p)}
    assert "turnover.csv" in changed and "consultants.csv" not in changed
    runs = runs_of(incremental)
    redone = [r for r in runs if {f.name for f in datasets.files(r.reads, Path("."))} & changed]
    assert 0 < len(redone) < len(runs)
    assert counts(rebuilt.stdout) == (len(redone), len(runs) - len(redone))
    clean = copy_project(tmp_path / "clean")
    shutil.copy2(ROOT / "Makefile", clean / "Makefile")
    change_one_cell(clean)
    result = make_report(clean)
    assert result.returncode == 0, result.stderr[-2000:]
    assert comparable(incremental) == comparable(clean)


@pytest.mark.parametrize("value", ["999", "tolv"])
def test_damaged_raw_data_after_a_build_is_validated_and_refused(incremental, value):
    """A passing validation is reused only for the very same bytes: a damaged cell is still caught.

    The build computes while a worker validates; what it made of the damaged data (999 ended of
    25 employed is computed, 'tolv' breaks the computation) never shows: the message is
    validation's, no notebook runs and nothing is published."""
    path = incremental / "data" / "raw" / "turnover.csv"
    original = path.read_text(encoding="utf-8")
    published = comparable(incremental)
    lines = original.split("\n")
    number = next(i for i, line in enumerate(lines) if ",Skarpnäck," in line)
    fields = lines[number].split(",")
    fields[3] = value  # ended > headcount, or not a number
    lines[number] = ",".join(fields)
    path.write_text("\n".join(lines), encoding="utf-8")
    try:
        result = make_report(incremental)
        assert result.returncode != 0
        assert "[execute]" not in result.stdout, "no notebook runs on data that failed validation"
        assert result.stderr.startswith("error: Raw data failed validation"), result.stderr[-2000:]
        assert f"data/raw/turnover.csv, line {number + 1}" in result.stderr and value in result.stderr
        assert "Traceback" not in result.stderr
        assert comparable(incremental) == published
    finally:
        path.write_text(original, encoding="utf-8")


def test_a_run_is_redone_only_when_a_dataset_it_reads_changed(built_project, tmp_path):
    stage = tmp_path / "stage"
    shutil.copytree(built_project / "data" / "processed", stage / "data" / "processed")
    runs = runs_of(built_project)
    keys = {run.key: notebooks.execution_key(run, stage) for run in runs}
    shares = stage / "data" / "processed" / "survey_shares.csv"
    shares.write_text(shares.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    changed = {run.key for run in runs if notebooks.execution_key(run, stage) != keys[run.key]}
    readers = {run.key for run in runs if "survey_shares" in run.reads}
    assert changed == readers
    assert "survey" in readers and "admin-skarpnack" in readers and "turnover" not in readers


def test_a_notebook_reading_a_dataset_its_run_does_not_declare_is_refused(built_project, tmp_path):
    """The declared reads cannot fall behind a notebook: the build stops and says what to add."""
    script = f"""
import shutil
from pathlib import Path
from pipeline.build import cache, notebooks, sections
cache.ROOT = Path({str(tmp_path / "cache")!r})
stage = Path({str(tmp_path / "stage")!r})
shutil.copytree({str(built_project / "data" / "processed")!r}, stage / "data" / "processed")
run = next(r for r in sections.report_runs() if r.key == "consultants")
notebooks.execute(sections.Run(run.key, run.notebook, run.executed, run.parameters, reads=()), stage)
"""
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode != 0
    message = result.stderr.strip().splitlines()[-1]
    assert "notebooks/consultants.ipynb (consultants) failed in cell" in message
    assert "reads the dataset 'consultants'" in message and "pipeline/build/sections.py" in message


def test_kernel_per_notebook_engine_starts_kernels_side_by_side_over_unix_sockets(built_project, tmp_path):
    """REPORT_ENGINE=papermill: two workers start kernels at once. Over TCP both could be handed
    the same free port and one kernel would die before replying; socket files named per kernel
    cannot collide, and they are gone once the kernels stop."""
    sockets = tmp_path / "sockets"
    sockets.mkdir()
    script = f"""
import shutil
from pathlib import Path
from pipeline.build import cache, notebooks, sections
cache.ROOT = Path({str(tmp_path / "cache")!r})
stage = Path({str(tmp_path / "stage")!r})
shutil.copytree({str(built_project / "data" / "processed")!r}, stage / "data" / "processed")
manager = notebooks._ipc_kernel_manager()
first, second = manager(kernel_name=notebooks.KERNEL), manager(kernel_name=notebooks.KERNEL)
assert first.transport == second.transport == "ipc" and first.ip != second.ip, (first.transport, first.ip, second.ip)
runs = [r for r in sections.report_runs() if r.key in ("consultants", "audit")]
with notebooks.worker_pool() as pool:
    print(notebooks.execute_all(runs, stage, pool))
"""
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "PYTHONPATH": str(ROOT), "REPORT_ENGINE": "papermill",
                                 "TMPDIR": str(sockets)})
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().splitlines()[-1] == "[False, False]"  # both executed, neither reused
    for name in ["consultants.ipynb", "audit.ipynb"]:
        notebook = json.loads((tmp_path / "stage" / "output" / "notebooks" / name).read_text(encoding="utf-8"))
        assert any(cell.get("outputs") for cell in notebook["cells"] if cell["cell_type"] == "code")
    assert not list(sockets.glob("report-kernel-*"))
