"""Publishing a finished build by rename, so readers never see a half-written report.

A build writes everything into a staging tree under ``.build/``. Only when every step
has succeeded is ``output/`` swapped with its staged twin in one atomic
``renameat2(RENAME_EXCHANGE)`` call (Linux); where the kernel or file system cannot
exchange, two renames, the first undone when the second fails. The processed datasets
are published inside that same tree (``output/data/``), and ``data/processed`` is a
symbolic link to it, so the report and the data it was computed from change together in
one step or not at all. A build killed before that moment leaves the published
directories exactly as they were.

Python's standard library has no call for an atomic exchange of two directories, hence
the ctypes call; ``os.replace`` cannot replace a non-empty directory.

Each staging tree ``stage-<pid>`` has a lock file ``stage-<pid>.lock`` that its build
holds (``flock``) while it runs. The kernel releases the lock when the process ends,
however it ends, so a stage whose lock can be taken belongs to a dead build and is
removed by the next one. A process id alone would not tell: ids are reused, a killed
build may not have been reaped yet, and another container sees other ids.
"""
import ctypes
import errno
import fcntl
import os
import shutil
from pathlib import Path

from pipeline import paths
from pipeline.errors import InputError

DATA = "data"  # the processed datasets' folder inside output/; data/processed links to it

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


def _exchange(a: Path, b: Path) -> int | None:
    """Swap two paths atomically: 0 on success, the error number, or None where the call does not exist."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return None
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return 0 if result == 0 else ctypes.get_errno()


def _blocked(published: Path, number: int) -> InputError:
    """The message when a published directory cannot be replaced: what it is, and what to do."""
    where = paths.relative(published)
    if number in (errno.EBUSY, errno.EXDEV) or os.path.ismount(published):
        cause = (f"{where}/ is a mount point or lies on another file system (for example a Docker volume mounted "
                 "on it)")
    elif number in (errno.EROFS, errno.EACCES, errno.EPERM):
        cause = f"{where}/ or the folder around it is read-only ({os.strerror(number)})"
    else:
        cause = f"{where}/ could not be replaced ({os.strerror(number)})"
    return InputError(
        f"cannot publish: {cause}. A build publishes by swapping {where}/ whole, so that nobody ever sees half an "
        f"edition; mount or share the project's folder rather than {where}/ itself, and make it writable. "
        "output/ and data/processed/ are left as they were.")


def check_publishable(published: Path = paths.OUTPUT) -> None:
    """Refuse at the start, not after the whole build, a published directory that cannot be swapped."""
    if published.is_dir() and not published.is_symlink() and os.path.ismount(published):
        raise _blocked(published, errno.EBUSY)
    for folder in (published.parent, published):
        if folder.exists() and not os.access(folder, os.W_OK):
            raise _blocked(published, errno.EACCES)


def swap_in(staged: Path, published: Path) -> None:
    """Make ``staged`` the published directory in one step; the previous one is removed afterwards.

    Either the new tree is published whole, or ``InputError`` says why and the published
    directory is as it was.
    """
    published.parent.mkdir(parents=True, exist_ok=True)
    if published.is_symlink() or published.is_file():
        published.unlink()
    if not published.exists():
        try:
            os.rename(staged, published)
        except OSError as exc:
            raise _blocked(published, exc.errno) from None
        return
    number = _exchange(staged, published)
    if number in (None, errno.EINVAL, errno.ENOSYS):  # no atomic exchange here: two renames, undone on failure
        old = published.with_name(published.name + ".previous")
        shutil.rmtree(old, ignore_errors=True)
        try:
            os.rename(published, old)
        except OSError as exc:
            raise _blocked(published, exc.errno) from None
        try:
            os.rename(staged, published)
        except OSError as exc:
            os.rename(old, published)
            raise _blocked(published, exc.errno) from None
        staged = old
    elif number != 0:
        raise _blocked(published, number)
    shutil.rmtree(staged, ignore_errors=True)


def link_processed(processed: Path = paths.PROCESSED, output_dir: Path = paths.OUTPUT) -> None:
    """``data/processed`` → ``output/data``: one relative symbolic link, made once.

    A real directory left there by an older build is moved aside first (it is generated
    data, never edited by hand).
    """
    target = Path(os.path.relpath(output_dir / DATA, processed.parent))
    if processed.is_symlink() and Path(os.readlink(processed)) == target:
        return
    processed.parent.mkdir(parents=True, exist_ok=True)
    temporary = processed.with_name(f".{processed.name}.{os.getpid()}.link")
    temporary.unlink(missing_ok=True)
    os.symlink(target, temporary)
    if processed.is_dir() and not processed.is_symlink():
        old = BUILD_DIR / f"old-processed-{os.getpid()}"
        BUILD_DIR.mkdir(exist_ok=True)
        os.rename(processed, old)
        shutil.rmtree(old, ignore_errors=True)
    os.replace(temporary, processed)


def publish(stage: Path, output_dir: Path = paths.OUTPUT, processed_dir: Path = paths.PROCESSED) -> None:
    """Swap the staged ``output/`` (its processed datasets in ``output/data/``) into place in one step."""
    swap_in(stage / "output", output_dir)
    link_processed(processed_dir, output_dir)
    discard(stage)


def discard(stage: Path) -> None:
    shutil.rmtree(stage, ignore_errors=True)
    _release(stage)
