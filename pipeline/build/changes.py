"""``make diff FROM=<ref>``: what changed in the published figures since the edition built from a git ref.

The edition at the ref is checked out with ``git worktree add --detach`` into a temporary
directory and built there with ``python -m pipeline report`` (that ref's code and data, this
project's virtual environment), so its manifest states the ref's commit. Both editions are
then compared figure by figure:

- every processed dataset in ``output/data/`` (``data/processed/`` in editions older than
  that layout), rows matched by their key (``KEYS``), cell by cell. The diagrams are drawn
  from these same datasets, so a changed diagram series shows here as a changed row;
- ``output/audit/reconciliation.csv``: the published, recomputed value and status per claim;
- the sentences of the report's chapters (``<p>`` and ``<li>`` text) that hold numbers.

A figure of a key present in both editions whose value changed is a ``revision``; one whose
key exists only in the current edition is ``ny`` (a new year), only in the old ``borttagen``.
The result is ``output/andringar.csv`` (one row per changed figure) and the Swedish page
``output/andringar.html``. They describe the build in ``output/`` they are written beside:
the next build replaces ``output/`` whole and drops them with it, because they would then
describe the previous build; ``make diff`` builds first and so always compares the current one.

The old build shares this project's build cache (``.build/cache/``): entries are keyed by the
content of everything that decides them, code included, so a hit is what a fresh run of that
ref would write (``make verify`` checks this), and comparing an edition with itself costs
little more than reading it.
"""
import csv
import difflib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline import formatting as fmt, paths
from pipeline.errors import InputError
from pipeline.process.datasets import DATASETS
from pipeline.process.lineage import COLUMN as LINEAGE

CSV_NAME = "andringar.csv"
HTML_NAME = "andringar.html"
TEMPLATE = "andringar.html.j2"
COLUMNS = ["kind", "part", "table", "key", "column", "old_value", "new_value"]
KINDS = ["revision", "ny", "borttagen"]
PARTS = ["dataset", "audit", "sentence"]

# The columns that identify a row of each processed dataset: a row keeps its key from one
# edition to the next, so its other cells can be compared. A dataset not listed here is
# compared row by row in file order (tests/test_diff.py checks that every registered
# dataset is listed).
KEYS = {dataset.name: list(dataset.key) for dataset in DATASETS.values()}  # rows matched by the datasets' keys
AUDIT_FILE = "audit/reconciliation.csv"
AUDIT_KEY = ["check_id"]
AUDIT_COLUMNS = ["published", "computed", "status"]  # the audit results; the description is their prose
AUDIT_DATASET = "reconciliation"  # the same table as the audit file: compared once, as the audit
# Not compared: raw_rows says where a row came from, not what it says; its lines shift when a row is
# inserted above in the raw file, which changes no published figure.
NOT_FIGURES = {LINEAGE}

# A number as the report writes it: digits, thousands separated by a (no-break) space, a decimal comma.
NUMBER = re.compile(r"\d+(?:[ \u00a0]\d{3}(?!\d))*(?:,\d+)?")
YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9»”])")


@dataclass(frozen=True)
class Change:
    kind: str     # revision, ny or borttagen
    part: str     # dataset, audit or sentence
    table: str    # the dataset's file, the audit file, or report.html
    key: str      # the row's key (column=value;…), or the chapter's heading for a sentence
    column: str   # the compared column, or "sentence"
    old_value: str
    new_value: str


@dataclass
class Edition:
    """What one build published, as written: every dataset as text, the audit, the sentences with numbers."""
    datasets: dict[str, pd.DataFrame]
    audit: pd.DataFrame | None
    sentences: list[tuple[str, str]]  # (chapter heading, sentence)
    code: dict  # the manifest's "code": commit, date, dirty


# ---------------------------------------------------------------- comparing (pure)

def _rows(frame: pd.DataFrame, key: list[str]) -> dict[tuple, dict]:
    """Key → row. A key repeated in one table gets its occurrence number, so no row is lost."""
    rows, seen = {}, {}
    for number, row in enumerate(frame.to_dict("records")):
        base = tuple(row.get(c, "") for c in key) if key else (str(number + 1),)
        seen[base] = seen.get(base, 0) + 1
        rows[base + ((f"#{seen[base]}",) if seen[base] > 1 else ())] = row
    return rows


def _key_text(key: list[str], values: tuple) -> str:
    names = key if key else ["row"]
    text = ";".join(f"{n}={v}" for n, v in zip(names, values))
    return text + (f";{values[-1]}" if len(values) > len(names) else "")


def compare_table(old: pd.DataFrame, new: pd.DataFrame, key: list[str], part: str, table: str,
                  columns: list[str] | None = None) -> list[Change]:
    """Cell-by-cell changes between two versions of a table of text cells.

    Rows are matched by ``key`` (by position when it is empty or a key column is missing).
    A row only in ``new`` gives one ``ny`` change per non-empty cell, one only in ``old`` one
    ``borttagen`` per non-empty cell; a cell of a row in both whose text differs is a ``revision``.
    By default every column but the key and the lineage (``NOT_FIGURES``) is compared.
    """
    if any(c not in old.columns or c not in new.columns for c in key):
        key = []
    if columns is None:
        columns = [c for c in dict.fromkeys([*new.columns, *old.columns]) if c not in key and c not in NOT_FIGURES]
    old_rows, new_rows = _rows(old, key), _rows(new, key)
    changes = []
    for values, row in new_rows.items():
        before = old_rows.get(values)
        for column in columns:
            now = row.get(column, "")
            if before is None:
                if now != "":
                    changes.append(Change("ny", part, table, _key_text(key, values), column, "", now))
            elif before.get(column, "") != now:
                changes.append(Change("revision", part, table, _key_text(key, values), column,
                                      before.get(column, ""), now))
    for values, row in old_rows.items():
        if values not in new_rows:
            changes += [Change("borttagen", part, table, _key_text(key, values), column, row[column], "")
                        for column in columns if row.get(column, "") != ""]
    return changes


def sentences(html: str) -> list[tuple[str, str]]:
    """(chapter heading, sentence) for every sentence with a digit in the report's chapters.

    The text of each ``<p>`` and ``<li>`` (the innermost ones) is split into sentences. The
    provenance chapter is left out: its commit and checksums differ in every edition; so are the
    traced figures' descriptions (their raw lines move when a row is added above).
    """
    from bs4 import BeautifulSoup

    found = []
    soup = BeautifulSoup(html, "html.parser")
    for note in soup.select(".trace-note"):  # how a figure was computed and its raw lines: not the sentence
        note.decompose()
    for chapter in soup.select("section.chapter"):
        if "provenance" in chapter.get("class", []):
            continue
        heading = chapter.find(re.compile(r"^h[1-6]$"))
        title = _text(heading.get_text()) if heading is not None else ""
        for element in chapter.find_all(["p", "li"]):
            if element.find(["p", "li"]) is not None:
                continue
            for sentence in SENTENCE_END.split(_text(element.get_text())):
                if re.search(r"\d", sentence):
                    found.append((title, sentence))
    return found


def _text(text: str) -> str:
    """Whitespace collapsed, no-break spaces kept (they are part of how numbers are written)."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def _template(sentence: str) -> str:
    return NUMBER.sub("#", sentence)


def compare_sentences(old: list[tuple[str, str]], new: list[tuple[str, str]], new_years: set[str],
                      gone_years: set[str]) -> list[Change]:
    """Sentences whose numbers (or words) changed, and sentences only in one edition.

    Within each chapter the sentences are aligned by their wording with the numbers blanked
    out (``difflib``), so a sentence that only changed its numbers is paired with its old self.
    A changed sentence is ``ny`` when its new text names a year only the current edition
    has (the sentence now reports that year), ``borttagen`` when its old text names a year
    only the old one had, and otherwise a ``revision``.
    """
    chapters = list(dict.fromkeys([c for c, _ in new] + [c for c, _ in old]))
    changes = []
    for chapter in chapters:
        before = [s for c, s in old if c == chapter]
        after = [s for c, s in new if c == chapter]
        matcher = difflib.SequenceMatcher(None, [_template(s) for s in before], [_template(s) for s in after],
                                          autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
                for was, now in zip(before[i1:i2], after[j1:j2]):
                    if was != now:
                        changes.append(Change(_sentence_kind(was, now, new_years, gone_years), "sentence",
                                              "report.html", chapter, "sentence", was, now))
            else:
                changes += [Change("ny", "sentence", "report.html", chapter, "sentence", "", s) for s in after[j1:j2]]
                changes += [Change("borttagen", "sentence", "report.html", chapter, "sentence", s, "")
                            for s in before[i1:i2]]
    return changes


def _sentence_kind(old: str, new: str, new_years: set[str], gone_years: set[str]) -> str:
    if set(YEAR.findall(new)) & new_years:
        return "ny"
    if set(YEAR.findall(old)) & gone_years:
        return "borttagen"
    return "revision"


def years(datasets: dict[str, pd.DataFrame]) -> set[str]:
    """Every year an edition's datasets hold (their ``year`` columns)."""
    return {v for frame in datasets.values() if "year" in frame.columns for v in frame["year"] if v != ""}


def compare(old: Edition, new: Edition) -> list[Change]:
    """Every changed figure, in a stable order: revisions, new, removed; datasets, audit, sentences."""
    changes = []
    for name in sorted(new.datasets.keys() | old.datasets.keys()):
        if name == AUDIT_DATASET:
            continue
        empty = pd.DataFrame()
        changes += compare_table(old.datasets.get(name, empty), new.datasets.get(name, empty), KEYS.get(name, []),
                                 "dataset", f"{name}.csv")
    if old.audit is not None or new.audit is not None:
        empty = pd.DataFrame(columns=AUDIT_KEY + AUDIT_COLUMNS)
        changes += compare_table(empty if old.audit is None else old.audit, empty if new.audit is None else new.audit,
                                 AUDIT_KEY, "audit", AUDIT_FILE, AUDIT_COLUMNS)
    new_years, old_years = years(new.datasets), years(old.datasets)
    changes += compare_sentences(old.sentences, new.sentences, new_years - old_years, old_years - new_years)
    return sorted(changes, key=lambda c: (KINDS.index(c.kind), PARTS.index(c.part)))  # stable: keeps table order


def to_csv(changes: list[Change]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows([getattr(c, name) for name in COLUMNS] for c in changes)
    return buffer.getvalue()


def counts(changes: list[Change]) -> dict[str, int]:
    return {kind: sum(c.kind == kind for c in changes) for kind in KINDS}


def summary(changes: list[Change], ref: str) -> str:
    c = counts(changes)
    return (f"Ändringar sedan {ref}: {c['revision']} reviderade, {c['ny']} nya, {c['borttagen']} borttagna "
            f"(output/{HTML_NAME})")


# ---------------------------------------------------------------- the Swedish page

PART_TITLES = {"dataset": "Tabeller och diagram", "audit": "Avstämning mot den publicerade rapporten",
               "sentence": "Meningar i rapporten"}
KIND_TITLES = {"revision": "Reviderade uppgifter", "ny": "Nya uppgifter", "borttagen": "Borttagna uppgifter"}
KIND_NONE = {"revision": "Inga uppgifter har reviderats.", "ny": "Inga nya uppgifter.",
             "borttagen": "Inga uppgifter har tagits bort."}


# What the page calls each compared table and column, and the coded values it spells out:
# andringar.csv keeps the files, columns and codes; the page a reader opens names them in Swedish.
TABLE_TITLES = {
    "turnover.csv": "Personalrörlighet per yrkesgrupp, förvaltning och år",
    "turnover_published_totals.csv": "Tryckta summor för alla stadsdelar jämförda med stadsdelarnas summa",
    "administrations.csv": "Förvaltningarna",
    "consultants.csv": "Antal konsulter",
    "researcher_respondents.csv": "Svarande på följeforskarens enkät",
    "researcher_mentions.csv": "Omnämnanden per fråga, alternativ och punkt",
    "researcher_point_totals.csv": "Omnämnanden per punkt, alternativ 1–3 sammantaget",
    "researcher_table_totals.csv": "Följeforskarens tabeller: tryckta och beräknade summor",
    "researcher_open_answers.csv": "Öppna svar: teman och antal omnämnanden",
    "district_facts.csv": "Fakta om stadsdelsförvaltningarna",
    "survey_shares.csv": "Medarbetarenkäten: andel positiva, neutrala och negativa svar",
    AUDIT_FILE: "Avstämningens utfall per publicerad uppgift",
}
COLUMN_LABELS = {
    "profession": "Yrkesgrupp", "administration": "Förvaltning", "administration_type": "Typ av förvaltning",
    "year": "År", "ended": "Slutat", "headcount": "Tillsvidareanställda 31/12 året före",
    "rate": "Personalrörlighet", "ended_published": "Slutat, tryckt summa",
    "headcount_published": "Tillsvidareanställda, tryckt summa", "ended_computed": "Slutat, stadsdelarnas summa",
    "headcount_computed": "Tillsvidareanställda, stadsdelarnas summa", "agrees": "Stämmer",
    "name": "Namn", "slug": "Sidans filnamn", "type": "Typ", "table_order": "Ordning i tabellerna",
    "month": "Månad", "consultants": "Antal konsulter", "dimension": "Indelning", "category": "Kategori",
    "count": "Antal", "share": "Andel", "question": "Fråga", "alternative": "Alternativ", "point": "Punkt",
    "label": "Område", "mentions": "Omnämnanden", "printed_total": "Summa, tryckt",
    "computed_total": "Summa, beräknad", "inhabitants": "Invånare", "under_20_pct": "Andel under 20 år",
    "over_65_pct": "Andel över 65 år", "ohalsotal_days": "Ohälsotal (dagar)",
    "ekonomiskt_bistand_pct": "Andel med ekonomiskt bistånd", "socialsekreterare": "Socialsekreterare",
    "bistandshandlaggare": "Biståndshandläggare", "approximate": "Ungefärliga uppgifter (ca)",
    "occasion": "Mättillfälle", "statement": "Påstående", "group_type": "Grupptyp", "group": "Grupp",
    "n": "Antal svar", "positive_share": "Positiva", "neutral_share": "Neutrala", "negative_share": "Negativa",
    "suppressed": "Undertryckt (för få svar)", "published": "Publicerat", "computed": "Beräknat",
    "status": "Utfall", "description": "Beskrivning", "source": "Källa", "check_id": "Uppgift",
}
VALUE_LABELS = {
    "administration_type": {"district": "stadsdel", "all_districts": "alla stadsdelar", "central": "central förvaltning"},
    "type": {"district": "stadsdel", "all_districts": "alla stadsdelar", "central": "central förvaltning"},
    "dimension": {"area": "verksamhetsområde", "role": "roll"},
    "question": {"kommit_langst": "kommit längst", "storsta_behov": "största behov",
                 "skillnad_egen_arbetssituation": "skillnad för den egna arbetssituationen",
                 "skillnad_medarbetare": "skillnad för medarbetarna",
                 "skillnad_klienter": "skillnad för klienterna/brukarna"},
    "point": {"övrigt": "Övrigt", "ej_svar": "Ej svar"},
    "statement": {"bra_arbetssituation": "Bra arbetssituation", "gott_arbete": "Kan göra ett gott arbete",
                  "rekommendera": "Kan rekommendera arbetsplatsen"},
    "group_type": {"city": "hela staden", "area": "verksamhetsområde", "administration": "förvaltning"},
}


def shown(value: str, column: str, table: str) -> str:
    """A cell as a Swedish reader reads it: decimal comma, thousands space, fractions as per cent, codes in words."""
    if value == "":
        return fmt.EN_DASH
    if value in ("True", "False"):
        return "ja" if value == "True" else "nej"
    if column == "status" and table == AUDIT_FILE:
        from pipeline.present.audit_views import VERDICTS

        return VERDICTS.get(value, value)
    if not re.fullmatch(r"-?\d+(\.\d+)?", value):
        return VALUE_LABELS.get(column, {}).get(value, value)
    unit = _unit(table, column)
    if unit.startswith("fraction"):
        return fmt.percent(float(value), 1)
    decimals = len(value.split(".")[1]) if "." in value else 0
    if column == "year" or unit == "year":
        return value
    return fmt.number(float(value), min(decimals, 2))


def table_title(table: str) -> str:
    """The compared table as the page names it: 'Antal konsulter' for consultants.csv."""
    return TABLE_TITLES.get(table, table)


def column_label(column: str) -> str:
    return COLUMN_LABELS.get(column, column)


def _unit(table: str, column: str) -> str:
    from pipeline.process import datasets

    dataset = datasets.DATASETS.get(table.removesuffix(".csv").split("/")[-1])
    field = next((f for f in dataset.fields if f.name == column), None) if dataset is not None else None
    return field.unit if field is not None else ""


def _key_shown(key: str, table: str, checks: dict[str, str]) -> str:
    """A row's key in words: its values ('biståndshandläggare, Bromma, <år>'), or a check's statement."""
    pairs = [part.split("=", 1) if "=" in part else ["", part] for part in key.split(";")]
    if table == AUDIT_FILE and pairs and pairs[0][0] == "check_id" and pairs[0][1] in checks:
        return checks[pairs[0][1]]
    return ", ".join(shown(value, column, table) if column else value for column, value in pairs)


def audit_statements(*audits: pd.DataFrame | None) -> dict[str, str]:
    """Check id → the statement it checks and where it was published, in words (the current edition's first)."""
    from pipeline.present import audit_views

    statements = {}
    for frame in audits:
        if frame is None or frame.empty:
            continue
        for row in frame.to_dict("records"):
            statements.setdefault(row["check_id"], f"»{audit_views.quote_shown(row['description'])}« – "
                                                   f"{audit_views.passage_shown(row['source'])}")
    return statements


def page(changes: list[Change], ref: str, old_code: dict, new_code: dict,
         checks: dict[str, str] | None = None) -> str:
    """``output/andringar.html``: the changes grouped by kind, then by part and table, in Swedish.

    ``checks`` names each audit check by its statement (``audit_statements``); a check missing
    from it is shown by its id.
    """
    import jinja2

    checks = checks or {}
    groups = []
    for kind in KINDS:
        parts = []
        for part in PARTS:
            rows = [c for c in changes if c.kind == kind and c.part == part]
            tables = {}
            for c in rows:
                title = c.table if part == "sentence" else table_title(c.table)
                tables.setdefault(title, []).append({
                    "key": c.key if part == "sentence" else _key_shown(c.key, c.table, checks),
                    "column": column_label(c.column),
                    "old": c.old_value if part == "sentence" else shown(c.old_value, c.column, c.table),
                    "new": c.new_value if part == "sentence" else shown(c.new_value, c.column, c.table)})
            if tables:
                parts.append({"title": PART_TITLES[part], "part": part, "tables": tables})
        groups.append({"kind": kind, "title": KIND_TITLES[kind], "count": fmt.number(counts(changes)[kind]),
                       "none": KIND_NONE[kind], "parts": parts})
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(paths.TEMPLATES), autoescape=True,
                                     keep_trailing_newline=True)
    return environment.get_template(TEMPLATE).render(
        ref=ref, old=_edition_label(old_code), new=_edition_label(new_code), groups=groups, empty=not changes,
        css="".join((paths.TEMPLATES / name).read_text(encoding="utf-8") for name in ["blocks.css", "report.css"]))


def _edition_label(code: dict) -> dict:
    commit = code.get("commit") or "okänd"
    return {"commit": commit[:10], "date": code.get("date") or "okänt datum", "dirty": bool(code.get("dirty"))}


# ---------------------------------------------------------------- reading and building (I/O)

def read_edition(root: Path) -> Edition:
    """The published figures of the build under ``root`` (a project tree with its ``output/``)."""
    output = root / "output"
    data = output / "data" if (output / "data").is_dir() else root / "data" / "processed"
    tables = {path.stem: _read_csv(path) for path in sorted(data.glob("*.csv"))}
    audit = output / AUDIT_FILE
    report = output / "report.html"
    manifest = json.loads((output / "manifest.json").read_text(encoding="utf-8"))
    return Edition(tables, _read_csv(audit) if audit.is_file() else None,
                   sentences(report.read_text(encoding="utf-8")) if report.is_file() else [],
                   manifest.get("code") or {})


def _read_csv(path: Path) -> pd.DataFrame:
    """Every cell as the file writes it (no number parsing, empty stays empty)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _git(*args: str, cwd: Path = paths.ROOT) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE")}
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=env)


def resolve(ref: str) -> str:
    """The commit ``ref`` names, or a message saying what to name instead."""
    if _git("rev-parse", "--git-dir").returncode != 0:
        raise InputError("make diff compares with an edition in git, but this project is not a git repository.")
    found = _git("rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
    if found.returncode != 0 or not found.stdout.strip():
        raise InputError(f"'{ref}' names no commit in this repository. Name a tag, a branch or a commit, "
                         "e.g. FROM=utgava-mars or FROM=HEAD~1 (git tag --list and git log --oneline list them).")
    return found.stdout.strip()


def build_at(commit: str, ref: str, directory: Path, progress=sys.stderr) -> Path:
    """Check the commit out into ``directory`` and build its edition there; return the tree."""
    tree = directory / "edition"
    added = _git("worktree", "add", "--detach", "--quiet", str(tree), commit)
    if added.returncode != 0:
        raise InputError(f"could not check out {ref} into {tree}: {added.stderr.strip()}")
    shared = paths.ROOT / ".build" / "cache"
    shared.mkdir(parents=True, exist_ok=True)
    (tree / ".build").mkdir(exist_ok=True)
    (tree / ".build" / "cache").symlink_to(shared)
    from pipeline.ingest import inputs

    export = inputs.read().export  # both editions are built from the survey data the current build used
    env = {k: v for k, v in os.environ.items() if k not in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE")}
    env.update(PYTHONPATH=str(tree), GIT_OPTIONAL_LOCKS="0", **{inputs.EXPORT_VARIABLE: str(export or "")})
    print(f"[diff] building the edition at {ref} ({commit[:10]}) in {tree} …", file=progress, flush=True)
    result = subprocess.run([sys.executable, "-m", "pipeline", "report"], cwd=tree, env=env, capture_output=True,
                            text=True)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise InputError(f"the edition at {ref} ({commit[:10]}) could not be built, so nothing was compared. "
                         f"Its build said:\n{tail}\nName a ref whose build succeeds (a tagged edition).")
    return tree


def remove_worktree(tree: Path) -> None:
    """Remove the checkout and git's record of it; the shared cache it linked to is left alone."""
    link = tree / ".build" / "cache"
    if link.is_symlink():
        link.unlink()
    _git("worktree", "remove", "--force", str(tree))
    shutil.rmtree(tree, ignore_errors=True)
    _git("worktree", "prune")


def _current() -> Edition:
    """The build in ``output/``; refused when it is missing or not the build of the current inputs."""
    from pipeline.ingest import inputs

    if not (paths.OUTPUT / "manifest.json").is_file():
        raise InputError("nothing to compare: output/manifest.json is missing; build the report first "
                         "(make diff FROM=… does).")
    if not inputs.unchanged(inputs.read()):
        raise InputError("output/ is not the build of the current inputs; build it first with 'make report' "
                         "(make diff FROM=… does), then compare.")
    return read_edition(paths.ROOT)


def diff(ref: str, out=sys.stdout, progress=sys.stderr) -> int:
    """Build the edition at ``ref``, compare it with ``output/``, write andringar.csv and .html beside it."""
    commit = resolve(ref)
    current = _current()
    directory = Path(tempfile.mkdtemp(prefix="diff-"))
    try:
        old = read_edition(build_at(commit, ref, directory, progress))
    finally:
        remove_worktree(directory / "edition")
        shutil.rmtree(directory, ignore_errors=True)
    changes = compare(old, current)
    (paths.OUTPUT / CSV_NAME).write_text(to_csv(changes), encoding="utf-8")
    (paths.OUTPUT / HTML_NAME).write_text(page(changes, ref, old.code, current.code,
                                               audit_statements(current.audit, old.audit)), encoding="utf-8")
    print(summary(changes, ref), file=out)
    return 0
