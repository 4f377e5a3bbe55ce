"""make dist: the edition's bundle, byte-identical on every run, its pages' links resolving inside it.

The built copy of the project is not a git repository, so its manifest records ``code.dirty``
as None ("cannot tell"): the bundle is made and the command says the edition names no
commit. A build of uncommitted code (``dirty`` true) is refused, which is tested by setting
the flag in the manifest; a git repository in the test would only add a second full build.
"""
import datetime as dt
import json
import posixpath
import re
import shutil
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import ROOT, run_pipeline
from pipeline import config
from pipeline.build import edition
from pipeline.errors import InputError

GOOD = config.load().edition_date.isoformat()


def _bundle(root: Path) -> tuple[Path, str]:
    """``python -m pipeline dist`` in ``root``: the one zip in dist/ and what the command printed."""
    result = run_pipeline(root, "dist")
    assert result.returncode == 0, result.stdout + result.stderr
    zips = sorted((root / "dist").glob("*.zip"))
    assert len(zips) == 1, zips
    return zips[0], result.stdout


@pytest.fixture(scope="module")
def bundled(built_project):
    """The built project bundled twice, the first zip deleted before the second run."""
    first, printed = _bundle(built_project)
    data = first.read_bytes()
    first.unlink()
    second, _ = _bundle(built_project)
    yield {"root": built_project, "first": data, "zip": second, "printed": printed}
    shutil.rmtree(built_project / "dist")


def _expected_stem(root: Path) -> str:
    name = edition.package_name((root / "pyproject.toml").read_text(encoding="utf-8"))
    return f"{edition.slug(name)}-{config.load(root / 'report.yml').edition_date.isoformat()}"


def test_two_runs_give_the_same_bytes_under_the_editions_name(bundled):
    assert bundled["zip"].read_bytes() == bundled["first"]
    assert bundled["zip"].name == _expected_stem(bundled["root"]) + ".zip"
    assert re.fullmatch(r"[a-z0-9-]+\.zip", bundled["zip"].name)
    assert bundled["printed"].startswith(f"dist/{bundled['zip'].name}: edition ")
    assert "not a git repository" in bundled["printed"]


def test_the_zip_holds_the_edition_in_the_layout_of_output(bundled):
    output = bundled["root"] / "output"
    stem = _expected_stem(bundled["root"])
    date = config.load(bundled["root"] / "report.yml").edition_date
    on_disk = {p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file()}
    pages = {name for name in on_disk if re.fullmatch(r"administrations/[^/]+\.(html|pdf)", name)}
    expected = ({"report.pdf", "report.html", "tabeller.xlsx", "manifest.json"} | pages
                | {name for name in on_disk if name.startswith(("audit/", "validation/"))})
    with zipfile.ZipFile(bundled["zip"]) as archive:
        entries = archive.infolist()
        names = [entry.filename for entry in entries]
        assert names == sorted(names)
        assert all(name.startswith(stem + "/") for name in names)
        assert {name[len(stem) + 1:] for name in names} == expected
        for entry in entries:
            assert entry.date_time == (date.year, date.month, date.day, 0, 0, 0), entry.filename
            assert entry.external_attr == 0o644 << 16 and entry.extra == b"", entry.filename
            assert archive.read(entry) == (output / entry.filename[len(stem) + 1:]).read_bytes(), entry.filename
    assert len(pages) >= 2 * 16 and "audit/reconciliation.csv" in expected and "validation/index.html" in expected
    assert not any(name.startswith(("notebooks/", "data/")) for name in expected)


class _References(HTMLParser):
    """Every href, src and srcset in a page, and every CSS url() in its style."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src", "xlink:href") and value is not None:
                self.found.append(value)
            elif name == "srcset" and value:
                self.found.extend(part.split()[0] for part in value.split(",") if part.strip())

    def handle_data(self, data):
        self.found.extend(re.findall(r"url\(\s*['\"]?([^'\")]*)", data))


def test_every_reference_in_the_bundled_pages_resolves_inside_the_zip(bundled):
    """Images are embedded; links (manifest.json, validation/, administrations/…) point to files in the zip.

    Great Expectations' own data docs under validation/ load their styles from the web and are not the
    project's pages; the report's link to validation/index.html must resolve all the same.
    """
    stem = _expected_stem(bundled["root"])
    with zipfile.ZipFile(bundled["zip"]) as archive:
        files = {name[len(stem) + 1:]: archive.read(name) for name in archive.namelist()}
    checked, seen, outside = 0, set(), []
    for page, data in files.items():
        if not page.endswith(".html") or page.startswith("validation/"):
            continue
        parser = _References()
        parser.feed(data.decode("utf-8"))
        checked += 1
        for reference in parser.found:
            seen.add((page, reference.split(";")[0] if reference.startswith("data:") else reference))
            if reference.startswith(("data:", "#")):
                continue
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page), reference.split("#")[0]))
            if ":" in reference.split("/")[0] or resolved not in files:
                outside.append(f"{page} → {reference[:80]}")
    assert not outside, outside
    assert checked >= 1 + 17 + 1  # the report, every page with their index, the audit
    assert {("report.html", "manifest.json"), ("report.html", "validation/index.html"),
            ("administrations/index.html", "../report.html")} <= seen
    assert ("report.html", "data:image/png") in seen or ("report.html", "data:image/svg+xml") in seen


def test_the_change_report_is_bundled_when_present_and_its_links_are_checked(bundled):
    root = bundled["root"]
    stem = _expected_stem(root)
    written = [root / "output" / "andringar.csv", root / "output" / "andringar.html"]
    try:
        written[0].write_text("figure,old,new\n", encoding="utf-8")
        written[1].write_text('<p><a href="report.html">Rapporten</a></p>', encoding="utf-8")
        path, _ = _bundle(root)
        with zipfile.ZipFile(path) as archive:
            assert {f"{stem}/andringar.csv", f"{stem}/andringar.html"} <= set(archive.namelist())
        written[1].write_text('<p><img src="diagram.png"></p>', encoding="utf-8")
        refused = run_pipeline(root, "dist")
    finally:
        for path in written:
            path.unlink(missing_ok=True)
        _bundle(root)  # the bundle as the other tests expect it
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "andringar.html → diagram.png" in refused.stderr and "Traceback" not in refused.stderr


def test_a_build_of_uncommitted_code_is_refused_commit_then_build(bundled):
    manifest_path = bundled["root"] / "output" / "manifest.json"
    kept = manifest_path.read_bytes()
    before = bundled["zip"].read_bytes()
    try:
        manifest = json.loads(kept)
        manifest["code"]["dirty"] = True
        manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
        result = run_pipeline(bundled["root"], "dist")
    finally:
        manifest_path.write_bytes(kept)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.count("\n") == 1 and "Commit, then run 'make dist' again" in result.stderr, result.stderr
    assert bundled["zip"].read_bytes() == before


def test_a_changed_edition_date_changes_the_title_page_the_dates_and_the_zip_name(built_project, tmp_path):
    root = tmp_path / "project"
    shutil.copytree(built_project, root, symlinks=True, ignore=shutil.ignore_patterns("dist"))
    params = root / "report.yml"
    text = params.read_text(encoding="utf-8")
    old = config.load(params)
    assert f"Utgåva {edition.described(old)}" in (root / "output" / "report.html").read_text(encoding="utf-8")
    new_date = dt.date(old.edition_date.year + 1, 4, 1)
    params.write_text(text.replace(f"edition_date: {old.edition_date.isoformat()}", f"edition_date: {new_date}")
                      .replace(f'edition_label: "{old.edition_label}"', f'edition_label: "april {new_date.year}"'),
                      encoding="utf-8")

    stale = run_pipeline(root, "dist")
    assert stale.returncode == 2 and "not an up-to-date build" in stale.stderr, stale.stdout + stale.stderr
    assert not (root / "dist").exists()
    built = run_pipeline(root, "report")
    assert built.returncode == 0, built.stdout + built.stderr
    path, _ = _bundle(root)

    assert path.name == _expected_stem(root) + ".zip" and path.name.endswith(f"-{new_date}.zip")
    stamp = (new_date.year, new_date.month, new_date.day, 0, 0, 0)
    with zipfile.ZipFile(path) as archive:
        title_page = archive.read(f"{path.stem}/report.html").decode("utf-8")
        assert {entry.date_time for entry in archive.infolist()} == {stamp}
    assert f"Utgåva april {new_date.year} ({new_date})" in title_page and f"Utgåva {edition.described(old)}" not in title_page
    with zipfile.ZipFile(root / "output" / "tabeller.xlsx") as workbook:
        assert {entry.date_time for entry in workbook.infolist()} == {stamp}
        assert f"<dcterms:modified xsi:type=\"dcterms:W3CDTF\">{new_date}T00:00:00Z" in \
            workbook.read("docProps/core.xml").decode("utf-8")


@pytest.mark.parametrize("written, phrase", [
    ("2019-02-30", "'2019-02-30', which is not a date (day is out of range for month)"),
    ("15 mars 2019", "'15 mars 2019'; it must be a date written YYYY-MM-DD, such as 2025-03-15"),
    ("2019-03-15 10:00", "'2019-03-15 10:00'; it must be a date written YYYY-MM-DD"),
    ("1979-12-31", "'1979-12-31'; it must be a date from 1980-01-01 to 2099-12-31"),
    ("[2019, 3, 15]", "'edition_date' is a list"),
    ("", "'edition_date' is empty"),
])
def test_a_bad_edition_date_is_one_message_naming_its_line(written, phrase):
    text = (ROOT / "report.yml").read_text(encoding="utf-8")
    assert f"edition_date: {GOOD}\n" in text
    bad = text.replace(f"edition_date: {GOOD}\n", f"edition_date: {written}\n")
    line = next(n for n, row in enumerate(bad.splitlines(), start=1) if row.startswith("edition_date:"))
    with pytest.raises(InputError) as caught:
        config.load(ROOT / "report.yml", text=bad)
    message = str(caught.value)
    assert message.startswith(f"report.yml, line {line}: 'edition_date' is ") and phrase in message, message
    assert "\n" not in message and len(message) < 200, message


def test_the_edition_date_may_be_quoted_and_both_keys_are_required():
    text = (ROOT / "report.yml").read_text(encoding="utf-8")
    assert config.load(text=text.replace(f"edition_date: {GOOD}", f'edition_date: "{GOOD}"')) == config.load()
    for key in ("edition_date", "edition_label"):
        without = "\n".join(row for row in text.splitlines() if not row.startswith(f"{key}:"))
        with pytest.raises(InputError, match=f"required key '{key}' is missing"):
            config.load(text=without)


def test_make_dist_with_a_bad_edition_date_prints_one_line(project):
    params = project / "report.yml"
    params.write_text(params.read_text(encoding="utf-8").replace(f"edition_date: {GOOD}", "edition_date: 2019-13-01"),
                      encoding="utf-8")
    result = run_pipeline(project, "dist")
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith("error: report.yml, line ") and result.stderr.count("\n") == 1, result.stderr
    assert "'edition_date' is '2019-13-01', which is not a date" in result.stderr
    assert not (project / "dist").exists()


def test_the_reference_check_finds_what_the_bundle_lacks():
    files = {"report.html": b'<a href="manifest.json">m</a><img src="data:image/png;base64,AA=="><a href="#top">t</a>'
                            b'<img src="https://example.org/x.png"><a href="administrations/a.html">a</a>',
             "administrations/a.html": b'<a href="../report.html">r</a><a href="../../utanfor.html">u</a>'
                                       b'<div style="background: url(bild.png)"></div>',
             "manifest.json": b"{}"}
    assert edition.unresolved(files) == ["administrations/a.html → ../../utanfor.html",
                                         "administrations/a.html → bild.png",
                                         "report.html → https://example.org/x.png"]


def test_the_bundle_depends_only_on_the_files_and_the_date():
    files = {"b.txt": b"2", "a.txt": b"1"}
    once = edition.bundle(files, "rapport-2019-03-15", dt.date(2019, 3, 15))
    assert once == edition.bundle(dict(files), "rapport-2019-03-15", dt.date(2019, 3, 15))
    assert once != edition.bundle(files, "rapport-2019-03-15", dt.date(2019, 3, 16))
    assert edition.slug("Stockholms stads rapport – Årsutgåva 2019") == "stockholms-stads-rapport-arsutgava-2019"
