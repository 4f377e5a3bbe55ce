"""Every kind of bad input stops the build with a message a project lead can act on, and changes nothing.

Each case of ``tests/corruption/cases.py`` corrupts one committed input of the shared
built project, runs ``python -m pipeline report`` there and restores the file. The run
must exit non-zero before any notebook runs, print no traceback, name the file, line,
column, value and rule, and leave ``output/`` and ``data/processed/`` byte for byte as
they were.
"""
import pytest

from conftest import ROOT, run_pipeline, tree_digest
from corruption.cases import CASES, KINDS, SURVEY, SURVEY_CASES
from pipeline.ingest import schemas

ALL_CASES = CASES + SURVEY_CASES


def test_the_corpus_covers_every_input_and_every_kind_of_damage():
    covered = {case.file for case in ALL_CASES}
    raw_files = {f"data/raw/{spec.filename}" for spec in schemas.RAW_FILES}
    assert raw_files | {"report.yml"} <= covered, sorted(raw_files - covered)
    assert set(KINDS) <= {case.kind for case in ALL_CASES}, sorted(set(KINDS) - {case.kind for case in ALL_CASES})
    assert len({case.id for case in ALL_CASES}) == len(ALL_CASES) >= 25


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda case: case.id)
def test_corrupted_input_stops_the_build_and_leaves_outputs_as_they_were(built_project, case):
    target = built_project / case.file
    if case.file == SURVEY and not (ROOT / SURVEY).exists():
        pytest.skip(f"{SURVEY} is not in the project yet")
    published = [built_project / "output", built_project / "data" / "processed"]
    before = tree_digest(*published)
    original = target.read_bytes()
    try:
        corrupted, facts = case.corrupt(original)
        if corrupted is None:
            target.unlink()
        else:
            target.write_bytes(corrupted)
        result = run_pipeline(built_project, "report")
    finally:
        target.write_bytes(original)
    message = result.stderr
    assert result.returncode != 0, f"the build accepted {case.file} ({case.kind})\n{result.stdout}"
    assert "Traceback" not in message, message
    assert "[execute]" not in result.stdout, "no notebook may run on bad input"
    for phrase in case.phrases(facts):
        assert phrase in message, f"{case.id}: the message lacks {phrase!r}:\n{message}"
    for phrase in case.forbid:
        assert phrase not in message, f"{case.id}: the message says {phrase!r}, which misleads:\n{message}"
    assert tree_digest(*published) == before, "output/ or data/processed/ changed"
    assert not list((built_project / ".build").glob("stage-*")), "the failed build left its staging tree"
