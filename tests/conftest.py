"""Shared fixtures: a disposable copy of the project, and one built copy for output checks."""
import csv
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
COPIED = ["pipeline", "notebooks", "data/raw", "expectations", "report.yml", "requirements.lock", "pyproject.toml"]


def copy_project(target: Path) -> Path:
    """A copy of everything a build reads, without outputs, so tests never touch the real ones."""
    target.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def run_pipeline(root: Path, *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    """``python -m pipeline ARGS`` in ``root``, importing that copy's code."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=root, env=env, capture_output=True,
                          text=True, timeout=timeout)


def tree_digest(*directories: Path) -> dict[str, str]:
    """Path → SHA-256 of every file under the directories (empty when a directory is missing)."""
    digests = {}
    for directory in directories:
        if not directory.exists():
            continue
        for path in sorted(directory.rglob("*")):
            if path.is_file():
                digests[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digests


def read_rows(path) -> tuple[list[str], list[dict]]:
    """A CSV's header and rows (as dicts of text)."""
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames), list(reader)


def write_rows(path, fields: list[str], rows: list[dict]) -> None:
    """Rows written back as the committed raw files are: UTF-8, commas, LF."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


VENV = Path(sys.executable).parent.parent


def make(root: Path, *args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    """``make ARGS`` in a copy of the project that holds the Makefile, with this environment's venv.

    ``-o`` keeps Make from setting up that venv again from the copy's lock (its files may look
    newer than the venv): the venv is the one the tests run in, and stays as it is.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE") and k != "SURVEY_EXPORT"}
    return subprocess.run(["make", "--no-print-directory", "-o", f"{VENV}/.installed", *args, f"VENV={VENV}"],
                          cwd=root, env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="session")
def _built_once(tmp_path_factory) -> tuple[Path, Path]:
    """One cold full build of a copy of the project, and an untouched snapshot of it taken right after.

    Tests change ``built_project`` and restore it; the snapshot is never changed, so every
    ``copy_of_build`` starts from exactly what a default build leaves: output/, data/processed/
    and the build cache (.build/cache/) it filled.
    """
    root = copy_project(tmp_path_factory.mktemp("built") / "project")
    result = run_pipeline(root, "report")
    assert result.returncode == 0, result.stdout + result.stderr
    snapshot = tmp_path_factory.mktemp("built-snapshot") / "project"
    shutil.copytree(root, snapshot, symlinks=True)
    return root, snapshot


@pytest.fixture(scope="session")
def built_project(_built_once) -> Path:
    """One full build of a copy of the project, shared by the tests that read outputs."""
    return _built_once[0]


@pytest.fixture(scope="session")
def copy_of_build(_built_once):
    """``copy_of_build(target)``: a new copy of the default build at ``target``, its build cache included.

    For tests that change an input and rebuild: their build redoes only the steps whose inputs
    changed (cache entries are keyed by content, never by the project's path), instead of
    building everything from a cold cache. Not for tests about a cold build or a clean one.
    """
    snapshot = _built_once[1]

    def copy(target: Path, cache_only: bool = False) -> Path:
        """With ``cache_only``: a project never built here (no output/), holding only that build cache."""
        if cache_only:
            copy_project(target)
            shutil.copytree(snapshot / ".build" / "cache", target / ".build" / "cache", symlinks=True)
        else:
            shutil.copytree(snapshot, target, symlinks=True)
        return target

    return copy


@pytest.fixture()
def project(tmp_path) -> Path:
    return copy_project(tmp_path / "project")
