"""The import rule of docs/architecture.md: data flows one way through the stages.

A module imports from its own stage, from earlier stages and from the shared modules at
the top of ``pipeline/``; never from a later stage. Every import is read from the source
(``ast``), imports inside functions included, so a late import cannot hide a step back.
"""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "pipeline"
STAGES = ["ingest", "process", "present", "build"]  # in the order data flows
SHARED = {"config", "paths", "errors", "formatting"}
# Not steps of the build: they may use every stage, and no stage may use them.
APART = {"tools", "__main__", "__init__"}


def place(module: str) -> str:
    """'pipeline.process.turnover' → 'process'; 'pipeline.paths' → 'shared'; 'pipeline' → '__init__'."""
    parts = module.split(".")
    if parts[0] != "pipeline":
        return "outside"
    if len(parts) == 1:
        return "__init__"
    if parts[1] in STAGES or parts[1] in APART:
        return parts[1]
    if parts[1] in SHARED:
        return "shared"
    raise AssertionError(f"{module}: not in a stage, not shared and not apart; place it in docs/architecture.md")


def imported(tree: ast.AST, module: str) -> list[tuple[int, str]]:
    """(line, module) for every import of a pipeline module in ``tree``."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against the importing module's package
                package = module.split(".")[:-node.level]
                base = ".".join(package + ([base] if base else []))
            if base == "pipeline" or (base.startswith("pipeline.") and base.count(".") == 1 and
                                      base.split(".")[1] in STAGES + ["tools"]):
                # `from pipeline import paths` or `from pipeline.process import turnover`: each name is a module
                found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, base))
    return [(line, name) for line, name in found if name.split(".")[0] == "pipeline"]


def allowed(source: str, target: str) -> bool:
    if source in APART or target == "outside":
        return True
    if target in APART:
        return False
    if source == "shared":
        return target == "shared"
    if target == "shared":
        return True
    return STAGES.index(target) <= STAGES.index(source)


def violations(root: Path = PACKAGE) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root.parent)
        module = ".".join(relative.with_suffix("").parts)
        if module.endswith(".__init__"):
            module = module[: -len(".__init__")]
        source = "__init__" if module == "pipeline" else place(module)
        for line, target in imported(ast.parse(path.read_text(encoding="utf-8")), module):
            if not allowed(source, place(target)):
                found.append(f"{relative}:{line}: {source} imports {target} ({place(target)})")
    return found


def test_every_import_follows_the_data_flow():
    assert violations() == []


def test_every_module_sits_in_a_stage_or_among_the_shared_ones():
    for path in PACKAGE.rglob("*.py"):
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        place(module.removesuffix(".__init__"))


@pytest.mark.parametrize("source, target, expected", [
    ("process", "build", False), ("ingest", "process", False), ("present", "build", False),
    ("shared", "ingest", False), ("build", "ingest", True), ("present", "process", True),
    ("process", "shared", True), ("tools", "build", True), ("build", "tools", False),
])
def test_the_rule_itself(source, target, expected):
    assert allowed(source, target) is expected


def test_a_process_module_that_imports_from_build_is_caught(tmp_path):
    """The rule applied to a copy of the package in which one process module reaches into build."""
    import shutil

    copy = tmp_path / "pipeline"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "templates"))
    turnover = copy / "process" / "turnover.py"
    turnover.write_text(turnover.read_text(encoding="utf-8") + "\n\ndef late():\n    from pipeline.build import cache\n",
                        encoding="utf-8")
    found = violations(copy)
    assert len(found) == 1 and found[0].startswith("pipeline/process/turnover.py:") and "pipeline.build.cache" in found[0]
