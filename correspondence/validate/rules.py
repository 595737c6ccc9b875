"""Turn a record's data and its agency profile into the ND 30 problems that refuse it: one registry of rules.

Each rule is a small pure function over the raw data (so its problems are reported together with
the schema's); ``RULES`` lists them in the order their problems are reported.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, get_args

from correspondence.errors import Problem
from correspondence.i18n import _
from correspondence.kinds import BY_CODE
from correspondence.records.loader import Located, dotted
from correspondence.validate.schema import ChuKy, CoQuan

# What each layout must say (PL III): the keys a record of that layout cannot do without.
REQUIRED = {"cong_van": ("kinh_gui", "trich_yeu"), "cong_dien": ("kinh_gui", "trich_yeu"), "bien_ban": ("thu_ky",),
            "giay": (), "ban_sao": ("ban_goc",), "hai_ben": ("trich_yeu", "ben_kia")}
REQUIRED_DEFAULT = ("trich_yeu",)


@dataclass(frozen=True)
class Context:
    """What a rule sees: the raw data with its lines, the agency profile (None when it failed), the keys the
    schema already reported."""

    data: dict[str, Any]
    located: Located
    agency: CoQuan | None
    reported: frozenset[str]

    @property
    def ky(self) -> dict[str, Any]:
        ky = self.data.get("ky")
        return ky if isinstance(ky, dict) else {}

    def signer(self) -> Any:
        signer = self.ky.get("nguoi_ky")
        return self.agency.nguoi_ky.get(signer.strip()) if self.agency and isinstance(signer, str) else None


Rule = Callable[[Context], list[Problem]]


def required_fields(c: Context) -> list[Problem]:
    """Each layout's own required keys (a công văn needs Kính gửi and a trích yếu …); the body unless a copy."""
    kind = c.data.get("loai")
    layout = BY_CODE[kind].bo_cuc if kind in BY_CODE else "cong_van"
    needed = REQUIRED.get(layout, REQUIRED_DEFAULT)
    if kind in BY_CODE and BY_CODE[kind].trich_yeu_tuy_chon:  # a giấy mời may have none (Mẫu 1.7)
        needed = tuple(key for key in needed if key != "trich_yeu")
    if layout != "ban_sao" or kind == "trich_sao":
        needed = (*needed, "noi_dung")
    if layout == "bien_ban" and c.data.get("ben_kia") is not None:  # a handover: two sides sign, no thư ký
        needed = tuple(key for key in needed if key != "thu_ky")
    if not c.data.get("kem_theo"):
        needed = (*needed, "ky")
    return [Problem(c.located.where(()), key, _("required field is missing"), _("add a line '{key}: …'").format(key=key))
            for key in needed if c.data.get(key) in (None, "") and key not in c.reported]


def known_unit(c: Context) -> list[Problem]:
    """The drafting unit is one of the agency's."""
    unit = c.data.get("don_vi")
    if c.agency is None or not isinstance(unit, str) or not unit.strip() or c.agency.don_vi_viet_tat(unit.strip()):
        return []
    known = ", ".join(sorted({u.viet_tat for u in c.agency.don_vi.values()})) or "—"
    return [Problem(c.located.where(("don_vi",)), "don_vi", _("unknown drafting unit '{unit}'").format(unit=unit),
                    _("known units: {known}").format(known=known))]


def known_signer(c: Context) -> list[Problem]:
    """The signer is declared in the agency profile."""
    signer = c.ky.get("nguoi_ky")
    if c.agency is None or not isinstance(signer, str) or not signer.strip() or signer.strip() in c.agency.nguoi_ky:
        return []
    known = ", ".join(sorted(c.agency.nguoi_ky)) or "—"
    return [Problem(c.located.where(("ky", "nguoi_ky")), "ky.nguoi_ky", _("unknown signer '{signer}'").format(signer=signer),
                    _("known signers: {known}").format(known=known))]


def _authority_where(c: Context) -> str:
    return c.located.where(("ky", "tham_quyen")) if "tham_quyen" in c.ky else c.located.where(("ky",))


def head_signs_without_kt(c: Context) -> list[Problem]:
    """KT. is for a deputy signing for the head (Art. 13.2)."""
    signer = c.signer()
    if signer is None or c.ky.get("tham_quyen", "khong") != "KT" or signer.chuc_vu.upper() != c.agency.thu_truong.upper():  # type: ignore[union-attr]
        return []
    return [Problem(_authority_where(c), "ky.tham_quyen", _("KT. is for a deputy signing for the head; the head ({title}) "
                                                          "signs without KT.").format(title=signer.chuc_vu),
                    _("use 'tham_quyen: TM' or 'khong'"))]


def deputy_signs_collective_with_kt(c: Context) -> list[Problem]:
    """For a collective body the head signs TM.; a deputy signs KT. (Art. 13.1–2)."""
    signer = c.signer()
    if signer is None or c.ky.get("tham_quyen", "khong") != "TM" or signer.chuc_vu.upper() == c.agency.thu_truong.upper():  # type: ignore[union-attr]
        return []
    return [Problem(_authority_where(c), "ky.tham_quyen", _("a deputy ({title}) signs for a collective body with KT.").format(
        title=signer.chuc_vu), _("use 'tham_quyen: KT'"))]


def kt_under_tl(c: Context) -> list[Problem]:
    """``kt`` (the unit head's deputy) only under TL. (Art. 13.4); a TUQ. is never handed on (Art. 13.3)."""
    mode = c.ky.get("tham_quyen", "khong")
    if c.agency is None or not c.ky.get("kt") or mode == "TL":
        return []
    if mode == "TUQ":
        return [Problem(c.located.where(("ky", "kt")), "ky.kt",
                        _("a TUQ. signature cannot be delegated again (ND 30, Art. 13.3)"),
                        _("the head of the unit given the authority signs it, without 'kt'"))]
    return [Problem(c.located.where(("ky", "kt")), "ky.kt", _("'kt' goes with TL"),
                    _("use 'tham_quyen: KT' for a deputy of the head"))]


# Deputies whose title is not "Phó" and the head's title (Art. 13.1: a Thứ trưởng signs KT. BỘ TRƯỞNG).
DEPUTY_TITLES = {"THỨ TRƯỞNG": "BỘ TRƯỞNG"}


def _title(text: str) -> str:
    return " ".join(text.upper().split())


def is_deputy(title: str) -> bool:
    """Whether a title is a deputy's (cấp phó): PHÓ …, or a deputy title of its own (THỨ TRƯỞNG)."""
    title = _title(title)
    return title.startswith("PHÓ ") or title in DEPUTY_TITLES


def is_deputy_of(title: str, head: str) -> bool:
    """Whether ``title`` is a deputy of ``head``: PHÓ CHỦ TỊCH (or PHÓ CHỦ TỊCH THƯỜNG TRỰC) of CHỦ TỊCH, THỨ TRƯỞNG
    of BỘ TRƯỞNG."""
    title, head = _title(title), _title(head)
    rest = title.removeprefix("PHÓ ")
    if rest != title and (rest == head or rest.startswith(head + " ")):
        return True
    return DEPUTY_TITLES.get(title) == head


def _deputy_of_head(c: Context) -> Any:
    """The signer when they are a deputy of the agency's head (PHÓ CHỦ TỊCH under CHỦ TỊCH), else None."""
    signer = c.signer()
    if signer is None or c.agency is None:
        return None
    return signer if is_deputy_of(signer.chuc_vu, c.agency.thu_truong) else None


def kt_signed_by_a_deputy(c: Context) -> list[Problem]:
    """KT. is signed by a deputy of the head it names (Art. 13.1–2): a Chánh Văn phòng is no deputy of the Chủ tịch;
    a unit head signs TL., their deputy TL. and KT. of the unit head (Art. 13.4)."""
    signer = c.signer()
    if signer is None or c.agency is None or c.ky.get("tham_quyen") != "KT" \
            or _title(signer.chuc_vu) == _title(c.agency.thu_truong):  # the head with KT.: head_signs_without_kt
        return []
    named = c.ky.get("thay_mat")
    head: str = named if isinstance(named, str) and named.strip() else c.agency.thu_truong
    if is_deputy_of(signer.chuc_vu, head):
        return []
    return [Problem(_authority_where(c), "ky.tham_quyen",
                    _("KT. {line} is signed by a deputy of the {head}; {title} is not a deputy of the {head} "
                      "(ND 30, Art. 13, cl. 1, 2)").format(line=_title(head), head=head.strip(), title=signer.chuc_vu),
                    _("the head of a unit given the task signs with 'tham_quyen: TL'; their deputy adds 'kt'"))]


def deputy_signs_tl_with_kt(c: Context) -> list[Problem]:
    """A unit head's deputy signing TL. signs KT. of the unit head: TL. CHỦ TỊCH / KT. CHÁNH VĂN PHÒNG / PHÓ CHÁNH
    VĂN PHÒNG (Art. 13.4); the ``kt`` line names the head whose deputy signs."""
    signer = c.signer()
    if signer is None or c.agency is None or c.ky.get("tham_quyen") != "TL" or _deputy_of_head(c) is not None:
        return []  # a deputy of the agency's head signing TL.: deputy_head_not_tl_or_tuq
    kt = c.ky.get("kt")
    if isinstance(kt, str) and kt.strip():
        if is_deputy_of(signer.chuc_vu, kt):
            return []
        return [Problem(c.located.where(("ky", "kt")), "ky.kt",
                        _("the line KT. {line} is signed by a deputy of the {head}; {title} is not that deputy "
                          "(ND 30, Art. 13, cl. 4)").format(line=_title(kt), head=kt.strip(), title=signer.chuc_vu),
                        _("the head of the unit signs TL. without 'kt'"))]
    if not _title(signer.chuc_vu).startswith("PHÓ "):
        return []
    unit_head = signer.chuc_vu.split(None, 1)[1]
    lines = " / ".join((f"TL. {_title(c.ky.get('thay_mat') or c.agency.thu_truong)}", f"KT. {_title(unit_head)}",
                        _title(signer.chuc_vu)))
    return [Problem(_authority_where(c), "ky.tham_quyen",
                    _("a deputy ({title}) signing TL. signs KT. for the head of their unit: {lines} "
                      "(ND 30, Art. 13, cl. 4)").format(title=signer.chuc_vu, lines=lines),
                    _("add 'kt: {head}'").format(head=unit_head))]


def tuq_not_handed_to_a_deputy(c: Context) -> list[Problem]:
    """TUQ. is signed by the head of the unit given the authority, who cannot hand it on (Art. 13.3)."""
    signer = c.signer()
    if signer is None or c.agency is None or c.ky.get("tham_quyen") != "TUQ" or c.ky.get("kt") \
            or _deputy_of_head(c) is not None or not is_deputy(signer.chuc_vu):
        return []  # 'kt' with TUQ.: kt_under_tl; a deputy of the agency's head: deputy_head_not_tl_or_tuq
    return [Problem(_authority_where(c), "ky.tham_quyen",
                    _("TUQ. is signed by the head of the unit given the authority, never handed on to a deputy "
                      "({title}) (ND 30, Art. 13, cl. 3)").format(title=signer.chuc_vu),
                    _("name the head of the unit given the authority as signer"))]


def deputy_head_not_tl_or_tuq(c: Context) -> list[Problem]:
    """TL. and TUQ. are signed by the head of a unit, never by a deputy of the agency's head (Art. 13.1, 13.3–4)."""
    mode = c.ky.get("tham_quyen", "khong")
    signer = _deputy_of_head(c)
    if mode not in ("TL", "TUQ") or signer is None:
        return []
    return [Problem(_authority_where(c), "ky.tham_quyen",
                    _("{mode}. is signed by the head of a unit; a deputy head ({title}) signs KT. "
                      "(ND 30, Art. 13)").format(mode=mode, title=signer.chuc_vu),
                    _("use 'tham_quyen: KT', or name the head of the unit as signer"))]


def deputy_signs_with_authority(c: Context) -> list[Problem]:
    """A deputy never signs in their own name: KT. for the head (Art. 13.1.b, 13.2)."""
    signer = c.signer()
    if signer is None or c.ky.get("tham_quyen", "khong") != "khong" or not signer.chuc_vu.upper().startswith("PHÓ ") \
            or c.data.get("loai") == "bien_ban":  # a biên bản is signed by the meeting's chair as such
        return []
    return [Problem(_authority_where(c), "ky.tham_quyen",
                    _("a deputy ({title}) signs KT. for the head, not in their own name (ND 30, Art. 13)").format(
                        title=signer.chuc_vu), _("use 'tham_quyen: KT'"))]


def collective_issues_nghi_quyet(c: Context) -> list[Problem]:
    """A nghị quyết is the act of a collective body: signed TM. (or TM. and KT. by a deputy) (Art. 13.1.a)."""
    mode = c.ky.get("tham_quyen", "khong")
    if c.agency is None or c.data.get("loai") != "nghi_quyet" or not c.ky or mode in ("TM", "KT") \
            or c.ky.get("tap_the") is False:
        return []
    return [Problem(_authority_where(c), "ky.tham_quyen",
                    _("a nghị quyết is issued by a collective body and signed TM. (ND 30, Art. 13)"),
                    _("use 'tham_quyen: TM' (the head) or 'KT' (a deputy)"))]


def thay_mat_needs_authority(c: Context) -> list[Problem]:
    """``thay_mat`` names who is signed for: it needs an authority prefix."""
    if c.agency is None or c.ky.get("tham_quyen", "khong") != "khong" or not c.ky.get("thay_mat"):
        return []
    return [Problem(c.located.where(("ky", "thay_mat")), "ky.thay_mat",
                    _("'thay_mat' goes with TM, KT, TL, TUQ or Q"), _("add 'tham_quyen' or remove it"))]


def tm_needs_collective(c: Context) -> list[Problem]:
    """TM. names a collective body: the profile's or the record's."""
    if c.agency is None or c.ky.get("tham_quyen") != "TM" or c.agency.tap_the or c.ky.get("thay_mat"):
        return []
    return [Problem(c.located.where(("ky", "tham_quyen")), "ky.tham_quyen", _("TM. needs the name of a collective body"),
                    _("add 'tap_the' to the agency profile or 'thay_mat' here"))]


def gui_den_of_its_kind(c: Context) -> list[Problem]:
    """``gui_den`` names the recipients of a kind that names them in its body (giấy mời, giấy giới thiệu); other
    kinds name theirs in Kính gửi and Nơi nhận."""
    code = c.data.get("loai")
    kind = BY_CODE.get(code) if isinstance(code, str) else None
    if c.data.get("gui_den") in (None, "", []) or kind is None or kind.nhan_trong_noi_dung:
        return []
    names = ", ".join(k.ten.lower() for k in BY_CODE.values() if k.nhan_trong_noi_dung)
    return [Problem(c.located.where(("gui_den",)), "gui_den",
                    _("'gui_den' is only for a {kinds} (recipients named in the body)").format(kinds=names),
                    _("name the recipients in 'kinh_gui' or 'noi_nhan'"))]


def spacing_not_on_a_copy(c: Context) -> list[Problem]:
    """A copy reproduces the copied document as it was issued, its spacing with it: a copy's own is refused."""
    code = c.data.get("loai")
    kind = BY_CODE.get(code) if isinstance(code, str) else None
    if kind is None or kind.bo_cuc != "ban_sao":
        return []
    return [Problem(c.located.where((key,)), key,
                    _("a copy keeps the line and paragraph spacing of the document it copies"),
                    _("remove this line; set it in the record of the document copied"))
            for key in ("gian_dong", "gian_doan") if c.data.get(key) is not None and key not in c.reported]


def xac_nhan_of_its_kind(c: Context) -> list[Problem]:
    """The confirmation block belongs to the kinds whose form has one (the giấy nghỉ phép, Mẫu 1.10)."""
    code = c.data.get("loai")
    kind = BY_CODE.get(code) if isinstance(code, str) else None
    if c.data.get("xac_nhan") is not True or kind is None or kind.xac_nhan:
        return []
    return [Problem(c.located.where(("xac_nhan",)), "xac_nhan",
                    _("a {kind} has no confirmation block (only a giấy nghỉ phép has one, Mẫu 1.10)").format(
                        kind=kind.ten.lower()), _("remove this line"))]


def ben_kia_of_its_kind(c: Context) -> list[Problem]:
    """Another party signs a hợp đồng, bản ghi nhớ, bản thỏa thuận (bên A, bên B) or a biên bản bàn giao (bên
    giao, bên nhận; A, B too) in place of its thư ký: never beside a thư ký, nor on another kind."""
    code, other = c.data.get("loai"), c.data.get("ben_kia")
    kind = BY_CODE.get(code) if isinstance(code, str) else None
    if not isinstance(other, dict) or kind is None or "ben_kia" in c.reported:
        return []
    if kind.bo_cuc not in ("hai_ben", "bien_ban"):
        return [Problem(c.located.where(("ben_kia",)), "ben_kia",
                        _("a {kind} has no other party signing beside the agency").format(kind=kind.ten.lower()),
                        _("remove 'ben_kia': only a hợp đồng, bản ghi nhớ, bản thỏa thuận or a biên bản bàn giao "
                          "has one"))]
    if kind.bo_cuc == "bien_ban" and c.data.get("thu_ky") is not None:
        return [Problem(c.located.where(("thu_ky",)), "thu_ky",
                        _("a biên bản signed by two parties has no thư ký column"),
                        _("remove 'thu_ky', or 'ben_kia' for a meeting's biên bản"))]
    if kind.bo_cuc == "hai_ben" and other.get("ben") in ("giao", "nhan"):
        return [Problem(c.located.where(("ben_kia", "ben")), "ben_kia.ben",
                        _("'giao' and 'nhan' are the sides of a biên bản bàn giao"), _("write A or B"))]
    return []


# The longest text a record may hold, in characters: a trích yếu is a line or two, a body a long quy chế (a few
# hundred pages), any other value a paragraph. Longer is refused where it is, before anything is composed.
MAX_TRICH_YEU = 2_000
MAX_NOI_DUNG = 1_000_000
MAX_TEXT = 100_000


def text_sizes(c: Context) -> list[Problem]:
    """Every text value within its bound (a 100,000-character trích yếu is a mistake, and costly to lay out)."""
    problems = []
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), c.data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            stack += [((*path, key), item) for key, item in value.items()]
        elif isinstance(value, list):
            stack += [((*path, index), item) for index, item in enumerate(value)]
        elif isinstance(value, str):
            limit = {"trich_yeu": MAX_TRICH_YEU, "noi_dung": MAX_NOI_DUNG}.get(str(path[0]), MAX_TEXT) if len(
                path) == 1 else MAX_TEXT
            if len(value) > limit:
                problems.append(Problem(c.located.where(path), dotted(path), _(
                    "is {length} characters long; at most {limit}").format(length=len(value), limit=limit),
                    _("shorten it") if path != ("noi_dung",) else _("split the document, or put tables in annexes")))
    return sorted(problems, key=lambda p: p.source)



def trich_yeu_in_capitals(c: Context) -> list[Problem]:
    """A trích yếu is written in normal case (PL I §II.5.b); one typed in capitals is printed as typed, with advice."""
    text = c.data.get("trich_yeu")
    letters = [ch for ch in text if ch.isalpha()] if isinstance(text, str) else []
    if len(letters) < 8 or any(ch.islower() for ch in letters):
        return []
    return [Problem(c.located.where(("trich_yeu",)), "trich_yeu",
                    _("warning: the trích yếu is written in capitals; ND 30 writes it in normal case (PL I §II.5.b)"),
                    _("capitals only for the first letter and for proper names"))]


# Advice: what is printed as the record says, but told to the clerk (never a refusal).
ADVICE: tuple[Rule, ...] = (trich_yeu_in_capitals,)


def advise(located: Located, agency: CoQuan | None) -> list[Problem]:
    """What the clerk should know about a valid record."""
    data = located.data if isinstance(located.data, dict) else {}
    context = Context(data, located, agency, frozenset())
    return [problem for rule in ADVICE for problem in rule(context)]


def check(located: Located, agency: CoQuan | None, reported: frozenset[str] = frozenset()) -> list[Problem]:
    """Every problem the rules find in ``located.data``."""
    data = located.data if isinstance(located.data, dict) else {}
    context = Context(data, located, agency, reported)
    return [problem for rule in RULES for problem in rule(context)]


# A place left to fill in: the ellipsis character standing alone ("Tại … đã ghi “…”", "trich_yeu: rà soát …"), as the
# skeletons of 'new' and 'dinh-chinh' write it. An ellipsis closing a word ("các Sở, ngành…") is text, and so are
# three full stops ("...").
PLACEHOLDER = re.compile(r"(?<![\w.])…")


def _strings(value: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))


def placeholders(located: Located, warning: bool = False) -> list[Problem]:
    """Every place of the record still holding a placeholder '…', at its own line (a line of a block text): refused
    by check and issue, a ``warning`` for a draft."""
    data = located.data if isinstance(located.data, dict) else {}
    problems = []
    for path, text in _strings(data, ()):
        first = located.line(path)  # a block text ("|") starts there: each line holding a place is told
        lines = sorted({first + text.count("\n", 0, found.start()) for found in PLACEHOLDER.finditer(text)})
        for line in lines:
            message = (_("warning: still holds a place to fill in, marked '…': the document cannot be issued so")
                       if warning else _("still holds a place to fill in, marked '…'"))
            problems.append(Problem(f"{located.source}:{line}", dotted(path), message,
                                    _("write the text in its place (an ellipsis in the text is written '...')")))
    return problems


def lone_placeholders(located: Located) -> frozenset[str]:
    """The fields whose whole value is a placeholder '…' (``ban_goc: …``): told as places to fill in, never also as
    values of the wrong form."""
    data = located.data if isinstance(located.data, dict) else {}
    return frozenset(dotted(path) for path, text in _strings(data, ()) if text.strip() == "…")


def cut_titles(located: Located, where: tuple[str | int, ...] = ()) -> list[Problem]:
    """A column title with a comma, written in ``{ }`` without quotes, is cut there: YAML reads what follows the comma
    as another key without a value (``{ten: Tên đơn vị, cơ quan, khoa: ten}``). Said at the title, with the quotes
    that keep it whole — never a title silently shortened, nor a puzzling 'unknown key'."""
    spec: Any = located.data
    for part in where:
        spec = spec.get(part) if isinstance(spec, dict) else spec[part] if isinstance(spec, list) and isinstance(
            part, int) and part < len(spec) else None
    columns = spec.get("cot") if isinstance(spec, dict) else None
    problems = []
    for index, column in enumerate(columns if isinstance(columns, list) else []):
        if not isinstance(column, dict) or not isinstance(column.get("ten"), str):
            continue
        cut = [str(key) for key, value in column.items() if value is None and key != "ten"]
        if cut:
            whole = ", ".join([column["ten"], *cut])
            path = (*where, "cot", index, "ten")
            problems.append(Problem(located.where(path), dotted(path), _(
                "the title is cut at a comma: inside '{{ }}' a comma ends the title, and '{rest}' is read as a key "
                "without a value").format(rest=", ".join(cut)),
                _("put the title in quotes: ten: \"{title}\"").format(title=whole)))
    return problems


def cut_annex_titles(located: Located) -> list[Problem]:
    """Titles cut at a comma in the table specs a clerk wrote inside a record (``phu_luc: - bang: {cot: …}``); not
    for a stored record, whose specs hold every key, unset ones as null."""
    data = located.data if isinstance(located.data, dict) else {}
    annexes = data.get("phu_luc")
    return [problem for index, item in enumerate(annexes if isinstance(annexes, list) else [])
            if isinstance(item, dict) and isinstance(item.get("bang"), dict)
            for problem in cut_titles(located, ("phu_luc", index, "bang"))]


RULES: tuple[Rule, ...] = (text_sizes, required_fields, known_unit, known_signer, head_signs_without_kt,
                           deputy_signs_collective_with_kt, kt_under_tl, deputy_head_not_tl_or_tuq, kt_signed_by_a_deputy,
                           deputy_signs_tl_with_kt, tuq_not_handed_to_a_deputy,
                           deputy_signs_with_authority, collective_issues_nghi_quyet, thay_mat_needs_authority,
                           tm_needs_collective, xac_nhan_of_its_kind, gui_den_of_its_kind, ben_kia_of_its_kind,
                           spacing_not_on_a_copy)


# The rules of Art. 13 that judge a signer's thẩm quyền (TM., KT., TL., TUQ., Q. or none): a record's, the choices the
# desk offers for a signer, and the signature block of a Word file ``correspondence lint`` reads where the profile
# knows its signer.
AUTHORITY_RULES: tuple[Rule, ...] = (head_signs_without_kt, deputy_signs_collective_with_kt, kt_under_tl,
                                     deputy_head_not_tl_or_tuq, kt_signed_by_a_deputy, deputy_signs_tl_with_kt,
                                     tuq_not_handed_to_a_deputy, deputy_signs_with_authority,
                                     collective_issues_nghi_quyet, tm_needs_collective)


def authority_problems(agency: CoQuan, ky: dict[str, Any], loai: str | None = None) -> list[Problem]:
    """The Art. 13 problems of a signature given as a record gives it (``nguoi_ky``, ``tham_quyen``, ``thay_mat``,
    ``kt``) by a signer of ``agency``."""
    data = {"ky": ky, "loai": loai}
    context = Context(data, Located("", data), agency, frozenset())
    return [problem for rule in AUTHORITY_RULES for problem in rule(context)]


def authorities(agency: CoQuan, signer: str, kind: str | None = None, ky: dict[str, Any] | None = None) -> list[str]:
    """The thẩm quyền (``ky.tham_quyen`` values) the rules of Art. 13 allow ``signer`` of ``agency`` on a record of
    ``kind``, with the rest of ``ky`` as given (``thay_mat``, ``kt``): each value the rules above report nothing
    against. The ``kt`` a unit head's deputy adds under TL. is asked for once TL. is chosen: its absence does not
    take TL. off the list. Nothing for a signer the profile does not know."""
    if signer not in agency.nguoi_ky:
        return []
    given = {key: value for key, value in (ky or {}).items() if value not in (None, "")}
    allowed = []
    for mode in get_args(ChuKy.model_fields["tham_quyen"].annotation):
        data: dict[str, Any] = {"ky": {**given, "nguoi_ky": signer, "tham_quyen": mode}}
        if kind:
            data["loai"] = kind
        context = Context(data, Located("", data), agency, frozenset())
        if not any(rule(context) for rule in AUTHORITY_RULES
                   if not (rule is deputy_signs_tl_with_kt and not given.get("kt"))):
            allowed.append(mode)
    return allowed
