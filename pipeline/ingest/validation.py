"""Validate every raw file with its Great Expectations suite before anything is computed.

The suites are read from ``expectations/*.json`` (committed, reviewed like code) and run
in an ephemeral GX context: no GX project tree is needed. A failure becomes one line per
offending cell: file, line, column, value and the rule from the expectation's meta.
"""
import datetime as dt
import hashlib
import json
import logging
import os
import re
from decimal import Decimal
from pathlib import Path

import pandas as pd

from pipeline.ingest import completeness, inputs, rawio
from pipeline import paths
from pipeline.ingest import survey_raw as survey
from pipeline.config import ReportParams
from pipeline.errors import InputError, shorten, show, suggestion
from pipeline.ingest.schemas import BY_NAME, MEASURES, RAW_FILES, RANKING_ROWS_EXTRA, RawFile
from pipeline.ingest.suites import FORMAT, WRITTEN

MAX_MESSAGES = 25

# Where the valid values of a suite parameter come from, said when a value is not among them.
VALID_FROM = {
    "administration_names": "the administrations in data/raw/administrations.csv (a new administration must "
                            "first be added there)",
    "district_names": "the districts (type 'district') in data/raw/administrations.csv (a new district must first "
                      "be added there)",
    "survey_administration_names": "the districts and central administrations in data/raw/administrations.csv (a new "
                                   "administration must first be added there)",
    "ranking_points": "the points in data/raw/action_plan_points.csv, or övrigt, ej_svar, total",
    "measures": "the measures pipeline/process/audit.py recomputes",
}
LISTED_AT_MOST = 20  # a longer list of valid values is named by its source, not printed


def frame_for_gx(spec: RawFile, text: pd.DataFrame) -> pd.DataFrame:
    """Exact values for the value rules, and each number's text as written for the format rules.

    A number written as the format rule asks (ASCII digits, see ``suites.FORMAT``) becomes a
    Python int or a ``Decimal``: exact at any size, so that a 20-digit count fails its
    maximum with a message instead of overflowing, and a 17-digit one is compared as
    written, not as float64 would round it. Anything else is None here; the format rule
    names it.
    """
    frame = pd.DataFrame({rawio.LINE: text[rawio.LINE].astype("int64")})
    companions = {}
    for column in spec.columns:
        values = text[column.name]
        if column.kind in ("int", "decimal"):
            written = re.compile(FORMAT[column.kind][0])  # the same pattern the suite checks
            # built as a list: Series.map would turn ints beside a None into float64
            frame[column.name] = pd.Series([_number(column.kind, v) if written.fullmatch(v) else None
                                            for v in values], index=text.index, dtype=object)
            companions[column.name + WRITTEN] = values.map(lambda v: v if v != "" else None).astype(object)
        else:
            frame[column.name] = values.map(lambda v: v if v != "" else None).astype(object)
    for name, values in companions.items():
        frame[name] = values
    return frame


def _number(kind: str, written: str) -> int | Decimal:
    """The exact value of a number written with ASCII digits.

    A whole number longer than 18 digits stays a Decimal: it is beyond every maximum anyway,
    and Python's int() refuses text of more than 4 300 digits.
    """
    if kind == "int" and len(written) <= 18:
        return int(written)
    return Decimal(written)


INT64 = (-(2**63), 2**63 - 1)


def typed(spec: RawFile, frame: pd.DataFrame) -> pd.DataFrame:
    """The validated table with pandas dtypes: Int64, float64 or string.

    Runs on values that passed their rules, so every number is within its column's
    maximum (each count and number column has one) and a decimal has at most as many
    digits as float64 holds exactly (``suites.FORMAT``): nothing is rounded here. A whole
    number that Int64 cannot hold, in a column without a maximum, is refused, not wrapped.
    """
    out = pd.DataFrame(index=frame.index)
    for column in spec.columns:
        values = frame[column.name]
        if column.kind == "int":
            for line, value in zip(frame[rawio.LINE], values):
                if value is not None and not INT64[0] <= value <= INT64[1]:
                    raise InputError(f"data/raw/{spec.filename}, line {line}, column '{column.name}': value "
                                     f"{shorten(str(value))} is too large to count with; give the column a "
                                     "maximum in pipeline/ingest/schemas.py.")
            out[column.name] = pd.Series([None if v is None else int(v) for v in values],
                                         index=frame.index, dtype="Int64")
        elif column.kind == "decimal":
            out[column.name] = pd.Series([float("nan") if v is None else float(v) for v in values],
                                         index=frame.index, dtype="float64")
            # kept so that a figure can be compared at the precision it was printed with
            out[column.name + WRITTEN] = frame[column.name + WRITTEN].astype("string")
        else:
            out[column.name] = values.astype("string")
    out[rawio.LINE] = frame[rawio.LINE]
    return out.reset_index(drop=True)


def suite_parameters(params: ReportParams, reference: dict[str, pd.DataFrame], today: dt.date | None = None) -> dict:
    """Values the suites take from the reference files and the parameter file."""
    today = today or dt.date.today()
    admins = reference["administrations"]
    return {
        "administration_names": sorted(admins["name"].tolist()),
        "district_names": sorted(admins.loc[admins["type"] == "district", "name"].tolist()),
        "ranking_points": [str(p) for p in reference["action_plan_points"]["point"].tolist()] + RANKING_ROWS_EXTRA,
        "measures": sorted(MEASURES),
        "series_start": params.series_start,
        "current_year": today.year,
        # The survey: respondents work in a district or a central administration, never in
        # 'Stadsdelar total'; occasions run from report.yml's survey_start to this year.
        "survey_administration_names": sorted(admins.loc[admins["type"].isin(["district", "central"]), "name"].tolist()),
        "survey_occasions": survey.occasions_between(params.survey_start, today.year),
        "survey_start": params.survey_start,
    }


class Earlier:
    """Where ``validate_all`` keeps the results of files that passed, to reuse them for the same bytes.

    ``get(key)`` returns the bytes kept under ``key`` or None, ``put(key, data)`` keeps them;
    ``pipeline.build.report`` passes one over the build cache (``pipeline/build/cache.py``),
    with the code's digest folded into every key. The key itself is ``file_key``.
    """

    def get(self, key: str) -> bytes | None:  # pragma: no cover - an interface
        raise NotImplementedError

    def put(self, key: str, data: bytes) -> None:  # pragma: no cover - an interface
        raise NotImplementedError


def file_key(spec: RawFile, where: str, data: bytes, suite: bytes | None, parameters: dict) -> str:
    """What decides one file's validation: its name and shown path, the bytes validated, its suite and
    the suite parameters it gets (the reference lists' names, report.yml's years and the current year).
    The code and package lock are added by the store (``Earlier``)."""
    sha = hashlib.sha256()
    for part in [spec.name.encode(), where.encode(), data, suite or b"<no suite>",
                 json.dumps(parameters, sort_keys=True, default=str).encode()]:
        sha.update(len(part).to_bytes(8, "big"))
        sha.update(part)
    return sha.hexdigest()


def _pack(entry: dict, key: list[str], result: str) -> bytes:
    """A passed file's summary entry, its GX result key and result (the data docs' page), checksummed."""
    body = json.dumps({"entry": entry, "key": key, "result": result}, ensure_ascii=False,
                      sort_keys=True).encode("utf-8")
    return hashlib.sha256(body).hexdigest().encode() + b"\n" + body


def _unpack(data: bytes | None) -> dict | None:
    """``_pack``'s content, or None when it is missing or damaged (then the file is validated again)."""
    if not data:
        return None
    checksum, _, body = data.partition(b"\n")
    if hashlib.sha256(body).hexdigest().encode() != checksum:
        return None
    try:
        kept = json.loads(body.decode("utf-8"))
    except ValueError:
        return None
    if (not isinstance(kept, dict) or not isinstance(kept.get("entry"), dict) or kept["entry"].get("success") is not True
            or not isinstance(kept.get("key"), list) or not isinstance(kept.get("result"), str)):
        return None
    return kept


def import_gx():
    """Great Expectations, imported without analytics and quiet (about 3.4 s the first time in a process)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    import great_expectations as gx

    return gx


class _Runner:
    """One ephemeral GX context, with data docs written under ``docs_dir`` when given."""

    def __init__(self, docs_dir: Path | None, snapshot: inputs.Snapshot | None = None):
        self.snapshot = snapshot
        gx = import_gx()
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self.gx = gx
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        self.source = self.context.data_sources.add_pandas("raw")
        self.docs_dir = docs_dir
        self.stored: tuple[list[str], str] | None = None  # the last result's key and serialised result
        if docs_dir is not None:
            self.context.add_data_docs_site(
                site_name="validation",
                site_config={
                    "class_name": "SiteBuilder",
                    "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                    "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                                      "base_directory": str(docs_dir)},
                },
            )

    def run(self, spec: RawFile, frame: pd.DataFrame, parameters: dict):
        gx = self.gx
        data = json.loads(_required_suite(spec, self.snapshot).decode("utf-8"))
        suite = self.context.suites.add(gx.ExpectationSuite(**data))
        asset = self.source.add_dataframe_asset(spec.name)
        batch = asset.add_batch_definition_whole_dataframe(spec.name)
        definition = self.context.validation_definitions.add(
            gx.ValidationDefinition(name=spec.name, data=batch, suite=suite))
        store = self.context.validation_results_store
        before = set(store.list_keys())
        result = definition.run(
            batch_parameters={"dataframe": frame},
            expectation_parameters=parameters,
            result_format={"result_format": "COMPLETE", "unexpected_index_column_names": [rawio.LINE]},
        )
        new = [key for key in store.list_keys() if key not in before]
        # the result as stored for the data docs, under its key: kept so that a later build can show it again
        self.stored = (list(store.key_to_tuple(new[0])), store.serialize(store.get(new[0]))) if len(new) == 1 else None
        return result

    def add_earlier(self, spec: RawFile, key: list[str], result: str) -> None:
        """An earlier result of a file whose bytes, suite and parameters are unchanged: in the data docs again."""
        store = self.context.validation_results_store
        self.context.suites.add(self.gx.ExpectationSuite(**json.loads(self._suite_text(spec).decode("utf-8"))))
        store.set(store.tuple_to_key(tuple(key)), store.deserialize(result))

    def _suite_text(self, spec: RawFile) -> bytes:
        return _required_suite(spec, self.snapshot)

    def build_docs(self):
        if self.docs_dir is not None:
            self.context.build_data_docs()


def suite_text(spec: RawFile, snapshot: inputs.Snapshot | None) -> bytes | None:
    """The suite's bytes as the build read them (or as they are now, without a snapshot); None when missing."""
    if snapshot is not None:
        return snapshot.files.get(f"expectations/{spec.name}.json")
    suite_path = paths.EXPECTATIONS / f"{spec.name}.json"
    return suite_path.read_bytes() if suite_path.exists() else None


def _required_suite(spec: RawFile, snapshot: inputs.Snapshot | None) -> bytes:
    text = suite_text(spec, snapshot)
    if text is None:
        raise InputError(f"{paths.relative(paths.EXPECTATIONS / f'{spec.name}.json')} is missing: every raw file "
                         "needs its suite; run 'make suites' to write it from pipeline/ingest/schemas.py.")
    return text


def _messages(spec: RawFile, path: Path, result, text: pd.DataFrame, parameters: dict) -> list[str]:
    where = paths.relative(path)
    raw_by_line = text.set_index(rawio.LINE)
    messages = []
    for item in result.results:
        if item.success:
            continue
        config = item.expectation_config
        rule = config.meta.get("rule", config.type)
        if item.exception_info and item.exception_info.get("raised_exception"):
            reason = shorten(str(item.exception_info.get("exception_message")), 200)
            messages.append(f"{where}: the check '{rule}' could not run: {reason}")
            continue
        column = config.kwargs.get("column") or config.kwargs.get("column_A")
        shown = column.removesuffix(WRITTEN) if column else None
        failures = item.result.get("unexpected_index_list") or []
        if not failures:
            observed = item.result.get("observed_value")
            if config.type == "expect_table_row_count_to_be_between" and observed == 0:
                messages.append(f"{where}: the file has a header line but no data rows — {rule}.")
            else:
                messages.append(f"{where}: {rule} (found {observed}).")
            continue
        key_columns = config.kwargs.get("column_list") or (
            [column] if config.type == "expect_column_values_to_be_unique" else None)
        first_line = _first_lines(spec, text, key_columns) if key_columns else {}
        said, skipped = len(messages), 0
        for failure in failures:
            line = int(failure[rawio.LINE])
            row = raw_by_line.loc[line]
            if key_columns:
                key = tuple(_comparable(spec, c, row[c]) for c in key_columns)
                if first_line.get(key, line) == line:
                    skipped += 1
                    continue  # the first row with this key is named in the message of each repeat
                value = show(" / ".join(shorten(row[c]) for c in key_columns), width=len(key) * 50)
                named = f"columns {', '.join(key_columns)}" if len(key_columns) > 1 else f"column '{key_columns[0]}'"
                messages.append(f"{where}, line {line}, {named}: value {value} repeats an earlier row "
                                f"(line {first_line[key]}) — {rule}.")
                continue
            if config.type.startswith("expect_column_pair"):
                larger, smaller = config.kwargs["column_A"], config.kwargs["column_B"]
                messages.append(f"{where}, line {line}, column '{smaller}': value {shorten(row[smaller])} is "
                                f"greater than {larger} {shorten(row[larger])} — {rule}.")
                continue
            value = row[shown]
            if (config.type == "expect_column_values_to_not_be_null" and value != ""
                    and spec.column(shown).kind in ("int", "decimal")):
                skipped += 1
                continue  # written, but not as a number: the format rule says so
            hint = ""
            if config.type == "expect_column_values_to_be_in_set":
                valid = config.kwargs["value_set"]
                if isinstance(valid, dict):
                    valid = parameters.get(valid.get("$PARAMETER"), [])
                # a close match is a likely typo; for a number ('3' for '31') it would mislead
                hint = "" if value.isascii() and value.isdigit() else suggestion(value, [str(v) for v in valid])
                parameter = spec.column(shown).allowed
                if isinstance(parameter, str) and not hint:  # no close match: say which values are valid
                    source = VALID_FROM.get(parameter, parameter)
                    listed = ": " + ", ".join(map(str, valid)) if len(valid) <= LISTED_AT_MOST else ""
                    hint = f"; valid are {source}{listed}"
                if spec.column(shown).allowed == "survey_occasions":  # the range says more than every term
                    hint = (f": VT or HT followed by a year from {parameters['survey_start']} (report.yml: "
                            f"survey_start) to {parameters['current_year']} (the current year)")
            if config.type == "expect_column_values_to_be_between":
                hint = _bounds(spec.column(shown), parameters)
            shown_value = "blank" if value == "" else show(value)
            messages.append(f"{where}, line {line}, column '{shown}': value {shown_value} — {rule}{hint}.")
        if len(messages) == said and (key_columns or skipped < len(failures)):
            # a failed rule never passes silently: a number written otherwise is left to the format rule,
            # but a repeat whose earlier row was not found must still be named
            lines = ", ".join(str(int(f[rawio.LINE])) for f in failures[:10])
            said_lines = "line" if len(failures) == 1 else "lines"
            messages.append(f"{where}, {said_lines} {lines}{' …' if len(failures) > 10 else ''}: {rule}.")
    return messages


def _comparable(spec: RawFile, name: str, value: str) -> str:
    """A key cell as the suite compares it: '011' and '11' are the same number."""
    kind = spec.column(name).kind if name in spec.column_names else "text"
    if kind == "int" and re.fullmatch(r"-?[0-9]+", value):
        return str(int(value))
    if kind == "decimal" and re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", value):
        return format(Decimal(value).normalize(), "f")
    return value


def _first_lines(spec: RawFile, text: pd.DataFrame, key_columns: list[str]) -> dict[tuple, int]:
    """The line each key (compared as the suite compares it) first appears on."""
    first: dict[tuple, int] = {}
    for _, row in text.iterrows():
        key = tuple(_comparable(spec, c, row[c]) for c in key_columns)
        first.setdefault(key, int(row[rawio.LINE]))
    return first


def _bounds(column, parameters: dict) -> str:
    """The values of the bounds a rule takes from the parameters, e.g. ' (series_start is …)'."""
    said = [f"{'the current year' if name == 'current_year' else name} is {parameters[name]}"
            for name in (column.minimum, column.maximum) if isinstance(name, str) and name in parameters]
    return f" ({', '.join(said)})" if said else ""


def raw_path(spec: RawFile, raw_dir: Path = paths.RAW) -> Path:
    """Where a raw file is read from: ``raw_dir``, except the survey when ``$SURVEY_EXPORT`` names an export."""
    if spec.name == survey.RAW_NAME:
        return survey.export_path(raw_dir)
    return raw_dir / spec.filename


def _raw_bytes(spec: RawFile, raw_dir: Path, snapshot: inputs.Snapshot | None,
               params: ReportParams | None = None) -> bytes | None:
    """The raw file's bytes as the build read them (``inputs.read``); None: read the file here.

    A survey export named with SURVEY= (or in report.local.yml) is first turned into the
    schema's CSV when it is a workbook or report.yml maps its columns or answers.
    """
    if snapshot is None:
        return None
    data = snapshot.raw(spec.filename)
    if data is None:
        raise InputError(f"{paths.relative(raw_path(spec, raw_dir))}: file is missing; expected a CSV with the "
                         f"columns {', '.join(spec.column_names)}.")
    if spec.name == survey.RAW_NAME and snapshot.export is not None and params is not None:
        from pipeline.ingest import survey_export

        mapping = params.survey_export or {}
        if survey_export.needs_mapping(snapshot.export.name, data, mapping):
            data = survey_export.to_schema_csv(data, snapshot.export.name, mapping, spec.column_names,
                                               list(survey.STATEMENTS))
    return data


class NotKept(Exception):
    """``validate_all(gx=False)``: a file has no kept result, so only GX can say whether it passes."""


class _Checks:
    """Each file through GX, or its earlier result when nothing that decides it changed (``Earlier``).

    GX is imported (about 3 s) only for the first file that must be run, or to write the data
    docs from earlier results; ``checked`` names the files run through GX. Without ``gx``, a
    file that would need it raises ``NotKept`` instead.
    """

    def __init__(self, docs_dir: Path | None, snapshot: inputs.Snapshot | None, earlier: Earlier | None,
                 gx: bool = True):
        self.docs_dir, self.snapshot, self.earlier, self.gx = docs_dir, snapshot, earlier, gx
        self.runner: _Runner | None = None
        self.reused: list[tuple[RawFile, dict]] = []
        self.checked: list[str] = []

    def _runner(self) -> _Runner:
        if self.runner is None:
            if not self.gx:
                raise NotKept()
            self.runner = _Runner(self.docs_dir, self.snapshot)
        return self.runner

    def one(self, spec: RawFile, path: Path, text: pd.DataFrame, data: bytes | None, parameters: dict,
            report: dict) -> pd.DataFrame | list[str]:
        frame = frame_for_gx(spec, text)
        key = None
        if self.earlier is not None and data is not None:
            key = file_key(spec, paths.relative(path), data, suite_text(spec, self.snapshot), parameters)
            kept = _unpack(self.earlier.get(key))
            if kept is not None:
                report[spec.name] = kept["entry"]
                self.reused.append((spec, kept))
                return typed(spec, frame)
        runner = self._runner()
        result = runner.run(spec, frame, parameters)
        self.checked.append(spec.filename)
        report[spec.name] = {
            "file": paths.relative(path),
            "rows": len(frame),
            "expectations": len(result.results),
            "failed": sum(1 for r in result.results if not r.success),
            "success": bool(result.success),
            "dialect": text.attrs.get("dialect"),
        }
        if not result.success:
            return _messages(spec, path, result, text, parameters)
        if key is not None and runner.stored is not None:
            self.earlier.put(key, _pack(report[spec.name], *runner.stored))
        return typed(spec, frame)

    def build_docs(self) -> None:
        """The data docs of every file: those run now, and the earlier results of the others."""
        if self.docs_dir is None:
            return
        runner = self._runner()
        for spec, kept in self.reused:
            runner.add_earlier(spec, kept["key"], kept["result"])
        runner.build_docs()


def validate_all(params: ReportParams, raw_dir: Path = paths.RAW, docs_dir: Path | None = None,
                 specs: list[RawFile] = RAW_FILES, today: dt.date | None = None,
                 snapshot: inputs.Snapshot | None = None, earlier: Earlier | None = None,
                 checked: list[str] | None = None, gx: bool = True) -> tuple[dict, dict]:
    """Validate every raw file; return ({name: typed table}, summary) or raise ``InputError``.

    ``snapshot`` holds the bytes the build read once and hashed for its manifest; those very
    bytes are validated, so a file saved during the build cannot slip in unchecked. Without
    one (tests, ``make validate``) the files are read here.

    Every file is first read as a table (encoding, separators, columns), which needs no
    GX and so refuses a malformed file in about a second. The reference lists are
    validated next, since their values are the valid values of the other files. All
    files are checked before the build stops, so one run shows every problem.

    With ``earlier`` (and a snapshot), a file whose bytes, suite and suite parameters passed
    before is not run through GX again: its summary entry and GX result (for the data docs)
    are reused. ``checked``, when given, receives the names of the files run through GX.
    Without ``gx`` (and without ``docs_dir``) every file must have such a result: the first that
    has none raises ``NotKept``, before GX is imported.
    """
    reference_names = ["administrations", "action_plan_points"]
    specs = [BY_NAME[name] for name in reference_names] + [s for s in specs if s.name not in reference_names]
    texts: dict = {}
    data: dict = {}
    messages: list[str] = []
    for spec in specs:
        try:
            data[spec.name] = _raw_bytes(spec, raw_dir, snapshot, params)
            texts[spec.name] = rawio.read_text_table(spec, raw_path(spec, raw_dir), data[spec.name])
        except InputError as exc:
            messages.append(str(exc))
    if messages:
        raise InputError(_joined(messages))
    checks = _Checks(docs_dir, snapshot, earlier, gx)
    summary: dict = {}
    tables: dict = {}
    base = {"series_start": params.series_start, "current_year": (today or dt.date.today()).year}
    for spec in specs[:len(reference_names)]:
        outcome = checks.one(spec, raw_path(spec, raw_dir), texts[spec.name], data[spec.name], base, summary)
        if isinstance(outcome, list):
            messages += outcome
        else:
            tables[spec.name] = outcome
    if messages:
        raise InputError(_joined(messages))
    parameters = suite_parameters(params, tables, today)
    for spec in specs[len(reference_names):]:
        try:
            outcome = checks.one(spec, raw_path(spec, raw_dir), texts[spec.name], data[spec.name], parameters,
                                 summary)
        except InputError as exc:
            messages.append(str(exc))
            continue
        if isinstance(outcome, list):
            messages += outcome
        else:
            tables[spec.name] = outcome
    if checked is not None:
        checked[:] = checks.checked
    try:
        _without_identifiers(tables, raw_dir, snapshot)
    except InputError as exc:
        messages.append(str(exc))
    messages += completeness.problems(tables)  # complete years only; tables that failed their suite are skipped
    if messages:
        raise InputError(_joined(messages))  # no data docs: a failed build publishes nothing
    if snapshot is not None and snapshot.export is not None and survey.RAW_NAME in summary:
        # the export's name, not where it lies on this machine (the summary is published)
        summary[survey.RAW_NAME]["file"] = inputs.raw_name(BY_NAME[survey.RAW_NAME].filename, snapshot.export)
    checks.build_docs()
    return tables, summary


def _without_identifiers(tables: dict, raw_dir: Path, snapshot: inputs.Snapshot | None = None) -> None:
    """Identifiers end here: nothing after validation sees a respondent id or a comment."""
    if survey.RAW_NAME in tables:
        tables[survey.RAW_NAME] = survey.without_identifiers(tables[survey.RAW_NAME])
        synthetic(raw_dir, snapshot)  # a malformed meta file is refused with the other problems


def synthetic(raw_dir: Path = paths.RAW, snapshot: inputs.Snapshot | None = None) -> bool:
    """Whether the survey answers the build read are synthetic (the meta file beside them says so)."""
    path = raw_path(BY_NAME[survey.RAW_NAME], raw_dir)
    if snapshot is None:
        return survey.synthetic_input(path)
    return survey.synthetic_input(path, snapshot.raw(survey.RAW_NAME + survey.META_SUFFIX), read=False)


def read_validated(snapshot: inputs.Snapshot, params: ReportParams, raw_dir: Path = paths.RAW,
                   specs: list[RawFile] = RAW_FILES) -> dict:
    """The typed tables of raw files that passed validation unchanged (see ``pipeline.build.report.validation_key``): no GX needed."""
    tables = {spec.name: typed(spec, frame_for_gx(spec, rawio.read_text_table(
        spec, raw_path(spec, raw_dir), _raw_bytes(spec, raw_dir, snapshot, params)))) for spec in specs}
    _without_identifiers(tables, raw_dir, snapshot)
    return tables


def _joined(messages: list[str]) -> str:
    shown = messages[:MAX_MESSAGES]
    more = len(messages) - len(shown)
    text = "Raw data failed validation; nothing was built and output/ is unchanged.\n" + "\n".join(f"  {m}" for m in shown)
    if more:
        text += f"\n  … and {more} more."
    return text
