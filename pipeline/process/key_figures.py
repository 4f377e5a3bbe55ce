"""The key figures of the work with the action plan, each with the audit's verdict.

Each key figure is a published claim (``data/raw/published_claims.csv``): its number, quote and passage
are there, and its verdict is the reconciliation's. This module only chooses which claims are the key
figures of the work and says in Swedish what each counts.
"""
import re

import pandas as pd

from pipeline.process import lineage

# (claim id, what the figure counts in Swedish, the word the report puts before the number). The
# consultants' first and latest November counts follow them (``consultant_claims``): their claims are
# found by measure and month, so a later edition's counts need no change here.
KEY_FIGURES: list[tuple[str, str, str]] = [
    ("I002-gruppintervjuer-144", "Gruppintervjuer med medarbetare och chefer under följeforskarens fem terminer", ""),
    ("R002-prosa-117", "Svarande på följeforskarens enkät vid det sista intervjutillfället", ""),
    ("L-172-chefer", "Chefer som har deltagit i ledarutvecklingsprogrammet", ""),
    ("D-dialogcafeer-500", "Deltagare i stadens dialogcaféer", "närmare"),
    ("V-vfu-100", "VFU-platser per termin för socionomstudenter, stadens ambition", ""),
    ("F-svarande-43", "Svarande på förstärkningsteamets enkät till handläggare", ""),
]
CONSULTANTS_MEASURE = "consultants"


def consultant_claims(claims: pd.DataFrame) -> list[tuple[str, str, str]]:
    """The published November consultant counts, first and latest year, as key figures."""
    rows = claims[(claims["measure"] == CONSULTANTS_MEASURE) & claims["parameters"].fillna("").str.contains("month=november")]
    years = {claim_id: int(re.search(r"year=(\d{4})", parameters).group(1))
             for claim_id, parameters in zip(rows["claim_id"], rows["parameters"])}
    if not years:
        return []
    chosen = sorted(years, key=years.get)
    chosen = [chosen[0], chosen[-1]] if len(chosen) > 1 else chosen
    return [(c, f"Konsulter i stadsdelsförvaltningarna i november {years[c]}", "") for c in chosen]


LINE_REFERENCE = re.compile(r"\s*\(rad [0-9][0-9–-]*\)")


def section(passage: str) -> str:
    """The passage without its line numbers: 'Dialogcaféer (rad 712)' → 'Dialogcaféer'."""
    return LINE_REFERENCE.sub("", str(passage)).strip()


def key_figures(claims: pd.DataFrame, reconciliation: pd.DataFrame) -> pd.DataFrame:
    """One row per key figure, in the box's order, with the published number and the audit's status.

    ``raw_rows`` is the reconciliation's: the claim's line and the rows its figure was recomputed from.
    """
    by_claim = claims.set_index("claim_id")
    checks = reconciliation.set_index("check_id")
    figures = KEY_FIGURES + consultant_claims(claims)
    missing = [c for c, _, _ in figures if c not in by_claim.index or c not in checks.index]
    if missing:
        raise KeyError(f"pipeline/process/key_figures.py names the claims {missing}, which "
                       "data/raw/published_claims.csv does not hold")
    rows = []
    for position, (claim_id, label, qualifier) in enumerate(figures, start=1):
        claim = by_claim.loc[claim_id]
        rows.append({"position": position, "check_id": claim_id, "label": label, "qualifier": qualifier or None,
                     "published": float(claim["published"]), "document": str(claim["document"]),
                     "section": section(claim["passage"]), "status": str(checks.loc[claim_id, "status"]),
                     lineage.COLUMN: (checks.loc[claim_id, lineage.COLUMN] if lineage.COLUMN in checks.columns
                                      else "")})
    frame = pd.DataFrame(rows)
    frame["position"] = frame["position"].astype("Int64")
    return frame
