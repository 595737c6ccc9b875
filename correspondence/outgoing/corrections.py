"""Turn a register row into the record of its đính chính công văn (ND 30 Art. 18.3): the công văn by which the issuer
corrects an error of layout or procedure in a document it issued, pre-filled from the row, to edit and issue."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from correspondence.kinds import BY_CODE
from correspondence.numbers import file_stem
from correspondence.register.store import Entry
from correspondence.vietnamese import ngay_so

NHU_TREN = "Như trên"


class _Dumper(yaml.SafeDumper):  # type: ignore[misc]
    """YAML as clerks write it: a text of several lines as a block (``|``)."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _text)


# Why a recipient of the Nơi nhận was sent the document — "(b/c)", "(để báo cáo)", "(để biết)", "(t/h)" …: said in
# the Nơi nhận, never in a Kính gửi.
_PURPOSE = re.compile(r"\s*\((?:để\s+)?(?:b/c|báo\s+cáo|biết|b/h|đ/b|t/h|thực\s+hiện|p/h|phối\s+hợp|chỉ\s+đạo|c/đ)\)"
                      r"\s*[;.,]?\s*$", re.IGNORECASE)


def _addressee(item: Any) -> Any:
    """A recipient of the Nơi nhận as a Kính gửi names it: without its purpose and its closing ';'."""
    if not isinstance(item, str):
        return item
    return _PURPOSE.sub("", item).strip().rstrip(";.,").strip()


def _kinh_gui(record: dict[str, Any]) -> list[Any] | None:
    """The corrected document's own Kính gửi, or None when it had none ("-")."""
    kinh_gui = record.get("kinh_gui")
    if isinstance(kinh_gui, str) and kinh_gui.strip() not in ("", "-"):
        return [kinh_gui]
    if isinstance(kinh_gui, list) and kinh_gui:
        return list(kinh_gui)
    return None


def _recipients(record: dict[str, Any]) -> list[Any]:
    """Whom the corrected document went to: its Kính gửi, else its Nơi nhận (without "Như trên" and the purpose)."""
    return _kinh_gui(record) or [_addressee(item) for item in record.get("noi_nhan", [])
                                 if not _is_nhu_tren(item)] or ["…"]


def _is_nhu_tren(item: Any) -> bool:
    return isinstance(item, str) and item.strip().rstrip(";.,").strip().casefold() == NHU_TREN.casefold()


# Administrative units written with a small letter inside a sentence ("Ủy ban nhân dân tỉnh Quảng Ninh").
_UNITS = ("Tỉnh ", "Thành phố ", "Huyện ", "Quận ", "Thị xã ", "Xã ", "Phường ", "Thị trấn ")


def _in_a_sentence(lines: list[str]) -> str:
    """The agency's name as a sentence writes it, from the lines of its header name."""
    words = [lines[0], *(line[0].lower() + line[1:] if line.startswith(_UNITS) else line for line in lines[1:])]
    return " ".join(words) if lines else ""


def dinh_chinh(entry: Entry) -> str:
    """The record of the đính chính công văn of ``entry``, commented, to edit and issue."""
    record: dict[str, Any] = json.loads(entry.record_json or "{}")
    profile: dict[str, Any] = json.loads(entry.agency_json or "{}").get("profile", {})
    issuer = profile.get("ten_goi") or _in_a_sentence(profile.get("ten_co_quan", [])) or "…"
    kind = BY_CODE.get(entry.kind)
    name = kind.ten if kind is not None else "Văn bản"
    named = f"{name} số {entry.so_ky_hieu} ngày {ngay_so(entry.ngay)}"
    subject = str(record.get("trich_yeu") or "").strip()
    about = (f" về việc {subject}" if entry.kind == "cong_van" else f" {subject}") if subject else ""
    # "Như trên" names every addressee; the other recipients of the original are listed after it only when the
    # addressees are the original's own Kính gửi (else they are the addressees already).
    others = [item for item in record.get("noi_nhan", []) if not _is_nhu_tren(item)] if _kinh_gui(record) else []
    noi_nhan = [NHU_TREN, *others]
    data: dict[str, Any] = {
        "loai": "cong_van",
        "co_quan": record.get("co_quan"),
        "don_vi": record.get("don_vi"),
        "trich_yeu": f"đính chính {named}",
        "dinh_chinh": entry.so_ky_hieu,
        "kinh_gui": _recipients(record),
        "noi_dung": (
            f"Ngày {ngay_so(entry.ngay)}, {issuer} ban hành {name} số {entry.so_ky_hieu}{about}.\n\n"
            f"Do sơ suất trong quá trình soạn thảo, văn bản có sai sót. {issuer} đính chính như sau:\n\n"
            "Tại … (trang …, dòng …) đã ghi: “…”; nay sửa lại là: “…”.\n\n"
            f"Các nội dung khác của {named} giữ nguyên giá trị.\n"),
        "ky": record.get("ky"),
        "noi_nhan": noi_nhan,
    }
    if record.get("luu"):
        data["luu"] = record["luu"]
    head = (f"# Đính chính {named} (Điều 18 khoản 3 Nghị định 30/2020/NĐ-CP).\n"
            "# Khi ban hành, dòng sổ của văn bản được đính chính ghi 'Đính chính bằng …' (trường dinh_chinh).\n"
            "# Điền các chỗ có dấu …, xem lại bằng 'correspondence draft TỆP', rồi ban hành: 'correspondence issue TỆP'.\n")
    body: str = yaml.dump({k: v for k, v in data.items() if v is not None}, Dumper=_Dumper, allow_unicode=True,
                     sort_keys=False, width=1000, default_flow_style=False)
    return head + body


def file_name(entry: Entry) -> Path:
    """Where the đính chính record goes by default: ``dinh-chinh-12-UBND-XD6.yaml``."""
    return Path(f"dinh-chinh-{file_stem(entry.so_ky_hieu)}.yaml")
