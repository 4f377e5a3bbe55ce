"""Complete years only: a year with some of its rows is refused, naming exactly what is missing.

The expected rows are computed here from the reference list (data/raw/administrations.csv),
never typed: which administrations report which profession, in which years.
"""
import re
import shutil

import pytest

from conftest import ROOT, read_rows, run_pipeline, tree_digest, write_rows
from pipeline.ingest import completeness, rawio, schemas, validation

RAW = ROOT / "data" / "raw"
CHECKED = [schemas.ADMINISTRATIONS, schemas.TURNOVER, schemas.CONSULTANTS, schemas.DISTRICT_FACTS]


# ----------------------------------------------------------------------------- helpers



def typed_tables(raw_dir) -> dict:
    """The raw files typed as validation types them (the suites themselves are tested elsewhere)."""
    return {spec.name: validation.typed(spec, validation.frame_for_gx(spec, rawio.read_text_table(
        spec, raw_dir / spec.filename))) for spec in CHECKED}


@pytest.fixture()
def raw(tmp_path):
    """A copy of data/raw/ to damage."""
    target = tmp_path / "raw"
    target.mkdir()
    for spec in CHECKED:
        shutil.copy(RAW / spec.filename, target / spec.filename)
    return target


def expected_administrations(profession: str, year: int, raw_dir=RAW) -> list[str]:
    """The administrations the reference list expects a row from, in its order."""
    _, rows = read_rows(raw_dir / "administrations.csv")
    due = [r for r in rows if profession in r["professions"].split(";")
           and (not r["first_year"] or int(r["first_year"]) <= year)
           and (not r["last_year"] or year <= int(r["last_year"]))]
    return [r["name"] for r in sorted(due, key=lambda r: int(r["table_order"]))]


def append_year_for(raw_dir, names: list[str]) -> int:
    """Rows for the year after the last one, for the named administrations only (a copy of their last year)."""
    fields, rows = read_rows(raw_dir / "turnover.csv")
    last = max(int(r["year"]) for r in rows)
    new = [{**r, "year": str(last + 1), "source": "test: arrived early"}
           for r in rows if int(r["year"]) == last and r["administration"] in names]
    write_rows(raw_dir / "turnover.csv", fields, rows + new)
    return last + 1


def listed_as_missing(message: str) -> list[str]:
    """The names in '… N of M administrations missing (A, B, C).'"""
    return re.search(r"administrations missing \((.*?)\)\.", message).group(1).split(", ")


A_FEW = ["Bromma", "Skarpnäck", "Farsta"]


# ----------------------------------------------------------------------------- turnover

def test_the_committed_data_are_complete():
    assert completeness.problems(typed_tables(RAW)) == []


def test_a_year_with_a_few_districts_lists_exactly_the_missing_administrations(raw):
    year = append_year_for(raw, A_FEW)
    found = completeness.problems(typed_tables(raw))
    assert len(found) == len(schemas.PROFESSIONS), found  # one message per year × profession
    for profession, message in zip(schemas.PROFESSIONS, found):
        due = expected_administrations(profession, year)
        missing = [name for name in due if name not in A_FEW]
        assert message.startswith(f"data/raw/turnover.csv: {year} is incomplete for {profession}:"), message
        assert f"{len(missing)} of {len(due)} administrations missing" in message
        assert listed_as_missing(message) == missing
        assert "add the missing rows" in message and f"remove the {year} rows until all have arrived" in message


def test_a_missing_stadsdelar_total_row_gives_one_message(raw):
    fields, rows = read_rows(raw / "turnover.csv")
    gone = next(r for r in rows if r["administration"] == "Stadsdelar total" and r["profession"] == "socialsekreterare")
    write_rows(raw / "turnover.csv", fields, [r for r in rows if r is not gone])
    found = completeness.problems(typed_tables(raw))
    assert len(found) == 1, found
    assert f"{gone['year']} is incomplete for socialsekreterare" in found[0]
    assert listed_as_missing(found[0]) == ["Stadsdelar total"]
    assert "printed total row" in found[0]


def test_a_year_skipped_between_two_others_is_missing_whole(raw):
    fields, rows = read_rows(raw / "turnover.csv")
    last = max(int(r["year"]) for r in rows)
    moved = [{**r, "year": str(last + 2)} for r in rows if int(r["year"]) == last]
    write_rows(raw / "turnover.csv", fields, rows + moved)
    found = completeness.problems(typed_tables(raw))
    assert len(found) == len(schemas.PROFESSIONS), found
    for profession, message in zip(schemas.PROFESSIONS, found):
        due = expected_administrations(profession, last + 1)
        assert f"{last + 1} is incomplete for {profession}: {len(due)} of {len(due)} administrations missing" in message
        assert f"none for {last + 1}" in message


def test_a_profession_the_reference_list_does_not_give_an_administration_is_refused(raw):
    fields, rows = read_rows(raw / "turnover.csv")
    _, administrations = read_rows(raw / "administrations.csv")
    one = next(a for a in administrations if len(a["professions"].split(";")) < len(schemas.PROFESSIONS))
    other = next(p for p in schemas.PROFESSIONS if p not in one["professions"].split(";"))
    year = max(r["year"] for r in rows)
    extra = {"profession": other, "administration": one["name"], "year": year, "ended": "0", "headcount": "1",
             "source": "test"}
    write_rows(raw / "turnover.csv", fields, rows + [extra])
    found = completeness.problems(typed_tables(raw))
    assert len(found) == 1, found
    line = len(rows) + 2
    assert found[0].startswith(f"data/raw/turnover.csv, line {line}: {one['name']} has a {other} row")
    assert f"data/raw/administrations.csv (line {administrations.index(one) + 2}, column 'professions')" in found[0]


def test_a_merger_is_complete_with_the_new_district_from_its_first_year(raw):
    """Two districts end, a merged one begins: the new year needs the new one's rows, not the old ones'."""
    fields, administrations = read_rows(raw / "administrations.csv")
    _, rows = read_rows(raw / "turnover.csv")
    year = max(int(r["year"]) for r in rows) + 1
    merged = ["Hägersten-Liljeholmen", "Älvsjö"]
    for row in administrations:
        if row["name"] in merged:
            row["last_year"] = str(year - 1)
    administrations.append({"name": "Hägersten-Älvsjö", "slug": "hagersten-alvsjo", "type": "district",
                            "table_order": str(len(administrations) + 1),
                            "professions": ";".join(schemas.PROFESSIONS), "first_year": str(year),
                            "last_year": "", "source": "test"})
    write_rows(raw / "administrations.csv", fields, administrations)
    carried = [name for name in (a["name"] for a in administrations) if name not in merged]
    append_year_for(raw, carried)  # everyone but the merged ones; the new one has no earlier year to copy
    turnover_fields, rows = read_rows(raw / "turnover.csv")
    new = [{"profession": p, "administration": "Hägersten-Älvsjö", "year": str(year), "ended": "1",
            "headcount": "50", "source": "test"} for p in schemas.PROFESSIONS]
    write_rows(raw / "turnover.csv", turnover_fields, rows + new)
    facts_fields, facts = read_rows(raw / "district_facts.csv")
    facts.append({**facts[0], "administration": "Hägersten-Älvsjö"})
    write_rows(raw / "district_facts.csv", facts_fields, facts)
    assert completeness.problems(typed_tables(raw)) == []

    # …and a row of a merged district after its last year is refused, naming that year
    old = next(r for r in rows if r["administration"] == "Älvsjö" and int(r["year"]) == year - 1)
    write_rows(raw / "turnover.csv", turnover_fields, rows + new + [{**old, "year": str(year)}])
    found = completeness.problems(typed_tables(raw))
    assert len(found) == 1, found
    assert f"Älvsjö has rows for {year}" in found[0] and f"only until {year - 1}" in found[0]


def test_the_total_row_must_cover_every_profession_of_the_districts(raw):
    fields, administrations = read_rows(raw / "administrations.csv")
    total = next(a for a in administrations if a["type"] == "all_districts")
    total["professions"] = schemas.PROFESSIONS[0]
    write_rows(raw / "administrations.csv", fields, administrations)
    found = completeness.problems(typed_tables(raw))
    line = administrations.index(total) + 2
    assert found[0].startswith(f"data/raw/administrations.csv, line {line}: '{total['name']}'"), found
    assert f"leave out {schemas.PROFESSIONS[1]}" in found[0]


# ----------------------------------------------------------------------------- consultants, district facts

def test_a_consultants_year_with_april_only_is_refused(raw):
    fields, rows = read_rows(raw / "consultants.csv")
    year = max(int(r["year"]) for r in rows) + 1
    write_rows(raw / "consultants.csv", fields, rows + [{"year": str(year), "month": "april", "consultants": "30",
                                                         "source": "test"}])
    found = completeness.problems(typed_tables(raw))
    assert found == [f"data/raw/consultants.csv: {year} has the april count (line {len(rows) + 2}) but not the "
                     f"november count. A year is reported only with both counts: add the {year} november row, or "
                     f"remove the {year} row until the count has arrived."]


def test_every_district_needs_its_facts_row(raw):
    fields, facts = read_rows(raw / "district_facts.csv")
    write_rows(raw / "district_facts.csv", fields, facts[1:])
    found = completeness.problems(typed_tables(raw))
    _, administrations = read_rows(raw / "administrations.csv")
    districts = [a for a in administrations if a["type"] == "district"]
    assert found == [f"data/raw/district_facts.csv: 1 of {len(districts)} districts in data/raw/administrations.csv "
                     f"has no facts row ({facts[0]['administration']}). Each district's section opens with its "
                     "facts: add a row for each."]


# ----------------------------------------------------------------------------- end to end

def _partial_year(root) -> dict[tuple[int, str], list[str]]:
    year = append_year_for(root / "data" / "raw", A_FEW)
    return {(year, p): [n for n in expected_administrations(p, year) if n not in A_FEW] for p in schemas.PROFESSIONS}


def _no_total_row(root) -> dict[tuple[int, str], list[str]]:
    path = root / "data" / "raw" / "turnover.csv"
    fields, rows = read_rows(path)
    gone = next(r for r in rows if r["administration"] == "Stadsdelar total")
    write_rows(path, fields, [r for r in rows if r is not gone])
    return {(int(gone["year"]), gone["profession"]): ["Stadsdelar total"]}


@pytest.mark.parametrize("damage", [_partial_year, _no_total_row], ids=["partial-year", "no-total-row"])
def test_an_incomplete_year_stops_the_build_and_leaves_outputs_as_they_were(built_project, damage):
    published = [built_project / "output", built_project / "data" / "processed"]
    before = tree_digest(*published)
    path = built_project / "data" / "raw" / "turnover.csv"
    original = path.read_bytes()
    try:
        missing = damage(built_project)
        result = run_pipeline(built_project, "report")
    finally:
        path.write_bytes(original)
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    assert "[execute]" not in result.stdout, "no notebook may run on an incomplete year"
    incomplete = [line.strip() for line in result.stderr.splitlines() if " is incomplete for " in line]
    assert len(incomplete) == len(missing), result.stderr  # one message per year × profession
    for (year, profession), names in missing.items():
        message = next(m for m in incomplete if f"turnover.csv: {year} is incomplete for {profession}:" in m)
        assert listed_as_missing(message) == names, message
    assert tree_digest(*published) == before, "output/ or data/processed/ changed"
