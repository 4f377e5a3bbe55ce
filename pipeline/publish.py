"""Publishing a finished build by rename, so readers never see a half-written report.

A build writes everything into a staging tree under ``.build/``. Only when every step
has succeeded is each published directory swapped with its staged twin in one atomic
``renameat2(RENAME_EXCHANGE)`` call (Linux); elsewhere, two renames. A build killed
before that moment leaves the published directories exactly as they were.
"""
import ctypes
import os
import shutil
from pathlib import Path

from pipeline import paths

BUILD_DIR = paths.ROOT / ".build"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def new_stage() -> Path:
    """An empty staging tree, and the removal of stages left by builds that were killed."""
    BUILD_DIR.mkdir(exist_ok=True)
    for old in BUILD_DIR.glob("stage-*"):
        pid = old.name.removeprefix("stage-")
        if not (pid.isdigit() and _alive(int(pid))):
            shutil.rmtree(old, ignore_errors=True)
    stage = BUILD_DIR / f"stage-{os.getpid()}"
    shutil.rmtree(stage, ignore_errors=True)
    (stage / "output").mkdir(parents=True)
    (stage / "data" / "processed").mkdir(parents=True)
    return stage


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
    shutil.rmtree(stage, ignore_errors=True)


def discard(stage: Path) -> None:
    shutil.rmtree(stage, ignore_errors=True)
