"""The bytes a build reads, read once: raw files, suites, parameters, notebooks, code, lock, survey export.

Whether to rebuild is decided by these bytes' checksums, compared with the ones
``output/manifest.json`` recorded, not by file dates: a file copied with an old date,
a deleted file or a symbolic link whose target changed are all seen. The build then
validates and runs on the same bytes it hashed, so a file saved while the build runs
can never be published under another version's checksum; the next ``make report``
sees the difference and rebuilds.

This module imports no pandas, so deciding that nothing changed takes a fraction of a
second.
"""
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import paths
from pipeline.errors import InputError

EXPORT_VARIABLE = "SURVEY_EXPORT"  # `make report SURVEY=path` sets it: the real survey export
EXPORT_PREFIX = "SURVEY="  # how a survey export outside the project is named in the manifest

SURVEY = paths.SURVEY_RAW_NAME
SURVEY_META = paths.SURVEY_META_SUFFIX

# Files in data/raw/ that are not data: its provenance log, the lock files office programs
# leave beside an open file, and the folder settings operating systems write.
RAW_DOCUMENTATION = {"README.md"}
SYSTEM_FILES = {".DS_Store", "Thumbs.db", "desktop.ini"}


def ignored_raw(name: str) -> bool:
    """Whether a file in data/raw/ is left out: documentation, office lock files, system files.

    Excel and Word write ``~$name.xlsx`` beside a file they have open, LibreOffice
    ``.~lock.name.csv#``; both vanish when the file is closed and hold no data.
    """
    return (name in RAW_DOCUMENTATION or name in SYSTEM_FILES or name.startswith("~$")
            or (name.startswith(".~lock.") and name.endswith("#")))


@dataclass(frozen=True)
class Snapshot:
    """Every input's bytes as read once, by the name the manifest gives it."""

    files: dict[str, bytes]
    export: Path | None = None  # the survey export named with SURVEY=, outside data/raw/
    digests: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "digests", {name: hashlib.sha256(data).hexdigest()
                                             for name, data in self.files.items()})

    def entries(self) -> list[dict]:
        """The manifest's ``inputs``: each input's name, size and SHA-256."""
        return [{"path": name, "bytes": len(data), "sha256": self.digests[name]} for name, data in self.files.items()]

    def raw(self, filename: str) -> bytes | None:
        """A raw file's bytes by its file name (the survey export when one is named)."""
        return self.files.get(raw_name(filename, self.export))

    def raw_names(self) -> list[str]:
        """File names of everything read from data/raw/ (unknown files included)."""
        prefix = "data/raw/"
        return [name[len(prefix):] for name in self.files if name.startswith(prefix)]


LOCAL_SETTINGS = "report.local.yml"  # this machine's settings, never committed (.gitignore)
LOCAL_KEYS = {"survey_export": "the survey export file, e.g. survey_export: \"C:/Users/…/enkät export.xlsx\""}


def local_settings(root: Path = paths.ROOT) -> dict:
    """``report.local.yml``: settings of this machine that do not belong in the repository (where the
    real survey export lies: the path holds the user's name, the file personal data)."""
    path = root / LOCAL_SETTINGS
    if not path.is_file():
        return {}
    from pipeline import config  # YAML read as carefully as report.yml: no aliases, bounded

    text = _read(path, LOCAL_SETTINGS).decode("utf-8-sig", errors="replace")
    root_node = config._document(text, LOCAL_SETTINGS)
    if root_node is None:
        return {}
    if not hasattr(root_node, "value") or not isinstance(root_node.value, list):
        raise InputError(f"{LOCAL_SETTINGS}: expected 'key: value' lines.")
    settings = {}
    for key_node, value_node in root_node.value:
        key, line = getattr(key_node, "value", None), key_node.start_mark.line + 1
        if key not in LOCAL_KEYS:
            raise InputError(f"{LOCAL_SETTINGS}, line {line}: unknown key {config.shown(key)}; the file may hold "
                             + "; ".join(f"{k}: {what}" for k, what in LOCAL_KEYS.items()) + ".")
        value = getattr(value_node, "value", None)
        if not isinstance(value, str) or not value.strip():
            raise InputError(f"{LOCAL_SETTINGS}, line {line}: '{key}' must be a path in double quotes.")
        settings[key] = value.strip()
    return settings


def export_path(environ=None, root: Path = paths.ROOT) -> Path | None:
    """The survey export: ``SURVEY=`` (``$SURVEY_EXPORT``), else report.local.yml's ``survey_export``,
    else None for the committed demo file.

    A name that is not a file is refused here, before anything is built.
    """
    environ = os.environ if environ is None else environ
    named = environ.get(EXPORT_VARIABLE, "").strip()
    said = f"SURVEY={named}"
    if not named:
        named = local_settings(root).get("survey_export", "")
        said = f"{LOCAL_SETTINGS}: survey_export {named}"
    if not named:
        return None
    path = Path(named).expanduser()
    if not path.is_absolute():
        path = root / path
    if path.is_dir():
        raise InputError(f"{said} is a directory; name the survey export file itself, "
                         "e.g. SURVEY=/path/to/enkat.xlsx.")
    if not path.is_file():
        raise InputError(f"{said}: no such file. Name the survey export (.xlsx, or a CSV), or leave it out to "
                         "build with the synthetic demo data.")
    return path.resolve()


def raw_name(filename: str, export: Path | None) -> str:
    """The manifest's name for a raw file: ``data/raw/x.csv``, or ``SURVEY=<name>`` for the export's files."""
    if export is not None and filename in (f"{SURVEY}.csv", f"{SURVEY}{SURVEY_META}"):
        return EXPORT_PREFIX + (export.name if filename.endswith(".csv") else export.stem + SURVEY_META)
    return f"data/raw/{filename}"


def _read(path: Path, shown: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        if path.is_symlink():
            raise InputError(f"{shown} is a symbolic link to {os.readlink(path)}, which does not exist; "
                             "point it at the file or replace it with the file itself.") from None
        raise InputError(f"{shown} disappeared while it was being read; run the build again.") from None
    except IsADirectoryError:
        raise InputError(f"{shown} is a directory; data/raw/ holds only the raw files "
                         "(see data/raw/README.md).") from None
    except PermissionError:
        raise InputError(f"{shown} cannot be read (permission denied); make it readable.") from None


def _sources(root: Path) -> list[Path]:
    """The project's own inputs besides data/raw/: suites, parameters, lock, notebooks, code, templates."""
    files = sorted((root / "expectations").glob("*.json"))
    files += [root / "report.yml", root / "requirements.lock"]
    files += sorted((root / "notebooks").glob("*.ipynb"))
    package = root / "pipeline"
    files += sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                    and p.suffix != ".pyc")
    return files


def read(root: Path = paths.ROOT, environ=None) -> Snapshot:
    """Read every input once. Unknown files in data/raw/ are read too (the build then names them)."""
    export = export_path(environ, root)
    raw = root / "data" / "raw"
    files: dict[str, bytes] = {}
    if not raw.is_dir():
        raise InputError("data/raw/ is missing: it holds the raw files the report is built from.")
    demo = {f"{SURVEY}.csv", f"{SURVEY}{SURVEY_META}"}
    for path in sorted(raw.iterdir(), key=lambda p: p.name):
        if ignored_raw(path.name) or (export is not None and path.name in demo):
            continue
        files[f"data/raw/{path.name}"] = _read(path, f"data/raw/{path.name}")
    if export is not None:
        files[EXPORT_PREFIX + export.name] = _read(export, f"SURVEY={export}")
        meta = export.with_name(export.stem + SURVEY_META)
        if meta.is_file():
            files[EXPORT_PREFIX + meta.name] = _read(meta, str(meta))
    for path in _sources(root):
        if path.exists() or path.is_symlink():
            files[path.relative_to(root).as_posix()] = _read(path, path.relative_to(root).as_posix())
    return Snapshot(files, export)


def unknown_raw_files(snapshot: Snapshot, known: set[str]) -> list[str]:
    """Files in data/raw/ that no raw file of the schemas names: refused, so that no data is silently ignored."""
    return sorted(name for name in snapshot.raw_names() if name not in known)


def unchanged(snapshot: Snapshot, output_dir: Path = paths.OUTPUT, processed: Path = paths.PROCESSED,
              code: dict | None = None) -> bool:
    """Whether ``output/`` was built from exactly these inputs and is still as that build left it.

    Also whether ``data/processed`` still leads to the datasets published in ``output/data/``
    (a build interrupted right after publishing may not have linked it yet), and, given the
    current ``code`` version (``provenance.code_version``), whether the report still names the
    right commit: after a commit, the title page would otherwise name the one before, or say
    "uncommitted changes" of code that is now committed.
    """
    try:
        if processed.resolve() != (output_dir / "data").resolve():
            return False
        manifest = json.loads((output_dir / "manifest.json").read_text(encoding="utf-8"))
        recorded = {item["path"]: item["sha256"] for item in manifest["inputs"]}
        outputs = manifest["outputs"]
        if code is not None and {k: manifest["code"].get(k) for k in ("commit", "dirty")} != {
                k: code.get(k) for k in ("commit", "dirty")}:
            return False
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False
    if recorded != snapshot.digests:
        return False
    for item in outputs:
        try:
            data = (output_dir / item["path"]).read_bytes()
        except OSError:
            return False
        if hashlib.sha256(data).hexdigest() != item["sha256"]:
            return False
    return True


def changes(snapshot: Snapshot, output_dir: Path = paths.OUTPUT) -> list[str]:
    """The inputs that differ from the manifest's record, for the build's first line."""
    try:
        manifest = json.loads((output_dir / "manifest.json").read_text(encoding="utf-8"))
        recorded = {item["path"]: item["sha256"] for item in manifest["inputs"]}
    except (OSError, ValueError, KeyError, TypeError):
        return []
    current = snapshot.digests
    said = []
    for name in sorted(recorded.keys() | current.keys()):
        if name not in current:
            said.append(f"{name} (gone)")
        elif name not in recorded:
            said.append(f"{name} (new)")
        elif recorded[name] != current[name]:
            said.append(name)
    return said
