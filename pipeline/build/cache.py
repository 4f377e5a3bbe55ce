"""A content-addressed store for the costly, pure steps: validating, executing a notebook, printing a PDF.

An entry's key is the SHA-256 of everything that decides its bytes (the raw files, suites
and parameters; the notebook, its parameters, the processed data it reads, the code and
the package lock; or the HTML and the WeasyPrint version), so a hit is exactly what a
fresh run would write. Rebuilding after a small change then redoes only the steps whose
inputs changed. Entries live under ``.build/cache/`` (git-ignored); they are dropped when
unused for ``MAX_AGE_DAYS``, and the least recently used go first when the store outgrows
``MAX_BYTES``.
"""
import hashlib
import os
import shutil
import tarfile
import time
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from pipeline import paths

ROOT = paths.ROOT / ".build" / "cache"
MAX_AGE_DAYS = 14
MAX_BYTES = 512 * 2**20


def digest(*parts: bytes | str) -> str:
    sha = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        sha.update(len(data).to_bytes(8, "big"))
        sha.update(data)
    return sha.hexdigest()


def files_digest(files) -> str:
    """One digest over files' names and contents, in a stable order."""
    parts = []
    for path in sorted(Path(f) for f in files):
        parts += [path.name, path.read_bytes()]
    return digest(*parts)


@lru_cache(maxsize=1)
def code_digest() -> str:
    """The pipeline's code, templates and package lock: a change to any of them invalidates everything."""
    package = paths.ROOT / "pipeline"
    files = [p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    files.append(paths.ROOT / "requirements.lock")
    return files_digest(files)


@contextmanager
def _aside(kind: str, key: str):
    """A temporary path beside the entry; renamed to the entry once written, so no reader sees half of one."""
    directory = ROOT / kind
    directory.mkdir(parents=True, exist_ok=True)
    temporary = directory / f".{key}.{os.getpid()}.tmp"
    try:
        yield temporary
    except BaseException:
        temporary.unlink(missing_ok=True)  # a failed write leaves nothing behind
        raise
    os.replace(temporary, directory / key)


def fetch(kind: str, key: str, target: Path) -> bool:
    """Copy a cached entry to ``target``; False when there is none."""
    entry = ROOT / kind / key
    if not entry.is_file():
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(entry, target)
    os.utime(entry)  # recently used: kept by prune()
    return True


def store(kind: str, key: str, source: Path) -> None:
    """Keep a copy of ``source`` under ``key``."""
    with _aside(kind, key) as temporary:
        shutil.copyfile(source, temporary)


def read(kind: str, key: str) -> bytes | None:
    """A cached entry's bytes; None when there is none."""
    entry = ROOT / kind / key
    if not entry.is_file():
        return None
    os.utime(entry)
    return entry.read_bytes()


def write(kind: str, key: str, data: bytes) -> None:
    """Keep ``data`` under ``key``."""
    with _aside(kind, key) as temporary:
        temporary.write_bytes(data)


def fetch_tree(kind: str, key: str, target: Path) -> bool:
    """Unpack a cached directory into ``target`` (which must not exist yet); False when there is none."""
    entry = ROOT / kind / key
    if not entry.is_file():
        return False
    target.mkdir(parents=True)
    with tarfile.open(entry) as archive:
        archive.extractall(target, filter="data")
    os.utime(entry)
    return True


def store_tree(kind: str, key: str, source: Path) -> None:
    """Keep a copy of the directory ``source``, as one archive."""
    with _aside(kind, key) as temporary, tarfile.open(temporary, "w") as archive:
        for path in sorted(source.rglob("*")):
            archive.add(path, arcname=str(path.relative_to(source)), recursive=False)


def prune(max_age_days: int = MAX_AGE_DAYS, max_bytes: int = MAX_BYTES, root: Path | None = None) -> None:
    """Drop entries unused for ``max_age_days``, then the least recently used until the store fits ``max_bytes``.

    Every data change adds a few megabytes (validation results, PDFs, notebooks); a day of
    edits must not fill the disk. Entries used by the last build were just touched, so they stay.
    """
    root = root or ROOT
    if not root.exists():
        return
    limit = time.time() - max_age_days * 86400
    kept = []
    for entry in root.rglob("*"):
        if not entry.is_file():
            continue
        stat = entry.stat()
        if stat.st_mtime < limit:
            entry.unlink(missing_ok=True)
        else:
            kept.append((stat.st_mtime, stat.st_size, entry))
    total = sum(size for _, size, _ in kept)
    for _, size, entry in sorted(kept):  # least recently used first
        if total <= max_bytes:
            break
        entry.unlink(missing_ok=True)
        total -= size
