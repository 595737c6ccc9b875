"""Turn the workspace's word on the PDF engine into a refusal or a notice: PDFs are laid out by Typst alone.

WeasyPrint (and with it the agency's own HTML/CSS templates) is no longer shipped. An office that still names another
engine ($CORRESPONDENCE_PDF_ENGINE, ``pdf_engine:`` in registers/config.yaml) is refused, saying where, before any
number is taken (callers ask ``check_pdf_engine`` first); ``typst`` there is accepted. HTML/CSS templates left in the
workspace's ``templates/`` are said to be unused each time a PDF is laid out, never silently dropped."""

from __future__ import annotations

import os
from pathlib import Path

from correspondence.errors import Problem, UsageError
from correspondence.i18n import _
from correspondence.progress import notice
from correspondence.records.loader import load_data
from correspondence.workspace import CONFIG, ENV_PDF_ENGINE, shown

PDF_ENGINE = "typst"


def _other(value: object) -> bool:
    """Whether ``value`` names an engine other than Typst (nothing, or ``typst`` in any case, is Typst)."""
    return value is not None and str(value).strip().lower() not in ("", PDF_ENGINE)


def check_pdf_engine(workspace: Path | None) -> None:
    """Refuse an engine other than Typst named by $CORRESPONDENCE_PDF_ENGINE or ``pdf_engine:`` in
    registers/config.yaml, saying where and what to do."""
    message = _("PDFs are laid out by Typst only: WeasyPrint is no longer shipped")
    asked = os.environ.get(ENV_PDF_ENGINE)
    if _other(asked):
        raise UsageError(message, [Problem(f"${ENV_PDF_ENGINE}", "", _("the PDF engine '{name}' is not available").format(
            name=asked), _("unset {variable} or set it to typst").format(variable=ENV_PDF_ENGINE))])
    config = workspace / CONFIG if workspace is not None else None
    if config is None or not config.is_file():
        return
    located, problems = load_data(config, shown(config))
    if problems:
        raise UsageError(_("{file} cannot be read").format(file=shown(config)), problems)
    assert located is not None
    if isinstance(located.data, dict) and _other(located.data.get("pdf_engine")):
        raise UsageError(message, [Problem(located.where(("pdf_engine",)), "pdf_engine", _(
            "the PDF engine '{name}' is not available").format(name=located.data["pdf_engine"]), _(
            "delete this line, or write pdf_engine: typst"))])


def html_templates(workspace: Path | None) -> list[Path]:
    """The agency's own HTML/CSS templates in the workspace (``templates/*.html``, ``*.css``): WeasyPrint's, no
    longer used."""
    folder = workspace / "templates" if workspace is not None else None
    if folder is None or not folder.is_dir():
        return []
    return sorted([*folder.glob("*.html"), *folder.glob("*.css")])


def notice_html_templates(workspace: Path | None) -> None:
    """Say that the workspace's HTML/CSS templates are not used, and where the agency's own PDF layout goes."""
    unused = html_templates(workspace)
    if unused:
        notice(_("{names}: HTML/CSS templates are no longer used (WeasyPrint is no longer shipped), the PDF is laid "
                 "out by Typst; put the agency's own PDF layout in templates/van_ban.typ").format(
            names=", ".join(f"templates/{path.name}" for path in unused)))
