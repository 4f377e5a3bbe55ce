"""``make verify``: rebuild from a fresh copy of the inputs and compare, byte for byte, with what is published.

The rebuild runs ``python -m pipeline report`` in a temporary directory that holds only
the files the manifest lists as inputs (``inputs.read``), so it also shows that nothing
else decides the report. A survey export named with ``SURVEY=`` is read from where it is,
as the build it checks read it. Git is pointed at this project's repository, so
the rebuild states the same commit and build date as the build it checks. Every file
under ``output/`` and ``data/processed/`` is compared, except Great Expectations' data
docs (``provenance.is_data_docs``), which embed run times.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pipeline.ingest import inputs
from pipeline import paths
from pipeline.build import provenance
from pipeline.errors import InputError

COMPARED = ["output"]  # the processed datasets are published inside it (output/data/)
# ``make diff`` writes its change report into output/ after the build: not part of what a build makes.
NOT_BUILT = {"output/andringar.csv", "output/andringar.html"}


def verify(keep: Path | None = None, out=sys.stdout, progress=sys.stderr) -> int:
    """Rebuild, list every file that differs or exists on one side only; 0 when all are identical."""
    if not (paths.OUTPUT / "manifest.json").is_file():
        raise InputError("nothing to verify: output/manifest.json is missing; build the report first (make report).")
    if keep is not None and keep.exists() and any(keep.iterdir()):
        raise InputError(f"{keep}: the directory to keep the rebuild in must be new or empty.")
    snapshot = inputs.read()
    _same_survey(snapshot)
    copy = Path(keep).resolve() if keep is not None else Path(tempfile.mkdtemp(prefix="verify-"))
    try:
        print(f"[verify] rebuilding from a fresh copy of the inputs in {copy} …", file=progress, flush=True)
        start = time.perf_counter()
        copy_inputs(snapshot, copy)
        result = subprocess.run([sys.executable, "-m", "pipeline", "report"], cwd=copy,
                                env=_environment(copy, snapshot), capture_output=True, text=True)
        print(f"[verify] done in {time.perf_counter() - start:.1f} s", file=progress, flush=True)
        if result.returncode != 0:
            print(result.stdout + result.stderr, file=out)
            print("verify: the rebuild failed, so nothing was compared.", file=out)
            return 1
        differences, compared = compare(paths.ROOT, copy)
    finally:
        if keep is None:
            shutil.rmtree(copy, ignore_errors=True)
    for line in differences:
        print(line, file=out)
    if not differences:
        print(f"verify: all {compared} files under {' and '.join(d + '/' for d in COMPARED)} are byte-identical to a "
              "fresh rebuild (GX data docs under output/validation/ are not compared).", file=out)
        return 0
    changed = inputs.changes(snapshot)
    if changed:
        print(f"Inputs changed since output/ was built: {', '.join(changed)}", file=out)
    print(f"verify: {len(differences)} of {compared} files differ from a fresh rebuild; the published report is not "
          "what the current inputs and code build (run 'make report', or find what varies between builds).", file=out)
    return 1


def _same_survey(snapshot: inputs.Snapshot) -> None:
    """The rebuild must read the survey data the published build read: say so when it would not."""
    recorded = json.loads((paths.OUTPUT / "manifest.json").read_text(encoding="utf-8")).get("survey") or {}
    built_with = recorded.get("file") if recorded.get("data") == "export" else None
    given = snapshot.export.name if snapshot.export is not None else None
    if built_with and not given:
        raise InputError(f"output/ was built from the survey export '{built_with}'; name it again to verify "
                         f"that build: make verify SURVEY=/path/to/{built_with} (or survey_export in "
                         f"{inputs.LOCAL_SETTINGS}).")
    if given and not built_with:
        raise InputError(f"output/ was built from the synthetic demo survey, but '{given}' is named as the survey "
                         "export; verify without it, or build with it first (make report).")


def copy_inputs(snapshot: inputs.Snapshot, target: Path) -> None:
    """The bytes the build reads, at the same places under ``target``.

    A survey export outside the project is read from where it is: the rebuild inherits the
    environment that names it.
    """
    for name, data in snapshot.files.items():
        if name.startswith(inputs.EXPORT_PREFIX):
            continue
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(data)


def _environment(copy: Path, snapshot: inputs.Snapshot) -> dict:
    # the copy has no report.local.yml: name the export the build read, if any
    export = str(snapshot.export) if snapshot.export is not None else ""
    env = {**os.environ, "PYTHONPATH": str(copy), "GIT_OPTIONAL_LOCKS": "0", inputs.EXPORT_VARIABLE: export}
    git_dir = subprocess.run(["git", "rev-parse", "--absolute-git-dir"], cwd=paths.ROOT, capture_output=True,
                             text=True)
    if git_dir.returncode == 0:
        env.update(GIT_DIR=git_dir.stdout.strip(), GIT_WORK_TREE=str(paths.ROOT))
    else:  # not a repository: neither is the copy, whatever lies above it
        env["GIT_CEILING_DIRECTORIES"] = str(copy.parent)
    return env


def files(root: Path) -> set[str]:
    """The compared files under ``root``, as paths from it."""
    found = set()
    for directory in COMPARED:
        base = root / directory
        for path in base.rglob("*") if base.is_dir() else []:
            if path.is_file() and not (directory == "output" and provenance.is_data_docs(path.relative_to(base))):
                found.add(path.relative_to(root).as_posix())
    return found - NOT_BUILT


def compare(published: Path, rebuilt: Path) -> tuple[list[str], int]:
    """One line per file that differs or exists on one side only, and how many files were compared."""
    left, right = files(published), files(rebuilt)
    lines = []
    for name in sorted(left | right):
        if name not in right:
            lines.append(f"only in the published build: {name}")
        elif name not in left:
            lines.append(f"only in the rebuild: {name}")
        elif provenance.sha256(published / name) != provenance.sha256(rebuilt / name):
            lines.append(f"differs: {name}")
    return lines, len(left | right)
