"""Turn received edXML envelopes into the register (``exchange receive``) and an incoming document's progress into a
status envelope to its sender (``exchange status``).

A document envelope enters the sổ đăng ký văn bản đến as ``incoming receive`` enters a file: the next số đến, the
fields of its header (sender, số/ký hiệu, date, type and subject, urgency), the envelope and each attachment kept as
sent with its SHA-256. A status envelope updates the outgoing row it answers (the recipient's code, time, description).
Every file is read and checked — well-formed, safe, complete, not received before (by its DocumentId, or by số/ký
hiệu and sender) — before anything is registered: one bad file and nothing is."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from correspondence import storage
from correspondence.errors import Backdated, CorrespondenceError, InvalidRecord, Problem, RegisterConflict, UsageError
from correspondence.exchange.envelope import (
    MAX_ENVELOPE,
    STATUS_CODES,
    Document,
    Status,
    kind_of,
    parse,
    read_document,
    read_status,
    write_status,
)
from correspondence.exchange.sending import file_name, sender_of
from correspondence.exchange.transport import Transport
from correspondence.i18n import _
from correspondence.records.tables import fold
from correspondence.register.queries import find_entry
from correspondence.register.store import INCOMING, INCOMING_SECRET, VOIDED, Incoming
from correspondence.register.tables import EDXML_ANSWERED, EDXML_SENT, EDXML_STATUS
from correspondence.registers import open_register
from correspondence.vietnamese import VIETNAM, hom_nay, khong_dau, ngay_so
from correspondence.workspace import output_root, shown

SAFE = re.compile(r"[^A-Za-z0-9._-]+")
ANSWERABLE = ("01", "02", "03", "04", "05", "06")


@dataclass(frozen=True)
class Received:
    """What one envelope did: a số đến taken (``row``, the files kept), or a status recorded on an outgoing row."""

    file: Path
    row: Incoming | None = None
    kept: tuple[Path, ...] = ()
    so_ky_hieu: str | None = None
    status: str | None = None
    tu: str | None = None


def _kept_name(name: str) -> str:
    path = Path(khong_dau(name))
    stem = SAFE.sub("-", path.stem).strip("-")[:120] or "tep"
    return stem + (SAFE.sub("-", path.suffix)[:20] if path.suffix else "")


def _read(file: Path) -> tuple[bytes, Any]:
    if not file.is_file():
        raise InvalidRecord(_("invalid envelope: nothing was registered"), [Problem(shown(file), "FILE", _(
            "file not found"), _("check the path"))])
    if file.stat().st_size > MAX_ENVELOPE:
        raise InvalidRecord(_("invalid envelope: nothing was registered"), [Problem(shown(file), "FILE", _(
            "the envelope is larger than {size} MB: refused unread").format(size=MAX_ENVELOPE // 2**20))])
    data = file.read_bytes()
    return data, parse(data, shown(file))


class _Earlier:
    """The rows, not void, that received a document before: the same DocumentId, or the same số/ký hiệu and sender
    (ND 30 PL VI III.1.h); the first in the rows' order. The rows are read once for a batch of envelopes, not once per
    envelope (an agency receives tens of thousands of documents a year): their DocumentIds (only rows from an
    exchange keep one) and their số/ký hiệu; a sender is compared only where the số/ký hiệu is the same."""

    def __init__(self, rows: list[Incoming]) -> None:
        self._by_id: dict[str, tuple[int, Incoming]] = {}
        self._by_number: dict[str, list[tuple[int, Incoming]]] = {}
        self._count = 0
        for row in rows:
            self.add(row)

    def add(self, row: Incoming) -> None:
        if row.status == VOIDED:
            return
        self._count += 1
        if '"edxml"' in (row.files_json or ""):
            for item in row.files:
                if item.get("edxml"):
                    self._by_id.setdefault(item["edxml"], (self._count, row))
        self._by_number.setdefault(row.so_ky_hieu or "", []).append((self._count, row))

    def of(self, doc: Document) -> Incoming | None:
        sender = fold(doc.sender.ten or doc.sender.ma)
        by_number = next((hit for hit in self._by_number.get(doc.so_ky_hieu, ()) if fold(hit[1].tac_gia or "") == sender),
                         None)
        found = [hit for hit in (self._by_id.get(doc.document_id), by_number) if hit is not None]
        return min(found, key=lambda hit: hit[0])[1] if found else None


def _outgoing_for(register: Any, agency: str, status: Status, ours: str, where: str) -> Any:
    """The outgoing row a status answers (its DocumentId ``OrganId,yyyy/MM/dd,số/ký hiệu`` names one of ours)."""
    parts = status.document_id.split(",", 2)
    if len(parts) != 3 or parts[0] != ours:
        raise InvalidRecord(_("invalid envelope: nothing was registered"), [Problem(where, "ResponseFor/DocumentId", _(
            "the status answers {document}, not a document of this agency ({code})").format(
            document=status.document_id, code=ours))])
    try:
        year = int(parts[1][:4])
        return find_entry(register, agency, parts[2], year)
    except (ValueError, CorrespondenceError):
        raise InvalidRecord(_("invalid envelope: nothing was registered"), [Problem(where, "ResponseFor/DocumentId", _(
            "the status answers {document}: no such document in the register").format(
            document=status.document_id))]) from None


def receive(root: Path, files: list[Path], agency: str | None = None, register_url: str | None = None,
            day: dt.date | None = None) -> list[Received]:
    """Register each envelope of ``files``; every one checked before any is registered."""
    if not files:
        raise UsageError(_("name the envelopes to receive (.edxml files)"))
    register, agency = open_register(root, agency, register_url)
    day = day or hom_nay()
    parsed: list[tuple[Path, bytes, str, Any]] = []
    problems: list[Problem] = []
    for file in files:
        try:
            data, reader = _read(file)
            kind = kind_of(reader)
            item = read_document(reader) if kind == "document" else read_status(reader)[0]
            parsed.append((file, data, kind, item))
        except InvalidRecord as error:
            problems += error.problems
    if problems:
        raise InvalidRecord(_("invalid envelope: nothing was registered"), problems)
    with register:
        rows = register.incoming(agency)
        events = register.events(agency, (EDXML_STATUS,))
    ours: str | None = None
    targets: dict[int, Any] = {}
    received, seen = _Earlier(rows), _Earlier([])  # seen: this batch's documents, the same one twice refused too
    recorded = {json.loads(e.detail or "{}").get("sha256") for e in events}  # the statuses recorded, by hash
    for index, (file, data, kind, item) in enumerate(parsed):
        if kind == "document":
            earlier = received.of(item) or seen.of(item)
            if earlier is not None:
                problems.append(Problem(shown(file), "DocumentId", _(
                    "this document was already received: số đến {number} dated {date} ({sender}); nothing was "
                    "registered").format(number=earlier.number or "?", date=ngay_so(earlier.ngay_den) if
                                         earlier.ngay_den else "—", sender=earlier.tac_gia),
                    _("a document sent again is registered once; void the earlier số đến first if it was wrong")))
            seen.add(_pseudo(item))
            continue
        ours = ours or sender_of(root, agency).ma
        digest = storage.sha256(data)
        if digest in recorded:
            problems.append(Problem(shown(file), "StatusCode", _("this status was already recorded")))
            continue
        try:
            with register:
                entry = _outgoing_for(register, agency, item, ours, shown(file))
                sent = [json.loads(e.detail or "{}").get("toi") for e in register.entry_events(agency, entry.id)
                        if e.action == EDXML_SENT]
        except InvalidRecord as error:
            problems += error.problems
            continue
        if item.sender.ma not in sent:
            problems.append(Problem(shown(file), "From/OrganId", _(
                "{number} was not sent to {code}: its status is not recorded").format(
                number=entry.so_ky_hieu, code=item.sender.ma)))
            continue
        targets[index] = entry
    if problems:
        raise InvalidRecord(_("invalid envelope: nothing was registered"), problems)
    done: list[Received] = []
    for index, (file, data, kind, item) in enumerate(parsed):
        if kind == "document":
            done.append(_register_document(root, register, agency, day, file, data, item))
        else:
            entry = targets[index]
            detail = {"tu": item.sender.ma, "ten": item.sender.ten, "ma": item.code, "mo_ta": item.description,
                      "luc": item.luc.replace(tzinfo=VIETNAM).isoformat(), "sha256": storage.sha256(data)}
            with register:
                register.record_event(agency, entry.id, EDXML_STATUS, json.dumps(detail, ensure_ascii=False,
                                                                                  sort_keys=True))
            done.append(Received(file, so_ky_hieu=entry.so_ky_hieu, status=item.code, tu=item.sender.ma))
    return done


def _pseudo(doc: Document) -> Incoming:
    """A document of this batch as a row, so that the same document twice in one call is refused too."""
    return Incoming(0, "", 0, INCOMING, 0, "", doc.sender.ten or doc.sender.ma, doc.so_ky_hieu, None, "", None, None,
                    None, None, None, None, "issued", json.dumps([{"edxml": doc.document_id}]), "", "")


def _register_document(root: Path, register: Any, agency: str, day: dt.date, file: Path, data: bytes,
                       doc: Document) -> Received:
    folder = output_root(root) / agency / "den" / str(day.year)
    envelope_digest = storage.sha256(data)
    kept = {folder / f"{envelope_digest[:12]}-{_kept_name(file.name)}": data}
    items = [{"path": "", "sha256": envelope_digest, "edxml": doc.document_id, "tu_ma": doc.sender.ma}]
    for attachment in doc.attachments:
        digest = storage.sha256(attachment.data)
        kept[folder / f"{digest[:12]}-{_kept_name(attachment.name)}"] = attachment.data
        items.append({"path": "", "sha256": digest, "ten": attachment.name})
    paths = list(kept)
    for item, path in zip(items, paths, strict=True):
        item["path"] = path.relative_to(root).as_posix()
    folder.mkdir(parents=True, exist_ok=True)
    new = [path for path in paths if not path.exists()]
    storage.write_atomic({path: kept[path] for path in new}, into_archive=True)
    trich_yeu = doc.trich_yeu
    if doc.ten_loai and not fold(trich_yeu).startswith(fold(doc.ten_loai)):
        trich_yeu = f"{doc.ten_loai} {trich_yeu}"
    values = {"tac_gia": doc.sender.ten or doc.sender.ma, "so_ky_hieu": doc.so_ky_hieu,
              "ngay_van_ban": doc.ngay.isoformat(), "trich_yeu": trich_yeu, "don_vi_nhan": None, "ghi_chu": None,
              "do_mat": None, "do_khan": "khan" if doc.do_khan >= 1 else None,
              "files_json": json.dumps(items, ensure_ascii=False),
              "toan_van": "\n".join(x for x in (doc.sender.ten, doc.so_ky_hieu, trich_yeu) if x)}
    try:
        with register:
            row = register.receive(agency, day, values)
    except Backdated as error:
        for path in new:
            path.unlink(missing_ok=True)  # the files this call wrote, never another's
        raise RegisterConflict(_("{date} is before the last document received ({last}, số đến {number}): số đến "
                                 "follow the order of receipt").format(date=ngay_so(day), last=ngay_so(error.last_date),
                                                                      number=error.last_number)) from None
    except BaseException:
        for path in new:
            path.unlink(missing_ok=True)
        raise
    return Received(file, row, tuple(paths))


def answer(root: Path, number: int, code: str, reason: str | None, transport: Transport, agency: str | None = None,
           year: int | None = None, register_url: str | None = None, secret: bool = False) -> tuple[Incoming, str]:
    """Send the sender of số đến ``number`` a status envelope (01 đã đến … 06 hoàn thành; 02 needs a reason);
    recorded as an event of the chain. The row and where the envelope went."""
    code = code.zfill(2)
    if code not in ANSWERABLE:
        raise UsageError(_("--ma must be one of {codes}").format(codes=", ".join(ANSWERABLE)))
    if code == "02" and not (reason or "").strip():
        raise UsageError(_("a refusal (02) needs its reason: --ly-do \"…\""))
    register, agency = open_register(root, agency, register_url)
    year = year or hom_nay().year
    with register:
        rows = register.incoming(agency, year, INCOMING_SECRET if secret else INCOMING, number)
    if not rows:
        raise UsageError(_("no số đến {number} in {year}").format(number=number, year=year))
    row = rows[0]
    envelope = next((item for item in row.files if item.get("edxml")), None)
    if envelope is None:
        raise UsageError(_("số đến {number} did not come as an edXML envelope: there is no sender to answer").format(
            number=number))
    sender = sender_of(root, agency)
    description = (reason or "").strip() or _("{meaning}, số đến {number}").format(
        meaning=STATUS_CODES[code], number=number)
    status = Status(sender, envelope["edxml"], envelope.get("tu_ma", ""), row.so_ky_hieu or "",
                    dt.date.fromisoformat(row.ngay_van_ban) if row.ngay_van_ban else None, code, description,
                    dt.datetime.now(VIETNAM).replace(tzinfo=None, microsecond=0))
    data = write_status(status)
    where = transport.send(file_name(row.so_ky_hieu or str(number), envelope.get("tu_ma", "gui"), f".tt{code}"), data)
    with register:
        register.record_event(agency, 0, EDXML_ANSWERED, json.dumps(
            {"den": row.id, "so": row.number, "ma": code, "mo_ta": description, "sha256": storage.sha256(data),
             "tep": where}, ensure_ascii=False, sort_keys=True))
    return row, where
