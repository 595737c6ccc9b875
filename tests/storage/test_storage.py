"""Files are written whole or not at all, hashed, and re-checked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from correspondence import storage as archive
from correspondence.errors import ArchiveFailed


def test_write_atomic_leaves_no_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    calls = {"n": 0}
    real = os.replace

    def flaky(src: Any, dst: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError("disk full")
        real(src, dst)

    monkeypatch.setattr(os, "replace", flaky)
    with pytest.raises(ArchiveFailed):
        archive.write_atomic({tmp_path / "a.pdf": b"x", tmp_path / "b.docx": b"y"})
    assert list(tmp_path.iterdir()) == []


def test_store_returns_paths_and_hashes_and_check_finds_changes(tmp_path: Path) -> None:
    import hashlib

    files = archive.store({"a.pdf": b"one", "b.docx": b"two"}, tmp_path / "out" / "x", tmp_path)
    assert files == [{"path": "out/x/a.pdf", "sha256": hashlib.sha256(b"one").hexdigest()},
                     {"path": "out/x/b.docx", "sha256": hashlib.sha256(b"two").hexdigest()}]
    assert [archive.check(f, tmp_path) for f in files] == [None, None]
    (tmp_path / "out" / "x" / "a.pdf").write_bytes(b"swapped")
    (tmp_path / "out" / "x" / "b.docx").unlink()
    assert [archive.check(f, tmp_path) for f in files] == ["changed", "missing"]


def test_write_new_never_replaces(tmp_path: Path) -> None:
    from correspondence.errors import UsageError

    archive.write_new(tmp_path / "a.yaml", b"first")
    with pytest.raises(UsageError):
        archive.write_new(tmp_path / "a.yaml", b"second")
    assert (tmp_path / "a.yaml").read_bytes() == b"first"
