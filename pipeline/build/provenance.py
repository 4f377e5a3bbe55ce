"""What made this build: inputs and their checksums, code version, parameters, packages.

The date a build stamps on its files is the edition's date, set in report.yml
(``edition_date``), never the clock or the commit: two builds of the same code, data and
parameters are byte-identical, and an edition keeps its date when it is rebuilt later.
"""
import datetime as dt
import hashlib
import json
import platform
import subprocess
from importlib import metadata
from pathlib import Path

from pipeline import paths

PACKAGES = ["great-expectations", "pandas", "numpy", "matplotlib", "seaborn", "papermill", "nbconvert",
            "nbformat", "nbclient", "ipykernel", "ipython", "weasyprint", "pyyaml", "jinja2", "openpyxl",
            "pillow", "watchfiles"]


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _git(*args: str) -> str | None:
    try:
        result = subprocess.run(["git", *args], cwd=paths.ROOT, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return result.stdout.strip()


def code_version() -> dict:
    """The commit, its date and whether tracked files were edited (``dirty``: None outside a git repository)."""
    commit = _git("rev-parse", "HEAD")
    date = _git("log", "-1", "--format=%cs") if commit else None
    status = _git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit or "okänd", "date": date or "okänt datum",
            "dirty": bool(status) if status is not None else None}


def build_datetime() -> dt.datetime:
    """The edition's date (report.yml: ``edition_date``) at midnight, for every date a build stamps.

    The workbook's zip entries and the PDFs' embedded fonts (``SOURCE_DATE_EPOCH``) carry it,
    so the files of an edition say when it was published, whenever they were built.
    """
    from pipeline import config

    return edition_datetime(config.load())


def edition_datetime(params) -> dt.datetime:
    """``build_datetime`` from parameters already read (a build uses the report.yml it read once)."""
    return dt.datetime.combine(params.edition_date, dt.time())


def is_data_docs(relative: Path) -> bool:
    """GX's generated data docs: the one part of output/ that is not byte-identical."""
    return relative.parts[:1] == ("validation",) and relative.name != paths.VALIDATION_RESULTS


def survey_source(snapshot) -> dict:
    """Which survey data the edition used: the committed demo file, or the export by file name and checksum."""
    from pipeline.ingest import inputs

    name = inputs.raw_name(f"{paths.SURVEY_RAW_NAME}.csv", snapshot.export)
    return {"data": "export" if snapshot.export is not None else "demo",
            "file": snapshot.export.name if snapshot.export is not None else name,
            "sha256": snapshot.digests.get(name)}


def manifest(runs: list, output_dir: Path, snapshot) -> dict:
    """The manifest written to ``output/manifest.json`` (its own entry excluded).

    ``inputs`` are the checksums of the bytes the build read and validated
    (``inputs.Snapshot``), which the next ``make report`` compares with what is on disk.
    A survey export outside the project is named by its file name, never by its path.
    """
    outputs = [
        {"path": str(p.relative_to(output_dir)), "bytes": p.stat().st_size, "sha256": sha256(p)}
        for p in sorted(output_dir.rglob("*"))
        if p.is_file() and p.name != "manifest.json" and not is_data_docs(p.relative_to(output_dir))
    ]
    packages = {}
    for name in PACKAGES:
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            packages[name] = None
    return {
        "code": code_version(),
        "python": platform.python_version(),
        "packages": packages,
        "inputs": snapshot.entries(),
        "survey": survey_source(snapshot),
        "notebooks": [{"notebook": f"notebooks/{r.notebook}", "executed": f"output/notebooks/{r.executed}",
                       "parameters": r.parameters} for r in runs],
        "outputs": outputs,
        "note": "output/validation/ holds Great Expectations' data docs, which embed run ids and times; "
                f"they are left out of the output checksums. output/validation/{paths.VALIDATION_RESULTS} is included.",
    }


def write_manifest(data: dict, target: Path) -> None:
    target.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
