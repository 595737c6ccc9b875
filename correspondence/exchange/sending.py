"""Turn an issued document into one edXML envelope per recipient (``exchange send``), and the chain's events of a row
back into its recipients and their latest status (``register show``).

Each envelope carries the issued PDF — the signed one when the row has signatures (the agency's, else the signer's) —
and each annex PDF, as base64 attachments. Everything is checked (the row, its files and their hashes, the profile's
mã định danh, each recipient in the danh bạ, the sizes) and every envelope built before one is written; once they
are written, the row records each recipient, the envelope's SHA-256 and the time, an event of the chain."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from correspondence import storage
from correspondence.errors import InvalidRecord, Problem, RegisterConflict, UsageError
from correspondence.exchange import directory
from correspondence.exchange.envelope import (
    MAX_ATTACHMENT,
    STATUS_CODES,
    Attachment,
    Document,
    Organ,
    document_id,
    write_document,
)
from correspondence.exchange.transport import FolderTransport, Transport
from correspondence.i18n import _
from correspondence.kinds import BY_CODE
from correspondence.progress import notice
from correspondence.register.queries import find_entry
from correspondence.register.store import Entry
from correspondence.register.tables import EDXML_SENT, EDXML_STATUS
from correspondence.registers import open_register
from correspondence.validate import load_agency
from correspondence.vietnamese import VIETNAM
from correspondence.workspace import agency_profile, shown

PRIORITY = {None: 0, "khan": 1, "thuong_khan": 2, "hoa_toc": 3}


@dataclass(frozen=True)
class Sent:
    """One envelope sent: to whom, where it went, its SHA-256."""

    ma: str
    ten: str
    path: str
    sha256: str


def profile_of(root: Path, agency: str) -> Any:
    profile, problems = load_agency(agency_profile(root, agency))
    if profile is None:
        raise UsageError(_("the agency profile has problems: run 'correspondence check'"), problems)
    return profile


def sender_of(root: Path, agency: str) -> Organ:
    """This agency as envelopes name it; refused without a mã định danh in its profile."""
    profile = profile_of(root, agency)
    if not profile.ma_dinh_danh:
        raise UsageError(_("the agency profile has no ma_dinh_danh: documents are exchanged by mã định danh"), [
            Problem(shown(agency_profile(root, agency)), "ma_dinh_danh", _(
                "add ma_dinh_danh: 000.00.00.H49 (the code QCVN 102 gives your agency)"))])
    contact = profile.lien_he
    return Organ(profile.ma_dinh_danh, profile.ten_trong_cau, " ".join(profile.ten_co_quan_chu_quan),
                 getattr(contact, "dia_chi", None) or "", getattr(contact, "email", None) or "",
                 getattr(contact, "dien_thoai", None) or "", getattr(contact, "website", None) or "")


def _files(root: Path, entry: Entry) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The PDF to send (signed by the agency, else by the signer, else the issued one) and the annex PDFs."""
    pdfs = [item for item in entry.files if item["path"].lower().endswith(".pdf") and "cho_ky" not in item]
    signed = {item["ky"]: item for item in pdfs if "ky" in item}
    originals = [item for item in pdfs if "ky" not in item]
    if not originals:
        raise RegisterConflict(_("{number} has no PDF to send").format(number=entry.so_ky_hieu))
    main = signed.get("co_quan") or signed.get("nguoi_ky") or originals[0]
    return main, originals[1:]


def _read(root: Path, entry: Entry, item: dict[str, str]) -> bytes:
    file = root / item["path"]
    if not file.is_file():
        raise RegisterConflict(_("{number}: file missing: {path}").format(number=entry.so_ky_hieu, path=item["path"]))
    data = file.read_bytes()
    if storage.sha256(data) != item["sha256"]:
        raise RegisterConflict(_("{number}: file changed since issue: {path}").format(
            number=entry.so_ky_hieu, path=item["path"]), [Problem(item["path"], "", _("restore it from a backup"))])
    if len(data) > MAX_ATTACHMENT:
        raise UsageError(_("{path} is larger than {size} MB: too large to send in an envelope").format(
            path=item["path"], size=MAX_ATTACHMENT // 2**20))
    return data


def document_of(root: Path, agency: str, entry: Entry, sender: Organ) -> Document:
    """The envelope's content for an issued row: its header fields and attachments."""
    if entry.status != "issued" or entry.pending:
        raise RegisterConflict(_("{number} is not an issued document with its files: it cannot be sent").format(
            number=entry.so_ky_hieu))
    record = json.loads(entry.record_json or "{}")
    profile = profile_of(root, agency)
    kind = BY_CODE.get(entry.kind)
    type_name = kind.ten if kind is not None else ""
    subject = entry.ten_loai_trich_yeu
    if type_name and subject.lower().startswith(type_name.lower()):
        subject = subject[len(type_name):].strip()
    so, _slash, ky_hieu = entry.so_ky_hieu.partition("/")
    signer_key = (record.get("ky") or {}).get("nguoi_ky")
    person = profile.nguoi_ky.get(signer_key) if isinstance(signer_key, str) else None
    competence = (record.get("ky") or {}).get("tham_quyen")
    main, annexes = _files(root, entry)
    attachments = [Attachment(Path(main["path"]).name, "application/pdf",
                              entry.so_ky_hieu + (_(" (digitally signed)") if "ky" in main else ""),
                              _read(root, entry, main))]
    attachments += [Attachment(Path(item["path"]).name, "application/pdf", _("annex"), _read(root, entry, item))
                    for item in annexes]
    day = dt.date.fromisoformat(entry.ngay)
    due = record.get("han_tra_loi")
    return Document(
        sender, [], so, ky_hieu, day, profile.dia_danh, type_name, subject,
        f"{competence}. {profile.thu_truong.upper()}" if competence in ("KT", "TL", "TUQ", "Q") else "",
        person.chuc_vu if person is not None else "", entry.nguoi_ky,
        dt.date.fromisoformat(due) if isinstance(due, str) and len(due) == 10 else None,
        PRIORITY.get(record.get("do_khan"), 0), entry.so_luong_ban,
        [str(item) for item in record.get("noi_nhan") or []], [],
        "", dt.datetime.now(VIETNAM).replace(tzinfo=None, microsecond=0), attachments,
        document_id(sender.ma, day, entry.so_ky_hieu))


def file_name(so_ky_hieu: str, ma: str, suffix: str = "") -> str:
    safe = "".join(c if c.isalnum() or c in ".-" else "-" for c in so_ky_hieu)
    return f"{safe}{suffix}.{ma}.edxml"


def send(root: Path, so_ky_hieu: str, recipients: list[str], transport: Transport, agency: str | None = None,
         year: int | None = None, series: str | None = None, register_url: str | None = None) -> list[Sent]:
    """Send an issued document to each recipient (mã định danh in the danh bạ) through ``transport``."""
    if not recipients:
        raise UsageError(_("name at least one recipient: --toi MA"))
    register, agency = open_register(root, agency, register_url)
    with register:
        entry = find_entry(register, agency, so_ky_hieu, year, series)
    known = directory.load(root)
    problems = [Problem("--toi", "toi", _("'{code}' is not in the danh bạ").format(code=code), _(
        "add it: correspondence exchange danh-ba import FILE")) for code in recipients if code not in known]
    if problems:
        raise InvalidRecord(_("unknown recipients: nothing was sent"), problems)
    sender = sender_of(root, agency)
    document = document_of(root, agency, entry, sender)
    envelopes = []
    for code in dict.fromkeys(recipients):
        organ = Organ(code, known[code].get("ten", ""))
        envelopes.append((organ, write_document(document, organ)))
    sent: list[Sent] = []
    for organ, data in envelopes:  # each envelope recorded as soon as it is handed over: a later failure (a file
        where = transport.send(file_name(entry.so_ky_hieu, organ.ma), data)  # already there) leaves no sent one
        item = Sent(organ.ma, organ.ten, where, storage.sha256(data))         # unrecorded
        with register:
            register.record_event(agency, entry.id, EDXML_SENT, json.dumps(
                {"toi": item.ma, "ten": item.ten, "sha256": item.sha256, "tep": item.path,
                 "document_id": document.document_id}, ensure_ascii=False, sort_keys=True))
        sent.append(item)
    return sent


def recipients(register: Any, entry: Entry) -> list[dict[str, str]]:
    """Each recipient a row was sent to: code, name, when sent, the envelope's hash, the latest status (code, its
    meaning, when, the description) — from the chain's events of the row."""
    found: dict[str, dict[str, str]] = {}
    for event in register.events(entry.agency, (EDXML_SENT, EDXML_STATUS)):
        if event.entry_id != entry.id:
            continue
        detail = json.loads(event.detail or "{}")
        if event.action == EDXML_SENT:
            found.setdefault(detail["toi"], {}).update(
                {"ma": detail["toi"], "ten": detail.get("ten", ""), "gui_luc": event.at, "sha256": detail["sha256"]})
        else:
            item = found.setdefault(detail["tu"], {"ma": detail["tu"], "ten": detail.get("ten", "")})
            item.update({"trang_thai": detail["ma"], "y_nghia": STATUS_CODES.get(detail["ma"], ""),
                         "trang_thai_luc": detail.get("luc", event.at), "mo_ta": detail.get("mo_ta", "")})
    return list(found.values())


def unanswered(register: Any, agency: str) -> set[int]:
    """The rows of ``agency`` sent to an agency that has not answered yet (no status, not even 01 đã đến)."""
    waiting: dict[int, set[str]] = {}
    for event in register.events(agency, (EDXML_SENT, EDXML_STATUS)):
        detail = json.loads(event.detail or "{}")
        if event.action == EDXML_SENT:
            waiting.setdefault(event.entry_id, set()).add(detail["toi"])
        else:
            waiting.get(event.entry_id, set()).discard(detail["tu"])
    return {entry_id for entry_id, codes in waiting.items() if codes}


def folder_transport(root: Path, output: Path | None) -> Transport:
    """The folder ``output`` (``-o``), else the outbox of ``registers/config.yaml`` (``lien_thong: {gui: …}``)."""
    if output is None:
        output = configured(root, "gui")
    if output is None:
        raise UsageError(_("say where the envelopes go: -o FOLDER (or lien_thong: gui: in registers/config.yaml)"))
    return FolderTransport(output, None)


def configured(root: Path, key: str) -> Path | None:
    """The folder ``lien_thong.<key>`` of ``registers/config.yaml`` (``gui``: outbox, ``nhan``: inbox)."""
    config = root / "registers" / "config.yaml"
    if not config.is_file():
        return None
    import yaml

    data = yaml.safe_load(config.read_text("utf-8")) or {}
    value = (data.get("lien_thong") or {}).get(key) if isinstance(data, dict) else None
    return (root / str(value)) if value else None


def notice_sent(sent: list[Sent]) -> None:
    for item in sent:
        notice(_("sent to {code} ({name}): {path}").format(code=item.ma, name=item.ten, path=item.path))
