"""Turn the ``lint`` command into a call of the lint book: the ND 30 departures of a DOCX made in Word."""

from __future__ import annotations

import zipfile
from pathlib import Path

from correspondence import storage
from correspondence.errors import UsageError
from correspondence.i18n import _
from correspondence.lint.checks import Finding, component_name, lint
from correspondence.lint.fixing import corrected
from correspondence.records.word import docx_out_of_bounds

__all__ = ["Finding", "component_name", "lint_docx", "lint_fix"]


def lint_docx(path: Path) -> list[Finding]:
    """Every departure from ND 30's thể thức the DOCX at ``path`` shows; a file that is not a DOCX is refused."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(_("{file}: no such file").format(file=path))
    if not zipfile.is_zipfile(path):
        raise UsageError(_("{file} is not a Word document (.docx)").format(file=path.name))
    why = docx_out_of_bounds(path)
    if why is not None:
        raise UsageError(f"{path.name}: {why}")
    try:
        return lint(path)
    except (KeyError, ValueError, zipfile.BadZipFile) as error:
        raise UsageError(_("{file} is not a Word document (.docx)").format(file=path.name)) from error


def lint_fix(path: Path, output: Path | None = None) -> tuple[Path, list[Finding]]:
    """A corrected copy of the DOCX at ``path`` (``output``, else ``<name>-sua.docx`` beside it; never over a file
    that exists, the original untouched) with what can be fixed mechanically fixed, and what still departs."""
    path = Path(path)
    target = Path(output) if output is not None else path.with_name(f"{path.stem}-sua.docx")
    storage.refuse_archived(target)
    if target.resolve() == path.resolve() or target.exists():
        raise UsageError(_("{path} already exists: choose another name").format(path=target))
    lint_docx(path)  # a file that is not a DOCX is refused before anything is written
    storage.write_new(target, corrected(path))
    return target, lint(target)
