"""What the project's environments install: pinned by the locks, with nothing that phones home."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCKS = sorted(ROOT.glob("requirements*.lock"))
# Telemetry clients, and ploomber's packages that bring one (ploomber-core → posthog) or a JupyterLab
# extension whose share button uploads notebooks (ploomber-extension).
REFUSED = {"posthog", "ploomber-core", "ploomber-engine", "ploomber-extension", "jupyterlab-telemetry", "segment-analytics-python"}


def pins(lock: Path) -> set[str]:
    names = set()
    for line in lock.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)==", line)
        if match:
            names.add(match.group(1).lower().replace("_", "-"))
    return names


def test_the_locks_exist_and_pin_the_build_the_tests_and_jupyterlab():
    assert {lock.name for lock in LOCKS} >= {"requirements.lock", "requirements-test.lock", "requirements-lab.lock"}
    assert "papermill" in pins(ROOT / "requirements.lock") and "jupyterlab" in pins(ROOT / "requirements-lab.lock")


def test_no_environment_installs_telemetry_or_an_upload_extension():
    for lock in LOCKS:
        assert pins(lock) & REFUSED == set(), lock.name
