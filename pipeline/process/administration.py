"""The administrations' own pages: their order, the facts each district's page shows, and which
turnover diagrams the published report printed on each.

The report presents the districts in alphabetical (Swedish) order, followed by the central
administrations; a page's position in that order is what the entry ``administration-trend``
of ``pipeline/present/contents.py`` numbers its diagrams by, and a diagram's place on its page
(``diagram_order``) gives its letter.
"""
from functools import lru_cache

import pandas as pd

from pipeline import formatting as fmt

# The turnover diagrams the published report printed under "Personalomsättning/rörlighet" on each
# administration's page, in its order. Seed 002: every district's section has two, lettered a for
# biståndshandläggare and b for socialsekreterare (rad 758 and 764 for Bromma, the first, to rad 1407 and
# 1415 for Östermalm, the last); Socialförvaltningen's has one, lettered a, for socialsekreterare (rad 1462);
# Äldreförvaltningen has no section. Every other diagram on a page is the rebuild's own and follows these, so
# the printed numbers stand.
PUBLISHED_DISTRICT_DIAGRAMS = ("biståndshandläggare", "socialsekreterare")
PUBLISHED_CENTRAL_DIAGRAMS = {"Socialförvaltningen": ("socialsekreterare",)}

FACT_COLUMNS = ["inhabitants", "under_20_pct", "over_65_pct", "ohalsotal_days", "ekonomiskt_bistand_pct",
                "socialsekreterare", "bistandshandlaggare"]


PAGE_COLUMNS = ["name", "slug", "type"]


def pages(administrations: pd.DataFrame) -> pd.DataFrame:
    """Name, slug and type of every page, in the report's order (index 0, 1, …: the page's position)."""
    return pd.DataFrame(list(_order(administrations)), columns=PAGE_COLUMNS)


def _order(administrations: pd.DataFrame) -> tuple[tuple[str, str, str], ...]:
    """The pages as (name, slug, type), ordered once per list of administrations.

    An administration page's run asks for its page about 16 times (``lookup``, through its captions
    and place names); ordering the list with pandas each time took 0.14 s of the page's 0.3 s once
    its diagrams were drawn.
    """
    columns = [administrations[column].tolist() for column in [*PAGE_COLUMNS, "table_order"]]
    return _ordered(tuple((name, slug, kind, None if pd.isna(order) else float(order))
                          for name, slug, kind, order in zip(*columns)))


@lru_cache(maxsize=16)
def _ordered(rows: tuple) -> tuple[tuple[str, str, str], ...]:
    """Districts in Swedish alphabetical order, then the central administrations by their ``table_order``."""
    districts = {row[0]: row for row in rows if row[2] == "district"}
    central = sorted((row for row in rows if row[2] == "central"), key=lambda row: (row[3] is None, row[3] or 0))
    return tuple(row[:3] for row in [districts[name] for name in fmt.swedish_sorted(districts)] + central)


def lookup(administrations: pd.DataFrame, name: str) -> pd.Series:
    """The page of one administration (its ``.name`` is its position), or a ``KeyError`` listing the valid names."""
    order = _order(administrations)
    for position, row in enumerate(order):
        if row[0] == name:
            return pd.Series(dict(zip(PAGE_COLUMNS, row)), name=position)
    from pipeline.errors import suggestion

    names = [row[0] for row in order]
    raise KeyError(f"unknown administration '{name}'{suggestion(name, names)}; valid names: " + ", ".join(names))


def page_index(administrations: pd.DataFrame, name: str) -> int:
    """The position of the administration's page among all pages (0 for the first), as ``pages`` orders them."""
    return int(lookup(administrations, name).name)


def approximate_columns(facts: pd.Series) -> set[str]:
    """The columns the report prefixes with 'ca' for this district."""
    value = facts.get("approximate")
    if value is None or pd.isna(value):
        return set()
    return set(str(value).split(";")) - {""}


def published_diagrams(administrations: pd.DataFrame, name: str) -> tuple[str, ...]:
    """The professions whose diagram the published report printed on the administration's page, in its order."""
    if lookup(administrations, name)["type"] == "district":
        return PUBLISHED_DISTRICT_DIAGRAMS
    return PUBLISHED_CENTRAL_DIAGRAMS.get(name, ())


def diagram_order(administrations: pd.DataFrame, professions: list[str], name: str) -> list[tuple[str, bool]]:
    """(profession, printed in the published report) for each profession the page has a diagram for.

    The published diagrams come first, in the report's order, so that each keeps its printed letter; the
    rebuild's own diagrams follow in the order of ``professions``.
    """
    published = [p for p in published_diagrams(administrations, name) if p in professions]
    return [(p, True) for p in published] + [(p, False) for p in professions if p not in published]
