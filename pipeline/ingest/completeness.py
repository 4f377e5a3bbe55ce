"""Complete years only: a year reaches the report with all its rows, or not at all.

HR's turnover figures arrive district by district. A year with only some of its rows
would be published as if whole: the all-districts rate of a few districts, a "change"
against a full year, a title ending in that year. So before anything is computed, every
yearly raw file must hold each of its years whole, and the reference list
``data/raw/administrations.csv`` says what whole is:

- turnover: a row for every administration and every profession it reports (column
  ``professions``) in every year it exists (``first_year``, ``last_year``; blank is
  open-ended), the printed 'Stadsdelar total' row included, so that the total of the
  districts can be formed and checked against it;
- consultants: the April and the November count;
- district facts (not yearly): a row for every district, whose section opens with them.

A year counts from the first to the last year a file has: a year skipped in between is
missing too. The survey is yearly as well but not held to this rule: its occasions
rightly miss administrations (one has no respondents, a district may not be reached),
and its small groups are suppressed anyway.

``problems`` takes the validated typed tables (the dict ``validation.validate_all``
builds) and returns one message per problem; it reads and writes nothing.
"""
import pandas as pd

from pipeline.ingest.schemas import BY_NAME, MONTHS, PROFESSIONS

ALL_DISTRICTS = "all_districts"
LINES_SHOWN = 6  # a longer list of lines is shortened


def _where(name: str) -> str:
    return f"data/raw/{BY_NAME[name].filename}"


ADMINISTRATIONS = _where("administrations")
TURNOVER = _where("turnover")
CONSULTANTS = _where("consultants")
DISTRICT_FACTS = _where("district_facts")


def problems(tables: dict[str, pd.DataFrame]) -> list[str]:
    """Every incomplete year and uncovered district, as messages a project lead can act on.

    Tables that are absent (they failed their own validation) are skipped.
    """
    administrations = tables.get("administrations")
    if administrations is None:
        return []
    out = []
    if "turnover" in tables:
        out += turnover_problems(tables["turnover"], administrations)
    if "consultants" in tables:
        out += consultants_problems(tables["consultants"])
    if "district_facts" in tables:
        out += district_facts_problems(tables["district_facts"], administrations)
    return out


# ----------------------------------------------------------------------------- the reference list

def professions(row: dict) -> list[str]:
    """The professions an administration's row lists, in the order of ``schemas.PROFESSIONS``."""
    listed = set(str(row["professions"]).split(";"))
    return [p for p in PROFESSIONS if p in listed]


def exists_in(row: dict, year: int) -> bool:
    """Whether the administration exists in ``year`` (a blank first_year or last_year is open-ended)."""
    first, last = row["first_year"], row["last_year"]
    return (pd.isna(first) or int(first) <= year) and (pd.isna(last) or year <= int(last))


def expected_turnover(administrations: pd.DataFrame, years) -> set[tuple[str, str, int]]:
    """(administration, profession, year) of every turnover row the reference list expects in ``years``."""
    return {(row["name"], profession, year)
            for row in administrations.to_dict("records")
            for profession in professions(row)
            for year in years if exists_in(row, year)}


def _span(row: dict) -> str:
    first, last = row["first_year"], row["last_year"]
    if pd.isna(first):
        return f"only until {int(last)}"
    if pd.isna(last):
        return f"only from {int(first)}"
    return f"only from {int(first)} to {int(last)}"


def _lines(numbers: list[int]) -> str:
    """'line 5' or 'lines 5, 7, 9' (shortened beyond ``LINES_SHOWN``)."""
    numbers = sorted(numbers)
    if len(numbers) == 1:
        return f"line {numbers[0]}"
    shown = ", ".join(map(str, numbers[:LINES_SHOWN]))
    return f"lines {shown}" + (f", … ({len(numbers)} rows)" if len(numbers) > LINES_SHOWN else "")


def _years(years: list[int]) -> str:
    return ", ".join(map(str, sorted(years)))


# ----------------------------------------------------------------------------- turnover

def turnover_problems(turnover: pd.DataFrame, administrations: pd.DataFrame) -> list[str]:
    """The reference list's total row covering the districts, missing rows per year × profession, rows not expected."""
    if turnover.empty:
        return []
    years = range(int(turnover["year"].min()), int(turnover["year"].max()) + 1)
    expected = expected_turnover(administrations, years)
    present = {(r["administration"], r["profession"], int(r["year"])): int(r["line"])
               for r in turnover.to_dict("records")}
    out = _total_row_coverage(administrations, expected)
    order = dict(zip(administrations["name"], administrations["table_order"]))
    years_with_rows = set(int(y) for y in turnover["year"])
    for year in years:
        for profession in PROFESSIONS:
            due = sorted((a for a, p, y in expected if p == profession and y == year), key=order.get)
            missing = [a for a in due if (a, profession, year) not in present]
            if missing:
                out.append(_missing_message(year, profession, missing, due, administrations, present,
                                            year in years_with_rows, years))
    out += _unexpected(turnover, administrations, expected)
    return out


def _missing_message(year: int, profession: str, missing: list[str], due: list[str], administrations: pd.DataFrame,
                     present: dict, year_has_rows: bool, years: range) -> str:
    """'<year> is incomplete for <profession>: N of M administrations missing (…)', and what to do."""
    if len(missing) < len(due):
        which = f"{len(missing)} of {len(due)} administrations missing ({', '.join(missing)})"
    else:
        which = (f"{len(missing)} of {len(due)} administrations missing (every administration that "
                 f"{ADMINISTRATIONS} lists for {profession})")
    text = f"{TURNOVER}: {year} is incomplete for {profession}: {which}."
    if year_has_rows:
        text += (f" A year is reported only when every administration that {ADMINISTRATIONS} lists for "
                 f"{profession} has its row: add the missing rows, or remove the {year} rows until all have "
                 "arrived.")
    else:
        text += (f" The file has rows for {years.start}–{years.stop - 1} but none for {year}, and a year may "
                 f"not be skipped: add its rows (or check the year of the rows after it).")
    total = administrations.loc[administrations["type"] == ALL_DISTRICTS, "name"].tolist()
    if any(name in missing for name in total):
        text += (f" '{total[0]}' is the table's printed total row: copy it as printed; the pipeline checks it "
                 "against the sum of the districts.")
    never = [a for a in missing if not any(key[0] == a and key[1] == profession for key in present)]
    if never and len(never) < len(due):
        text += (f" {', '.join(never)} {'has' if len(never) == 1 else 'have'} no {profession} row in any year: "
                 f"if new, set first_year in {ADMINISTRATIONS}; if not reporting {profession}, remove it from "
                 "the column 'professions' there.")
    return text


def _total_row_coverage(administrations: pd.DataFrame, expected: set) -> list[str]:
    """The all-districts row must be expected wherever a district is, or the districts' sum has nothing to match."""
    totals = administrations[administrations["type"] == ALL_DISTRICTS].to_dict("records")
    if len(totals) != 1:
        return []  # the suite's rule 'exactly one all_districts row' says so
    total = totals[0]
    districts = set(administrations.loc[administrations["type"] == "district", "name"])
    out = []
    for profession in PROFESSIONS:
        uncovered = sorted({y for a, p, y in expected if a in districts and p == profession}
                           - {y for a, p, y in expected if a == total["name"] and p == profession})
        if uncovered:
            out.append(f"{ADMINISTRATIONS}, line {int(total['line'])}: '{total['name']}' (type {ALL_DISTRICTS}) is "
                       f"the printed total of the districts, but its columns professions, first_year and last_year "
                       f"leave out {profession} in {_years(uncovered)}, where districts report it; add "
                       f"{profession} to its professions or correct its years.")
    return out


def _unexpected(turnover: pd.DataFrame, administrations: pd.DataFrame, expected: set) -> list[str]:
    """Rows for a profession or a year the reference list does not give their administration."""
    rows = {row["name"]: row for row in administrations.to_dict("records")}
    by_profession: dict[tuple, list[int]] = {}  # (administration, profession) → lines
    by_year: dict[str, list[tuple[int, int]]] = {}  # administration → (year, line)
    for r in turnover.to_dict("records"):
        name, profession, year = r["administration"], r["profession"], int(r["year"])
        if name not in rows or (name, profession, year) in expected:
            continue  # an unknown administration is refused by the suite
        if profession not in professions(rows[name]):
            by_profession.setdefault((name, profession), []).append(int(r["line"]))
        else:
            by_year.setdefault(name, []).append((year, int(r["line"])))
    out = []
    for (name, profession), lines in by_profession.items():
        row = rows[name]
        rows_of = f"a {profession} row" if len(lines) == 1 else f"{profession} rows"
        out.append(f"{TURNOVER}, {_lines(lines)}: {name} has {rows_of}, but {ADMINISTRATIONS} "
                   f"(line {int(row['line'])}, column 'professions') lists only {', '.join(professions(row))} "
                   f"for it. If it reports {profession}, add that profession there; otherwise remove the rows.")
    for name, found in by_year.items():
        row = rows[name]
        out.append(f"{TURNOVER}, {_lines([line for _, line in found])}: {name} has rows for "
                   f"{_years(sorted({year for year, _ in found}))}, but {ADMINISTRATIONS} (line {int(row['line'])}, "
                   f"columns 'first_year', 'last_year') says it exists {_span(row)}. Correct the years there, or "
                   "remove the rows.")
    return out


# ----------------------------------------------------------------------------- consultants

def consultants_problems(consultants: pd.DataFrame) -> list[str]:
    """Every year from the first to the last needs both counts (April and November)."""
    if consultants.empty:
        return []
    years = range(int(consultants["year"].min()), int(consultants["year"].max()) + 1)
    present = {(int(r["year"]), r["month"]): int(r["line"]) for r in consultants.to_dict("records")}
    out = []
    for year in years:
        counted = [m for m in MONTHS if (year, m) in present]
        missing = [m for m in MONTHS if (year, m) not in present]
        if not missing:
            continue
        if counted:
            lines = _lines([present[(year, m)] for m in counted])
            out.append(f"{CONSULTANTS}: {year} has the {' and '.join(counted)} count ({lines}) but not the "
                       f"{' and '.join(missing)} count. A year is reported only with both counts: add the "
                       f"{year} {' and '.join(missing)} row, or remove the {year} row until the count has arrived.")
        else:
            out.append(f"{CONSULTANTS}: {year} has no count, though the file has counts for "
                       f"{years.start}–{years.stop - 1}, and a year may not be skipped: add its rows "
                       f"({', '.join(MONTHS)}), or check the year of the rows after it.")
    return out


# ----------------------------------------------------------------------------- district facts

def district_facts_problems(facts: pd.DataFrame, administrations: pd.DataFrame) -> list[str]:
    """Every district of the reference list has its facts row."""
    districts = administrations[administrations["type"] == "district"].sort_values("table_order")["name"].tolist()
    have = set(facts["administration"])
    missing = [d for d in districts if d not in have]
    if not missing:
        return []
    return [f"{DISTRICT_FACTS}: {len(missing)} of {len(districts)} districts in {ADMINISTRATIONS} "
            f"{'has' if len(missing) == 1 else 'have'} no facts row ({', '.join(missing)}). Each district's section "
            "opens with its facts: add a row for each."]
