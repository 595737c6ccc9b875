"""Turn a loaded record, a number and a date into the document model.

This is where the ND 30/2020 rules live: what each component says, its punctuation and casing,
the thẩm quyền lines, the ``./.`` ending, rule lengths and boxes. Renderers only draw the result.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass

from correspondence import kinds, numbers
from correspondence import model as m
from correspondence import vietnamese as vn
from correspondence.compose import body_table
from correspondence.compose.annex import build_annexes, kem_theo_line
from correspondence.errors import InvalidRecord, Problem
from correspondence.i18n import _
from correspondence.metrics import text_width
from correspondence.validate import Loaded
from correspondence.validate.schema import CoQuan, NoiNhanMuc, VanBan

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"

# ô 10b: urgency boxes (text, width mm), bright red; ô 10a: secrecy marks.
DO_KHAN = {"hoa_toc": ("HỎA TỐC", 30.0), "thuong_khan": ("THƯỢNG KHẨN", 40.0), "khan": ("KHẨN", 20.0)}
DO_MAT = {"mat": ("MẬT", 20.0), "toi_mat": ("TỐI MẬT", 30.0), "tuyet_mat": ("TUYỆT MẬT", 35.0)}
LUU_HANH = {"noi_bo": "LƯU HÀNH NỘI BỘ", "xem_xong_tra_lai": "XEM XONG TRẢ LẠI"}
RED = "FF0000"
HEADER_LEFT = 62.0  # mm; the right column takes the rest of the text width


@dataclass(frozen=True)
class Issue:
    """The number and date a document is issued with; ``so`` None for a draft. ``ban``: the index of a
    personalised copy of a mail merge numbered once."""

    so: int | None
    ngay: dt.date | None
    nam_trong_ky_hieu: bool = False
    ban: int | None = None

    @property
    def draft(self) -> bool:
        return self.so is None

    def so_ky_hieu(self, ky_hieu: str) -> str:
        """``3018/UBND-XD6`` (``09/2019/QĐ-UBND`` with the year); ``…/UBND-XD6`` for a draft."""
        if self.so is None:
            return f"…/{ky_hieu}"
        year = self.ngay.year if self.ngay else dt.date.today().year
        return numbers.so_ky_hieu(self.so, ky_hieu, year, self.nam_trong_ky_hieu)

    def file_stem(self, loaded: Loaded, ky_hieu: str) -> str:
        """``3018-UBND-XD6``; ``du-thao-<record>`` for a draft."""
        if self.so is None:
            return f"du-thao-{loaded.path.stem}"
        return numbers.file_stem(self.so_ky_hieu(ky_hieu))

    def personal(self, stem: str) -> str:
        """The file stem of a personalised copy: ``…-ban-001``."""
        return stem if self.ban is None else f"{stem}-ban-{self.ban + 1:03d}"


def _strip_end(text: str, marks: str = ";,.:") -> str:
    """``text`` without the spaces and ``marks`` that end it (a loop: ``[\\s;,.:]+$`` is quadratic on a long run)."""
    end = len(text)
    while end and (text[end - 1].isspace() or text[end - 1] in marks):
        end -= 1
    return text[:end]


def _recipient_lines(entries: list[tuple[str, list[str]]], last: str) -> list[m.NoiNhanLine]:
    """Recipient lines: ``- name;``, or ``- name:`` and its sub-items ``+ part;`` one level in (PL I §II.9); the very
    last line ends with ``last``. A line break typed inside a name is kept."""
    lines: list[m.NoiNhanLine] = []
    for index, (name, subs) in enumerate(entries):
        final = index == len(entries) - 1
        if subs:
            lines.append(m.NoiNhanLine((m.Run(f"- {_strip_end(name)}:"),)))
            lines += [m.NoiNhanLine((m.Run(f"+ {_strip_end(sub)}{last if final and i == len(subs) - 1 else ';'}"),),
                                    level=1) for i, sub in enumerate(subs)]
        else:
            lines.append(m.NoiNhanLine((m.Run(f"- {_strip_end(name)}{last if final else ';'}"),)))
    return lines


def one_line(text: str) -> str:
    """``text`` with its line breaks as spaces: for file properties and the register's columns."""
    return " ".join(text.split())


def _punctuate(items: list[str]) -> list[str]:
    """``;`` after every item but the last, ``.`` after the last (ND 30 PL I §II.9)."""
    cleaned = [_strip_end(item) for item in items]
    return [item + (";" if index < len(cleaned) - 1 else ".") for index, item in enumerate(cleaned)]


def tham_quyen_lines(record: VanBan, agency: CoQuan, collective: bool = True) -> tuple[str, ...]:
    """Ô 7a: the authority and title lines (ND 30 Art. 13, PL I §II.7).

    ``collective=False`` when the head issues in person (a quyết định of the Chủ tịch): KT. without TM.; the
    record's ``ky.tap_the`` decides over it.
    """
    assert record.ky is not None
    if record.ky.tap_the is not None:
        collective = record.ky.tap_the
    signer = agency.nguoi_ky[record.ky.nguoi_ky]
    title = signer.chuc_vu
    mode = record.ky.tham_quyen
    on_behalf = record.ky.thay_mat
    if mode == "khong":
        lines = [title]
    elif mode == "TM":
        lines = [f"TM. {on_behalf or agency.tap_the}", title]
    elif mode == "KT":
        # In a collective body a deputy signs TM. and KT. together (Art. 13.2).
        lines = [f"TM. {agency.tap_the}"] if agency.tap_the and collective else []
        lines += [f"KT. {on_behalf or agency.thu_truong}", title]
    elif mode == "Q":
        lines = [f"Q. {on_behalf or agency.thu_truong}"]
    else:  # TL, TUQ; the unit head's deputy adds KT. (Art. 13.4)
        lines = [f"{mode}. {on_behalf or agency.thu_truong}"]
        if record.ky.kt:
            lines.append(f"KT. {record.ky.kt}")
        lines.append(title)
    return tuple(line.upper() for line in lines)


def _noi_nhan(record: VanBan, agency: CoQuan, don_vi: str,
              luu: tuple[str, ...] | None = None) -> tuple[m.NoiNhan, str]:
    """Ô 9b and ô 12, and the register's column (6) (the Lưu line without its label)."""
    entries: list[tuple[str, list[str]]] = []
    for item in record.noi_nhan:
        if isinstance(item, NoiNhanMuc):
            entries.append((item.ten, list(item.gom)))
        else:
            entries.append((item, []))
    lines: list[m.NoiNhanLine] = []
    lines += _recipient_lines(entries, last=";")
    noi_luu = (list(record.luu.noi_luu) if record.luu.noi_luu is not None
               else list(luu) if luu is not None else [*agency.luu_mac_dinh, don_vi])
    if record.nguoi_soan and don_vi not in noi_luu:
        noi_luu.append(don_vi)
    form = agency.dong_luu  # the agency's forms: (2) or (2b), XD6(pvt) small or XD6 (pvt), PL.(300) or PL.300
    runs: list[m.Run] = [m.Run("- Lưu: ")]
    for index, unit in enumerate(noi_luu):
        runs.append(m.Run(unit if index == 0 else f", {unit}"))
        if record.nguoi_soan and unit == don_vi:
            runs.append(m.Run(f"({record.nguoi_soan})", subscript=True) if form.nguoi_soan == "chu_nho"
                        else m.Run(f" ({record.nguoi_soan})"))
    copies = record.luu.so_ban or agency.so_ban_luu
    suffix = "b" if form.so_ban == "ngoac_b" else ""
    runs.append(m.Run(f" ({copies}{suffix})." if copies else "."))
    lines.append(m.NoiNhanLine(tuple(runs)))
    dien_tu = _recipient_lines([(item.ten, list(item.gom)) if isinstance(item, NoiNhanMuc) else (item, [])
                                for item in record.ban_dien_tu], last=".")
    o12 = record.ky_hieu_soan_thao or ""
    if record.so_ban_phat_hanh and form.so_ban_phat_hanh == "ngoac":
        o12 += f"({record.so_ban_phat_hanh})"
    elif record.so_ban_phat_hanh:  # bare, set apart from a code not ending in a full stop (N.03-CV4.36 25)
        o12 += f"{'' if not o12 or o12.endswith('.') else ' '}{record.so_ban_phat_hanh}"
    notice = m.NoiNhan(label="Nơi nhận:", lines=tuple(lines),
                       dien_tu_label="Bản điện tử:" if dien_tu else None,
                       dien_tu_lines=tuple(dien_tu), o12=o12 or None)
    return notice, m.plain_text(tuple(runs)).removeprefix("- Lưu:").strip().rstrip(".")


def _kinh_gui(record: VanBan, sizes: m.Sizes, label: str = "Kính gửi:") -> m.KinhGui | None:
    """Ô 9a; a công điện names its sender instead (``CHỦ TỊCH … điện:``) and always lists its recipients."""
    if record.kinh_gui is None:
        return None
    recipients = [record.kinh_gui] if isinstance(record.kinh_gui, str) else list(record.kinh_gui)
    if len(recipients) == 1 and label == "Kính gửi:":
        return m.KinhGui(label, (_strip_end(recipients[0]),), True, 0.0, 0.0)
    if label != "Kính gửi:":  # the sender of a công điện, centred over its recipients (Mẫu 1.6)
        return m.KinhGui(label, tuple(f"- {r}" for r in _punctuate(recipients)), False, 0.0, 10.0, centred=True)
    indent = 35.0
    items_indent = indent + text_width("Kính gửi", sizes.kinh_gui)
    return m.KinhGui(label, tuple(f"- {r}" for r in _punctuate(recipients)), False, indent, items_indent)


def _chu_ky(record: VanBan, agency: CoQuan, kind: kinds.Kind) -> m.ChuKy | None:
    """Ô 7: one authority block; a biên bản signs CHỦ TỌA on the right and THƯ KÝ on the left (Mẫu 1.9)."""
    if record.ky is None:
        return None
    signer = agency.nguoi_ky[record.ky.nguoi_ky]
    if kind.bo_cuc == "bien_ban" and record.ben_kia is not None:  # a handover: each side signs in its column
        return _parties(m.ChuKy(tham_quyen_lines(record, agency, collective=False), signer.ho_ten), record, agency)
    if kind.bo_cuc == "bien_ban":
        left = None
        if record.thu_ky is not None:
            left = m.ChuKy((record.thu_ky.chuc_danh.upper(),), record.thu_ky.ho_ten)
        return m.ChuKy(("CHỦ TỌA",), signer.ho_ten, left)
    own = m.ChuKy(tham_quyen_lines(record, agency, collective=issued_by_collective(kind)), signer.ho_ten)
    if kind.bo_cuc == "hai_ben" and record.ben_kia is not None:
        return _parties(own, record, agency)
    return own


# The two sides of a two-party document, the left one first: bên A and bên B, or who hands over and who receives.
SIDES = {"A": "B", "B": "A", "giao": "nhan", "nhan": "giao"}
SIDE_NAMES = {"A": "A", "B": "B", "giao": "GIAO", "nhan": "NHẬN"}


def _parties(own: m.ChuKy, record: VanBan, agency: CoQuan) -> m.ChuKy:
    """Two parties side by side, bên A (bên giao) on the left: "ĐẠI DIỆN BÊN A", the party, the signer's authority."""
    other = record.ben_kia
    assert other is not None
    ours = SIDES[other.ben]
    own = m.ChuKy((f"ĐẠI DIỆN BÊN {SIDE_NAMES[ours]}", " ".join(agency.ten_co_quan), *own.tham_quyen), own.ho_ten)
    theirs = m.ChuKy((f"ĐẠI DIỆN BÊN {SIDE_NAMES[other.ben]}", other.ten, other.chuc_vu), other.ho_ten)
    left, right = (own, theirs) if ours in ("A", "giao") else (theirs, own)
    return two_columns(left, right)


NBSP = "\u00a0"
# The commonest Vietnamese family names: a capitalised run of words starting with one is a person's name.
_SURNAMES = frozenset(
    "nguyễn trần lê phạm hoàng huỳnh phan vũ võ đặng bùi đỗ hồ ngô dương lý đinh đoàn trương lâm mai tôn tạ "
    "quách lương kiều triệu vương trịnh".split())


_LINKS = frozenset(("và", "của", "về", "với", "cho", "tại", "thuộc"))


def keep_names(text: str, names: tuple[str, ...] = ()) -> str:
    """The spaces inside a person's name made non-breaking, so that no line breaks it: each of ``names`` (the
    signers') and every run of two to five capitalised words opening with a family name ("Nguyễn Hoàng Phương" in
    a company's name)."""
    for name in names:
        if name.strip():
            text = re.sub(re.escape(name.strip()), name.strip().replace(" ", NBSP), text, flags=re.IGNORECASE)
    words = text.split(" ")
    out: list[str] = []
    index = 0
    while index < len(words):
        end = index + 1
        if words[index].split(NBSP)[0].lower() in _SURNAMES and words[index][:1].isupper():
            while end < len(words) and end - index < 5 and words[end][:1].isupper():
                end += 1
        out.append(NBSP.join(words[index:end]))
        index = end
    return " ".join(out)


def _fit_lines(line: str, width: float, size: float) -> tuple[str, ...]:
    """A signature line too wide for its column broken between words (a name's non-breaking spaces kept), in the
    fewest lines, the widest of them as narrow as can be (balanced: "ỦY BAN NHÂN DÂN / TỈNH QUẢNG NINH")."""
    import itertools

    if text_width(line, size, bold=True) <= width:
        return (line,)
    words = line.split(" ")
    for count in range(2, min(len(words), 6) + 1):
        best: tuple[tuple[int, float], tuple[str, ...]] | None = None
        for cuts in itertools.combinations(range(1, len(words)), count - 1):
            bounds = (0, *cuts, len(words))
            parts = tuple(" ".join(words[a:b]) for a, b in itertools.pairwise(bounds))
            widest = max(text_width(part, size, bold=True) for part in parts)
            # a line ending "… VÀ" is a last resort ("SỞ THÔNG TIN / VÀ TRUYỀN THÔNG")
            key = (sum(part.rsplit(" ", 1)[-1].lower() in _LINKS for part in parts[:-1]), widest)
            if widest <= width and (best is None or key < best[0]):
                best = (key, parts)
        if best is not None:
            return best[1]
    return (line,)


def two_columns(left: m.ChuKy, right: m.ChuKy) -> m.ChuKy:
    """Two signers side by side (two parties; the two sides of a handover): each name kept whole on one line, each
    party's name (in capitals) broken only between words outside a person's name, the columns half the text width
    each unless a name or a word needs more, then as wide as that side needs; the names on one level."""
    sizes, page, margin = m.Sizes(), m.Page(), m.Spacing().signer_column_margin
    names = (left.ho_ten, right.ho_ten)
    sides = [dataclasses.replace(side, tham_quyen=tuple(keep_names(line, names).upper() for line in side.tham_quyen),
                                 ho_ten=side.ho_ten.replace(" ", NBSP)) for side in (left, right)]

    def need(side: m.ChuKy) -> float:
        words = [w for line in side.tham_quyen for w in line.split(" ")]
        return max([text_width(side.ho_ten, sizes.ho_ten, bold=True),
                    *(text_width(w, sizes.tham_quyen, bold=True) for w in words)]) + margin

    total, half = page.text_width, page.text_width / 2
    need_left, need_right = need(sides[0]), need(sides[1])
    if need_left <= half and need_right <= half:
        left_width = half
    elif need_left + need_right <= total:
        left_width = need_left if need_left > half else total - need_right
    else:
        left_width = total * need_left / (need_left + need_right)
    widths = (left_width - margin, total - left_width - margin)
    sides = [dataclasses.replace(side, tham_quyen=tuple(part for line in side.tham_quyen
                                                        for part in _fit_lines(line, width, sizes.tham_quyen)))
             for side, width in zip(sides, widths, strict=True)]
    lines = max(len(side.tham_quyen) for side in sides)  # both names on one level
    left, right = (dataclasses.replace(side, tham_quyen=(*side.tham_quyen, *(NBSP,) * (lines - len(side.tham_quyen))))
                   for side in sides)
    return dataclasses.replace(right, ben_trai=left, left_width=round(left_width, 1))


def issued_by_collective(kind: kinds.Kind) -> bool:
    """Whether a deputy of this kind signs under the collective's TM. line by default: a nghị quyết always (a
    collective's act), a quyết định or công điện not (the head's own), nor a two-party document (its party line names
    the agency), every other kind when the profile names one."""
    return kind.code == "nghi_quyet" or kind.bo_cuc not in ("quyet_dinh", "cong_dien", "hai_ben")


def _open(block: m.Block) -> m.Block:
    """The paragraph without the ``./.`` a body ends with (another paragraph follows it)."""
    if isinstance(block, m.Table):
        return block
    runs = list(block.runs)
    for index in range(len(runs) - 1, -1, -1):
        run = runs[index]
        if isinstance(run, m.Run) and run.text.endswith("./."):
            runs[index] = m.Run(run.text[:-3] + ".", run.bold, run.italic, run.subscript)
            break
    return dataclasses.replace(block, runs=tuple(runs))


def _close_body(blocks: tuple[m.Block, ...]) -> tuple[m.Block, ...]:
    """End the content with ``./.`` unless it already does (every PL III sample); after a table, on a line of its
    own."""
    if not blocks:
        return blocks
    blocks = tuple(dataclasses.replace(b, keep_last=0) if isinstance(b, m.Table) and b.keep_last else b for b in blocks)
    last = blocks[-1]
    if isinstance(last, m.Table):  # its last rows go with ./. and the signature
        return (*blocks[:-1], body_table.keep_last(last, m.Pagination().table_rows),
                m.Paragraph((m.Run("./."),), indent=False))
    if m.plain_text(last.runs).rstrip().endswith("./."):
        return blocks
    runs = list(last.runs)
    index = max((i for i, r in enumerate(runs) if isinstance(r, m.Run)), default=None)
    if index is None:
        runs.append(m.Run("./."))
    else:
        run = runs[index]
        assert isinstance(run, m.Run)
        text = _strip_end(run.text, ";:,")
        runs[index] = dataclasses.replace(run, text=text + ("/." if text.endswith(".") else "./."))
    return blocks[:-1] + (dataclasses.replace(last, runs=tuple(runs)),)  # the last Điều keeps its bold marker


def _footer(lines: tuple[str, ...], sizes: m.Sizes, page: m.Page) -> m.Footer:
    """Ô 13 with each number kept whole (its inner spaces made non-breaking) and the height it takes, wrapped lines
    counted, so that it ends at the text area's foot."""
    spacing = m.Spacing()
    kept = tuple(re.sub(r"(?<=\d)-(?=\d)", "-\u2060", re.sub(r"(?<=[\d)]) (?=[\d(])", "\u00a0", line)) for line in lines)
    count = sum(max(1, -(-text_width(line, sizes.footer) // page.text_width)) for line in kept)
    height = (count * sizes.footer * spacing.footer_line + spacing.rule_weight + spacing.footer_rule_gap) * 25.4 / 72
    return m.Footer(kept, round(height + 1, 1))


def issuer_name(agency: CoQuan, kind: kinds.Kind) -> str:
    """Who issued a document, as another line names it: the head for a quyết định or công điện issued in person
    ("Chủ tịch Ủy ban nhân dân tỉnh Quảng Ninh"), the agency otherwise."""
    return agency.ten_trong_cau if issued_by_collective(kind) else f"{agency.thu_truong} {agency.ten_trong_cau}"


def _rule_for(lines: tuple[str, ...], size: float) -> m.Rule:
    longest = max((text_width(line, size, bold=True) for line in lines), default=30.0)
    return m.Rule(round(max(longest / 3, min(longest * 0.4, longest / 2)), 1))


def _body(loaded: Loaded, page: m.Page) -> tuple[tuple[m.Block, ...], tuple[m.Footnote, ...]]:
    """The record's body closed with ``./.``, its tables across the text width."""
    if loaded.body is None:
        raise InvalidRecord(_("invalid record"), [Problem(loaded.located.where(("noi_dung",)), "noi_dung",
                                                          _("must not be empty"))])
    where = loaded.located.where(("noi_dung",))
    blocks = tuple(body_table.fit(block, page.text_width, m.Sizes(), m.Spacing(), where)
                   if isinstance(block, m.Table) else block for block in loaded.body.blocks)
    return _close_body(blocks), loaded.body.footnotes


def _clean(text: str) -> str:
    return _strip_end(text).lstrip("-+ ").rstrip(";.:").strip()


def so_luong_ban(record: VanBan, agency: CoQuan, luu: str, kinh_gui: bool = True) -> int:
    """Register column (7): as the record declares (``so_ban_phat_hanh``), else one copy per recipient (each Kính
    gửi recipient, each Nơi nhận entry or sub-item but "Như trên") plus the copies kept (the Lưu line's number, else
    one per place it names)."""
    if record.so_ban_phat_hanh:
        return record.so_ban_phat_hanh
    count = len(_gui_den(record))
    if kinh_gui and record.kinh_gui is not None:
        count += 1 if isinstance(record.kinh_gui, str) else len(record.kinh_gui)
    for item in record.noi_nhan:
        if isinstance(item, NoiNhanMuc):
            count += len(item.gom) or 1
        elif not _clean(item).lower().startswith("như trên"):
            count += 1
    count += _other_party_unnamed(record)
    kept = record.luu.so_ban or agency.so_ban_luu or len([place for place in luu.split(", ") if place])
    return count + kept


def _other_party_unnamed(record: VanBan) -> bool:
    """Whether the other party of a two-party document is one more recipient: not already in Nơi nhận (a biên bản
    bàn giao may list it there)."""
    if record.ben_kia is None:
        return False
    listed = {_clean(item.ten if isinstance(item, NoiNhanMuc) else item).lower() for item in record.noi_nhan}
    return _clean(record.ben_kia.ten).lower() not in listed


def _gui_den(record: VanBan) -> list[str]:
    """The recipients a giấy mời or giấy giới thiệu names in its body, as the record lists them (``gui_den``)."""
    return [] if record.gui_den is None else [record.gui_den] if isinstance(record.gui_den, str) else list(record.gui_den)


def _recipients(record: VanBan, kinh_gui: bool = True) -> str:
    """Register column (5): the recipients named in the body of a giấy mời or giấy giới thiệu (``gui_den``) or the
    Kính gửi recipients, then every other Nơi nhận entry and sub-item ("Như trên" stands for those already named),
    each on one line."""
    names = _gui_den(record)
    if kinh_gui and record.kinh_gui is not None:
        names += [record.kinh_gui] if isinstance(record.kinh_gui, str) else list(record.kinh_gui)
    for item in record.noi_nhan:
        names += [item.ten, *item.gom] if isinstance(item, NoiNhanMuc) else [item]
    if record.ben_kia is not None and _other_party_unnamed(record):  # a two-party document goes to the other party
        names.append(record.ben_kia.ten)
    cleaned = (one_line(_clean(name)) for name in names)
    return "; ".join(c for c in cleaned if c and not c.lower().startswith("như trên"))


def _spacing(record: VanBan, agency: CoQuan) -> m.Spacing:
    """The agency's choices within ND 30: the Nơi nhận column (central agencies: about 88 mm), the body's line and
    paragraph spacing (the record's over the profile's); the model's own where neither says."""
    default = m.Spacing()
    line = record.gian_dong if record.gian_dong is not None else agency.gian_dong
    before = record.gian_doan if record.gian_doan is not None else agency.gian_doan
    return dataclasses.replace(
        default,
        noi_nhan_width=default.noi_nhan_width if agency.rong_noi_nhan is None else agency.rong_noi_nhan,
        body_line=default.body_line if line is None else line,
        paragraph_before=default.paragraph_before if before is None else before)


def compose(loaded: Loaded, issue: Issue, parent: tuple[str, dt.date] | None = None) -> m.Document:
    """Build the document model of any kind, with its annexes.

    ``parent`` is the number and date of the quyết định a document is issued with (``kem_theo``), from
    the register.
    """
    record, agency = loaded.record, loaded.agency
    sizes, page = m.Sizes(), m.Page()
    spacing = _spacing(record, agency)
    kind = kinds.BY_CODE[record.loai]
    don_vi = loaded.don_vi
    ky_hieu = loaded.ky_hieu
    blank = "\u00a0" * 6
    so = f"Số: {issue.so_ky_hieu(ky_hieu)}" if issue.so is not None else f"Số:{blank}/{ky_hieu}"
    attached = record.kem_theo is not None  # issued with a quyết định: no number, no date of its own (Mẫu 1.3)
    if attached:
        so = ""
    stem = issue.file_stem(loaded, ky_hieu)
    if attached and not issue.draft:
        stem = f"{numbers.file_stem(record.kem_theo or '')}-{record.loai.replace('_', '-')}"
    co_quan = tuple(line.upper() for line in agency.ten_co_quan)
    stamps_left = []
    if record.do_mat:
        text, width = DO_MAT[record.do_mat]
        stamps_left.append(m.Stamp(text, width, RED))
    if record.do_khan:
        text, width = DO_KHAN[record.do_khan]
        stamps_left.append(m.Stamp(text, width, RED))
    stamps_right = []
    if record.luu_hanh:
        text = LUU_HANH[record.luu_hanh]
        stamps_right.append(m.Stamp(text, round(text_width(text, sizes.stamp, bold=True) + 6, 1)))
    top_left = (m.Stamp("DỰ THẢO", round(text_width("DỰ THẢO", sizes.stamp, bold=True) + 6, 1)),) if issue.draft else ()
    header = m.Header(
        co_quan_chu_quan=tuple(line.upper() for line in agency.ten_co_quan_chu_quan),
        co_quan=co_quan,
        co_quan_rule=_rule_for(co_quan, sizes.co_quan),
        quoc_hieu=QUOC_HIEU,
        tieu_ngu=TIEU_NGU,
        tieu_ngu_rule=m.Rule(round(text_width(TIEU_NGU, sizes.tieu_ngu, bold=True), 1)),
        so_ky_hieu=so,
        # A biên bản has a number but no place–date line (Mẫu 1.9).
        dia_danh_ngay=None if kind.bo_cuc == "bien_ban" or attached else vn.dia_danh_ngay(agency.dia_danh, issue.ngay),
        trich_yeu_vv=f"V/v {record.trich_yeu}" if kind.bo_cuc == "cong_van" and kind.vv and record.trich_yeu else None,
        left_width=HEADER_LEFT,
        right_width=round(page.text_width - HEADER_LEFT, 1),
        stamps_left=tuple(stamps_left),
        stamps_right=tuple(stamps_right),
        stamps_top_left=top_left,
    )
    body, notes = _body(loaded, page)
    if kind.mo_dau_giua and body and isinstance(body[0], m.Paragraph):  # centred "… trân trọng giới thiệu:" (Mẫu 1.8)
        body = (dataclasses.replace(body[0], align="center", indent=False), *body[1:])
    if record.ket_thuc is not None:
        # Biên bản: the closing time sentence ends the content (Mẫu 1.9).
        end = record.ket_thuc
        sentence = f"Cuộc họp kết thúc vào {end.hour} giờ {end.minute:02d}, {vn.ngay_thang_nam(end.date())}."
        body = _close_body(body[:-1] + (_open(body[-1]), m.Paragraph((m.Run(sentence),))))
    tieu_de = None
    if kind.bo_cuc != "cong_van":
        # Giấy giới thiệu and giấy nghỉ phép carry the type name alone (Mẫu 1.8, 1.10).
        subject = "" if kind.bo_cuc == "giay" else record.trich_yeu or ""
        longest = min(max(text_width(line, sizes.ten_loai, bold=True) for line in (subject or kind.ten.upper()).split("\n")),
                      page.text_width)
        kem_theo = None
        if attached:
            name = f"{agency.thu_truong} {agency.ten_trong_cau}"
            kem_theo = kem_theo_line("Quyết định", parent[0] if parent else None, parent[1] if parent else None, name)
        tieu_de = m.TieuDe(kind.ten.upper(), subject, m.Rule(round(longest / 3, 1)), kem_theo)
    chu_ky = _chu_ky(record, agency, kind)
    authority = (agency.tham_quyen_ban_hanh or f"{agency.thu_truong} {' '.join(agency.ten_co_quan)}").upper()
    if chu_ky is not None and chu_ky.tham_quyen[0].startswith("TM."):
        authority = " ".join(agency.ten_co_quan).upper()  # the collective issues: its name, as its signature says
    ban_hanh = (authority,) if kind.bo_cuc == "quyet_dinh" else ()
    can_cu = tuple(_punctuate(list(record.can_cu))) if record.can_cu else ()
    phu_luc: tuple[m.PhuLuc, ...] = ()
    if loaded.annexes:
        so_ky_hieu = None if issue.draft else issue.so_ky_hieu(ky_hieu)
        annex_line = kem_theo_line(kind.ten, so_ky_hieu, issue.ngay, issuer_name(agency, kind))
        phu_luc = build_annexes(loaded.annexes, annex_line, stem,
                                kem_theo_line(kind.ten, None, None, issuer_name(agency, kind)))
    footer = None
    if record.chan_trang and agency.lien_he is not None:
        c = agency.lien_he
        first = "; ".join(p for p in (c.dia_chi and f"Địa chỉ: {c.dia_chi}", c.dien_thoai and f"ĐT: {c.dien_thoai}",
                                       c.fax and f"Fax: {c.fax}") if p)
        second = "; ".join(p for p in (c.email and f"E-mail: {c.email}", c.website and f"Website: {c.website}") if p)
        footer = _footer(tuple(line for line in (first, second) if line), sizes, page) if first or second else None
    number = issue.so_ky_hieu(ky_hieu)
    created = dt.datetime.combine(issue.ngay or dt.date(1980, 1, 1), dt.time())
    noi_nhan, luu = _noi_nhan(record, agency, don_vi, ("VT", "Hồ sơ") if kind.bo_cuc == "bien_ban" else None)
    if kind.bo_cuc == "hai_ben":  # each party keeps its signed original: no Nơi nhận
        noi_nhan = m.NoiNhan("", (), None, (), None)
    subject = one_line(record.trich_yeu or kind.ten)
    return m.Document(
        kind=record.loai,
        file_stem=issue.personal(stem),
        draft=issue.draft,
        header=header,
        kinh_gui=_kinh_gui(record, sizes, f"{authority} điện:" if kind.bo_cuc == "cong_dien" else "Kính gửi:"),
        tieu_de=tieu_de,
        ban_hanh=ban_hanh,
        can_cu=can_cu,
        nhan_quyet=kind.nhan_quyet,
        du_lieu=record.du_lieu,
        phu_luc=phu_luc,
        body=body,
        chu_ky=chu_ky,
        noi_nhan=noi_nhan,
        footer=footer,
        footnote_call="parenthesised" if agency.chu_thich == "ngoac" else "superscript",
        xac_nhan=m.XacNhan(kind.xac_nhan) if record.xac_nhan and kind.xac_nhan else None,
        metadata=m.Metadata(
            title=(f"{'Dự thảo ' if issue.draft else ''}{kind.ten} số {number} "
                   f"{'V/v ' if header.trich_yeu_vv else ''}{one_line(record.trich_yeu or '')}").strip(),
            subject=subject,
            author=" ".join(agency.ten_co_quan),
            created=created,
            identifier=f"{number} {issue.ngay.isoformat() if issue.ngay else 'draft'}",
        ),
        page=page,
        sizes=sizes,
        spacing=spacing,
        footnotes=notes,
        registration=m.Registration(
            ten_loai_trich_yeu=one_line(f"{kind.ten} {header.trich_yeu_vv or record.trich_yeu or ''}"),  # (3)
            nguoi_ky=chu_ky.ho_ten if chu_ky else "",
            noi_nhan=_recipients(record),
            don_vi_nhan_ban_luu=luu,
            so_luong_ban=so_luong_ban(record, agency, luu),
        ),
    )


def _copied_name(original: m.Document, number: str) -> str:
    """The copied document as a register line names it: its kind, number and date, then its trích yếu."""
    first = kinds.BY_CODE[original.kind]
    day = vn.ngay_bang_so(original.metadata.created.date())
    subject = original.header.trich_yeu_vv or (original.tieu_de.trich_yeu if original.tieu_de else "")
    name = first.ten.lower() if first.bo_cuc == "ban_sao" else first.ten  # a sao lục: "… bản sao y số …"
    return one_line(f"{name} số {number} ngày {day} {subject}".strip())


def compose_copy(loaded: Loaded, issue: Issue, original: m.Document) -> m.Document:
    """A copy (sao y, sao lục, trích sao): the copied document, its content cut to the extract for a trích
    sao, followed by the copy block under a full-width rule (PL I Part II; Mẫu 3.1)."""
    record, agency = loaded.record, loaded.agency
    kind = kinds.BY_CODE[record.loai]
    ky_hieu = kinds.ky_hieu(record.loai, agency.viet_tat, None)
    blank = "\u00a0" * 6
    so = f"Số: {issue.so_ky_hieu(ky_hieu)}" if issue.so is not None else f"Số:{blank}/{ky_hieu}"
    # Art. 25: a sao y and a trích sao are made from the original, a sao lục from a sao y.
    if record.loai == "sao_luc" and original.kind != "sao_y":
        raise InvalidRecord(_("invalid record"), [Problem(
            loaded.located.where(("ban_goc",)), "ban_goc", _("a sao lục is made from a sao y (ND 30, Art. 25)"),
            _("give the number of the sao y"))])
    if record.loai != "sao_luc" and original.ban_sao:
        raise InvalidRecord(_("invalid record"), [Problem(
            loaded.located.where(("ban_goc",)), "ban_goc",
            _("{kind} is made from the original document, not from a copy (ND 30, Art. 25)").format(
                kind=kind.ten.lower()), _("give the number of the original document"))])
    body, notes = original.body, original.footnotes
    if record.loai == "trich_sao" and record.noi_dung:
        body, notes = _body(loaded, original.page)
    chu_ky = _chu_ky(record, agency, kind)
    if chu_ky is None:
        raise InvalidRecord(_("invalid record"), [Problem(loaded.located.where(()), "ky", _("required field is missing"))])
    sizes = original.sizes
    noi_nhan, luu = _noi_nhan(record, agency, loaded.don_vi)
    co_quan = tuple(line.upper() for line in agency.ten_co_quan)
    block = m.BanSao(
        co_quan=co_quan,
        co_quan_rule=_rule_for(co_quan, sizes.co_quan),
        so_ky_hieu=so,
        hinh_thuc=kinds.HINH_THUC_SAO[record.loai],
        dia_danh_ngay=vn.dia_danh_ngay(agency.dia_danh, issue.ngay),
        noi_nhan=noi_nhan,
        chu_ky=chu_ky,
        stamps_top_left=(m.Stamp("DỰ THẢO", round(text_width("DỰ THẢO", sizes.stamp, bold=True) + 6, 1)),)
        if issue.draft else (),
    )
    number = issue.so_ky_hieu(ky_hieu)
    metadata = dataclasses.replace(
        original.metadata, title=f"{kind.ten} số {number}: {original.metadata.title}",
        author=" ".join(agency.ten_co_quan),
        created=dt.datetime.combine(issue.ngay or dt.date(1980, 1, 1), dt.time()),
        identifier=f"{number} {issue.ngay.isoformat() if issue.ngay else 'draft'}")
    registration = m.Registration(  # (3) names the document copied: "Bản sao y Công văn số 01/UBND-XD6 ngày …"
        ten_loai_trich_yeu=f"{kind.ten} {_copied_name(original, record.ban_goc or '')}",
        nguoi_ky=chu_ky.ho_ten, noi_nhan=_recipients(record, kinh_gui=False), don_vi_nhan_ban_luu=luu,
        so_luong_ban=so_luong_ban(record, agency, luu, kinh_gui=False))
    return dataclasses.replace(original, kind=record.loai, file_stem=issue.personal(issue.file_stem(loaded, ky_hieu)),
                               draft=issue.draft,
                               body=body, footnotes=notes, metadata=metadata, ban_sao=(*original.ban_sao, block), phu_luc=(),
                               registration=registration)
