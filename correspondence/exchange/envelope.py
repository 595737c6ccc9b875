"""Turn a document or a status into an edXML envelope (QCVN 102:2016, namespace ``NS``) and an envelope back into
them: written strictly (the official SDK sample's element order, dates ``yyyy/MM/dd``), read leniently (any element
order, ``Bussiness`` or ``Business``, dates ``yyyy/MM/dd``, ``dd/MM/yyyy`` or ISO, attachments plain or zipped).

Reading is safe against hostile files: an envelope larger than ``MAX_ENVELOPE`` is refused unread; a DTD (the door of
XXE and of the "billion laughs") is refused outright; the parser expands no entity and reaches no network; an
attachment larger than ``MAX_ATTACHMENT`` (decoded, or unzipped) is refused, as is a zip whose names escape the
folder or that unpacks to more than it should. Every refusal names the file and, where it can, the line."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from correspondence.errors import InvalidRecord, Problem
from correspondence.i18n import _
from correspondence.records.xml import MAX_ENVELOPE as MAX_ENVELOPE
from correspondence.records.xml import parse_untrusted

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
MAX_ATTACHMENT = 7 * 1024 * 1024  # bytes of one attachment once decoded (its base64 stays under libxml2's 10 MB node)
MAX_ATTACHMENTS = 50
MAX_ZIP_RATIO = 100  # a zipped attachment unpacking to more than 100 times its size is a zip bomb
STATUS_CODES = {"01": "đã đến", "02": "từ chối tiếp nhận", "03": "đã tiếp nhận", "04": "đã phân công",
                "05": "đang xử lý", "06": "hoàn thành", "13": "thu hồi", "15": "đồng ý thu hồi",
                "16": "từ chối thu hồi"}
CANONICAL_ID = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")  # QCVN 102: V1V2V3.Z1Z2.Y1Y2.MX1X2
QD20_ID = re.compile(r"^[A-Z0-9]+(\.[A-Z0-9]+)*$")  # QĐ 20/2020: groups of A–Z, 0–9 separated by dots, ≤ 35


@dataclass(frozen=True)
class Organ:
    """An agency as an envelope names it: its mã định danh (``OrganId``), name, governing body, contacts."""

    ma: str
    ten: str
    chu_quan: str = ""
    dia_chi: str = ""
    email: str = ""
    dien_thoai: str = ""
    website: str = ""


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    description: str
    data: bytes


@dataclass
class Document:
    """A new document's envelope (header fields 1.1–1.14, the trace, the attachments)."""

    sender: Organ
    to: list[Organ]
    so: str
    ky_hieu: str
    ngay: dt.date
    noi_ban_hanh: str
    ten_loai: str
    trich_yeu: str
    tham_quyen: str = ""
    chuc_vu: str = ""
    nguoi_ky: str = ""
    han: dt.date | None = None
    do_khan: int = 0
    so_ban: int | None = None
    noi_nhan_khac: list[str] = field(default_factory=list)
    phu_luc: list[str] = field(default_factory=list)
    nguoi_gui: str = ""
    luc: dt.datetime | None = None
    attachments: list[Attachment] = field(default_factory=list)
    document_id: str = ""

    @property
    def so_ky_hieu(self) -> str:
        return f"{self.so}/{self.ky_hieu}" if self.ky_hieu else self.so


@dataclass
class Status:
    """A status envelope: who answers, for which document (its DocumentId), the code, why, when."""

    sender: Organ
    document_id: str
    to_ma: str
    so_ky_hieu: str
    ngay: dt.date | None
    code: str
    description: str
    luc: dt.datetime
    nguoi_gui: str = ""


def document_id(organ: str, day: dt.date, so_ky_hieu: str) -> str:
    """``OrganId,yyyy/MM/dd,số/ký hiệu``: the document's identifier across agencies (1.14)."""
    return f"{organ},{day:%Y/%m/%d},{so_ky_hieu}"


# ------------------------------------------------------------------------------------------------------------ writing


def _e(parent: Any, name: str, text: str | None = None, **nsmap: str) -> Any:
    from lxml import etree

    element = etree.SubElement(parent, f"{{{NS}}}{name}", nsmap={k: v for k, v in nsmap.items()} or None)
    if text:
        element.text = text
    return element


def _organ(parent: Any, name: str, organ: Organ) -> None:
    node = _e(parent, name)
    for tag, value in (("OrganId", organ.ma), ("OrganizationInCharge", organ.chu_quan), ("OrganName", organ.ten),
                       ("OrganAdd", organ.dia_chi), ("Email", organ.email), ("Telephone", organ.dien_thoai),
                       ("Fax", ""), ("Website", organ.website)):
        _e(node, tag, value)


def _root() -> tuple[Any, Any, Any]:
    from lxml import etree

    root = etree.Element(f"{{{NS}}}edXML", nsmap={None: NS})
    envelope = _e(root, "edXMLEnvelope", edXML=NS)
    return root, envelope, _e(envelope, "edXMLHeader")


def _staff(parent: Any, nguoi: str) -> None:
    staff = _e(parent, "StaffInfo")
    for tag, value in (("Department", "Văn thư"), ("Staff", nguoi), ("Email", ""), ("Mobile", "")):
        _e(staff, tag, value)


def _serialised(root: Any) -> bytes:
    from lxml import etree

    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def write_document(doc: Document, to: Organ) -> bytes:
    """The envelope of ``doc`` for one recipient ``to``, in the SDK sample's order."""
    root, envelope, header = _root()
    message = _e(header, "MessageHeader")
    _organ(message, "From", doc.sender)
    _organ(message, "To", to)
    _e(message, "DocumentId", doc.document_id)
    code = _e(message, "Code")
    _e(code, "CodeNumber", doc.so)
    _e(code, "CodeNotation", doc.ky_hieu)
    info = _e(message, "PromulgationInfo")
    _e(info, "Place", doc.noi_ban_hanh)
    _e(info, "PromulgationDate", f"{doc.ngay:%Y/%m/%d}")
    kind = _e(message, "DocumentType")
    _e(kind, "Type", "1")
    _e(kind, "TypeDetail", "0")
    _e(kind, "TypeName", doc.ten_loai)
    _e(message, "Subject", doc.trich_yeu)
    _e(message, "Content", doc.trich_yeu)
    signer = _e(message, "SignerInfo")
    _e(signer, "Competence", doc.tham_quyen)
    _e(signer, "Position", doc.chuc_vu)
    _e(signer, "FullName", doc.nguoi_ky)
    _e(message, "DueDate", f"{doc.han:%Y/%m/%d}" if doc.han else None)
    other = _e(message, "OtherInfo")
    _e(other, "Priority", str(doc.do_khan))
    _e(other, "SphereOfPromulgation", "Liên thông văn bản quốc gia")
    _e(other, "TyperNotation", "")
    _e(other, "PromulgationAmount", str(doc.so_ban) if doc.so_ban else None)
    _e(other, "PageAmount", None)
    _e(other, "Direction", "false")
    appendixes = _e(other, "Appendixes")
    for title in doc.phu_luc or [""]:
        _e(appendixes, "Appendix", title)
    _e(message, "SteeringType", "1")
    places = _e(message, "ToPlaces")
    for place in doc.noi_nhan_khac:
        _e(places, "Place", place)
    trace = _e(header, "TraceHeaderList")
    hop = _e(trace, "TraceHeader")
    _e(hop, "OrganId", doc.sender.ma)
    _e(hop, "Timestamp", f"{doc.luc or dt.datetime.now():%Y/%m/%d %H:%M:%S}")
    business = _e(trace, "Bussiness")
    _e(business, "DocumentId", doc.document_id)
    _e(business, "BussinessDocType", "0")
    _e(business, "BussinessDocReason", "Văn bản điện tử mới")
    _e(business, "Paper", "0")
    _staff(business, doc.nguoi_gui)
    manifest = _e(_e(envelope, "edXMLBody"), "edXMLManifest")
    manifest.set("version", "1.0")
    encoded = _e(root, "AttachmentEncoded")
    for index, item in enumerate(doc.attachments, 1):
        for parent in (_e(manifest, "Reference"), _e(encoded, "Attachment")):
            _e(parent, "ContentId", f"cid:{index}")
            if parent.tag.endswith("Reference"):
                _e(parent, "ContentType", item.content_type)
                _e(parent, "Description", item.description)
                _e(parent, "AttachmentName", item.name)
            else:
                _e(parent, "AttachmentName", item.name)
                _e(parent, "Description", item.description)
                _e(parent, "ContentType", item.content_type)
                _e(parent, "ContentTransferEncoded", base64.b64encode(item.data).decode("ascii"), edXML=NS)
    return _serialised(root)


def write_status(status: Status) -> bytes:
    """A status envelope (no body): From, ResponseFor, StaffInfo, StatusCode, Description, Timestamp."""
    root, _envelope, header = _root()
    message = _e(header, "MessageHeader")
    _organ(message, "From", status.sender)
    answer = _e(message, "ResponseFor")
    _e(answer, "OrganId", status.to_ma)
    _e(answer, "Code", status.so_ky_hieu)
    _e(answer, "PromulgationDate", f"{status.ngay:%Y/%m/%d}" if status.ngay else None)
    _e(answer, "DocumentId", status.document_id)
    _staff(message, status.nguoi_gui)
    _e(message, "StatusCode", status.code)
    _e(message, "Description", status.description)
    _e(message, "Timestamp", f"{status.luc:%Y/%m/%d %H:%M:%S}")
    return _serialised(root)


# ------------------------------------------------------------------------------------------------------------ reading


def _refused(source: str, message: str, field_name: str = "", hint: str = "") -> InvalidRecord:
    return InvalidRecord(_("invalid envelope: nothing was registered"), [Problem(source, field_name, message, hint)])


def _local(element: Any) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


class _Reader:
    """The elements of a parsed envelope by local name, and where each is (``file:line``)."""

    def __init__(self, shown_name: str, root: Any) -> None:
        self.name = shown_name
        self.root = root

    def at(self, element: Any | None) -> str:
        line = getattr(element, "sourceline", None) if element is not None else None
        return f"{self.name}:{line}" if line else self.name

    def child(self, parent: Any, *names: str) -> Any | None:
        if parent is None:
            return None
        for element in parent:
            if _local(element) in names:
                return element
        return None

    def children(self, parent: Any, name: str) -> list[Any]:
        return [element for element in parent if _local(element) == name] if parent is not None else []

    def find(self, *names: str) -> Any | None:
        for element in self.root.iter():
            if _local(element) in names:
                return element
        return None

    def text(self, parent: Any, *path: str) -> str:
        node = parent
        for name in path:
            node = self.child(node, name)
        return " ".join((node.text or "").split()) if node is not None else ""


def parse(data: bytes, shown_name: str) -> _Reader:
    """Parse an envelope safely: no DTD, no entity, no network, bounded."""
    root = parse_untrusted(data, shown_name, MAX_ENVELOPE, _("an element is too large (an attachment over {size} MB?)")
                           .format(size=MAX_ATTACHMENT // (1024 * 1024)))
    if _local(root) != "edXML":
        raise _refused(f"{shown_name}:{root.sourceline}", _("not an edXML envelope: the root element is <{name}>")
                       .format(name=_local(root)))
    return _Reader(shown_name, root)


def parse_date(text: str) -> dt.date | None:
    """A date as envelopes write it: ``yyyy/MM/dd``, ``dd/MM/yyyy``, ISO; a time after it is ignored."""
    text = text.strip().split(" ")[0].split("T")[0]
    for pattern in ("%Y/%m/%d", "%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def parse_time(text: str) -> dt.datetime | None:
    text = text.strip()
    for pattern in ("%Y/%m/%d %H:%M:%S", "%d/%m/%Y %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(text[:19], pattern)
        except ValueError:
            continue
    day = parse_date(text)
    return dt.datetime.combine(day, dt.time()) if day else None


def _read_organ(reader: _Reader, node: Any) -> Organ:
    return Organ(reader.text(node, "OrganId"), reader.text(node, "OrganName"),
                 reader.text(node, "OrganizationInCharge"), reader.text(node, "OrganAdd"), reader.text(node, "Email"),
                 reader.text(node, "Telephone"), reader.text(node, "Website"))


def kind_of(reader: _Reader) -> str:
    """``status`` when the header answers a document (``StatusCode``), else ``document``."""
    header = reader.find("MessageHeader")
    if header is None:
        raise _refused(reader.at(reader.root), _("the envelope has no MessageHeader"), "MessageHeader")
    return "status" if reader.child(header, "StatusCode") is not None else "document"


def read_status(reader: _Reader) -> tuple[Status, dict[str, str]]:
    """The status an envelope carries, and where each field was (for located messages)."""
    header = reader.find("MessageHeader")
    problems = []
    sender = _read_organ(reader, reader.child(header, "From"))
    answer = reader.child(header, "ResponseFor")
    code_node = reader.child(header, "StatusCode")
    code = reader.text(header, "StatusCode")
    code = code.zfill(2) if code.isdigit() else code
    if code not in STATUS_CODES:
        problems.append(Problem(reader.at(code_node), "StatusCode", _("unknown status code '{code}' (known: {codes})")
                                .format(code=code, codes=", ".join(STATUS_CODES))))
    document = reader.text(answer, "DocumentId")
    if not document:
        problems.append(Problem(reader.at(answer if answer is not None else header), "ResponseFor/DocumentId", _(
            "the status names no document it answers")))
    if not sender.ma:
        problems.append(Problem(reader.at(header), "From/OrganId", _("the sender's mã định danh is missing")))
    if problems:
        raise InvalidRecord(_("invalid envelope: nothing was registered"), problems)
    luc = parse_time(reader.text(header, "Timestamp")) or dt.datetime.now().replace(microsecond=0)
    status = Status(sender, document, reader.text(answer, "OrganId"), reader.text(answer, "Code"),
                    parse_date(reader.text(answer, "PromulgationDate")), code, reader.text(header, "Description"), luc,
                    reader.text(header, "StaffInfo", "Staff"))
    return status, {"line": reader.at(header)}


def read_document(reader: _Reader) -> Document:
    """The document an envelope carries with its attachments, every one checked; refused, located, when a field it
    needs or an attachment its manifest names is missing."""
    header = reader.find("MessageHeader")
    problems: list[Problem] = []
    sender = _read_organ(reader, reader.child(header, "From"))
    to = [_read_organ(reader, node) for node in reader.children(header, "To")]
    code = reader.child(header, "Code")
    so, ky_hieu = reader.text(code, "CodeNumber"), reader.text(code, "CodeNotation")
    info = reader.child(header, "PromulgationInfo")
    date_text = reader.text(info, "PromulgationDate")
    day = parse_date(date_text) if date_text else None
    subject = reader.text(header, "Subject")
    trace = reader.find("TraceHeaderList")
    business = reader.child(trace, "Bussiness", "Business")
    document = reader.text(header, "DocumentId") or reader.text(business, "DocumentId")
    if not sender.ten and not sender.ma:
        problems.append(Problem(reader.at(header), "From", _("the envelope does not say who sent it")))
    if not so:
        problems.append(Problem(reader.at(code if code is not None else header), "Code/CodeNumber", _(
            "the document's number is missing")))
    if day is None:
        problems.append(Problem(reader.at(info if info is not None else header), "PromulgationInfo/PromulgationDate",
                                _("'{value}' is not a date (yyyy/MM/dd or dd/MM/yyyy)").format(value=date_text)))
    if not subject:
        problems.append(Problem(reader.at(header), "Subject", _("the subject is missing")))
    attachments = _attachments(reader, problems)
    if problems:
        raise InvalidRecord(_("invalid envelope: nothing was registered"), problems)
    assert day is not None
    kind = reader.child(header, "DocumentType")
    signer = reader.child(header, "SignerInfo")
    other = reader.child(header, "OtherInfo")
    priority = reader.text(other, "Priority")
    return Document(
        sender, to, so, ky_hieu, day, reader.text(info, "Place"), reader.text(kind, "TypeName"), subject,
        reader.text(signer, "Competence"), reader.text(signer, "Position"), reader.text(signer, "FullName"),
        parse_date(reader.text(header, "DueDate")), int(priority) if priority.isdigit() else 0, None,
        [reader.text(place) for place in reader.children(reader.child(header, "ToPlaces"), "Place")], [],
        reader.text(business, "StaffInfo", "Staff"), None, attachments,
        document or document_id(sender.ma, day, f"{so}/{ky_hieu}" if ky_hieu else so))


def _cid(text: str) -> str:
    text = text.strip()
    return text[4:] if text.lower().startswith("cid:") else text


def _attachments(reader: _Reader, problems: list[Problem]) -> list[Attachment]:
    """Each attachment, decoded (and unzipped), checked against the manifest and the limits."""
    manifest = reader.find("edXMLManifest")
    references = reader.children(manifest, "Reference")
    encoded: dict[str, Any] = {}
    for node in (n for n in reader.root.iter() if _local(n) == "Attachment"):
        encoded.setdefault(_cid(reader.text(node, "ContentId")), node)
    if len(encoded) > MAX_ATTACHMENTS:
        problems.append(Problem(reader.at(reader.find("AttachmentEncoded")), "AttachmentEncoded", _(
            "more than {count} attachments").format(count=MAX_ATTACHMENTS)))
        return []
    wanted = [(_cid(reader.text(ref, "ContentId")) or _cid(ref.get("{http://www.w3.org/1999/xlink}href", "")), ref)
              for ref in references] or [(cid, node) for cid, node in encoded.items()]
    found: list[Attachment] = []
    for cid, ref in wanted:
        node = encoded.get(cid)
        if node is None:
            problems.append(Problem(reader.at(ref), "Reference", _(
                "the manifest names the attachment '{cid}' but the envelope does not hold it").format(cid=cid)))
            continue
        name = reader.text(node, "AttachmentName") or reader.text(ref, "AttachmentName") or f"tep-{cid}"
        payload = reader.child(node, "ContentTransferEncoded")
        text = "".join((payload.text or "").split()) if payload is not None else ""
        if len(text) * 3 // 4 > MAX_ATTACHMENT:
            problems.append(Problem(reader.at(payload), "ContentTransferEncoded", _(
                "the attachment '{name}' is larger than {size} MB").format(name=name, size=MAX_ATTACHMENT // 2**20)))
            continue
        try:
            data = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            problems.append(Problem(reader.at(payload if payload is not None else node), "ContentTransferEncoded", _(
                "the attachment '{name}' is not valid base64").format(name=name)))
            continue
        if not data:
            problems.append(Problem(reader.at(node), "ContentTransferEncoded", _(
                "the attachment '{name}' is empty").format(name=name)))
            continue
        content_type = reader.text(node, "ContentType") or reader.text(ref, "ContentType")
        description = reader.text(node, "Description") or reader.text(ref, "Description")
        if data.startswith(b"PK\x03\x04"):
            found += _unzipped(data, name, description, reader.at(payload), problems)
        else:
            found.append(Attachment(name, content_type, description, data))
    return found


def _unzipped(data: bytes, name: str, description: str, where: str, problems: list[Problem]) -> list[Attachment]:
    """The files of a zipped attachment: a name that leaves the folder, a bomb, a damaged archive are refused."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        problems.append(Problem(where, "ContentTransferEncoded", _("the zipped attachment '{name}' is damaged")
                                .format(name=name)))
        return []
    out = []
    total = 0
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        if len(members) > MAX_ATTACHMENTS:
            problems.append(Problem(where, "ContentTransferEncoded", _("the zipped attachment '{name}' holds more than "
                                                                       "{count} files").format(name=name,
                                                                                               count=MAX_ATTACHMENTS)))
            return []
        for info in members:
            member = info.filename
            parts = PurePosixPath(member.replace("\\", "/")).parts
            if (member.startswith(("/", "\\")) or ".." in parts or PureWindowsPath(member).drive
                    or not parts):
                problems.append(Problem(where, "ContentTransferEncoded", _(
                    "the zipped attachment '{name}' holds a file named outside its folder: {member}").format(
                    name=name, member=member)))
                return []
            total += info.file_size
            if info.file_size > MAX_ATTACHMENT or total > MAX_ATTACHMENT * 4 or (
                    info.compress_size and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1024)):
                problems.append(Problem(where, "ContentTransferEncoded", _(
                    "the zipped attachment '{name}' unpacks to too much ({member}): refused as a zip bomb").format(
                    name=name, member=member)))
                return []
            with archive.open(info) as reading:
                content = reading.read(MAX_ATTACHMENT + 1)  # never more than the limit, whatever the header says
            if len(content) > MAX_ATTACHMENT:
                problems.append(Problem(where, "ContentTransferEncoded", _(
                    "the zipped attachment '{name}' unpacks to too much ({member}): refused as a zip bomb").format(
                    name=name, member=member)))
                return []
            out.append(Attachment(parts[-1], "application/pdf" if member.lower().endswith(".pdf")
                                  else "application/octet-stream", description, content))
    return out
