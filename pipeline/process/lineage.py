"""Which raw rows a processed row was computed from, as one short text per row.

Every processed dataset ends with the column ``raw_rows`` so that a reader of the HTML edition
can see, for any figure, the very lines of ``data/raw/`` it rests on, and an auditor can open the
file in a text editor and find them. The text names each file and its lines:

    turnover.csv:14-16,20
    published_claims.csv:12; turnover.csv:3,5

Lines are the 1-based physical line numbers ``pipeline.ingest.rawio`` gives each data row (the
header is line 1, the first line of a row that a quoted value spreads over several lines; a
byte-order mark or CRLF line ends change nothing), so the number is the one an editor shows.
For an .xlsx survey export it is the row number in the sheet. Lines are sorted, consecutive ones
written as a range, files sorted by name: the same rows always give the same text, and ``make
diff`` can tell a changed row from one whose lines merely moved.

A text, not a list column: the processed files are CSV, and one cell must stay one cell. The
functions here are pure, so a figure made of several processed rows gets its rows with ``merge``.
"""
from collections.abc import Iterable, Mapping

from pipeline.ingest.rawio import LINE

COLUMN = "raw_rows"

FILES = "; "  # between files
LINES = ","  # between lines (or ranges) of one file
RANGE = "-"  # first-last of consecutive lines
FILE_END = ":"  # after the file name; the last ':' of a part, so that a name may hold one


def text(parts: Mapping[str, Iterable[int]]) -> str:
    """``{"turnover.csv": [14, 15, 16, 20]}`` → ``"turnover.csv:14-16,20"``; no lines → ``""``.

    Files without lines are left out; several files are joined with ``"; "`` in the order of their names.
    """
    out = []
    for name in sorted(parts):
        lines = sorted({int(line) for line in parts[name]})
        if not lines:
            continue
        if any(line < 1 for line in lines):
            raise ValueError(f"{name}: line numbers start at 1, got {lines[0]}")
        if FILES in name or not name:
            raise ValueError(f"a file name for raw_rows must be non-empty and hold no {FILES!r}: {name!r}")
        out.append(f"{name}{FILE_END}{LINES.join(_ranges(lines))}")
    return FILES.join(out)


def _ranges(lines: list[int]) -> list[str]:
    """Sorted distinct lines → ['14-16', '20']."""
    spans = []
    start = previous = lines[0]
    for line in lines[1:] + [None]:
        if line is not None and line == previous + 1:
            previous = line
            continue
        spans.append(str(start) if start == previous else f"{start}{RANGE}{previous}")
        if line is not None:
            start = previous = line
    return spans


def parse(value: str) -> dict[str, list[int]]:
    """The inverse of ``text``: ``"turnover.csv:14-16,20"`` → ``{"turnover.csv": [14, 15, 16, 20]}``.

    Every line is listed; an empty text (or a missing value read from CSV) gives ``{}``.
    """
    if value is None or value != value or not str(value).strip():
        return {}
    out: dict[str, set[int]] = {}
    for part in str(value).split(FILES):
        name, separator, spans = part.rpartition(FILE_END)
        if not separator or not name or not spans:
            raise ValueError(f"not a raw_rows text (file:lines): {part!r}")
        lines = out.setdefault(name, set())
        for span in spans.split(LINES):
            first, _, last = span.partition(RANGE)
            first_line, last_line = int(first), int(last or first)
            if last_line < first_line:
                raise ValueError(f"not a range of lines: {span!r} in {part!r}")
            lines.update(range(first_line, last_line + 1))
    return {name: sorted(lines) for name, lines in out.items()}


def merge(*texts: str) -> str:
    """The rows of several texts together: the rows one figure made of several processed rows rests on."""
    union: dict[str, set[int]] = {}
    for value in texts:
        for name, lines in parse(value).items():
            union.setdefault(name, set()).update(lines)
    return text(union)


def count(value: str) -> int:
    """How many distinct (file, line) pairs a text names."""
    return sum(len(lines) for lines in parse(value).values())


def lines_of(name: str, lines: Iterable) -> str:
    """One file's lines (a column of line numbers, say) → their text; missing values are skipped."""
    return text({name: [int(line) for line in lines if line == line and line is not None]})


def per_row(frame, name: str) -> list[str]:
    """Each row of a validated raw table → the text of its own line in file ``name``.

    A table without rawio's line column (one a test builds by hand) gives ``""`` for every row.
    """
    if LINE not in frame.columns:
        return [""] * len(frame)
    return [lines_of(name, [line]) for line in frame[LINE]]


def per_group(frame, keys: list[str], name: str):
    """The text of each group's lines: a Series indexed by ``keys``, for rows summed into one."""
    if LINE not in frame.columns:
        return frame.groupby(keys).size().map(lambda _: "").rename(COLUMN)
    return frame.groupby(keys)[LINE].agg(lambda lines: lines_of(name, lines)).rename(COLUMN)
