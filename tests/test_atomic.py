"""A build killed at any moment leaves the published report as it was; the next build cleans up after it.

The report is published by swapping whole directories (``pipeline/build/publish.py``). Here
``python -m pipeline report`` is killed with SIGKILL at several moments of a rebuild of
the shared built project: while Python starts, while the raw data are validated, while
the notebooks run and while the PDFs print. The moments are found from the build's
progress lines rather than from the clock, so they hold on a slow machine too. After
each kill, ``output/`` (and with it ``data/processed/``) is byte for byte what it was, the
report still opens, and no process of the killed build lives on; the next build then
succeeds and removes the killed builds' staging trees.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import run_pipeline, tree_digest
from pipeline.build import publish

# id: (the progress line to wait for, or None for the start; seconds to wait after it)
KILL_POINTS = {
    "while-python-starts": (None, 1.0),
    "while-validating": ("[validate]", 2.0),
    "while-notebooks-run": ("[execute]", 3.0),
    "while-pdfs-print": ("[pdf]", 1.0),
}


def _published(root: Path) -> list[Path]:
    """What a build publishes: output/, which holds the processed datasets (data/processed links to output/data)."""
    return [root / "output"]


def _process_table() -> dict[int, tuple[int, str]]:
    """pid → (parent pid, state) of every process, from /proc."""
    table = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        table[int(stat.parent.name)] = (int(fields[1]), fields[0])
    return table


def _descendants(pid: int) -> set[int]:
    table = _process_table()
    found, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        for child, (ppid, _) in table.items():
            if ppid == parent and child not in found:
                found.add(child)
                todo.append(child)
    return found


def _running(pids: set[int]) -> set[int]:
    table = _process_table()
    return {pid for pid in pids if pid in table and table[pid][1] != "Z"}


def _kill_build(root: Path, marker: str | None, delay: float) -> dict:
    """Start a build, SIGKILL it ``delay`` seconds after the progress line ``marker``; what it left."""
    # no cached notebook runs or PDFs, and an input that differs from the manifest's record:
    # the build must do the work it is killed in
    shutil.rmtree(root / ".build" / "cache", ignore_errors=True)
    params = root / "report.yml"
    params.write_text(params.read_text(encoding="utf-8") + f"# killed {marker}\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(root)}
    build = subprocess.Popen([sys.executable, "-m", "pipeline", "report"], cwd=root, env=env, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    lines: list[str] = []
    seen = threading.Event()

    def read():
        for line in build.stdout:
            lines.append(line)
            if marker is not None and line.startswith(marker):
                seen.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    if marker is not None:
        assert seen.wait(timeout=300), f"the build never printed {marker}:\n{''.join(lines)}"
    time.sleep(delay)
    assert build.poll() is None, f"the build ended before it could be killed:\n{''.join(lines)}"
    children = _descendants(build.pid)
    build.send_signal(signal.SIGKILL)
    build.wait()
    reader.join(timeout=10)
    deadline = time.monotonic() + 15
    while _running(children) and time.monotonic() < deadline:
        time.sleep(0.2)
    orphans = _running(children)
    for pid in orphans:  # tidy up whatever outlived the build, so one failure does not leak processes
        os.kill(pid, signal.SIGKILL)
    stages = {p.name for p in (root / ".build").glob("stage-*") if p.is_dir()}
    return {"returncode": build.returncode, "output": "".join(lines), "orphans": orphans,
            "digest": tree_digest(*_published(root)), "pid": build.pid, "stages": stages}


@pytest.fixture(scope="module")
def killed_builds(built_project, tmp_path_factory):
    """Every kill point, run in turn on the built project; the outputs are restored afterwards."""
    saved = tmp_path_factory.mktemp("published-before-kills")
    params = (built_project / "report.yml").read_bytes()
    for directory in _published(built_project):
        shutil.copytree(directory, saved / directory.relative_to(built_project))
    cache = built_project / ".build" / "cache"
    if cache.is_dir():  # the kills empty it; put back afterwards, so later tests' rebuilds of the shared build stay warm
        shutil.copytree(cache, saved / "build-cache", symlinks=True)
    before = tree_digest(*_published(built_project))
    try:
        results = {point: _kill_build(built_project, *KILL_POINTS[point]) for point in KILL_POINTS}
        yield before, results
    finally:
        (built_project / "report.yml").write_bytes(params)
        for directory in _published(built_project):
            shutil.rmtree(directory, ignore_errors=True)
            shutil.copytree(saved / directory.relative_to(built_project), directory)
        shutil.rmtree(built_project / ".build", ignore_errors=True)
        if (saved / "build-cache").is_dir():
            shutil.copytree(saved / "build-cache", cache, symlinks=True)


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_a_killed_build_leaves_the_published_report_complete_and_unchanged(built_project, killed_builds, point):
    before, results = killed_builds
    killed = results[point]
    assert killed["returncode"] == -signal.SIGKILL
    assert killed["digest"] == before, f"output/ or data/processed/ changed when the build was killed {point}"
    output = built_project / "output"
    pdf = (output / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and b"%%EOF" in pdf[-64:]
    assert (output / "report.html").read_text(encoding="utf-8").rstrip().endswith("</html>")
    assert json.loads((output / "manifest.json").read_text(encoding="utf-8"))["outputs"]
    assert not killed["orphans"], f"processes of the killed build lived on: {killed['orphans']}"


def test_each_build_removes_the_staging_trees_of_the_builds_killed_before_it(built_project, killed_builds):
    _, results = killed_builds
    killed = list(results.values())
    for point in ["while-validating", "while-notebooks-run", "while-pdfs-print"]:
        assert f"stage-{results[point]['pid']}" in results[point]["stages"], f"killed {point}, it left no stage?"
    for earlier, later in zip(killed, killed[1:]):
        assert f"stage-{earlier['pid']}" not in later["stages"], "a build kept the stage of a killed one"

    result = run_pipeline(built_project, "report")

    assert result.returncode == 0, result.stdout + result.stderr
    left = sorted(p.name for p in (built_project / ".build").glob("*stage-*"))
    assert not left, f"staging trees or their locks left in .build/: {left}"
    assert (built_project / "output" / "report.pdf").read_bytes().startswith(b"%PDF")


def test_new_stage_removes_the_stages_of_ended_builds_and_keeps_those_of_running_ones(tmp_path, monkeypatch):
    build_dir = tmp_path / ".build"
    build_dir.mkdir()
    monkeypatch.setattr(publish, "BUILD_DIR", build_dir)
    # a running build: a process that holds its stage's lock
    running = build_dir / "stage-1000001"
    (running / "output").mkdir(parents=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, os, sys, time\n"
         f"fd = os.open({str(build_dir / 'stage-1000001.lock')!r}, os.O_CREAT | os.O_RDWR)\n"
         "fcntl.flock(fd, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        # a killed build: its lock file is there, but nobody holds it
        ended = build_dir / "stage-1000002"
        (ended / "output").mkdir(parents=True)
        (build_dir / "stage-1000002.lock").touch()
        # stages without a lock file are judged by their process id: one that ended, one that runs
        gone = build_dir / "stage-999999999"
        gone.mkdir()
        alive = build_dir / f"stage-{os.getppid()}"
        alive.mkdir()

        stage = publish.new_stage()

        assert stage == build_dir / f"stage-{os.getpid()}" and (stage / "output").is_dir()
        assert running.is_dir() and alive.is_dir()
        assert not ended.exists() and not (build_dir / "stage-1000002.lock").exists() and not gone.exists()
        publish.discard(stage)
        assert not stage.exists() and not (build_dir / f"stage-{os.getpid()}.lock").exists()
    finally:
        holder.kill()
        holder.wait()
    assert running in publish.remove_stale_stages(), "a stage whose build was killed must go"
    assert not running.exists()
