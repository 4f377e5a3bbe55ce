"""The project is a proper package: ``pip install -e '.[test]'`` into a fresh virtual environment
gives an importable ``pipeline`` and a console script that builds the report.

Slow (marked ``install``): it installs every dependency into a new environment from the package
registry and then builds the whole report. The install is constrained by the locks, so the test
checks that pyproject.toml declares everything the build needs (a missing dependency is not
installed by a constraint) without depending on whatever the registry released last.
"""
import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, copy_project

DISTRIBUTION = "stockholm-handlingsplan-rapport"
SCRIPT = "handlingsplan-rapport"

pytestmark = pytest.mark.install


def _run(command, cwd, timeout):
    # PYTHONPATH would let the copy's code in without the install this test is about.
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A copy of the project installed editable, with the test extra, into a new venv."""
    base = tmp_path_factory.mktemp("package")
    # Installed from the copy, not from the checkout: an editable install points at its source.
    project = copy_project(base / "project")
    shutil.copy2(ROOT / "README.md", project / "README.md")  # pyproject.toml's readme
    venv = base / "venv"
    created = _run([sys.executable, "-m", "venv", str(venv)], cwd=base, timeout=300)
    assert created.returncode == 0, created.stdout + created.stderr
    install = _run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "-e", ".[test]", "-c", str(ROOT / "requirements.lock"), "-c", str(ROOT / "requirements-test.lock")],
                   cwd=project, timeout=1800)
    assert install.returncode == 0, install.stdout + install.stderr
    return project, venv


def test_the_installed_package_imports_from_the_copy_it_was_installed_from(installed):
    project, venv = installed
    # Run outside the copy, so only the install can make `pipeline` importable.
    result = _run([str(venv / "bin" / "python"), "-c", "import pipeline, pytest; print(pipeline.__file__)"],
                  cwd=venv, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == str(project / "pipeline" / "__init__.py")


def test_pytest_is_a_test_extra_not_a_runtime_requirement(installed):
    _, venv = installed
    code = ("import json; from importlib import metadata; "
            f"print(json.dumps(metadata.requires({DISTRIBUTION!r})))")
    result = _run([str(venv / "bin" / "python"), "-c", code], cwd=venv, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    requirements = json.loads(result.stdout)
    runtime = [r for r in requirements if "extra ==" not in r]
    extras = [r for r in requirements if "extra ==" in r]
    assert runtime and not any(r.lower().startswith("pytest") for r in runtime), runtime
    assert any(r.startswith("pytest") and 'extra == "test"' in r for r in extras), extras
    assert any(r.startswith("jupyterlab") and 'extra == "lab"' in r for r in extras), extras


def test_the_console_script_builds_the_report(installed):
    project, venv = installed
    result = _run([str(venv / "bin" / SCRIPT), "report"], cwd=project, timeout=1800)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (project / "output" / "report.pdf").is_file()
    manifest = json.loads((project / "output" / "manifest.json").read_text(encoding="utf-8"))
    assert all(manifest["packages"].values()), manifest["packages"]  # every dependency the manifest names is installed
