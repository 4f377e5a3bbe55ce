"""The administrations' own pages: their order, the facts each district's page shows, and which
turnover diagrams the published report printed on each.

The report presents the districts in alphabetical (Swedish) order, followed by the central
administrations; a page's position in that order is what the entry ``administration-trend``
of ``pipeline/present/contents.py`` numbers its diagrams by, and a diagram's place on its page
(``diagram_order``) gives its letter.
"""
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


def pages(administrations: pd.DataFrame) -> pd.DataFrame:
    """Name, slug and type of every page, in the report's order (index 0, 1, …: the page's position).

    Written with one reindex rather than a lookup per district: an administration page's notebook
    asks for it about 16 times (``lookup`` through its captions and place names), and the per-row
    version took about 0.2 s of each page's 0.5 s.
    """
    columns = ["name", "slug", "type"]
    districts = administrations[administrations["type"] == "district"]
    ordered = districts.set_index("name").reindex(fmt.swedish_sorted(districts["name"])).reset_index()
    central = administrations[administrations["type"] == "central"].sort_values("table_order")
    return pd.concat([ordered[columns], central[columns]], ignore_index=True)


def lookup(administrations: pd.DataFrame, name: str) -> pd.Series:
    """The page of one administration (its ``.name`` is its position), or a ``KeyError`` listing the valid names."""
    table = pages(administrations)
    match = table[table["name"] == name]
    if match.empty:
        from pipeline.errors import suggestion

        raise KeyError(f"unknown administration '{name}'{suggestion(name, table['name'].tolist())}; valid names: "
                       + ", ".join(table["name"]))
    return match.iloc[0]


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
