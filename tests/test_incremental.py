"""Rebuilds redo only what changed, and give the same bytes as a clean build."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, copy_project, tree_digest
from pipeline.provenance import is_data_docs

VENV = Path(sys.executable).parent.parent


def make_report(root: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
    return subprocess.run(["make", "--no-print-directory", "report", f"VENV={VENV}"], cwd=root, env=env,
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


def change_one_cell(root: Path) -> None:
    path = root / "data" / "raw" / "turnover.csv"
    text = path.read_text(encoding="utf-8")
    assert "biståndshandläggare,Skarpnäck,2016,7,29," in text
    path.write_text(text.replace("biståndshandläggare,Skarpnäck,2016,7,29,", "biståndshandläggare,Skarpnäck,2016,8,29,"),
                    encoding="utf-8")


@pytest.fixture(scope="module")
def incremental(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("incremental") / "project")
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


def test_a_changed_raw_cell_reruns_and_matches_a_clean_build(incremental, tmp_path):
    change_one_cell(incremental)
    rebuilt = make_report(incremental)
    assert rebuilt.returncode == 0, rebuilt.stderr[-2000:]
    assert "[execute]" in rebuilt.stdout
    clean = copy_project(tmp_path / "clean")
    shutil.copy2(ROOT / "Makefile", clean / "Makefile")
    change_one_cell(clean)
    result = make_report(clean)
    assert result.returncode == 0, result.stderr[-2000:]
    assert comparable(incremental) == comparable(clean)
