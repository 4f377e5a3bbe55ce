"""The report's parameter file (``report.yml``), validated on load.

The file is a handful of ``key: value`` lines that a project lead edits by hand, so every
problem ends in one message naming the line, the key and what to write instead, never a
traceback. YAML anchors and aliases (``&name``, ``*name``) are refused before anything is
built from the file: nested aliases (a "billion laughs") expand to more than memory holds
as soon as a value is printed, and nothing in this file needs them. Values quoted in
messages are shortened, and absurdly long values are refused, so a message stays a line.
"""
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from pipeline import paths
from pipeline.errors import InputError, suggestion


@dataclass(frozen=True)
class ReportParams:
    title: str
    publisher: str
    diarienummer: str
    edition_date: dt.date  # the edition's date: title page, PDFs, workbook and dist zip
    edition_label: str  # the edition's name on the title page, e.g. "mars 2025"
    action_plan_start: int
    series_start: int
    reference_year: int
    survey_min_respondents: int
    survey_start: int
    source_report: str
    source_appendix: str
    survey_export: dict  # how the survey tool's export maps onto the schema (see pipeline/ingest/survey_export.py)


_KINDS = {
    "title": str,
    "publisher": str,
    "diarienummer": str,
    "edition_date": dt.date,
    "edition_label": str,
    "action_plan_start": int,
    "series_start": int,
    "reference_year": int,
    "survey_min_respondents": int,
    "survey_start": int,
    "source_report": str,
    "source_appendix": str,
    "survey_export": dict,
}
# Keys that may be left out, and their value then.
_OPTIONAL = {"survey_export": {}}
# The groups a survey_export mapping may hold: the export's column names, answer texts and
# occasion names, each mapped to the schema's (pipeline/ingest/survey_export.py).
SURVEY_EXPORT_GROUPS = ("columns", "answers", "occasions")
MAX_MAPPED = 200  # entries in one group: an export has a few dozen columns and answer texts

_YEARS = (1900, 2100)
# A zip file (the workbook, the edition's bundle) cannot hold a date before 1980.
_DATES = (dt.date(1980, 1, 1), dt.date(2099, 12, 31))
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# The plausible range of each whole number: a year outside it is a typing error.
_RANGES = {
    "action_plan_start": _YEARS,
    "series_start": _YEARS,
    "reference_year": _YEARS,
    "survey_min_respondents": (1, 1000),
    "survey_start": _YEARS,
}
MAX_TEXT = 300          # characters in one value: a title or a citation is a line, not a page
MAX_FILE = 100_000      # characters in the file: it holds ten short settings and their comments
MAX_DEPTH = 10          # levels of nesting: the file is flat, a list of lists is already wrong
SHOWN = 40              # characters of a value quoted in a message


def load(path: Path = paths.REPORT_PARAMS, text: str | None = None) -> ReportParams:
    """Read and check the parameter file; every problem names the line, the key and what to fix.

    ``text``, when given, is the file's content already read; the file is then not opened.
    """
    where = paths.relative(path)
    if text is None:
        text = _read(path, where)
    if len(text) > MAX_FILE:
        raise InputError(f"{where}: the file has {len(text):,} characters; a parameter file holds a few short "
                         f"'key: value' lines (at most {MAX_FILE:,} characters). Check that it is the right file.")
    root = _document(text, where)
    values = _values(root, where)
    params = ReportParams(**values)
    if not params.series_start <= params.action_plan_start <= params.reference_year:
        raise InputError(
            f"{where}: expected series_start ≤ action_plan_start ≤ reference_year, got "
            f"{params.series_start}, {params.action_plan_start}, {params.reference_year}."
        )
    return params


def shown(value) -> str:
    """A value as messages quote it: its ``repr``, cut to about 40 characters with '…'."""
    if isinstance(value, str):
        text = repr(value[:SHOWN + 1])
    else:
        try:
            text = repr(value)
        except ValueError:  # an integer too long to print
            text = f"a number of more than {SHOWN} digits"
    return text if len(text) <= SHOWN else text[:SHOWN] + "…"


def _read(path: Path, where: str) -> str:
    try:
        return decode(Path(path).read_bytes(), where)
    except FileNotFoundError:
        raise InputError(f"{where}: the report's parameter file is missing.") from None
    except IsADirectoryError:
        raise InputError(f"{where}: is a directory; the report's parameters are a file of "
                         f"'key: value' lines.") from None
    except OSError as exc:
        raise InputError(f"{where}: cannot be read ({exc.strerror}).") from None


def decode(data: bytes | None, where: str = "report.yml") -> str:
    """The parameter file's bytes as text (UTF-8, a byte-order mark allowed); None: the file is missing."""
    if data is None:
        raise InputError(f"{where}: the report's parameter file is missing.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(f"{where}, line {line}: not UTF-8 text; save the file as UTF-8.") from None


def _document(text: str, where: str) -> yaml.Node | None:
    """The file's YAML as nodes, refused before anything is expanded or built.

    Tokens are read first: an anchor or alias is refused at its line, and so is nesting
    deeper than any parameter needs (building nested nodes recurses once per level).
    """
    depth = 0
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            line = token.start_mark.line + 1
            if isinstance(token, (yaml.AnchorToken, yaml.AliasToken)):
                raise InputError(f"{where}, line {line}: YAML anchors and aliases (&name, *name) are not allowed; "
                                 f"write the value out.")
            if isinstance(token, _OPENING):
                depth += 1
                if depth > MAX_DEPTH:
                    raise InputError(f"{where}, line {line}: values nested more than {MAX_DEPTH} levels deep; "
                                     f"the file holds plain 'key: value' lines.")
            elif isinstance(token, _CLOSING):
                depth -= 1
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise InputError(_yaml_message(exc, text, where)) from None


_OPENING = (yaml.BlockMappingStartToken, yaml.BlockSequenceStartToken, yaml.FlowMappingStartToken,
            yaml.FlowSequenceStartToken)
_CLOSING = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)


def _yaml_message(exc: yaml.YAMLError, text: str, where: str) -> str:
    """One line for a YAML syntax error: where it is and what PyYAML found, shortened."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is not None:
        line = mark.line + 1
        problem = exc.problem or exc.context or "not valid YAML"
    elif isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) + 1
        character = exc.character
        problem = f"the character U+{character:04X} is not allowed" if isinstance(character, int) else exc.reason
    else:
        line, problem = "?", str(exc)
    if len(problem) > 120:
        problem = problem[:120] + "…"
    return (f"{where}, line {line}: not readable as YAML ({problem}); write each setting on its own line as "
            f"key: \"text\" or key: number.")


def _values(root: yaml.Node | None, where: str) -> dict:
    """Each known key's value, checked for kind, length and range."""
    if not isinstance(root, yaml.MappingNode):
        found = "nothing" if root is None else _node_kind(root)
        raise InputError(f"{where}: expected 'key: value' lines, found {found}.")
    values, lines = {}, {}
    for key_node, value_node in root.value:
        line = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode):
            raise InputError(f"{where}, line {line}: a key must be a plain name such as 'title', "
                             f"not {_node_kind(key_node)}.")
        key = key_node.value
        if key not in _KINDS:
            hint = suggestion(key, list(_KINDS)) if len(key) <= 100 else ""
            # a close key is the fix; the whole list is for a key that resembles none
            listed = hint or f"; valid keys: {', '.join(k for k in _KINDS if k not in _OPTIONAL)}"
            raise InputError(f"{where}, line {line}: unknown key {shown(key)}{listed}.")
        if key in lines:
            raise InputError(f"{where}, line {line}: '{key}' is set twice (also on line {lines[key]}); keep one.")
        lines[key] = line
        values[key] = _value(key, value_node, where, line)
    for key in _KINDS:
        if key not in values and key in _OPTIONAL:
            values[key] = _OPTIONAL[key]
        elif key not in values:
            raise InputError(f"{where}: required key '{key}' is missing; add a line '{key}: …'.")
    return values


def _value(key: str, node: yaml.Node, where: str, line: int):
    """One value, built from its node only when it is a short scalar of the right kind."""
    kind = _KINDS[key]
    if kind is dt.date:
        return _date(key, node, where, line)
    if kind is dict:
        return _mapping(key, node, where, line)
    wanted = ("non-empty text (in double quotes)" if kind is str else
              "a whole number between {} and {}".format(*_RANGES[key]))
    if not isinstance(node, yaml.ScalarNode):
        raise InputError(f"{where}, line {line}: '{key}' is {_node_kind(node)}; it must be {wanted}.")
    if len(node.value) > MAX_TEXT:
        fix = f"shorten it to at most {MAX_TEXT} characters" if kind is str else f"it must be {wanted}"
        raise InputError(f"{where}, line {line}: '{key}' is {len(node.value):,} characters long "
                         f"({shown(node.value)}); {fix}.")
    written = "empty" if node.value == "" else shown(node.value)
    try:
        value = yaml.SafeLoader("").construct_object(node)
    except (yaml.YAMLError, ValueError, OverflowError) as exc:
        reason = str(getattr(exc, "problem", None) or exc)
        reason = reason if len(reason) <= 80 else reason[:80] + "…"
        raise InputError(f"{where}, line {line}: '{key}' is {written}, which YAML cannot read ({reason}); "
                         f"it must be {wanted}.") from None
    if kind is str and not (isinstance(value, str) and value.strip()):
        raise InputError(f"{where}, line {line}: '{key}' is {written}; it must be {wanted}.")
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            quotes = ", written without quotes" if isinstance(value, str) and value.strip().isdigit() else ""
            raise InputError(f"{where}, line {line}: '{key}' is {written}; it must be {wanted}{quotes}.")
        low, high = _RANGES[key]
        if not low <= value <= high:
            raise InputError(f"{where}, line {line}: '{key}' is {shown(value)}; it must be {wanted}.")
    return value


def _mapping(key: str, node: yaml.Node, where: str, line: int) -> dict:
    """A group of mappings such as ``survey_export: {columns: {…}, answers: {…}}``: text to text only."""
    if not isinstance(node, yaml.MappingNode):
        raise InputError(f"{where}, line {line}: '{key}' is {_node_kind(node)}; it must be indented lines "
                         f"'{SURVEY_EXPORT_GROUPS[0]}:', '{SURVEY_EXPORT_GROUPS[1]}:' or '{SURVEY_EXPORT_GROUPS[2]}:', "
                         "each followed by indented lines '\"as in the export\": \"as in the report\"'.")
    out: dict = {}
    for group_node, pairs_node in node.value:
        group_line = group_node.start_mark.line + 1
        group = group_node.value if isinstance(group_node, yaml.ScalarNode) else None
        if group not in SURVEY_EXPORT_GROUPS:
            raise InputError(f"{where}, line {group_line}: '{key}' holds {shown(group)}; it may hold only "
                             f"{', '.join(SURVEY_EXPORT_GROUPS)}.")
        if group in out:
            raise InputError(f"{where}, line {group_line}: '{key}: {group}' is set twice; keep one.")
        if not isinstance(pairs_node, yaml.MappingNode) or len(pairs_node.value) > MAX_MAPPED:
            raise InputError(f"{where}, line {group_line}: '{key}: {group}' must be at most {MAX_MAPPED} indented "
                             "lines '\"as in the export\": \"as in the report\"'.")
        pairs: dict[str, str] = {}
        for source, target in pairs_node.value:
            pair_line = source.start_mark.line + 1
            if not (isinstance(source, yaml.ScalarNode) and isinstance(target, yaml.ScalarNode)) or not (
                    source.value.strip() and target.value.strip()):
                raise InputError(f"{where}, line {pair_line}: each line under '{key}: {group}' maps one text to "
                                 "another: \"as in the export\": \"as in the report\".")
            if max(len(source.value), len(target.value)) > MAX_TEXT:
                raise InputError(f"{where}, line {pair_line}: a text under '{key}: {group}' is longer than "
                                 f"{MAX_TEXT} characters ({shown(source.value)}).")
            if source.value in pairs:
                raise InputError(f"{where}, line {pair_line}: {shown(source.value)} is mapped twice under "
                                 f"'{key}: {group}'; keep one.")
            pairs[source.value] = target.value
        out[group] = pairs
    return out


def _date(key: str, node: yaml.Node, where: str, line: int) -> dt.date:
    """A date written YYYY-MM-DD, read from the text as written.

    YAML turns an unquoted 2025-03-15 into a date and a quoted one into text; reading the
    written text treats both alike, and refuses a time of day or any other spelling.
    """
    wanted = "a date written YYYY-MM-DD, such as 2025-03-15"
    if not isinstance(node, yaml.ScalarNode):
        raise InputError(f"{where}, line {line}: '{key}' is {_node_kind(node)}; it must be {wanted}.")
    written = "empty" if node.value.strip() == "" else shown(node.value)
    if not _ISO_DATE.fullmatch(node.value.strip()):
        raise InputError(f"{where}, line {line}: '{key}' is {written}; it must be {wanted}.")
    try:
        value = dt.date.fromisoformat(node.value.strip())
    except ValueError as exc:
        raise InputError(f"{where}, line {line}: '{key}' is {written}, which is not a date ({exc}); "
                         f"it must be {wanted}.") from None
    low, high = _DATES
    if not low <= value <= high:
        raise InputError(f"{where}, line {line}: '{key}' is {written}; it must be a date from {low} to {high} "
                         f"(a zip file cannot hold an earlier one).")
    return value


def _node_kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "a list (lines starting with '-' or [...])"
    if isinstance(node, yaml.MappingNode):
        return "a group of 'key: value' lines"
    return f"the single value {shown(node.value)}"
