"""What the notebooks display: tables, diagrams and text as objects that hold their data.

A ``Table`` or ``Figure`` keeps the tidy rows it shows (``.frame``, straight from the
processed dataset, numbers as numbers) beside the grid a reader sees (``.shown``,
formatted in Swedish), and renders itself (``_repr_html_``) from the Jinja templates in
``templates/blocks/`` with autoescape. Its look (``templates/blocks.css``) travels with it, so
a table in JupyterLab looks as it does in the report; the report strips that style tag
(``STYLE_MARK``) and includes the same file once in its page.

Tables get a ``<caption>`` above them and header cells with ``scope``; diagrams get a
text alternative generated from their data, a caption, their source and the numbers
behind them as a table. No random ids, so rebuilds are byte-identical.
"""
import base64
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

import pandas as pd
from markupsafe import Markup, escape

from pipeline import paths
from pipeline.present import trace

SYNTHETIC_LABEL = "Syntetiska demonstrationsdata"
STYLE_MARK = "data-report-blocks"  # the attribute of the style tag each block carries
# That tag as the report finds it: nbconvert writes the attribute back as data-report-blocks="".
STYLE_TAG = re.compile(rf'<style {STYLE_MARK}(?:="")?>.*?</style>', re.S)


@lru_cache(maxsize=1)
def _environment():
    import jinja2

    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(paths.TEMPLATES / "blocks"), autoescape=True,
                                     trim_blocks=True, lstrip_blocks=True)
    environment.filters["plain"] = trace.plain  # an attribute's text: a traced figure's value without its markup
    return environment


@lru_cache(maxsize=1)
def stylesheet() -> str:
    return (paths.TEMPLATES / "blocks.css").read_text(encoding="utf-8")


def _render(template: str, **context) -> str:
    """The template's HTML, with its traced figures (``trace.figure``) made focusable."""
    return trace.expand(_environment().get_template(template).render(**context).strip("\n"))


class Block:
    """Something a notebook displays: its HTML with its style for JupyterLab, without it for the report.

    Beside the HTML, a notebook keeps each output's plain text (``text/plain``), which a terminal,
    a text diff of the executed notebook or an HTML-less viewer shows. That is ``plain_text()``: what a
    reader reads, in Swedish, synthetic data labelled. Without it IPython wrote the dataclass's
    repr, every DataFrame and the diagram's PNG bytes included: 215 kB for one page's turnover section.
    """

    def html(self) -> str:
        raise NotImplementedError

    def plain_text(self) -> str:
        return _plain(self.html())

    def _repr_html_(self) -> str:
        return f"<style {STYLE_MARK}>{stylesheet()}</style>{trace.number(self.html())}"

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(self.plain_text())

    def __init_subclass__(cls, **kwargs):
        # IPython takes a class's own __repr__ (each dataclass writes one) before an inherited _repr_pretty_
        super().__init_subclass__(**kwargs)
        cls._repr_pretty_ = Block._repr_pretty_

    def __str__(self) -> str:
        return self.html()


_TAG = re.compile(r"<[^>]+>")
_BLANKS = re.compile(r"[ \t\r\n]+")


def _plain(markup) -> str:
    """Markup or a traced value as plain text: tags become spaces, entities characters, runs of blanks one
    (a no-break space, as in '12,9\xa0%', stays). Not ``Markup.striptags``: it turns a no-break space into
    a plain one and joins '4/26<span …>15,4 %</span>' into '4/2615,4 %'."""
    import html

    return _BLANKS.sub(" ", html.unescape(_TAG.sub(" ", trace.plain(str(markup))))).strip(" ")


def _labelled(lines: list[str], synthetic: bool) -> str:
    return "\n".join(([f"[{SYNTHETIC_LABEL}]"] if synthetic else []) + [line for line in lines if line])


def stacked(main: str, detail: str) -> Markup:
    """A cell with a main value and a smaller detail under it, e.g. '4/26' over '15,4 %'."""
    return Markup('{}<span class="detail">{}</span>').format(main, detail)


@dataclass
class Table(Block):
    """A table: ``frame`` the tidy rows it shows, ``shown`` the formatted grid (index = row headers)."""

    frame: pd.DataFrame
    shown: pd.DataFrame
    caption: str
    source: str | None = None
    row_header: str | None = ""
    numeric_columns: list | None = None
    synthetic: bool = False
    css: str = ""
    row_css: dict = field(default_factory=dict)

    def html(self) -> str:
        numeric = set(self.shown.columns if self.numeric_columns is None else self.numeric_columns)
        rows = [{"header": index, "css": self.row_css.get(index),
                 "cells": [{"value": value, "numeric": column in numeric} for column, value in row.items()]}
                for index, row in self.shown.iterrows()]
        return _render("table.html.j2", table=self, columns=list(self.shown.columns), rows=rows,
                       synthetic_label=SYNTHETIC_LABEL)

    def plain_text(self) -> str:
        grid = self.shown.map(_plain)
        grid.index = pd.Index([_plain(i) for i in grid.index],
                              name=_plain(self.shown.index.name or self.row_header or ""))
        grid.columns = [" ".join(_plain(p) for p in c) if isinstance(c, tuple) else _plain(c) for c in grid.columns]
        source = f"Källa: {_plain(self.source)}" if self.source else ""
        return _labelled([_plain(self.caption), grid.to_string(), source], self.synthetic)


@dataclass
class Figure(Block):
    """A diagram: the PNG, its text alternative, caption and source, and the numbers behind it."""

    frame: pd.DataFrame
    png: bytes
    alt: str
    caption: str
    source: str
    data: pd.DataFrame | None = None   # the numbers behind it, formatted, shown under "Siffrorna bakom diagrammet"
    synthetic: bool = False

    def html(self) -> str:
        data = None
        if self.data is not None:
            data = Table(self.frame, self.data, f"Underlag: {self.caption}", row_header=self.data.index.name or "")
        return _render("figure.html.j2", figure=self, image=base64.b64encode(self.png).decode("ascii"),
                       data=data.html() if data is not None else None, synthetic_label=SYNTHETIC_LABEL)

    def plain_text(self) -> str:
        return _labelled([_plain(self.caption), f"[Diagram: {_plain(self.alt)}]", f"Källa: {_plain(self.source)}"],
                         self.synthetic)


@dataclass
class Text(Block):
    """One paragraph of computed sentences; ``css`` 'finding' marks a check's result."""

    text: str
    css: str = ""

    def html(self) -> str:
        return _render("text.html.j2", text=self.text, css=self.css)

    def plain_text(self) -> str:
        return _plain(self.text)


@dataclass
class Fragment(Block):
    """Markup from a template of ``templates/blocks/`` (a list, the synthetic-data notice)."""

    template: str
    context: dict = field(default_factory=dict)

    def html(self) -> str:
        return _render(self.template, synthetic_label=SYNTHETIC_LABEL, **self.context)


def synthetic_notice() -> Fragment:
    return Fragment("synthetic.html.j2")


def heading(text: str, level: int = 4) -> Fragment:
    return Fragment("heading.html.j2", {"text": text, "level": level})


@dataclass
class Group(Block):
    """Several blocks shown as one output, in order (a heading, its sentences, diagram and table)."""

    items: list

    def html(self) -> str:
        return "".join(item.html() for item in self.items if item is not None)

    def plain_text(self) -> str:
        return "\n\n".join(item.plain_text() for item in self.items if item is not None)

    def __iter__(self):
        return iter(self.items)


@dataclass
class Box(Group):
    """Blocks inside one ``<div>``: ``panels`` sets diagrams side by side; ``page-only`` and ``report-only``
    show a block only on the administration's own page or only in the report's chapter (report.css)."""

    css: str = ""

    def html(self) -> str:
        return Markup('<div class="{}">{}</div>').format(self.css, Markup(super().html()))


@dataclass
class GroupedTable(Table):
    """A table whose columns sit under spanning headers: ``shown`` has two column levels (group, column)."""

    def html(self) -> str:
        groups = list(self.shown.columns.get_level_values(0))
        flat = self.shown.copy()
        flat.columns = list(self.shown.columns.get_level_values(1))
        body = Table.html(replace(self, shown=flat))
        spans, start = [], 0
        for i in range(1, len(groups) + 1):
            if i == len(groups) or groups[i] != groups[start]:
                spans.append(Markup('<th scope="colgroup" colspan="{}">{}</th>').format(i - start, groups[start]))
                start = i
        blank = Markup("<td></td>") if self.row_header is not None else Markup("")
        return body.replace("<thead><tr>", f"<thead><tr class=\"groups\">{blank}{''.join(spans)}</tr><tr>", 1)


__all__ = ["Block", "Box", "Figure", "Fragment", "Group", "GroupedTable", "Table", "Text", "escape", "heading",
           "stacked", "synthetic_notice"]
