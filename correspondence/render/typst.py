"""Turn the document model into PDF bytes with Typst: one template (``templates/van_ban.typ``) lays out the model,
handed over as JSON data, never as Typst source.

A peer of ``render/pdf.py`` (WeasyPrint) and ``render/docx.py``: it reads only the model. Every number of the layout
comes from the model's fields; the template holds none. The text of a record reaches Typst as JSON strings, shown as
text, so nothing a clerk types (``#``, ``[``, ``$``, ``\\`` …) can ever be read as Typst code. A number such as
``343/TTPVHCC-TT&GQTT`` is kept on one line by the template (a token holding a slash is one box).
"""

from __future__ import annotations

import atexit
import dataclasses
import datetime as dt
import json
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from correspondence import model as m
from correspondence.errors import RenderFailed
from correspondence.i18n import _
from correspondence.metrics import FACES, FONT_DIR
from correspondence.render.fonts import pdf_face
from correspondence.workspace import template_dirs

TEMPLATE = "van_ban.typ"
BOOK_TEMPLATE = "so_dang_ky.typ"
DEN_TEMPLATE = "dau_den.typ"
PAGES = "\u2063PageAmount\u2063"  # stands for the page count in the metadata file: the template writes it in


def _plain(value: Any, key: str = "") -> Any:
    """The model as JSON data: each dataclass a mapping tagged with its class name."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {"type": type(value).__name__}
        for item in dataclasses.fields(value):
            if item.name in ("du_lieu", "archival", "registration"):
                continue
            out[item.name] = _plain(getattr(value, item.name), item.name)
        return out
    if isinstance(value, tuple | list):
        return [_plain(item, key) for item in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


@lru_cache(maxsize=4)
def _metrics(regular: Path) -> tuple[float, float]:
    """The face's ascender and descender (in em), as both engines read them. (Its family name is the one the face is
    chosen by: reading the font's name table would cost a cold draft more than the layout does.)"""
    from fontTools.ttLib import TTFont

    font = TTFont(regular, lazy=True)
    units = font["head"].unitsPerEm
    hhea = font["hhea"]
    ascender, descender = hhea.ascent / units, -hhea.descent / units
    font.close()
    return ascender, descender


def data(document: m.Document, only_annex: int | None = None) -> dict[str, Any]:
    """What the template lays out: the model, what it derives (text width, line box of a boxed mark, the gaps
    under text), the face and its metrics, and the archival files."""
    sp = document.spacing
    archival = document.archival if only_annex is None else m.Archival()
    attachments = [{"name": a.name, "text": _text(a), "relationship": a.relationship.lower(), "mime": a.mime,
                    "description": a.description} for a in archival.attachments]
    if archival.attachments or archival.fields:
        fields = json.dumps({**archival.fields, "PageAmount": PAGES}, ensure_ascii=False, sort_keys=True, indent=1)
        attachments.append({"name": archival.fields_name, "text": fields, "relationship": "data",
                            "mime": "application/json",
                            "description": "Siêu dữ liệu văn bản (Nghị định 30/2020/NĐ-CP, Phụ lục VI)"})
    lines = document.pagination.lines
    if lines > 2:  # Typst's widow and orphan control keeps two lines together, never more: said, not ignored
        raise RenderFailed(_("the Typst engine keeps at most 2 lines of a paragraph together at a page break, the "
                             "layout asks for {lines}: use --pdf-engine weasyprint").format(lines=lines))
    return {
        "doc": _plain(document),
        "only_annex": only_annex,
        "landscape": _plain(m.LANDSCAPE),
        "derived": {"text_width": document.page.text_width, "stamp_line": sp.stamp_line,
                    "rule_under": sp.under_text(sp.rule_before), "title_rule_under": sp.under_text(sp.title_rule_before),
                    "annex_rule_under": sp.under_text(sp.annex_rule_before),
                    # Typst's widow and orphan control (a cost): on where a paragraph keeps 2 lines at a break
                    "keep_lines": 1 if lines == 2 else 0},
        "font": _face(),
        "attachments": attachments,
        "page_amount": json.dumps(PAGES, ensure_ascii=False),
    }


def _text(attachment: m.Attachment) -> str:
    try:
        return attachment.data.decode("utf-8")
    except UnicodeDecodeError:
        raise RenderFailed(_("the PDF could not be laid out: {what}").format(
            what=f"{attachment.name}: not UTF-8")) from None


_FOLDERS: list[Path] = []


def _drop_font_folders() -> None:
    for folder in _FOLDERS:
        shutil.rmtree(folder, ignore_errors=True)


atexit.register(_drop_font_folders)


@lru_cache(maxsize=4)
def _compiler(template: Path, faces: tuple[Path, ...]) -> Any:
    """A Typst compiler for ``template`` that knows only the four files of the face (and the shipped one): no font of
    the machine, nor Typst's own, fills in. Made once per template and face (loading fonts is the slow part)."""
    import typst

    folder = Path(tempfile.mkdtemp(prefix="correspondence-fonts-"))
    _FOLDERS.append(folder)
    for index, path in enumerate((*faces, *(FONT_DIR / face for face in FACES.values()))):
        target = folder / f"{index}-{path.name}"
        try:
            target.symlink_to(path.resolve())
        except OSError:  # pragma: no cover - a system without symbolic links
            shutil.copyfile(path, target)
    fonts = typst.Fonts(include_system_fonts=False, include_embedded_fonts=False, font_paths=[str(folder)])
    return typst.Compiler(root=str(template.parent), font_paths=fonts, ignore_system_fonts=True)


def _compile(name: str, data: dict[str, Any], workspace: Path | None | list[Path], timestamp: dt.datetime | None,
             standards: list[str] | None = None) -> bytes:
    """``name`` (a template of the template folders) laid out with ``data``: the face of this machine (or the shipped
    one), dated ``timestamp``, no warning about a missing glyph or font let through."""
    import typst

    dirs = workspace if isinstance(workspace, list) else template_dirs(workspace)
    template = next((d / name for d in dirs if (d / name).is_file()), None)
    if template is None:
        raise RenderFailed(_("template error: {what}").format(what=name))
    _name, files = pdf_face()
    compiler = _compiler(template, tuple(files[key] for key in sorted(files)))
    inputs = {"data": json.dumps(data, ensure_ascii=False)}
    try:
        pdf, warnings = compiler.compile_with_warnings(
            input=str(template), format="pdf", sys_inputs=inputs, pdf_standards=standards or [], timestamp=timestamp)
    except typst.TypstError as error:
        raise RenderFailed(_("the PDF could not be laid out: {what}").format(what=error.message)) from None
    problems = [w.message for w in warnings if "font" in w.message]
    if problems:
        raise RenderFailed(_("the PDF could not be laid out: {what}").format(what="; ".join(problems)))
    assert isinstance(pdf, bytes)
    return pdf


def _face() -> dict[str, Any]:
    family, files = pdf_face()
    ascender, descender = _metrics(files[(False, False)])
    return {"family": family, "ascender": ascender, "descender": descender}


def render_typst(document: m.Document, workspace: Path | None = None, only_annex: int | None = None) -> bytes:
    """PDF bytes of ``document`` (or of one annex printed apart): a PDF/A-3b carrying the archival files, dated the
    document's date, the same bytes every time."""
    return _compile(TEMPLATE, data(document, only_annex), workspace, document.metadata.created, ["a-3b"])


def render_book(book: m.RegisterBook, dirs: list[Path]) -> bytes:
    """The printable register (``so_dang_ky.typ``): the framed portrait cover, then the table on landscape pages,
    dated the first day of its year as the DOCX and XLSX are."""
    return _compile(BOOK_TEMPLATE, {"book": _plain(book), "font": _face()}, dirs, dt.datetime(book.nam, 1, 1,
                                                                                             tzinfo=dt.UTC))


def den_overlay(dau: m.DauDen, page: tuple[float, float], workspace: Path | None = None) -> bytes:
    """One transparent page ``page`` (mm) carrying only the ĐẾN mark (``dau_den.typ``), to lay over page 1."""
    return _compile(DEN_TEMPLATE, {"dau": _plain(dau), "page": list(page), "font": _face()}, workspace, None)
