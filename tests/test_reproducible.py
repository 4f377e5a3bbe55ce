"""Two builds of the same code and data give the same bytes, and ``verify`` says which files do not.

Every file under ``output/`` and ``data/processed/`` counts (HTML, PDF, images, CSV,
executed notebooks, manifest.json, output/validation/results.json); only Great
Expectations' data docs are left out, since GX stamps them with run times. The two
builds run in directories with different paths, so an absolute path or a staging path
that leaked into an output would show as a difference.
"""
import shutil

from conftest import run_pipeline
from pdfcheck import inflated
from pipeline.build import provenance, verify

COMPARED = ["output", "data/processed"]


def _published_files(root):
    """Path from the root → SHA-256 of every compared file."""
    digests = {}
    for directory in COMPARED:
        for path in sorted((root / directory).rglob("*")):
            relative = path.relative_to(root / directory)
            if path.is_file() and not (directory == "output" and provenance.is_data_docs(relative)):
                digests[f"{directory}/{relative.as_posix()}"] = provenance.sha256(path)
    return digests


def test_a_second_build_in_another_directory_is_byte_identical(built_project, tmp_path):
    rebuild = tmp_path / "rebuild"
    result = run_pipeline(built_project, "verify", "--keep", str(rebuild))
    assert result.returncode == 0, result.stdout + result.stderr
    summary = result.stdout.strip().splitlines()
    assert len(summary) == 1 and summary[0].startswith("verify: all ") and "byte-identical" in summary[0]

    first, second = _published_files(built_project), _published_files(rebuild)
    differing = sorted(name for name in first.keys() | second.keys() if first.get(name) != second.get(name))
    assert not differing, f"files that differ between two builds: {differing}"
    assert {"output/report.pdf", "output/report.html", "output/manifest.json", "output/validation/results.json",
            "data/processed/turnover.csv"} <= set(first)
    assert any(name.startswith("output/notebooks/") for name in first)


def test_no_output_holds_a_staging_or_an_absolute_path(built_project):
    needles = [b".build/stage-", str(built_project).encode(), b"/tmp/"]
    for name in _published_files(built_project):
        content = inflated((built_project / name).read_bytes())
        for needle in needles:
            assert needle not in content, f"{name} contains {needle.decode()!r}"


def test_verify_lists_the_files_a_changed_raw_cell_changes(built_project, tmp_path):
    changed = tmp_path / "changed"
    shutil.copytree(built_project, changed, ignore=shutil.ignore_patterns(".build", "__pycache__"))
    turnover = changed / "data" / "raw" / "turnover.csv"
    text = turnover.read_text(encoding="utf-8")
    row = "socialsekreterare,Skarpnäck,2016,18,56,"
    assert row in text
    turnover.write_text(text.replace(row, "socialsekreterare,Skarpnäck,2016,17,56,"), encoding="utf-8")

    result = run_pipeline(changed, "verify")

    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    for name in ["output/data/turnover.csv", "output/report.html", "output/report.pdf", "output/manifest.json"]:
        assert f"differs: {name}" in lines, result.stdout
    assert "differs: output/data/consultants.csv" not in lines, "an unrelated table must not change"
    assert "Inputs changed since output/ was built: data/raw/turnover.csv" in lines
    assert lines[-1].startswith("verify: ") and "differ from a fresh rebuild" in lines[-1]


def test_compare_names_files_that_differ_or_exist_on_one_side_only(tmp_path):
    published, rebuilt = tmp_path / "a", tmp_path / "b"
    for root, files in [(published, {"output/same.csv": "1", "output/changed.csv": "1", "output/gone.csv": "1",
                                     "output/validation/index.html": "run 1", "output/data/x.csv": "1"}),
                        (rebuilt, {"output/same.csv": "1", "output/changed.csv": "2", "output/new.csv": "1",
                                   "output/validation/index.html": "run 2", "output/data/x.csv": "1"})]:
        for name, content in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(content)
    lines, compared = verify.compare(published, rebuilt)
    assert lines == ["differs: output/changed.csv", "only in the published build: output/gone.csv",
                     "only in the rebuild: output/new.csv"]
    assert compared == 5
