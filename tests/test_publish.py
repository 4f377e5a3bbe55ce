"""Publishing is one step: the report and the data it was computed from change together or not at all.

``output/`` holds the processed datasets (``output/data/``, linked from ``data/processed``)
and is swapped whole. A mounted or read-only ``output/`` is refused with a message and
both trees are left as they were; an interrupt right after the swap leaves a complete
edition whose manifest Make can never delete; a full disk is one message.
"""
import errno
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, run_pipeline, tree_digest
from pipeline.ingest import inputs
from pipeline.build import publish
from pipeline.errors import InputError


def edition(root: Path, label: str) -> Path:
    """A small published-looking tree: a report, a manifest and a dataset."""
    (root / "data").mkdir(parents=True)
    (root / "report.html").write_text(f"<html>{label}</html>", encoding="utf-8")
    (root / "manifest.json").write_text(json.dumps({"label": label}), encoding="utf-8")
    (root / "data" / "turnover.csv").write_text(f"label\n{label}\n", encoding="utf-8")
    return root


@pytest.fixture()
def site(tmp_path, monkeypatch):
    """A project folder with a published edition 'old' and a staged edition 'new'."""
    monkeypatch.setattr(publish, "BUILD_DIR", tmp_path / ".build")
    output, processed = tmp_path / "output", tmp_path / "data" / "processed"
    edition(output, "old")
    publish.link_processed(processed, output)
    stage = tmp_path / ".build" / "stage-1"
    edition(stage / "output", "new")
    return output, processed, stage


def test_publishing_swaps_report_and_data_in_one_step(site):
    output, processed, stage = site
    publish.publish(stage, output, processed)
    assert (output / "report.html").read_text() == "<html>new</html>"
    assert (processed / "turnover.csv").read_text() == "label\nnew\n", "data/processed must follow output/"
    assert processed.is_symlink() and os.readlink(processed) == "../output/data"
    assert not stage.exists()


@pytest.mark.parametrize("number", [errno.EROFS, errno.EBUSY, errno.EXDEV])
def test_a_blocked_swap_is_one_message_and_leaves_both_trees_as_they_were(site, monkeypatch, number):
    output, processed, stage = site
    before = tree_digest(output, processed)
    monkeypatch.setattr(publish, "_exchange", lambda a, b: number)
    with pytest.raises(InputError) as refused:
        publish.publish(stage, output, processed)
    message = str(refused.value)
    assert "cannot publish" in message and "output/ and data/processed/ are left as they were" in message
    assert ("read-only" in message) == (number == errno.EROFS)
    assert ("mount point" in message) == (number != errno.EROFS)
    assert tree_digest(output, processed) == before


def test_without_an_atomic_exchange_a_failed_second_rename_is_undone(site, monkeypatch):
    output, processed, stage = site
    before = tree_digest(output, processed)
    monkeypatch.setattr(publish, "_exchange", lambda a, b: None)
    real_rename = os.rename

    def rename(source, target):
        if Path(source) == stage / "output":
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_rename(source, target)

    monkeypatch.setattr(publish.os, "rename", rename)
    with pytest.raises(InputError):
        publish.publish(stage, output, processed)
    assert tree_digest(output, processed) == before


def test_an_interrupt_right_after_the_swap_leaves_a_complete_edition(site, monkeypatch):
    output, processed, stage = site
    shutil.rmtree(processed.parent)  # the first publication: data/processed is not linked yet

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(publish, "link_processed", interrupted)
    with pytest.raises(KeyboardInterrupt):
        publish.publish(stage, output, processed)
    assert json.loads((output / "manifest.json").read_text())["label"] == "new"
    assert (output / "data" / "turnover.csv").read_text() == "label\nnew\n"
    snapshot = inputs.Snapshot({})
    assert not inputs.unchanged(snapshot, output, processed), "a missing link must make the next build publish again"


def test_no_make_target_can_delete_the_manifest():
    """Make deletes the target of a recipe it interrupts; the manifest is no target of any rule."""
    rules = subprocess.run(["make", "-pn", "-f", str(ROOT / "Makefile"), "help"], cwd=ROOT, capture_output=True,
                           text=True).stdout
    assert "\noutput/manifest.json:" not in rules


@pytest.fixture()
def copy_of_built(built_project, tmp_path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(built_project, root, symlinks=True)
    return root


def _mount_tmpfs(where: Path, size: str) -> bool:
    where.mkdir(parents=True, exist_ok=True)
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                          capture_output=True).returncode == 0


def test_a_mounted_output_folder_is_refused_before_anything_is_built(copy_of_built):
    """As a Docker volume on output/: the build says so at once and changes nothing."""
    output = copy_of_built / "output"
    kept = copy_of_built.parent / "kept-output"
    shutil.move(output, kept)
    if not _mount_tmpfs(output, "64m"):
        shutil.move(kept, output)
        pytest.skip("mounting a file system needs root")
    try:
        shutil.copytree(kept, output, dirs_exist_ok=True)
        (copy_of_built / "report.yml").write_text((copy_of_built / "report.yml").read_text() + "\n# changed\n")
        before = tree_digest(output)
        result = run_pipeline(copy_of_built, "report")
        after = tree_digest(output)
    finally:
        subprocess.run(["umount", str(output)], check=True)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "cannot publish: output/ is a mount point" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "[validate]" not in result.stdout
    assert after == before


def test_a_full_disk_is_one_message_and_publishes_nothing(copy_of_built):
    build_dir = copy_of_built / ".build"
    shutil.rmtree(build_dir)
    before = tree_digest(copy_of_built / "output")
    if not _mount_tmpfs(build_dir, "3m"):
        pytest.skip("mounting a file system needs root")
    try:
        (copy_of_built / "report.yml").write_text((copy_of_built / "report.yml").read_text() + "\n# changed\n")
        result = run_pipeline(copy_of_built, "report")
    finally:
        subprocess.run(["umount", str(build_dir)], check=True)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "No space left on device" in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert "Nothing was published; output/ is unchanged." in result.stderr
    assert tree_digest(copy_of_built / "output") == before
