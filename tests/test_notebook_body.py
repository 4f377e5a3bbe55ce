"""An executed notebook's body as the report shows it (``notebooks.notebook_body``).

The body comes from nbconvert's HTML exporter without the BeautifulSoup pass that exporter ends
with; these tests hold that it is still the page nbconvert gives, element for element.
"""
import base64
import copy
import re

import nbformat
from bs4 import BeautifulSoup
from nbconvert import HTMLExporter

from pipeline.build import notebooks

PIXEL = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")).decode()


def _executed() -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell("## Personalrörlighet i Älvsjö\n\nAndelen är *13,2 %* år 2018 & framåt."),
        nbformat.v4.new_code_cell("display(tabell)", outputs=[
            nbformat.v4.new_output("display_data", data={"text/html": '<table><caption>Tabell 1. Åren</caption>'
                                                                      '<tr><td class="num">1&nbsp;234</td></tr></table>',
                                                         "text/plain": "tabell"}),
            nbformat.v4.new_output("stream", name="stderr", text="en varning som läsaren inte ska se\n"),
        ]),
        nbformat.v4.new_code_cell("figur", outputs=[
            nbformat.v4.new_output("display_data", data={"image/png": PIXEL, "text/plain": "<Figure>"}),
        ]),
        nbformat.v4.new_code_cell("print('syns')", outputs=[nbformat.v4.new_output("stream", name="stdout",
                                                                                   text="syns\n")]),
    ]
    return notebook


def _elements(html: str) -> list:
    """The page as a browser's tree would hold it: tags, attributes and text, whitespace between blocks left out."""
    soup = BeautifulSoup(html, features="html.parser")
    return [(tag.name, sorted(tag.attrs.items(), key=str), [s.strip() for s in tag.find_all(string=True, recursive=False)
                                                            if s.strip()])
            for tag in soup.find_all(True)]


def test_body_is_nbconverts_page_without_code_stderr_or_anchor_links():
    notebook = _executed()
    body = notebooks.notebook_body(copy.deepcopy(notebook))
    assert "Personalrörlighet i Älvsjö" in body and "<em>13,2 %</em>" in body
    assert "display(tabell)" not in body and "print(" not in body  # no code
    assert "varning" not in body  # no stderr
    assert "syns" in body  # stdout stays
    assert "anchor-link" not in body and "¶" not in body

    ours = notebooks._exporter()
    assert ours.exclude_anchor_links
    theirs = HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                          exclude_output_prompt=True, exclude_anchor_links=True)
    notebook.cells[1].outputs = notebook.cells[1].outputs[:1]  # the stderr, which notebook_body drops
    expected, _ = theirs.from_notebook_node(notebook)
    expected = re.sub(r'alt="No description has been provided for this image"', f'alt="{notebooks.NO_ALT_TEXT}"',
                      expected)
    assert _elements(body) == _elements(expected)


def test_an_image_shown_without_alt_text_gets_a_swedish_one():
    body = notebooks.notebook_body(_executed())
    images = re.findall(r"<img[^>]*>", body)
    assert len(images) == 1 and f'alt="{notebooks.NO_ALT_TEXT}"' in images[0]
    assert "No description" not in body
