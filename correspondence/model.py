"""Turn every ND 30/2020 layout decision into one immutable model of a document; both renderers draw only this.

Every ND 30 decision (what text goes where, punctuation, numbering, casing, sizes, rule lengths)
is made before a ``Document`` exists; the renderers only place what the model says.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from correspondence.metrics import BUNDLED
from correspondence.vietnamese import VIETNAM

# ------------------------------------------------------------------ inline content


@dataclass(frozen=True)
class Run:
    """A piece of text with one style."""

    text: str
    bold: bool = False
    italic: bool = False
    subscript: bool = False


@dataclass(frozen=True)
class Footnote:
    """A footnote: a superscript marker in the text and the note at the foot of the page."""

    number: int
    runs: tuple[Run, ...]


Inline = Run | Footnote


def plain_text(runs: tuple[Inline, ...]) -> str:
    """The visible text of ``runs`` (footnote markers as their numbers)."""
    return "".join(r.text if isinstance(r, Run) else str(r.number) for r in runs)


# ------------------------------------------------------------------ blocks

BlockRole = Literal["paragraph", "section", "heading", "article", "item", "point", "dash", "plus"]


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph. ``marker`` (``1.``, ``a)``, ``-``) is printed before the runs, already numbered."""

    runs: tuple[Inline, ...]
    role: BlockRole = "paragraph"
    marker: str = ""
    level: int = 0
    align: Literal["justify", "center"] = "justify"
    indent: bool = True
    bold_marker: bool = False
    keep_with_next: bool = False  # a heading (mục, a khoản's own title) never ends a page alone



# ------------------------------------------------------------------ layout facts (ND 30 PL I)


@dataclass(frozen=True)
class Page:
    """A4 page geometry in millimetres, inside the ND 30 ranges."""

    width: float = 210.0
    height: float = 297.0
    top: float = 20.0
    bottom: float = 20.0
    left: float = 30.0
    right: float = 15.0
    header_distance: float = 10.0
    footer_distance: float = 8.0

    @property
    def text_width(self) -> float:
        return self.width - self.left - self.right


# ND 30 PL I §I.1 and §I.3: the paper (A4, millimetres) and the margins a document may take; ``Page`` chooses inside them and a
# document made elsewhere (``correspondence lint``) is held to them.
PAPER = (210.0, 297.0)
MARGINS = {"top": (20.0, 25.0), "bottom": (20.0, 25.0), "left": (30.0, 35.0), "right": (15.0, 20.0)}


@dataclass(frozen=True)
class Sizes:
    """Font sizes in points for each component (ND 30 PL I §V, the decree's own illustration)."""

    co_quan_chu_quan: float = 13.0
    co_quan: float = 13.0
    quoc_hieu: float = 13.0
    tieu_ngu: float = 14.0
    so_ky_hieu: float = 13.0
    dia_danh_ngay: float = 14.0
    trich_yeu_vv: float = 13.0
    kinh_gui: float = 14.0
    body: float = 14.0
    footnote: float = 11.0
    ten_loai: float = 14.0
    phu_luc: float = 14.0  # "Phụ lục I", its title and the (Kèm theo …) line (PL I §V: 14 pt)
    table: float = 12.0
    table_min: float = 10.0  # the smallest a crowded body table may be set in before a number is cut in its cell
    tham_quyen: float = 14.0
    ho_ten: float = 14.0
    noi_nhan_label: float = 12.0
    noi_nhan_item: float = 11.0
    o12: float = 11.0
    footer: float = 11.0
    stamp: float = 13.0
    page_number: float = 14.0
    xac_nhan: float = 13.0  # the confirmation block of a giấy nghỉ phép (Mẫu 1.10)
    chu_ky_so: float = 10.0  # the text of an agency signature without a picture (PL I Phần I Mục II khoản 8.b)


# ND 30 PL I §V: the size (points) each component may take, low to high; ``Sizes`` chooses inside these, and
# ``correspondence lint`` holds a document made elsewhere to them.
SIZE_RANGES = {"quoc_hieu": (12.0, 13.0), "tieu_ngu": (13.0, 14.0), "so_ky_hieu": (13.0, 13.0),
               "dia_danh_ngay": (13.0, 14.0), "trich_yeu_vv": (12.0, 13.0), "kinh_gui": (14.0, 14.0),
               "body": (13.0, 14.0), "noi_nhan_label": (12.0, 12.0), "noi_nhan_item": (11.0, 11.0),
               "page_number": (13.0, 14.0)}


# ND 30 PL I (ô 6, the body): between the lines of a paragraph at least a single line, at most 1.5 lines; between
# paragraphs at least 6 pt. A single line of the 14 pt body in Times New Roman is 16.1 pt (its ascender, descender and
# line gap: 1.15 of the size), 1.5 lines 24.1 pt. An agency (or a record) may choose within these (``gian_dong``,
# ``gian_doan``); published documents use 17 to 19.3 pt. The paragraph spacing is kept at most 12 pt.
LINE_SPACING = (16.1, 24.1)  # pt: the body's line pitch, single to 1.5 lines
PARAGRAPH_SPACING = (6.0, 12.0)  # pt: above a body paragraph


@dataclass(frozen=True)
class Spacing:
    """Every vertical space (points), indent and column width (millimetres), line and rule weight of a document.

    Both renderers read these and realise each the same way; neither writes a space of its own.
    """

    body_line: float = 17.0  # exact line height of the body, legal bases and Kính gửi (within LINE_SPACING)
    paragraph_before: float = 6.0  # above a body paragraph and a legal basis (within PARAGRAPH_SPACING)
    first_line_indent: float = 10.0
    header_line: float = 15.0  # line height of the header block (PDF)
    title_line: float = 17.0  # line height of the type name and trích yếu block (PDF)
    vv_before: float = 6.0  # above "V/v …" under the number
    so_ky_hieu_before: float = 6.0  # above the row of the number and the place–date line
    rule_before: float = 1.0  # between the agency name or the Tiêu ngữ and the rule under it
    rule_line: float = 2.0  # the height of the empty line a DOCX rule is drawn under
    rule_weight: float = 0.75  # every rule and every box
    border_gap: float = 1.0  # between a box and its text
    stamp_around: float = 3.0  # above and below a boxed mark (urgency, secrecy, circulation, draft)
    stamp_left_before: float = 6.0  # above the urgency and secrecy marks under the number
    stamp_inset: float = 0.5  # mm: a mark on the left of a cell stands this far in (DOCX)
    stamp_height: float = 8.0  # mm: every boxed mark (PL I §III.2.b: urgency boxes 30 × 8, 40 × 8, 20 × 8 mm)
    margin_stamp_gap: float = 1.0  # mm: between the circulation note (ô 11, in the top margin) and the text area
    margin_stamp_after: float = 0.0  # under the circulation note in the DOCX header (the gap above is the room left)
    title_before: float = 18.0  # above the type name of a document with one (Mẫu 1.4)
    title_rule_before: float = 2.0  # above the short rule under the trích yếu
    block_before: float = 12.0  # above Kính gửi, the issuing authority and "QUYẾT ĐỊNH:"
    block_after: float = 6.0  # below them
    dien_tu_before: float = 3.0  # above "Bản điện tử:"
    signature_before: float = 6.0  # between the body and the signature block
    signature_gap: float = 72.0  # room for the signature and the seal
    noi_nhan_width: float = 74.0  # mm: the Nơi nhận column; the authority block takes the rest
    signer_column_margin: float = 3.0  # mm: kept free beside the widest unbreakable line of a two-party column
    copy_rule_before: float = 12.0  # above the full-width rule opening a copy block (Mẫu 3.1)
    copy_line_before: float = 3.0  # above the copy's number and its date line
    annex_note_before: float = 6.0  # above the note under an annex table
    annex_line: float = 1.25  # line height of an annex heading, a multiple of the font size (PDF)
    table_line: float = 1.2  # line height inside an annex table, a multiple of the font size (PDF)
    table_rule_weight: float = 0.5  # the borders of annex tables
    footnote_line: float = 1.2  # line height of a footnote, a multiple of its size (PDF)
    footnote_rule_before: float = 12.0  # above the footnote area (PDF)
    footnote_rule: float = 50.8  # mm: the separator above the footnotes (Word's, 2 inches)
    footnote_rule_after: float = 3.0  # between the separator and the first footnote (PDF)
    stamp_top: float = 3.0  # above a mark opening a cell or the page (DỰ THẢO)
    second_row_before: float = 6.0  # above the row under two signers (biên bản), a copy's heading, a confirmation
    copy_after_rule: float = 6.0  # between the full-width rule of a copy block and the block
    annex_rule_before: float = 2.0  # above the short rule under an annex heading
    annex_table_before: float = 6.0  # between the rule under an annex heading and its table
    footer_rule_gap: float = 2.0  # between the rule above the contacts (ô 13) and their text
    footer_line: float = 1.2  # line height of the contacts, a multiple of their size
    # page 1 (PDF): between the foot of the text area (the last footnote, else the body) and the rule above ô 13,
    # which stands at the text area's foot: the notes never touch the contacts (Word prints its notes above the
    # page footer). 1.5 pt leaves the last note's descenders 2 pt (0.7 mm) clear of the rule.
    footnotes_footer_gap: float = 1.5
    hairline: float = 1.0  # the height of the empty paragraph closing a section after its table (DOCX)
    cell_padding: tuple[float, float] = (1.5, 3.0)  # pt: above/below, left/right of an annex cell

    @property
    def stamp_line(self) -> float:
        """The line height (points) inside a boxed mark that makes the box, borders and gaps included,
        ``stamp_height`` millimetres tall."""
        return round(self.stamp_height * 72 / 25.4 - 2 * (self.rule_weight + self.border_gap), 1)

    def under_text(self, before: float) -> float:
        """How far below a line of text a rule drawn ``before`` points after it lies: Word draws it as the lower
        border of an empty ``rule_line`` paragraph, ``border_gap`` under it, so the PDF leaves the same clear gap
        (a rule never touches descenders and diacritics)."""
        return before + self.rule_line + self.border_gap


@dataclass(frozen=True)
class Typeface:
    """The font of every document: ND 30 names Times New Roman. A PDF embeds it where the machine has it, else
    ``embedded``, the shipped face metric-compatible with it."""

    family: str = "Times New Roman"
    embedded: str = BUNDLED
    subscript: float = 0.7  # size of subscript text, relative to its line (PDF)
    footnote_call: float = 0.65  # size of a superscript footnote call and marker, relative to the body text (PDF)


@dataclass(frozen=True)
class PageNumbers:
    """Page numbers (PL I §I.7): centred in the top margin, from the second page; each annex numbered from 1."""

    first_page: bool = False
    annex_restarts: bool = True


@dataclass(frozen=True)
class Pagination:
    """Where pages may break, as Word breaks them: at least ``lines`` lines of a paragraph at the foot and at the head
    of a page (Word's widow control, always 2); a heading kept with what follows it; the signature block (ô 7–9b)
    never split and never alone on a page: the body's last lines go with it (a table ending the body: its last
    ``table_rows`` rows)."""

    lines: int = 2
    signature_whole: bool = True
    table_rows: int = 2  # a table ending the body keeps its last rows with ./. and the signature, as lines do


@dataclass(frozen=True)
class Rule:
    """A solid horizontal rule centred in its column, ``width`` millimetres long."""

    width: float


@dataclass(frozen=True)
class Stamp:
    """A boxed mark (urgency, secrecy, circulation, draft): text, box width in mm, colour."""

    text: str
    width: float
    color: str = "000000"


# ------------------------------------------------------------------ components


@dataclass(frozen=True)
class Header:
    """Ô 1–5b: agency block on the left, Quốc hiệu block on the right, number and date on one row."""

    co_quan_chu_quan: tuple[str, ...]
    co_quan: tuple[str, ...]
    co_quan_rule: Rule
    quoc_hieu: str
    tieu_ngu: str
    tieu_ngu_rule: Rule
    so_ky_hieu: str
    dia_danh_ngay: str | None
    trich_yeu_vv: str | None
    left_width: float
    right_width: float
    stamps_left: tuple[Stamp, ...] = ()
    stamps_right: tuple[Stamp, ...] = ()  # ô 11 (circulation): in the top margin of page 1, over the right column
    stamps_top_left: tuple[Stamp, ...] = ()


@dataclass(frozen=True)
class TieuDe:
    """Ô 5a of a document with a type name: ``KẾ HOẠCH`` and the trích yếu under it, a short rule below."""

    ten_loai: str
    trich_yeu: str
    rule: Rule
    kem_theo: str | None = None  # a document issued with a quyết định: "(Kèm theo Quyết định số … ngày … của …)"


@dataclass(frozen=True, slots=True)  # slots: a long annex table holds tens of thousands
class Cell:
    """A table cell; ``colspan``/``rowspan`` for two-level headers and group rows."""

    text: str
    colspan: int = 1
    rowspan: int = 1
    align: Literal["left", "center", "right"] = "left"
    bold: bool = False


@dataclass(frozen=True, slots=True)
class TableRow:
    cells: tuple[Cell, ...]
    kind: Literal["header", "group", "data", "total"] = "data"


@dataclass(frozen=True)
class Column:
    """A body table's column as its writer marked it: a width (``unit`` mm, or % of the text width) and an
    alignment; None leaves it to the composer."""

    width: float | None = None
    unit: Literal["mm", "%"] = "mm"
    align: Literal["left", "center", "right"] | None = None


@dataclass(frozen=True)
class Table:
    """An annex table, or a table inside the body: column widths in mm, header rows repeated on every page,
    rows never split. ``size``: the font size (pt) the composer set a crowded body table in (None: ``Sizes.table``);
    ``keep_last``: how many last rows stay on the page of what follows (a table ending the body);
    ``columns``: the body table's columns as marked, for the composer."""

    widths: tuple[float, ...]
    header: tuple[TableRow, ...]
    rows: tuple[TableRow, ...]
    size: float | None = None
    keep_last: int = 0
    columns: tuple[Column, ...] = ()


Block = Paragraph | Table  # the body: paragraphs, and the simple tables a specialist's draft may hold


@dataclass(frozen=True)
class PhuLuc:
    """An annex (ND 30 PL I §III.1): heading, title, the (Kèm theo …) line, its table; pages numbered from 1."""

    heading: str
    title: str
    kem_theo: str
    rule: Rule
    table: Table
    landscape: bool
    separate: bool
    file_stem: str
    ghi_chu: str | None = None


@dataclass(frozen=True)
class KinhGui:
    """Ô 9a. ``inline`` puts the single recipient on the label's line; else one dash line each."""

    label: str
    recipients: tuple[str, ...]
    inline: bool
    indent: float
    items_indent: float
    centred: bool = False  # the label on its own centred line (the "… điện:" line of a công điện)


@dataclass(frozen=True)
class NoiNhanLine:
    """One line of Nơi nhận (11 pt); ``level`` 1 for ``+`` sub-items; runs carry the punctuation."""

    runs: tuple[Run, ...]
    level: int = 0


@dataclass(frozen=True)
class NoiNhan:
    """Ô 9b (and ô 12 under it): the label, the items ending ``;`` / ``.``, the electronic list; an empty label: none
    (a two-party document, each party keeping its original)."""

    label: str
    lines: tuple[NoiNhanLine, ...]
    dien_tu_label: str | None
    dien_tu_lines: tuple[NoiNhanLine, ...]
    o12: str | None


@dataclass(frozen=True)
class ChuKy:
    """Ô 7a–7c: authority and title lines (upper case), room for signature and seal, the name."""

    tham_quyen: tuple[str, ...]
    ho_ten: str
    ben_trai: ChuKy | None = None  # a second signer on the left (THƯ KÝ of a biên bản, bên A of a hợp đồng)
    left_width: float | None = None  # mm: the left column of the signature row (None: the Nơi nhận column's width)


@dataclass(frozen=True)
class XacNhan:
    """A confirmation block left blank for another body to sign, under Nơi nhận (Mẫu 1.10: "Xác nhận của cơ quan …
    nơi nghỉ phép"): its title and the note in brackets, then room for the signature and seal as the signature block
    leaves (``signature_gap``), then a line for the signer's name at the name's size (``ho_ten``)."""

    tieu_de: str
    ghi_chu: str = "(Chữ ký, dấu)"
    ho_ten: str = "…" * 10  # the line (about 50 mm at 14 pt) the confirming body's signer writes a name on


@dataclass(frozen=True)
class BanSao:
    """The copy block (Mẫu 3.1) under a full-width rule after the copied document: the copying agency with a rule
    under it and the form of copy side by side, then the number level with the date, then Nơi nhận and the
    signature; kept whole with its rule."""

    co_quan: tuple[str, ...]
    co_quan_rule: Rule
    so_ky_hieu: str
    hinh_thuc: str
    dia_danh_ngay: str | None
    noi_nhan: NoiNhan
    chu_ky: ChuKy
    stamps_top_left: tuple[Stamp, ...] = ()


@dataclass(frozen=True)
class Footer:
    """Ô 13: contacts at the foot of page 1 under a full-width rule, inside the text area: ``height`` millimetres
    (rule, gap and wrapped lines) are taken from the foot of page 1's text area. A number never breaks."""

    lines: tuple[str, ...]
    height: float = 0.0


METADATA_LIMIT = 255  # characters a file property holds (DOCX core properties); longer values are cut, never the text


@dataclass(frozen=True)
class Metadata:
    """What goes into the files' properties (and fixes their bytes); every value within ``METADATA_LIMIT``."""

    title: str
    subject: str
    author: str
    created: dt.datetime
    identifier: str
    language: str = "vi-VN"

    def __post_init__(self) -> None:
        if self.created.tzinfo is None:  # the agency's clock: a date without its zone is dropped by PDF writers
            object.__setattr__(self, "created", self.created.replace(tzinfo=VIETNAM))
        for name in ("title", "subject", "author", "identifier"):
            value = getattr(self, name)
            if len(value) > METADATA_LIMIT:
                object.__setattr__(self, name, value[:METADATA_LIMIT - 1].rstrip() + "…")


@dataclass(frozen=True)
class Attachment:
    """A file the archival PDF carries (a PDF/A-3 associated file): the record the document was made from
    (``Source``), its metadata and annex tables (``Data``)."""

    name: str
    data: bytes
    relationship: Literal["Source", "Data", "Supplement"]
    mime: str
    description: str


@dataclass(frozen=True)
class Archival:
    """What makes the PDF an archival original: its PDF/A variant, the files it carries, and the document metadata of
    ND 30 PL VI Part II §I (``fields``) written beside them as ``fields_name``; the page count (``PageAmount``) is the
    one value only the layout knows, filled in by the renderer."""

    variant: str = "pdf/a-3b"
    attachments: tuple[Attachment, ...] = ()
    fields: Mapping[str, Any] = field(default_factory=dict)
    fields_name: str = "sieu-du-lieu.json"


@dataclass(frozen=True)
class Registration:
    """What the register of outgoing documents writes of this document: columns (3) to (7) of PL IV."""

    ten_loai_trich_yeu: str
    nguoi_ky: str
    noi_nhan: str
    don_vi_nhan_ban_luu: str
    so_luong_ban: int | None = None


@dataclass(frozen=True)
class Document:
    """One administrative document, fully composed."""

    kind: str
    file_stem: str
    draft: bool
    header: Header
    kinh_gui: KinhGui | None
    body: tuple[Block, ...]
    chu_ky: ChuKy | None  # None: a document issued with a quyết định carries no signature of its own (Mẫu 1.3)
    noi_nhan: NoiNhan
    footer: Footer | None
    metadata: Metadata
    page: Page = field(default_factory=Page)
    sizes: Sizes = field(default_factory=Sizes)
    spacing: Spacing = field(default_factory=Spacing)
    typeface: Typeface = field(default_factory=Typeface)
    page_numbers: PageNumbers = field(default_factory=PageNumbers)
    pagination: Pagination = field(default_factory=Pagination)
    footnotes: tuple[Footnote, ...] = ()
    footnote_call: Literal["superscript", "parenthesised"] = "superscript"  # ¹ or (1), as the agency prints it
    tieu_de: TieuDe | None = None
    phu_luc: tuple[PhuLuc, ...] = ()
    ban_hanh: tuple[str, ...] = ()  # the issuing authority line of a quyết định (THẨM QUYỀN BAN HÀNH)
    can_cu: tuple[str, ...] = ()  # legal bases, one per line, italic, punctuated
    nhan_quyet: str | None = None  # "QUYẾT ĐỊNH:" / "QUYẾT NGHỊ:" before the articles
    du_lieu: Mapping[str, Any] = field(default_factory=dict)  # the record's data, for agency Word templates
    ban_sao: tuple[BanSao, ...] = ()  # a copy: the copied document followed by these blocks (a sao lục: SAO Y, SAO LỤC)
    registration: Registration | None = None  # None for an annex printed on its own
    xac_nhan: XacNhan | None = None  # the confirmation block of a giấy nghỉ phép, when the record asks for it
    archival: Archival = field(default_factory=Archival)  # PDF/A-3b: the record and metadata carried inside


@dataclass(frozen=True)
class CoverLine:
    """A line of the register's cover (PL IV §I.1): the title line, the italic period lines, Quyển số at the foot."""

    text: str
    bold: bool = False
    italic: bool = False
    title: bool = False
    foot: bool = False


BOOK_TITLES = {"chung": "SỔ ĐĂNG KÝ VĂN BẢN ĐI", "mat": "SỔ ĐĂNG KÝ VĂN BẢN MẬT ĐI",
               "ban_sao": "SỔ ĐĂNG KÝ BẢN SAO VĂN BẢN"}


@dataclass(frozen=True)
class BookLayout:
    """The printable register of outgoing documents (PL IV): a framed portrait cover, then ten columns on landscape
    pages."""

    title: str = "SỔ ĐĂNG KÝ VĂN BẢN ĐI"
    titles: Mapping[str, str] = field(default_factory=lambda: dict(BOOK_TITLES))  # by series; others: title + (name)
    cover_frame: tuple[float, float] = (150.0, 220.0)  # mm: the frame around the cover, centred on the page
    cover_frame_weight: float = 1.0
    cover_foot: float = 20.0  # mm: Quyển số stands this far above the frame's foot
    columns: tuple[str, ...] = ("Số, ký hiệu văn bản", "Ngày tháng văn bản", "Tên loại và trích yếu nội dung văn bản",
                                "Người ký", "Nơi nhận văn bản", "Đơn vị, người nhận bản lưu", "Số lượng bản",
                                "Ngày chuyển", "Ký nhận", "Ghi chú")
    # mm: 267, A4 landscape less its margins; (1) holds 12/2019/QĐ-UBND on one line
    widths: tuple[float, ...] = (33, 21, 57, 26, 35, 24, 15, 18, 18, 20)
    cover: Page = field(default_factory=Page)
    table_page: Page = field(default_factory=lambda: Page(width=297.0, height=210.0, top=15.0, bottom=15.0, left=15.0,
                                                          right=15.0))
    cover_size: float = 14.0
    title_size: float = 24.0
    table_size: float = 11.0
    page_number: float = 11.0
    cover_top: float = 40.0  # mm: above the first cover line (PDF)
    title_before: float = 20.0  # mm: above the title on the cover (PDF)
    title_after: float = 10.0  # mm
    cover_line: float = 1.6  # line height of the cover, a multiple of its size (PDF)
    table_line: float = 1.25
    rule_weight: float = 0.5
    cell_padding: tuple[float, float] = (1.5, 2.0)  # pt: above/below, left/right


@dataclass(frozen=True)
class RegisterBook:
    """One year of one series of the register, as PL IV prints it: the cover's facts and one row per number."""

    co_quan_chu_quan: tuple[str, ...]
    co_quan: tuple[str, ...]
    nam: int
    so: str  # the series
    quyen_so: str
    rows: tuple[tuple[str, ...], ...]
    tu_ngay: str
    den_ngay: str
    tu_so: str
    den_so: str
    cover: tuple[CoverLine, ...]  # the cover page, line by line
    layout: BookLayout = field(default_factory=BookLayout)
    typeface: Typeface = field(default_factory=Typeface)


LANDSCAPE = Page(width=297.0, height=210.0, top=20.0, bottom=20.0, left=30.0, right=15.0)
"""A4 landscape for wide annex tables: the portrait margins turned with the page (PL I Part I §I.3: top and bottom
20–25 mm, left 30–35 mm, right 15–20 mm)."""


@dataclass(frozen=True)
class DauDen:
    """The ĐẾN mark stamped on a received document (PL IV): a 35 × 50 mm box on a blank space of its first page,
    transparent, the receiving agency's name, ĐẾN, then Số, Ngày, Chuyển and the hồ sơ, filled where known. ND 30 asks
    for the blank space under the number and the trích yếu, or under the date line: the place is found on the page
    (``render.placing``) with ``clearance`` around the box and ``edge`` from the page's edges; ``top`` and ``right``
    are where the box is drawn (the place found), and the place weighed first when no blank space is big enough."""

    co_quan: str
    so: str
    ngay: str
    chuyen: str = ""
    ho_so: str = ""
    width: float = 50.0  # mm
    height: float = 35.0  # mm
    top: float = 8.0  # mm from the page's top edge
    right: float = 12.0  # mm from the page's right edge
    clearance: float = 1.0  # mm: blank kept between the box and the page's text and drawings
    edge: float = 1.0  # mm: the least distance from the box to the edges of the page
    size: float = 10.0  # pt
    weight: float = 1.0  # pt: the box's line
    padding: tuple[float, float] = (1.0, 2.0)  # mm: above/below, left/right of the lines inside the box
    line: float = 1.25  # line height, a multiple of the size
    typeface: Typeface = field(default_factory=Typeface)
