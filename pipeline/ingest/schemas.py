"""What each raw file must look like: its columns, their kinds and the rules they obey.

This module is the single source of the rules. ``python -m pipeline write-suites``
turns it into the Great Expectations suites committed under ``expectations/``, and a
test fails when a committed suite differs from what this module says, so the JSON an
auditor reviews and the rules the pipeline enforces cannot drift apart.

Values that only the data or the parameter file can give (the valid administration
names, the last valid year) are suite parameters (``{"$PARAMETER": name}``), filled in
when a suite runs; see ``validation.suite_parameters``.
"""
from dataclasses import dataclass, field

from pipeline.ingest import survey_raw as survey

PROFESSIONS = ["biståndshandläggare", "socialsekreterare"]
PROFESSION_LIST = "^({0})(;({0}))*$".format("|".join(PROFESSIONS))  # professions separated by ';'
ADMINISTRATION_TYPES = ["district", "all_districts", "central"]
MONTHS = ["april", "november"]
QUESTIONS = ["kommit_langst", "storsta_behov"]
ALTERNATIVES = [1, 2, 3]
# The measures published_claims.csv may name: each is recomputed by pipeline/process/audit.py,
# which refuses to load when its measures and these names differ.
MEASURES = ("turnover_ended", "turnover_headcount", "turnover_district_sum_ended", "turnover_district_sum_headcount",
            "consultants", "respondents_count", "respondents_total", "respondents_percent", "mentions_table_total",
            "mentions_percent", "mentions_total", "mentions_top_first", "open_answer_count")
RANKING_ROWS_EXTRA = ["övrigt", "ej_svar", "total"]
RESPONDENT_DIMENSIONS = ["area", "role"]
DOCUMENTS = ["002", "003"]

# Plausibility maxima: a count above one of these is a typing error (a digit too many, two
# cells run together), never data, and is refused before anything is computed. Every count
# and number column has a maximum, so every value fits the dtypes it is computed with.
AT_MOST_STAFF = dict(maximum=100_000, maximum_why="100 000 is more than the whole city's staff.")
AT_MOST_INHABITANTS = dict(maximum=1_000_000,
                           maximum_why="1 000 000 is more than the whole city's inhabitants.")
AT_MOST_ROWS = dict(maximum=1_000, maximum_why="the report's tables have a few dozen rows.")
AT_MOST_FIGURE = dict(maximum=10_000_000,
                      maximum_why="the report prints counts of staff, respondents and mentions, days and "
                                  "percentages, all far below 10 000 000.")


@dataclass(frozen=True)
class Column:
    """One column of a raw file.

    ``kind`` is ``text``, ``int`` (a whole number written with digits only) or
    ``decimal`` (digits with an optional decimal point). ``allowed`` is a list of
    values or the name of a suite parameter holding them. ``unique`` says that no two
    rows may hold the same value (a reference list's second key besides ``RawFile.key``);
    ``unique_why`` says what a repeated value would break.
    """

    name: str
    kind: str
    meaning: str
    required: bool = True
    allowed: list | str | None = None
    minimum: int | float | None = None
    maximum: int | float | str | None = None
    maximum_why: str = ""  # why no true value can exceed ``maximum`` (for plausibility maxima)
    pattern: str | None = None
    pattern_rule: str | None = None
    unit: str = ""
    unique: bool = False
    unique_why: str = ""


@dataclass(frozen=True)
class PairRule:
    """``larger`` must be at least ``smaller`` on every row."""

    larger: str
    smaller: str
    why: str


@dataclass(frozen=True)
class ExactlyOne:
    """Exactly one row has ``value`` in ``column`` (e.g. the one all-districts row)."""

    column: str
    value: str
    rule: str
    why: str


@dataclass(frozen=True)
class RawFile:
    name: str
    filename: str
    description: str
    columns: list[Column]
    key: list[str]
    pairs: list[PairRule] = field(default_factory=list)
    exactly_one: list[ExactlyOne] = field(default_factory=list)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


SOURCE = Column("source", "text", "Document and table or passage the row was transcribed from.")

ADMINISTRATIONS = RawFile(
    name="administrations",
    filename="administrations.csv",
    description="Reference list of the administrations, the single source of their names.",
    columns=[
        Column("name", "text", "Administration exactly as the report spells it."),
        Column("slug", "text", "ASCII name for file names and links; unique.",
               pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$",
               pattern_rule="lower-case ASCII letters, digits and single hyphens",
               unique=True, unique_why="each administration's page is written to <slug>.html: two administrations "
                                       "with one slug would write one page over the other"),
        Column("type", "text", "district, all_districts (the report's 'Stadsdelar total', exactly one row) "
                               "or central.",
               allowed=ADMINISTRATION_TYPES),
        Column("table_order", "int", "Row order in the published report's two turnover tables; unique.", minimum=1, **AT_MOST_ROWS,
               unique=True, unique_why="two administrations in one place would be ordered by chance in the "
                                       "tables and the pages"),
        Column("professions", "text", "Professions the administration reports turnover for (the published "
                                      "report has one table for each), separated by ';'. "
                                      "A year is reported only when every administration has a row for each "
                                      "of its professions.",
               pattern=PROFESSION_LIST, pattern_rule="professions (" + ", ".join(PROFESSIONS) + ") separated by ';'"),
        Column("first_year", "int", "First year the administration exists (blank: since before the series starts).",
               required=False, minimum=1900, maximum=2100, unit="year"),
        Column("last_year", "int", "Last year the administration exists, e.g. before a merger (blank: it "
                                   "still exists).",
               required=False, minimum=1900, maximum=2100, unit="year"),
        SOURCE,
    ],
    key=["name"],
    pairs=[PairRule("last_year", "first_year", "an administration cannot end before it begins")],
    exactly_one=[ExactlyOne("type", "all_districts",
                            "exactly one row must have type 'all_districts' (the report's 'Stadsdelar total')",
                            "the districts are summed into that one row and checked against its published "
                            "figures; a second one would be summed twice, none leaves the sum nowhere")],
)

TURNOVER = RawFile(
    name="turnover",
    filename="turnover.csv",
    description="The published report's turnover tables: permanently employed staff who ended, of those employed on 31 December of the year before.",
    columns=[
        Column("profession", "text", "Profession.", allowed=PROFESSIONS),
        Column("administration", "text", "Administration as printed in the table.",
               allowed="administration_names"),
        Column("year", "int", "Year the employments ended in.", minimum="series_start",
               maximum="current_year", unit="year"),
        Column("ended", "int", "Permanent employments that ended during the year.", minimum=0,
               unit="persons", **AT_MOST_STAFF),
        Column("headcount", "int", "Permanent employees on 31 December of the year before.",
               minimum=0, unit="persons", **AT_MOST_STAFF),
        SOURCE,
    ],
    key=["profession", "administration", "year"],
    pairs=[PairRule("headcount", "ended",
                    "more people cannot leave than were employed; the report's 0/0 cells satisfy this")],
)

CONSULTANTS = RawFile(
    name="consultants",
    filename="consultants.csv",
    description="The published report's consultants table: hired social workers on one day in April and one in November.",
    columns=[
        Column("year", "int", "Year of the count.", minimum="series_start", maximum="current_year",
               unit="year"),
        Column("month", "text", "Month of the count.", allowed=MONTHS),
        Column("consultants", "int", "Consultants working in the administrations that day.",
               minimum=0, unit="persons", **AT_MOST_STAFF),
        SOURCE,
    ],
    key=["year", "month"],
)

DISTRICT_FACTS = RawFile(
    name="district_facts",
    filename="district_facts.csv",
    description="Each district section's opening facts (inhabitants, age shares, ill-health, social assistance, staff).",
    columns=[
        Column("administration", "text", "District.", allowed="district_names"),
        Column("inhabitants", "int", "Inhabitants.", minimum=0, unit="persons", **AT_MOST_INHABITANTS),
        Column("under_20_pct", "decimal", "Share of inhabitants under 20.", minimum=0, maximum=100,
               unit="per cent"),
        Column("over_65_pct", "decimal", "Share of inhabitants over 65.", minimum=0, maximum=100,
               unit="per cent"),
        Column("ohalsotal_days", "decimal", "Ohälsotal: days of sickness benefit per person and year.",
               minimum=0, maximum=366, unit="days"),
        Column("ekonomiskt_bistand_pct", "decimal", "Share of inhabitants receiving social assistance.",
               minimum=0, maximum=100, unit="per cent"),
        Column("socialsekreterare", "int", "Permanently employed socialsekreterare (as the section states it).",
               minimum=0, unit="persons", **AT_MOST_STAFF),
        Column("bistandshandlaggare", "int", "Permanently employed biståndshandläggare (as the section states it).",
               minimum=0, unit="persons", **AT_MOST_STAFF),
        Column("approximate", "text", "Columns the report prefixes with 'ca', separated by ';'.",
               required=False,
               pattern=r"^(inhabitants|under_20_pct|over_65_pct|ohalsotal_days|ekonomiskt_bistand_pct|socialsekreterare|bistandshandlaggare)(;(inhabitants|under_20_pct|over_65_pct|ohalsotal_days|ekonomiskt_bistand_pct|socialsekreterare|bistandshandlaggare))*$",
               pattern_rule="column names of this file separated by ';'"),
        SOURCE,
    ],
    key=["administration"],
)

ACTION_PLAN_POINTS = RawFile(
    name="action_plan_points",
    filename="action_plan_points.csv",
    description="The 13 points of the action plan, the single source of their labels.",
    columns=[
        Column("point", "int", "Point number.", minimum=1, maximum=13),
        Column("label", "text", "The point as the researcher's tables name it; unique.",
               unique=True, unique_why="two points with one label could not be told apart in the report's "
                                       "tables and diagrams"),
        SOURCE,
    ],
    key=["point"],
)

PERCENT_AS_PRINTED = dict(
    pattern=r"^([0-9]+|[0-9]*[.,][0-9]+)%?$",
    pattern_rule="a percentage as printed: digits with an optional decimal comma or point and '%'",
)

RESEARCHER_RESPONDENTS = RawFile(
    name="researcher_respondents",
    filename="researcher_respondents.csv",
    description="Respondents to the researcher's questionnaire, by area (the appendix's first table) and by role.",
    columns=[
        Column("dimension", "text", "area (the appendix's first table) or role (chefer/medarbetare).",
               allowed=RESPONDENT_DIMENSIONS),
        Column("category", "text", "Area or role as printed; 'Totalt' is the printed total row."),
        Column("count", "int", "Respondents.", minimum=0, unit="persons", **AT_MOST_STAFF),
        Column("printed_percent", "text", "Percentage exactly as printed.", required=False,
               unit="per cent", **PERCENT_AS_PRINTED),
        SOURCE,
    ],
    key=["dimension", "category"],
)

RESEARCHER_RANKINGS = RawFile(
    name="researcher_rankings",
    filename="researcher_rankings.csv",
    description="The six ranked tables of Bilaga 4 as printed, Övrigt, Ej svar and Total rows included.",
    columns=[
        Column("question", "text", "kommit_langst or storsta_behov.", allowed=QUESTIONS),
        Column("alternative", "int", "Which of the three named areas the table counts.",
               allowed=ALTERNATIVES),
        Column("row", "int", "Printed row order within the table.", minimum=1, **AT_MOST_ROWS),
        Column("printed_label", "text", "Row label exactly as printed, quirks included."),
        Column("point", "text", "Action-plan point the row's numbers belong to, or övrigt, ej_svar, total.",
               allowed="ranking_points"),
        Column("count", "int", "Count as printed; empty where the table prints none.",
               required=False, minimum=0, unit="respondents", **AT_MOST_STAFF),
        Column("printed_percent", "text", "Percentage exactly as printed.", required=False,
               unit="per cent", **PERCENT_AS_PRINTED),
        SOURCE,
    ],
    key=["question", "alternative", "point"],
)

RESEARCHER_OPEN_ANSWERS = RawFile(
    name="researcher_open_answers",
    filename="researcher_open_answers.csv",
    description="Coded open answers of the researcher's questionnaire: how often each theme was named.",
    columns=[
        Column("question", "text", "Questionnaire question the answers belong to.",
               pattern=r"^[a-z0-9_]+$", pattern_rule="a lower-case ASCII id"),
        Column("category", "text", "Theme as the researcher headed it."),
        Column("count", "int", "Times the theme was named.", minimum=0, unit="mentions", **AT_MOST_STAFF),
        SOURCE,
    ],
    key=["question", "category"],
)

PUBLISHED_CLAIMS = RawFile(
    name="published_claims",
    filename="published_claims.csv",
    description="Every numeric statement of the published documents the audit recomputes.",
    columns=[
        Column("claim_id", "text", "Stable id of the claim.", pattern=r"^[A-Za-z0-9_.-]+$",
               pattern_rule="written with ASCII letters, digits, '.', '_' and '-' only"),
        Column("document", "text", "Seed document: 002 (the report) or 003 (Bilaga 4).",
               allowed=DOCUMENTS),
        Column("passage", "text", "Section, table and line in the document."),
        Column("quote", "text", "The statement verbatim."),
        Column("published", "decimal", "The published figure, in the unit the report prints.",
               minimum=0, **AT_MOST_FIGURE),
        Column("measure", "text", "The recomputed measure it should equal (see pipeline/process/audit.py).",
               required=False, allowed="measures"),
        Column("parameters", "text", "key=value pairs separated by ';' selecting the measure.",
               required=False),
        Column("note", "text", "Auditor's note; the reason when no measure applies.", required=False),
    ],
    key=["claim_id"],
)

REINFORCEMENT_TEAM_GROUPS = ["respondents", "years", "answers"]
REINFORCEMENT_TEAM_QUALIFIERS = ["ca", "över"]

REINFORCEMENT_TEAM_SURVEY = RawFile(
    name="reinforcement_team_survey",
    filename="reinforcement_team_survey.csv",
    description="The förstärkningsteam's evaluation survey to caseworkers as the report prints it: the number of "
                "respondents and each printed share (years in the job, answers).",
    columns=[
        Column("item", "text", "Stable id of the printed figure; unique.", pattern=r"^[a-z0-9_]+$",
               pattern_rule="a lower-case ASCII id"),
        Column("group", "text", "respondents (the number who answered, exactly one row), years (years in the job) "
                                "or answers (the other questions).", allowed=REINFORCEMENT_TEAM_GROUPS),
        Column("label", "text", "What the figure counts, in the report's words (Swedish)."),
        Column("qualifier", "text", "The word the report puts before the share ('ca', 'över'); blank when none.",
               required=False, allowed=REINFORCEMENT_TEAM_QUALIFIERS),
        Column("count", "int", "Respondents (the respondents row only).", required=False, minimum=1,
               unit="persons", **AT_MOST_STAFF),
        Column("printed_percent", "text", "The share exactly as printed, decimal comma kept; '23,' keeps the "
                                          "decimal digit the print lost.", required=False, unit="per cent",
               pattern=r"^(100(,0*)?|[0-9]{1,2}(,[0-9]*)?)$",
               pattern_rule="a percentage from 0 to 100 as printed: digits, optionally a decimal comma and the "
                            "decimals printed (none when the print lost them), without '%'"),
        SOURCE,
    ],
    key=["item"],
    exactly_one=[ExactlyOne("group", "respondents",
                            "exactly one row must have group 'respondents' (the number who answered)",
                            "every share is read against that one number of respondents")],
)

SURVEY_RESPONSES = RawFile(
    name=survey.RAW_NAME,
    filename=f"{survey.RAW_NAME}.csv",
    description="The employee survey export (Bilaga 3): one row per respondent and occasion. Not anonymous; "
                "the committed file is synthetic demonstration data (see its .meta.json).",
    columns=[
        Column("respondent_id", "text", "Pseudonymous code of the respondent, the same at every occasion.",
               pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,31}$",
               pattern_rule="a pseudonymous code: an ASCII letter, then letters, digits, '_' or '-' "
                            "(never a name, e-mail address or personnummer)"),
        Column("occasion", "text", "Survey occasion: VT (spring) or HT (autumn) and the year, from report.yml's "
                                   "survey_start to the current year.",
               allowed="survey_occasions", pattern=survey.OCCASION_PATTERN,
               pattern_rule="VT or HT followed by a four-digit year, without spaces"),
        Column("administration", "text", "Administration the respondent works in (a district or a central one).",
               allowed="survey_administration_names"),
        Column("area", "text", "Field of work (verksamhetsområde).", allowed=survey.AREAS),
        Column("profession", "text", "Profession.", allowed=PROFESSIONS),
        *[Column(name, "text", f"Answer to '{text}' on the five-point scale; blank when not answered.",
                 required=False, allowed=survey.SCALE) for name, text in survey.STATEMENTS.items()],
        Column("comment", "text", "Free-text motivation. Never leaves validation: it is dropped before counting.",
               required=False),
    ],
    key=["respondent_id", "occasion"],
)

RAW_FILES = [
    ADMINISTRATIONS,
    TURNOVER,
    CONSULTANTS,
    DISTRICT_FACTS,
    ACTION_PLAN_POINTS,
    RESEARCHER_RESPONDENTS,
    RESEARCHER_RANKINGS,
    RESEARCHER_OPEN_ANSWERS,
    PUBLISHED_CLAIMS,
    SURVEY_RESPONSES,
    REINFORCEMENT_TEAM_SURVEY,
]
BY_NAME = {f.name: f for f in RAW_FILES}
