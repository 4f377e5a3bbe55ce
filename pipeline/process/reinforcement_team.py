"""The förstärkningsteam's evaluation survey to caseworkers (002, "Förstärkningsteam utvärderingsenkät till
handläggare"): from the shares the report prints to the whole numbers of respondents they can stand for.

The report gives no counts, only the number of respondents and shares. A share of ``n`` respondents can
only be a whole count divided by ``n``; a printed share is therefore read as the counts ``k`` (0…n) whose
share ``k/n``, rounded half up to the decimals printed, gives the printed figure:

- ``44,2`` (one decimal) fits ``k`` with ``k/n`` → 44,2 %; ``7`` (no decimal) fits ``k/n`` → 7 %;
- ``23,`` (the print lost the decimal digit) fits ``k`` whose share with one decimal is 23,0–23,9 %;
- ``ca 63`` is read like ``63`` (rounded to whole per cent); ``över 91`` fits every ``k/n`` above 91 %.

A share that no whole count gives cannot come from ``n`` respondents (86,1 % of 43: 37/43 is 86,0 %).
"""
import math

import pandas as pd

from pipeline.formatting import round_half_up
from pipeline.process import lineage

GROUP_ORDER = ["years", "answers"]


def printed_number(printed: str) -> tuple[float, int, bool]:
    """'44,2' → (44.2, 1, False); '7' → (7.0, 0, False); '23,' → (23.0, 1, True): the value, the decimals
    printed, and whether the print lost its decimal digits."""
    text = str(printed).strip()
    whole, comma, decimals = text.partition(",")
    if comma and not decimals:
        return float(whole), 1, True
    return float(text.replace(",", ".")), len(decimals), False


def consistent_counts(printed: str, qualifier: str | None, respondents: int) -> list[int]:
    """Every whole number of respondents (0…respondents) whose share gives the printed figure."""
    value, decimals, digit_lost = printed_number(printed)
    counts = []
    for k in range(respondents + 1):
        share = 100 * k / respondents
        if qualifier == "över":
            fits = share > value
        elif digit_lost:
            fits = math.floor(round_half_up(share, decimals)) == value
        else:
            fits = round_half_up(share, decimals) == value
        if fits:
            counts.append(k)
    return counts


def respondents(raw: pd.DataFrame) -> int:
    """The number who answered (the one row of group 'respondents')."""
    row = raw[raw["group"] == "respondents"]
    if len(row) != 1 or pd.isna(row["count"].iloc[0]):
        raise ValueError("data/raw/reinforcement_team_survey.csv: the row of group 'respondents' must give the "
                         "number who answered in 'count'")
    return int(row["count"].iloc[0])


def shares(raw: pd.DataFrame, source: str = "reinforcement_team_survey.csv") -> pd.DataFrame:
    """One row per printed share: the whole counts of respondents it fits, and the share the count gives.

    ``count`` is set where exactly one count fits; ``count_min``/``count_max`` give the range (empty when
    none fits, and then ``possible`` is False); ``percent`` is ``count / respondents`` in per cent,
    rounded half up to one decimal, as the share reads once a count is fixed. ``raw_rows``: the
    share's line and the line giving the number who answered.
    """
    n = respondents(raw)
    respondents_rows = lineage.per_row(raw[raw["group"] == "respondents"], source)
    rows = raw[raw["group"] != "respondents"].copy()
    rows["raw_rows"] = [lineage.merge(own, *respondents_rows) for own in lineage.per_row(rows, source)]
    wrong = rows[rows["printed_percent"].isna() | rows["count"].notna()]
    if not wrong.empty:
        raise ValueError("data/raw/reinforcement_team_survey.csv: a share's row gives 'printed_percent' and no "
                         f"'count' (the count is derived); wrong: {', '.join(wrong['item'])}")
    out = []
    for row in rows.itertuples(index=False):
        qualifier = row.qualifier if isinstance(row.qualifier, str) and row.qualifier else None
        fitting = consistent_counts(row.printed_percent, qualifier, n)
        _, _, digit_lost = printed_number(row.printed_percent)
        count = fitting[0] if len(fitting) == 1 else None
        out.append({
            "item": row.item, "group": row.group, "label": row.label, "qualifier": qualifier,
            "printed_percent": row.printed_percent, "digit_lost": digit_lost, "respondents": n,
            "count_min": min(fitting) if fitting else None, "count_max": max(fitting) if fitting else None,
            "count": count, "percent": round_half_up(100 * count / n, 1) if count is not None else None,
            "possible": bool(fitting), lineage.COLUMN: row.raw_rows,
        })
    frame = pd.DataFrame(out)
    frame["_order"] = frame["group"].map({g: i for i, g in enumerate(GROUP_ORDER)})
    frame = frame.sort_values("_order", kind="stable").drop(columns="_order").reset_index(drop=True)
    for column in ("count_min", "count_max", "count"):
        frame[column] = frame[column].astype("Int64")
    frame["percent"] = frame["percent"].astype("float64")
    return frame


def neighbours(printed: str, respondents: int) -> tuple[int, int]:
    """The two whole counts around a printed share: for 86,1 % of 43, (37, 38)."""
    value, _, _ = printed_number(printed)
    exact = value * respondents / 100
    return math.floor(exact), math.floor(exact) + 1
