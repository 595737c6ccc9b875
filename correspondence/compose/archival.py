"""Turn a composed document into an archival original: the files its PDF carries (the record it was made from, its
annex tables as CSV) and the document metadata of ND 30 PL VI Part II §I, named as the decree names them.

What no text we could read settles is marked UNVERIFIED and kept as data here (TT 05/2025 type codes; the
Priority codes)."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from typing import Any

from correspondence import kinds
from correspondence import model as m
from correspondence.numbers import parse_so_ky_hieu
from correspondence.validate import Loaded, self_contained

RECORD_NAME = "ban-ghi.json"
# TT 05/2025 typeName codes, by the kind's name (the order differs from ND 30 Art. 7: never by position) [S].
TYPE_CODES = {name: f"{index:02d}" for index, name in enumerate((
    "Nghị quyết", "Quyết định", "Chỉ thị", "Quy chế", "Quy định", "Thông cáo", "Thông báo", "Hướng dẫn", "Chương trình",
    "Kế hoạch", "Phương án", "Đề án", "Dự án", "Báo cáo", "Tờ trình", "Giấy ủy quyền", "Phiếu gửi", "Phiếu chuyển",
    "Phiếu báo", "Biên bản", "Hợp đồng", "Công văn", "Công điện", "Bản ghi nhớ", "Bản thỏa thuận", "Giấy mời",
    "Giấy giới thiệu", "Giấy nghỉ phép", "Thư công", "Bản đồ", "Bản vẽ kỹ thuật", "Khác"), start=1)}
# ND 30 PL VI Priority (Number 1): the codes are not given by the decree's table (UNVERIFIED): 0 none, then rising.
PRIORITY = {None: 0, "khan": 1, "thuong_khan": 2, "hoa_toc": 3}
DO_MAT = {None: None, "mat": "Mật", "toi_mat": "Tối mật", "tuyet_mat": "Tuyệt mật"}
DO_KHAN = {None: None, "khan": "Khẩn", "thuong_khan": "Thượng khẩn", "hoa_toc": "Hỏa tốc"}


def canonical(data: Any) -> bytes:
    """JSON with sorted keys and no spaces: the same content always gives the same bytes."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode("utf-8")


def _csv(table: m.Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in (*table.header, *table.rows):
        writer.writerow([cell.text for cell in row.cells])
    return out.getvalue().encode("utf-8-sig")


def fields(doc: m.Document, loaded: Loaded) -> dict[str, Any]:
    """The metadata of ND 30 PL VI Part II §I (outgoing documents) of ``doc``; ``PageAmount`` left to the layout."""
    record, agency = loaded.record, loaded.agency
    number_text = doc.metadata.identifier.split(" ")[0]
    try:
        number, notation, _year = parse_so_ky_hieu(number_text)
        code_number: str | None = f"{number:02d}" if number < 10 else str(number)
    except ValueError:  # a draft: "…/UBND-XD6"
        code_number, notation = None, number_text.partition("/")[2]
    kind = kinds.BY_CODE[doc.kind]
    day = None if doc.draft else doc.metadata.created.date()
    signer = doc.chu_ky
    return {
        "Identifier": None if doc.draft else f"{loaded.agency_id}:{number_text}:{day.isoformat() if day else ''}",
        "FileCode": {"OrganId": agency.ma_dinh_danh, "FileCatalog": day.year if day else None, "FileNotation": None},
        "DocOrdinal": None,
        "TypeName": kind.ten,
        "TypeCode": TYPE_CODES.get(kind.ten),
        "CodeNumber": code_number,
        "CodeNotation": notation,
        "IssuedDate": day.strftime("%d/%m/%Y") if day else None,
        "OrganName": " ".join(agency.ten_co_quan),
        "Subject": record.trich_yeu or kind.ten,
        "Language": "Tiếng Việt",
        "PageAmount": None,
        "Description": None,
        "SignerInfo": {"Position": signer.tham_quyen[-1] if signer and signer.tham_quyen else None,
                       "FullName": signer.ho_ten if signer else None},
        "To": [{"OrganId": None, "OrganName": name}
               for name in (doc.registration.noi_nhan.split("; ") if doc.registration and doc.registration.noi_nhan
                            else [])],
        "Priority": PRIORITY.get(record.do_khan, 0),
        "Urgency": DO_KHAN.get(record.do_khan),
        "Secrecy": DO_MAT.get(record.do_mat),
        "IssuedAmount": doc.registration.so_luong_ban if doc.registration else None,
        "DueDate": None,
        "Draft": doc.draft,
    }


def archival(doc: m.Document, loaded: Loaded) -> m.Document:
    """``doc`` carrying what makes its PDF an archival original (PDF/A-3b): the record (Source), the metadata and
    each annex table as CSV (Data)."""
    attachments = [m.Attachment(RECORD_NAME, canonical(self_contained(loaded)), "Source", "application/json",
                                "Bản ghi dùng để tạo văn bản")]
    attachments += [m.Attachment(f"{annex.file_stem}.csv", _csv(annex.table), "Data", "text/csv",
                                 f"Bảng số liệu {annex.heading}")
                    for annex in doc.phu_luc]
    return dataclasses.replace(doc, archival=m.Archival(attachments=tuple(attachments), fields=fields(doc, loaded)))


def full_text(doc: m.Document) -> str:
    """The words of a document a search looks through, a line each: its subject, recipients, legal bases, body and
    tables, signers, Nơi nhận, annex tables."""
    lines: list[str] = []
    if doc.header.trich_yeu_vv:
        lines.append(doc.header.trich_yeu_vv)
    if doc.tieu_de is not None:
        lines += [doc.tieu_de.ten_loai, doc.tieu_de.trich_yeu]
    if doc.kinh_gui is not None:
        lines += [doc.kinh_gui.label, *doc.kinh_gui.recipients]
    lines += list(doc.can_cu)
    for block in doc.body:
        if isinstance(block, m.Table):
            lines += [" | ".join(cell.text for cell in row.cells) for row in (*block.header, *block.rows)]
        else:
            lines.append(f"{block.marker} {m.plain_text(block.runs)}".strip())
    lines += [m.plain_text(note.runs) for note in doc.footnotes]
    signer = doc.chu_ky
    while signer is not None:
        lines += [*signer.tham_quyen, signer.ho_ten]
        signer = signer.ben_trai
    lines += [m.plain_text(line.runs) for line in (*doc.noi_nhan.lines, *doc.noi_nhan.dien_tu_lines)]
    for annex in doc.phu_luc:
        lines += [annex.title] + [" | ".join(cell.text for cell in row.cells)
                                  for row in (*annex.table.header, *annex.table.rows)]
    return "\n".join(" ".join(line.split()) for line in lines if line and line.strip())
