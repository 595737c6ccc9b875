"""Turn the ``lint`` command into a call of the lint book: the ND 30 departures of a DOCX made in Word."""

from __future__ import annotations

import zipfile
from pathlib import Path

from correspondence import storage
from correspondence.errors import InvalidRecord, UsageError
from correspondence.i18n import _
from correspondence.lint.checks import Finding, component_name, lint
from correspondence.lint.fixing import corrected
from correspondence.records.word import docx_out_of_bounds
from correspondence.validate import load_agency
from correspondence.validate.schema import CoQuan
from correspondence.workspace import agencies, agency_profile, find_root, no_office

__all__ = ["Finding", "component_name", "lint_docx", "lint_fix"]


def _profile(workspace: Path | None, agency: str | None) -> CoQuan | None:
    """The profile of the agency named, else of the workspace's only agency; None when it has none or several."""
    root = workspace or find_root()
    if agency is None:
        found = [name for name in agencies(root) if agency_profile(root, name).is_file()]
        if len(found) != 1:
            return None
        agency = found[0]
    path = agency_profile(root, agency)
    if not path.is_file():
        raise no_office(root, agency)
    profile, problems = load_agency(path)
    if profile is None:
        raise InvalidRecord(_("invalid agency profile"), problems)
    return profile


def lint_docx(path: Path, workspace: Path | None = None, agency: str | None = None) -> list[Finding]:
    """Every departure from ND 30's thể thức the DOCX at ``path`` shows; a file that is not a DOCX is refused. The
    signer's authority is checked too where the agency's profile (``agency``, else the workspace's only one) knows
    the signer."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(_("{file}: no such file").format(file=path))
    if not zipfile.is_zipfile(path):
        raise UsageError(_("{file} is not a Word document (.docx)").format(file=path.name))
    why = docx_out_of_bounds(path)
    if why is not None:
        raise UsageError(f"{path.name}: {why}")
    profile = _profile(workspace, agency)
    try:
        return lint(path, profile)
    except (KeyError, ValueError, zipfile.BadZipFile) as error:
        raise UsageError(_("{file} is not a Word document (.docx)").format(file=path.name)) from error


def lint_fix(path: Path, output: Path | None = None, workspace: Path | None = None,
             agency: str | None = None) -> tuple[Path, list[Finding]]:
    """A corrected copy of the DOCX at ``path`` (``output``, else ``<name>-sua.docx`` beside it; never over a file
    that exists, the original untouched) with what can be fixed mechanically fixed, and what still departs."""
    path = Path(path)
    target = Path(output) if output is not None else path.with_name(f"{path.stem}-sua.docx")
    storage.refuse_archived(target)
    if target.resolve() == path.resolve() or target.exists():
        raise UsageError(_("{path} already exists: choose another name").format(path=target))
    lint_docx(path, workspace, agency)  # a file that is not a DOCX, an unknown agency: refused before anything is written
    storage.write_new(target, corrected(path))
    return target, lint(target, _profile(workspace, agency))
