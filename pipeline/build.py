"""The build, stage by stage: validate → process → execute → render → publish.

Every stage writes into a staging tree; ``publish`` swaps it in only at the end, so a
failure (bad data, a notebook error, a killed process) leaves ``output/`` and
``data/processed/`` as they were.
"""
import json
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import nbformat

from pipeline import audit, config, paths, process, provenance, publish, report, sections, validation


class Progress:
    """Prints one line per stage with its duration, and keeps the timings."""

    def __init__(self, stream=sys.stdout):
        self.stream = stream
        self.timings: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str, what: str):
        print(f"[{name}] {what} …", file=self.stream, flush=True)
        start = time.perf_counter()
        yield
        seconds = time.perf_counter() - start
        self.timings[name] = self.timings.get(name, 0.0) + seconds
        print(f"[{name}] done in {seconds:.1f} s", file=self.stream, flush=True)


def validate_only(progress: Progress) -> None:
    """``make validate``: check raw data and publish the data docs to ``output/validation/``."""
    params = config.load()
    stage = publish.new_stage()
    try:
        docs = stage / "validation"
        with progress.stage("validate", "checking data/raw/ against expectations/"):
            _, summary = validation.validate_all(params, docs_dir=docs)
            _write_results(summary, docs)
        publish.swap_in(docs, paths.OUTPUT / "validation")
    finally:
        publish.discard(stage)
    print(f"All {len(summary)} raw files passed validation; data docs in output/validation/index.html")


def _write_results(summary: dict, docs: Path) -> None:
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "results.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                                       encoding="utf-8")


def build_report(progress: Progress, runs: list[sections.Run] | None = None) -> dict:
    """The whole report; returns a summary for the closing lines."""
    params = config.load()
    runs = runs if runs is not None else sections.report_runs()
    stage = publish.new_stage()
    try:
        output = stage / "output"
        with progress.stage("validate", "checking data/raw/ against expectations/"):
            tables, summary = validation.validate_all(params, docs_dir=output / "validation")
            _write_results(summary, output / "validation")
        with progress.stage("process", "computing data/processed/"):
            frames = process.build(tables, params)
            process.write_all(frames, stage / "data" / "processed")
        with progress.stage("audit", "writing output/audit/ (published figures recomputed)"):
            write_audit(frames["reconciliation"], output / "audit", params.title)
        with progress.stage("execute", f"running {len(runs)} notebook(s) with papermill"):
            report.execute_all(runs, stage)
        with progress.stage("html", "rendering output/report.html"):
            page = render_report(runs, stage, params)
            (output / "report.html").write_text(page, encoding="utf-8")
        with progress.stage("pdf", "printing output/report.pdf"):
            report.write_pdf(page, output / "report.pdf", output)
        with progress.stage("manifest", "writing output/manifest.json"):
            provenance.write_manifest(provenance.manifest(runs, output), output / "manifest.json")
        with progress.stage("publish", "swapping the new build into output/ and data/processed/"):
            publish.publish(stage)
    except BaseException:
        publish.discard(stage)
        raise
    return {"files": len(summary), "runs": len(runs), "audit": audit.counts(frames["reconciliation"])}


def write_audit(reconciliation, directory: Path, title: str) -> None:
    """``reconciliation.csv`` (plain numbers, decimal point) and a readable HTML page beside it."""
    from pipeline import audit_views

    directory.mkdir(parents=True, exist_ok=True)
    reconciliation[audit.COLUMNS].to_csv(directory / "reconciliation.csv", index=False, lineterminator="\n",
                                         float_format="%.10g")
    (directory / "reconciliation.html").write_text(audit_views.page(reconciliation, title), encoding="utf-8")


def render_report(runs: list[sections.Run], stage: Path, params: config.ReportParams) -> str:
    """Join the executed notebooks into one page with title page, contents and provenance."""
    used: set[str] = set()
    chapters, toc = [], []
    for run in runs:
        notebook = nbformat.read(stage / "output" / "notebooks" / run.executed, as_version=4)
        body, headings = report.assign_heading_ids(report.notebook_body(notebook), run.key, used)
        chapters.append({"key": run.key, "body": body})
        for heading in headings:
            if heading["level"] == 2:
                toc.append({**heading, "children": []})
            elif heading["level"] == 3 and toc:
                toc[-1]["children"].append(heading)
    toc.append({"id": "proveniens", "text": "Proveniens", "children": []})
    import pandas as pd

    from pipeline import datasets, formatting

    turnover = datasets.load("turnover", stage / "data" / "processed")
    last_year = int(turnover["year"].max())
    version = provenance.code_version()
    inputs = []
    for path in provenance.input_files():
        if path.parent == paths.RAW:
            rows = len(pd.read_csv(path, dtype=str, keep_default_na=False))
            inputs.append({**provenance.describe(path), "rows": formatting.number(rows)})
    context = {
        "title": params.title,
        "subtitle": f"rapport av arbetet åren {formatting.year_range(params.action_plan_start, last_year)}",
        "publisher": params.publisher,
        "diarienummer": params.diarienummer,
        "build_date": version["date"],
        "commit": version["commit"],
        "commit_short": version["commit"][:10],
        "dirty": version["dirty"],
        "inputs": inputs,
        "toc": toc,
        "manifest_href": "manifest.json",
        "validation_href": "validation/index.html",
        "synthetic_note": None,
    }
    return report.render_page(chapters, context)
