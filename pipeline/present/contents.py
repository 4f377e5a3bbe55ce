"""Every table and diagram of the report, declared once, in the order the report shows them.

An entry names what the reader sees (kind, caption, text alternative), where it sits
(chapter), where its figures come from (the cited document and table, the raw file, the
processed dataset) and where the workbook puts it (sheet). Numbers ("Tabell 1",
"Diagram 6a") are derived from the order of the entries and typed nowhere else:

- numbered entries of one kind count up in order; the survey's own tables and diagrams
  count apart with the prefix E (``series="E"``), because the report's survey tables were
  in Bilaga 3, which is not among the sources;
- entries that share a ``group`` share one number and are lettered a, b, … in order;
- an entry with ``parts`` is one number whose instances (one per question, say) are
  lettered; an entry with ``per_page`` gives each administration page a number of its
  own (counting on from where it stands) and letters the instances within a page;
- ``at`` pins an entry to the number the published report gives it (its Diagram 5 and
  6a), so that a reader can hold the two side by side; counting goes on from there.

Narrative cells refer to an entry by id (``{numref}`turnover-trend-bistandshandlaggare```,
as in MyST); ``resolve_references`` writes the number. Captions, source lines, the
workbook's sheets and the data dictionary all read this module, so moving an entry
renumbers everything that shows it.
"""
import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline import config
from pipeline.formatting import join_words
from pipeline.ingest.schemas import PROFESSIONS

KIND_WORD = {"table": "Tabell", "diagram": "Diagram"}
LETTERS = "abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class Source:
    """Where a figure comes from.

    ``cited`` is what the caption's "Källa" line says: the document and its table or passage
    (``{report}``/``{appendix}`` are the documents named in report.yml), as a reader cites it.
    ``raw`` are the files in data/raw/ its figures were typed into: the report names them once,
    in its closing appendix (``raw_file_rows``), never under a table or diagram.
    """

    cited: str
    raw: tuple[str, ...] = ()

    def __post_init__(self):
        if isinstance(self.raw, str):  # one file may be given as a plain string
            object.__setattr__(self, "raw", (self.raw,))

    def text(self, **fields) -> str:
        params = _params()
        cited = self.cited.format(report=params.source_report, appendix=params.source_appendix, **fields)
        return cited if cited.endswith(".") else f"{cited}."


@dataclass(frozen=True)
class Entry:
    id: str
    kind: str                       # "table" or "diagram"
    chapter: str                    # the notebook run's key (pipeline/build/sections.py)
    caption: str                    # after the number; str.format fields filled by the view
    source: Source | None
    dataset: str | None             # the processed dataset whose rows it shows
    sheet: str | None = None        # the workbook sheet's tab (after the number, for a numbered table)
    sheet_title: str | None = None  # the sheet's heading (after the number, for a numbered table)
    alt: str | None = None          # the text alternative's opening words (diagrams)
    group: str | None = None        # entries of one group share a number, lettered in order
    series: str = ""                # "E": the survey's own numbering
    parts: bool = False             # one number, its instances lettered
    per_page: bool = False          # one number per administration page, instances lettered
    numbered: bool = True
    at: int | None = None           # the published report's number for it


TURNOVER_RAW = ("data/raw/turnover.csv", "data/raw/administrations.csv")
SURVEY_RAW = ("data/raw/survey_responses.csv",)  # or the survey tool's export, when the build reads one


def profession_slug(profession: str) -> str:
    """A profession as the registry's ids spell it: 'biståndshandläggare' → 'bistandshandlaggare'."""
    return profession.replace("å", "a").replace("ä", "a")


def _turnover(profession: str, table: str) -> list[Entry]:
    slug = profession_slug(profession)
    source = Source(f"Stadsledningskontoret, i {{report}}, {table}", TURNOVER_RAW)
    return [
        Entry(f"turnover-trend-{slug}", "diagram", "turnover",
              "Personalrörlighet bland {profession}, alla stadsdelar sammantaget, {years}.", source, "turnover",
              alt="Linjediagram.", group=f"turnover-{slug}"),
        Entry(f"turnover-districts-{slug}", "diagram", "turnover",
              "Personalrörlighet bland {profession} per stadsdel, {years}, jämfört med alla stadsdelar "
              "(streckad linje).", source, "turnover", group=f"turnover-{slug}"),
        Entry(f"turnover-table-{slug}", "table", "turnover",
              "{Profession}: avslutade anställningar/antal tillsvidareanställda (personalrörlighet), "
              "alla avgångsorsaker, {years}.", source, "turnover",
              sheet=profession.capitalize(),
              sheet_title=f"Personalrörlighet bland {profession} per förvaltning och år"),
    ]


SURVEY_SOURCE = Source("Medarbetarenkäten till socialsekreterare och biståndshandläggare, {report}, Bilaga 3",
                       SURVEY_RAW)
SURVEY_DEMO_SOURCE = Source("Syntetiska demonstrationsdata (påhittade svar) med samma struktur som medarbetarenkäten "
                            "i {report}, Bilaga 3", SURVEY_RAW)
RANKINGS = Source("{appendix} (rangordnade tabeller), sammanfattad i {report}",
                  ("data/raw/researcher_rankings.csv", "data/raw/action_plan_points.csv"))
CONSULTANTS = Source("Enkät till enhetschefer, i {report}, Tabell 3", "data/raw/consultants.csv")
# The audit reads the published figures and recomputes them from the tables they summarise.
CLAIMS = Source("Egen avstämning mot tabellerna i {report} och i {appendix}",
                ("data/raw/published_claims.csv", *TURNOVER_RAW, "data/raw/consultants.csv",
                 "data/raw/researcher_respondents.csv", "data/raw/researcher_rankings.csv",
                 "data/raw/researcher_open_answers.csv"))

ENTRIES: list[Entry] = [
    *_turnover("biståndshandläggare", "Tabell 1"),
    *_turnover("socialsekreterare", "Tabell 2"),
    Entry("survey-statements-diagram", "diagram", "survey",
          "Andel positiva svar (stämmer mycket eller ganska bra) per påstående, hela staden, {occasions}.",
          SURVEY_SOURCE, "survey_shares", series="E"),
    Entry("survey-statements-table", "table", "survey",
          "Andel positiva, neutrala och negativa svar per påstående och mättillfälle, hela staden, {occasions}.",
          SURVEY_SOURCE, "survey_shares", series="E"),
    Entry("survey-areas-diagram", "diagram", "survey",
          "Andel positiva svar per verksamhetsområde, {pooled}, {occasions}, jämfört med hela staden "
          "(streckad linje).", SURVEY_SOURCE, "survey_shares", series="E"),
    Entry("survey-areas-table", "table", "survey",
          "Andel positiva svar per verksamhetsområde och mättillfälle, {pooled}, {occasions}.",
          SURVEY_SOURCE, "survey_shares", series="E"),
    Entry("survey-administrations-diagram", "diagram", "survey",
          "Andel positiva svar per förvaltning, {pooled}, samtliga mättillfällen {occasions}, högst överst; "
          "streckad linje: hela staden.",
          SURVEY_SOURCE, "survey_shares", series="E"),
    Entry("survey-administrations-table", "table", "survey",
          "Andel positiva svar per förvaltning och mättillfälle, {pooled}, {occasions}, i ordning efter andelen "
          "för samtliga tillfällen.",
          SURVEY_SOURCE, "survey_shares", series="E"),
    Entry("survey-shares-sheet", "table", "survey", "Medarbetarenkäten: andel positiva, neutrala och negativa svar",
          Source("Medarbetarenkäten till socialsekreterare och biståndshandläggare, {report}, Bilaga 3", SURVEY_RAW),
          "survey_shares", numbered=False,
          sheet="Enkät andelar", sheet_title="Medarbetarenkäten: andel positiva, neutrala och negativa svar"),
    Entry("consultants-table", "table", "consultants",
          "Antal konsulter i staden en dag i april respektive en dag i november, {years}.", CONSULTANTS,
          "consultants", sheet="Konsulter", sheet_title="Antal konsulter en dag i april respektive november"),
    Entry("consultants-diagram", "diagram", "consultants",
          "Antal konsulter en dag i april respektive november, {years}.", CONSULTANTS, "consultants"),
    Entry("researcher-respondents-table", "table", "researcher", "Antal enkätsvar fördelat över verksamhetsområden.",
          Source("{appendix} (Tabell 1), sammanfattad i {report}", "data/raw/researcher_respondents.csv"),
          "researcher_respondents", sheet="Svarande",
          sheet_title="Svarande på följeforskarens enkät efter verksamhetsområde och roll"),
    Entry("researcher-ranked-diagram", "diagram", "researcher",
          "{question} Antal omnämnanden per punkt, alternativ 1–3 sammantaget.", RANKINGS,
          "researcher_point_totals", alt="Liggande stapeldiagram, punkterna ordnade efter antal omnämnanden.",
          parts=True, at=5, sheet="Punkter totalt", sheet_title="Omnämnanden per punkt, alternativ 1–3 sammantaget"),
    Entry("researcher-alternatives-table", "table", "researcher", "{question} (alternativ {alternative})",
          RANKINGS, "researcher_mentions", parts=True, sheet="Omnämnanden",
          sheet_title="Omnämnanden per fråga, alternativ och punkt i handlingsplanen"),
    Entry("researcher-open-answers-table", "table", "researcher", "Öppna svar: {question}.",
          Source("{appendix} (fråga 2), sammanfattad i {report}", "data/raw/researcher_open_answers.csv"),
          "researcher_open_answers", parts=True, sheet="Öppna svar", sheet_title="Öppna svar: teman och antal omnämnanden"),
    Entry("action-plan-key-figures-table", "table", "action_plan", "Arbetet i siffror: nyckeltal och granskningens "
          "utfall.",
          Source("{report}, avsnitten om följeforskarens arbete, ledarutvecklingsprogrammet, dialogcaféerna, "
                 "VFU-mottagandet, förstärkningsteamet och konsulterna (Tabell 3); utfallet från avstämningen",
                 "data/raw/published_claims.csv"), "key_figures", numbered=False),
    Entry("action-plan-team-years-table", "table", "action_plan",
          "Förstärkningsteamets enkät till handläggare: de {n} svarandes tid i myndighetsutövning, tryckt andel och "
          "härlett antal.",
          Source("Förstärkningsteamets utvärderingsenkät till handläggare, i {report}, avsnittet Förstärkningsteam "
                 "för barn och unga", "data/raw/reinforcement_team_survey.csv"), "reinforcement_team_survey",
          numbered=False),
    Entry("action-plan-team-answers-table", "table", "action_plan",
          "Förstärkningsteamets enkät till handläggare: tryckta andelar och de antal av {n} svarande som ger dem.",
          Source("Förstärkningsteamets utvärderingsenkät till handläggare, i {report}, avsnittet Förstärkningsteam "
                 "för barn och unga", "data/raw/reinforcement_team_survey.csv"), "reinforcement_team_survey",
          numbered=False),
    Entry("administration-facts-table", "table", "administration", "Fakta om {name}.",
          Source("{report}, avsnittet om {name}", ("data/raw/district_facts.csv", "data/raw/administrations.csv")),
          "district_facts", numbered=False,
          sheet="Fakta stadsdelar", sheet_title="Fakta om stadsdelsförvaltningarna"),
    Entry("administration-trend", "diagram", "administration",
          "Personalrörlighet bland {profession} i {name}, {years}, jämfört med alla stadsdelar (streckad linje).",
          Source("Stadsledningskontoret, i {report}, {table}", TURNOVER_RAW), "turnover",
          alt="Linjediagram.", per_page=True, at=6),
    Entry("administration-turnover-table", "table", "administration",
          "Personalrörlighet bland {profession} i {name} per år.",
          Source("Stadsledningskontoret, i {report}, {table}", TURNOVER_RAW), "turnover", numbered=False),
    Entry("administration-survey-table", "table", "administration", "Andel positiva svar i {name} per mättillfälle.",
          SURVEY_SOURCE, "survey_shares", numbered=False),
    Entry("audit-counts-table", "table", "audit", "Avstämda uppgifter efter utfall.", CLAIMS, "reconciliation"),
    Entry("audit-mismatches-table", "table", "audit",
          "Publicerade uppgifter som avviker från rapportens egna tabeller.", CLAIMS, "reconciliation"),
    Entry("audit-reconciliation-sheet", "table", "audit",
          "Avstämning av publicerade uppgifter mot rapportens egna tabeller",
          CLAIMS, "reconciliation", numbered=False,
          sheet="Avstämning", sheet_title="Avstämning av publicerade uppgifter mot rapportens egna tabeller"),
]
BY_ID = {entry.id: entry for entry in ENTRIES}

# The table in which the report itself published each profession's turnover (Tabell 1 and 2 of seed 002).
TURNOVER_SOURCE_TABLE = dict(zip(PROFESSIONS, ["Tabell 1", "Tabell 2"]))


@lru_cache(maxsize=1)
def _params():
    return config.load()


def _slots() -> dict[str, tuple[int, str | None]]:
    """id → (number, group) for every numbered entry, by kind and series, in the entries' order."""
    slots, counters, groups = {}, {}, {}
    for entry in ENTRIES:
        if not entry.numbered:
            continue
        counter = (entry.kind, entry.series)
        if entry.group and entry.group in groups:
            slots[entry.id] = (groups[entry.group], entry.group)
            continue
        if entry.at is not None and entry.at <= counters.get(counter, 0):
            raise ValueError(f"{entry.id} is pinned to {KIND_WORD[entry.kind]} {entry.series}{entry.at} (at=), but the "
                             f"entries before it already count to {counters[counter]}: raise its at= or drop it")
        counters[counter] = entry.at if entry.at is not None else counters.get(counter, 0) + 1
        slots[entry.id] = (counters[counter], entry.group)
        if entry.group:
            groups[entry.group] = counters[counter]
    return slots


def number(entry_id: str, part: int | None = None, page: int | None = None) -> str:
    """'Tabell 1', 'Diagram 1b', 'Tabell 5c', 'Diagram E2', 'Diagram 7a' (``page`` 1, ``part`` 0)."""
    entry = entry_of(entry_id)
    if not entry.numbered:
        raise ValueError(f"{entry_id} is not numbered in pipeline/present/contents.py")
    base, group = _slots()[entry.id]
    letter = ""
    if group:
        members = [e.id for e in ENTRIES if e.group == group]
        letter = LETTERS[members.index(entry.id)]
    if entry.parts or entry.per_page:
        if part is None:
            raise ValueError(f"{entry_id} is numbered per instance: give part=0, 1, …")
        letter = LETTERS[part]
    if entry.per_page:
        if page is None:
            raise ValueError(f"{entry_id} is numbered per administration page: give page=0, 1, …")
        base += page
    return f"{KIND_WORD[entry.kind]} {entry.series}{base}{letter}"


def whole_number(entry_id: str) -> str:
    """The number without an instance's letter: 'Tabell 5' for Tabell 5a–5f (the workbook's sheet)."""
    entry = entry_of(entry_id)
    base, _ = _slots()[entry.id]
    return f"{KIND_WORD[entry.kind]} {entry.series}{base}"


def sheet_name(entry: Entry) -> str:
    """The workbook tab: 'Tabell 1 Biståndshandläggare' for a numbered table, else the entry's own name."""
    return f"{whole_number(entry.id)} {entry.sheet}" if entry.numbered and entry.kind == "table" else entry.sheet


def sheet_title(entry: Entry) -> str:
    return f"{whole_number(entry.id)}. {entry.sheet_title}" if entry.numbered and entry.kind == "table" \
        else entry.sheet_title


def sheets() -> list[Entry]:
    """The entries the workbook gives a sheet of its own, in the report's order."""
    return [e for e in ENTRIES if e.sheet]


def entry_of(entry_id: str) -> Entry:
    try:
        return BY_ID[entry_id]
    except KeyError:
        raise KeyError(f"no table or diagram '{entry_id}' in pipeline/present/contents.py") from None


def caption(entry_id: str, part: int | None = None, page: int | None = None, **fields) -> str:
    """The caption as printed: the number (when numbered), then the entry's text with ``fields`` filled in."""
    entry = entry_of(entry_id)
    text = entry.caption.format(**fields)
    return f"{number(entry_id, part, page)}. {text}" if entry.numbered else text


def source(entry_id: str, synthetic: bool = False, **fields) -> str:
    """The 'Källa' line's text; the survey's entries cite the demo generator when the answers are synthetic."""
    entry = entry_of(entry_id)
    cited = SURVEY_DEMO_SOURCE if synthetic and entry.source is SURVEY_SOURCE else entry.source
    return cited.text(**fields)


def numbered(kind: str | None = None) -> list[Entry]:
    return [e for e in ENTRIES if e.numbered and (kind is None or e.kind == kind)]


# What an unnumbered entry's caption fields stand for when the appendix names the entry as a whole.
WHOLE_FIELDS = {"name": "varje förvaltning", "profession": "biståndshandläggare eller socialsekreterare",
                "Profession": "Biståndshandläggare eller socialsekreterare", "years": "alla år",
                "occasions": "alla mättillfällen"}


class _Whole(dict):
    def __missing__(self, key):
        return WHOLE_FIELDS.get(key, "…")


def listing_label(entry: Entry, pages: int | None = None) -> str:
    """How the closing appendix names an entry as a whole: 'Diagram 1a', 'Tabell 5' (all its parts),
    'Diagram 6–21' (one per administration page, ``pages`` of them), or an unnumbered table's title."""
    if not entry.numbered:
        title = entry.sheet_title or entry.caption.format_map(_Whole()).rstrip(".")
        return f"tabellen utan nummer »{title}«"
    if entry.per_page:
        whole = whole_number(entry.id)
        if not pages:
            return f"{whole} och följande, ett per förvaltning"
        base, _ = _slots()[entry.id]
        return whole if pages == 1 else f"{whole}–{entry.series}{base + pages - 1}"
    return whole_number(entry.id) if entry.parts else number(entry.id)


def raw_file_rows(pages: int | None = None) -> list[dict]:
    """The closing appendix's table: every table and diagram with the raw files its figures come from.

    Entries that come from the same files share a row, in the order the first of them appears
    ('Diagram 1a, …, Tabell 2, Diagram 6–21 och tabellen utan nummer »…«'); ``what`` names
    them, ``raw`` lists the files (as data/raw/… paths).
    """
    rows: dict[tuple[str, ...], list[str]] = {}
    for entry in ENTRIES:
        if entry.source is not None and entry.source.raw:
            rows.setdefault(entry.source.raw, []).append(listing_label(entry, pages))
    return [{"what": _capitalized(join_words(labels)), "raw": list(raw)} for raw, labels in rows.items()]


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


REFERENCE = re.compile(r"\{numref\}`([a-z0-9-]+)`")


def resolve_references(text: str, where: str = "") -> str:
    """Replace every ``{numref}`id``` in narrative text with the entry's number ('Diagram 1a')."""
    def replace(match):
        entry_id = match.group(1)
        if entry_id not in BY_ID:
            raise KeyError(f"{where or 'text'} refers to '{entry_id}', which pipeline/present/contents.py does not "
                           f"declare; declared are: {', '.join(BY_ID)}")
        return number(entry_id)
    return REFERENCE.sub(replace, text)
