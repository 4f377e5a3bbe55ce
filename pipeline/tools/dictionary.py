"""The data dictionary: every column of every raw and processed file, from the registries.

``docs/data_dictionary.md`` is generated from ``schemas`` (raw files), ``datasets``
(processed files) and ``contents`` (the tables and diagrams that show each processed file,
numbered as the report numbers them), so it cannot describe a column that does not exist or
miss one that does; ``make dictionary`` rewrites it and a test checks it is current.
"""
from pipeline import paths
from pipeline.ingest import schemas
from pipeline.present import contents
from pipeline.process import datasets

TARGET = paths.ROOT / "docs" / "data_dictionary.md"
KIND = {"text": "text", "int": "whole number", "decimal": "decimal number"}


def _allowed(column: schemas.Column) -> str:
    parts = []
    if isinstance(column.allowed, list):
        parts.append("one of " + ", ".join(f"`{v}`" for v in column.allowed))
    elif isinstance(column.allowed, str):
        parts.append(f"valid values from the reference lists (`{column.allowed}`)")
    if column.minimum is not None or column.maximum is not None:
        low = column.minimum if column.minimum is not None else "…"
        high = column.maximum if column.maximum is not None else "…"
        parts.append(f"from {low} to {high}".replace("current_year", "the current year"))
    if column.pattern_rule:
        parts.append(column.pattern_rule)
    if not column.required:
        parts.append("may be blank")
    return "; ".join(parts) or "—"


def _number(entry: contents.Entry) -> str:
    """The entry's number as the report prints it; for an entry with instances, the first few and what varies."""
    if not entry.numbered:
        return "unnumbered"
    if entry.per_page:
        first, second, next_page = (contents.number(entry.id, part, page) for part, page in [(0, 0), (1, 0), (0, 1)])
        return (f"{first}, {second.split(' ', 1)[1]}, {next_page.split(' ', 1)[1]}, … "
                "(a number per administration page, a letter per profession)")
    if entry.parts:
        first, second = (contents.number(entry.id, part) for part in (0, 1))
        return f"{first}, {second.split(' ', 1)[1]}, … (a letter per instance)"
    return contents.number(entry.id)


def _shown_in(dataset: str) -> list[str]:
    """The tables and diagrams (and workbook sheets) that show a processed dataset, in the report's order."""
    entries = [e for e in contents.ENTRIES if e.dataset == dataset]
    if not entries:
        return ["No table or diagram of the report shows it directly.", ""]
    lines = ["Shown in (numbers from `pipeline/present/contents.py`):", "",
             "| entry | kind | number | chapter | workbook sheet |", "|---|---|---|---|---|"]
    for entry in entries:
        sheet = f"`{contents.sheet_name(entry)}`" if entry.sheet else "—"
        lines.append(f"| `{entry.id}` | {entry.kind} | {_number(entry)} | {entry.chapter} | {sheet} |")
    return lines + [""]


def markdown() -> str:
    """The whole dictionary as Markdown."""
    lines = ["# Data dictionary", "",
             "Generated from `pipeline/ingest/schemas.py` (raw files), `pipeline/process/datasets.py` (processed files) "
             "and `pipeline/present/contents.py` (the tables and diagrams that show them) by "
             "`make dictionary`; do not edit by hand.", "",
             "## Raw files (`data/raw/`)", "",
             "Transcribed sources, validated by the suites in `expectations/` before anything runs. "
             "Provenance and transcription decisions: `data/raw/README.md`.", ""]
    for spec in schemas.RAW_FILES:
        lines += [f"### `data/raw/{spec.filename}`", "", spec.description, "",
                  f"One row per {' × '.join(spec.key)}.", "",
                  "| column | type | unit | meaning | allowed values |", "|---|---|---|---|---|"]
        for column in spec.columns:
            lines.append(f"| `{column.name}` | {KIND[column.kind]} | {column.unit or '—'} | {column.meaning} | "
                         f"{_allowed(column)} |")
        lines.append("")
    lines += ["## Processed files (`data/processed/`)", "",
              "Written by the build, never edited by hand. Load them with `pipeline.load(\"name\")`, which returns "
              "these pandas dtypes.", ""]
    for dataset in datasets.DATASETS.values():
        lines += [f"### `data/processed/{dataset.filename}` — `pipeline.load(\"{dataset.name}\")`", "",
                  dataset.description, "", "| column | dtype | unit | meaning |", "|---|---|---|---|"]
        for f in dataset.fields:
            lines.append(f"| `{f.name}` | `{f.dtype}` | {f.unit or '—'} | {f.meaning} |")
        lines.append("")
        lines += _shown_in(dataset.name)
    return "\n".join(lines)


def write() -> str:
    TARGET.parent.mkdir(exist_ok=True)
    TARGET.write_text(markdown(), encoding="utf-8")
    return paths.relative(TARGET)
