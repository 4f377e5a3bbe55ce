"""The papermill engine the report runs its notebooks with: in this process, one IPython shell per notebook.

Why our own engine. With one Jupyter kernel per notebook (papermill's own engine), starting the
kernel is most of a small notebook's cost: a cold build took 53 s that way against 26 s when each
notebook ran in a fresh namespace inside the long-lived worker process, where start-up is paid
once per worker. We used to get that from ploomber-engine, which also brought ploomber-core and
with it posthog, a telemetry client, and ploomber-extension, a JupyterLab extension whose share
button uploads notebooks to a commercial cloud; its error handling also needed a repair for
papermill. This module does the same job with IPython and papermill alone.

How it runs a notebook. Each notebook gets a new ``InteractiveShell`` (a few milliseconds, less
than resetting a used one, and nothing a notebook configures, such as magics, formatters or event
hooks, reaches the next one); its code cells run in the shell's user namespace one after another,
as a kernel would run them. What the cells show becomes the nbformat outputs a kernel and
nbclient would give: ``stream`` (stdout, stderr; consecutive writes to one stream are one
output), ``display_data`` (every mime type the display formatter gives, binary data
base64-encoded as a kernel's messages carry it), ``execute_result`` for a last-line expression,
with its execution count, and ``error`` (ename, evalue, traceback). A failing cell is marked
failed through papermill's ``NotebookExecutionManager`` and no later cell runs, so papermill
raises its usual ``PapermillExecutionError`` naming the cell, as with a kernel. When the notebook
ends, what a kernel would take with it is given back or dropped: the namespace (emptied at once,
so a long-lived worker holds none of its data), IPython's singleton, ``__main__``, the working
directory, environment variables, ``sys.path``, warning filters.

What differs from a kernel, on purpose: matplotlib draws with Agg (as the build's kernels do with
MPLBACKEND=Agg), figures are shown only when a cell displays them, and every figure is closed
when a notebook ends; no IPython profile, startup file or configuration file is read; nothing is
stamped with a time (papermill's own metadata aside, which the build strips), and a warning
names its cell ``<ipython-input-N-…>`` rather than a kernel's temporary file with a process id
in its path. Output that compiled code writes straight to file descriptors 1 and 2 is not
captured. Modules imported by one notebook stay imported for the next, as they did with
ploomber-engine. Papermill's ``execution_timeout`` and ``start_timeout`` do not apply.

The engine is registered with papermill under the name ``inprocess`` (``NAME``) through the
``papermill.engine`` entry point in pyproject.toml, which papermill loads when it is imported;
``register()`` does the same by hand where the project is not installed (a bare checkout on
PYTHONPATH). Not ``embedded``, the name the build used before: ploomber-engine's own entry point
claims it, and stays installed in an environment that was only updated from the new lock.
"""
from __future__ import annotations

import io
import os
import sys
import warnings
from contextlib import contextmanager

import nbformat
from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
from jupyter_client.session import json_packer, json_unpacker
from papermill.engines import Engine, papermill_engines
from papermill.exceptions import PapermillException
from papermill.log import logger
from papermill.utils import chdir
from traitlets.config import Config
from traitlets.config.configurable import SingletonConfigurable

NAME = "inprocess"

_UNSET = object()


def _wire(value):
    """``value`` as it reaches nbclient from a kernel: through JSON, with bytes (images) in base64."""
    return json_unpacker(json_packer(value))


class _Outputs:
    """The outputs of the cell that is running, and the display ids of the whole notebook (as nbclient keeps them)."""

    def __init__(self) -> None:
        self.cell = None
        self._clear_pending = False
        self._display_ids: dict[str, list] = {}

    def start(self, cell) -> None:
        cell.outputs = []
        self.cell = cell
        self._clear_pending = False

    def stop(self) -> None:
        self.cell = None

    def _add(self, output) -> None:
        if self._clear_pending:
            self.cell.outputs.clear()
            self._clear_pending = False
        self.cell.outputs.append(output)

    def stream(self, name: str, text: str) -> None:
        if self.cell is None or not text:
            return
        outputs = self.cell.outputs
        last = outputs[-1] if outputs else None
        if (not self._clear_pending and last is not None and last.output_type == "stream"
                and last.name == name):
            last.text += text
        else:
            self._add(nbformat.v4.new_output("stream", name=name, text=text))

    def display(self, data: dict, metadata: dict, transient: dict, update: bool) -> None:
        data, metadata = _wire(data), _wire(metadata)
        display_id = transient.get("display_id") if transient else None
        if display_id:  # update every output shown under this id so far, in any cell
            for output in self._display_ids.get(display_id, []):
                output["data"] = nbformat.from_dict(data)
                output["metadata"] = nbformat.from_dict(metadata)
        if update or self.cell is None:
            return
        output = nbformat.v4.new_output("display_data", data=data, metadata=metadata)
        if display_id:
            self._display_ids.setdefault(display_id, []).append(output)
        self._add(output)

    def result(self, data: dict, metadata: dict, execution_count: int) -> None:
        if self.cell is not None:
            self._add(nbformat.v4.new_output("execute_result", data=_wire(data), metadata=_wire(metadata),
                                             execution_count=execution_count))

    def error(self, ename: str, evalue: str, traceback: list[str]) -> None:
        if self.cell is not None:
            self._add(nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=list(traceback)))

    def clear(self, wait: bool) -> None:
        if self.cell is None:
            return
        if wait:
            self._clear_pending = True
        else:
            self.cell.outputs.clear()
            self._clear_pending = False


class _Stream(io.TextIOBase):
    """``sys.stdout`` or ``sys.stderr`` while a cell runs: what is written becomes a ``stream`` output."""

    def __init__(self, name: str, outputs: _Outputs) -> None:
        super().__init__()
        self._name = name
        self._outputs = outputs

    @property
    def name(self) -> str:
        return self._name

    @property
    def encoding(self) -> str:
        return "utf-8"

    @property
    def errors(self) -> str:
        return "strict"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self._outputs.stream(self._name, text)
        return len(text)


class _DisplayHook(DisplayHook):
    """A cell's last-line value becomes an ``execute_result`` instead of being printed."""

    def write_output_prompt(self) -> None:
        pass

    def write_format_data(self, format_dict, md_dict=None) -> None:
        self.shell.cell_outputs.result(format_dict, md_dict or {}, self.prompt_count)

    def finish_displayhook(self) -> None:
        pass


class _DisplayPublisher(DisplayPublisher):
    """``IPython.display.display`` (and ``update_display``, ``clear_output``) become ``display_data`` outputs."""

    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs) -> None:
        self._validate_data(data, metadata)
        self.shell.cell_outputs.display(data, metadata or {}, transient or {}, update)

    def clear_output(self, wait=False) -> None:
        self.shell.cell_outputs.clear(wait)


class _Shell(InteractiveShell):
    """An IPython shell whose output goes into notebook cells; errors become ``error`` outputs."""

    displayhook_class = _DisplayHook
    display_pub_class = _DisplayPublisher

    def __init__(self, outputs: _Outputs, **kwargs) -> None:
        self.cell_outputs = outputs
        super().__init__(**kwargs)

    def _showtraceback(self, etype, evalue, stb) -> None:
        self.cell_outputs.error(str(etype.__name__), str(evalue), stb)

    def init_virtualenv(self) -> None:
        """No warning about virtual environments: the build runs in its own, deliberately."""


def _config() -> Config:
    config = Config()
    config.HistoryManager.enabled = False  # an in-memory history: nothing written to ~/.ipython
    return config


def _singleton_classes() -> list[type]:
    return [klass for klass in _Shell.mro()
            if isinstance(klass, type) and issubclass(klass, SingletonConfigurable) and klass is not SingletonConfigurable]


def _release(shell: _Shell) -> None:
    """Let go of the notebook's objects now: what ``InteractiveShell.reset`` and ``atexit_operations``
    do, without the full ``gc.collect()`` that costs tens of milliseconds in a worker with a large heap."""
    import shutil

    if shell.user_ns is not shell.user_global_ns:
        shell.user_ns.clear()
    namespace = shell.user_global_ns  # its builtins stay: objects' __del__ methods may still need them
    for name in [n for n in namespace if n not in ("__builtin__", "__builtins__", "__name__")]:
        del namespace[name]
    shell.user_ns_hidden.clear()
    shell.last_execution_result = None
    for name in ("_", "__", "___"):  # the displayhook's last three results
        setattr(shell.displayhook, name, "")
    history = shell.history_manager
    if history is not None:
        history.output_hist.clear()
        history.outputs.clear()
        history.exceptions.clear()
        history.close()
    shell.clear_main_mod_cache()
    for path in shell.tempfiles:
        path.unlink(missing_ok=True)
    for path in shell.tempdirs:
        shutil.rmtree(path, ignore_errors=True)


@contextmanager
def _process_state():
    """Give back what a notebook may change in the process and a kernel would take with it when it
    ends: the working directory, environment variables, ``sys.path``, ``sys.stdin``, ``__main__``."""
    cwd, environ, path = os.getcwd(), dict(os.environ), list(sys.path)
    stdin, main = sys.stdin, sys.modules.get("__main__")
    try:
        yield
    finally:
        os.chdir(cwd)
        for name in set(os.environ) - set(environ):
            del os.environ[name]
        for name, value in environ.items():
            if os.environ.get(name) != value:
                os.environ[name] = value
        sys.path[:] = path
        sys.stdin = stdin
        if main is not None:
            sys.modules["__main__"] = main


@contextmanager
def _shell(outputs: _Outputs):
    """A fresh shell for one notebook: ``get_ipython()`` and ``__main__`` while the notebook runs.

    IPython's singleton is given back afterwards and the shell's namespace is emptied, so a
    long-lived worker keeps nothing of the notebook (run inside ``_process_state``).
    """
    import atexit

    classes = _singleton_classes()
    saved = {klass: klass.__dict__.get("_instance", _UNSET) for klass in classes}
    shell = None
    try:
        for klass in classes:
            klass._instance = None
        shell = _Shell(outputs, config=_config())  # makes its namespace sys.modules["__main__"]
        atexit.unregister(shell.atexit_operations)  # cleaned up below, not when the process ends
        for klass in classes:
            klass._instance = shell
        sys.stdin = io.StringIO()  # input() fails at once instead of waiting for a terminal
        sys.path.insert(0, os.getcwd())  # a kernel finds modules in its working directory (papermill's cwd) first
        yield shell
    finally:
        if shell is not None:
            _release(shell)
        for klass, instance in saved.items():
            if instance is not _UNSET:
                klass._instance = instance
            elif "_instance" in klass.__dict__:
                delattr(klass, "_instance")


@contextmanager
def _matplotlib_agg():
    """matplotlib draws with Agg, and no figure is left open for the next notebook."""
    try:
        import matplotlib
    except ImportError:
        matplotlib = None
    if matplotlib is not None:
        matplotlib.use("Agg")  # a no-op when Agg is already the backend
    try:
        yield
    finally:
        pyplot = sys.modules.get("matplotlib.pyplot")
        if pyplot is not None:
            pyplot.close("all")


def _showwarning(message, category, filename, lineno, file=None, line=None) -> None:
    """Python's own way of showing a warning, to the cell's stderr, whatever the host process set up."""
    try:
        (file or sys.stderr).write(warnings.formatwarning(message, category, filename, lineno, line))
    except OSError:
        pass


@contextmanager
def _own_warnings():
    """Warnings as in a fresh kernel: shown on the cell's stderr, and shown again in each notebook.

    ``catch_warnings`` also empties every module's record of warnings already shown (the
    "default" action shows one once per place), and undoes a notebook's changes to the filters.
    """
    with warnings.catch_warnings():
        warnings.showwarning = _showwarning
        yield


@contextmanager
def _captured(outputs: _Outputs):
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Stream("stdout", outputs), _Stream("stderr", outputs)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def _language(nb) -> str | None:
    return (nb.metadata.get("kernelspec", {}).get("language")
            or nb.metadata.get("language_info", {}).get("name"))


def _forward(outputs, log_output: bool, stdout_file, stderr_file) -> None:
    """papermill's ``log_output``, ``stdout_file`` and ``stderr_file``, as its own engine serves them."""
    for output in outputs:
        if output.output_type == "stream":
            target = stdout_file if output.name == "stdout" else stderr_file
            if log_output:
                (logger.info if output.name == "stdout" else logger.warning)(output.text)
            if target:
                target.write(output.text)
                target.flush()
        elif log_output and "text/plain" in output.get("data", {}):
            logger.info(output.data["text/plain"])


class InProcessEngine(Engine):
    """papermill engine: the notebook's code cells run in this process, in a new IPython shell."""

    @classmethod
    def nb_kernel_name(cls, nb, name=None):
        """The kernel named by the caller or the notebook; none is needed, so a notebook without one is run too."""
        try:
            return super().nb_kernel_name(nb, name)
        except ValueError:
            return "python3"

    @classmethod
    def nb_language(cls, nb, language=None):
        try:
            return super().nb_language(nb, language)
        except ValueError:
            return "python"

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                 stderr_file=None, cwd=None, **kwargs):
        """Run ``nb_man.nb``'s code cells in order; stop at the first that fails.

        papermill's ``execute_notebook`` has already moved into its ``cwd`` when it calls an
        engine; ``cwd`` here serves callers that call the engine directly.
        """
        nb = nb_man.nb
        language = _language(nb)
        if language is not None and language.lower() != "python":
            raise PapermillException(f"The {NAME!r} engine runs Python notebooks only, not {language!r}.")
        outputs = _Outputs()
        with chdir(cwd), _matplotlib_agg(), _own_warnings(), _process_state(), _shell(outputs) as shell:
            for index, cell in enumerate(nb.cells):
                failed = False
                try:
                    nb_man.cell_start(cell, index)
                    failed = cls._execute_cell(shell, outputs, cell)
                    if failed:
                        nb_man.cell_exception(nb.cells[index], cell_index=index)
                finally:
                    nb_man.cell_complete(nb.cells[index], cell_index=index)
                if cell.cell_type == "code":
                    _forward(cell.outputs, log_output, stdout_file, stderr_file)
                if failed:
                    break
        return nb

    @staticmethod
    def _execute_cell(shell: _Shell, outputs: _Outputs, cell) -> bool:
        """Run one cell as nbclient would have a kernel run it; True when it failed and execution stops."""
        if cell.cell_type != "code" or not cell.source.strip():
            return False
        tags = cell.metadata.get("tags", [])
        if "skip-execution" in tags:
            return False
        cell.execution_count = shell.execution_count
        outputs.start(cell)
        try:
            with _captured(outputs):
                result = shell.run_cell(cell.source, store_history=True, cell_id=cell.get("id"))
        finally:
            outputs.stop()
        errored = not result.success or any(o.output_type == "error" for o in cell.outputs)
        return errored and "raises-exception" not in tags


def register(name: str = NAME) -> str:
    """Register the engine with papermill by hand (the entry point does it when the project is installed)."""
    papermill_engines.register(name, InProcessEngine)
    return name
