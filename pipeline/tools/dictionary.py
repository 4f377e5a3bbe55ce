"""The data dictionary: every column of every raw and processed file, from the registries.

``docs/data_dictionary.md`` is generated from ``schemas`` (raw files) and ``datasets``
(processed files), so it cannot describe a column that does not exist or miss one that
does; ``make dictionary`` rewrites it and a test checks it is current.
"""
from pipeline.process import datasets
from pipeline import paths
from pipeline.ingest import schemas

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


def markdown() -> str:
    """The whole dictionary as Markdown."""
    lines = ["# Data dictionary", "",
             "Generated from `pipeline/ingest/schemas.py` (raw files) and `pipeline/process/datasets.py` (processed files) by "
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
    return "\n".join(lines)


def write() -> str:
    TARGET.parent.mkdir(exist_ok=True)
    TARGET.write_text(markdown(), encoding="utf-8")
    return paths.relative(TARGET)
