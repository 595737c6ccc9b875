"""Turn a DOCX made in Word into the departures from ND 30/2020's thể thức it shows, each located and citing its rule.

Every requirement is read from the document model (paper, margins and sizes: ``correspondence.model``; the
typeface: ``Typeface``; the Số's zero padding: ``correspondence.numbers``; the date line's words:
``correspondence.vietnamese``): the lint states none of its own.

Where the agency profile knows the signer (``nguoi_ky.*.ho_ten``), the authority lines above the name (TM., KT.,
TL., TUQ., Q.) are held to the signer's ``chuc_vu`` by the rules that hold a record to Art. 13
(``correspondence.validate.rules.AUTHORITY_RULES``).

The capitals of the body, Kính gửi and Nơi nhận lines are held to PL II by a few clear-cut patterns only (the agencies
named by a fixed phrase, a kind of body and its field, citations of parts of a document, weekdays and months as
words): a form that may be right in some sentence is let be.

Not checked yet: the capitals of place names outside the date line, of "Nhân dân" and "Nhà nước" (PL II; "nhân dân"
is lower case inside "Ủy ban nhân dân", "ngân sách nhà nước" is the law's own spelling), a công văn without its V/v
(a thư công has none, and the file does not say which it is).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, fields
from pathlib import Path

from correspondence import numbers, vietnamese
from correspondence.i18n import _
from correspondence.lint.reading import Line, Reading, Span, read
from correspondence.model import MARGINS, PAPER, SIZE_RANGES, PageNumbers, Sizes, Typeface
from correspondence.validate.rules import authority_problems
from correspondence.validate.schema import PLACE_WORDS, CoQuan

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"


@dataclass(frozen=True)
class Finding:
    """One departure: the component, where (page: the page its line starts on where the file says it, 1 for the
    header block, else None; paragraph from 1), what was found, what ND 30 requires, and the rule."""

    component: str
    page: int | None
    paragraph: int | None
    found: str
    required: str
    rule: str
    # what ``--sua`` may do about it without the reader's eye: (paragraph, run, size in pt) for each run to resize
    resize: tuple[tuple[int, int, float], ...] = field(default=(), compare=False, repr=False)

    def as_dict(self) -> dict[str, object]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "resize"}


COMPONENTS = {
    "kho_giay": lambda: _("paper"),
    "le_tren": lambda: _("top margin"),
    "le_duoi": lambda: _("bottom margin"),
    "le_trai": lambda: _("left margin"),
    "le_phai": lambda: _("right margin"),
    "phong_chu": lambda: _("typeface"),
    "quoc_hieu": lambda: _("Quốc hiệu"),
    "tieu_ngu": lambda: _("Tiêu ngữ"),
    "so_ky_hieu": lambda: _("number and ký hiệu"),
    "dia_danh_ngay": lambda: _("place and date"),
    "trich_yeu_vv": lambda: _("V/v (trích yếu of a công văn)"),
    "kinh_gui": lambda: _("Kính gửi"),
    "noi_dung": lambda: _("body"),
    "noi_nhan": lambda: _("Nơi nhận"),
    "so_trang": lambda: _("page numbers"),
    "tham_quyen": lambda: _("signing authority"),
}


def component_name(code: str) -> str:
    """The component's name in the clerk's language."""
    return COMPONENTS[code]() if code in COMPONENTS else code


def _pt(value: float) -> str:
    return f"{value:g} pt"


def _range(low: float, high: float, unit: str) -> str:
    return f"{low:g} {unit}" if low == high else f"{low:g}–{high:g} {unit}"


def lint(path: Path, agency: CoQuan | None = None) -> list[Finding]:
    """Every departure from ND 30 the DOCX at ``path`` shows, in the order of the document; with the profile of the
    agency it is issued by, the signer's authority too."""
    return check(read(path), agency)


def check(reading: Reading, agency: CoQuan | None = None) -> list[Finding]:
    findings: list[Finding] = []
    findings += _page(reading)
    findings += _typeface(reading)
    findings += _components(reading.lines)
    if agency is not None:
        findings += _authority(reading.lines, agency)
    findings += _page_numbers(reading)
    return findings


# ------------------------------------------------------------------ page


def _page(reading: Reading) -> list[Finding]:
    found: list[Finding] = []
    for section in reading.sections:
        portrait = (min(section.width, section.height), max(section.width, section.height))
        if any(abs(a - b) > 1.0 for a, b in zip(portrait, PAPER, strict=True)):
            found.append(Finding("kho_giay", None, None, f"{section.width:g} × {section.height:g} mm",
                                 _("A4 ({width:g} × {height:g} mm)").format(width=PAPER[0], height=PAPER[1]),
                                 "PL I §I.1"))
        for side in ("top", "bottom", "left", "right"):
            low, high = MARGINS[side]
            value = getattr(section, side)
            if not low - 0.3 <= value <= high + 0.3:
                code = {"top": "le_tren", "bottom": "le_duoi", "left": "le_trai", "right": "le_phai"}[side]
                found.append(Finding(code, None, None, f"{value:g} mm", _range(low, high, "mm"), "PL I §I.3"))
    return found


def _typeface(reading: Reading) -> list[Finding]:
    family = Typeface().family
    found: list[Finding] = []
    for line in reading.lines:
        wrong = sorted({s.font or _("(not set)") for s in line.visible() if s.font != family})
        if wrong:
            found.append(Finding("phong_chu", line.page, line.paragraph, ", ".join(wrong), family, "PL I §I.4"))
    return found


# ------------------------------------------------------------------ components


def _sizes(spans: tuple[Span, ...]) -> set[float]:
    return {s.size for s in spans if s.size is not None}


def _size(code: str, line: Line, page: int | None, rule: str, key: str | None = None) -> list[Finding]:
    low, high = SIZE_RANGES[key or code]
    sizes = _sizes(line.visible())
    wrong = sorted(s for s in sizes if not low <= s <= high)
    if wrong or not sizes:
        shown = ", ".join(_pt(s) for s in wrong) if wrong else _("(not set)")
        # the nearest size ND 30 allows; where none is set, the size the model itself chooses
        resize = tuple((line.paragraph, s.run, min(max(s.size, low), high) if s.size is not None
                        else getattr(Sizes(), key or code)) for s in line.visible()
                       if s.run >= 0 and (s.size is None if not sizes else s.size in wrong))
        return [Finding(code, page, line.paragraph, _("size {size}").format(size=shown),
                        _("size {size}").format(size=_range(low, high, "pt")), rule, resize)]
    return []


def _style(code: str, line: Line, page: int | None, rule: str, bold: bool | None, italic: bool | None) -> list[Finding]:
    spans = line.visible()
    found: list[Finding] = []
    if bold is not None and any(s.bold != bold for s in spans):
        found.append(Finding(code, page, line.paragraph, _("not bold") if bold else _("bold"),
                             _("bold") if bold else _("not bold"), rule))
    if italic is not None and any(s.italic != italic for s in spans):
        found.append(Finding(code, page, line.paragraph, _("not italic") if italic else _("italic"),
                             _("italic") if italic else _("upright"), rule))
    return found


def _fold(text: str) -> str:
    return " ".join(text.replace("–", "-").replace("—", "-").replace("HOÀ", "HÒA").replace("hoà", "hòa")
                    .split()).casefold()


SO = re.compile(r"^Số\s*:?\s*(\S.*)$", re.IGNORECASE)
DATE = re.compile(r"^(?P<place>[^,]+),\s*ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})\s*$")


def _head(line: Line) -> int:
    """The page of a line of the header block: the one the file says, else 1."""
    return line.page if line.page is not None else 1


def _components(lines: tuple[Line, ...]) -> list[Finding]:
    found: list[Finding] = []
    number_line: Line | None = None
    for index, line in enumerate(lines):
        text = line.text
        head = _head(line)
        folded = _fold(text)
        if folded == _fold(QUOC_HIEU):
            rule = "PL I §II.1.a"
            if text != QUOC_HIEU and text.upper() != text:
                found.append(Finding("quoc_hieu", head, line.paragraph, text, QUOC_HIEU, rule))
            found += _size("quoc_hieu", line, head, rule)
            found += _style("quoc_hieu", line, head, rule, bold=True, italic=False)
        elif folded == _fold(TIEU_NGU):
            rule = "PL I §II.1.b"
            if text != TIEU_NGU:
                found.append(Finding("tieu_ngu", head, line.paragraph, text, TIEU_NGU, rule))
            found += _size("tieu_ngu", line, head, rule)
            found += _style("tieu_ngu", line, head, rule, bold=True, italic=False)
        elif number_line is None and (match := SO.match(text)) and "/" in match.group(1):
            number_line = line
            found += _number(line, match.group(1))
        elif match := DATE.match(text):
            found += _date(line, match)
        elif text.startswith("V/v"):
            found += _size("trich_yeu_vv", line, head, "PL I §II.5.b")
        elif text.startswith("Kính gửi"):
            found += _size("kinh_gui", line, line.page, "PL I §II.6")
            found += _capitals("kinh_gui", line)
        elif folded.rstrip(":") == "nơi nhận":
            found += _noi_nhan(line, lines[index + 1:])
        elif not line.in_table and line.visible():
            found += _size("noi_dung", line, line.page, "PL I §II.6", "body")
            found += _capitals("noi_dung", line)
    return found


def _number(line: Line, value: str) -> list[Finding]:
    rule = "Điều 15; PL I §II.3"
    found: list[Finding] = []
    if not line.text.startswith("Số: "):
        found.append(Finding("so_ky_hieu", _head(line), line.paragraph, line.text, _("\"Số: \" then the number"), rule))
    try:
        number, ky_hieu, year = numbers.parse_so_ky_hieu(value)
    except ValueError:
        found.append(Finding("so_ky_hieu", _head(line), line.paragraph, value, _("number/ký hiệu, e.g. {example}").format(
            example=numbers.so_ky_hieu(12, "UBND-VP", 2020)), rule))
        return found
    if number >= 1:
        wanted = numbers.so_ky_hieu(number, ky_hieu, year or 0, year is not None)
        if value.strip() != wanted:
            found.append(Finding("so_ky_hieu", _head(line), line.paragraph, value.strip(), wanted, rule))
    found += _size("so_ky_hieu", line, _head(line), rule)
    return found


def _date(line: Line, match: re.Match[str]) -> list[Finding]:
    rule = "PL I §II.4"
    found: list[Finding] = []
    try:
        day = dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        return [Finding("dia_danh_ngay", _head(line), line.paragraph, line.text, _("a real date"), rule)]
    place = match["place"].strip()
    wanted = vietnamese.dia_danh_ngay(place, day)
    if line.text != wanted:
        found.append(Finding("dia_danh_ngay", _head(line), line.paragraph, line.text, wanted, rule))
    if (capitals := _place_capitals(place)) != place:
        found.append(Finding("dia_danh_ngay", _head(line), line.paragraph, place, capitals, "PL II"))
    found += _size("dia_danh_ngay", line, _head(line), rule)
    found += _style("dia_danh_ngay", line, _head(line), rule, bold=None, italic=True)
    return found


# The syllables of the word naming a kind of place (tỉnh, thành phố, thị xã, thị trấn …): lower case, but for the first
# letter of the line, before the proper name (PL II: "thành phố Thái Nguyên"; at the head of the date line "Thành phố …")
GENERIC_SYLLABLES = PLACE_WORDS | {"phố", "trấn"}


def _place_capitals(place: str) -> str:
    """The place name of a date line with the capitals PL II asks for: the first letter of the line, and the first
    letter of each syllable of the proper name (after a leading word naming the kind of place); numbers as they are."""
    syllables = re.split(r"(\s+|-)", place)
    generic = True
    for index, syllable in enumerate(syllables):
        if not syllable or syllable.isspace() or syllable == "-":
            continue
        generic = generic and syllable.casefold() in GENERIC_SYLLABLES
        if generic and index:
            continue
        if syllable[0].islower():
            syllables[index] = syllable[0].upper() + syllable[1:]
    return "".join(syllables)


def _noi_nhan(label: Line, after: tuple[Line, ...]) -> list[Finding]:
    rule = "PL I §II.9"
    found = _size("noi_nhan", label, label.page, rule, "noi_nhan_label")
    found += _style("noi_nhan", label, label.page, rule, bold=True, italic=True)
    if label.text != "Nơi nhận:":
        found.append(Finding("noi_nhan", label.page, label.paragraph, label.text, "Nơi nhận:", rule))
    items: list[Line] = []
    for line in after:
        if not line.text.startswith(("-", "+")):
            break
        items.append(line)
    for position, item in enumerate(items):
        found += _size("noi_nhan", item, item.page, rule, "noi_nhan_item")
        found += _capitals("noi_nhan", item)
        last = position == len(items) - 1
        if last:
            if not re.match(r"^-\s*Lưu\s*:\s*VT\b", item.text):
                found.append(Finding("noi_nhan", item.page, item.paragraph, item.text, _("the last line \"- Lưu: VT, …\""),
                                     rule))
            elif not item.text.endswith("."):
                found.append(Finding("noi_nhan", item.page, item.paragraph, item.text, _("ends with \".\""), rule))
        elif not item.text.endswith((";", ":")):
            found.append(Finding("noi_nhan", item.page, item.paragraph, item.text, _("ends with \";\""), rule))
    return found


# ------------------------------------------------------------------ capitals in running text (PL II)

# The agencies whose name is a fixed phrase with only its first letter capitalised (PL II §IV.1: "Ủy ban nhân dân tỉnh
# Sơn La", "Hội đồng nhân dân tỉnh Sơn La")
AGENCY_PHRASES = ("ủy ban nhân dân", "uỷ ban nhân dân", "hội đồng nhân dân", "tòa án nhân dân", "toà án nhân dân",
                  "viện kiểm sát nhân dân")
MINISTRY_FIELDS = ("Tài chính", "Nội vụ", "Tư pháp", "Xây dựng", "Công thương", "Y tế", "Giáo dục và Đào tạo",
                   "Kế hoạch và Đầu tư", "Tài nguyên và Môi trường", "Giao thông vận tải",
                   "Nông nghiệp và Phát triển nông thôn", "Nông nghiệp và Môi trường", "Lao động - Thương binh và Xã hội",
                   "Văn hóa, Thể thao và Du lịch", "Khoa học và Công nghệ", "Thông tin và Truyền thông",
                   "Dân tộc và Tôn giáo")
# The kinds of body named by their field (PL II §IV.1: "Sở Tài chính", "Bộ Tài nguyên và Môi trường") and the fields
# each is known by, the first letter of each field capitalised ("Công thương": "Công Thương" is let be too). A field
# is read only after its kind word written with a capital, so "cơ sở", "toàn bộ" or "các sở" are never one.
AGENCY_FIELDS = {
    "Bộ": (*MINISTRY_FIELDS, "Ngoại giao", "Quốc phòng", "Công an"),
    "Sở": (*MINISTRY_FIELDS, "Ngoại vụ"),
    "Tổng cục": ("Thuế", "Hải quan", "Thống kê"),
    "Chi cục": ("Thuế", "Hải quan", "Thống kê"),
    "Cục": ("Thuế", "Hải quan", "Thống kê"),
    "Vụ": ("Pháp chế",),
}
# A citation of a part of a document (PL II §V): Phần, Chương, Mục, Tiểu mục, Điều capitalised; khoản, điểm not
CITATION_WORDS = {"phần": "Phần", "chương": "Chương", "tiểu mục": "Tiểu mục", "mục": "Mục", "điều": "Điều",
                  "khoản": "khoản", "điểm": "điểm"}
_TOKEN = (r"(?:điểm\s+(?-i:[a-zđ])\)?|khoản\s+\d+[a-zđ]?|điều\s+\d+[a-zđ]?|tiểu\s+mục\s+\d+"
          r"|mục\s+(?:\d+|(?-i:[IVXLC]+))|chương\s+(?-i:[IVXLC]+)|phần\s+(?:\d+|(?-i:[IVXLC]+)))(?![\w/-])")
CITATION = re.compile(rf"(?<![\w/-]){_TOKEN}(?:\s+{_TOKEN})*", re.IGNORECASE)
CITATION_WORD = re.compile(r"(?i)(?<!\w)(tiểu\s+mục|phần|chương|mục|điều|khoản|điểm)(?=\s)")
# the words before which "mục", "phần" make another word ("danh mục 2", "thành phần 3"): no citation
NOT_CITING = {"danh", "hạng", "đề", "chuyên", "thành", "cổ", "bộ", "một", "tiểu", "phụ", "các"}
# Weekdays and months written as words: "thứ Hai", "tháng Năm" (PL II §V.8.c). "Thứ Hai" inside a sentence is read
# only after a word showing it is a day of the week ("vào", "sáng" …), never an ordinal ("lần thứ hai")
WEEKDAY = re.compile(r"(?<!\w)(?:vào|ngày|sáng|chiều|trưa|tối|các|mỗi|hằng|hàng|từ|đến)\s+"
                     r"(?P<words>Thứ\s+(?:Hai|Ba|Tư|Năm|Sáu|Bảy)|Chủ\s+Nhật)(?!\w)")
MONTH = re.compile(r"(?<!\w)(?:vào|trong|đầu|cuối|giữa|từ|đến|hết)\s+"
                   r"(?P<words>Tháng\s+(?:Giêng|Chạp|Mười|Một|Hai|Ba|Tư|Năm|Sáu|Bảy|Tám|Chín))(?!\w)")


def _words(text: str) -> str:
    """A phrase as a pattern: its words, any spacing between them, any case."""
    return r"\s+".join(re.escape(word) for word in text.split())


AGENCY_PHRASE = re.compile(rf"(?<!\w)(?:{'|'.join(_words(p) for p in AGENCY_PHRASES)})(?!\w)", re.IGNORECASE)
KIND_FIELD = tuple((kind, re.compile(rf"(?<!\w)(?P<kind>{_words(kind)})\s+(?P<field>"
                                     rf"{'|'.join(_words(f) for f in fields)})(?!\w)", re.IGNORECASE),
                    {" ".join(f.casefold().split()): f for f in fields})
                   for kind, fields in AGENCY_FIELDS.items())


# The decree writes "Ủy", "Tòa" (the mark on the vowel that carries it): the form offered for a name written with
# wrong capitals is the decree's. A name written "Uỷ ban nhân dân", its capitals right, is let be: where the tone mark
# stands is no rule of PL II.
_DECREE_SPELLING = {"Uỷ": "Ủy", "uỷ": "ủy", "Toà": "Tòa", "toà": "tòa"}


def _decree_spelling(words: str) -> str:
    return re.sub(r"(?<!\w)(?:Uỷ|uỷ|Toà|toà)(?!\w)", lambda match: _DECREE_SPELLING[match[0]], words)


def _in_sentence(text: str, start: int) -> bool:
    """Whether the words at ``start`` stand inside a sentence: after a word, a number or a comma; not at the head of
    the line, nor after a full stop, a colon, a bullet, an opening bracket or quote, where a capital may be the
    sentence's."""
    before = text[:start].rstrip()
    return bool(before) and (before[-1].isalnum() or before[-1] == ",")


def _capitals(code: str, line: Line) -> list[Finding]:
    """The words of a body or Nơi nhận line whose capitals depart from PL II, each with its right form: the agencies
    named by a fixed phrase, a kind of body and its field, citations of parts of a document, weekdays and months as
    words. A line all in capitals (a title) is not read; a form that may be right in some sentence is let be."""
    text = line.text
    if text.upper() == text:
        return []
    found: list[tuple[int, str, str, str]] = []
    for match in AGENCY_PHRASE.finditer(text):
        words = match[0]
        if words[0].isupper() and words.upper() != words and words[1:] != words[1:].lower():
            found.append((match.start(), words, _decree_spelling(words[0] + words[1:].lower()), "PL II §IV.1"))
    for kind, pattern, forms in KIND_FIELD:
        for match in pattern.finditer(text):
            if match["kind"] != kind:
                continue  # "bộ tài chính", "SỞ TÀI CHÍNH": a common noun, or capitals for emphasis
            written, form = match["field"], forms[" ".join(match["field"].casefold().split())]
            wanted = "".join(w[:1].upper() + w[1:] if f[:1].isupper() else w
                             for w, f in zip(re.split(r"(\s+)", written), re.split(r"(\s+)", form), strict=True))
            if wanted != written:  # a letter PL II capitalises written small (more capitals are let be)
                found.append((match.start(), match[0], f"{kind} {wanted}", "PL II §IV.1"))
    for match in CITATION.finditer(text):
        words = match[0]
        first = words.split()[0].casefold()
        previous = text[:match.start()].split()[-1:]
        if first in ("mục", "phần", "chương") and previous and previous[0].casefold() in NOT_CITING:
            continue
        if len(CITATION_WORD.findall(words)) == 1 and first not in ("điều", "chương"):
            continue  # alone, "Khoản 2" may be a sum, "phần 2" any part: only a chain of them surely cites
        wanted = CITATION_WORD.sub(lambda m: CITATION_WORDS[" ".join(m[1].casefold().split())], words)
        if not _in_sentence(text, match.start()):
            wanted = words[0] + wanted[1:]  # the head of a sentence: its first letter is the sentence's
        if wanted != words:
            found.append((match.start(), words, wanted, "PL II §V"))
    for pattern in (WEEKDAY, MONTH):
        for match in pattern.finditer(text):
            words = match["words"]
            wanted = "Chủ nhật" if words.startswith("Chủ") else words[0].lower() + words[1:]
            found.append((match.start("words"), words, wanted, "PL II §V.8.c"))
    return [Finding(code, line.page, line.paragraph, words, wanted, rule) for _, words, wanted, rule in sorted(found)]


# ------------------------------------------------------------------ the signer's authority (Art. 13)


AUTHORITY = re.compile(r"^(TM|KT|TL|TUQ|Q)\.\s*(\S.*)$")


def _authority(lines: tuple[Line, ...], agency: CoQuan) -> list[Finding]:
    """The signature blocks whose name is a signer of the profile: the title line above the name, the authority
    lines above it, held to the signer's ``chuc_vu`` as a record's ``ky`` is."""
    signers = {" ".join(signer.ho_ten.split()).casefold(): key for key, signer in agency.nguoi_ky.items()}
    loai = "bien_ban" if any(line.text == "BIÊN BẢN" for line in lines) else None  # signed as the meeting's chair
    found: list[Finding] = []
    for index, line in enumerate(lines):
        key = signers.get(line.text.casefold())
        title = lines[index - 1] if index else None
        if key is None or title is None or title.text.upper() != title.text or AUTHORITY.match(title.text):
            continue  # a name not under a title in capitals is no signature block
        above: list[Line] = []
        for earlier in reversed(lines[:index - 1]):
            if not AUTHORITY.match(earlier.text):
                break
            above.insert(0, earlier)
        modes = {match[1]: match[2] for match in (AUTHORITY.match(a.text) for a in above) if match}
        ky: dict[str, object] = {"nguoi_ky": key, "tham_quyen": "khong"}
        if "TL" in modes and "KT" in modes:
            ky.update(tham_quyen="TL", thay_mat=modes["TL"], kt=modes["KT"])
        elif "KT" in modes:
            ky.update(tham_quyen="KT", thay_mat=modes["KT"])
        elif modes:
            mode, named = list(modes.items())[-1]
            ky.update(tham_quyen=mode, thay_mat=named)
        block = [*above, title, line]
        for problem in authority_problems(agency, ky, loai):
            found.append(Finding("tham_quyen", block[0].page, block[0].paragraph, " / ".join(b.text for b in block),
                                 problem.message, "Điều 13"))
    return found


# ------------------------------------------------------------------ page numbers


def _page_numbers(reading: Reading) -> list[Finding]:
    rule = "PL I §I.7"
    if PageNumbers().first_page or not reading.sections:
        return []
    first = reading.sections[0]
    on_first = first.first_header_pages if first.title_page else first.default_header_pages
    if on_first:
        return [Finding("so_trang", 1, None, _("a page number on page 1"), _("page numbers from page 2"), rule)]
    numbered = any(s.default_header_pages for s in reading.sections)
    if reading.pages is not None and reading.pages > 1 and not numbered:
        return [Finding("so_trang", None, None, _("{pages} pages, none numbered").format(pages=reading.pages),
                        _("page numbers from page 2"), rule)]
    return []
