"""The follow-up researcher's questionnaire (Bilaga 4): respondents, ranked mentions, open answers.

The ranked tables are transcribed as printed; here each table's counts are tidied by
action-plan point, blanks read as 0 (the printed Total confirms it, see data/raw/README.md),
and shares are computed from the rows, not taken from the printed percentages.
"""
import re

import pandas as pd

from pipeline.process import audit, lineage

QUESTION_LABEL = {
    "kommit_langst": "Inom vilka områden har arbetet kommit längst?",
    "storsta_behov": "Inom vilka områden finns de största behoven av fortsatt utvecklingsarbete?",
}
EXTRA_LABEL = {"övrigt": "Övrigt", "ej_svar": "Ej svar"}
ROLE_LABEL = {"chefer": "Chefer", "medarbetare": "Medarbetare"}
TOTAL_CATEGORY = "Totalt"


def point_labels(points: pd.DataFrame) -> dict[str, str]:
    """Point → label: '1'…'13' from the reference list, plus Övrigt and Ej svar."""
    labels = {str(int(p)): str(label) for p, label in zip(points["point"], points["label"])}
    return {**labels, **EXTRA_LABEL}


def mentions(rankings: pd.DataFrame, points: pd.DataFrame, source: str = "researcher_rankings.csv") -> pd.DataFrame:
    """One row per question × alternative × point with its count and share of the table's rows.

    ``raw_rows`` is the row's own line (the share's denominator is the table's rows: merge theirs).
    """
    labels = point_labels(points)
    rows = rankings[rankings["point"] != "total"].copy()
    rows[lineage.COLUMN] = lineage.per_row(rows, source)
    rows["count"] = rows["count"].fillna(0).astype("int64")
    rows["alternative"] = rows["alternative"].astype("int64")
    totals = rows.groupby(["question", "alternative"])["count"].transform("sum")
    rows["share"] = (rows["count"] / totals.where(totals > 0)).astype("float64")
    rows["label"] = rows["point"].map(labels)
    order = {p: i for i, p in enumerate(labels)}
    rows["_order"] = rows["point"].map(order)
    rows = rows.sort_values(["question", "alternative", "_order"])
    return rows[["question", "alternative", "point", "label", "count", "share", lineage.COLUMN]].reset_index(drop=True)


def point_totals(mention_rows: pd.DataFrame) -> pd.DataFrame:
    """Mentions of each point over alternatives 1–3; 'Ej svar' is not a mention and is left out.

    ``raw_rows``: the lines of the mention rows summed.
    """
    rows = mention_rows[mention_rows["point"] != "ej_svar"]
    if lineage.COLUMN not in rows.columns:
        rows = rows.assign(**{lineage.COLUMN: ""})
    totals = rows.groupby(["question", "point", "label"], as_index=False, sort=False).agg(
        count=("count", "sum"), **{lineage.COLUMN: (lineage.COLUMN, lambda texts: lineage.merge(*texts))})
    return totals.rename(columns={"count": "mentions"})[["question", "point", "label", "mentions", lineage.COLUMN]]


def ranked(totals: pd.DataFrame, question: str) -> pd.DataFrame:
    """The points of one question, most mentioned first (ties in point order)."""
    rows = totals[(totals["question"] == question) & (totals["point"] != "övrigt")].copy()
    rows["_point"] = rows["point"].astype(int)
    return rows.sort_values(["mentions", "_point"], ascending=[False, True]).drop(columns="_point").reset_index(drop=True)


def table_totals(rankings: pd.DataFrame, mention_rows: pd.DataFrame,
                 source: str = "researcher_rankings.csv") -> pd.DataFrame:
    """Each ranked table's printed Total beside the sum of its rows.

    ``raw_rows``: the printed Total's line and the lines of the rows summed.
    """
    printed = rankings[rankings["point"] == "total"].copy()
    printed["_printed_rows"] = lineage.per_row(printed, source)
    printed = printed[["question", "alternative", "count", "_printed_rows"]].rename(columns={"count": "printed_total"})
    printed["alternative"] = printed["alternative"].astype("int64")
    if lineage.COLUMN not in mention_rows.columns:
        mention_rows = mention_rows.assign(**{lineage.COLUMN: ""})
    summed = mention_rows.groupby(["question", "alternative"], as_index=False).agg(
        computed_total=("count", "sum"), _summed_rows=(lineage.COLUMN, lambda texts: lineage.merge(*texts)))
    out = printed.merge(summed, on=["question", "alternative"], how="outer")
    out[lineage.COLUMN] = [lineage.merge(*(v for v in pair if isinstance(v, str)))
                           for pair in zip(out["_printed_rows"], out["_summed_rows"])]
    return out.drop(columns=["_printed_rows", "_summed_rows"])


def respondents(raw: pd.DataFrame, source: str = "researcher_respondents.csv") -> pd.DataFrame:
    """Respondents by area and by role, with each category's share of its dimension's sum.

    ``raw_rows`` is the row's own line (the share's denominator is its dimension's rows).
    """
    rows = raw[raw["category"] != TOTAL_CATEGORY].copy()
    rows[lineage.COLUMN] = lineage.per_row(rows, source)
    rows = rows[["dimension", "category", "count", lineage.COLUMN]]
    rows["count"] = rows["count"].astype("int64")
    sums = rows.groupby("dimension")["count"].transform("sum")
    rows["share"] = (rows["count"] / sums).astype("float64")
    return rows.reset_index(drop=True)


def open_answers(raw: pd.DataFrame, source: str = "researcher_open_answers.csv") -> pd.DataFrame:
    rows = raw[["question", "category", "count"]].copy()
    rows[lineage.COLUMN] = lineage.per_row(raw, source)
    rows["count"] = rows["count"].astype("int64")
    return rows.reset_index(drop=True)


# ----------------------------------------------------------------------------- what the published text states differently

# In the printed table "kommit längst, alternativ 1" the labels of points 8 and 9 stand in each other's
# rows; the counts are read by the row's number, as in the five other tables and as the prose's "punkt 8,
# 27 ggr" confirms (data/raw/README.md, "8/9 label swap"). The rebuilt table prints the right labels and
# says so. tests/test_views_researcher.py checks this against the printed labels of
# data/raw/researcher_rankings.csv, so the entry cannot outlive the transcription.
LABELS_SWAPPED_AS_PRINTED = {("kommit_langst", 1): ("8", "9")}

DOCUMENT_WORDS = {"002": "rapporten", "003": "följeforskarens bilaga"}
_RECOMPUTED = re.compile(r"Recomputed: (?P<measure>.+?) \((?P<parameters>[^)]*)\)\.$")


def _checks(reconciliation: pd.DataFrame, measure: str) -> pd.DataFrame:
    """The reconciliation's rows that recomputed ``measure`` and found a different figure, with their parameters."""
    description = audit.MEASURES[measure].description
    rows = []
    for row in reconciliation[reconciliation["status"] == "mismatch"].itertuples():
        match = _RECOMPUTED.search(str(row.description))
        if match and match["measure"] == description:
            rows.append({**audit.parse_parameters(match["parameters"]), "published": row.published,
                         "computed": row.computed, "document": str(row.source).split(",", 1)[0].strip(),
                         lineage.COLUMN: getattr(row, lineage.COLUMN, "")})
    return pd.DataFrame(rows)


def published_mentions_differences(reconciliation: pd.DataFrame) -> pd.DataFrame:
    """Points whose mentions over alternatives 1–3 the published prose states differently from the tables' rows.

    One row per question and point: the figure the prose gives (``published``), the sum of the rows
    (``computed``) and the documents that give it (``documents``, in words, e.g. 'rapporten och
    följeforskarens bilaga'), from the reconciliation's mismatches, with the checks' raw rows.
    """
    columns = ["question", "point", "published", "computed", "documents", lineage.COLUMN]
    checks = _checks(reconciliation, "mentions_total")
    if checks.empty:
        return pd.DataFrame(columns=columns)
    out = []
    for (question, point, published, computed), rows in checks.groupby(
            ["question", "point", "published", "computed"], sort=False):
        documents = [DOCUMENT_WORDS.get(d, d) for d in sorted(set(rows["document"]))]
        out.append({"question": question, "point": point, "published": int(published), "computed": int(computed),
                    "documents": " och ".join(documents),
                    lineage.COLUMN: lineage.merge(*[t for t in rows[lineage.COLUMN] if isinstance(t, str)])})
    return pd.DataFrame(out, columns=columns)


def published_percent_differences(reconciliation: pd.DataFrame) -> pd.DataFrame:
    """Rows of the ranked tables whose printed percentage differs from count / the table's rows (rounded as printed)."""
    columns = ["question", "alternative", "point", "published", "computed"]
    checks = _checks(reconciliation, "mentions_percent")
    if checks.empty:
        return pd.DataFrame(columns=columns)
    checks["alternative"] = checks["alternative"].astype(int)
    return checks[columns].drop_duplicates().reset_index(drop=True)
