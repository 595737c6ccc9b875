"""Turn a validated record, its agency profile, a number and a date into the document model.

This is where the ND 30/2020 rules live: what each component says, its punctuation and casing,
the thẩm quyền lines, the ``./.`` ending, rule lengths and boxes. Renderers only draw the result.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from correspondence import kinds
from correspondence import model as m
from correspondence import vietnamese as vn
from correspondence.errors import InvalidRecord, Problem
from correspondence.i18n import _
from correspondence.markup import parse_body
from correspondence.metrics import text_width
from correspondence.records.loader import Located
from correspondence.schema import CoQuan, NoiNhanMuc, VanBan

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
    """The number and date a document is issued with; ``so`` None for a draft."""

    so: int | None
    ngay: dt.date | None
    nam_trong_ky_hieu: bool = False

    @property
    def draft(self) -> bool:
        return self.so is None

    def so_ky_hieu(self, ky_hieu: str) -> str:
        """``3018/UBND-XD6`` (``09/2019/QĐ-UBND`` with the year); ``…/UBND-XD6`` for a draft."""
        from correspondence.register.numbering import so_ky_hieu

        if self.so is None:
            return f"…/{ky_hieu}"
        year = self.ngay.year if self.ngay else dt.date.today().year
        return so_ky_hieu(self.so, ky_hieu, year, self.nam_trong_ky_hieu)


def _strip_end(text: str) -> str:
    return re.sub(r"[\s;,.:]+$", "", text)


def _punctuate(items: list[str]) -> list[str]:
    """``;`` after every item but the last, ``.`` after the last (ND 30 PL I §II.9)."""
    cleaned = [_strip_end(item) for item in items]
    return [item + (";" if index < len(cleaned) - 1 else ".") for index, item in enumerate(cleaned)]


def find_don_vi(agency: CoQuan, code: str) -> str | None:
    """The abbreviation of a drafting unit named by its key or its abbreviation."""
    if code in agency.don_vi:
        return agency.don_vi[code].viet_tat
    for unit in agency.don_vi.values():
        if unit.viet_tat == code:
            return unit.viet_tat
    return None


def check_against_agency(data: dict, agency: CoQuan, located: Located) -> list[Problem]:  # type: ignore[type-arg]
    """Problems a record has only in the light of its agency: unknown unit or signer, impossible authority.

    Works on the raw data so that these problems are reported together with schema problems.
    """
    problems: list[Problem] = []
    unit = data.get("don_vi")
    if isinstance(unit, str) and unit.strip() and find_don_vi(agency, unit.strip()) is None:
        known = ", ".join(sorted({u.viet_tat for u in agency.don_vi.values()})) or "—"
        problems.append(Problem(located.where(("don_vi",)), "don_vi",
                                _("unknown drafting unit '{unit}'").format(unit=unit),
                                _("known units: {known}").format(known=known)))
    ky = data.get("ky") if isinstance(data.get("ky"), dict) else {}
    signer = ky.get("nguoi_ky")
    if isinstance(signer, str) and signer.strip() and signer.strip() not in agency.nguoi_ky:
        known = ", ".join(sorted(agency.nguoi_ky)) or "—"
        problems.append(Problem(located.where(("ky", "nguoi_ky")), "ky.nguoi_ky",
                                _("unknown signer '{signer}'").format(signer=signer),
                                _("known signers: {known}").format(known=known)))
    signer_info = agency.nguoi_ky.get(signer.strip()) if isinstance(signer, str) else None
    mode = ky.get("tham_quyen", "khong")
    head = agency.thu_truong.upper()
    where = located.where(("ky", "tham_quyen")) if "tham_quyen" in ky else located.where(("ky",))
    if signer_info is not None and mode == "KT" and signer_info.chuc_vu.upper() == head:
        problems.append(Problem(where, "ky.tham_quyen", _("KT. is for a deputy signing for the head; the head ({title}) "
                                                          "signs without KT.").format(title=signer_info.chuc_vu),
                                _("use 'tham_quyen: TM' or 'khong'")))
    if signer_info is not None and mode == "TM" and signer_info.chuc_vu.upper() != head:
        problems.append(Problem(where, "ky.tham_quyen", _("a deputy ({title}) signs for a collective body with KT.").format(
            title=signer_info.chuc_vu), _("use 'tham_quyen: KT'")))
    if ky.get("kt") and mode not in ("TL", "TUQ"):
        problems.append(Problem(located.where(("ky", "kt")), "ky.kt", _("'kt' goes with TL or TUQ"),
                                _("use 'tham_quyen: KT' for a deputy of the head")))
    if mode == "khong" and ky.get("thay_mat"):
        problems.append(Problem(located.where(("ky", "thay_mat")), "ky.thay_mat",
                                _("'thay_mat' goes with TM, KT, TL, TUQ or Q"), _("add 'tham_quyen' or remove it")))
    if ky.get("tham_quyen") == "TM" and not (agency.tap_the or ky.get("thay_mat")):
        problems.append(Problem(located.where(("ky", "tham_quyen")), "ky.tham_quyen",
                                _("TM. needs the name of a collective body"),
                                _("add 'tap_the' to the agency profile or 'thay_mat' here")))
    return problems


def tham_quyen_lines(record: VanBan, agency: CoQuan, collective: bool = True) -> tuple[str, ...]:
    """Ô 7a: the authority and title lines (ND 30 Art. 13, PL I §II.7).

    ``collective=False`` when the head issues in person (a quyết định of the Chủ tịch): KT. without TM.
    """
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


def _noi_nhan(record: VanBan, agency: CoQuan, don_vi: str, luu: tuple[str, ...] | None = None) -> m.NoiNhan:
    entries: list[tuple[str, list[str]]] = []
    for item in record.noi_nhan:
        if isinstance(item, NoiNhanMuc):
            entries.append((item.ten, list(item.gom)))
        else:
            entries.append((item, []))
    lines: list[m.NoiNhanLine] = []
    for name, subs in entries:
        if subs:
            lines.append(m.NoiNhanLine((m.Run(f"- {_strip_end(name)}:"),)))
            lines += [m.NoiNhanLine((m.Run(f"+ {_strip_end(s)};"),), level=1) for s in subs]
        else:
            lines.append(m.NoiNhanLine((m.Run(f"- {_strip_end(name)};"),)))
    noi_luu = (list(record.luu.noi_luu) if record.luu.noi_luu is not None
               else list(luu) if luu is not None else [*agency.luu_mac_dinh, don_vi])
    if record.nguoi_soan and don_vi not in noi_luu:
        noi_luu.append(don_vi)
    runs: list[m.Run] = [m.Run("- Lưu: ")]
    for index, unit in enumerate(noi_luu):
        runs.append(m.Run(unit if index == 0 else f", {unit}"))
        if record.nguoi_soan and unit == don_vi:
            runs.append(m.Run(f"({record.nguoi_soan})", subscript=True))
    copies = record.luu.so_ban or agency.so_ban_luu
    runs.append(m.Run(f" ({copies})." if copies else "."))
    lines.append(m.NoiNhanLine(tuple(runs)))
    dien_tu = [m.NoiNhanLine((m.Run(f"- {text}"),)) for text in _punctuate(list(record.ban_dien_tu))]
    o12 = record.ky_hieu_soan_thao or ""
    if record.so_ban_phat_hanh:
        o12 += f"({record.so_ban_phat_hanh})"
    return m.NoiNhan(label="Nơi nhận:", lines=tuple(lines),
                     dien_tu_label="Bản điện tử:" if dien_tu else None,
                     dien_tu_lines=tuple(dien_tu), o12=o12 or None)


def _kinh_gui(record: VanBan, sizes: m.Sizes, label: str = "Kính gửi:") -> m.KinhGui | None:
    """Ô 9a; a công điện names its sender instead (``CHỦ TỊCH … điện:``) and always lists its recipients."""
    if record.kinh_gui is None:
        return None
    recipients = [record.kinh_gui] if isinstance(record.kinh_gui, str) else list(record.kinh_gui)
    if len(recipients) == 1 and label == "Kính gửi:":
        return m.KinhGui(label, (_strip_end(recipients[0]),), True, 0.0, 0.0)
    if label != "Kính gửi:":
        return m.KinhGui(label, tuple(f"- {r}" for r in _punctuate(recipients)), False, 0.0, 10.0)
    indent = 35.0
    items_indent = indent + text_width("Kính gửi", sizes.kinh_gui)
    return m.KinhGui(label, tuple(f"- {r}" for r in _punctuate(recipients)), False, indent, items_indent)


def _chu_ky(record: VanBan, agency: CoQuan, kind: kinds.Kind) -> m.ChuKy | None:
    """Ô 7: one authority block; a biên bản signs CHỦ TỌA on the right and THƯ KÝ on the left (Mẫu 1.9)."""
    if record.ky is None:
        return None
    signer = agency.nguoi_ky[record.ky.nguoi_ky]
    if kind.bo_cuc == "bien_ban":
        left = None
        if record.thu_ky is not None:
            left = m.ChuKy((record.thu_ky.chuc_danh.upper(),), record.thu_ky.ho_ten)
        return m.ChuKy(("CHỦ TỌA",), signer.ho_ten, left)
    return m.ChuKy(tham_quyen_lines(record, agency, collective=kind.bo_cuc != "quyet_dinh"), signer.ho_ten)


def _open(block: m.Paragraph) -> m.Paragraph:
    """The paragraph without the ``./.`` a body ends with (another paragraph follows it)."""
    runs = list(block.runs)
    for index in range(len(runs) - 1, -1, -1):
        run = runs[index]
        if isinstance(run, m.Run) and run.text.endswith("./."):
            runs[index] = m.Run(run.text[:-3] + ".", run.bold, run.italic, run.subscript)
            break
    return m.Paragraph(tuple(runs), block.role, block.marker, block.level, block.align, block.indent, block.bold_marker)


def _close_body(blocks: tuple[m.Paragraph, ...]) -> tuple[m.Paragraph, ...]:
    """End the content with ``./.`` unless it already does (every PL III sample)."""
    if not blocks:
        return blocks
    last = blocks[-1]
    if m.plain_text(last.runs).rstrip().endswith("./."):
        return blocks
    runs = list(last.runs)
    index = max((i for i, r in enumerate(runs) if isinstance(r, m.Run)), default=None)
    if index is None:
        runs.append(m.Run("./."))
    else:
        run = runs[index]
        assert isinstance(run, m.Run)
        text = re.sub(r"[\s;:,]+$", "", run.text)
        runs[index] = m.Run(text + ("/." if text.endswith(".") else "./."), run.bold, run.italic)
    return blocks[:-1] + (m.Paragraph(tuple(runs), last.role, last.marker, last.level),)


def render_body(noi_dung: str, du_lieu: dict, located: Located) -> tuple[tuple[m.Paragraph, ...], tuple[m.Footnote, ...]]:  # type: ignore[type-arg]
    """Fill the body's Jinja expressions from ``du_lieu`` and parse the markup; problems are located."""
    from jinja2 import TemplateError, TemplateSyntaxError

    from correspondence.templating import FilterError, body_environment

    first_line = located.line(("noi_dung",))
    env = body_environment()
    try:
        template = env.from_string(noi_dung)
        text = template.render(**du_lieu, du_lieu=du_lieu)
    except TemplateSyntaxError as error:
        line = first_line + (error.lineno or 1) - 1
        raise InvalidRecord(_("invalid record"), [Problem(f"{located.source}:{line}", "noi_dung",
                                             _("template error: {what}").format(what=error.message))]) from None
    except TemplateError as error:
        line = first_line + _template_line(sys.exc_info()[2]) - 1
        what = str(error)
        match = re.match(r"'(.+)' is undefined", what)
        if match:
            message = _("unknown name '{name}' in the body").format(name=match.group(1))
            hint = _("define it under 'du_lieu'")
        else:
            message, hint = _("template error: {what}").format(what=what), None
        raise InvalidRecord(_("invalid record"), [Problem(f"{located.source}:{line}", "noi_dung", message, hint)]) from None
    except FilterError as error:
        line = first_line + _template_line(sys.exc_info()[2]) - 1
        name, value, expects = error.args
        needs = {"date": _("a date YYYY-MM-DD"), "number": _("a number"), "whole": _("a whole number")}[expects]
        raise InvalidRecord(_("invalid record"), [Problem(
            f"{located.source}:{line}", "noi_dung",
            _("the filter '{name}' needs {needs}, got '{value}'").format(name=name, needs=needs, value=value))]) from None
    blocks, notes, problems = parse_body(text)
    if problems:
        raise InvalidRecord(_("invalid record"), [Problem(f"{located.source}:{first_line + p.line - 1}", "noi_dung", p.message)
                                     for p in problems])
    if not blocks:
        raise InvalidRecord(_("invalid record"), [Problem(located.where(("noi_dung",)), "noi_dung", _("must not be empty"))])
    return _close_body(blocks), notes


def _template_line(tb) -> int:  # type: ignore[no-untyped-def]
    line = 1
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _rule_for(lines: tuple[str, ...], size: float) -> m.Rule:
    longest = max((text_width(line, size, bold=True) for line in lines), default=30.0)
    return m.Rule(round(max(longest / 3, min(longest * 0.4, longest / 2)), 1))


def compose(record: VanBan, agency: CoQuan, located: Located, issue: Issue, stem: str,
            base: Path | None = None, parent: tuple[str, dt.date] | None = None) -> m.Document:
    """Build the document model of any kind, with its annexes.

    ``base`` is the folder annex files are read from (the record's folder); ``parent`` the number and
    date of the quyết định a document is issued with (``kem_theo``), from the register.
    """
    problems = check_against_agency(located.data, agency, located)
    if problems:
        raise InvalidRecord(_("invalid record"), problems)
    sizes, page = m.Sizes(), m.Page()
    kind = kinds.BY_CODE[record.loai]
    don_vi = find_don_vi(agency, record.don_vi)
    assert don_vi is not None
    ky_hieu = kinds.ky_hieu(record.loai, agency.viet_tat, don_vi)
    blank = "\u00a0" * 6
    so = f"Số: {issue.so_ky_hieu(ky_hieu)}" if issue.so is not None else f"Số:{blank}/{ky_hieu}"
    attached = record.kem_theo is not None  # issued with a quyết định: no number, no date of its own (Mẫu 1.3)
    if attached:
        so = ""
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
        trich_yeu_vv=f"V/v {record.trich_yeu}" if kind.bo_cuc == "cong_van" else None,
        left_width=HEADER_LEFT,
        right_width=round(page.text_width - HEADER_LEFT, 1),
        stamps_left=tuple(stamps_left),
        stamps_right=tuple(stamps_right),
        stamps_top_left=top_left,
    )
    body, notes = render_body(record.noi_dung or "", record.du_lieu, located)
    if record.ket_thuc is not None:
        # Biên bản: the closing time sentence ends the content (Mẫu 1.9).
        end = record.ket_thuc
        sentence = f"Cuộc họp kết thúc vào {end.hour} giờ {end.minute:02d}, {vn.ngay_thang_nam(end.date())}."
        body = _close_body(body[:-1] + (_open(body[-1]), m.Paragraph((m.Run(sentence),))))
    tieu_de = None
    if kind.bo_cuc != "cong_van":
        # Giấy giới thiệu and giấy nghỉ phép carry the type name alone (Mẫu 1.8, 1.10).
        subject = "" if kind.bo_cuc == "giay" else record.trich_yeu or ""
        longest = min(text_width(subject or kind.ten.upper(), sizes.ten_loai, bold=True), page.text_width)
        kem_theo = None
        if attached:
            from correspondence.annex import kem_theo_line

            name = f"{agency.thu_truong} {agency.ten_goi or ' '.join(agency.ten_co_quan)}"
            kem_theo = kem_theo_line("Quyết định", parent[0] if parent else None, parent[1] if parent else None, name)
        tieu_de = m.TieuDe(kind.ten.upper(), subject, m.Rule(round(longest / 3, 1)), kem_theo)
    authority = (agency.tham_quyen_ban_hanh or f"{agency.thu_truong} {' '.join(agency.ten_co_quan)}").upper()
    ban_hanh = (authority,) if kind.bo_cuc == "quyet_dinh" else ()
    can_cu = tuple(_punctuate(list(record.can_cu))) if record.can_cu else ()
    phu_luc: tuple[m.PhuLuc, ...] = ()
    if record.phu_luc:
        from correspondence.annex import build_annexes, kem_theo_line

        parent_kind = "Văn bản" if kind.viet_tat is None else kind.ten
        so_ky_hieu = None if issue.draft else issue.so_ky_hieu(ky_hieu)
        annex_line = kem_theo_line(parent_kind, so_ky_hieu, issue.ngay, agency.ten_goi or " ".join(agency.ten_co_quan))
        phu_luc = build_annexes(record.phu_luc, base or Path.cwd(), located, annex_line, stem)
    footer = None
    if record.chan_trang and agency.lien_he is not None:
        c = agency.lien_he
        first = "; ".join(p for p in (c.dia_chi and f"Địa chỉ: {c.dia_chi}", c.dien_thoai and f"ĐT: {c.dien_thoai}",
                                       c.fax and f"Fax: {c.fax}") if p)
        second = "; ".join(p for p in (c.email and f"E-mail: {c.email}", c.website and f"Website: {c.website}") if p)
        footer = m.Footer(tuple(line for line in (first, second) if line)) if first or second else None
    number = issue.so_ky_hieu(ky_hieu)
    created = dt.datetime.combine(issue.ngay or dt.date(1980, 1, 1), dt.time())
    return m.Document(
        kind=record.loai,
        file_stem=stem,
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
        chu_ky=_chu_ky(record, agency, kind),
        noi_nhan=_noi_nhan(record, agency, don_vi, ("VT", "Hồ sơ") if kind.bo_cuc == "bien_ban" else None),
        footer=footer,
        metadata=m.Metadata(
            title=(f"{'Dự thảo ' if issue.draft else ''}{kind.ten} số {number} "
                   f"{'V/v ' if kind.bo_cuc == 'cong_van' else ''}{record.trich_yeu or ''}").strip(),
            subject=record.trich_yeu or kind.ten,
            author=" ".join(agency.ten_co_quan),
            created=created,
            identifier=f"{number} {issue.ngay.isoformat() if issue.ngay else 'draft'}",
        ),
        page=page,
        sizes=sizes,
        footnotes=notes,
    )


def compose_copy(record: VanBan, agency: CoQuan, located: Located, issue: Issue, stem: str,
                 original: m.Document) -> m.Document:
    """A copy (sao y, sao lục, trích sao): the copied document, its content cut to the extract for a trích
    sao, followed by the copy block under a full-width rule (PL I Part II; Mẫu 3.1)."""
    import dataclasses

    kind = kinds.BY_CODE[record.loai]
    ky_hieu = kinds.ky_hieu(record.loai, agency.viet_tat, None)
    blank = "\u00a0" * 6
    so = f"Số: {issue.so_ky_hieu(ky_hieu)}" if issue.so is not None else f"Số:{blank}/{ky_hieu}"
    body, notes = original.body, original.footnotes
    if record.loai == "trich_sao" and record.noi_dung:
        body, notes = render_body(record.noi_dung, record.du_lieu, located)
    chu_ky = _chu_ky(record, agency, kind)
    if chu_ky is None:
        raise InvalidRecord(_("invalid record"), [Problem(located.where(()), "ky", _("required field is missing"))])
    sizes = original.sizes
    block = m.BanSao(
        co_quan=tuple(line.upper() for line in agency.ten_co_quan),
        so_ky_hieu=so,
        hinh_thuc=kinds.HINH_THUC_SAO[record.loai],
        dia_danh_ngay=vn.dia_danh_ngay(agency.dia_danh, issue.ngay),
        noi_nhan=_noi_nhan(record, agency, find_don_vi(agency, record.don_vi) or record.don_vi),
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
    return dataclasses.replace(original, kind=record.loai, file_stem=stem, draft=issue.draft, body=body, footnotes=notes,
                               metadata=metadata, ban_sao=block, phu_luc=())


def file_stem(ky_hieu_text: str) -> str:
    """A file name for ``3018/UBND-XD6``: ``3018-UBND-XD6`` (never a ``/``)."""
    return re.sub(r"[/\\:*?\"<>|\s]+", "-", ky_hieu_text).strip("-")
