"""Turn ``sign SO --ky-nguoi`` / ``--ky-co-quan`` into a signed PDF beside the issued one, recorded in the register.

An issued file is never overwritten: each signature makes a new file, a new incremental revision of the one before
(``<stem>.ky.pdf``: the signer's; ``<stem>.ky-co-quan.pdf``: the signer's and the agency's, the electronic original
of ND 30 Art. 3.8), recorded in the row's files with its SHA-256, the role, the signer, the time and the certificate
serial, as an event of the chain. ``register verify`` then checks each file's hash like any issued file, and its
signatures (``verifying.register_problems``).

Order (ND 30 Art. 32.2.d): the agency signs only a document its signer has signed; everything that can fail (the
row, the files, the certificate, the pictures, the places on the page) is checked before a byte is written."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from correspondence import storage
from correspondence.errors import Problem, RegisterConflict, UsageError
from correspondence.i18n import _
from correspondence.kinds import HINH_THUC_SAO
from correspondence.records.tables import fold
from correspondence.register.numbering import COPY_KINDS
from correspondence.register.queries import find_entry
from correspondence.register.store import Entry
from correspondence.registers import open_register
from correspondence.signing import placing
from correspondence.signing.keys import common_name, serial_hex
from correspondence.signing.signer import AGENCY_FIELD, SIGNER_FIELD, Level, drawn_text, picture_aspect, sign_pdf
from correspondence.signing.verifying import check_pdf, expected_count
from correspondence.validate import load_agency
from correspondence.validate.images import picture_path, seal_size_mm
from correspondence.vietnamese import VIETNAM
from correspondence.workspace import agency_profile

SIGNER, AGENCY = "nguoi_ky", "co_quan"  # the two roles: the competent person (ô 7c), the agency (ô 8)
SUFFIX = {SIGNER: ".ky.pdf", AGENCY: ".ky-co-quan.pdf"}
FIELD = {SIGNER: SIGNER_FIELD, AGENCY: AGENCY_FIELD}


@dataclass(frozen=True)
class Signed:
    """What ``sign`` made: the row (with its new file), the file, the role, the certificate's name and serial."""

    entry: Entry
    path: Path
    role: str
    signer: str
    serial: str
    at: str


ANNEX = re.compile(r"-phu-luc(-[IVXLCDM]+)?\.pdf$")  # an annex in a file of its own: <stem>-phu-luc[-II].pdf


def is_annex(item: dict[str, str]) -> bool:
    """A file of the row that is an annex issued in a file of its own (``annex``, or ``phu_luc[].tep_rieng``)."""
    return bool(ANNEX.search(item["path"]))


def original_pdf(entry: Entry) -> dict[str, str]:
    """The row's issued PDF (the first PDF of its files that no signature made, that is not a remote signature's
    prepared file nor an annex)."""
    found = next((item for item in entry.files if item["path"].endswith(".pdf") and "ky" not in item
                  and "cho_ky" not in item and not is_annex(item)), None)
    if found is None:
        raise RegisterConflict(_("{number} has no PDF to sign").format(number=entry.so_ky_hieu))
    return found


def signed_file(entry: Entry, role: str) -> dict[str, str] | None:
    """The row's document signed in ``role``, if any (its annexes' signed files are apart)."""
    return next((item for item in entry.files if item.get("ky") == role and "phu_luc" not in item), None)


def signatures(entry: Entry) -> list[dict[str, str]]:
    """Each signed file of a row, in the order signed (role, signer, time, certificate serial, path; ``phu_luc``:
    the annex file it signs)."""
    return [item for item in entry.files if "ky" in item]


def annex_files(entry: Entry) -> list[dict[str, str]]:
    """The row's annexes in files of their own (PDF) that the agency has not signed yet."""
    done = {item.get("phu_luc") for item in signatures(entry)}
    return [item for item in entry.files if is_annex(item) and "ky" not in item and item["path"] not in done]


def is_copy(entry: Entry) -> bool:
    """A sao y, sao lục or trích sao: as an electronic copy it bears only the agency's signature (ô 14)."""
    return entry.kind in COPY_KINDS


def expected_signatures(entry: Entry, item: dict[str, str]) -> int:
    """How many signatures a signed file of the row holds."""
    return expected_count(signatures(entry), item)


def signing_time() -> dt.datetime:
    """Now in Vietnam's time (UTC+7), to the second: the time the CMS carries and the drawn text shows."""
    return dt.datetime.now(VIETNAM).replace(microsecond=0)


def annex_text(so_ky_hieu: str, at: dt.datetime) -> str:
    """The text of an annex's agency signature (PL I Phần I Mục III khoản 1.d; Mẫu 2.2): number and symbol, then
    the signing time (dd/mm/yyyy; hh:mm:ss and Vietnam's zone, ISO 8601)."""
    return f"Số: {so_ky_hieu}; {_when(at)}"


def copy_text(kind: str, agency_name: str, at: dt.datetime) -> str:
    """The ô 14 text of an electronic copy (PL I Phần II Mục I khoản 3; Mẫu 3.2): the form of the copy, the copying
    agency, the signing time. Lower case letters (the form of copy written as a phrase, not in capitals)."""
    form = HINH_THUC_SAO[kind].capitalize()
    return f"{form}; {agency_name}; {_when(at)}"


def _when(at: dt.datetime) -> str:
    offset = at.strftime("%z")
    return f"{at:%d/%m/%Y}; {at:%H:%M:%S} {offset[:3]}:{offset[3:]}"


def _profile(workspace: Path, agency: str) -> Any:
    profile, problems = load_agency(agency_profile(workspace, agency))
    if profile is None:
        raise UsageError(_("the agency profile has problems: run 'correspondence check'"), problems)
    return profile


def agency_name(profile: Any) -> str:
    """The agency's name as one line, as a sentence writes it (PL II: "Ủy ban nhân dân tỉnh Quảng Ninh")."""
    return str(profile.ten_trong_cau)


def _check_agency_certificate(name: str, profile: Any, entry: Entry) -> None:
    """The agency's certificate must be the agency's own (its name, accents and case aside)."""
    own = agency_name(profile)
    if fold(name) != fold(own):
        raise UsageError(_("the certificate is {name}'s, not the agency's ({agency}): the agency signs {number} with "
                           "its own certificate").format(name=name or "?", agency=own, number=entry.so_ky_hieu), [
            Problem("ten_co_quan", "", _("the certificate's name (CN) must be the agency's name in its profile"),
                    _("sign with the agency's certificate, or correct ten_co_quan in the agency profile"))])


def _signer_key(entry: Entry) -> str | None:
    record = json.loads(entry.record_json or "{}")
    key = (record.get("ky") or {}).get("nguoi_ky")
    return key if isinstance(key, str) else None


def _read_checked(workspace: Path, entry: Entry, item: dict[str, str]) -> bytes:
    path = workspace / item["path"]
    if not path.is_file():
        raise RegisterConflict(_("{number}: file missing: {path}").format(number=entry.so_ky_hieu, path=item["path"]))
    data = path.read_bytes()
    if storage.sha256(data) != item["sha256"]:
        raise RegisterConflict(_("{number}: file changed since issue: {path}").format(
            number=entry.so_ky_hieu, path=item["path"]), [Problem(item["path"], "", _("restore it from a backup"))])
    return data


def _signer_signature_intact(data: bytes, entry: Entry, item: dict[str, str]) -> None:
    """The signer's signature on the file the agency is to sign verifies (intact, valid, nothing else added): the
    register's record of it is not taken on trust (Art. 32.2.d)."""
    checked = check_pdf(data, None)
    if not checked or not all(c.intact and c.valid and c.after != "other" for c in checked):
        raise RegisterConflict(_("{number}: the signer's signature on {path} does not verify: the agency does not sign "
                                 "it").format(number=entry.so_ky_hieu, path=item["path"]), [Problem(
            item["path"], "", _("the file was changed after its signer signed it"),
            _("restore it from a backup, or have the signer sign again"))])


def _entry(workspace: Path, so_ky_hieu: str, agency: str | None, year: int | None, series: str | None,
           register_url: str | None) -> tuple[Any, str, Entry]:
    register, agency = open_register(workspace, agency, register_url)
    with register:
        entry = find_entry(register, agency, so_ky_hieu, year, series)
    if entry.status != "issued" or entry.pending:
        raise RegisterConflict(_("{number} is not an issued document with its files: it cannot be signed").format(
            number=entry.so_ky_hieu))
    return register, agency, entry


def sign(workspace: Path, so_ky_hieu: str, role: str, signer: Any, agency: str | None = None, year: int | None = None,
         series: str | None = None, register_url: str | None = None, level: Level | None = None) -> Signed:
    """Sign the issued PDF of ``so_ky_hieu`` as its signer (``role`` SIGNER) or as the agency (AGENCY) with ``signer``
    (a pyHanko ``Signer``: the key source); the signed file is written beside the original and recorded.

    An electronic copy (sao y, sao lục, trích sao) is signed by the agency alone, its signature showing the ô 14
    text at the top right of page 1 instead of the seal."""
    plan = plan_signature(workspace, so_ky_hieu, role, signer.signing_cert, agency, year, series, register_url)
    signed = sign_pdf(plan.data, signer, FIELD[role], plan.box, plan.picture, page=plan.page, stamp=plan.stamp,
                      at=plan.at, level=level)
    return record_signed(workspace, plan, signed, signer.signing_cert, _stamped(plan.at), level)


@dataclass(frozen=True)
class Plan:
    """What a signature in ``role`` is made on, all checked: the row, the file signed (its bytes), where the
    appearance goes (``box`` on ``page``), the appearance (``picture``, or ``stamp``: a drawn text showing the
    signing time ``at``), the certificate's name, the signed file's path, what its record carries besides
    (``so_chu_ky``, ``phu_luc``)."""

    register: Any
    entry: Entry
    role: str
    source: dict[str, str]
    data: bytes
    box: placing.Box
    picture: Path | None
    name: str
    target: Path
    page: int = -1
    stamp: bytes | None = None
    at: dt.datetime | None = None
    extra: dict[str, str] = field(default_factory=dict)


def plan_signature(workspace: Path, so_ky_hieu: str, role: str, cert: Any, agency: str | None = None,
                   year: int | None = None, series: str | None = None, register_url: str | None = None) -> Plan:
    """Everything checked before a signature in ``role`` with the certificate ``cert`` (asn1crypto) is made: the row
    is issued and not yet signed so, the certificate is the signer's (the agency's), the signer signed before the
    agency and that signature still verifies, the pictures and places on the page (the local signature and the
    remote one, ``remote.py``, share it)."""
    register, agency, entry = _entry(workspace, so_ky_hieu, agency, year, series, register_url)
    if signed_file(entry, role) is not None:
        raise RegisterConflict(_("{number} is already signed ({role})").format(number=entry.so_ky_hieu, role=role))
    original = original_pdf(entry)
    name = common_name(cert)
    profile = _profile(workspace, agency)
    base = agency_profile(workspace, agency).parent
    at, stamp, page, picture = None, None, -1, None
    if role == SIGNER:
        if fold(name) != fold(entry.nguoi_ky):
            raise UsageError(_("the certificate is {name}'s, not the signer's of {number} ({signer}): sign with the "
                               "signer's own certificate").format(name=name or "?", number=entry.so_ky_hieu,
                                                                  signer=entry.nguoi_ky))
        key = _signer_key(entry)
        person = profile.nguoi_ky.get(key) if key else None
        if person is None or not person.chu_ky:
            raise UsageError(_("the agency profile gives no signature picture for {signer}: add nguoi_ky.{key}.chu_ky")
                             .format(signer=entry.nguoi_ky, key=key or "…"))
        picture = picture_path(base, person.chu_ky)
        data = _read_checked(workspace, entry, original)
        box = placing.signer_box(placing.signer_gap(data, entry.nguoi_ky), picture_aspect(picture))
        source = original
    elif is_copy(entry):
        _check_agency_certificate(name, profile, entry)
        before = signed_file(entry, SIGNER)
        source = before or original
        data = _read_checked(workspace, entry, source)
        if before is not None:
            _signer_signature_intact(data, entry, before)
        at = signing_time()
        stamp = drawn_text(copy_text(entry.kind, agency_name(profile), at), workspace)
        box, page = placing.top_right_box(data, stamp), 0
    else:
        _check_agency_certificate(name, profile, entry)
        before = signed_file(entry, SIGNER)
        if before is None:
            raise RegisterConflict(_("{number} is not signed by its signer yet: the agency signs only a document its "
                                     "signer has signed (ND 30 Art. 32.2.d)").format(number=entry.so_ky_hieu), [Problem(
                                         entry.so_ky_hieu, "", _("first: correspondence sign {number} --ky-nguoi")
                                         .format(number=entry.so_ky_hieu))])
        if not profile.con_dau:
            raise UsageError(_("the agency profile gives no seal picture: add con_dau (and con_dau_mm)"))
        picture = picture_path(base, profile.con_dau)
        size = seal_size_mm(picture, profile.con_dau_mm)
        if size is None:
            raise UsageError(_("give the seal's diameter in mm with con_dau_mm in the agency profile"))
        data = _read_checked(workspace, entry, before)
        _signer_signature_intact(data, entry, before)
        box = placing.seal_box(_field_box(data, SIGNER_FIELD), size, picture_aspect(picture))
        source = before
    stem = source["path"][: -len(SUFFIX[SIGNER])] if "ky" in source else source["path"][:-4]
    target = workspace / (stem + SUFFIX[role])
    count = 1 + (1 if role == AGENCY and "ky" in source else 0)
    return Plan(register, entry, role, source, data, box, picture, name, target, page, stamp, at,
                {"so_chu_ky": str(count)} if is_copy(entry) else {})


def sign_annex(workspace: Path, so_ky_hieu: str, annex: str, signer: Any, agency: str | None = None,
               year: int | None = None, series: str | None = None, register_url: str | None = None,
               level: Level | None = None) -> Signed:
    """The agency's signature on ``annex`` (a path the row records: an annex in a file of its own, Mẫu 2.2): no
    picture, the text "Số: …; dd/mm/yyyy; hh:mm:ss +07:00" at the top right of its page 1 (PL I Phần I Mục II
    khoản 8.b, Mục III khoản 1.d). The annex's file stays as issued; ``<stem>-phu-luc.ky-co-quan.pdf`` is written
    beside it and recorded."""
    plan = plan_annex(workspace, so_ky_hieu, annex, signer.signing_cert, agency, year, series, register_url)
    signed = sign_pdf(plan.data, signer, FIELD[AGENCY], plan.box, None, page=plan.page, stamp=plan.stamp, at=plan.at,
                      level=level)
    return record_signed(workspace, plan, signed, signer.signing_cert, _stamped(plan.at), level)


def plan_annex(workspace: Path, so_ky_hieu: str, annex: str, cert: Any, agency: str | None = None,
               year: int | None = None, series: str | None = None, register_url: str | None = None) -> Plan:
    """Everything checked before the agency signs ``annex`` with the certificate ``cert``: the annex is the row's
    and not signed yet, the certificate is the agency's; the drawn text and its place."""
    register, agency, entry = _entry(workspace, so_ky_hieu, agency, year, series, register_url)
    item = next((each for each in annex_files(entry) if each["path"] == annex), None)
    if item is None:
        raise RegisterConflict(_("{number}: {path} is not an unsigned annex of the document").format(
            number=entry.so_ky_hieu, path=annex))
    name = common_name(cert)
    _check_agency_certificate(name, _profile(workspace, agency), entry)
    data = _read_checked(workspace, entry, item)
    at = signing_time()
    stamp = drawn_text(annex_text(entry.so_ky_hieu, at), workspace)
    target = workspace / (item["path"][:-4] + SUFFIX[AGENCY])
    return Plan(register, entry, AGENCY, item, data, placing.top_right_box(data, stamp), None, name, target, 0, stamp,
                at, {"phu_luc": item["path"], "so_chu_ky": "1"})


def annexes_to_sign(workspace: Path, so_ky_hieu: str, agency: str | None = None, year: int | None = None,
                    series: str | None = None, register_url: str | None = None) -> list[str]:
    """The paths of the row's annexes in files of their own that the agency has not signed yet; refused when there
    is none."""
    _register, _agency, entry = _entry(workspace, so_ky_hieu, agency, year, series, register_url)
    found = [item["path"] for item in annex_files(entry)]
    if not found:
        raise RegisterConflict(_("{number} has no annex in a file of its own left to sign").format(
            number=entry.so_ky_hieu), [Problem(entry.so_ky_hieu, "", _(
                "an annex in a file of its own is made by: correspondence annex {number} TABLE --spec SPEC --dien-tu")
                .format(number=entry.so_ky_hieu))])
    return found


def _stamped(at: dt.datetime | None) -> str:
    """The time recorded for a signature: the one its appearance shows, else now."""
    return (at or dt.datetime.now(dt.UTC).astimezone()).isoformat(timespec="seconds")


def record_signed(workspace: Path, plan: Plan, signed: bytes, cert: Any, at: str, level: Level | None = None) -> Signed:
    """Write the signed bytes beside the original and record them on the row (a pending remote request of that role
    for the document, if any, is dropped with its prepared file)."""
    target, entry, role = plan.target, plan.entry, plan.role
    written = storage.store({target.name: signed}, target.parent, workspace)[0]
    item = {**written, "ky": role, "nguoi": plan.name, "luc": at, "serial": serial_hex(cert),
            "muc": (level or Level()).name, **plan.extra}
    try:
        with plan.register:
            entry = plan.register.add_signed(entry.id, item)
    except BaseException:
        target.unlink(missing_ok=True)  # the file this call made, never another: nothing half-recorded is left
        raise
    if "phu_luc" not in plan.extra:
        for pending in (each for each in plan.entry.files if each.get("cho_ky") == role):
            (workspace / pending["path"]).unlink(missing_ok=True)  # the register no longer claims it
    return Signed(entry, target, role, plan.name, item["serial"], at)


def _field_box(data: bytes, field: str) -> placing.Box:
    """The rectangle of a signature field's widget in ``data`` (the signer's picture, to lay the seal over)."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            for annot in page.get("/Annots") or []:
                if str(annot.get("/T", "")) == field and "/Rect" in annot:
                    x1, y1, x2, y2 = (float(v) for v in annot.Rect)
                    return (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))
    raise RegisterConflict(_("the signed PDF has no signer's signature field '{field}'").format(field=field))


