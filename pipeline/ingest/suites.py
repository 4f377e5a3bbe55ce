"""Great Expectations suites built from ``schemas``: what ``expectations/*.json`` holds.

Each expectation carries ``meta.rule`` (the rule in words a project lead can act on)
and ``meta.why`` (why the rule exists). Numeric columns are checked twice: their text as
written (digits only, so '4,5' or 'tio' is caught and shown as written) and their value
(ranges, pairs). The frame a suite runs on is built by ``validation.frame_for_gx``.
"""
import json

from pipeline import paths
from pipeline.ingest.schemas import RAW_FILES, Column, ExactlyOne, RawFile

WRITTEN = "_as_written"  # suffix of the text companion of a numeric column

# kind → (regex of a number as written, the rule in words, why). ASCII digits only: Python's \d
# and int() also take '２０１９' or '٢٠١٩', which look like a year but match nothing later on.
# A decimal has at most 6 decimals: with each decimal column's maximum (at most 9 digits before
# the point, see tests/test_values.py) that is at most 15 significant digits, all of which
# float64 holds exactly.
FORMAT = {
    "int": (r"^-?[0-9]+$", "must be a whole number written with the digits 0-9 only (no spaces, decimals or text)",
            "numbers are read exactly as written; nothing is guessed"),
    "decimal": (r"^-?[0-9]+(\.[0-9]{1,6})?$",
                "must be a number with the digits 0-9, a decimal point and at most 6 decimals (write 24.5, not 24,5)",
                "numbers are read exactly as written; nothing is guessed, and no digit is lost in computing"),
}


def _param(value):
    """A suite parameter where the schema names one, else the literal value."""
    return {"$PARAMETER": value} if isinstance(value, str) else value


def _column_expectations(column: Column) -> list[dict]:
    out = []
    name = column.name
    if column.required:
        out.append(_exp("expect_column_values_to_not_be_null", {"column": name},
                        f"'{name}' must not be blank", "every row needs this value"))
    if column.kind in FORMAT:
        regex, rule, why = FORMAT[column.kind]
        out.append(_exp("expect_column_values_to_match_regex", {"column": name + WRITTEN, "regex": regex},
                        f"'{name}' {rule}", why))
    if column.pattern:
        out.append(_exp("expect_column_values_to_match_regex", {"column": name, "regex": column.pattern},
                        f"'{name}' must be {column.pattern_rule}", column.meaning))
    if column.allowed is not None:
        listed = column.allowed if isinstance(column.allowed, list) else None
        rule = (f"'{name}' must be one of: {', '.join(map(str, listed))}" if listed
                else f"'{name}' must be one of the valid values ({column.allowed})")
        out.append(_exp("expect_column_values_to_be_in_set", {"column": name, "value_set": _param(column.allowed)},
                        rule, "names and codes must match the reference lists exactly, or rows would be lost in joins"))
    if column.minimum is not None or column.maximum is not None:
        kwargs = {"column": name}
        if column.minimum is not None:
            kwargs["min_value"] = _param(column.minimum)
        if column.maximum is not None:
            kwargs["max_value"] = _param(column.maximum)
        low = f"at least {column.minimum}" if column.minimum is not None else ""
        high = f"at most {column.maximum}" if column.maximum is not None else ""
        bounds = " and ".join(b for b in (low, high) if b).replace("current_year", "the current year").replace(
            "series_start", "the first year of the series (report.yml: series_start)")
        out.append(_exp("expect_column_values_to_be_between", kwargs, f"'{name}' must be {bounds}",
                        f"{column.meaning} A value outside this range is a typing error."
                        + (f" {column.maximum_why}" if column.maximum_why else "")))
    if column.unique:
        out.append(_exp("expect_column_values_to_be_unique", {"column": name},
                        f"'{name}' must be unique", column.unique_why))
    return out


def _exactly_one(rule: ExactlyOne) -> list[dict]:
    """At most one such row (a repeat is named with both lines), and at least one (counted)."""
    condition = {"column": {"name": rule.column}, "operator": "==", "parameter": rule.value, "type": "comparison"}
    return [
        _exp("expect_column_values_to_be_unique", {"column": rule.column, "row_condition": condition},
             rule.rule, rule.why),
        _exp("expect_table_row_count_to_equal", {"value": 1, "row_condition": condition}, rule.rule, rule.why),
    ]


def _exp(kind: str, kwargs: dict, rule: str, why: str) -> dict:
    return {"type": kind, "kwargs": kwargs, "meta": {"rule": rule, "why": why}}


def suite_dict(spec: RawFile) -> dict:
    """The suite for one raw file, as the JSON committed under ``expectations/``."""
    expectations = [
        _exp("expect_table_row_count_to_be_between", {"min_value": 1},
             "the file must have at least one data row", "an empty table would silently empty the report"),
    ]
    for column in spec.columns:
        expectations += _column_expectations(column)
    if len(spec.key) == 1:
        expectations.append(_exp("expect_column_values_to_be_unique", {"column": spec.key[0]},
                                 f"'{spec.key[0]}' must be unique", "one row per key, or figures would be counted twice"))
    else:
        expectations.append(_exp("expect_compound_columns_to_be_unique", {"column_list": spec.key},
                                 f"only one row per {' × '.join(spec.key)}",
                                 "one row per key, or figures would be counted twice"))
    for rule in spec.exactly_one:
        expectations += _exactly_one(rule)
    for pair in spec.pairs:
        expectations.append(_exp(
            "expect_column_pair_values_a_to_be_greater_than_b",
            {"column_A": pair.larger, "column_B": pair.smaller, "or_equal": True,
             "ignore_row_if": "either_value_is_missing"},
            f"'{pair.smaller}' must not exceed '{pair.larger}'", pair.why))
    return {"name": spec.name, "meta": {"file": f"data/raw/{spec.filename}", "description": spec.description},
            "expectations": expectations}


def suite_json(spec: RawFile) -> str:
    return json.dumps(suite_dict(spec), ensure_ascii=False, indent=2) + "\n"


def write_all() -> list[str]:
    """Write every suite under ``expectations/``; return the paths written."""
    paths.EXPECTATIONS.mkdir(exist_ok=True)
    written = []
    for spec in RAW_FILES:
        target = paths.EXPECTATIONS / f"{spec.name}.json"
        target.write_text(suite_json(spec), encoding="utf-8")
        written.append(paths.relative(target))
    return written
