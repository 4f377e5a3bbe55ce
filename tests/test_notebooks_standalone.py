"""A researcher's view: a notebook from notebooks/ runs on its own after a build, and shows what the report shows."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bs4 import BeautifulSoup, NavigableString

from pipeline.present import blocks



@pytest.mark.build
def test_a_notebook_run_as_jupyterlab_would_shows_the_reports_tables(built_project, tmp_path):
    """``jupyter nbconvert --execute`` in notebooks/ (the kernel's working directory in JupyterLab),
    with the parameters cell's defaults: every table and diagram it displays is in the report as is."""
    jupyter = Path(sys.executable).with_name("jupyter")
    result = subprocess.run(
        [str(jupyter), "nbconvert", "--to", "notebook", "--execute", "turnover.ipynb", "--output-dir", str(tmp_path)],
        cwd=built_project / "notebooks", capture_output=True, text=True, timeout=600,
        env={**os.environ, "PYTHONPATH": str(built_project), "MPLBACKEND": "Agg"})
    assert result.returncode == 0, result.stderr[-3000:]
    notebook = json.loads((tmp_path / "turnover.ipynb").read_text(encoding="utf-8"))
    shown = [output["data"]["text/html"] for cell in notebook["cells"] if cell["cell_type"] == "code"
             for output in cell.get("outputs", []) if "text/html" in output.get("data", {})]
    shown = ["".join(html) if isinstance(html, list) else html for html in shown]
    tables = [html for html in shown if "<table" in html]
    assert len(tables) >= 4, "two diagrams with their numbers and a table per profession"
    assert all(f"<style {blocks.STYLE_MARK}>" in html for html in shown), "each block carries its look"
    report = BeautifulSoup((built_project / "output" / "report.html").read_text(encoding="utf-8"), "html.parser")
    in_report = {canonical(element) for element in report.find_all(True)}
    for html in shown:
        for element in BeautifulSoup(blocks.STYLE_TAG.sub("", html), "html.parser").find_all(True, recursive=False):
            assert canonical(element) in in_report, str(element)[:300]


def canonical(element) -> tuple:
    """An element as a tree of names, sorted attributes and text: nbconvert writes the report's
    markup back in its own spelling (``<br/>``, attributes in another order), the same content."""
    if isinstance(element, NavigableString):
        return ("#text", str(element))
    # A traced figure's description is numbered in its page (trace.number): per output in a notebook, once in the report.
    attributes = tuple(sorted((k, re.sub(r"^trace-\d+$", "trace-N", " ".join(v) if isinstance(v, list) else v))
                              for k, v in element.attrs.items()))
    return (element.name, attributes, tuple(canonical(child) for child in element.children))


@pytest.mark.build
def test_a_displayed_table_holds_the_processed_rows_it_shows(built_project):
    from pipeline.present import turnover_views
    from pipeline.process import datasets

    processed = built_project / "data" / "processed"
    turnover = datasets.load("turnover", processed)
    administrations = datasets.load("administrations", processed)
    table = turnover_views.table(turnover, administrations, "socialsekreterare")
    expected = turnover[turnover["profession"] == "socialsekreterare"].reset_index(drop=True)
    assert table.frame.equals(expected)
    # and the grid shows exactly those rows: one line per administration, one column per year
    assert sorted(table.shown.index) == sorted(turnover_views.display_name(name, administrations)
                                            for name in expected["administration"].unique())
    assert list(table.shown.columns) == [str(y) for y in sorted(expected["year"].unique())]
    figure = turnover_views.city_trend(turnover, administrations, "socialsekreterare")
    total = expected[expected["administration_type"] == "all_districts"].sort_values("year").reset_index(drop=True)
    assert figure.frame.reset_index(drop=True).equals(total)
