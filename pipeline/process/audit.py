"""Reconciliation of the published report against its own tables.

Every numeric statement in ``data/raw/published_claims.csv`` names the measure it should
equal. Each measure is recomputed here from the processed tables, and the claim gets a
status: ``ok``, ``mismatch`` or ``not_checkable`` (with the reason). A mismatch is a
finding about the published report, not an error: the build goes on.

Comparison rule: a printed figure is compared with the recomputed one rounded half up
to as many decimals as the figure was printed with (``34,2`` → one decimal, ``100%`` →
none). Counts are compared exactly.
"""
from dataclasses import dataclass

import pandas as pd

from pipeline.formatting import round_half_up
from pipeline.ingest import schemas
from pipeline.process import lineage

STATUSES = ["ok", "mismatch", "not_checkable"]
COLUMNS = ["check_id", "description", "source", "published", "computed", "status"]
# How a description continues after the quote (»…«): what was recomputed, or why nothing could be.
RECOMPUTED = "Recomputed: "
NOT_CHECKABLE = "Not checkable: "


class NotCheckable(Exception):
    """The measure cannot be computed from the data at hand; the message says why."""


@dataclass(frozen=True)
class Measure:
    description: str
    compute: object  # (tables, parameters) -> float
    is_percent: bool = False


class _Reading(dict):
    """The processed tables, noting the raw rows (``raw_rows``) of every processed row a measure reads."""

    def __init__(self, tables):
        super().__init__(tables)
        self.read: list[str] = []


def _note(t, rows) -> None:
    """Note the raw rows of the processed rows read (a row or a frame); nothing for a plain dict of tables."""
    if isinstance(t, _Reading):
        values = [rows.get(lineage.COLUMN)] if isinstance(rows, pd.Series) else (
            rows[lineage.COLUMN].tolist() if lineage.COLUMN in rows.columns else [])
        t.read += [v for v in values if isinstance(v, str)]


def _one(frame: pd.DataFrame, what: str, **where) -> pd.Series:
    rows = frame
    for column, value in where.items():
        rows = rows[rows[column].astype(str) == str(value)]
    if len(rows) != 1:
        raise NotCheckable(f"{what}: {len(rows)} rows match {where} in the data")
    return rows.iloc[0]


def _turnover_cell(column):
    def compute(t, p):
        row = _one(t["turnover"], "turnover", profession=p["profession"], administration=p["administration"],
                   year=p["year"])
        _note(t, row)
        return float(row[column])
    return compute


def _district_sum(column):
    def compute(t, p):
        rows = t["turnover"]
        rows = rows[(rows["profession"] == p["profession"]) & (rows["year"].astype(str) == p["year"])
                    & (rows["administration_type"] == "district")]
        if rows.empty:
            raise NotCheckable(f"no district rows for {p['profession']} {p['year']}")
        _note(t, rows)
        return float(rows[column].sum())
    return compute


def _consultants(t, p):
    row = _one(t["consultants"], "consultants", month=p["month"], year=p["year"])
    _note(t, row)
    return float(row["consultants"])


def _respondents_count(t, p):
    row = _one(t["researcher_respondents"], "respondents", dimension=p["dimension"], category=p["category"])
    _note(t, row)
    return float(row["count"])


def _respondents_total(t, p):
    rows = t["researcher_respondents"]
    rows = rows[rows["dimension"] == p["dimension"]]
    if rows.empty:
        raise NotCheckable(f"no respondents by {p['dimension']} in the data")
    _note(t, rows)
    return float(rows["count"].sum())


def _respondents_percent(t, p):
    row = _one(t["researcher_respondents"], "respondents", dimension="area", category=p["category"])
    rows = t["researcher_respondents"]
    _note(t, rows[rows["dimension"] == "area"])  # the share's denominator: every area
    return float(row["share"]) * 100


def _mention_rows(t, p):
    rows = t["researcher_mentions"]
    return rows[(rows["question"] == p["question"]) & (rows["alternative"].astype(str) == p["alternative"])]


def _mentions_table_total(t, p):
    rows = _mention_rows(t, p)
    if rows.empty:
        raise NotCheckable(f"no table {p['question']} alternative {p['alternative']}")
    _note(t, rows)
    return float(rows["count"].sum())


def _mentions_percent(t, p):
    row = _one(_mention_rows(t, p), "mentions", point=p["point"])
    _note(t, _mention_rows(t, p))  # the share's denominator: the table's rows
    return float(row["share"]) * 100


def _mentions_total(t, p):
    row = _one(t["researcher_point_totals"], "point totals", question=p["question"], point=p["point"])
    _note(t, row)
    return float(row["mentions"])


def _mentions_top_first(t, p):
    rows = _mention_rows(t, {**p, "alternative": "1"})
    rows = rows[~rows["point"].isin(["övrigt", "ej_svar"])]
    top = rows[rows["count"] == rows["count"].max()]
    if len(top) != 1:
        raise NotCheckable(f"{len(top)} points share the most first mentions")
    _note(t, rows)
    return float(top.iloc[0]["point"])


def _open_answer_count(t, p):
    row = _one(t["researcher_open_answers"], "open answers", question=p["question"], category=p["category"])
    _note(t, row)
    return float(row["count"])


MEASURES: dict[str, Measure] = {
    "turnover_ended": Measure("ended in the table cell", _turnover_cell("ended")),
    "turnover_headcount": Measure("headcount in the table cell", _turnover_cell("headcount")),
    "turnover_district_sum_ended": Measure("sum of the districts' ended", _district_sum("ended")),
    "turnover_district_sum_headcount": Measure("sum of the districts' headcount", _district_sum("headcount")),
    "consultants": Measure("consultants counted", _consultants),
    "respondents_count": Measure("respondents in the category", _respondents_count),
    "respondents_total": Measure("sum of the respondents' categories", _respondents_total),
    "respondents_percent": Measure("category's share of the respondents", _respondents_percent, is_percent=True),
    "mentions_table_total": Measure("sum of the ranked table's rows", _mentions_table_total),
    "mentions_percent": Measure("row's share of the ranked table", _mentions_percent, is_percent=True),
    "mentions_total": Measure("mentions over alternatives 1–3", _mentions_total),
    "mentions_top_first": Measure("point most often named as alternative 1", _mentions_top_first),
    "open_answer_count": Measure("times the theme was named", _open_answer_count),
}
if sorted(MEASURES) != sorted(schemas.MEASURES):  # the raw schema names what published_claims.csv may ask for
    raise ImportError(f"pipeline/process/audit.py computes {sorted(MEASURES)}, but pipeline/ingest/schemas.py MEASURES "
                      f"names {sorted(schemas.MEASURES)}: add or remove the name in both.")


def parse_parameters(text) -> dict[str, str]:
    """'a=1;b=x' → {'a': '1', 'b': 'x'}."""
    if text is None or (isinstance(text, float) and text != text) or str(text).strip() == "":
        return {}
    pairs = {}
    for part in str(text).split(";"):
        key, _, value = part.partition("=")
        pairs[key.strip()] = value.strip()
    return pairs


def decimals_printed(written: str) -> int:
    """How many decimals a published figure was printed with ('34.2' → 1, '100' → 0)."""
    written = str(written)
    return len(written.split(".", 1)[1]) if "." in written else 0


def check(claim: dict, tables: dict[str, pd.DataFrame]) -> dict:
    """One claim → one reconciliation row; ``raw_rows`` holds those of the processed rows its measure read."""
    published = float(claim["published"])
    decimals = decimals_printed(claim.get("published_as_written", claim["published"]))
    base = {"check_id": claim["claim_id"], "source": f"{claim['document']}, {claim['passage']}",
            "published": published}
    quote = f"»{claim['quote']}«"
    measure_name = claim.get("measure")
    if not isinstance(measure_name, str) or not measure_name:
        reason = claim.get("note") or "no measure in the sources to recompute it from"
        return {**base, "description": f"{quote} {NOT_CHECKABLE}{reason}", "computed": None, "status": "not_checkable"}
    measure = MEASURES[measure_name]
    parameters = parse_parameters(claim.get("parameters"))
    label = f"{measure.description} ({claim.get('parameters') or ''})"
    reading = _Reading(tables)
    try:
        computed = measure.compute(reading, parameters)
    except NotCheckable as exc:
        return {**base, "description": f"{quote} {NOT_CHECKABLE}{exc}.", "computed": None, "status": "not_checkable"}
    base[lineage.COLUMN] = lineage.merge(*reading.read)
    rounded = round_half_up(computed, decimals) if measure.is_percent else computed
    status = "ok" if abs(rounded - published) < 1e-9 else "mismatch"
    shown = round_half_up(computed, max(decimals, 1)) if measure.is_percent else computed
    return {**base, "description": f"{quote} {RECOMPUTED}{label}.", "computed": shown, "status": status}


def quote_of(description: str) -> str:
    """The published statement a description quotes, as transcribed (without the »« around it)."""
    text = str(description)
    for marker in (RECOMPUTED, NOT_CHECKABLE):
        end = text.find(f"« {marker}")
        if end != -1:
            return text[:end].removeprefix("»")
    return text.split("«")[0].removeprefix("»")


def document_and_passage(source: str) -> tuple[str, str]:
    """'002, Antal konsulter (rad 458)' → ('002', 'Antal konsulter (rad 458)'): the ``source`` column taken apart."""
    document, _, passage = str(source).partition(", ")
    return document, passage


def reconcile(claims: pd.DataFrame, tables: dict[str, pd.DataFrame],
              source: str = "published_claims.csv") -> pd.DataFrame:
    """The reconciliation table, one row per published claim, in the claims' order.

    ``raw_rows`` names the claim's line in ``source`` and the raw rows of the processed rows it was
    recomputed from (a share: its table's or dimension's rows too). The published audit file keeps ``COLUMNS``.
    """
    rows = [check(claim, tables) for claim in claims.to_dict("records")]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame[lineage.COLUMN] = [lineage.merge(own, row.get(lineage.COLUMN, ""))
                             for own, row in zip(lineage.per_row(claims, source), rows)]
    return frame


def counts(reconciliation: pd.DataFrame) -> dict[str, int]:
    """Checks made and how many ended in each status."""
    by_status = reconciliation["status"].value_counts()
    return {"checks": len(reconciliation), **{s: int(by_status.get(s, 0)) for s in STATUSES}}
