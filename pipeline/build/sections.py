"""The report's sections in the report's order, and the parameters each notebook gets.

One list for the order of chapters in ``output/report.html``; the notebooks named here
declare exactly the parameters returned by ``parameters`` (a test checks this with
``papermill.inspect_notebook``). Each run also names the processed datasets it reads: a
run is redone only when one of those (or its notebook, parameters or the code) changed,
and the build refuses a notebook that reads a dataset its run does not name, so the list
cannot fall behind the notebook.
"""
from dataclasses import dataclass, field

from pipeline import config

PROCESSED_DIR = "data/processed"  # relative to the build tree the notebooks run in
SUMMARY = "summary"  # the key of the run whose chapter the report shows first, before its table of contents


@dataclass(frozen=True)
class Run:
    """One notebook execution: which notebook, where its executed copy goes, with what."""

    key: str               # unique id, also the prefix of the section's HTML ids
    notebook: str          # file under notebooks/
    executed: str          # path under output/notebooks/
    parameters: dict = field(default_factory=dict)
    reads: tuple[str, ...] = ()  # processed datasets (pipeline.process.datasets names) the notebook loads


# What each notebook takes from report.yml, by parameter name: notebooks never read report.yml
# themselves, so a notebook run standalone uses its parameters cell's defaults (a test holds
# those equal to report.yml) and a build passes the values it validated.
FROM_REPORT_YML = {
    "summary.ipynb": ["reference_year"],
    "turnover.ipynb": ["reference_year"],
    "survey.ipynb": ["survey_min_respondents"],
    "consultants.ipynb": [],
    "researcher.ipynb": [],
    "action_plan.ipynb": [],
    "administration.ipynb": ["reference_year", "survey_min_respondents"],
    "audit.ipynb": [],
}


def _parameters(notebook: str, params: config.ReportParams | None, **extra) -> dict:
    params = params or config.load()
    return {"processed_dir": PROCESSED_DIR, **{name: getattr(params, name) for name in FROM_REPORT_YML[notebook]},
            **extra}


def administration_run(name: str, slug: str, params: config.ReportParams | None = None) -> Run:
    """The administration notebook for one administration (one page, one chapter)."""
    return Run(f"admin-{slug}", "administration.ipynb", f"administrations/{slug}.ipynb",
               _parameters("administration.ipynb", params, administration=name),
               ("administrations", "turnover", "district_facts", "survey_shares"))


def report_runs(pages=None, params: config.ReportParams | None = None) -> list[Run]:
    """Every notebook run of the full report, in the order its chapters appear.

    ``pages`` is ``administration.pages(...)``: one run per administration, placed
    before the audit chapter as the report places the administrations' sections.
    ``params`` is report.yml as the build read it (read here when not given).
    """
    params = params or config.load()
    admin_runs = [administration_run(p.name, p.slug, params) for p in pages.itertuples()] if pages is not None else []
    return [
        # the Sammanfattning: rendered before the table of contents (report.render_documents), right after the title
        Run(SUMMARY, "summary.ipynb", "summary.ipynb", _parameters("summary.ipynb", params),
            ("turnover", "administrations", "consultants", "researcher_respondents", "researcher_point_totals",
             "survey_shares", "reconciliation")),
        Run("turnover", "turnover.ipynb", "turnover.ipynb", _parameters("turnover.ipynb", params),
            ("turnover", "administrations", "turnover_published_totals")),
        Run("survey", "survey.ipynb", "survey.ipynb", _parameters("survey.ipynb", params), ("survey_shares",)),
        Run("consultants", "consultants.ipynb", "consultants.ipynb", _parameters("consultants.ipynb", params),
            ("consultants",)),
        Run("researcher", "researcher.ipynb", "researcher.ipynb", _parameters("researcher.ipynb", params),
            ("researcher_respondents", "researcher_mentions", "researcher_point_totals", "researcher_open_answers",
             "reconciliation")),
        Run("action_plan", "action_plan.ipynb", "action_plan.ipynb", _parameters("action_plan.ipynb", params),
            ("action_plan_points", "key_figures", "reinforcement_team_survey", "reconciliation", "administrations")),
        *admin_runs,
        Run("audit", "audit.ipynb", "audit.ipynb", _parameters("audit.ipynb", params), ("reconciliation",)),
        # the researcher chapter's six ranked tables, at the end of the report as an appendix (it takes the
        # chapter's parameters)
        Run("researcher-appendix", "researcher_appendix.ipynb", "researcher_appendix.ipynb",
            _parameters("researcher.ipynb", params), ("researcher_mentions", "researcher_table_totals", "reconciliation")),
    ]
