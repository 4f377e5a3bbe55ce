"""Running the notebooks (papermill) and rendering them (nbconvert → HTML → WeasyPrint PDF).

Executed notebooks keep their code for researchers; the report hides it. Everything
that varies between two runs of the same inputs (papermill's timings and metadata,
random cell ids) is removed, so two builds give the same bytes.
"""
import html
import json
import os
import re
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from datetime import timezone
from functools import lru_cache
from pathlib import Path

import nbformat

from pipeline.build import cache
from pipeline.present import blocks, contents, trace
from pipeline import paths
from pipeline.build.sections import Run
from pipeline.errors import InputError

KERNEL = "python3"
# Our in-process engine (pipeline/build/engine.py): each notebook runs in a fresh IPython shell
# inside a worker process, so kernel start-up (most of a small notebook's cost) is paid once per
# worker, not once per notebook. "papermill" (one kernel per notebook) remains available
# through the environment variable REPORT_ENGINE=papermill; `make bench` compares the two.
ENGINE = os.environ.get("REPORT_ENGINE", "inprocess")


def _kernel_environment() -> None:
    """Kernels import this project's ``pipeline`` and draw without a screen."""
    existing = os.environ.get("PYTHONPATH", "")
    if str(paths.ROOT) not in existing.split(os.pathsep):
        os.environ["PYTHONPATH"] = os.pathsep.join(p for p in [str(paths.ROOT), existing] if p)
    os.environ["MPLBACKEND"] = "Agg"
    os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    os.environ.setdefault("PYTHONHASHSEED", "0")


def normalise(notebook: nbformat.NotebookNode, name: str = "") -> nbformat.NotebookNode:
    """Drop what differs between two runs (papermill metadata, timings, random cell ids), and write the
    numbers of the tables and diagrams the narrative refers to (``{numref}`id``` → the number, see pipeline/present/contents.py)."""
    notebook.metadata.pop("papermill", None)
    notebook.metadata.pop("widgets", None)
    for number, cell in enumerate(notebook.cells):
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        cell["id"] = f"cell-{number}"
        if cell.cell_type == "markdown":
            cell.source = contents.resolve_references(cell.source, f"notebooks/{name}")
    return notebook


@contextmanager
def _kernel_log(path: Path):
    """Send what kernels print about themselves (start-up, shutdown) to a log file, not the console.

    Kernels inherit file descriptor 2 from the process that starts them; errors in a
    notebook's cells still reach the build through papermill.
    """
    saved = os.dup(2)
    log = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.dup2(log, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(log)
        os.close(saved)


@contextmanager
def _closing_figures():
    """In-process runs share matplotlib's state: leave no figure open for the next notebook."""
    try:
        yield
    finally:
        import matplotlib.pyplot as plt

        plt.close("all")


def staged_notebook(run: Run, stage: Path) -> Path:
    """The notebook as the build read it (copied into the stage when the build began), not as it is now.

    A stage made by hand (tests, a researcher's experiment) without that copy runs notebooks/ itself.
    """
    staged = stage / "notebooks" / run.notebook
    return staged if staged.is_file() else paths.NOTEBOOKS / run.notebook


def _staged_params(stage: Path) -> bytes:
    """report.yml as the build read it (see ``staged_notebook``)."""
    staged = stage / "report.yml"
    return (staged if staged.is_file() else paths.REPORT_PARAMS).read_bytes()


def execution_key(run: Run, stage: Path) -> str:
    """What decides an executed notebook's bytes: notebook, parameters, the datasets the run reads,
    report.yml, code, engine. Datasets the run does not read are left out, so that changing
    the survey does not rerun the turnover chapter."""
    from pipeline.process import datasets

    notebook = staged_notebook(run, stage).read_bytes()
    data = cache.files_digest(datasets.files(run.reads, stage / "data" / "processed"))
    return cache.digest(notebook, json.dumps(run.parameters, sort_keys=True, ensure_ascii=False),
                        json.dumps(sorted(run.reads)), data, _staged_params(stage), cache.code_digest(),
                        ENGINE, run.executed)


@contextmanager
def _declared_reads(run: Run):
    """While the notebook runs, only its declared datasets can be loaded (see pipeline.process.datasets)."""
    from pipeline.process import datasets

    os.environ[datasets.DECLARED_VARIABLE] = ",".join(run.reads)
    try:
        yield
    finally:
        os.environ.pop(datasets.DECLARED_VARIABLE, None)


@lru_cache(maxsize=1)
def _ipc_kernel_manager():
    """For REPORT_ENGINE=papermill: kernels that talk over Unix sockets with unique names, not TCP.

    Over TCP, each kernel's ports are picked free and bound moments later by the kernel; two
    workers starting kernels at once can be handed the same port, and the losing kernel dies
    before replying to kernel_info. Socket files named by process and a random part cannot
    collide; the kernel manager removes them when the kernel shuts down.
    """
    import tempfile
    import uuid

    from jupyter_client import AsyncKernelManager
    from traitlets import default

    class IpcKernelManager(AsyncKernelManager):
        @default("transport")
        def _transport_default(self):
            return "ipc"

        @default("ip")
        def _ip_default(self):
            return os.path.join(tempfile.gettempdir(), f"report-kernel-{os.getpid()}-{uuid.uuid4().hex[:12]}")

    return IpcKernelManager


class _Drawings:
    """The diagrams' store (``charts.keep_drawings``) in the build cache, kind ``charts``, keyed with the code.

    A diagram whose numbers did not change is then not drawn again by the next build either: after
    one district's cell changed, every page's panels of the other profession are reused.
    """

    def read(self, key: str) -> bytes | None:
        return cache.read("charts", cache.digest(key, cache.code_digest()))

    def write(self, key: str, data: bytes) -> None:
        cache.write("charts", cache.digest(key, cache.code_digest()), data)


def execute(run: Run, stage: Path) -> bool:
    """Execute one notebook into ``<stage>/output/notebooks/``, or reuse an identical run: True when reused."""
    import papermill

    from pipeline.build import engine as inprocess
    from pipeline.present import charts

    _kernel_environment()
    charts.keep_drawings(_Drawings())  # the notebooks run in this process (engine ``inprocess``)
    inprocess.register()  # as its papermill.engine entry point does, also where the project is only on PYTHONPATH
    target = stage / "output" / "notebooks" / run.executed
    target.parent.mkdir(parents=True, exist_ok=True)
    key = execution_key(run, stage)
    if cache.fetch("notebooks", key, target):
        return True
    engine = {"engine_name": ENGINE} if ENGINE != "papermill" else {"kernel_manager_class": _ipc_kernel_manager()}
    try:
        with _kernel_log(stage / "kernels.log"), _closing_figures(), _declared_reads(run):
            papermill.execute_notebook(
                str(staged_notebook(run, stage)), str(target), parameters=run.parameters, kernel_name=KERNEL,
                progress_bar=False, log_output=False, cwd=str(stage), request_save_on_cell_execute=False, **engine,
            )
    except papermill.PapermillExecutionError as exc:
        raise RuntimeError(f"notebooks/{run.notebook} ({run.key}) failed in cell {exc.exec_count}: "
                           f"{exc.ename}: {exc.evalue}") from None
    notebook = nbformat.read(target, as_version=4)
    nbformat.write(normalise(notebook, run.notebook), target)
    cache.store("notebooks", key, target)
    return False


def _die_with_parent(parent: int, ignore_interrupt: bool = False) -> None:
    """Pool workers end when the build does (Linux), even when it is killed: an orphan would
    go on writing into a staging tree that the next build is removing.

    With ``ignore_interrupt`` a worker leaves Ctrl-C to the process that owns the pool, which
    ends its workers itself (``worker_pool``; ``make preview`` too), instead of printing a
    traceback of its own.
    """
    import ctypes
    import signal

    if ignore_interrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        # the preview maps SIGTERM to KeyboardInterrupt in its own process; a worker it ends just ends
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the build died before the line above
        os._exit(1)


def workers() -> int:
    """Processes to run at once: one per core."""
    return os.cpu_count() or 1


@contextmanager
def worker_pool(ignore_interrupt: bool = False, processes: int | None = None):
    """One pool of processes, one per core unless ``processes`` says, for a whole build: the notebook
    runs, then the PDFs.

    Workers are started on first use and kept, so the PDFs do not pay a second start-up. When
    the build fails or is interrupted, its workers are ended (SIGTERM) at once: with
    ``ignore_interrupt`` they never see Ctrl-C themselves, and without it a worker stopped by
    Ctrl-C in the middle of a PDF printed a traceback from WeasyPrint's clean-up.
    """
    pool = ProcessPoolExecutor(max_workers=processes or workers(), initializer=_die_with_parent,
                               initargs=(os.getpid(), ignore_interrupt))
    failed = True
    try:
        yield pool
        failed = False
    except InputError:
        # bad data stops a build before any notebook runs (only validation may be in a worker): waiting is
        # immediate, and leaving the pool's threads behind made Python print a traceback as it exits
        failed = False
        raise
    finally:
        if failed:  # interrupted or broken: end the workers now rather than after their current notebook or PDF
            # (the executor lists its worker processes only in this private attribute; none listed, none ended)
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                process.terminate()
        pool.shutdown(wait=not failed, cancel_futures=True)  # a failed build does not wait for its workers


def warm_up() -> None:
    """What a notebook run and its rendering import and build once per worker, done ahead of the first run.

    ``make preview`` has its workers do this when it starts: its first build often reuses every
    run from the cache, so without it the first notebook saved after the start paid the
    imports (papermill, IPython, pandas, matplotlib and seaborn, nbconvert and its templates),
    measured at 2–3 s of the 4 s from saving a notebook's text to the new page.
    """
    import papermill  # noqa: F401

    from pipeline.build import engine as inprocess
    from pipeline.present import charts  # noqa: F401  (matplotlib, seaborn, the report's style)

    _kernel_environment()
    inprocess.register()
    notebook_body(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("*uppvärmning*")]))


def warm_up_workers(pool: ProcessPoolExecutor) -> None:
    """``warm_up`` once per worker, without waiting: the next build's runs queue behind it."""
    for _ in range(workers()):
        pool.submit(warm_up)


def execute_all(runs: list[Run], stage: Path, pool: ProcessPoolExecutor | None = None) -> list[bool]:
    """Execute notebooks in ``pool`` (else one after another); the first failure stops the build.

    Returns, per run, whether an identical earlier run was reused instead.
    """
    if pool is None or len(runs) <= 1:
        return [execute(run, stage) for run in runs]
    futures = [pool.submit(execute_and_render, run, stage) for run in runs]
    return [future.result() for future in futures]


def execute_and_render(run: Run, stage: Path) -> bool:
    """``execute``, then render the result into the cache (``executed_body``): a worker converts
    the notebook it has just run while the other worker is still running notebooks, so the
    HTML stage finds every body rendered."""
    reused = execute(run, stage)
    executed_body(stage / "output" / "notebooks" / run.executed)
    return reused


# ----------------------------------------------------------------------------- rendering

_HEADING = re.compile(r"<h([1-6])([^>]*)>(.*?)</h\1>", re.S)
_ANCHOR = re.compile(r'<a class="anchor-link"[^>]*>.*?</a>', re.S)
_TAGS = re.compile(r"<[^>]+>")


def slugify(text: str) -> str:
    table = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e"})
    text = text.lower().translate(table)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "avsnitt"


_IMAGE_WITHOUT_ALT = re.compile(r"<img(?![^>]*\balt=)")
NO_ALT_TEXT = "Bild utan textbeskrivning"  # for an image a notebook shows without one (ours all have one)


@lru_cache(maxsize=1)
def _exporter():
    """nbconvert's HTML exporter, without the pass ``HTMLExporter.from_notebook_node`` ends with.

    That pass parses the whole body with BeautifulSoup to give each image without alt text an
    English placeholder and JupyterLab's cells (not in the basic template) a tabindex, then
    serialises it again: 2.65 of 3.34 s (profiled) of converting 18 executed notebooks, and
    it is done after every notebook a rebuild runs. ``notebook_body`` gives such an image a
    Swedish placeholder instead. The rest is ``HTMLExporter.from_notebook_node`` as in
    nbconvert 7.17 (the lock's version): its filters, then the template.
    """
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class BodyExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            self.register_filter("highlight_code",
                                 self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata,
                                                                           parent=self, resources=resources))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return BodyExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                        exclude_output_prompt=True, exclude_anchor_links=True)


def notebook_body(notebook: nbformat.NotebookNode) -> str:
    """The notebook's narrative and outputs as HTML: no code, no prompts, no stderr."""
    notebook = nbformat.from_dict(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not (o.output_type == "stream" and o.name == "stderr")]
    body, _ = _exporter().from_notebook_node(notebook)
    body = _IMAGE_WITHOUT_ALT.sub(f'<img alt="{NO_ALT_TEXT}"', body)
    return blocks.STYLE_TAG.sub("", body)  # each block's look for JupyterLab: the page has it once


def executed_body(path: Path) -> str:
    """``notebook_body`` of an executed notebook, reused from the cache when the same bytes were rendered before."""
    data = path.read_bytes()
    key = cache.digest(data, cache.code_digest())
    cached = cache.read("html", key)
    if cached is not None:
        return cached.decode("utf-8")
    body = notebook_body(nbformat.reads(data.decode("utf-8"), as_version=4))
    cache.write("html", key, body.encode("utf-8"))
    return body


def assign_heading_ids(body: str, prefix: str, used: set[str], shift: int = 0) -> tuple[str, list[dict]]:
    """Give every heading a unique id under ``prefix`` (and ``shift`` levels down); return HTML and headings."""
    headings = []

    def replace(match):
        level, text = min(int(match.group(1)) + shift, 6), _ANCHOR.sub("", match.group(3)).strip()
        plain = html.unescape(_TAGS.sub("", text)).strip()
        base = f"{prefix}-{slugify(plain)}"
        ident, n = base, 2
        while ident in used:
            ident, n = f"{base}-{n}", n + 1
        used.add(ident)
        headings.append({"level": level, "id": ident, "text": plain})
        return f'<h{level} id="{ident}">{text}</h{level}>'

    return _HEADING.sub(replace, body), headings


@lru_cache(maxsize=1)
def _templates():
    """One template environment per process: each template is compiled once, not once per page."""
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(paths.TEMPLATES), autoescape=True,
                              keep_trailing_newline=True)


def render_page(sections: list[dict], context: dict, template: str = "report.html.j2") -> str:
    """The complete, self-contained HTML page from the section bodies, each traced figure's description
    numbered once in the page (``trace.number``).

    A traced figure that no block expanded (put into a heading, a caption's attribute or a page's own
    text) would show its private-use markers to a reader: that is a bug to fix where the figure is placed.
    """
    page = trace.number(_templates().get_template(template).render(sections=sections, css=page_css(),
                                                                  script=page_script(), **context))
    if trace.leftover(page):
        at = next(i for i, char in enumerate(page) if char in (trace.OPEN, trace.SEP, trace.CLOSE))
        raise ValueError(f"a traced figure was not rendered by a block, near: {page[max(0, at - 80):at + 80]!r}")
    return page


def page_script() -> str:
    """The page's only script: it places and dismisses traced figures' descriptions (templates/trace.js)."""
    return (paths.TEMPLATES / "trace.js").read_text(encoding="utf-8")


def page_css() -> str:
    """The blocks' look (carried by each block in JupyterLab, once per page here), then the page's own."""
    return "".join((paths.TEMPLATES / name).read_text(encoding="utf-8") for name in ["blocks.css", "report.css"])


# a diagram's own numbers, folded under it on screen; report.css hides them in print (the tables beside it hold them)
_FIGURE_DATA = re.compile(r'<details class="figure-data"><summary>[^<]*</summary>.*?</details>(?=</figure>)', re.S)


def for_print(html_text: str) -> str:
    """The page as WeasyPrint gets it: without what print hides, which WeasyPrint would parse and style anyway.

    That is each traced figure's description (``trace.for_print``) and each diagram's "Siffrorna
    bakom diagrammet" (``blocks.Figure``): 1,927 of the report's 7,044 elements left after the
    descriptions; without them report.pdf printed in 8.3 s instead of 8.9 s, with the same text
    on the same 39 pages.
    """
    return _FIGURE_DATA.sub("", trace.for_print(html_text))


def write_pdf(html_text: str, target: Path) -> str:
    """Print the HTML to PDF with WeasyPrint: A4, page numbers, tagged (PDF/UA-1)."""
    import weasyprint

    html_text = for_print(html_text)  # keyed by what is printed: a description's wording reprints nothing
    key = cache.digest(html_text, weasyprint.__version__, "pdf/ua-1", _source_date_epoch())
    if cache.fetch("pdf", key, target):
        return str(target)
    print_pdf(html_text, target)
    cache.store("pdf", key, target)
    return str(target)


def stamp_date(moment) -> None:
    """The edition's date as SOURCE_DATE_EPOCH for this process and the workers it starts (see below)."""
    os.environ["SOURCE_DATE_EPOCH"] = str(int(moment.replace(tzinfo=timezone.utc).timestamp()))


def _source_date_epoch() -> str:
    """The edition's date as SOURCE_DATE_EPOCH, set by the build (``stamp_date``) or here once per process.

    fontTools stamps each font subset WeasyPrint embeds with the time it was written,
    unless SOURCE_DATE_EPOCH says otherwise; without it, two prints of the same HTML a
    second apart differ.
    """
    if "SOURCE_DATE_EPOCH" not in os.environ:
        from pipeline.build import provenance

        moment = provenance.build_datetime().replace(tzinfo=timezone.utc)
        os.environ["SOURCE_DATE_EPOCH"] = str(int(moment.timestamp()))
    return os.environ["SOURCE_DATE_EPOCH"]


def print_pdf(html_text: str, target: Path) -> None:
    """WeasyPrint itself, without the cache (``make bench`` times it)."""
    import weasyprint

    _source_date_epoch()
    # No base URL: links to sibling files (manifest.json, index.html) stay relative, so they
    # work beside the published PDF and name no directory of the machine that built it.
    weasyprint.HTML(string=for_print(html_text)).write_pdf(str(target), pdf_variant="pdf/ua-1", uncompressed_pdf=False)


def write_pdfs(jobs: list[tuple[str, Path]], pool: ProcessPoolExecutor | None = None, meanwhile=None) -> list[str]:
    """Print several documents in ``pool`` (WeasyPrint is single-threaded), else one after another.

    ``meanwhile``, a function, runs in this process while the pool prints: printing output/report.pdf
    alone takes about 10 s on one worker, the other worker is done with the pages' PDFs after
    about 6 s, and this process only waits.
    """
    if pool is None or len(jobs) <= 1:
        printed = [write_pdf(text, target) for text, target in jobs]
        if meanwhile is not None:
            meanwhile()
        return printed
    futures = [pool.submit(write_pdf, text, target) for text, target in jobs]
    if meanwhile is not None:
        meanwhile()
    return [future.result() for future in futures]
