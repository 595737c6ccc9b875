"""Turn the ``lint`` command into a call of the lint book: the ND 30 departures of a DOCX made in Word."""

from __future__ import annotations

import zipfile
from pathlib import Path

from correspondence.errors import UsageError
from correspondence.i18n import _
from correspondence.lint.checks import Finding, component_name, lint

__all__ = ["Finding", "component_name", "lint_docx"]


def lint_docx(path: Path) -> list[Finding]:
    """Every departure from ND 30's thể thức the DOCX at ``path`` shows; a file that is not a DOCX is refused."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(_("{file}: no such file").format(file=path))
    if not zipfile.is_zipfile(path):
        raise UsageError(_("{file} is not a Word document (.docx)").format(file=path.name))
    try:
        return lint(path)
    except (KeyError, ValueError, zipfile.BadZipFile) as error:
        raise UsageError(_("{file} is not a Word document (.docx)").format(file=path.name)) from error
