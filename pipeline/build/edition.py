"""An edition to send: ``dist/<name>-<edition date>.zip`` from a complete, up-to-date build.

The bundle holds what a reader or an auditor needs, in the folder layout of ``output/`` so
that every relative link between the pages (``manifest.json``, ``validation/index.html``,
``administrations/…``) works once it is unpacked: the report (PDF and self-contained
HTML), the workbook, the administrations' pages, the audit, the change report when
``make diff`` wrote one, the validation report and the manifest.

An edition is built from committed code: a build whose manifest says the code had
uncommitted changes is refused ("commit, then build"). Outside a git repository the
manifest cannot say (``code.dirty`` is None); such a build is bundled, and the command
says that the edition names no commit.

Two runs give the same bytes: entries in a fixed order, each dated the edition's date
(``report.yml``: ``edition_date``), with fixed permissions and no extra fields. Only
``validate``'s data docs differ between two builds (Great Expectations stamps its run
times into them), as ``make verify`` also says; one build bundled twice is identical.
"""
import datetime as dt
import hashlib
import io
import json
import posixpath
import re
import tomllib
import unicodedata
import zipfile
from pathlib import Path
from urllib.parse import unquote

from pipeline import paths
from pipeline.errors import InputError

DIST = paths.ROOT / "dist"
# Bundled whenever the build wrote them; a build without them is incomplete.
REQUIRED = ("report.pdf", "report.html", "tabeller.xlsx", "manifest.json", "audit/reconciliation.csv",
            "audit/reconciliation.html", "validation/index.html")
# ``make diff``'s change report: bundled when present.
CHANGES = ("andringar.csv", "andringar.html")
# Folders bundled whole: the audit, and the validation report the report's provenance links to.
FOLDERS = ("audit/", "validation/")
PAGE_SUFFIXES = (".html", ".pdf")  # of the administrations' pages, output/administrations/*
# The pages the project writes: every reference in them must resolve inside the bundle.
# Great Expectations' own data docs (validation/) load their styles from the web and are not checked.
CHECKED_PAGES = re.compile(r"(report|andringar|administrations/[^/]+|audit/[^/]+)\.html")
_REFERENCE = re.compile(r"""(?<![\w-])(?:href|src|srcset|poster)\s*=\s*(["'])(.*?)\1|url\(\s*(["']?)(.*?)\3\s*\)"""
                        r"""|@import\s+(["'])(.*?)\5""", re.S | re.I)
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:", re.I)  # http:, https:, file:, mailto: …


def described(params) -> str:
    """The edition as the title page names it: 'mars 2025 (2025-03-15)'."""
    return f"{params.edition_label} ({params.edition_date.isoformat()})"


def slug(text: str) -> str:
    """Lower-case ASCII letters, digits and single hyphens: 'Stockholm Rapport' → 'stockholm-rapport'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def zip_stem(name: str, date: dt.date) -> str:
    """The bundle's name without '.zip', also its top folder: 'handlingsplan-rapport-2025-03-15'."""
    return f"{slug(name) or 'rapport'}-{date.isoformat()}"


def members(available: list[str]) -> list[str]:
    """Which files of ``output/`` (paths relative to it, '/'-separated) the bundle holds, in order.

    A build that lacks a required file is refused: the bundle is made from a complete build only.
    """
    missing = [name for name in REQUIRED if name not in available]
    if missing:
        raise InputError(f"output/ lacks {', '.join('output/' + m for m in missing)}: it is not a complete build. "
                         "Run 'make dist' (it builds the report first).")
    chosen = {name for name in available
              if name in REQUIRED or name in CHANGES or name.startswith(FOLDERS)
              or (name.startswith("administrations/") and name.count("/") == 1 and name.endswith(PAGE_SUFFIXES))}
    return sorted(chosen)


def refusal(manifest: dict) -> str | None:
    """Why this build may not become an edition, or None: its code must have been committed."""
    if manifest.get("code", {}).get("dirty") is True:
        return ("output/ was built from code with uncommitted changes (output/manifest.json: code.dirty is true); "
                "an edition is built from committed code. Commit, then run 'make dist' again (a new commit "
                "rebuilds the report, which names its commit).")
    return None


def mismatches(files: dict[str, bytes], manifest: dict) -> list[str]:
    """The bundled files whose bytes differ from the checksum the manifest recorded (a file changed after the build)."""
    recorded = {item["path"]: item["sha256"] for item in manifest.get("outputs", [])}
    return [name for name, data in files.items()
            if name in recorded and hashlib.sha256(data).hexdigest() != recorded[name]]


def references(html: str) -> list[str]:
    """Every URL an HTML page refers to: href, src, srcset, poster, CSS url() and @import."""
    found = []
    for match in _REFERENCE.finditer(html):
        attribute, url, imported = match.group(2), match.group(4), match.group(6)
        if attribute is not None and match.group(0).lower().lstrip().startswith("srcset"):
            found.extend(part.split()[0] for part in attribute.split(",") if part.strip())
        else:
            found.append(next(v for v in (attribute, url, imported) if v is not None))
    return found


def unresolved(files: dict[str, bytes]) -> list[str]:
    """'page → reference' for each reference in the project's pages that does not resolve inside the bundle.

    Embedded data (``data:``) and links within a page (``#…``) are inside; a link to the web
    (any ``scheme:``), an absolute path or a file left out of the bundle is not.
    """
    problems = []
    for page in sorted(files):
        if not CHECKED_PAGES.fullmatch(page):
            continue
        for reference in references(files[page].decode("utf-8")):
            if reference == "" or reference.startswith(("data:", "#")):
                continue
            target = unquote(reference.split("#", 1)[0].split("?", 1)[0])
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page), target))
            if _SCHEME.match(reference) or target.startswith("/") or resolved not in files:
                problems.append(f"{page} → {reference[:80]}")
    return problems


def bundle(files: dict[str, bytes], folder: str, date: dt.date) -> bytes:
    """The zip's bytes: each file under ``folder/``, in the given order, dated ``date``, mode 0644, no extra fields."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            entry = zipfile.ZipInfo(f"{folder}/{name}", date_time=(date.year, date.month, date.day, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3  # Unix, so that the permissions below are read as such
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, data)
    return out.getvalue()


def package_name(pyproject: str) -> str:
    """The distribution's name in ``pyproject.toml`` (``[project] name``), the bundle's name."""
    try:
        name = tomllib.loads(pyproject)["project"]["name"]
    except (tomllib.TOMLDecodeError, KeyError, TypeError):
        name = None
    if not isinstance(name, str) or not slug(name):
        raise InputError("pyproject.toml: no readable [project] name, which names the edition's bundle; "
                         "restore the line 'name = \"…\"' under [project].")
    return name


def write() -> str:
    """``make dist``: bundle ``output/`` into ``dist/``; returns the lines to print.

    The inputs must be those the build in ``output/`` was made from, and every bundled file
    as that build wrote it: the bundle is the edition the manifest describes.
    """
    from pipeline import config
    from pipeline.ingest import inputs
    from pipeline.build import provenance

    snapshot = inputs.read()
    params = config.load(text=config.decode(snapshot.files.get("report.yml")))
    name = package_name(_read_bytes(paths.ROOT / "pyproject.toml").decode("utf-8"))
    manifest = json.loads(_read_bytes(paths.OUTPUT / "manifest.json"))
    reason = refusal(manifest)
    if reason:
        raise InputError(reason)
    if not inputs.unchanged(snapshot, code=provenance.code_version()):
        raise InputError("output/ is not an up-to-date build of data/raw/, report.yml and the code at this "
                         "commit: run 'make dist', which builds the report first.")
    available = [p.relative_to(paths.OUTPUT).as_posix() for p in paths.OUTPUT.rglob("*") if p.is_file()]
    files = {member: _read_bytes(paths.OUTPUT / member) for member in members(available)}
    changed = mismatches(files, manifest)
    if changed:
        raise InputError(f"{', '.join('output/' + c for c in changed[:5])} changed after the build that wrote "
                         "output/manifest.json; run 'make dist' again.")
    problems = unresolved(files)
    if problems:
        raise InputError("the pages refer to files the bundle would not hold: " + "; ".join(problems[:5])
                         + ". Every image must be embedded and every link point into output/.")
    stem = zip_stem(name, params.edition_date)
    data = bundle(files, stem, params.edition_date)
    DIST.mkdir(exist_ok=True)
    target = DIST / f"{stem}.zip"
    partial = DIST / f".{stem}.zip.partial"
    partial.write_bytes(data)
    partial.replace(target)  # no reader ever sees half a zip
    lines = [f"dist/{target.name}: edition {described(params)}, {len(files)} files, "
             f"{len(data) / 1e6:.1f} MB, SHA-256 {hashlib.sha256(data).hexdigest()}"]
    if manifest.get("code", {}).get("dirty") is None:
        lines.append("note: the project is not a git repository, so the build recorded no commit; "
                     "the edition names none.")
    return "\n".join(lines)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{paths.relative(path)} is missing: run 'make dist', which builds the report first.") from None
