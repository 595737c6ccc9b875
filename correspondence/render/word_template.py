"""Turn the document model into DOCX through an agency's own Word template (docxtpl, Jinja tags in a .docx).

The template receives the composed document — số/ký hiệu, date line, Kính gửi, body, Nơi nhận,
signature … — as plain values, plus the record's ``du_lieu``. Autoescaped and strict: an unknown
name is a located error, never a blank in the output.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from correspondence import model as m
from correspondence.errors import Problem, RenderFailed
from correspondence.i18n import _
from correspondence.kinds import BY_CODE
from correspondence.render.docx import normalise
from correspondence.templating import FILTERS, bounded_sandbox, forbidden_tags
from correspondence.workspace import shown, word_templates


def context(document: m.Document) -> dict[str, Any]:
    """What a Word template can use, named as in the glossary."""
    h = document.header
    return {
        "co_quan_chu_quan": list(h.co_quan_chu_quan),
        "co_quan": list(h.co_quan),
        "quoc_hieu": h.quoc_hieu,
        "tieu_ngu": h.tieu_ngu,
        "so_ky_hieu": h.so_ky_hieu.removeprefix("Số:").lstrip(" "),  # "3018/UBND-XD6", without "Số:"
        "dia_danh_ngay": h.dia_danh_ngay or "",
        "trich_yeu": document.metadata.subject,
        "vv": h.trich_yeu_vv or "",
        "ten_loai": document.tieu_de.ten_loai if document.tieu_de else "",
        "kinh_gui": list(document.kinh_gui.recipients) if document.kinh_gui else [],
        "noi_dung": [line for b in document.body for line in _lines(b)],
        "can_cu": list(document.can_cu),
        "noi_nhan": ["".join(r.text for r in line.runs) for line in document.noi_nhan.lines],
        "tham_quyen": list(document.chu_ky.tham_quyen) if document.chu_ky else [],
        "ho_ten": document.chu_ky.ho_ten if document.chu_ky else "",
        "du_thao": document.draft,
        "du_lieu": dict(document.du_lieu),
    }


def _environment() -> Any:
    from jinja2 import StrictUndefined

    env = bounded_sandbox()(undefined=StrictUndefined, autoescape=True)
    env.filters.update(FILTERS)
    return env


def _source(template: Path) -> str:
    """The Jinja text of a Word template: its body, headers and footers, as docxtpl reads them."""
    from docx import Document as open_word
    from docx.oxml import parse_xml
    from docxtpl import DocxTemplate

    word = DocxTemplate(str(template))
    document = open_word(str(template))
    xml = word.patch_xml(word.xml_to_string(document._element.body))
    for rel in document.part.rels.values():
        if rel.reltype in (word.HEADER_URI, word.FOOTER_URI) and rel.target_part.blob:
            xml += word.patch_xml(word.xml_to_string(parse_xml(rel.target_part.blob)))
    return str(xml)


def _lines(block: m.Block) -> list[str]:
    """A body block as the plain lines a Word template's ``noi_dung`` list holds (a table: a line per row)."""
    if isinstance(block, m.Table):
        return [" | ".join(cell.text for cell in row.cells) for row in (*block.header, *block.rows)]
    return [(f"{block.marker} " if block.marker else "") + m.plain_text(block.runs)]


def render(document: m.Document, template: Path) -> bytes:
    """DOCX bytes of ``document`` laid out by ``template``."""
    from docxtpl import DocxTemplate
    from jinja2 import TemplateError

    refused = forbidden_tags(_environment(), _source(template))
    if refused:
        raise RenderFailed(_("{where}: '{{% {tag} %}}' is not allowed in a Word template").format(
            where=template.name, tag=refused[0][1]))
    word = DocxTemplate(str(template))
    try:
        word.render(context(document), _environment(), autoescape=True)
    except OverflowError as error:
        raise RenderFailed(_("{where}: the template asks for too much ({what})").format(
            where=template.name, what=str(error)[:120])) from None
    except TemplateError as error:
        line = getattr(error, "lineno", None)
        where = f"{template.name}:{line}" if line else template.name
        raise RenderFailed(_("{where}: template error: {what}").format(where=where, what=error)) from None
    buffer = io.BytesIO()
    word.save(buffer)
    return normalise(buffer.getvalue(), document)


def check(template: Path, kind: str) -> list[str]:
    """The names ``template`` uses that documents of ``kind`` do not provide."""
    from docxtpl import DocxTemplate

    provided = set(context_keys())
    used = DocxTemplate(str(template)).get_undeclared_template_variables(_environment())
    return sorted(used - provided)


def refused(template: Path) -> list[str]:
    """The tags of ``template`` that reach for other files (include, import, extends)."""
    return [tag for _line, tag in forbidden_tags(_environment(), _source(template))]


def context_keys() -> tuple[str, ...]:
    return ("co_quan_chu_quan", "co_quan", "quoc_hieu", "tieu_ngu", "so_ky_hieu", "dia_danh_ngay", "trich_yeu", "vv",
            "ten_loai", "kinh_gui", "noi_dung", "can_cu", "noi_nhan", "tham_quyen", "ho_ten", "du_thao", "du_lieu")


def check_folder(workspace: Path) -> tuple[list[Problem], int]:
    """Every problem of every Word template in ``templates/``: unknown kinds, names no document provides."""
    problems = []
    found = word_templates(workspace)
    for path in found:
        name = shown(path)
        if path.stem not in BY_CODE:
            problems.append(Problem(name, "", _("no kind '{kind}': name the file after a kind, e.g. cong_van.docx").format(
                kind=path.stem)))
            continue
        try:
            unknown = check(path, path.stem)
            tags = refused(path)
        except Exception as error:  # a broken .docx or Jinja syntax: say which file
            problems.append(Problem(name, "", _("template error: {what}").format(what=error)))
            continue
        problems += [Problem(name, "", _("'{{% {tag} %}}' is not allowed in a Word template").format(tag=tag),
                             _("a template is one file: it reads no other")) for tag in tags]
        problems += [Problem(name, unknown_name, _("this name is not provided to {kind} documents").format(kind=path.stem),
                             _("use one of: {names}").format(names=", ".join(context_keys()))) for unknown_name in unknown]
    return problems, len(found)
