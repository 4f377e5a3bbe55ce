"""The build, stage by stage: validate → process → execute → render → publish.

Every stage writes into a staging tree; ``publish`` swaps it in only at the end, so a
failure (bad data, a notebook error, a killed process) leaves ``output/`` and
``data/processed/`` as they were.
"""
import datetime as dt
import functools
import io
import json
import os
import re
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pipeline.process import administration, audit, compute, survey
from pipeline.build import cache, notebooks, provenance, publish, sections
from pipeline import config, paths
from pipeline.ingest import inputs, validation
from pipeline.errors import InputError
from pipeline.ingest.schemas import RAW_FILES


class Progress:
    """Prints one line per stage with its duration, and keeps the timings."""

    def __init__(self, stream=sys.stdout):
        self.stream = stream
        self.timings: dict[str, float] = {}
        self.within: set[str] = set()  # stages run inside another (their time is part of it)
        self._open = 0

    @contextmanager
    def stage(self, name: str, what: str):
        print(f"[{name}] {what} …", file=self.stream, flush=True)
        if self._open:
            self.within.add(name)
        self._open += 1
        start = time.perf_counter()
        try:
            yield
        finally:
            self._open -= 1
        seconds = time.perf_counter() - start
        self.timings[name] = self.timings.get(name, 0.0) + seconds
        print(f"[{name}] done in {seconds:.1f} s", file=self.stream, flush=True)

    def total(self) -> float:
        """The stages' seconds, each counted once."""
        return sum(seconds for name, seconds in self.timings.items() if name not in self.within)


def _start(snapshot: inputs.Snapshot | None) -> tuple[inputs.Snapshot, config.ReportParams]:
    """The inputs read once, checked for what no suite can see, and the parameters from them."""
    snapshot = snapshot if snapshot is not None else inputs.read()
    known = {spec.filename for spec in RAW_FILES} | {survey.RAW_NAME + survey.META_SUFFIX}
    unknown = inputs.unknown_raw_files(snapshot, known)
    if unknown:
        named = [f"data/raw/{name}" for name in unknown]
        listed = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
        verb = "is not one of the report's raw files" if len(named) == 1 else "are not among the report's raw files"
        raise InputError(
            f"{listed} {verb} ({', '.join(sorted(known))}). Every file in data/raw/ is read, so that no data is "
            "silently left out: add new rows to the existing file (next year's turnover to data/raw/turnover.csv), "
            "and move copies and other files out of data/raw/. Office lock files (~$…, .~lock…#) are ignored; "
            "see data/raw/README.md.")
    return snapshot, config.load(text=config.decode(snapshot.files.get("report.yml")))


def validate_only(progress: Progress, snapshot: inputs.Snapshot | None = None) -> None:
    """``make validate``: check raw data and publish the data docs to ``output/validation/``."""
    snapshot, params = _start(snapshot)
    stage = publish.new_stage()
    try:
        docs = stage / "validation"
        _, summary = _validated(progress, params, snapshot, docs)
        publish.swap_in(docs, paths.OUTPUT / "validation")
    finally:
        publish.discard(stage)
    print(f"All {len(summary)} raw files passed validation; data docs in output/validation/index.html")


def _write_results(summary: dict, docs: Path) -> None:
    docs.mkdir(parents=True, exist_ok=True)
    text = json.dumps(summary, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    (docs / paths.VALIDATION_RESULTS).write_text(text, encoding="utf-8")


def build_report(progress: Progress, snapshot: inputs.Snapshot | None = None) -> dict:
    """The whole report from ``snapshot`` (the inputs as read once); returns a summary for the closing lines."""
    snapshot, params = _start(snapshot)
    publish.check_publishable()
    stage = publish.new_stage()
    try:
        # the validator is a process of its own, started only when a raw file must go through GX (see
        # _process_while_validating): GX stays imported there for the data docs it writes while the PDFs print
        with notebooks.worker_pool(ignore_interrupt=True) as pool, \
                notebooks.worker_pool(ignore_interrupt=True, processes=1) as validator:
            runs, frames, summary, _ = _build_in(stage, params, progress, pool, snapshot, validator=validator)
        with progress.stage("publish", "swapping the new build into output/ and data/processed/"):
            publish.publish(stage)
        cache.prune()
    except BaseException:
        publish.discard(stage)
        raise
    return {"files": len(summary), "runs": len(runs), "audit": audit.counts(frames["reconciliation"])}


@dataclass(frozen=True)
class FirstPages:
    """``make preview``: the pages open in the browser, built and served before the others.

    ``wanted()`` names them as paths under output/ ("administrations/skarpnack.html"), asked once
    the data are processed; ``serve`` gets those pages (path → HTML) as soon as their notebooks
    have run, while the other notebooks still run. A district page needs one notebook, the report
    all of them: after one district cell changed, that district's open page is served after
    about 0.3 s of notebook instead of the 4 s of all 22 (see ``first_runs``).
    """

    wanted: Callable[[], set[str]]
    serve: Callable[[dict[str, str]], None]


def first_runs(runs: list[sections.Run], pages, params: config.ReportParams, wanted: set[str]) -> list[sections.Run]:
    """The runs that the ``wanted`` pages are made of, when they are fewer than all: an administration's page
    is its own run; report.html is every run (then none go first); other pages (the index, the audit's and
    the data docs' pages) are made of no run."""
    by_page = {f"administrations/{p.slug}.html": sections.administration_run(p.name, p.slug, params).key
               for p in pages.itertuples()}
    if "report.html" in wanted:
        return []
    keys = {by_page[page] for page in wanted if page in by_page}
    early = [run for run in runs if run.key in keys]
    return early if len(early) < len(runs) else []


def build_preview(progress: Progress, pool, target: Path, snapshot: inputs.Snapshot | None = None,
                  memo: dict | None = None, first: FirstPages | None = None, validator=None) -> dict:
    """``make preview``: the report's HTML pages into ``target`` (not ``output/``), swapped in whole.

    The same steps as ``build_report`` without the workbook, the PDFs, the manifest and
    publishing; ``pool`` is the preview's warm worker pool and ``validator`` its warm GX process,
    both kept between rebuilds. ``memo`` (a dict the preview keeps between rebuilds) holds the
    last validated tables and processed data: while no raw file, suite or parameter changed they
    are reused as they are. ``first``: the pages open in the browser, served before the whole
    build is swapped in. The data docs are left out when they would have to be written: "docs"
    in the result is then a function that writes them into ``target`` (the caller calls it after
    serving the pages), else None. The caller prunes the cache, once the new build is announced.
    """
    snapshot, params = _start(snapshot)
    stage = publish.new_stage()
    try:
        runs, frames, summary, verdict = _build_in(stage, params, progress, pool, snapshot, complete=False,
                                                   memo=memo, first=first, validator=validator)
        with_docs = (stage / "output" / "validation").is_dir()
        publish.swap_in(stage / "output", target)
    finally:
        publish.discard(stage)
    docs = None if with_docs else functools.partial(_preview_docs, verdict, validator, params, snapshot,
                                                    target / "validation")
    return {"files": len(summary), "runs": len(runs), "docs": docs}


def _preview_docs(verdict: "_Verdict", validator, params: config.ReportParams, snapshot: inputs.Snapshot,
                  target: Path) -> None:
    """The data docs of a preview built without them, into ``target`` in one rename, by the validator.

    Every file's result is in the cache by then, so no file is validated again: GX only writes the pages."""
    stage = publish.new_stage()
    try:
        docs = stage / "validation"
        wait = verdict.write_docs(docs)
        if wait is None and validator is not None:  # the data were reused from the last preview build
            wait = _docs_by(validator, params, snapshot, verdict, docs)
        if wait is not None:
            wait()
        else:
            _validated(Progress(io.StringIO()), params, snapshot, docs)
        os.rename(docs, target)
    finally:
        publish.discard(stage)


def _build_in(stage: Path, params: config.ReportParams, progress: Progress, pool,
              snapshot: inputs.Snapshot, complete: bool = True, memo: dict | None = None,
              validator=None, first: "FirstPages | None" = None) -> tuple[list, dict, dict, "_Verdict"]:
    """Every stage up to publishing, into ``stage``; without the workbook, PDFs and manifest unless ``complete``.

    ``memo``, ``first``: see ``build_preview``. ``validator``: a pool of one process for GX."""
    output = stage / "output"
    notebooks.stamp_date(provenance.edition_datetime(params))
    # make report: the validator writes the data docs while the PDFs print; without one they are written in this
    # process then (below); the preview has them written after serving (build_preview)
    key = validation_key(params, snapshot) if memo is not None else None
    if validator is not None and not (memo and memo.get("key") == key):
        verdict, frames, tables = _process_while_validating(progress, params, stage, snapshot, validator)
        if memo is not None:
            _remember(memo, key, tables, verdict.summary(), frames, stage / "data" / "processed")
    else:
        _, summary, frames = _validate_and_process(progress, params, stage, snapshot, memo, with_docs=False)
        verdict = _Verdict(progress, summary=summary)
    with progress.stage("audit", "writing output/audit/ (published figures recomputed)"):
        write_audit(frames["reconciliation"], output / "audit", params.title)
    pages = administration.pages(frames["administrations"])
    runs = sections.report_runs(pages, params)
    summary = verdict.summary()  # no notebook runs on data that failed validation
    with progress.stage("execute", f"running {len(runs)} notebooks with papermill on {notebooks.workers()} cores"):
        early = first_runs(runs, pages, params, first.wanted()) if first is not None and pool is not None else []
        futures = {run.key: pool.submit(notebooks.execute_and_render, run, stage) for run in early}
        # the index's small multiples, drawn by a worker beside the notebooks (see index_items)
        drawn = pool.submit(index_items, stage / "data" / "processed",
                            [(p.name, p.slug) for p in pages.itertuples()]) if pool is not None else None
        if pool is None:
            reused = notebooks.execute_all(runs, stage)
        else:
            futures |= {run.key: pool.submit(notebooks.execute_and_render, run, stage)
                        for run in runs if run.key not in futures}
            if early:
                for run in early:
                    futures[run.key].result()
                documents = render_documents(early, stage, params, pages, summary, snapshot, with_report=False)
                first.serve({target.relative_to(output).as_posix(): text for target, text in documents.items()})
                print(f"[execute] served first, as open in the browser: "
                      f"{', '.join(sorted(t.relative_to(output).as_posix() for t in documents))}",
                      file=progress.stream, flush=True)
            reused = [futures[run.key].result() for run in runs]
        if drawn is not None:
            drawn.result()
        print(f"[execute] {len(runs) - sum(reused)} executed; {sum(reused)} reused, their notebook, parameters, "
              "code and the datasets they read being unchanged", flush=True)
    with progress.stage("html", "rendering output/report.html and output/administrations/"):
        documents = render_documents(runs, stage, params, pages, summary, snapshot)
        for target, text in documents.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    if complete:
        printed = {t: text for t, text in documents.items() if t.name != "index.html"}

        def workbook():
            """In this process while the workers print: about 1 s of workbook, and the data docs (1.6 s in the
            validator, or in this process when no validator ran) off a build."""
            docs = verdict.write_docs(output / "validation")
            with progress.stage("workbook", "writing output/tabeller.xlsx while the PDFs print"):
                write_workbook(output / "tabeller.xlsx", stage / "data" / "processed", params)
            if docs is not None:
                with progress.stage("docs", "the data docs in output/validation/, written by the validator"):
                    docs()
            if not (output / "validation").is_dir():
                with progress.stage("docs", "writing the data docs to output/validation/ while the PDFs print"):
                    _validated(Progress(io.StringIO()), params, snapshot, output / "validation")

        with progress.stage("pdf", f"printing {len(printed)} PDFs"):
            notebooks.write_pdfs([(text, target.with_suffix(".pdf")) for target, text in printed.items()], pool,
                                 meanwhile=workbook)
    # the processed datasets are published inside output/ (output/data/, linked from data/processed)
    os.rename(stage / "data" / "processed", output / publish.DATA)
    if complete:
        with progress.stage("manifest", "writing output/manifest.json"):
            provenance.write_manifest(provenance.manifest(runs, output, snapshot), output / "manifest.json")
    return runs, frames, summary, verdict


def build_administration(progress: Progress, name: str, snapshot: inputs.Snapshot | None = None) -> Path:
    """``make administration NAME=…``: one administration's page, published beside the others.

    Only that page's HTML, PDF and executed notebook are replaced; the rest of ``output/``
    and ``data/processed/`` stay as the last full build left them.
    """
    snapshot, params = _start(snapshot)
    notebooks.stamp_date(provenance.edition_datetime(params))
    stage = publish.new_stage()
    try:
        tables, summary, frames = _validate_and_process(progress, params, stage, snapshot, with_docs=False)
        pages = administration.pages(frames["administrations"])
        try:
            page = administration.lookup(frames["administrations"], name)
        except KeyError as exc:
            raise InputError(str(exc.args[0])) from None
        run = sections.administration_run(page["name"], page["slug"], params)
        with progress.stage("execute", f"running the page of {name}"):
            notebooks.execute_all([run], stage)
        with progress.stage("html", f"rendering output/administrations/{page['slug']}.html"):
            documents = render_documents([run], stage, params, pages, summary, snapshot, with_report=False)
            (target, text), = documents.items()
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        with progress.stage("pdf", f"printing output/administrations/{page['slug']}.pdf"):
            notebooks.write_pdfs([(text, target.with_suffix(".pdf"))])
        with progress.stage("publish", "moving the page into output/administrations/"):
            for staged in [target, target.with_suffix(".pdf"), stage / "output" / "notebooks" / run.executed]:
                published = paths.OUTPUT / staged.relative_to(stage / "output")
                published.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staged, published)
    finally:
        publish.discard(stage)
    return paths.OUTPUT / "administrations" / f"{page['slug']}.html"


def _validate_and_process(progress: Progress, params: config.ReportParams, stage: Path, snapshot: inputs.Snapshot,
                          memo: dict | None = None, with_docs: bool = True):
    """Validated tables, the summary and the processed frames, with data/processed/ and the data docs in ``stage``.

    With ``memo`` (``make preview``): reused from the last preview build while ``validation_key``,
    which covers every byte validation and processing read, is unchanged; then this takes
    about 0.1 s instead of 1.5 s (measured: a notebook's text saved, the page served in 3.0 s
    without it).

    Without ``with_docs``, data docs not in the cache are not written here: ``_build_in``
    writes them while the PDFs print, the preview after serving (``_preview_docs``), and
    ``make administration`` does not publish them.
    """
    output = stage / "output"
    processed = stage / "data" / "processed"
    _stage_sources(snapshot, stage)
    key = validation_key(params, snapshot)
    if memo is not None and memo.get("key") == key:
        with progress.stage("validate", "data/raw/, expectations/ and report.yml unchanged since the last preview: "
                                        "reusing its validated tables and data/processed/"):
            cache.fetch_tree("validation", key, output / "validation")
            for name, data in memo["processed"].items():
                (processed / name).parent.mkdir(parents=True, exist_ok=True)
                (processed / name).write_bytes(data)
        return memo["tables"], memo["summary"], memo["frames"]
    tables, summary = _validated(progress, params, snapshot, output / "validation", with_docs=with_docs)
    with progress.stage("process", "computing data/processed/"):
        frames = compute.build(tables, params, compute.sources(snapshot.export))
        compute.write_all(frames, processed, validation.synthetic(snapshot=snapshot))
    if memo is not None:
        _remember(memo, key, tables, summary, frames, processed)
    return tables, summary, frames


def _remember(memo: dict, key: str, tables: dict, summary: dict, frames: dict, processed: Path) -> None:
    """What the next preview build reuses while ``validation_key`` stays ``key`` (``_validate_and_process``)."""
    memo.clear()
    memo.update(key=key, tables=tables, summary=summary, frames=frames,
                processed={p.relative_to(processed).as_posix(): p.read_bytes()
                           for p in sorted(processed.rglob("*")) if p.is_file()})


class KeptResults(validation.Earlier):
    """Each raw file's passed validation in the build cache (kind ``validated``), keyed with the code's digest.

    Measured on the 2-core machine: importing GX takes about 3.4 s, running one file's suite
    0.1–0.5 s (2.2 s for all eleven) and writing the data docs 1.6 s; after one raw cell changed,
    only that file is run again instead of all eleven.
    """

    def get(self, key: str) -> bytes | None:
        return cache.read("validated", cache.digest(key, cache.code_digest()))

    def put(self, key: str, data: bytes) -> None:
        cache.write("validated", cache.digest(key, cache.code_digest()), data)


class _Verdict:
    """Validation's outcome, while a worker may still be validating (``_process_while_validating``).

    ``summary()`` waits for it: the summary of a passing validation, or validation's ``InputError``
    for data that failed, whatever the build made of that data meanwhile. ``write_docs`` has the
    validator write the data docs.
    """

    def __init__(self, progress: Progress, future=None, summary: dict | None = None, docs=None):
        self.progress, self.future, self._summary, self._docs = progress, future, summary, docs

    def write_docs(self, target: Path):
        """Start the data docs in the validator; a function that waits for them. None: no validator ran."""
        if self._docs is None:
            return None
        self.summary()
        return self._docs(target)

    def summary(self) -> dict:
        if self._summary is None:
            summary, checked, seconds = self.future.result()
            stream = self.progress.stream
            print(f"[validate] {len(checked)} checked with GX ({', '.join(checked) or 'none'}); "
                  f"{len(summary) - len(checked)} reused, their bytes, suite and suite parameters unchanged since they "
                  "passed", file=stream, flush=True)
            print(f"[validate] done in {seconds:.1f} s, beside processing", file=stream, flush=True)
            self.progress.timings["validate"] = self.progress.timings.get("validate", 0.0) + seconds
            self.progress.within.add("validate")
            self._summary = summary
        return self._summary


def _validate_in_worker(params: config.ReportParams, snapshot: inputs.Snapshot) -> tuple[dict, list[str], float]:
    """``validation.validate_all`` in the validator process: (summary, files run through GX, seconds).

    The tables stay in the worker: the build has read the same ones from the same bytes. The data
    docs are not written yet: the notebooks wait for this verdict, the docs (1.6 s) need not
    (``_docs_in_worker``)."""
    start = time.perf_counter()
    checked: list[str] = []
    _, summary = validation.validate_all(params, snapshot=snapshot, earlier=KeptResults(), checked=checked)
    return summary, checked, time.perf_counter() - start


def _docs_in_worker(params: config.ReportParams, snapshot: inputs.Snapshot, docs: Path) -> None:
    """The data docs into ``docs``, in the validator process, where GX is imported already.

    Every file's passing result is in the cache by then (``KeptResults``, kept by ``_validate_in_worker``),
    so none is validated again: GX only writes the pages, as for the preview (``_preview_docs``)."""
    validation.validate_all(params, docs_dir=docs, snapshot=snapshot, earlier=KeptResults())


def _docs_by(validator, params: config.ReportParams, snapshot: inputs.Snapshot, verdict: _Verdict, target: Path):
    """Start the data docs in ``validator`` (``_docs_in_worker``); a function that waits for them and keeps them."""
    written = validator.submit(_docs_in_worker, params, snapshot, target)

    def wait() -> None:
        written.result()
        _write_results(verdict.summary(), target)  # as ``_validated`` keeps a passing validation
        cache.store_tree("validation", validation_key(params, snapshot), target)

    return wait


def _process_while_validating(progress: Progress, params: config.ReportParams, stage: Path,
                              snapshot: inputs.Snapshot, validator) -> tuple[_Verdict, dict, dict]:
    """``make report``: data/processed/ computed while the validator process runs the changed files through GX.

    GX's import alone takes about 3 s, and a rebuild after one raw cell changed used to wait for
    it before anything else ran. Here the tables are read from the very bytes the validator
    checks (``validation.read_validated``, the same function a cached validation uses), and
    processing goes on meanwhile; no notebook runs before the verdict (``_Verdict.summary``).
    Data that fails validation stops the build with validation's message, even when processing
    failed on that data first. The validator writes the data docs later, while the PDFs print
    (``_Verdict.write_docs``): in the verdict they cost the one-cell rebuild 1.6 s. (Warming the
    notebook workers meanwhile did not pay: it slowed GX's import and processing as much as it saved.)
    Inputs that passed validation unchanged need no validator. Returns the verdict, the processed
    frames and the tables they were computed from.
    """
    output = stage / "output"
    processed = stage / "data" / "processed"
    _stage_sources(snapshot, stage)
    earlier = _passed_unchanged(progress, params, snapshot, output / "validation")
    if earlier is not None:
        tables, summary = earlier
        verdict = _Verdict(progress, summary=summary)
    else:
        def docs(target: Path):  # the data docs, written in the validator while the PDFs print
            return _docs_by(validator, params, snapshot, verdict, target)

        kept = _every_file_kept(progress, params, snapshot)
        if kept is not None:
            tables, summary = kept
            verdict = _Verdict(progress, summary=summary, docs=docs)
        else:
            print("[validate] checking data/raw/ against expectations/ in a process of its own, while the build "
                  "goes on …", file=progress.stream, flush=True)
            verdict = _Verdict(progress, future=validator.submit(_validate_in_worker, params, snapshot), docs=docs)
            try:
                tables = validation.read_validated(snapshot, params)
            except Exception:
                verdict.summary()
                raise
    with progress.stage("process", "computing data/processed/"):
        try:
            frames = compute.build(tables, params, compute.sources(snapshot.export))
            compute.write_all(frames, processed, validation.synthetic(snapshot=snapshot))
        except Exception:
            verdict.summary()
            raise
    return verdict, frames, tables


def _every_file_kept(progress: Progress, params: config.ReportParams,
                     snapshot: inputs.Snapshot) -> tuple[dict, dict] | None:
    """The tables and summary when every raw file's passing result is kept (``KeptResults``) though the whole
    validation's data docs are not: report.yml changed in a parameter no suite takes (its title, the edition's
    date), or a build was stopped before it published. Then no GX is needed for the verdict, and the notebooks
    do not wait 3 s for its import; only the data docs need it, later. None when a file must go through GX
    (finding out costs about 0.1 s of reading the files as text)."""
    start = time.perf_counter()
    try:
        tables, summary = validation.validate_all(params, snapshot=snapshot, earlier=KeptResults(), gx=False)
    except validation.NotKept:
        return None
    seconds = time.perf_counter() - start
    print("[validate] every raw file passed with these bytes, suite and suite parameters before: its result is "
          f"reused, GX is not needed\n[validate] done in {seconds:.1f} s", file=progress.stream, flush=True)
    progress.timings["validate"] = progress.timings.get("validate", 0.0) + seconds
    return tables, summary


def _passed_unchanged(progress: Progress, params: config.ReportParams, snapshot: inputs.Snapshot,
                      docs: Path) -> tuple[dict, dict] | None:
    """The tables and summary when nothing changed since a passing validation (``validation_key``): its data
    docs unpacked into ``docs``, GX not imported. None otherwise."""
    key = validation_key(params, snapshot)
    if not cache.fetch_tree("validation", key, docs):
        return None
    with progress.stage("validate", "data/raw/, expectations/ and report.yml unchanged since they passed "
                                    "validation: reusing those results and data docs"):
        tables = validation.read_validated(snapshot, params)
        summary = json.loads((docs / paths.VALIDATION_RESULTS).read_text(encoding="utf-8"))
    return tables, summary


def _validated(progress: Progress, params: config.ReportParams, snapshot: inputs.Snapshot, docs: Path,
               with_docs: bool = True):
    """The typed tables and the summary, with the data docs and results.json in ``docs``.

    Without ``with_docs`` data docs not in the cache are not written, and ``docs`` is left absent.

    Nothing changed since a passing validation (``validation_key``): its data docs are unpacked
    and GX is not imported. Otherwise only the files whose bytes, suite or suite parameters
    changed are run through GX; the others' results come from the cache (``KeptResults``),
    and the data docs are written for every file.
    """
    earlier = _passed_unchanged(progress, params, snapshot, docs)
    if earlier is not None:
        return earlier
    key = validation_key(params, snapshot)
    checked: list[str] = []
    with progress.stage("validate", "checking data/raw/ against expectations/"):
        tables, summary = validation.validate_all(params, docs_dir=docs if with_docs else None, snapshot=snapshot,
                                                  earlier=KeptResults(), checked=checked)
        reused = len(summary) - len(checked)
        print(f"[validate] {len(checked)} checked with GX ({', '.join(checked) or 'none'}); {reused} reused, their "
              "bytes, suite and suite parameters unchanged since they passed", file=progress.stream, flush=True)
    if with_docs:
        _write_results(summary, docs)
        cache.store_tree("validation", key, docs)
    return tables, summary


def validation_key(params: config.ReportParams, snapshot: inputs.Snapshot, today: dt.date | None = None) -> str:
    """A digest of everything that decides validation's outcome.

    The raw files (and the survey's meta file) and the suites as the build read them,
    report.yml's parameters, the year (the suites' upper bounds) and the code with its
    package lock. When the digest equals that of an earlier passing validation, the build
    reuses its results and data docs instead of importing GX again (``_validate_and_process``).
    """
    from dataclasses import asdict

    read = {name: digest for name, digest in snapshot.digests.items()
            if name.startswith(("data/raw/", inputs.EXPORT_PREFIX, "expectations/"))}
    return cache.digest("validation", json.dumps(read, sort_keys=True),
                        json.dumps(asdict(params), sort_keys=True, default=str),
                        str((today or dt.date.today()).year), cache.code_digest())


def _stage_sources(snapshot: inputs.Snapshot, stage: Path) -> None:
    """The notebooks and report.yml as the build read them, for the notebook runs (``report.execute``)."""
    for name, data in snapshot.files.items():
        if name.startswith("notebooks/") or name == "report.yml":
            target = stage / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)


def write_workbook(target: Path, processed_dir: Path, params: config.ReportParams) -> None:
    """Every report table on its own sheet, read from the processed files so that both agree exactly."""
    from pipeline.process import datasets
    from pipeline.present import workbook

    frames = {name: datasets.load(name, processed_dir) for name in datasets.DATASETS}
    notes = {}
    if survey.is_synthetic(processed_dir):
        notes["survey_shares"] = "OBS: syntetiska demonstrationsdata, inte verkliga svar."
    workbook.write(frames, target, provenance.edition_datetime(params), notes)


def write_audit(reconciliation, directory: Path, title: str) -> None:
    """``reconciliation.csv`` (plain numbers, decimal point) and a readable HTML page beside it."""
    from pipeline.present import audit_views

    directory.mkdir(parents=True, exist_ok=True)
    reconciliation[audit.COLUMNS].to_csv(directory / "reconciliation.csv", index=False, lineterminator="\n",
                                         float_format="%.10g")
    (directory / "reconciliation.html").write_text(audit_views.page(reconciliation, title), encoding="utf-8")


APPENDIX_TITLE = "Bilaga: Underlag och proveniens"  # the closing appendix: raw files, checksums, code version
ADMINISTRATIONS_HEADING = "Arbetet i förvaltningarna"
ADMINISTRATIONS_INTRO = (
    "Varje stadsdelsförvaltning och de centrala förvaltningarna redovisas för sig: förvaltningens fakta, "
    "personalrörligheten för de yrkesgrupper den har jämfört med alla stadsdelar, och medarbetarenkätens svar. "
    "Varje avsnitt finns också som egen sida under output/administrations/.")


def _chapters(runs: list[sections.Run], bodies: dict[str, str], in_report: bool) -> list[dict]:
    """Each executed notebook as HTML with unique heading ids, and its headings.

    In the report, the administrations' chapters sit one heading level below a shared
    heading; on their own pages they keep their levels.
    """
    import nbformat

    used: set[str] = set()
    chapters = []
    grouped = False
    for run in runs:
        is_admin = run.key.startswith("admin-")
        shift = 1 if (in_report and is_admin) else 0
        body, headings = notebooks.assign_heading_ids(bodies[run.key], run.key, used, shift)
        if in_report and is_admin and not grouped:
            grouped = True
            used.add("forvaltningarna")
            intro = (f'<h2 id="forvaltningarna">{ADMINISTRATIONS_HEADING}</h2>'
                     f"<p>{ADMINISTRATIONS_INTRO}</p>")
            chapters.append({"key": "forvaltningarna", "run": None, "body": intro,
                             "headings": [{"level": 2, "id": "forvaltningarna", "text": ADMINISTRATIONS_HEADING}]})
        chapters.append({"key": run.key, "run": run, "body": body, "headings": headings})
    return chapters


def _toc(chapters: list[dict]) -> list[dict]:
    toc = []
    for chapter in chapters:
        for heading in chapter["headings"]:
            if heading["level"] == 2:
                toc.append({**heading, "children": []})
            elif heading["level"] == 3 and toc:
                toc[-1]["children"].append(heading)
    return toc


def _summary_apart(chapters: list[dict]) -> tuple[dict | None, list[dict]]:
    """The Sammanfattning, shown between the title and the table of contents, and the other chapters.

    Its links name a chapter by run key (``href="#turnover"``, see present/summary_views.py): each
    becomes the id of that chapter's first heading.
    """
    first = next((c for c in chapters if c["key"] == sections.SUMMARY), None)
    if first is None:
        return None, chapters
    body = first["body"]
    for chapter in chapters:
        if chapter["headings"]:
            body = body.replace(f'href="#{chapter["key"]}"', f'href="#{chapter["headings"][0]["id"]}"')
    return {**first, "body": body}, [c for c in chapters if c is not first]


def render_documents(runs: list[sections.Run], stage: Path, params: config.ReportParams, pages, summary: dict,
                     snapshot: inputs.Snapshot, with_report: bool = True) -> dict[Path, str]:
    """Target path → HTML: the report, each administration's page and the pages' index."""
    output = stage / "output"
    context = _context(stage, params, summary, snapshot)
    # rendered by the workers right after each run (report.execute_all): read from the cache here
    bodies = {run.key: notebooks.executed_body(stage / "output" / "notebooks" / run.executed) for run in runs}
    documents = {}
    if with_report:
        chapters = _chapters(runs, bodies, in_report=True)
        toc = _toc(chapters) + [{"id": "proveniens", "text": APPENDIX_TITLE, "children": []}]
        first, chapters = _summary_apart(chapters)
        documents[output / "report.html"] = notebooks.render_page(
            chapters, {**context, "toc": toc, "summary_section": first, "manifest_href": "manifest.json",
                       "validation_href": "validation/index.html",
                       "raw_files": _raw_files(len(pages), snapshot)})
    by_key = {c["key"]: c for c in _chapters(runs, bodies, in_report=False)}
    for page in pages.itertuples():
        chapter = by_key.get(sections.administration_run(page.name, page.slug, params).key)
        if chapter is None:
            continue
        # the page's h1 is the administration's name: drop the chapter's own first heading
        body = re.sub(r"<h2 [^>]*>.*?</h2>", "", chapter["body"], count=1, flags=re.S)
        documents[output / "administrations" / f"{page.slug}.html"] = notebooks.render_page(
            [{**chapter, "body": body}], {**context, "page_title": page.name, "toc": [], "manifest_href": "../manifest.json",
                        "validation_href": "../validation/index.html", "report_href": "../report.html",
                        "index_href": "index.html"}, template="page.html.j2")
    if with_report:
        documents[output / "administrations" / "index.html"] = _index(stage, context, pages)
    return documents


def _shown_input(name: str) -> str:
    """An input as the appendix names it: its data/raw/ path, or the survey export by its file name."""
    if name.startswith(inputs.EXPORT_PREFIX):
        return f"enkätexporten {name.removeprefix(inputs.EXPORT_PREFIX)}"
    return name


def _raw_files(pages: int, snapshot: inputs.Snapshot) -> list[dict]:
    """The appendix's table of each table and diagram with its raw files (from the registry), as read:
    'turnover.csv och administrations.csv' (all in data/raw/, as the appendix says), or the survey export."""
    from pipeline.present import contents
    from pipeline.formatting import join_words

    def shown(path: str) -> str:
        return _shown_input(inputs.raw_name(path.removeprefix("data/raw/"), snapshot.export)).removeprefix("data/raw/")

    return [{"what": row["what"], "files": join_words([shown(path) for path in row["raw"]])}
            for row in contents.raw_file_rows(pages)]


def _index(stage: Path, context: dict, pages) -> str:
    """``output/administrations/index.html``: every page with a small multiple of its turnover."""
    items = index_items(stage / "data" / "processed", [(p.name, p.slug) for p in pages.itertuples()])
    return notebooks.render_page([], {**context, "items": items, "toc": [], "manifest_href": "../manifest.json",
                                   "validation_href": "../validation/index.html", "report_href": "../report.html"},
                              template="index.html.j2")


def index_items(processed: Path, pages: list[tuple[str, str]]) -> list[dict]:
    """The index's entries, each with its small multiple; drawn once for the same data and code.

    Drawing the 16 small multiples takes 1–2 s: ``_build_in`` has a worker draw them while the
    notebooks run (the result lands in the cache), so that the HTML stage finds them drawn.
    """
    from pipeline.process import datasets

    key = cache.digest("index", cache.files_digest(datasets.files(["turnover", "administrations"], processed)),
                       json.dumps([list(p) for p in pages]), cache.code_digest())
    cached = cache.read("index", key)
    if cached is not None:
        return json.loads(cached)
    from pipeline.present import administration_views  # matplotlib: imported only when drawing

    turnover = datasets.load("turnover", processed)
    administrations = datasets.load("administrations", processed)
    items = [administration_views.index_item(turnover, administrations, name, slug) for name, slug in pages]
    cache.write("index", key, json.dumps(items, ensure_ascii=False).encode("utf-8"))
    return items


def title_page_note(processed_dir: Path) -> str | None:
    """The title page's warning when the survey section shows synthetic answers, else None.

    Here, not among the survey's views: importing those imports matplotlib and seaborn, 1.5 s
    of the build's own process that only renders pages."""
    if not survey.is_synthetic(processed_dir):
        return None
    return ("enkätavsnittet bygger på påhittade svar med verklig struktur, eftersom svaren på individnivå "
            "inte är offentliga.")


def _context(stage: Path, params: config.ReportParams, summary: dict, snapshot: inputs.Snapshot) -> dict:
    """What every page shows: title, period, edition and the data's checksums (of the bytes validated)."""
    from pipeline.process import datasets
    from pipeline.build import edition
    from pipeline import formatting

    turnover = datasets.load("turnover", stage / "data" / "processed")
    last_year = int(turnover["year"].max())
    version = provenance.code_version()
    rows = {entry["file"]: entry["rows"] for entry in summary.values()}
    raw_inputs = []
    for entry in snapshot.entries():
        if entry["path"] in rows:
            raw_inputs.append({**entry, "shown": _shown_input(entry["path"]), "rows": formatting.number(rows[entry["path"]])})
    return {
        "title": params.title,
        "subtitle": f"rapport av arbetet åren {formatting.year_range(params.action_plan_start, last_year)}",
        "publisher": params.publisher,
        "diarienummer": params.diarienummer,
        "edition": edition.described(params),
        "appendix_title": APPENDIX_TITLE,
        "commit_date": version["date"],
        "commit": version["commit"],
        "commit_short": version["commit"][:10],
        "dirty": version["dirty"],
        "inputs": raw_inputs,
        "synthetic_note": title_page_note(stage / "data" / "processed"),
        "survey_source": provenance.survey_source(snapshot),
    }
