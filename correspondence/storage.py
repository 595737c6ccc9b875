"""Turn rendered bytes into files kept for good: staged, published write-once, hashed with SHA-256, re-checked later.

Issuing stages every file (a temporary file beside its target, written and synced) before a number
is taken, and publishes them after: a full disk fails before any number is used, and a published
file is never replaced by different bytes. Files and folders honour the umask, so a second clerk of a shared
workspace can read them, but are never given to other users (``workspace.file_mode``). Nothing here knows about
records or registers.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import socket
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from correspondence.errors import ArchiveFailed, UsageError, WriteFailed
from correspondence.i18n import _
from correspondence.workspace import archived, file_mode, folder_mode, make_folders, shown

FileRecord = dict[str, str]  # {"path": relative to the workspace, "sha256": hex digest}
HOST = socket.gethostname().replace(".", "_") or "host"
STALE_ELSEWHERE = 24 * 3600.0  # seconds: a temporary file of another machine older than this was abandoned


@dataclass(frozen=True)
class Staged:
    """A file written beside its target under a temporary name, waiting to be published."""

    temporary: Path
    target: Path
    sha256: str
    size: int = 0  # bytes


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _failed(path: Path, error: OSError) -> WriteFailed:
    if error.errno == errno.ENOSPC:
        why = _("the disk is full")
    elif error.errno == errno.ENAMETOOLONG:
        why = _("the file name is too long (at most 255 bytes)")
    elif error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = _("no permission to write there")
    else:
        why = error.strerror or str(error)
    return WriteFailed(_("cannot write {path}: {why}").format(path=shown(path), why=why))


def _temporary(target: Path) -> tuple[int, str]:
    """A new temporary file beside ``target``, named after its owner (host and process) for ``sweep``."""
    return tempfile.mkstemp(prefix=f".{target.name[:40]}.{HOST}-{os.getpid()}.", suffix=".tmp", dir=target.parent)


def stage(files: dict[Path, bytes], durable: bool = True) -> list[Staged]:
    """Write each file under a temporary name beside its target, synced (unless not ``durable``: a scratch file read
    once and removed, as a preview's pages); on any failure remove them all."""
    for target in files:
        _fits(target)
    staged: list[Staged] = []
    mode = file_mode()
    try:
        for target, data in files.items():
            try:
                make_folders(target.parent)
                fd, tmp = _temporary(target)
            except OSError as error:
                raise _failed(target, error) from None
            staged.append(Staged(Path(tmp), target, sha256(data), len(data)))
            try:
                with os.fdopen(fd, "wb") as handle:
                    os.fchmod(handle.fileno(), mode)
                    handle.write(data)
                    handle.flush()
                    if durable:
                        os.fsync(handle.fileno())
            except OSError as error:
                raise _failed(target, error) from None
    except BaseException:
        discard(staged)
        raise
    return staged


def discard(staged: Iterable[Staged]) -> None:
    """Remove staged files that will not be published."""
    for item in staged:
        try:
            item.temporary.unlink()
        except FileNotFoundError:
            pass


def publish(staged: list[Staged], root: Path) -> list[FileRecord]:
    """Give each staged file its name, never replacing an existing file by different bytes (the same bytes are
    already published: nothing to do). Their paths, relative to ``root``, and hashes."""
    conflicts = [item for item in staged if item.target.exists() and sha256(item.target.read_bytes()) != item.sha256]
    if conflicts:
        discard(staged)
        raise ArchiveFailed(_("{path} already holds another issued document: it is never overwritten").format(
            path=shown(conflicts[0].target)))
    named: list[Path] = []
    for item in staged:
        try:
            try:
                os.link(item.temporary, item.target)
                named.append(item.target)
            except FileExistsError:
                pass  # the same bytes, published by an earlier attempt
            except OSError:
                if not item.target.exists():  # a file system without hard links
                    os.replace(item.temporary, item.target)
                    named.append(item.target)
        except OSError as error:  # a full disk: none of this call's names is left, nor a staged file
            for path in named:
                path.unlink(missing_ok=True)
            discard(staged)
            raise _failed(item.target, error) from None
        try:
            item.temporary.unlink()
        except FileNotFoundError:
            pass
    return [{"path": os.path.relpath(item.target, root), "sha256": item.sha256} for item in staged]


def store(rendered: dict[str, bytes], folder: Path, root: Path) -> list[FileRecord]:
    """Stage and publish the files named in ``rendered`` into ``folder``."""
    return publish(stage({folder / name: data for name, data in rendered.items()}), root)


NAME_MAX = 255  # bytes in one name of a path, on every usual file system


def _fits(path: Path | str) -> None:
    """Refuse a path with a name longer than a file system takes, naming it, before anything is written."""
    if any(len(os.fsencode(part)) > NAME_MAX for part in Path(path).parts):
        raise ArchiveFailed(_("cannot write {path}: {why}").format(
            path=shown(path), why=_("the file name is too long (at most 255 bytes)")))


def refuse_archived(path: Path | str | None, root: Path | str | None = None) -> None:
    """Refuse, before any work, a place a command was asked to write (its ``-o``) that is the standard output
    (``-``, not supported), too long a name, an issued original, a folder of the archive or the register: those are
    written by issuing only, never replaced."""
    if path is None:
        return
    if str(path) == "-":
        raise UsageError(_("-o -: the tool does not write to the standard output; give a file or folder name"))
    _fits(path)
    what = archived(Path(path), Path(root) if root is not None else None)
    if what == "archive":
        raise UsageError(_("{path} is in the archive of issued originals (output/<agency>/<year>/): an output option "
                           "never writes there; choose another place").format(path=shown(path)))
    if what == "register":
        raise UsageError(_("{path} is a file of the register: an output option never writes there; choose another "
                           "place").format(path=shown(path)))


def write_atomic(files: dict[Path, bytes], into_archive: bool = False) -> list[Path]:
    """Write every file through a temporary file and a rename, replacing what was there (drafts, exports, notes);
    nothing is left half-written. Only ``into_archive`` (a note beside a voided original, a received file) may
    write into the archive of issued originals."""
    if not into_archive:
        for path in files:
            refuse_archived(path)
    staged = stage(files)
    try:
        for item in staged:
            os.replace(item.temporary, item.target)
    except OSError as error:
        discard(staged)
        raise _failed(staged[0].target, error) from None
    return list(files)


def write_streamed(target: Path, fill: Callable[[Path], None], into_archive: bool = False) -> Path:
    """Write ``target`` (a draft, a file to print: never an issued original) through a temporary file beside it that
    ``fill`` writes — a file too large to hold in memory is written a piece at a time — then a rename; nothing is
    left half-written. Only ``into_archive`` (a received file kept) may write into the archive."""
    if into_archive:
        _fits(target)
    else:
        refuse_archived(target)
    try:
        make_folders(target.parent)
        fd, tmp = _temporary(target)
        os.close(fd)
    except OSError as error:
        raise _failed(target, error) from None
    temporary = Path(tmp)
    try:
        fill(temporary)
        os.chmod(temporary, file_mode())
        with temporary.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise _failed(target, error) from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target


def copy_atomic(source: Path, target: Path, digest: str) -> None:
    """Copy ``source`` to ``target`` a piece at a time (a file of any size, in little memory), through a temporary
    file and a rename; refused, nothing left, when the bytes copied are not those of SHA-256 ``digest`` (the file
    changed while it was read)."""

    def fill(temporary: Path) -> None:
        copied = hashlib.sha256()
        with temporary.open("wb") as handle, source.open("rb") as reading:
            while block := reading.read(1 << 20):
                copied.update(block)
                handle.write(block)
        if copied.hexdigest() != digest:
            raise ArchiveFailed(_("{path} changed while it was being read: try again").format(path=shown(source)))

    write_streamed(target, fill, into_archive=True)


def write_new(path: Path, data: bytes) -> None:
    """Write a new file; refuse to replace one that exists."""
    refuse_archived(path)
    if path.exists():
        raise UsageError(_("{path} already exists: choose another name").format(path=path))
    write_atomic({path: data})


def write_folder(folder: Path, files: dict[str, bytes]) -> None:
    """Write a new folder of files (paths relative to it) all at once: built under a temporary name beside it, then
    renamed; a failure halfway leaves nothing. Refused when ``folder`` exists."""
    refuse_archived(folder)
    if folder.exists():
        raise UsageError(_("{path} already exists: choose another name").format(path=folder))
    try:
        make_folders(folder.parent)
        building = Path(tempfile.mkdtemp(prefix=f".{folder.name[:40]}.{HOST}-{os.getpid()}.", suffix=".tmp",
                                         dir=folder.parent))
    except OSError as error:
        raise _failed(folder, error) from None
    mode = file_mode()
    try:
        for relative, data in sorted(files.items()):
            path = building / relative
            make_folders(path.parent)
            with open(path, "wb") as handle:
                os.fchmod(handle.fileno(), mode)
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        building.chmod(folder_mode())  # mkdtemp made it private; the package is read like any folder
        os.rename(building, folder)
    except OSError as error:
        shutil.rmtree(building, ignore_errors=True)
        raise _failed(folder, error) from None
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise


def check(item: FileRecord, root: Path) -> Literal["missing", "changed"] | None:
    """Whether a stored file is still there, byte for byte."""
    path = root / item["path"]
    if not path.is_file():
        return "missing"
    if sha256(path.read_bytes()) != item["sha256"]:
        return "changed"
    return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def owner_alive(host: str, pid: int, age: float) -> bool:
    """Whether the process that wrote a temporary file (or holds a lease) may still be at work."""
    if host == HOST:
        return _alive(pid)
    return age < STALE_ELSEWHERE


def sweep(folder: Path, pattern: str) -> list[Path]:
    """Remove temporary files (and folders) whose writer is gone (a crash), never those of a process still at work."""
    removed = []
    now = time.time()
    for stale in folder.glob(pattern):
        parts = stale.name.rsplit(".", 3)  # .<name>.<host>-<pid>.<random>.tmp
        owner = parts[1] if len(parts) == 4 else ""
        host, _sep, pid = owner.rpartition("-")
        try:
            age = now - stale.stat().st_mtime
            if pid.isdigit() and owner_alive(host, int(pid), age):
                continue
            if stale.is_dir():  # a folder package being built when its writer died
                shutil.rmtree(stale)
            else:
                stale.unlink()
            removed.append(stale)
        except FileNotFoundError:
            pass
    return removed
