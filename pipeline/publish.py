"""Publishing a finished build by rename, so readers never see a half-written report.

A build writes everything into a staging tree under ``.build/``. Only when every step
has succeeded is each published directory swapped with its staged twin in one atomic
``renameat2(RENAME_EXCHANGE)`` call (Linux); elsewhere, two renames. A build killed
before that moment leaves the published directories exactly as they were.

Each staging tree ``stage-<pid>`` has a lock file ``stage-<pid>.lock`` that its build
holds (``flock``) while it runs. The kernel releases the lock when the process ends,
however it ends, so a stage whose lock can be taken belongs to a dead build and is
removed by the next one. A process id alone would not tell: ids are reused, a killed
build may not have been reaped yet, and another container sees other ids.
"""
import ctypes
import fcntl
import os
import shutil
from pathlib import Path

from pipeline import paths

BUILD_DIR = paths.ROOT / ".build"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_held: dict[Path, int] = {}  # stage → descriptor of its lock, open while this process builds into it


def new_stage() -> Path:
    """An empty staging tree, and the removal of stages left by builds that were killed."""
    BUILD_DIR.mkdir(exist_ok=True)
    remove_stale_stages()
    stage = BUILD_DIR / f"stage-{os.getpid()}"
    _release(stage)
    shutil.rmtree(stage, ignore_errors=True)
    _held[stage] = _lock(stage)
    (stage / "output").mkdir(parents=True)
    (stage / "data" / "processed").mkdir(parents=True)
    return stage


def remove_stale_stages() -> list[Path]:
    """Remove the staging trees (and lock files) of builds that are no longer running; return them."""
    removed = []
    for stage in sorted({BUILD_DIR / p.name.removesuffix(".lock") for p in BUILD_DIR.glob("stage-*")}):
        if stage not in _held and not _in_use(stage):
            shutil.rmtree(stage, ignore_errors=True)
            _lock_file(stage).unlink(missing_ok=True)
            removed.append(stage)
    for private in BUILD_DIR.glob(".stage-*.lock-*"):  # left by a build killed while taking its lock
        pid = private.name.rsplit("-", 1)[-1]
        if not (pid.isdigit() and _alive(int(pid))):
            private.unlink(missing_ok=True)
    return removed


def _lock_file(stage: Path) -> Path:
    return stage.with_name(stage.name + ".lock")


def _lock(stage: Path) -> int:
    """Hold the stage's lock. It is taken under a private name and renamed into place, so a
    lock file under its public name is always held by a live build or by none."""
    private = BUILD_DIR / f".{stage.name}.lock-{os.getpid()}"
    descriptor = os.open(private, os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o644)
    fcntl.flock(descriptor, fcntl.LOCK_EX)
    os.replace(private, _lock_file(stage))
    return descriptor


def _in_use(stage: Path) -> bool:
    try:
        descriptor = os.open(_lock_file(stage), os.O_RDWR | os.O_CLOEXEC)
    except FileNotFoundError:
        # no lock file: a stage left by an older version of this module; judge by its process id
        pid = stage.name.removeprefix("stage-")
        return pid.isdigit() and _alive(int(pid))
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(descriptor)  # closing also releases the lock this check may have taken
    return False


def _release(stage: Path) -> None:
    descriptor = _held.pop(stage, None)
    if descriptor is not None:
        _lock_file(stage).unlink(missing_ok=True)
        os.close(descriptor)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _exchange(a: Path, b: Path) -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def swap_in(staged: Path, published: Path) -> None:
    """Make ``staged`` the published directory; the previous one is removed afterwards."""
    published.parent.mkdir(parents=True, exist_ok=True)
    if published.is_symlink() or published.is_file():
        published.unlink()
    if not published.exists():
        os.rename(staged, published)
        return
    if not _exchange(staged, published):
        old = published.with_name(published.name + ".previous")
        shutil.rmtree(old, ignore_errors=True)
        os.rename(published, old)
        os.rename(staged, published)
        staged = old
    shutil.rmtree(staged, ignore_errors=True)


def publish(stage: Path, output_dir: Path = paths.OUTPUT, processed_dir: Path = paths.PROCESSED) -> None:
    swap_in(stage / "data" / "processed", processed_dir)
    swap_in(stage / "output", output_dir)
    discard(stage)


def discard(stage: Path) -> None:
    shutil.rmtree(stage, ignore_errors=True)
    _release(stage)
