"""Turn a DOCX into a corrected copy of it, for what can be fixed without judgement (``lint --sua``): the paper (A4,
in each section's orientation), margins brought into ND 30's range (the nearest bound), the typeface of every run,
style and default (Times New Roman, theme fonts replaced), the number of the Số line padded below 10, and each
component's size brought into ND 30's range for it (the nearest bound; where no size is set, the model's). Capitals,
bold and wording stay as they are: they need the reader's eye."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from correspondence.lint.checks import check
from correspondence.lint.reading import paragraphs, read, runs
from correspondence.model import MARGINS, PAPER, Typeface
from correspondence.numbers import so_van_ban

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
FONT_SLOTS = ("ascii", "hAnsi", "cs", "eastAsia")
LINE = re.compile(r"\s*Số:\s*(\d+)/")
DIGITS = re.compile(r"(\d+)")


def corrected(path: Path) -> bytes:
    """The bytes of a copy of the DOCX at ``path`` with the mechanical fixes made; the file itself is not touched."""
    from docx import Document
    from docx.shared import Mm

    document = Document(str(path))
    for section in document.sections:
        landscape = (section.page_width or 0) > (section.page_height or 0)
        width, height = (PAPER[1], PAPER[0]) if landscape else PAPER
        section.page_width, section.page_height = Mm(width), Mm(height)
        for side in ("top", "bottom", "left", "right"):
            low, high = MARGINS[side]
            value = getattr(section, f"{side}_margin").mm
            if not low <= value <= high:
                setattr(section, f"{side}_margin", Mm(min(max(value, low), high)))
    family = Typeface().family
    for part in document.part.package.iter_parts():  # the body, styles, headers, footers, footnotes
        element = getattr(part, "element", None)
        if element is not None:
            _set_fonts(element, family)
    for paragraph in document.paragraphs + [p for t in document.tables for r in t.rows for c in r.cells
                                            for p in c.paragraphs]:
        _pad_number(paragraph)
    _resize(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _resize(document: Any) -> None:
    """Each run whose size departs from its component's range set to the size the lint says (``Finding.resize``): the
    copy as fixed so far is read as the lint reads it, so a component is the one the lint recognises."""
    out = io.BytesIO()
    document.save(out)
    out.seek(0)
    resize = [item for finding in check(read(out)) for item in finding.resize]
    if not resize:
        return
    body = paragraphs(document.element.body)
    for number, index, size in resize:
        run = runs(body[number - 1])[index]
        properties = run.find(f"{W}rPr")
        if properties is None:
            properties = run.makeelement(f"{W}rPr", {})
            run.insert(0, properties)
        for tag in ("sz", "szCs"):
            element = properties.find(f"{W}{tag}")
            if element is None:
                element = properties.makeelement(f"{W}{tag}", {})
                _insert_in_order(properties, element)
            element.set(f"{W}val", str(round(size * 2)))


# the order of a run's properties (CT_RPr): Word refuses a file whose w:sz comes before w:b, or after w:lang
RPR_ORDER = ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline", "shadow",
             "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w", "kern",
             "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs",
             "em", "lang", "eastAsianLayout", "specVanish", "oMath")


def _insert_in_order(properties: Any, element: Any) -> None:
    rank = RPR_ORDER.index(element.tag.removeprefix(W))
    for position, child in enumerate(properties):
        name = child.tag.removeprefix(W) if isinstance(child.tag, str) else ""
        if name in RPR_ORDER and RPR_ORDER.index(name) > rank:
            properties.insert(position, element)
            return
    properties.append(element)


def _set_fonts(root: Any, family: str) -> None:
    """Every font choice under ``root`` made ``family``: the run and style fonts, and the document defaults."""
    for fonts in root.iter(f"{W}rFonts"):
        for slot in FONT_SLOTS:
            fonts.set(f"{W}{slot}", family)
        for key in [k for k in fonts.attrib if k.endswith("Theme")]:
            del fonts.attrib[key]
    for properties in root.iter(f"{W}rPr"):
        if properties.find(f"{W}rFonts") is None and properties.getparent().tag == f"{W}rPrDefault":
            properties.insert(0, properties.makeelement(f"{W}rFonts", {f"{W}{slot}": family for slot in FONT_SLOTS}))


def _pad_number(paragraph: Any) -> None:
    """``Số: 3/UBND-VP`` → ``Số: 03/UBND-VP`` (the number where it stands, in whichever run)."""
    found = LINE.match(paragraph.text)
    if not found or found[1] != str(int(found[1])) or so_van_ban(int(found[1])) == found[1]:
        return
    for run in paragraph.runs:
        digits = DIGITS.search(run.text)
        if digits:
            run.text = run.text[:digits.start()] + so_van_ban(int(digits[1])) + run.text[digits.end():]
            return
