"""``make preview``: served on 127.0.0.1, rebuilt on a save, errors in the page, Ctrl-C ends everything."""
import html
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest

from conftest import read_rows, write_rows

TIMEOUT = 120  # seconds from a save to the page that shows it
BROWSER = Path(__file__).parent / "browser"
SCRIPT = re.compile(r"<script>/\* make preview.*?</script>\n", re.S)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.read().decode("utf-8")


def _wait(url: str, until, what: str) -> str:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        page = _get(url)
        if until(page):
            return page
        time.sleep(0.3)
    raise AssertionError(f"no {what} within {TIMEOUT} s; last page: {page[:500]}")


def _title(page: str) -> str:
    return re.search(r"<title>(.*?)</title>", page, re.S).group(1)


def _report(page: str) -> bool:
    return "handlingsplan" in _title(page)


def test_a_served_page_without_its_reload_script_is_the_page_as_built():
    from pipeline.build import preview

    built = "<!DOCTYPE html><html><body><p>Rapport</p><script>var a = 1;</script></body></html>"
    served = preview.with_reload(built, "1764561600000000000")
    assert SCRIPT.search(served) and served != built
    assert preview.without_reload(served) == built
    assert preview.without_reload(built) == built
    assert preview.without_reload(preview.with_reload(built, "2")) == preview.without_reload(served)


def test_a_rebuild_reloads_only_the_pages_it_changed():
    from pipeline.build import preview

    state = preview.State()
    start = state.id("report.html")
    state.set(digests={"report.html": "a", "administrations/farsta.html": "b"})
    first = {page: state.id(page) for page in ["report.html", "administrations/farsta.html"]}
    assert start not in first.values()  # the first build reloads the page that said "byggs"
    state.set(digests={"report.html": "a2", "administrations/farsta.html": "b"})
    assert state.id("report.html") != first["report.html"]
    assert state.id("administrations/farsta.html") == first["administrations/farsta.html"]
    assert state.wait(first["administrations/farsta.html"], "administrations/farsta.html", timeout=0.05) \
        == first["administrations/farsta.html"]  # nothing new for that page: the poll times out unchanged
    # a failed build shows its error at every page; the next good one reloads them all
    state.set(error="error: data/raw/turnover.csv …")
    failed = state.id("administrations/farsta.html")
    assert failed != first["administrations/farsta.html"] and state.id("report.html") == failed
    state.set(digests={"report.html": "a2", "administrations/farsta.html": "b"})
    assert state.id("administrations/farsta.html") != failed


def test_pages_served_first_hold_back_the_others_until_the_build_is_in():
    import threading

    from pipeline.build import preview

    state = preview.State()
    state.set(digests={"report.html": "a", "administrations/farsta.html": "b"})
    before = state.id("administrations/farsta.html")
    state.serve_first({"administrations/farsta.html": "<html>ny</html>"})
    first = state.id("administrations/farsta.html")
    assert first != before
    text, _, error, ready = state.page("administrations/farsta.html", lambda: "<html>gammal</html>")
    assert (text, error, ready) == ("<html>ny</html>", None, True)

    served = []
    other = threading.Thread(target=lambda: served.append(state.page("report.html", lambda: "<html>ny rapport</html>")))
    other.start()
    other.join(0.3)
    assert other.is_alive() and not served, "the old report is not served once a page of the new build is out"
    state.set(digests={"report.html": "a2", "administrations/farsta.html": preview._digest(b"<html>ny</html>")})
    other.join(5)
    assert served[0][0] == "<html>ny rapport</html>"
    # the page served first is the page built: its id stays, and its browser does not reload a second time
    assert state.id("administrations/farsta.html") == first
    assert state.id("report.html") not in (before, first)


def test_on_the_first_build_a_page_served_first_is_shown_and_not_reloaded_again():
    """After a restart the tabs that were open poll at once: their pages go first in the first build too."""
    from pipeline.build import preview

    state = preview.State()
    start = state.id("administrations/farsta.html")
    assert state.page("report.html", lambda: "<html>gammal</html>")[3] is False  # "byggs"
    state.serve_first({"administrations/farsta.html": "<html>ny</html>"})
    text, first, _, ready = state.page("administrations/farsta.html", lambda: None)
    assert (text, ready) == ("<html>ny</html>", True) and first != start
    state.set(digests={"report.html": "a", "administrations/farsta.html": preview._digest(b"<html>ny</html>")})
    assert state.id("administrations/farsta.html") == first and state.id("report.html") != start


def test_the_pages_open_in_a_browser_are_wanted_first():
    import threading

    from pipeline.build import preview

    state = preview.State()
    state.set(digests={"report.html": "a"})
    assert state.wanted() == set()
    since = state.id("administrations/farsta.html")
    poll = threading.Thread(target=state.wait, args=(since, "administrations/farsta.html", 0.5))
    poll.start()
    time.sleep(0.1)
    assert state.wanted() == {"administrations/farsta.html"}
    poll.join()
    assert state.wanted() == {"administrations/farsta.html"}, "still open between one poll and the next"
    assert preview._page_of("/administrations/farsta.html") == "administrations/farsta.html"
    assert preview._page_of("/") == "index.html"


def test_a_page_not_there_yet_says_so_and_reloads_when_it_comes(tmp_path):
    """The data docs are written after the pages are served: a tab open on them gets a 404 page that polls,
    and it reloads once they are there."""
    from pipeline.build import preview

    (tmp_path / "report.html").write_text("<html><body><p>Rapport</p></body></html>", encoding="utf-8")
    state = preview.State()
    state.set(digests=preview.page_digests(tmp_path))
    server = preview.serve(state, 0, tmp_path)
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(base + "validation/index.html", timeout=10)
        assert missing.value.code == 404
        page = missing.value.read().decode("utf-8")
        assert "Sidan finns inte" in page and "page=validation/index.html" in page, "the 404 page polls for its page"
        since = re.search(r'var build = "([^"]+)"', page).group(1)
        report_id = state.id("report.html")
        (tmp_path / "validation").mkdir()
        (tmp_path / "validation" / "index.html").write_text("<html><body>Datavalidering</body></html>",
                                                          encoding="utf-8")
        state.set(digests=preview.page_digests(tmp_path))
        events = json.loads(_get(base + f"__preview/events?page=/validation/index.html&since={since}"))
        assert events["build"] != since
        assert "Datavalidering" in _get(base + "validation/index.html")
        assert state.id("report.html") == report_id, "the report did not change: its tab does not reload"
    finally:
        server.shutdown()
        server.server_close()


def test_a_tab_closed_while_its_poll_waits_is_no_error(tmp_path, capfd):
    import struct

    from pipeline.build import preview

    state = preview.State()
    state.set(digests={})
    server = preview.serve(state, 0, tmp_path)
    try:
        poll = socket.create_connection(("127.0.0.1", server.server_address[1]))
        poll.sendall(f"GET /__preview/events?page=/report.html&since={state.id('report.html')} HTTP/1.1\r\n"
                     "Host: 127.0.0.1\r\n\r\n".encode())
        time.sleep(0.3)
        poll.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # closed with a reset
        poll.close()
        time.sleep(0.2)
        state.set(digests={"report.html": "new"})  # the answer to a poll nobody waits for any more
        time.sleep(0.5)
        assert "Sidan finns inte" in _get(f"http://127.0.0.1:{server.server_address[1]}/report.html")  # still serving
    finally:
        server.shutdown()
        server.server_close()
    assert "Traceback" not in capfd.readouterr().err


def test_a_district_page_goes_first_unless_the_report_is_open():
    import pandas as pd

    from pipeline import config
    from pipeline.build import report, sections

    params = config.load()
    pages = pd.DataFrame({"name": ["Farsta", "Bromma"], "slug": ["farsta", "bromma"]})
    runs = sections.report_runs(pages, params)
    farsta = sections.administration_run("Farsta", "farsta", params)
    assert [r.key for r in report.first_runs(runs, pages, params, {"administrations/farsta.html"})] == [farsta.key]
    assert report.first_runs(runs, pages, params, {"administrations/farsta.html", "report.html"}) == []
    assert report.first_runs(runs, pages, params, {"administrations/index.html", "validation/index.html"}) == []
    assert report.first_runs(runs, pages, params, set()) == []


def _tab(url: str):
    """A headless Chromium tab on ``url`` (``tests/browser/preview_tab.mjs``) and a queue of its loads, as dicts."""
    import queue
    import shutil

    node = shutil.which("node")
    if node is None or not (BROWSER / "node_modules" / "playwright-core").exists():
        pytest.fail("node and tests/browser/node_modules are needed: `make test` installs them")
    tab = subprocess.Popen([node, str(BROWSER / "preview_tab.mjs"), url], cwd=BROWSER, stdin=subprocess.PIPE,
                           stdout=subprocess.PIPE, text=True)
    loads: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [loads.put(json.loads(line)) for line in tab.stdout], daemon=True).start()
    return tab, loads


def _interruptible() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.build
def test_preview_serves_rebuilds_shows_errors_and_stops_on_ctrl_c(copy_of_build, tmp_path):
    root = copy_of_build(tmp_path / "project", cache_only=True)  # never built here, the default build's cache at hand
    port = _free_port()
    out, err = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    env = {**os.environ, "PYTHONPATH": str(root), "PREVIEW_PORT": str(port)}
    env.pop("SURVEY_EXPORT", None)
    with open(out, "w") as stdout, open(err, "w") as stderr:
        # Ctrl-C as from a terminal, even when this test runs where SIGINT is ignored (a background job
        # of a shell without job control passes that on, and Python then never raises KeyboardInterrupt)
        process = subprocess.Popen([sys.executable, "-m", "pipeline", "preview"], cwd=root, env=env,
                                   stdout=stdout, stderr=stderr, preexec_fn=_interruptible)
    tab = None
    try:
        deadline = time.monotonic() + 30
        while not re.search(r"http://127\.0\.0\.1:\d+/\S*", out.read_text()):
            assert process.poll() is None and time.monotonic() < deadline, out.read_text() + err.read_text()
            time.sleep(0.1)
        url = re.search(r"http://127\.0\.0\.1:\d+/\S*", out.read_text()).group(0)
        assert url == f"http://127.0.0.1:{port}/report.html"

        first = _wait(url, _report, "report")
        assert "/__preview/events" in first  # the reload script, as served
        assert not (root / "output").exists() and not list((root / ".build" / "preview").rglob("*.pdf"))
        assert "/__preview/" not in (root / ".build" / "preview" / "report.html").read_text(encoding="utf-8")

        # a browser tab on Rinkeby-Kista's page: its reload script's long polls say the page is open
        district = url.rsplit("/", 1)[0] + "/administrations/rinkeby-kista.html"
        district_before = _get(district)
        tab, loads = _tab(district)
        assert loads.get(timeout=60)["h1"] == "Rinkeby-Kista"
        time.sleep(1)  # its first poll is in

        # a changed raw cell: the page served changes
        turnover = root / "data" / "raw" / "turnover.csv"
        fields, rows = read_rows(turnover)
        original = [dict(row) for row in rows]
        row = next(r for r in rows if r["administration"] == "Rinkeby-Kista" and r["year"] == "2018")
        row["ended"] = str(int(row["ended"]) + 1)
        write_rows(turnover, fields, rows)
        changed = _wait(url, lambda page: _report(page) and SCRIPT.sub("", page) != SCRIPT.sub("", first),
                        "rebuilt report")
        # the open district page was served before the others, and it is the page the whole build then swapped in;
        # the tab reloaded itself once for it, and not again when the whole build was in
        assert "[execute] served first, as open in the browser: administrations/rinkeby-kista.html" in out.read_text()
        district_after = _get(district)
        assert SCRIPT.sub("", district_after) != SCRIPT.sub("", district_before)
        assert SCRIPT.sub("", district_after) == (root / ".build" / "preview" / "administrations" /
                                                  "rinkeby-kista.html").read_text(encoding="utf-8")
        reloaded = loads.get(timeout=30)
        assert (reloaded["load"], reloaded["h1"]) == (2, "Rinkeby-Kista")
        time.sleep(2)
        assert loads.empty(), "a page is reloaded once per change"
        tab.stdin.close()
        tab.wait(timeout=30)
        # only the changed file went through GX; the data docs, written after the page, still show every file
        assert re.search(r"\[validate\] 1 checked with GX \(turnover\.csv\); 10 reused", out.read_text())
        docs_url = url.rsplit("/", 1)[0] + "/validation/index.html"
        docs = _wait(docs_url, lambda page: "expectations/turnover.html" in page, "data docs")
        for name in ["administrations", "consultants", "survey_responses", "turnover"]:
            assert f"expectations/{name}.html" in docs and f"validations/{name}/" in docs, name

        # an invalid cell: the command line's message in the page, the server still answering
        row["ended"] = "-3"
        write_rows(turnover, fields, rows)
        failed = _wait(url, lambda page: "kunde inte byggas" in _title(page), "error page")
        message = html.unescape(re.search(r"<pre>(.*?)</pre>", failed, re.S).group(1))
        assert "data/raw/turnover.csv" in message and "'-3'" in message and message.startswith("error: ")
        assert message in err.read_text(), "the page shows the message as the command line prints it"
        assert "/__preview/events" in failed and process.poll() is None

        # fixed: the report is back, the same as before the change
        write_rows(turnover, fields, original)
        back = _wait(url, _report, "report after the fix")
        assert SCRIPT.sub("", back) == SCRIPT.sub("", first) != SCRIPT.sub("", changed)

        children = psutil.Process(process.pid).children(recursive=True)
        assert children, "the warm worker pool"
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) in (0, 130)
    finally:
        for started in [process, tab]:
            if started is not None and started.poll() is None:
                started.kill()
                started.wait()
    assert [c.pid for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE] == []
    said = err.read_text().strip().splitlines()
    assert said[-1].startswith("preview stopped"), said[-3:]
    assert "Traceback" not in err.read_text()
