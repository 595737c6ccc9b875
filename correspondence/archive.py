"""Turn rendered bytes into files kept for good: written atomically, hashed with SHA-256, re-checked later.

Nothing here knows about records or registers: the issuing transaction hands over bytes and file
names and keeps the hashes this module returns.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from pathlib import Path
from typing import Literal

from correspondence.errors import UsageError
from correspondence.i18n import _

FileRecord = dict[str, str]  # {"path": relative to the workspace, "sha256": hex digest}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_atomic(files: dict[Path, bytes]) -> list[Path]:
    """Write every file through a temporary file and a rename; nothing is left half-written."""
    staged: list[tuple[str, Path]] = []
    try:
        for target, data in files.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            staged.append((tmp, target))
        for tmp, target in staged:
            os.replace(tmp, target)
    finally:
        for tmp, _target in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return list(files)


def write_new(path: Path, data: bytes) -> None:
    """Write a new file; refuse to replace one that exists."""
    if path.exists():
        raise UsageError(_("{path} already exists: choose another name").format(path=path))
    write_atomic({path: data})


def store(rendered: dict[str, bytes], folder: Path, root: Path) -> list[FileRecord]:
    """Write the files named in ``rendered`` into ``folder``; their paths (relative to ``root``) and hashes."""
    targets = {folder / name: data for name, data in rendered.items()}
    write_atomic(targets)
    return [{"path": os.path.relpath(path, root), "sha256": sha256(data)} for path, data in targets.items()]


def check(item: FileRecord, root: Path) -> Literal["missing", "changed"] | None:
    """Whether a stored file is still there, byte for byte."""
    path = root / item["path"]
    if not path.is_file():
        return "missing"
    if sha256(path.read_bytes()) != item["sha256"]:
        return "changed"
    return None


def sweep(folder: Path, pattern: str, older_than: float) -> None:
    """Remove temporary files a crash left behind under ``folder`` (those older than ``older_than`` seconds)."""
    cutoff = dt.datetime.now().timestamp() - max(older_than, 1.0)
    for stale in folder.glob(pattern):
        try:
            if stale.stat().st_mtime < cutoff:
                stale.unlink()
        except FileNotFoundError:
            pass
