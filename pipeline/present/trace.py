"""A shown figure with how it was computed and the raw rows it comes from, one hop away in the HTML.

A view wraps a figure where it formats it: ``trace.figure("20,4 %", "117 / 573", rows)``, with
``rows`` the figure's lineage as the processed datasets carry it (``pipeline.process.lineage``,
column ``raw_rows``: ``"turnover.csv:14-16,20"``). In the HTML the figure becomes a focusable
element whose description, shown on hover and on keyboard focus, says how it was computed and
which raw rows (file and line) it comes from; in print and in the PDF only the figure shows.

Why a marker rather than markup: the views write sentences with f-strings and tables as grids of
text, and every block's template escapes what it is given. A traced figure therefore travels as
text — the value, the computation and the rows between three private-use characters
(U+E000–U+E002), which no source text holds and escaping leaves alone — and ``expand`` turns it
into markup after the template has escaped everything around it (``blocks._render``). Alt texts,
the workbook and the CSVs never see markers: they are written from the data, or through
``plain``. ``number`` gives each figure's description a unique id in the finished page.
"""
import re

from markupsafe import Markup, escape

from pipeline import formatting as fmt
from pipeline.process import lineage

OPEN, SEP, CLOSE = "\ue000", "\ue001", "\ue002"
_FIELD = f"[^{OPEN}{SEP}{CLOSE}]*"
_MARK = re.compile(f"{OPEN}({_FIELD}){SEP}({_FIELD}){SEP}({_FIELD}){CLOSE}")
_IDS = re.compile(r'(aria-describedby|id)="trace-\d+"')
MINUS = "\u2212"
MAX_RANGES = 8  # a description lists at most this many line ranges per file, then says how many rows in all


def figure(value, how: str, rows: str = ""):
    """``value`` as shown, carrying ``how`` (a Swedish sentence or formula) and its raw rows.

    Markup (a stacked cell) stays Markup, so its tags are not escaped twice.
    """
    if not how and not rows:
        return value
    if isinstance(value, Markup):
        return Markup(f"{OPEN}{value}{SEP}{escape(how)}{SEP}{escape(rows)}{CLOSE}")
    return f"{OPEN}{value}{SEP}{how}{SEP}{rows}{CLOSE}"


def rows_of(frame) -> str:
    """The raw rows of every row of ``frame`` (a DataFrame, or one row as a Series) together."""
    column = lineage.COLUMN
    if hasattr(frame, "columns"):
        return lineage.merge(*[text for text in frame[column].tolist() if isinstance(text, str)])
    value = frame.get(column, "")
    return value if isinstance(value, str) else ""


def plain(text: str) -> str:
    """``text`` with each traced figure reduced to its value: for alt texts and other plain text."""
    return _MARK.sub(lambda m: m.group(1), text)


def rows_described(text: str) -> str:
    """'Rådata: turnover.csv, rad 14.' or 'Rådata: turnover.csv, 14 rader: 3–7, 12, … .' in Swedish."""
    parts = lineage.parse(text)
    if not parts:
        return ""
    described = []
    for name, lines in parts.items():
        ranges = _ranges(lines)
        if len(lines) == 1:
            described.append(f"{name}, rad {lines[0]}")
            continue
        shown = ", ".join(ranges[:MAX_RANGES])
        if len(ranges) > MAX_RANGES:
            shown += " med flera"
        described.append(f"{name}, {fmt.number(len(lines))} rader: {shown}")
    return "Rådata: " + "; ".join(described) + "."


def _ranges(lines: list[int]) -> list[str]:
    ranges, start, previous = [], None, None
    for line in lines:
        if start is None:
            start = previous = line
        elif line == previous + 1:
            previous = line
        else:
            ranges.append(_range(start, previous))
            start = previous = line
    if start is not None:
        ranges.append(_range(start, previous))
    return ranges


def _range(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}{fmt.EN_DASH}{last}"


def _note(how: str, rows: str) -> str:
    """The description's text, from ``how`` and ``rows`` as they stand in escaped HTML."""
    how = how.strip()
    if how and how[-1] not in ".!?":
        how += "."
    described = escape(rows_described(Markup(rows).unescape())) if rows else ""
    return " ".join(part for part in [how, str(described)] if part)


def expand(html: str) -> str:
    """Escaped HTML with markers → HTML with a focusable figure and its description beside it."""
    def one(match):
        value, how, rows = match.groups()
        return ('<span class="trace" tabindex="0" aria-describedby="trace-0">'
                f'{value}<span class="trace-note" role="tooltip" id="trace-0">{_note(how, rows)}</span></span>')

    return _MARK.sub(one, html)


def number(html: str) -> str:
    """Each figure and its description numbered in document order, so every id in a page is unique."""
    count = 0

    def one(match):
        nonlocal count
        if match.group(1) == "aria-describedby":
            count += 1
        return f'{match.group(1)}="trace-{count}"'

    return _IDS.sub(one, html)


_PRINTED_NOTE = re.compile(r'<span (?=[^>]*class="trace-note")[^>]*>[^<]*</span></span>')
_PRINTED_OPENING = re.compile(r'<span (?=[^>]*class="trace")[^>]*>')


def for_print(html: str) -> str:
    """The page as print shows it: each traced figure reduced to its value, its description gone.

    Print never shows a description (report.css hides them), but WeasyPrint still parses and styles
    every hidden element: without the report's 3,166 descriptions and their spans, output/report.pdf
    prints in 8.1 s instead of 11.1 s (measured on the 2-core machine), page for page the same.
    A description is the figure's last child and holds only text (``expand``), so it ends with the
    figure's own closing tag.
    """
    printed = _PRINTED_OPENING.sub("", _PRINTED_NOTE.sub("", html))
    if 'class="trace' in printed:
        at = printed.index('class="trace')
        raise ValueError(f"a traced figure is not in the form expand() writes, near: {printed[max(0, at - 80):at + 80]!r}")
    return printed


def leftover(html: str) -> bool:
    """Whether a marker escaped ``expand`` (a traced figure put where no block renders it)."""
    return any(char in html for char in (OPEN, SEP, CLOSE))


def quotient(numerator, denominator, shown: str) -> str:
    """'117 / 573 = 20,4 %': a share as a reader recomputes it."""
    return f"{fmt.number(numerator)} / {fmt.number(denominator)} = {shown}"


def difference(first, last) -> str:
    """'20,4 % − 27,7 % = −7,3 procentenheter, räknat på värdena som de skrivs': a change of two rates
    (fractions) as the sentence states it (``fmt.point_change``)."""
    points = fmt.point_change(first, last)
    sign = MINUS if points < 0 else ""
    return (f"{fmt.percent(last)} {MINUS} {fmt.percent(first)} = {sign}{fmt.number(abs(points), 1)}"
            f"{fmt.NBSP}procentenheter, räknat på värdena som de skrivs")


def summed(what: str, rows: str, whose: str) -> str:
    """'Slutade socialsekreterare år <år>: summan av stadsdelarnas 14 rader i rådata', for a figure summed over ``rows``."""
    count = lineage.count(rows)
    return f"{what}: summan av {whose} {fmt.number(count)} {'rad' if count == 1 else 'rader'} i rådata"
