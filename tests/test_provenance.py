"""Every output says what made it: output/manifest.json matches the files on disk, and the report points to it."""
import json
import re

import pdfcheck
from conftest import ROOT
from pipeline.build import provenance, report
from pipeline.present import contents


def _manifest(root):
    return json.loads((root / "output" / "manifest.json").read_text(encoding="utf-8"))


def test_every_output_the_manifest_lists_is_on_disk_with_that_checksum(built_project):
    output = built_project / "output"
    for item in _manifest(built_project)["outputs"]:
        path = output / item["path"]
        assert path.is_file(), item["path"]
        assert path.stat().st_size == item["bytes"], item["path"]
        assert provenance.sha256(path) == item["sha256"], item["path"]


def test_the_manifest_lists_every_output_but_itself_and_the_data_docs(built_project):
    output = built_project / "output"
    on_disk = {p.relative_to(output).as_posix() for p in output.rglob("*")
               if p.is_file() and p.name != "manifest.json" and not provenance.is_data_docs(p.relative_to(output))}
    listed = {item["path"] for item in _manifest(built_project)["outputs"]}
    assert listed == on_disk
    assert {"report.html", "report.pdf", "validation/results.json"} <= listed


def test_every_input_the_manifest_lists_matches_the_file_it_was_built_from(built_project):
    manifest = _manifest(built_project)
    inputs = {item["path"]: item for item in manifest["inputs"]}
    for name, item in inputs.items():
        path = built_project / name
        assert path.is_file(), name
        assert provenance.sha256(path) == item["sha256"], f"{name} changed since the build, or its checksum is wrong"
    raw = {p.relative_to(built_project).as_posix() for p in (built_project / "data" / "raw").glob("*.csv")}
    assert raw <= set(inputs), sorted(raw - set(inputs))
    assert {"report.yml", "requirements.lock"} <= set(inputs)
    assert any(name.startswith("notebooks/") for name in inputs) and any(name.startswith("expectations/") for name in inputs)
    assert manifest["code"]["commit"] and manifest["python"] and all(manifest["packages"].values())
    assert all(run["parameters"] is not None for run in manifest["notebooks"])


def test_the_manifest_records_the_version_of_every_direct_dependency():
    direct = {re.split(r"[=<>~!;\[ ]", line.strip())[0].lower()
              for line in (ROOT / "requirements.in").read_text(encoding="utf-8").splitlines()
              if line.strip() and not line.startswith("#")}
    assert direct <= set(provenance.PACKAGES), sorted(direct - set(provenance.PACKAGES))


def test_the_report_ends_with_its_provenance_and_links_to_the_manifest(built_project):
    output = built_project / "output"
    page = (output / "report.html").read_text(encoding="utf-8")
    provenance_section = page[page.index(f'<h2 id="proveniens">{report.APPENDIX_TITLE}</h2>'):page.index("</main>")]
    assert "<section" not in provenance_section, "no chapter may follow the provenance block"
    manifest = _manifest(built_project)
    for item in manifest["inputs"]:
        if item["path"].startswith("data/raw/") and item["path"].endswith(".csv"):
            assert item["path"] in provenance_section and item["sha256"][:16] in provenance_section, item["path"]
    assert manifest["code"]["commit"] in provenance_section
    for href in ["validation/index.html", "audit/reconciliation.html", "audit/reconciliation.csv", "manifest.json"]:
        assert f'href="{href}"' in provenance_section, href
    assert "(på engelska)" in provenance_section
    footer = re.search(r"<footer[^>]*>(.*?)</footer>", page, re.S).group(1)
    assert 'href="manifest.json"' in footer


def test_the_appendix_maps_every_table_and_diagram_to_its_raw_files(built_project):
    from bs4 import BeautifulSoup

    output = built_project / "output"
    soup = BeautifulSoup((output / "report.html").read_text(encoding="utf-8"), "html.parser")
    table = soup.select_one("section.provenance table.raw-files")
    shown = [(tr.th.get_text(), tr.td.get_text()) for tr in table.select("tbody tr")]
    pages = len(list((output / "administrations").glob("*.html"))) - 1  # without index.html
    expected = contents.raw_file_rows(pages)
    assert [what for what, _ in shown] == [row["what"] for row in expected]
    inputs = {item["path"] for item in _manifest(built_project)["inputs"]}
    for (_, files), row in zip(shown, expected):
        assert set(row["raw"]) <= inputs
        assert re.findall(r"[\w.]+\.csv", files) == [path.removeprefix("data/raw/") for path in row["raw"]]


def test_the_title_page_gives_the_edition_and_no_commit(built_project):
    from bs4 import BeautifulSoup

    from pipeline import config
    from pipeline.build import edition

    output = built_project / "output"
    page = (output / "report.html").read_text(encoding="utf-8")
    title_page = BeautifulSoup(page, "html.parser").select_one("header.title-page").get_text(" ")
    commit = _manifest(built_project)["code"]["commit"]
    assert f"Utgåva {edition.described(config.load(built_project / 'report.yml'))}" in title_page
    assert commit[:7] not in title_page and "SHA-256" not in title_page
    # a traced figure's description names its raw file on hover (tests/test_trace.py); the visible source line does not
    shown = re.sub(r'<span [^>]*class="trace-note"[^>]*>.*?</span>', "", page, flags=re.S)
    captions = re.findall(r'<(?:p|span) class="source">(.*?)</(?:p|span)>', shown, re.S)
    assert captions and not [c for c in captions if "Rådata" in c or "data/raw/" in c or ".py" in c]

    pdf = pdfcheck.objects((output / "report.pdf").read_bytes())
    pages, destinations = pdfcheck.pages(pdf), pdfcheck.destinations(pdf)
    start = pages.index(destinations["proveniens"])
    assert start == max(pages.index(p) for p in destinations.values()), "a section follows the provenance block"
    assert start >= len(pages) - 2, f"the provenance block starts on page {start + 1} of {len(pages)}"
    links = pdfcheck.link_targets(pdf)
    assert any(link.endswith("manifest.json") for link in links), "the PDF links to the manifest"
    assert not any(".build" in link for link in links), f"a link names the staging directory: {links}"
