"""The in-process papermill engine (pipeline/build/engine.py): outputs as a kernel gives them, failures as
papermill reports them, one fresh namespace per notebook, and registration under its name."""
import base64
import os
import sys
from importlib import metadata
from pathlib import Path

import nbformat
import papermill
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from papermill.engines import PapermillEngines, papermill_engines
from papermill.exceptions import PapermillException

from pipeline.build import engine
from pipeline.build.engine import NAME, InProcessEngine

DISTRIBUTION = "stockholm-handlingsplan-rapport"
GROUP = "papermill.engine"  # papermill.engines.PapermillEngines.register_entry_points reads this group
# A 1×1 PNG.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


@pytest.fixture(autouse=True)
def registered():
    """The engine under its name in papermill's registry, whether or not the entry point is installed yet."""
    try:
        previous = papermill_engines.get_engine(NAME)
    except PapermillException:
        previous = None
    if previous is not InProcessEngine:
        engine.register()
    yield
    if previous is not None and previous is not InProcessEngine:
        papermill_engines.register(NAME, previous)


def notebook(*cells) -> nbformat.NotebookNode:
    """A Python notebook of ``cells``: strings are code cells, ``("md", text)`` Markdown cells."""
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    nb.cells = [new_markdown_cell(c[1]) if isinstance(c, tuple) else
                c if isinstance(c, nbformat.NotebookNode) else new_code_cell(c) for c in cells]
    return nb


def execute(tmp_path: Path, nb, name: str = "notebook.ipynb", **kwargs) -> nbformat.NotebookNode:
    """``nb`` executed by papermill with the engine; the notebook papermill wrote."""
    source, target = tmp_path / name, tmp_path / f"executed-{name}"
    nbformat.write(nb, source)
    papermill.execute_notebook(str(source), str(target), engine_name=NAME, progress_bar=False, **kwargs)
    return nbformat.read(target, as_version=4)


def code_cells(nb) -> list:
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def test_streams_and_execute_result(tmp_path, capsys):
    nb = execute(tmp_path, notebook(
        ("md", "# Rubrik"),
        "import sys\nprint('a')\nprint('b')\nprint('varning', file=sys.stderr)\n40 + 2",
        "x = 1",
        "",
        "x + 1;",
        "print('före', end='')\nsys.stdout.write('efter\\n')\nx",
    ))
    first, assignment, empty, silenced, last = code_cells(nb)
    assert first.outputs == [new_output("stream", name="stdout", text="a\nb\n"),
                             new_output("stream", name="stderr", text="varning\n"),
                             new_output("execute_result", data={"text/plain": "42"}, execution_count=1)]
    assert (assignment.execution_count, assignment.outputs) == (2, [])
    assert (empty.execution_count, empty.outputs) == (None, [])  # skipped, as nbclient skips it
    assert (silenced.execution_count, silenced.outputs) == (3, [])  # a trailing semicolon shows nothing
    assert last.outputs == [new_output("stream", name="stdout", text="föreefter\n"),
                            new_output("execute_result", data={"text/plain": "1"}, execution_count=4)]
    assert nb.cells[0].source == "# Rubrik"
    assert capsys.readouterr() == ("", "")  # nothing reaches this process's own streams


def test_display_data_with_every_mime_type(tmp_path):
    nb = execute(tmp_path, notebook(
        "from IPython.display import HTML, Image, Markdown, display\n"
        "display(HTML('<p>x</p>'))\n"
        f"display(Image(data={PNG!r}, format='png'))\n"
        "display(Markdown('*y*'), metadata={'extra': 1})",
        "import pandas as pd\npd.DataFrame({'a': [1, 2]})",
    ))
    displays, frame = code_cells(nb)
    png = base64.b64encode(PNG).decode("ascii")
    assert displays.outputs == [
        new_output("display_data", data={"text/html": "<p>x</p>", "text/plain": "<IPython.core.display.HTML object>"}),
        new_output("display_data", data={"image/png": png, "text/plain": "<IPython.core.display.Image object>"}),
        new_output("display_data", data={"text/markdown": "*y*", "text/plain": "<IPython.core.display.Markdown object>"},
                   metadata={"extra": 1}),
    ]
    [result] = frame.outputs
    assert result.output_type == "execute_result" and result.execution_count == 2
    assert sorted(result.data) == ["text/html", "text/plain"]
    assert "<table" in result.data["text/html"] and result.data["text/plain"].split() == "a 0 1 1 2".split()

    # An object with several representations shows them all, binary data in base64, as from a kernel.
    rich = (f"class Rich:\n    def _repr_html_(self): return '<b>fet</b>'\n"
            f"    def _repr_markdown_(self): return '**fet**'\n    def _repr_png_(self): return {PNG!r}\n"
            "    def __repr__(self): return 'Rich()'\n"
            "from IPython.display import display\ndisplay(Rich())\nRich()")
    [cell] = code_cells(execute(tmp_path, notebook(rich), "rich.ipynb"))
    data = {"text/html": "<b>fet</b>", "text/markdown": "**fet**", "image/png": png, "text/plain": "Rich()"}
    assert cell.outputs == [new_output("display_data", data=data),
                            new_output("execute_result", data=data, execution_count=1)]


def test_update_display_and_clear_output(tmp_path):
    nb = execute(tmp_path, notebook(
        "from IPython.display import clear_output, display, update_display\n"
        "display('första', display_id='d');",
        "update_display('ändrad', display_id='d')\nprint('borta')\nclear_output(wait=True)\nprint('kvar')",
    ))
    shown, cleared = code_cells(nb)
    assert shown.outputs == [new_output("display_data", data={"text/plain": "'ändrad'"})]
    assert cleared.outputs == [new_output("stream", name="stdout", text="kvar\n")]


def test_failing_cell_stops_the_notebook_and_papermill_names_it(tmp_path):
    marker = tmp_path / "ran"
    nb = notebook(
        "x = 1",
        "print('före felet')\nraise ValueError('fel värde')",
        f"open({str(marker)!r}, 'w').close()",
    )
    with pytest.raises(papermill.PapermillExecutionError) as caught:
        execute(tmp_path, nb)
    assert (caught.value.exec_count, caught.value.ename, caught.value.evalue) == (2, "ValueError", "fel värde")
    assert not marker.exists()  # the cell after the failing one never ran

    executed = nbformat.read(tmp_path / "executed-notebook.ipynb", as_version=4)
    ok, failed, later = code_cells(executed)
    assert failed.execution_count == 2
    assert failed.outputs[0] == new_output("stream", name="stdout", text="före felet\n")
    error = failed.outputs[1]
    assert (error.output_type, error.ename, error.evalue) == ("error", "ValueError", "fel värde")
    assert "ValueError" in error.traceback[-1] and any("In[2]" in line for line in error.traceback)
    assert failed.metadata.papermill.status == "failed" and failed.metadata.papermill.exception is True
    assert ok.metadata.papermill.status == "completed"
    assert (later.execution_count, later.outputs, later.metadata.papermill.status) == (None, [], "pending")


def test_syntax_error_fails_like_any_error(tmp_path):
    with pytest.raises(papermill.PapermillExecutionError) as caught:
        execute(tmp_path, notebook("x = 1", "def (:", "y = 2"))
    assert (caught.value.exec_count, caught.value.ename) == (2, "SyntaxError")


def test_parameters_are_injected(tmp_path):
    parameters = new_code_cell("processed_dir = 'data/processed'\nadministration = 'Bromma'",
                               metadata={"tags": ["parameters"]})
    nb = execute(tmp_path, notebook(parameters, "print(processed_dir, administration)"),
                 parameters={"processed_dir": "/tmp/data", "administration": "Kista"})
    cells = code_cells(nb)
    assert "injected-parameters" in cells[1].metadata.tags
    assert cells[-1].outputs == [new_output("stream", name="stdout", text="/tmp/data Kista\n")]


def test_each_notebook_gets_a_fresh_namespace(tmp_path):
    first = execute(tmp_path, notebook("hemlig = 41", "hemlig + 1"), "first.ipynb")
    second = execute(tmp_path, notebook("print('hemlig' in globals(), __name__)", "get_ipython().execution_count"),
                     "second.ipynb")
    assert code_cells(first)[1].outputs[0].data["text/plain"] == "42"
    check, count = code_cells(second)
    assert check.outputs == [new_output("stream", name="stdout", text="False __main__\n")]
    assert (check.execution_count, count.execution_count) == (1, 2)  # counts start again at 1


def test_a_notebooks_objects_are_freed_when_it_ends(tmp_path):
    """A long-lived worker holds nothing of a finished notebook, even before the garbage collector runs."""
    import gc
    import types
    import weakref

    holder = types.ModuleType("holder_for_engine_test")
    holder.refs = []
    sys.modules[holder.__name__] = holder
    gc.disable()
    try:
        execute(tmp_path, notebook("import weakref, holder_for_engine_test as holder\n"
                                   "class Data:\n    pass\n"
                                   "data = Data()\nholder.refs.append(weakref.ref(data))\ndata"))
        [ref] = holder.refs
        assert isinstance(ref, weakref.ref) and ref() is None
    finally:
        gc.enable()
        del sys.modules[holder.__name__]


def test_warnings_as_in_a_fresh_kernel(tmp_path):
    """A warning is on the cell's stderr in every notebook that causes it, and a notebook's filters stay its own."""
    work = tmp_path / "tree"
    work.mkdir()
    (work / "warner_for_engine_test.py").write_text(
        "import warnings\n\ndef warn():\n    warnings.warn('akta dig', UserWarning)\n", encoding="utf-8")
    cells = ("import warner_for_engine_test\nwarner_for_engine_test.warn()",
             "import warnings\nwarnings.simplefilter('ignore')")
    first = execute(tmp_path, notebook(*cells), "first.ipynb", cwd=str(work))
    second = execute(tmp_path, notebook(*cells), "second.ipynb", cwd=str(work))
    sys.modules.pop("warner_for_engine_test", None)
    for nb in first, second:
        [shown] = code_cells(nb)[0].outputs
        assert (shown.name, shown.text) == (
            "stderr", f"{work / 'warner_for_engine_test.py'}:4: UserWarning: akta dig\n"
                      "  warnings.warn('akta dig', UserWarning)\n")


def test_process_state_is_given_back(tmp_path):
    from IPython.core.interactiveshell import InteractiveShell

    main, stdout, stderr, path, cwd = sys.modules["__main__"], sys.stdout, sys.stderr, list(sys.path), os.getcwd()
    environ = dict(os.environ)
    with pytest.raises(papermill.PapermillExecutionError):
        execute(tmp_path, notebook("import os, sys\nsys.path.append('/nowhere')\nos.chdir('/')",
                                   "os.environ['ENGINE_TEST_VARIABLE'] = '1'\nos.environ.pop('HOME', None)",
                                   "1 / 0"))
    assert (sys.modules["__main__"], sys.stdout, sys.stderr, sys.path, os.getcwd()) == (main, stdout, stderr, path, cwd)
    assert dict(os.environ) == environ
    assert not InteractiveShell.initialized()


def test_cwd_as_papermill_sets_it(tmp_path):
    work = tmp_path / "tree"
    work.mkdir()
    (work / "helper_for_engine_test.py").write_text("VALUE = 'lokal modul'\n", encoding="utf-8")
    nb = execute(tmp_path, notebook("import os\nprint(os.getcwd())",
                                    "import helper_for_engine_test\nprint(helper_for_engine_test.VALUE)"),
                 cwd=str(work))
    where, module = code_cells(nb)
    assert where.outputs[0].text == f"{work}\n"
    assert module.outputs[0].text == "lokal modul\n"
    sys.modules.pop("helper_for_engine_test", None)


def test_matplotlib_draws_with_agg_and_leaves_no_figure_open(tmp_path, monkeypatch):
    import matplotlib
    import matplotlib.pyplot as plt

    nb = execute(tmp_path, notebook(
        "import matplotlib\nimport matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([1, 2])\n"
        "print(matplotlib.get_backend().lower(), len(plt.get_fignums()))",
    ))
    assert code_cells(nb)[0].outputs == [new_output("stream", name="stdout", text="agg 1\n")]
    assert plt.get_fignums() == []
    assert matplotlib.get_backend().lower() == "agg"


def test_output_is_deterministic(tmp_path):
    nb = notebook(
        "import warnings\nwarnings.warn('akta')\nprint('text')",
        "from IPython.display import HTML, display\ndisplay(HTML('<i>i</i>'))\n{'b': 2, 'a': 1}",
        "def f():\n    return 1 / 0\nf()",
    )

    def run(name):
        with pytest.raises(papermill.PapermillExecutionError):
            execute(tmp_path, nb, name)
        executed = nbformat.read(tmp_path / f"executed-{name}", as_version=4)
        executed.metadata.pop("papermill")
        for number, cell in enumerate(executed.cells):
            cell.metadata.pop("papermill", None)
            cell["id"] = str(number)  # papermill's error marker cells get random ids (the build renumbers them)
            assert set(cell.metadata) <= {"tags"}  # no timestamps of the engine's own
        return executed

    one = run("one.ipynb")
    assert one == run("two.ipynb")
    warned = code_cells(one)[0].outputs
    assert [o.name for o in warned] == ["stderr", "stdout"] and "UserWarning: akta" in warned[0].text


def test_other_languages_are_refused(tmp_path):
    nb = notebook("x <- 1")
    nb.metadata["kernelspec"] = {"name": "ir", "language": "R", "display_name": "R"}
    with pytest.raises(PapermillException, match="Python notebooks only"):
        execute(tmp_path, nb)


def test_found_by_name_in_papermills_registry():
    assert papermill_engines.get_engine(NAME) is InProcessEngine
    assert issubclass(InProcessEngine, papermill.engines.Engine)


def test_entry_point_is_installed():
    """pyproject.toml's [project.entry-points."papermill.engine"] reaches the installed metadata and papermill."""
    try:
        distribution = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        pytest.skip(f"{DISTRIBUTION} is not installed as a distribution here (pipeline is imported from a path), "
                    "so there is no installed metadata to hold the entry point; `pip install --no-deps -e .` adds it")
    if not any(ep.group == GROUP for ep in distribution.entry_points):
        pytest.skip(f"the installed metadata of {DISTRIBUTION} {distribution.version} predates the {GROUP!r} "
                    "entry point; reinstall the project (`pip install --no-deps -e .`) to pick it up")
    ours = metadata.entry_points(group=GROUP).select(name=NAME)
    assert [ep.value for ep in ours] == ["pipeline.build.engine:InProcessEngine"]
    assert next(iter(ours)).load() is InProcessEngine
    engines = PapermillEngines()  # a registry of papermill's own, filled from the entry points as at import
    engines.register_entry_points()
    assert engines.get_engine(NAME) is InProcessEngine
