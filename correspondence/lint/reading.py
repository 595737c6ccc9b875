"""Turn a DOCX, whatever made it, into lines of text with the formatting Word would show them in.

A line is a piece of one paragraph between tab characters (a two-column header set with tab stops gives two lines
from one paragraph), with the runs under it and the formatting each run ends up with once its paragraph's style, the
styles it is based on and the document defaults are applied. Paragraphs are counted in the order Word shows them,
the cells of tables and the text boxes (where Word users often set the Quốc hiệu and Tiêu ngữ) included, from 1.

Each line has the page it starts on where the file says it: the page breaks Microsoft Word wrote where it last laid the
document out (``w:lastRenderedPageBreak``, believed only in a file Word saved: another program leaves them stale or
writes none), the explicit page breaks (``w:br w:type="page"``, ``w:pageBreakBefore``) and the section breaks that
start a new page, counted in the order of the document, a break inside a row of a table once. Where nothing tells (a
file Word did not save, without an explicit break) the page is unknown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _q(tag: str) -> str:
    return f"{{{W}}}{tag}"


@dataclass(frozen=True)
class Span:
    """A run's text and its effective formatting (None: not said anywhere)."""

    text: str
    font: str | None
    size: float | None
    bold: bool
    italic: bool
    run: int = -1  # the run's place among its paragraph's runs (``runs``), from 0


@dataclass(frozen=True)
class Line:
    """One piece of a paragraph between tabs and line breaks: its text, its runs, where it stands."""

    paragraph: int
    text: str
    spans: tuple[Span, ...]
    in_table: bool
    page: int | None = None  # the page the line starts on, None when the file does not say

    def visible(self) -> tuple[Span, ...]:
        """The spans that print something."""
        return tuple(s for s in self.spans if s.text.strip())


@dataclass(frozen=True)
class Section:
    """Paper, margins (millimetres) and the page headers of one section."""

    width: float
    height: float
    top: float
    bottom: float
    left: float
    right: float
    title_page: bool  # a different header on the first page (titlePg)
    default_header_pages: bool  # the header of every page (or of all but the first) holds a PAGE field
    first_header_pages: bool  # the first page's own header holds a PAGE field


@dataclass(frozen=True)
class Reading:
    lines: tuple[Line, ...]
    sections: tuple[Section, ...]
    pages: int | None = None  # the page count Word saved (docProps/app.xml), None when another program wrote the file


def _application(path: Path | IO[bytes]) -> tuple[str, str]:
    """The program that last saved the file and the page count it wrote (docProps/app.xml), "" where not said."""
    import zipfile

    from lxml import etree

    with zipfile.ZipFile(path) as package:
        if "docProps/app.xml" not in package.namelist():
            return "", ""
        root = etree.fromstring(package.read("docProps/app.xml"))
    ns = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
    return (root.findtext(f"{ns}Application") or "").strip(), (root.findtext(f"{ns}Pages") or "").strip()


def _saved_by_word(application: str) -> bool:
    """Whether Microsoft Word saved the file (python-docx's template says "Microsoft Macintosh Word": not believed)."""
    return application.startswith("Microsoft Office Word")


def _on(element: Any, tag: str) -> bool | None:
    """A toggle property (``w:b``, ``w:i``) of an ``rPr``: True, False, or None when absent."""
    if element is None:
        return None
    found = element.find(_q(tag))
    if found is None:
        return None
    return found.get(_q("val"), "true") not in ("0", "false", "off")


class _Styles:
    """Effective run formatting through the style chain and the document defaults."""

    def __init__(self, document: Any) -> None:
        self.by_id: dict[str, Any] = {}
        styles = document.styles.element
        for style in styles.findall(_q("style")):
            self.by_id[style.get(_q("styleId"))] = style
        defaults = styles.find(f"{_q('docDefaults')}/{_q('rPrDefault')}/{_q('rPr')}")
        self.defaults = defaults
        self.theme = _theme_fonts(document)
        self.default_paragraph = next((s.get(_q("styleId")) for s in styles.findall(_q("style"))
                                       if s.get(_q("type")) == "paragraph" and s.get(_q("default")) in ("1", "true")),
                                      None)

    def chain(self, style_id: str | None) -> list[Any]:
        """The ``rPr`` of a style and of those it is based on, nearest first."""
        found, seen = [], set()
        while style_id and style_id not in seen and style_id in self.by_id:
            seen.add(style_id)
            style = self.by_id[style_id]
            found.append(style.find(_q("rPr")))
            based = style.find(_q("basedOn"))
            style_id = based.get(_q("val")) if based is not None else None
        return found

    def span(self, run: Any, paragraph_style: str | None, index: int = -1) -> Span:
        rpr = run.find(_q("rPr"))
        run_style = rpr.find(_q("rStyle")) if rpr is not None else None
        layers = [rpr]
        if run_style is not None:
            layers += self.chain(run_style.get(_q("val")))
        layers += self.chain(paragraph_style or self.default_paragraph)
        layers.append(self.defaults)
        text = "".join(t.text or "" if t.tag == _q("t") else "\t" if t.tag == _q("tab") else "\n"
                       for t in run.iter(_q("t"), _q("tab"), _q("br"), _q("cr"))
                       if next(t.iterancestors(_q("r"))) is run)  # not the text of a text box the run holds
        return Span(text, self._font(layers), self._size(layers), self._toggle(layers, "b"),
                    self._toggle(layers, "i"), index)

    @staticmethod
    def _toggle(layers: list[Any], tag: str) -> bool:
        for layer in layers:
            value = _on(layer, tag)
            if value is not None:
                return value
        return False

    @staticmethod
    def _size(layers: list[Any]) -> float | None:
        for layer in layers:
            if layer is not None and (size := layer.find(_q("sz"))) is not None:
                return int(size.get(_q("val"))) / 2
        return None

    def _font(self, layers: list[Any]) -> str | None:
        for layer in layers:
            fonts = layer.find(_q("rFonts")) if layer is not None else None
            if fonts is None:
                continue
            if fonts.get(_q("ascii")):
                return str(fonts.get(_q("ascii")))
            theme = fonts.get(_q("asciiTheme"))
            if theme:
                return self.theme.get("major" if theme.startswith("major") else "minor")
        return None


def _theme_fonts(document: Any) -> dict[str, str]:
    """The theme's major and minor Latin typefaces (what ``asciiTheme`` names)."""
    from lxml import etree

    a = "http://schemas.openxmlformats.org/drawingml/2006/main"
    for rel in document.part.rels.values():
        if rel.reltype.endswith("/theme") and not rel.is_external:
            root = etree.fromstring(rel.target_part.blob)
            found = {}
            for kind in ("major", "minor"):
                latin = root.find(f".//{{{a}}}{kind}Font/{{{a}}}latin")
                if latin is not None and latin.get("typeface"):
                    found[kind] = latin.get("typeface")
            return found
    return {}


def _has_page_field(part: Any) -> bool:
    """Whether a header part prints the page number (a PAGE field, simple or complex)."""
    root = part._element
    for simple in root.iter(_q("fldSimple")):
        if simple.get(_q("instr"), "").split()[:1] == ["PAGE"]:
            return True
    return any(instr.text and instr.text.split()[:1] == ["PAGE"] for instr in root.iter(_q("instrText")))


def _section(section: Any) -> Section:
    def mm(length: Any) -> float:
        return round(length.mm, 1) if length is not None else 0.0

    title_page = bool(section.different_first_page_header_footer)
    default = not section.header.is_linked_to_previous and _has_page_field(section.header)
    first = title_page and not section.first_page_header.is_linked_to_previous and _has_page_field(
        section.first_page_header)
    return Section(mm(section.page_width), mm(section.page_height), mm(section.top_margin),
                   mm(section.bottom_margin), mm(section.left_margin), mm(section.right_margin), title_page, default,
                   first)


MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def paragraphs(body: Any) -> list[Any]:
    """The ``w:p`` elements of a document's body in the order Word shows them: table cells included, and the
    paragraphs of a text box (``w:txbxContent``) after the paragraph it is anchored in. Word writes a text box twice,
    as a DrawingML shape and as its VML fallback for older readers: the fallback is not read. The paragraph numbers of
    the lint count in this order, from 1."""
    return [p for p in body.iter(_q("p")) if MC_FALLBACK not in {a.tag for a in p.iterancestors()}]


def runs(paragraph: Any) -> list[Any]:
    """The ``w:r`` elements of a paragraph (those in hyperlinks and fields too), in order; not those of a text box
    anchored in it (they are its own paragraphs') nor of a fallback."""
    found = []
    for run in paragraph.iter(_q("r")):
        owner = next(a for a in run.iterancestors(_q("p"), _q("txbxContent"), MC_FALLBACK))
        if owner is paragraph:
            found.append(run)
    return found


# the section breaks that start a new page, and the parity of the page they start on (None: any)
NEW_PAGE_SECTIONS: dict[str, int | None] = {"nextPage": None, "oddPage": 1, "evenPage": 0}


class _Pages:
    """The page each character of the document stands on, counted in the order of the document (see the module's
    docstring): Word's rendered page breaks (only when ``rendered``), explicit page breaks and section breaks.

    A rendered break where nothing has been written since the last break is that same break (Word may mark the page an
    explicit break started); a page break before a paragraph or a section break where nothing stands on the page yet
    starts no other page. In a row of a table each cell starts on the row's page and the row ends on the furthest
    page one of its cells reaches."""

    def __init__(self, body: Any, rendered: bool) -> None:
        self.rendered = rendered
        self.page = 1
        self.told = rendered  # whether the pages are known: Word laid the file out, or an explicit break made a page
        self.fresh = True  # no text since the last break (a rendered break here is that break)
        self.blank = True  # nothing at all, not even an empty paragraph, on the page yet
        self.broke = False  # the paragraph has broken the page since its last text
        # the rows a paragraph stands in, outermost first: [row, cell, page, fresh, blank at its start, furthest page]
        self.rows: list[list[Any]] = []
        ends = [p for p in body.iter(_q("p")) if p.find(f"{_q('pPr')}/{_q('sectPr')}") is not None]
        following = [p.find(f"{_q('pPr')}/{_q('sectPr')}") for p in ends[1:]] + [body.find(_q("sectPr"))] if ends else []
        self.section_ends: dict[Any, str] = {}  # the last paragraph of a section → the type of the next section
        for paragraph, section in zip(ends, following, strict=True):
            kind = section.find(_q("type")) if section is not None else None
            self.section_ends[paragraph] = kind.get(_q("val"), "nextPage") if kind is not None else "nextPage"
        self.next_section: str | None = None

    def _break(self, parity: int | None = None, always: bool = False) -> None:
        if always or not self.blank:
            self.page += 1
            self.told = True
        if parity is not None and self.page % 2 != parity:
            self.page += 1
        self.fresh = self.blank = self.broke = True

    def _written(self) -> None:
        self.fresh = self.blank = self.broke = False

    def _cells(self, paragraph: Any) -> None:
        cells = list(paragraph.iterancestors(_q("tc")))[::-1]
        depth = 0
        while depth < min(len(self.rows), len(cells)) and self.rows[depth][0] is cells[depth].getparent():
            depth += 1
        while len(self.rows) > depth:  # out of a row: on the furthest page a cell of it reached
            row = self.rows.pop()
            self.page = max(self.page, row[5])
            self.fresh = self.blank = False
        if self.rows and self.rows[-1][1] is not cells[depth - 1]:  # the next cell of the row: back to its start
            row = self.rows[-1]
            row[5] = max(row[5], self.page)
            row[1] = cells[depth - 1]
            self.page, self.fresh, self.blank = row[2], row[3], row[4]
        for cell in cells[depth:]:
            self.rows.append([cell.getparent(), cell, self.page, self.fresh, self.blank, self.page])

    def start(self, paragraph: Any) -> None:
        """A body or table paragraph begins (not one of a text box: it stands on its anchor's page)."""
        self._cells(paragraph)
        if self.next_section is not None:
            kind, self.next_section = self.next_section, None
            if kind in NEW_PAGE_SECTIONS:
                self._break(NEW_PAGE_SECTIONS[kind])
        ppr = paragraph.find(_q("pPr"))
        if ppr is not None and _on(ppr, "pageBreakBefore"):
            self._break()
        self.broke = False

    def end(self, paragraph: Any) -> None:
        if not self.broke:
            self.blank = False  # its mark stands on the page (after a page break Word shows it on the page before)
        self.next_section = self.section_ends.get(paragraph)

    def run(self, run: Any, text_box: bool) -> list[int]:
        """The page of each character of the run's text as ``_Styles.span`` reads it."""
        pages: list[int] = []
        for element in run.iter(_q("t"), _q("tab"), _q("br"), _q("cr"), _q("lastRenderedPageBreak"), _q("sym"),
                                _q("drawing"), _q("pict"), _q("object")):
            if next(element.iterancestors(_q("r"))) is not run:
                continue
            tag = element.tag
            if tag == _q("lastRenderedPageBreak"):
                if self.rendered and not text_box and not self.fresh:
                    self.page += 1
                    self.fresh = self.blank = self.broke = True
                continue
            if tag == _q("br") and element.get(_q("type")) == "page" and not text_box:
                self._break(always=True)
            elif tag != _q("t") or element.text:
                self._written()
            if tag == _q("t"):
                pages += [self.page] * len(element.text or "")
            elif tag in (_q("tab"), _q("br"), _q("cr")):
                pages.append(self.page)
        return pages


def read(path: Path | IO[bytes]) -> Reading:
    """Every line and section of the DOCX at ``path`` (a file, or its bytes)."""
    import docx

    document = docx.Document(path if not isinstance(path, Path) else str(path))
    if not isinstance(path, Path):
        path.seek(0)
    application, pages_saved = _application(path)
    styles = _Styles(document)
    body = document.element.body
    pager = _Pages(body, _saved_by_word(application))
    lines: list[Line] = []
    for number, paragraph in enumerate(paragraphs(body), 1):
        ancestors = {a.tag for a in paragraph.iterancestors()}
        text_box = _q("txbxContent") in ancestors
        if not text_box:
            pager.start(paragraph)
        ppr = paragraph.find(_q("pPr"))
        style = ppr.find(_q("pStyle")) if ppr is not None else None
        style_id = style.get(_q("val")) if style is not None else None
        paragraph_runs = runs(paragraph)
        spans = [styles.span(r, style_id, index) for index, r in enumerate(paragraph_runs)]
        run_pages = [pager.run(r, text_box) for r in paragraph_runs]
        if not text_box:
            pager.end(paragraph)
        in_table = _q("tc") in ancestors
        pieces: list[list[Span]] = [[]]
        starts: list[int | None] = [None]  # the page of each piece's first printing character
        for span, pages in zip(spans, run_pages, strict=True):
            offset = 0
            for index, part in enumerate(re.split(r"[\t\n]", span.text)):
                if index:
                    pieces.append([])
                    starts.append(None)
                if part:
                    pieces[-1].append(Span(part, span.font, span.size, span.bold, span.italic, span.run))
                    if starts[-1] is None and part.strip():
                        starts[-1] = pages[offset + len(part) - len(part.lstrip())]
                offset += len(part) + 1
        for piece, page in zip(pieces, starts, strict=True):
            text = "".join(s.text for s in piece).strip()
            if text:
                lines.append(Line(number, " ".join(text.split()), tuple(piece), in_table, page))
    if not pager.told:
        lines = [replace(line, page=None) for line in lines]
    if not isinstance(path, Path):
        path.seek(0)
    count = int(pages_saved) if _saved_by_word(application) and pages_saved.isdigit() else None
    return Reading(tuple(lines), tuple(_section(s) for s in document.sections), count)
