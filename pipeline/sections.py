"""The report's sections in the report's order, and the parameters each notebook gets.

One list for the order of chapters in ``output/report.html``; the notebooks named here
declare exactly the parameters returned by ``parameters`` (a test checks this with
``papermill.inspect_notebook``).
"""
from dataclasses import dataclass, field

PROCESSED_DIR = "data/processed"  # relative to the build tree the notebooks run in


@dataclass(frozen=True)
class Run:
    """One notebook execution: which notebook, where its executed copy goes, with what."""

    key: str               # unique id, also the prefix of the section's HTML ids
    notebook: str          # file under notebooks/
    executed: str          # path under output/notebooks/
    parameters: dict = field(default_factory=dict)


def administration_run(name: str, slug: str) -> Run:
    """The administration notebook for one administration (one page, one chapter)."""
    return Run(f"admin-{slug}", "administration.ipynb", f"administrations/{slug}.ipynb",
               {"processed_dir": PROCESSED_DIR, "administration": name})


def report_runs(pages=None) -> list[Run]:
    """Every notebook run of the full report, in the order its chapters appear.

    ``pages`` is ``administration.pages(...)``: one run per administration, placed
    before the audit chapter as the report places the administrations' sections.
    """
    admin_runs = [administration_run(p.name, p.slug) for p in pages.itertuples()] if pages is not None else []
    return [
        Run("turnover", "turnover.ipynb", "turnover.ipynb", {"processed_dir": PROCESSED_DIR}),
        Run("survey", "survey.ipynb", "survey.ipynb", {"processed_dir": PROCESSED_DIR}),
        Run("consultants", "consultants.ipynb", "consultants.ipynb", {"processed_dir": PROCESSED_DIR}),
        Run("researcher", "researcher.ipynb", "researcher.ipynb", {"processed_dir": PROCESSED_DIR}),
        *admin_runs,
        Run("audit", "audit.ipynb", "audit.ipynb", {"processed_dir": PROCESSED_DIR}),
    ]
