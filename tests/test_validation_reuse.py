"""Validation is reused per file: only a raw file whose bytes, suite or suite parameters changed runs through GX."""
import datetime as dt
import re

import pytest

from conftest import ROOT
from pipeline import config
from pipeline.errors import InputError
from pipeline.ingest import inputs, validation
from pipeline.ingest.schemas import RAW_FILES

TODAY = dt.date(2026, 6, 1)
ALL = sorted(spec.filename for spec in RAW_FILES)
TURNOVER = "data/raw/turnover.csv"


class Kept(validation.Earlier):
    """The results kept in memory, as the build keeps them in its cache."""

    def __init__(self):
        self.entries: dict[str, bytes] = {}

    def get(self, key):
        return self.entries.get(key)

    def put(self, key, data):
        self.entries[key] = data


@pytest.fixture(scope="module")
def snapshot():
    return inputs.read(ROOT, environ={})


def changed(snapshot, name: str, edit) -> inputs.Snapshot:
    return inputs.Snapshot({**snapshot.files, name: edit(snapshot.files[name])}, snapshot.export)


def one_cell(data: bytes, ended: str = "8") -> bytes:
    old = "biståndshandläggare,Skarpnäck,2016,7,29,".encode()
    assert old in data
    return data.replace(old, f"biståndshandläggare,Skarpnäck,2016,{ended},29,".encode())


def run(snapshot, kept, docs=None, today=TODAY):
    checked: list[str] = []
    tables, summary = validation.validate_all(config.load(), docs_dir=docs, snapshot=snapshot, earlier=kept,
                                              checked=checked, today=today)
    return sorted(checked), tables, summary


@pytest.fixture(scope="module")
def kept(snapshot):
    kept = Kept()
    checked, _, _ = run(snapshot, kept)
    assert checked == ALL  # nothing kept yet: every file is checked
    return kept


def test_only_the_changed_file_is_checked_and_the_data_docs_cover_every_file(snapshot, kept, tmp_path):
    edited = changed(snapshot, TURNOVER, one_cell)
    checked, tables, summary = run(edited, kept, docs=tmp_path / "docs")
    assert checked == ["turnover.csv"]
    # the same tables and summary as a validation of every file
    fresh_checked, fresh_tables, fresh_summary = run(edited, None)
    assert fresh_checked == ALL
    assert summary == fresh_summary
    for name, table in fresh_tables.items():
        assert tables[name].equals(table), name
    skarpnack = tables["turnover"].query("administration == 'Skarpnäck' and year == 2016 and "
                                         "profession == 'biståndshandläggare'")
    assert skarpnack["ended"].tolist() == [8]
    index = (tmp_path / "docs" / "index.html").read_text(encoding="utf-8")
    for spec in RAW_FILES:
        assert f"expectations/{spec.name}.html" in index, spec.name
        assert re.search(rf"validations/{spec.name}/[^\"']+\.html", index), spec.name
        assert (tmp_path / "docs" / "expectations" / f"{spec.name}.html").is_file()
        assert list((tmp_path / "docs" / "validations" / spec.name).rglob("*.html")), spec.name


def test_bytes_changed_back_reuse_their_earlier_result_without_gx(snapshot, kept, monkeypatch):
    run(changed(snapshot, TURNOVER, one_cell), kept)

    def no_gx(*args, **kwargs):
        raise AssertionError("GX was started although no file changed")

    monkeypatch.setattr(validation, "_Runner", no_gx)
    checked, tables, _ = run(snapshot, kept)
    assert checked == []
    assert tables["turnover"].query("administration == 'Skarpnäck' and year == 2016 and "
                                    "profession == 'biståndshandläggare'")["ended"].tolist() == [7]


def test_a_changed_suite_rechecks_its_file(snapshot, kept):
    suite = "expectations/consultants.json"
    edited = changed(snapshot, suite, lambda data: data.replace(b'"meta"', b'"meta" ', 1))
    assert edited.files[suite] != snapshot.files[suite]
    checked, _, _ = run(edited, kept)
    assert checked == ["consultants.csv"]


def test_a_new_year_rechecks_every_file(snapshot, kept):
    """The current year is a bound of the suites: next year nothing is reused."""
    checked, _, _ = run(snapshot, kept, today=dt.date(TODAY.year + 1, 1, 15))
    assert checked == ALL


def test_a_changed_reference_list_rechecks_the_files_whose_suites_take_its_values(snapshot, kept):
    administrations = "data/raw/administrations.csv"
    edited = changed(snapshot, administrations, lambda data: data.replace(b"\n", b"\r\n"))
    checked, _, _ = run(edited, kept)
    assert checked == ["administrations.csv"]  # a new line ending, the same names: the others are reused


def test_a_damaged_entry_is_ignored_and_the_file_checked_again(snapshot, kept):
    edited = changed(snapshot, TURNOVER, lambda data: one_cell(data, "9"))
    before = set(kept.entries)
    checked, _, _ = run(edited, kept)
    assert checked == ["turnover.csv"]
    (key,) = set(kept.entries) - before
    good = kept.entries[key]
    for damaged in [good[:-40], good.replace(b'"success": true', b'"success": false'), b"", b"\n{}"]:
        kept.entries[key] = damaged
        checked, _, summary = run(edited, kept)
        assert checked == ["turnover.csv"], damaged[:60]
        assert summary["turnover"]["success"] is True
        assert validation._unpack(kept.entries[key]) is not None  # written again, whole


def test_a_failing_file_is_refused_as_before_and_never_kept(snapshot, kept):
    edited = changed(snapshot, TURNOVER, lambda data: one_cell(data, "999"))  # ended > headcount
    before = dict(kept.entries)
    with pytest.raises(InputError) as with_reuse:
        run(edited, kept)
    with pytest.raises(InputError) as without:
        run(edited, None)
    assert str(with_reuse.value) == str(without.value)
    assert "data/raw/turnover.csv, line" in str(with_reuse.value) and "999" in str(with_reuse.value)
    assert kept.entries == before


def test_without_gx_every_file_must_be_kept_and_the_verdict_is_the_same(snapshot, kept, monkeypatch):
    """``make report`` gives its verdict without GX when every file's result is kept (report.yml's title changed,
    or a build was stopped before publishing); a file without one raises NotKept before GX is imported."""
    _, with_gx_tables, with_gx_summary = run(snapshot, kept)

    def no_gx(*args, **kwargs):
        raise AssertionError("GX was started")

    monkeypatch.setattr(validation, "_Runner", no_gx)
    tables, summary = validation.validate_all(config.load(), snapshot=snapshot, earlier=kept, today=TODAY, gx=False)
    assert summary == with_gx_summary
    for name, table in with_gx_tables.items():
        assert tables[name].equals(table), name
    with pytest.raises(validation.NotKept):
        validation.validate_all(config.load(), snapshot=changed(snapshot, TURNOVER, lambda data: one_cell(data, "10")),
                                earlier=kept, today=TODAY, gx=False)
    with pytest.raises(validation.NotKept):
        validation.validate_all(config.load(), snapshot=snapshot, earlier=Kept(), today=TODAY, gx=False)
