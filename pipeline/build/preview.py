"""``make preview``: the report in the browser, rebuilt and reloaded whenever an input is saved.

What a researcher gets: edit a notebook's text, a raw cell, a suite or ``report.yml``, save,
and the page open in the browser reloads itself with the new report a few seconds later,
without running ``make report`` and waiting for the PDFs. A validation or notebook error
appears in that page, with the message the command line prints, and the report comes back
as soon as the file is fixed. ``output/`` is never touched: it stays the last complete build.

Measured on the 2-core build machine (``make bench`` measures both, from saving a file to the
new page being served): a sentence added to a notebook's text takes validation, processing and
20+ notebook runs from what the process and the cache already hold, and executes one notebook;
one raw cell changed in data/raw/turnover.csv validates that file alone (GX is imported
already), then executes the notebooks that read the turnover: the chapter, the summary, the
audit-dependent chapters and every administration's page, on the two workers. ``make report``
adds the PDFs to either.

How it works. One warm process builds with ``report.build_preview``: the steps of
``make report`` minus workbook, PDFs, manifest and publishing, into a fresh staging tree that
is then swapped over ``.build/preview/`` in one rename, so the server never serves half a
build. Between rebuilds the process keeps its worker pool, what it imported (pandas, GX) and the
last validated tables and processed data (``report.build_preview``'s ``memo``, keyed on every
byte they come from); the caches of ``pipeline/build/cache.py`` reuse each raw file's
validation and every notebook run whose inputs did not change. The data docs are written after
the new pages are served. ``watchfiles`` (inotify) watches the inputs.
A change under ``pipeline/`` restarts the process in place (``exec``, same port): the code it
imported and the code digest the caches are keyed on are those it started with.

The server is the standard library's ``ThreadingHTTPServer`` on 127.0.0.1 only. As served, and
never on disk, each HTML page carries a small script that long-polls ``/__preview/events`` with
its page's path and reloads the page when the id it was served with is no longer that page's
(``State``): a page's id changes only when its HTML did. The polls also tell the preview which
pages are open. When those are administrations' pages, the rebuild runs their notebooks first
and serves them at once (``report.FirstPages``); every other page then waits until the whole
build is in, so no page of the old build is served beside one of the new.
"""
import hashlib
import html
import json
import os
import queue
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable
from contextlib import ExitStack
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

from pipeline import errors, paths
from pipeline.build import cache, notebooks, publish
from pipeline.errors import InputError
from pipeline.ingest import inputs, validation

PREVIEW = publish.BUILD_DIR / "preview"  # what is served; output/ is never written
PORT_VARIABLE = "PREVIEW_PORT"
HOST = "127.0.0.1"
EVENTS = "/__preview/events"
POLL_SECONDS = 25  # a long poll answers at the latest after this, and the page asks again
WATCHED_DIRECTORIES = ["data/raw", "notebooks", "expectations"]  # and pipeline/ with every folder in it

_RELOAD = """<script>/* make preview: reload when a new build is in (only in the served copy) */
(function () {
  var build = %s;
  function poll() {
    fetch(%s + encodeURIComponent(build), {cache: "no-store"})
      .then(function (r) { return r.json(); })
      .then(function (d) { if (d.build !== build) { location.reload(); } else { poll(); } })
      .catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
</script>
"""

_PAGE = """<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:'DejaVu Sans',Arial,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1a1a1a}}
pre{{white-space:pre-wrap;background:#fdf0f0;border-left:4px solid #b00020;padding:1rem}}</style></head>
<body><h1>{title}</h1>{body}</body></html>
"""


MISSING_PAGE = _PAGE.format(title="Sidan finns inte i förhandsvisningen", body=(
    "<p>Den här sidan finns inte i förhandsvisningen just nu. Den laddas om av sig själv när den finns, "
    "till exempel när valideringsrapporten har skrivits efter att rapporten byggts om.</p>"))


class State:
    """What is served: each page's build id, the pages built first, the last build's error; polls wait on it.

    A page's id changes only when its HTML changed (``set``), so a rebuild reloads the
    pages that show something new and leaves the others alone. The browser's polls name their
    page: those open are ``wanted`` first by the next rebuild, which hands them to ``serve_first``
    as soon as they are built. From then until the whole build is in (``set``), every other
    page waits: once one page of the new build is out, no page of the old one is served.
    """

    OPEN_AFTER_POLL = 10.0  # seconds a page counts as open after its last poll ended (a reload polls again at once)

    def __init__(self):
        self._changed = threading.Condition()
        self.build = f"start-{time.time_ns()}"  # the id of every page not in ``ids``
        self.ids: dict[str, str] = {}
        self.digests: dict[str, str] = {}  # each page's HTML as served, by its path under the preview
        self.first: dict[str, str] = {}  # the pages served ahead of their build (path → HTML)
        self.ready = False  # a build has finished (well or not)
        self.error: str | None = None
        self._polling: dict[str, int] = {}
        self._polled: dict[str, float] = {}

    def set(self, error: str | None = None, digests: dict[str, str] | None = None) -> None:
        """A build is in (``digests``: each HTML page's, see ``page_digests``) or failed (``error``)."""
        with self._changed:
            new = str(time.time_ns())
            if error is None and self.error is None and (self.ready or self.first):
                self.ids = {page: self.ids.get(page, self.build) if self.digests.get(page) == digest else new
                            for page, digest in (digests or {}).items()}
            else:
                self.ids = {}
            self.build, self.ready, self.error = new, True, error
            self.digests = dict(digests or {}) if error is None else {}
            self.first = {}
            self._changed.notify_all()

    def serve_first(self, documents: dict[str, str]) -> None:
        """Pages of the build under way, served before it is in; the other pages wait for it from now on."""
        with self._changed:
            new = str(time.time_ns())
            for page, text in documents.items():
                digest = _digest(text.encode("utf-8"))
                if self.error is not None or self.digests.get(page) != digest:
                    self.ids[page] = new
                self.digests[page] = digest
            self.first = dict(documents)
            self._changed.notify_all()

    def id(self, page: str) -> str:
        with self._changed:
            return self.ids.get(page, self.build)

    def wait(self, since: str, page: str = "", timeout: float = POLL_SECONDS) -> str:
        """``page``'s id once it is no longer ``since`` (or after ``timeout``); the page counts as open meanwhile."""
        with self._changed:
            self._polling[page] = self._polling.get(page, 0) + 1
            try:
                self._changed.wait_for(lambda: self.ids.get(page, self.build) != since, timeout)
                return self.ids.get(page, self.build)
            finally:
                self._polling[page] -= 1
                self._polled[page] = time.monotonic()

    def wanted(self) -> "set[str]":  # a string: `set` here is the method above
        """The pages open in a browser: polling now, or within ``OPEN_AFTER_POLL`` seconds."""
        with self._changed:
            now = time.monotonic()
            return {page for page in set(self._polling) | set(self._polled) if page
                    and (self._polling.get(page, 0) > 0 or now - self._polled.get(page, -1e9) < self.OPEN_AFTER_POLL)}

    def page(self, page: str, read: Callable[[], str | None],
             timeout: float = 300) -> tuple[str | None, str, str | None, bool]:
        """(HTML or None when there is no such page, its id, the error, ready) as it is to be served now.

        A page not among those served first waits while they are out and the build is not in yet."""
        with self._changed:
            self._changed.wait_for(lambda: not self.first or page in self.first, timeout)
            text = self.first.get(page)
            ident, error, ready = self.ids.get(page, self.build), self.error, self.ready or text is not None
        if text is None and ready and error is None:
            text = read()
        return text, ident, error, ready


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def page_digests(directory: Path = PREVIEW) -> dict[str, str]:
    """Each HTML page under ``directory`` by its path there ("administrations/farsta.html") → its digest."""
    return {path.relative_to(directory).as_posix(): _digest(path.read_bytes())
            for path in sorted(directory.rglob("*.html"))}


class Handler(SimpleHTTPRequestHandler):
    """Files of ``.build/preview/``; HTML pages with the reload script, or the error page."""

    state: State

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format, *args):  # no line per request on the console
        pass

    def do_GET(self):
        url = urlsplit(self.path)
        if url.path == EVENTS:
            query = parse_qs(url.query)
            since, page = query.get("since", [""])[0], _page_of(query.get("page", [""])[0])
            self._send(json.dumps({"build": self.state.wait(since, page)}).encode(), "application/json")
            return
        if url.path == "/":
            self.send_response(HTTPStatus.FOUND)
            self.send_header("Location", "/report.html")
            self.end_headers()
            return
        local = Path(self.translate_path(url.path))
        if local.is_dir() and url.path.endswith("/"):
            local = local / "index.html"
        if local.suffix != ".html":  # other files as they are (a folder without its '/' is redirected)
            super().do_GET()
            return
        root = Path(self.directory)
        page = local.relative_to(root).as_posix() if local.is_relative_to(root) else ""
        text, build, error, ready = self.state.page(
            page, lambda: local.read_text(encoding="utf-8") if local.is_file() else None)
        if not ready:
            text = _PAGE.format(title="Förhandsvisningen byggs …",
                                body="<p>Sidan laddas om när rapporten är byggd.</p>")
        elif error is not None:
            text = error_page(error)
        elif text is None:  # with the reload script: the data docs, say, come after the pages
            self._send(with_reload(MISSING_PAGE, build, page).encode("utf-8"), "text/html; charset=utf-8",
                       HTTPStatus.NOT_FOUND)
            return
        self._send(with_reload(text, build, page).encode("utf-8"), "text/html; charset=utf-8")

    def _send(self, data: bytes, kind: str, status: HTTPStatus = HTTPStatus.OK) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _page_of(path: str) -> str:
    """A page's path under the preview as its poll names it ("/administrations/farsta.html" → without the '/')."""
    path = path.lstrip("/")
    return path + "index.html" if path.endswith("/") or not path else path


def error_page(message: str) -> str:
    """The page shown at every HTML address while the last build failed: the command line's message."""
    return _PAGE.format(title="Förhandsvisningen kunde inte byggas", body=(
        f"<pre>{html.escape(message)}</pre><p>Rätta filen och spara den: sidan laddas om när rapporten är "
        "byggd igen. output/ är orörd.</p>"))


def with_reload(page: str, build: str, path: str = "") -> str:
    """The page as served: the reload script just before ``</body>``; ``path``: the page's, for its polls."""
    script = _RELOAD % (json.dumps(build), json.dumps(f"{EVENTS}?page={quote(path)}&since="))
    at = page.rfind("</body>")
    return page + script if at < 0 else page[:at] + script + page[at:]


def without_reload(page: str) -> str:
    """A served page as it was built: ``with_reload``'s script taken out (``make bench`` compares pages so)."""
    start = page.find(_RELOAD[:_RELOAD.index("\n")])
    return page if start < 0 else page[:start] + page[page.index("</script>\n", start) + len("</script>\n"):]


def port(environ=None) -> int:
    """``PREVIEW_PORT``; unset, empty or 0: a free port the system picks."""
    environ = os.environ if environ is None else environ
    text = environ.get(PORT_VARIABLE, "").strip() or "0"
    if not text.isdigit() or int(text) > 65535:
        raise InputError(f"{PORT_VARIABLE}={text}: a port is a number from 1 to 65535 (0 or unset: any free port).")
    return int(text)


class Server(ThreadingHTTPServer):
    """The standard library's server, quiet about a browser that went away: a tab closed while its poll
    waited, or a reload in the middle of a page, is no error of the preview's."""

    daemon_threads = True

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def serve(state: State, number: int, directory: Path = PREVIEW) -> ThreadingHTTPServer:
    """The server on 127.0.0.1 (never other machines), answering in a thread of its own."""
    handler = type("PreviewHandler", (Handler,), {"state": state})
    try:
        server = Server((HOST, number), partial(handler, directory=str(directory)))
    except OSError as exc:
        raise InputError(f"cannot serve the preview on {HOST}:{number} ({exc.strerror or exc}); choose another "
                         f"port with {PORT_VARIABLE}=… or leave it unset for a free one.") from None
    threading.Thread(target=server.serve_forever, name="preview-server", daemon=True).start()
    return server


def watched(root: Path = paths.ROOT, export: Path | None = None) -> tuple[list[Path], Callable[..., bool]]:
    """The folders to watch (not recursively: pipeline/'s folders are listed) and which of their files count."""
    code = root / "pipeline"
    folders = [root, *(root / name for name in WATCHED_DIRECTORIES), code]
    folders += sorted(p for p in code.rglob("*") if p.is_dir() and p.name != "__pycache__")
    files = {root / "report.yml"}
    if export is not None:
        folders.append(export.parent)
        files |= {export, export.with_name(export.stem + inputs.SURVEY_META)}
    within = [root / name for name in WATCHED_DIRECTORIES] + [code]

    def counts(change, path: str) -> bool:
        path = Path(path)
        if path in files:
            return True
        if path.parent == root / "data" / "raw" and inputs.ignored_raw(path.name):
            return False
        if "__pycache__" in path.parts or path.suffix in (".pyc", ".swp", ".swx", ".tmp") or path.name.endswith("~"):
            return False
        if ".ipynb_checkpoints" in path.parts or path.name.startswith(".#"):
            return False
        return any(path.is_relative_to(folder) for folder in within)

    return [f for f in folders if f.is_dir()], counts


def _watch(changes: queue.Queue, stop: threading.Event, folders: list[Path], counts) -> None:
    import watchfiles

    for batch in watchfiles.watch(*folders, watch_filter=counts, recursive=False, stop_event=stop,
                                  raise_interrupt=False, debounce=400, step=50):
        changes.put(batch)


def _message(exc: BaseException) -> str:
    """The failure as the command line prints it (an unexpected one: its traceback)."""
    said = errors.printed(exc)
    return said[0] if said else "".join(traceback.format_exception(exc)).rstrip()


def _end_children() -> None:
    """No worker (nor a kernel of one) outlives the preview."""
    import psutil

    children = psutil.Process().children(recursive=True)
    for child in children:
        try:
            child.terminate()
        except psutil.NoSuchProcess:
            pass
    _, alive = psutil.wait_procs(children, timeout=5)
    for child in alive:
        try:
            child.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(alive, timeout=5)


def run(environ=None) -> int:
    """Build, serve and rebuild until Ctrl-C; the command line's ``preview``."""
    from pipeline.build import report

    environ = os.environ if environ is None else environ
    export = inputs.export_path(environ)
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # `kill` stops it as cleanly as Ctrl-C
    state = State()
    server = serve(state, port(environ))
    number = server.server_address[1]
    url = f"http://{HOST}:{number}/report.html"
    print(f"Preview: {url} (serving .build/preview/; output/ stays as it is; Ctrl-C stops)", flush=True)
    stop = threading.Event()
    changes: queue.Queue = queue.Queue()
    folders, counts = watched(export=export)
    watcher = threading.Thread(target=_watch, args=(changes, stop, folders, counts), name="preview-watch", daemon=True)
    watcher.start()
    pools = ExitStack()
    restart = False
    pool = None
    try:
        pool, validator = _warm_pools(pools)
        built = None  # the digests of the inputs of the last good build
        memo: dict = {}  # the last validated tables and processed data (report.build_preview)
        batch: set = set()
        while True:
            try:
                snapshot = inputs.read(environ=environ)
                if snapshot.digests != built:
                    start = time.perf_counter()
                    print(f"[preview] building{' after ' + _named(batch) if batch else ''} …", flush=True)
                    done = report.build_preview(report.Progress(), pool, PREVIEW, snapshot, memo,
                                                first=report.FirstPages(state.wanted, state.serve_first),
                                                validator=validator)
                    built = snapshot.digests
                    state.set(digests=page_digests())
                    print(f"[preview] new build served in {time.perf_counter() - start:.1f} s: {url}", flush=True)
                    cache.prune()  # after the new build's id is out, so no page is served new under the old id
                    if done["docs"] is not None:  # after serving the pages: the data docs take GX about 1.6 s
                        done["docs"]()
                        state.set(digests=page_digests())  # a data docs page open reloads; the others stay
                        print("[preview] data docs written (validation/index.html)", flush=True)
                    print("[preview] watching for changes", flush=True)
            except Exception as exc:  # shown in the page; the server goes on
                built = None
                message = _message(exc)
                print(message, file=sys.stderr, flush=True)
                state.set(error=message)
                if not isinstance(exc, InputError):  # a notebook failed: its pool may still run the others
                    pools.close()
                    pool, validator = _warm_pools(pools)
            batch = _next_changes(changes)
            if any(Path(p).is_relative_to(paths.ROOT / "pipeline") for _, p in batch):
                print(f"[preview] the code changed ({_named(batch)}): restarting on the same port …", flush=True)
                restart = True
                break
    except KeyboardInterrupt:
        pass  # Ctrl-C: the way to stop the preview
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        if pool is not None and not restart:  # interrupted: do not wait for the notebooks running
            pool.shutdown(wait=False, cancel_futures=True)
        _end_children()
        pools.close()
    if restart:
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(sys.executable, [sys.executable, "-m", "pipeline", "preview"],
                  {**environ, PORT_VARIABLE: str(number)})
    print("preview stopped: server and workers ended; output/ is unchanged.", file=sys.stderr, flush=True)
    return 0


def _warm_pools(pools: ExitStack):
    """The notebook workers and the validator (GX in a process of its own), warmed up without waiting.

    The workers import what a notebook run needs, for the first notebook saved even when the first build
    runs none; the validator imports GX (3.4 s) for the first raw file saved, which it then checks while
    this process computes the processed data (``report._process_while_validating``, 0.5 s less)."""
    pool = pools.enter_context(notebooks.worker_pool(ignore_interrupt=True))
    validator = pools.enter_context(notebooks.worker_pool(ignore_interrupt=True, processes=1))
    notebooks.warm_up_workers(pool)
    validator.submit(_import_gx)
    return pool, validator


def _import_gx() -> None:
    validation.import_gx()  # the module itself cannot travel back from the process


def _next_changes(changes: queue.Queue) -> set:
    """Wait for saved files, then take every change queued meanwhile (one rebuild for them all)."""
    batch = set()
    while not batch:
        try:
            batch |= changes.get(timeout=0.5)  # a timeout, so that Ctrl-C is seen at once
        except queue.Empty:
            continue
    while True:
        try:
            batch |= changes.get_nowait()
        except queue.Empty:
            return batch


def _named(batch: set) -> str:
    names = sorted({paths.relative(Path(p)) for _, p in batch})
    return ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
