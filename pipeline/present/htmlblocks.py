"""HTML pieces the notebooks display: tables with captions, figures with text alternatives.

Tables get a ``<caption>`` above them and header cells with ``scope``; diagrams get an
``alt`` text generated from their data, a caption below them, their source, and the
numbers behind them as a table. Building the HTML here (not with pandas Styler) keeps
the output free of random ids, so rebuilds are byte-identical.
"""
import base64
import html

import pandas as pd

SYNTHETIC_LABEL = "Syntetiska demonstrationsdata"


class Raw(str):
    """Text that is already HTML (built by this module), inserted without escaping."""


def escape(text) -> str:
    if isinstance(text, Raw):
        return str(text)
    return html.escape(str(text), quote=True)


def stacked(main: str, detail: str) -> Raw:
    """A cell with a main value and a smaller detail under it, e.g. '4/26' over '15,4 %'."""
    return Raw(f'{escape(main)}<span class="detail">{escape(detail)}</span>')


def paragraph(text: str, css: str = "") -> str:
    attribute = f' class="{css}"' if css else ""
    return f"<p{attribute}>{escape(text)}</p>"


def source_line(source: str) -> str:
    return f'<p class="source">Källa: {escape(source)}</p>'


def synthetic_badge() -> str:
    return f'<p class="synthetic" role="note"><strong>{SYNTHETIC_LABEL}</strong> – inte verkliga svar.</p>'


def table(frame: pd.DataFrame, caption: str, source: str | None = None, row_header: str = "",
          numeric_columns: list[str] | None = None, synthetic: bool = False, css: str = "",
          row_css: dict | None = None) -> str:
    """A table with caption above, column and row headers, and its source below."""
    numeric = set(frame.columns if numeric_columns is None else numeric_columns)
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in frame.columns)
    if row_header is not None:
        head = f'<th scope="col">{escape(row_header)}</th>' + head
    body = []
    for index, row in frame.iterrows():
        cells = "".join(
            f'<td class="num">{escape(v)}</td>' if c in numeric else f"<td>{escape(v)}</td>"
            for c, v in row.items())
        lead = f'<th scope="row">{escape(index)}</th>' if row_header is not None else ""
        row_class = (row_css or {}).get(index)
        body.append(f'<tr class="{row_class}">{lead}{cells}</tr>' if row_class else f"<tr>{lead}{cells}</tr>")
    badge = f' <span class="synthetic-tag">({SYNTHETIC_LABEL})</span>' if synthetic else ""
    css_attr = f' class="{css}"' if css else ""
    # A wide table scrolls inside its wrapper on a phone: the wrapper is a named, focusable
    # region so keyboard users can scroll it too (WCAG 2.1.1).
    parts = [f'<div class="table-wrap" role="region" aria-label="{escape(caption)}" tabindex="0">'
             f'<table{css_attr}><caption>{escape(caption)}{badge}</caption>',
             f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"]
    if source:
        parts.append(source_line(source))
    parts.append("</div>")
    return "".join(parts)


def figure(png: bytes, alt: str, caption: str, source: str, data: pd.DataFrame | None = None,
           data_caption: str = "", synthetic: bool = False) -> str:
    """A diagram: image with its text alternative, caption and source, and the numbers behind it."""
    encoded = base64.b64encode(png).decode("ascii")
    badge = f'<p class="synthetic-tag">{SYNTHETIC_LABEL}</p>' if synthetic else ""
    parts = [f'<figure class="diagram">{badge}<img src="data:image/png;base64,{encoded}" alt="{escape(alt)}">',
             f"<figcaption>{escape(caption)}<br>"
             f'<span class="source">Källa: {escape(source)}</span></figcaption>']
    if data is not None:
        parts.append('<details class="figure-data"><summary>Siffrorna bakom diagrammet</summary>')
        parts.append(table(data, data_caption or f"Underlag: {caption}", row_header=data.index.name or ""))
        parts.append("</details>")
    parts.append("</figure>")
    return "".join(parts)
