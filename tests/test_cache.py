"""The build's content-addressed store keeps what the next build may reuse, within its limits."""
import os
import time

import pytest

from pipeline.build import cache


def _entry(root, name: str, size: int, age_days: float):
    path = root / "pdf" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * size)
    moment = time.time() - age_days * 86400
    os.utime(path, (moment, moment))
    return path


def test_prune_drops_old_entries_then_the_least_recently_used_beyond_the_size_limit(tmp_path):
    stale = _entry(tmp_path, "stale", 10, cache.MAX_AGE_DAYS + 1)
    oldest = _entry(tmp_path, "oldest", 400, 3)
    older = _entry(tmp_path, "older", 400, 2)
    recent = _entry(tmp_path, "recent", 400, 0)
    cache.prune(max_bytes=900, root=tmp_path)
    assert not stale.exists() and not oldest.exists()
    assert older.exists() and recent.exists()


def test_a_stored_directory_comes_back_byte_for_byte(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "ROOT", tmp_path / "cache")
    source = tmp_path / "docs"
    (source / "static").mkdir(parents=True)
    (source / "index.html").write_text("<p>validerad</p>", encoding="utf-8")
    (source / "static" / "logo.png").write_bytes(bytes(range(256)))
    cache.store_tree("validation", "key", source)
    assert not cache.fetch_tree("validation", "other-key", tmp_path / "missing")
    assert cache.fetch_tree("validation", "key", tmp_path / "restored")
    assert (tmp_path / "restored" / "index.html").read_text(encoding="utf-8") == "<p>validerad</p>"
    assert (tmp_path / "restored" / "static" / "logo.png").read_bytes() == bytes(range(256))


def test_a_write_that_fails_leaves_no_entry_and_no_temporary_file(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "ROOT", tmp_path / "cache")

    def failing(temporary):
        temporary.write_bytes(b"half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"), cache._aside("pdf", "key") as temporary:
        failing(temporary)
    assert list((tmp_path / "cache" / "pdf").iterdir()) == []
    assert cache.read("pdf", "key") is None
