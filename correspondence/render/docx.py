"""Turn the document model into DOCX bytes (python-docx), byte-for-byte reproducible."""

from __future__ import annotations

import copy
import io
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache, partial
from typing import Any

from docx import Document as new_document
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Emu, Mm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from correspondence import model as m
from correspondence.render.wordpackage import save_word, table_placeholder, word_for

CENTER, LEFT, JUSTIFY = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.JUSTIFY
# WordprocessingML's sequences (ECMA-376 Part 1, §17): what may follow an element in its parent, so that one added
# late still lands in its place (Word refuses a file whose properties are out of order).
AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
              "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
              "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
              "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
              "w:rPr", "w:sectPr", "w:pPrChange")
AFTER_TBLCELLMAR = ("w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")
AFTER_TBLBORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", *AFTER_TBLCELLMAR)
AFTER_TBLW = ("w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", *AFTER_TBLBORDERS)
# A table of more rows than this is written into the file row by row as the document is saved (``place_table``).
STREAM_ROWS = 2_000
_FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


@lru_cache(maxsize=512)
def _paragraph(align: Any, before: float, after: float, line: float | None, indent_left: float, indent_right: float,
               first_line: float, keep_next: bool) -> Any:
    """An empty ``w:p`` of this format, made by python-docx once (the writer copies it)."""
    paragraph = Paragraph(OxmlElement("w:p"), None)  # type: ignore[arg-type]  # no story: formatting only
    fmt = paragraph.paragraph_format
    paragraph.alignment = align
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    if line is not None:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(line)
    if indent_left:
        fmt.left_indent = Mm(indent_left)
    if indent_right:
        fmt.right_indent = Mm(indent_right)
    if first_line:
        fmt.first_line_indent = Mm(first_line)
    if keep_next:
        fmt.keep_with_next = True
    return paragraph._p


@lru_cache(maxsize=512)
def _run(size: float, bold: bool, italic: bool, subscript: bool, superscript: bool, color: str | None) -> Any:
    """An empty ``w:r`` of this format, made by python-docx once (the writer copies it, then gives it its text)."""
    run = Run(OxmlElement("w:r"), None)  # type: ignore[arg-type]
    font = run.font
    font.size = Pt(size)
    if bold:
        font.bold = True
    if italic:
        font.italic = True
    if subscript:
        font.subscript = True
    if superscript:
        font.superscript = True
    if color:
        font.color.rgb = RGBColor.from_string(color)
    return run._r


@lru_cache(maxsize=64)
def _table(widths: tuple[float, ...], rows: int, block_width: int) -> Any:
    """A ``w:tbl`` of ``rows`` × ``widths`` (mm) as ``add_table`` makes it in a body ``block_width`` wide (no style),
    centred, of fixed layout, no cell margins left and right, each cell top-aligned and empty, made once."""
    from docx.oxml.table import CT_Tbl

    tbl = CT_Tbl.new_tbl(rows, len(widths), Emu(block_width))
    tbl.tblStyle_val = None  # add_table's table.style = None
    table = Table(tbl, None)  # type: ignore[arg-type]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr  # autofit off has written <w:tblLayout w:type="fixed"/>
    tbl_pr.insert_element_before(parse_xml(
        f'<w:tblCellMar {nsdecls("w")}><w:left w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar>'),
        *AFTER_TBLCELLMAR)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Mm(width)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
            cell._tc.remove(cell.paragraphs[0]._p)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Mm(width)
    return tbl


class _Writer:
    def __init__(self, doc: m.Document) -> None:
        self.doc = doc
        self.sizes = doc.sizes
        self.sp = doc.spacing
        self.word = word_for(doc.typeface.family)
        self.notes: list[Any] = []
        self.copied_end: Any = None
        self.streamed: dict[str, Callable[[], Iterable[str]]] = {}  # a placeholder's mark → its table's XML

    # -------------------------------------------------------------- primitives

    def para(self, container: Any, align: Any = LEFT, before: float = 0, after: float = 0,
             line: float | None = None, indent_left: float = 0, indent_right: float = 0,
             first_line: float = 0, keep_next: bool = False) -> Any:
        """A new paragraph at the end of ``container`` (the document, a cell, a header or footer), as
        ``add_paragraph`` adds it, formatted: a copy of the one paragraph of that format made once per process."""
        parent = container._body if isinstance(container, WordDocument) else container
        p = copy.deepcopy(_paragraph(align, before, after, line, indent_left, indent_right, first_line, keep_next))
        parent._element._insert_p(p)
        return Paragraph(p, parent)

    @staticmethod
    def run(paragraph: Any, text: str, size: float, bold: bool = False, italic: bool = False,
            subscript: bool = False, superscript: bool = False, color: str | None = None) -> Any:
        """A run of ``text`` at the end of ``paragraph``, as ``add_run`` adds it, in a copy of the one run of that
        format made once per process."""
        r = copy.deepcopy(_run(size, bold, italic, subscript, superscript, color))
        paragraph._p._insert_r(r)
        run = Run(r, paragraph)
        if text and not any(char in text for char in "\t\r\n"):
            r.add_t(text)  # what run.text gives a fresh run of plain text: one w:t
        elif text:
            run.text = text  # tabs and line breaks as python-docx writes them
        return run

    def border(self, paragraph: Any, sides: tuple[str, ...], color: str = "000000", gap: float | None = None) -> None:
        """Borders of ``rule_weight`` (in eighths of a point) ``gap`` points from the text."""
        ppr = paragraph._p.get_or_add_pPr()
        size = round(self.sp.rule_weight * 8)
        space = round(self.sp.border_gap if gap is None else gap)
        edges = "".join(f'<w:{side} w:val="single" w:sz="{size}" w:space="{space}" w:color="{color}"/>' for side in sides)
        ppr.insert_element_before(parse_xml(f'<w:pBdr {nsdecls("w")}>{edges}</w:pBdr>'), *AFTER_PBDR)

    def rule(self, cell: Any, rule: m.Rule, width: float, before: float = 0) -> None:
        side = max((width - rule.width) / 2, 0)
        paragraph = self.para(cell, CENTER, before=before, line=self.sp.rule_line, indent_left=side, indent_right=side)
        self.run(paragraph, "", self.sp.rule_line)
        self.border(paragraph, ("bottom",))

    def stamp(self, cell: Any, stamp: m.Stamp, width: float, before: float, align: str = "center",
              offset: float = 0, after: float | None = None) -> Any:
        """A boxed mark centred (or on the left) in ``width`` mm, which starts ``offset`` mm into ``cell``."""
        edge = (self.sp.border_gap + self.sp.rule_weight) * 25.4 / 72  # Word draws the box outside the indents
        free = max(width - stamp.width + 2 * edge, 0)
        inset = self.sp.stamp_inset + edge
        left, right = (free / 2, free / 2) if align == "center" else (inset, free - inset)
        paragraph = self.para(cell, CENTER, before=before, after=self.sp.stamp_around if after is None else after,
                              line=self.sp.stamp_line, indent_left=left + offset, indent_right=right)
        self.run(paragraph, stamp.text, self.sizes.stamp, bold=True, color=stamp.color)
        self.border(paragraph, ("top", "left", "bottom", "right"), color=stamp.color)
        return paragraph

    def place_table(self, table: m.Table, size: float) -> None:
        """``table`` at the end of the document. One of more than ``STREAM_ROWS`` rows is not built into the document's
        tree (some 30 times the size of its XML): a placeholder stands for it and its rows are written straight into the
        file as it is saved, so that a long annex takes the memory of its model."""
        body = self.word.element.body
        if len(table.header) + len(table.rows) > STREAM_ROWS:
            mark = f"correspondence-table-{len(self.streamed) + 1}"
            self.streamed[mark] = partial(_table_parts, table, size, self.sp)
            element = parse_xml(table_placeholder(mark))
        else:
            element = parse_xml(_table_xml(table, size, self.sp))
        body.insert(len(body) - 1 if body[-1].tag == qn("w:sectPr") else len(body), element)

    def table(self, widths: tuple[float, ...], rows: int = 1) -> Any:
        """A table of ``rows`` × ``widths`` (mm) at the end of the body, as ``add_table`` adds it: a copy of the one
        table of that shape made once per process."""
        body = self.word._body
        tbl = copy.deepcopy(_table(widths, rows, self.word._block_width))
        body._element._insert_tbl(tbl)
        return Table(tbl, body)

    def inline(self, paragraph: Any, runs: tuple[m.Inline, ...], size: float, bold: bool = False) -> None:
        for item in runs:
            if isinstance(item, m.Footnote):
                self.footnote_call(paragraph, item, size)
            else:
                self.run(paragraph, item.text, size, bold=bold or item.bold, italic=item.italic,
                         subscript=item.subscript)

    def footnote_call(self, paragraph: Any, note: m.Footnote, size: float) -> None:
        brackets = self.doc.footnote_call == "parenthesised"
        if brackets:
            self.run(paragraph, "(", size)
        run = self.run(paragraph, "", size, superscript=not brackets)
        run._r.append(parse_xml(f'<w:footnoteReference {nsdecls("w")} w:id="{note.number}"/>'))
        if brackets:
            self.run(paragraph, ")", size)
        if all(n.number != note.number for n in self.notes):
            self.notes.append(note)

    # -------------------------------------------------------------- components

    def page_setup(self, section: Any, page: m.Page) -> None:
        section.orientation = WD_ORIENT.LANDSCAPE if page.width > page.height else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(page.width), Mm(page.height)
        section.top_margin, section.bottom_margin = Mm(page.top), Mm(page.bottom)
        section.left_margin, section.right_margin = Mm(page.left), Mm(page.right)
        section.header_distance, section.footer_distance = Mm(page.header_distance), Mm(page.footer_distance)
        section.different_first_page_header_footer = not self.doc.page_numbers.first_page

    def section(self, page: m.Page | None = None) -> None:
        section = self.word.sections[0]
        self.page_setup(section, page or self.doc.page)
        header = section.header
        paragraph = header.paragraphs[0]
        paragraph.alignment = CENTER
        field = parse_xml(
            f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:rPr><w:sz w:val="{int(self.sizes.page_number * 2)}"/>'
            f'<w:szCs w:val="{int(self.sizes.page_number * 2)}"/></w:rPr><w:t>2</w:t></w:r></w:fldSimple>')
        paragraph._p.append(field)
        if page is None and self.doc.header.stamps_right:
            self.margin_stamps(section)
        first_footer = section.first_page_footer
        if self.doc.footer is not None and page is None:
            # Ô 13 ends at the text area's foot: Word lifts page 1's text above it; the other pages' empty footer
            # is one hairline high, so their text area stays whole.
            section.footer_distance = Mm(self.doc.page.bottom)
            empty = section.footer.paragraphs[0]
            self.run(empty, "", 1)
            empty.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            empty.paragraph_format.line_spacing = Pt(1)
            first = True
            for line in self.doc.footer.lines:
                paragraph = first_footer.paragraphs[0] if first else first_footer.add_paragraph()
                paragraph.alignment = CENTER
                self.run(paragraph, line, self.sizes.footer)
                if first:
                    self.border(paragraph, ("top",), gap=self.sp.footer_rule_gap)
                first = False

    def margin_stamps(self, section: Any) -> None:
        """Ô 11 in the top margin of page 1, centred over the right column, its foot at the text area (PL I §IV)."""
        h, page = self.doc.header, self.doc.page
        header = section.first_page_header if section.different_first_page_header_footer else section.header
        room = page.top - page.header_distance - self.sp.margin_stamp_gap - self.sp.stamp_height  # mm above the box
        empty = [paragraph._p for paragraph in header.paragraphs if not paragraph._p.xpath("./*[not(self::w:pPr)]")]
        for index, stamp in enumerate(h.stamps_right):
            before = max(room, 0) * 72 / 25.4 if index == 0 else 0
            self.stamp(header, stamp, h.right_width, before, offset=h.left_width, after=self.sp.margin_stamp_after)
        for element in empty:  # the part's empty paragraph, now that it holds the marks
            element.getparent().remove(element)

    def header(self) -> None:
        h, s = self.doc.header, self.sizes
        body = self.word
        sp = self.sp
        for stamp in h.stamps_top_left:
            self.stamp(body, stamp, self.doc.page.text_width, sp.stamp_top, align="left")
        # the model's geometry: every line header_line high, the third row only for V/v or the marks under the number
        line = sp.header_line
        table = self.table((h.left_width, h.right_width), rows=3 if h.trich_yeu_vv or h.stamps_left else 2)
        left, right = table.rows[0].cells
        for text in h.co_quan_chu_quan:
            self.run(self.para(left, CENTER, line=line), text, s.co_quan_chu_quan)
        for text in h.co_quan:
            self.run(self.para(left, CENTER, line=line), text, s.co_quan, bold=True)
        self.rule(left, h.co_quan_rule, h.left_width, before=sp.rule_before)
        self.run(self.para(right, CENTER, line=line), h.quoc_hieu, s.quoc_hieu, bold=True)
        self.run(self.para(right, CENTER, line=line), h.tieu_ngu, s.tieu_ngu, bold=True)
        self.rule(right, h.tieu_ngu_rule, h.right_width, before=sp.rule_before)
        left, right = table.rows[1].cells
        self.run(self.para(left, CENTER, before=sp.so_ky_hieu_before, line=line), h.so_ky_hieu, s.so_ky_hieu)
        date = self.para(right, CENTER, before=sp.so_ky_hieu_before, line=line)
        if h.dia_danh_ngay is not None:
            self.run(date, h.dia_danh_ngay, s.dia_danh_ngay, italic=True)
        if len(table.rows) < 3:
            return
        left, right = table.rows[2].cells
        if h.trich_yeu_vv:
            self.run(self.para(left, CENTER, before=sp.vv_before, line=line), h.trich_yeu_vv, s.trich_yeu_vv)
        for stamp in h.stamps_left:
            self.stamp(left, stamp, h.left_width, sp.stamp_left_before)
        self.para(right, CENTER)

    def kinh_gui(self) -> None:
        k = self.doc.kinh_gui
        if k is None:
            return
        size, sp = self.sizes.kinh_gui, self.sp
        line = sp.body_line  # a body line a line, as the PDF engines lay it
        if k.inline:
            paragraph = self.para(self.word, CENTER, before=sp.block_before, after=sp.block_after, line=line)
            self.run(paragraph, f"{k.label} {k.recipients[0]}", size)
            return
        self.run(self.para(self.word, CENTER if k.centred else LEFT, before=sp.block_before, indent_left=k.indent,
                           line=line), k.label, size)
        for index, recipient in enumerate(k.recipients):
            last = index == len(k.recipients) - 1
            paragraph = self.para(self.word, LEFT, indent_left=k.items_indent, after=sp.block_after if last else 0,
                                  line=line)
            self.run(paragraph, recipient, size)

    def body(self) -> None:
        sp, size = self.doc.spacing, self.sizes.body
        for block in self.doc.body:
            if isinstance(block, m.Table):  # a simple table of the body, across the text width
                self.para(self.word, CENTER, line=sp.paragraph_before)
                self.place_table(block, block.size or self.sizes.table)
                continue
            paragraph = self.para(self.word, CENTER if block.align == "center" else JUSTIFY, before=sp.paragraph_before,
                                  line=sp.body_line, first_line=sp.first_line_indent if block.indent else 0,
                                  keep_next=block.keep_with_next)
            if block.marker:
                self.run(paragraph, f"{block.marker} ", size, bold=block.bold_marker)
            self.inline(paragraph, block.runs, size)

    def authority(self, cell: Any, chu_ky: m.ChuKy) -> None:
        last = len(chu_ky.tham_quyen) - 1
        for index, line in enumerate(chu_ky.tham_quyen):
            paragraph = self.para(cell, CENTER, after=self.doc.spacing.signature_gap if index == last else 0)
            self.run(paragraph, line, self.sizes.tham_quyen, bold=True)
        self.run(self.para(cell, CENTER), chu_ky.ho_ten, self.sizes.ho_ten, bold=True)

    def noi_nhan(self, cell: Any, n: m.NoiNhan | None = None, before: float = 0) -> None:
        n, s = n or self.doc.noi_nhan, self.sizes
        self.run(self.para(cell, LEFT, before=before), n.label, s.noi_nhan_label, bold=True, italic=True)
        for item in n.lines:
            paragraph = self.para(cell, LEFT)
            for piece in item.runs:
                self.run(paragraph, piece.text, s.noi_nhan_item, bold=piece.bold, italic=piece.italic,
                         subscript=piece.subscript)
        if n.dien_tu_label:
            self.run(self.para(cell, LEFT, before=self.sp.dien_tu_before), n.dien_tu_label, s.noi_nhan_label,
                     bold=True, italic=True)
            for item in n.dien_tu_lines:
                paragraph = self.para(cell, LEFT)
                for piece in item.runs:
                    self.run(paragraph, piece.text, s.noi_nhan_item)
        if n.o12:
            self.run(self.para(cell, LEFT), n.o12, s.o12)

    def signature(self) -> None:
        c = self.doc.chu_ky
        if c is None:
            return
        width = self.doc.page.text_width
        left_width = c.left_width or self.doc.spacing.noi_nhan_width
        whole = self.doc.pagination.signature_whole or bool(self.doc.ban_sao)  # a copy's block follows its end
        if whole and self.word.paragraphs:
            self.word.paragraphs[-1].paragraph_format.keep_with_next = True  # the body's last lines go with it
        spacer = self.para(self.word, LEFT, line=self.sp.signature_before, keep_next=whole)
        self.run(spacer, "", self.sp.rule_line)
        table = self.table((left_width, round(width - left_width, 1)))
        self.copied_end = table._tbl  # where a copy's sheet starts: its blocks are kept with it (``copy_block``)
        left, right = table.rows[0].cells
        if c.ben_trai is not None:
            # Biên bản: two signers side by side, Nơi nhận under them on the left.
            self.authority(left, c.ben_trai)
            self.authority(right, c)
            if not self.doc.noi_nhan.label:  # two parties: no Nơi nhận
                if whole:
                    self.keep_whole(table)
                return
            below = self.table((left_width, round(width - left_width, 1)))
            self.noi_nhan(below.rows[0].cells[0], before=self.sp.second_row_before)
            self.para(below.rows[0].cells[1], LEFT)
            if whole:
                self.keep_whole(table, with_next=True)
                self.keep_whole(below)
            return
        self.noi_nhan(left)
        self.authority(right, c)
        if self.doc.xac_nhan is not None:  # Mẫu 1.10: the confirmation block under Nơi nhận
            x, size = self.doc.xac_nhan, self.sizes.xac_nhan
            cell = table.add_row().cells[0]
            cell._tc.remove(cell.paragraphs[0]._p)
            self.run(self.para(cell, CENTER, before=self.sp.second_row_before), x.tieu_de, size, italic=True)
            self.run(self.para(cell, CENTER, after=self.sp.signature_gap), x.ghi_chu, size, italic=True)
            self.run(self.para(cell, CENTER), x.ho_ten, self.sizes.ho_ten, bold=True)  # the name line, as ô 7c
        if whole:  # a copy's block stays on the copied document's sheet (PL I Phần II §I.2.a)
            self.keep_whole(table, with_next=bool(self.doc.ban_sao))

    @staticmethod
    def keep_whole(table: Any, with_next: bool = False) -> None:
        """Never split ``table`` or its rows across pages; ``with_next``: keep it on the page of what follows it."""
        last = len(table.rows) - 1
        for index, row in enumerate(table.rows):
            row._tr.get_or_add_trPr().append(parse_xml(f'<w:cantSplit {nsdecls("w")}/>'))
            if with_next or index < last:
                for cell in row.cells:
                    for paragraph in cell.paragraphs:
                        paragraph.paragraph_format.keep_with_next = True

    def copy_block(self) -> None:
        """Mẫu 3.1 after the copied document (after each earlier copy's block): a full-width rule, then the copying
        agency with its rule | the form of copy, the number level with the date, then Nơi nhận | the signature;
        the whole block on one page with its rule."""
        s, sp, h = self.sizes, self.sp, self.doc.header
        last = len(self.doc.ban_sao) - 1
        for index, b in enumerate(self.doc.ban_sao):
            # ND 30 places the block on the copied document's sheet, right after it: the rule kept whole with the
            # block, each block kept with the next one, whatever the agency's pagination of signatures
            rule = self.para(self.word, LEFT, before=sp.copy_rule_before, line=sp.rule_line, keep_next=True)
            rule.paragraph_format.keep_together = True
            self.run(rule, "", sp.rule_line)
            self.border(rule, ("bottom",))
            table = self.table((h.left_width, h.right_width), rows=3)
            left, right = table.rows[0].cells
            for index, stamp in enumerate(b.stamps_top_left):  # the block's space under the rule, then the mark's
                self.stamp(left, stamp, h.left_width, sp.stamp_top + (sp.copy_after_rule if index == 0 else 0))
            for number, line in enumerate(b.co_quan):  # the space under the rule opens the block, lines as ô 1's
                opens = number == 0 and not b.stamps_top_left
                paragraph = self.para(left, CENTER, before=sp.copy_after_rule if opens else 0, line=sp.header_line)
                self.run(paragraph, line, s.co_quan, bold=True)
            self.rule(left, b.co_quan_rule, h.left_width, before=sp.rule_before)
            self.run(self.para(right, CENTER, before=sp.copy_after_rule), b.hinh_thuc, s.ten_loai, bold=True)
            left, right = table.rows[1].cells
            self.run(self.para(left, CENTER, before=sp.copy_line_before), b.so_ky_hieu, s.so_ky_hieu)
            date = self.para(right, CENTER, before=sp.copy_line_before)
            if b.dia_danh_ngay:
                self.run(date, b.dia_danh_ngay, s.dia_danh_ngay, italic=True)
            left, right = table.rows[2].cells
            self.noi_nhan(left, b.noi_nhan, before=sp.second_row_before)
            self.authority(right, b.chu_ky)
            self.keep_whole(table, with_next=index < last)
        if self.doc.ban_sao and self.copied_end is not None:
            self.one_sheet(self.copied_end)

    def one_sheet(self, first: Any) -> None:
        """``first`` (the copied document's signature table) and all after it — the full-width rules and the copy
        blocks — moved into one row that never splits, of a borderless table one cell wide: a word processor then
        keeps them on one sheet, the copied document's last lines going along (its last paragraph keeps with this
        table), as ND 30 places the block (PL I Phần II §I.2.a). The keep-with-next chain alone held in Word, not
        in LibreOffice, which does not carry it out of a table."""
        outer = self.table((self.doc.page.text_width,))._tbl
        row = outer.tr_lst[0]
        row.get_or_add_trPr().append(parse_xml(f'<w:cantSplit {nsdecls("w")}/>'))
        cell = row.tc_lst[0]
        first.addprevious(outer)
        moved = []
        item = outer.getnext()
        while item is not None and item.tag != qn("w:sectPr"):
            moved.append(item)
            item = item.getnext()
        for item in moved:
            cell.append(item)
        closing = self.para(self.word, LEFT, line=self.sp.hairline)  # a cell ends with a paragraph
        self.run(closing, "", self.sp.hairline)
        cell.append(closing._p)

    def footnotes_part(self) -> None:
        if not self.notes:
            return
        size = int(self.sizes.footnote * 2)
        plain = f'<w:r><w:rPr><w:sz w:val="{size}"/></w:rPr><w:t xml:space="preserve">{{}}</w:t></w:r>'
        brackets = self.doc.footnote_call == "parenthesised"
        align = "" if brackets else '<w:vertAlign w:val="superscript"/>'
        opening, closing = (plain.format("("), plain.format(") ")) if brackets else ("", plain.format(" "))
        body = []
        for note in self.notes:
            runs = "".join(
                f'<w:r><w:rPr>{"<w:b/>" if r.bold else ""}{"<w:i/>" if r.italic else ""}<w:sz w:val="{size}"/>'
                f'<w:szCs w:val="{size}"/></w:rPr><w:t xml:space="preserve">{_xml(r.text)}</w:t></w:r>'
                for r in note.runs)
            body.append(
                f'<w:footnote w:id="{note.number}"><w:p><w:pPr><w:jc w:val="both"/></w:pPr>'
                f'{opening}<w:r><w:rPr><w:sz w:val="{size}"/>{align}</w:rPr><w:footnoteRef/></w:r>'
                f'{closing}{runs}</w:p></w:footnote>')
        xml = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
            '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
            + "".join(body) + "</w:footnotes>")
        document_part = self.word.part
        part = Part(PackURI("/word/footnotes.xml"), _FOOTNOTES_CT, xml.encode("utf-8"), document_part.package)
        document_part.relate_to(part, RT.FOOTNOTES)

    def properties(self) -> None:
        meta = self.doc.metadata
        props = self.word.core_properties
        props.title = meta.title
        props.subject = meta.subject
        props.author = meta.author
        props.last_modified_by = meta.author
        props.identifier = meta.identifier
        props.language = meta.language
        props.created = meta.created
        props.modified = meta.created
        props.last_printed = meta.created
        props.revision = 1
        props.comments = ""
        props.keywords = ""
        props.category = "Công văn"

    def title(self) -> None:
        t = self.doc.tieu_de
        if t is None:
            return
        size, sp = self.sizes.ten_loai, self.sp
        line = sp.title_line
        self.run(self.para(self.word, CENTER, before=sp.title_before, line=line), t.ten_loai, size, bold=True)
        if t.trich_yeu:
            self.run(self.para(self.word, CENTER, line=line), t.trich_yeu, size, bold=True)
        if t.kem_theo:
            self.run(self.para(self.word, CENTER, line=line), t.kem_theo, size, italic=True)
        self.rule(self.word, t.rule, self.doc.page.text_width, before=sp.title_rule_before)

    def ban_hanh(self) -> None:
        """A quyết định's issuing authority, its legal bases in italics, and QUYẾT ĐỊNH:."""
        size, sp = self.sizes.body, self.doc.spacing
        for line in self.doc.ban_hanh:
            self.run(self.para(self.word, CENTER, before=sp.block_before, after=sp.block_after), line, size, bold=True)
        for line in self.doc.can_cu:
            paragraph = self.para(self.word, JUSTIFY, before=sp.paragraph_before, line=sp.body_line,
                                  first_line=sp.first_line_indent)
            self.run(paragraph, line, size, italic=True)
        if self.doc.nhan_quyet:
            self.run(self.para(self.word, CENTER, before=sp.block_before, after=sp.block_after), self.doc.nhan_quyet, size,
                     bold=True)

    def annex(self, annex: m.PhuLuc, new_section: bool) -> None:
        page = m.LANDSCAPE if annex.landscape else self.doc.page
        if new_section:
            section = self.word.add_section(WD_SECTION.NEW_PAGE)
            self.page_setup(section, page)
            # ô 13 and ô 11 are page 1's: an annex's first page has its own empty footer and header, not page 1's
            if self.doc.footer is not None:
                section.first_page_footer.is_linked_to_previous = False
            if self.doc.header.stamps_right:
                section.first_page_header.is_linked_to_previous = False
            sect_pr = section._sectPr
            for inherited in sect_pr.findall(qn("w:pgNumType")):  # a section copies the one before: one only
                sect_pr.remove(inherited)
            follower = next((child for child in sect_pr if child.tag in _AFTER_PGNUM), None)
            if self.doc.page_numbers.annex_restarts:
                numbering = parse_xml(f'<w:pgNumType {nsdecls("w")} w:start="1"/>')
                if follower is not None:
                    follower.addprevious(numbering)
                else:
                    sect_pr.append(numbering)
        size = self.sizes.phu_luc
        self.run(self.para(self.word, CENTER), annex.heading, size, bold=True)
        self.run(self.para(self.word, CENTER), annex.title, size, bold=True)
        self.run(self.para(self.word, CENTER), annex.kem_theo, size, italic=True)
        sp = self.sp
        self.rule(self.word, annex.rule, page.text_width, before=sp.annex_rule_before)
        self.para(self.word, CENTER, line=sp.annex_table_before)
        self.place_table(annex.table, self.sizes.table)
        if annex.ghi_chu:
            self.run(self.para(self.word, JUSTIFY, before=sp.annex_note_before), annex.ghi_chu, self.sizes.table, italic=True)
        else:
            self.closing_paragraph()

    def closing_paragraph(self) -> None:
        """A hairline paragraph after a table that ends a section: a section must end with a paragraph (Word adds one;
        LibreOffice otherwise lays a landscape section's table on the page before)."""
        self.para(self.word, LEFT, line=self.sp.hairline)

    def build(self, only_annex: int | None = None) -> bytes:
        if only_annex is not None:
            annex = self.doc.phu_luc[only_annex]
            self.section(m.LANDSCAPE if annex.landscape else self.doc.page)
            self.annex(annex, new_section=False)
        else:
            self.section()
            self.header()
            self.title()
            self.ban_hanh()
            self.kinh_gui()
            self.body()
            self.signature()
            self.copy_block()
            for annex in self.doc.phu_luc:
                if not annex.separate:
                    self.annex(annex, new_section=True)
            self.footnotes_part()
        self.properties()
        return save_word(self.word, self.streamed)


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def normalise(data: bytes, document: m.Document) -> bytes:
    """Re-write a DOCX made elsewhere (a Word template) with fixed zip entries and the document's properties."""
    word = new_document(io.BytesIO(data))
    writer = _Writer.__new__(_Writer)
    writer.doc, writer.word = document, word
    writer.properties()
    return save_word(word)


_AFTER_PGNUM = {qn(f"w:{name}") for name in ("cols", "formProt", "vAlign", "noEndnote", "titlePg", "textDirection",
                                             "bidi", "rtlGutter", "docGrid")}
_JC = {"left": "left", "center": "center", "right": "right"}
_TWIPS_PER_MM = 56.6929


def _table_xml(table: m.Table, size: float, sp: m.Spacing) -> str:
    """The whole table (an annex's, or one of the body) as WordprocessingML in one pass (thousands of rows stay
    fast): header rows repeated, merged cells, the last ``keep_last`` rows kept with what follows."""
    return "".join(_table_parts(table, size, sp))


def _table_parts(table: m.Table, size: float, sp: m.Spacing) -> Iterator[str]:
    """``_table_xml`` in pieces, a row at a time."""
    twips = [round(w * _TWIPS_PER_MM) for w in table.widths]
    half_points = int(size * 2)
    weight = round(sp.table_rule_weight * 8)
    cell_space, margin = (round(value * 20) for value in sp.cell_padding)  # points to twips
    borders = "".join(f'<w:{side} w:val="single" w:sz="{weight}" w:space="0" w:color="000000"/>'
                      for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    yield (f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblW w:w="{sum(twips)}" w:type="dxa"/><w:jc w:val="center"/>'
           f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
           f'<w:tblCellMar><w:left w:w="{margin}" w:type="dxa"/><w:right w:w="{margin}" w:type="dxa"/></w:tblCellMar>'
           '</w:tblPr>'
           "<w:tblGrid>" + "".join(f'<w:gridCol w:w="{w}"/>' for w in twips) + "</w:tblGrid>")
    pending_merge: dict[int, tuple[int, int]] = {}  # grid column → rows still covered by a rowspan from above, its span
    rows = (*table.header, *table.rows)
    kept = len(rows) - table.keep_last  # from this row on, each row stays on the page of what follows the table
    for index, row in enumerate(rows):
        header = row.kind == "header"
        keep = "<w:keepNext/>" if index >= kept else ""
        out = ["<w:tr><w:trPr><w:cantSplit/>" + ("<w:tblHeader/>" if header else "") + "</w:trPr>"]
        column = 0
        cells = list(row.cells)
        while cells or column in pending_merge:
            if column in pending_merge:
                left, span = pending_merge[column]
                if left == 1:
                    del pending_merge[column]
                else:
                    pending_merge[column] = (left - 1, span)
                grid = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
                out.append(f'<w:tc><w:tcPr><w:tcW w:w="{sum(twips[column:column + span])}" w:type="dxa"/>{grid}'
                           f'<w:vMerge/><w:vAlign w:val="center"/></w:tcPr>'
                           + (f"<w:p><w:pPr>{keep}</w:pPr></w:p>" if keep else "<w:p/>") + "</w:tc>")
                column += span
                continue
            cell = cells.pop(0)
            width = sum(twips[column:column + cell.colspan])
            props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
            if cell.colspan > 1:
                props += f'<w:gridSpan w:val="{cell.colspan}"/>'
            if cell.rowspan > 1:
                props += '<w:vMerge w:val="restart"/>'
                pending_merge[column] = (cell.rowspan - 1, cell.colspan)
            props += f'<w:vAlign w:val="{"center" if header else "top"}"/>'
            run = ""
            if cell.text:
                run = (f'<w:r><w:rPr>{"<w:b/>" if cell.bold else ""}<w:sz w:val="{half_points}"/>'
                       f'<w:szCs w:val="{half_points}"/></w:rPr><w:t xml:space="preserve">'
                       + '</w:t><w:br/><w:t xml:space="preserve">'.join(_xml(line) for line in cell.text.split("\n"))
                       + "</w:t></w:r>")  # a line break inside a cell is kept
            out.append(f'<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:pPr>{keep}<w:spacing w:before="{cell_space}" '
                       f'w:after="{cell_space}"/><w:jc w:val="{_JC[cell.align]}"/></w:pPr>{run}</w:p></w:tc>')
            column += cell.colspan
        out.append("</w:tr>")
        yield "".join(out)
    yield "</w:tbl>"


def render_docx(document: m.Document, only_annex: int | None = None) -> bytes:
    """DOCX bytes of ``document`` (with its in-file annexes), or of one annex printed as a file of its own."""
    return _Writer(document).build(only_annex)

