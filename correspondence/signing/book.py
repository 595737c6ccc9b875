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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from correspondence import storage
from correspondence.errors import Problem, RegisterConflict, UsageError
from correspondence.i18n import _
from correspondence.records.tables import fold
from correspondence.register.queries import find_entry
from correspondence.register.store import Entry
from correspondence.registers import open_register
from correspondence.signing import placing
from correspondence.signing.keys import common_name, serial_hex
from correspondence.signing.signer import AGENCY_FIELD, SIGNER_FIELD, picture_aspect, sign_pdf
from correspondence.validate import load_agency
from correspondence.validate.images import picture_path, seal_size_mm
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


def original_pdf(entry: Entry) -> dict[str, str]:
    """The row's issued PDF (the first PDF of its files that no signature made)."""
    found = next((item for item in entry.files if item["path"].endswith(".pdf") and "ky" not in item
                  and "cho_ky" not in item), None)
    if found is None:
        raise RegisterConflict(_("{number} has no PDF to sign").format(number=entry.so_ky_hieu))
    return found


def signed_file(entry: Entry, role: str) -> dict[str, str] | None:
    """The row's file signed in ``role``, if any."""
    return next((item for item in entry.files if item.get("ky") == role), None)


def signatures(entry: Entry) -> list[dict[str, str]]:
    """Each signed file of a row, in the order signed (role, signer, time, certificate serial, path)."""
    return [item for item in entry.files if "ky" in item]


def _profile(workspace: Path, agency: str) -> Any:
    profile, problems = load_agency(agency_profile(workspace, agency))
    if profile is None:
        raise UsageError(_("the agency profile has problems: run 'correspondence check'"), problems)
    return profile


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


def sign(workspace: Path, so_ky_hieu: str, role: str, signer: Any, agency: str | None = None, year: int | None = None,
         series: str | None = None, register_url: str | None = None) -> Signed:
    """Sign the issued PDF of ``so_ky_hieu`` as its signer (``role`` SIGNER) or as the agency (AGENCY) with ``signer``
    (a pyHanko ``Signer``: the key source); the signed file is written beside the original and recorded."""
    plan = plan_signature(workspace, so_ky_hieu, role, signer.signing_cert, agency, year, series, register_url)
    signed = sign_pdf(plan.data, signer, FIELD[role], plan.box, plan.picture)
    at = dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds")
    return record_signed(workspace, plan, signed, signer.signing_cert, at)


@dataclass(frozen=True)
class Plan:
    """What a signature in ``role`` is made on, all checked: the row, the file signed (its bytes), where the picture
    goes, the picture, the certificate's name, the signed file's path."""

    register: Any
    entry: Entry
    role: str
    source: dict[str, str]
    data: bytes
    box: placing.Box
    picture: Path
    name: str
    target: Path


def plan_signature(workspace: Path, so_ky_hieu: str, role: str, cert: Any, agency: str | None = None,
                   year: int | None = None, series: str | None = None, register_url: str | None = None) -> Plan:
    """Everything checked before a signature in ``role`` with the certificate ``cert`` (asn1crypto) is made: the row
    is issued and not yet signed so, the certificate is the signer's, the signer signed before the agency, the
    pictures and places on the page (the local signature and the remote one, ``remote.py``, share it)."""
    register, agency = open_register(workspace, agency, register_url)
    with register:
        entry = find_entry(register, agency, so_ky_hieu, year, series)
    if entry.status != "issued" or entry.pending:
        raise RegisterConflict(_("{number} is not an issued document with its files: it cannot be signed").format(
            number=entry.so_ky_hieu))
    if signed_file(entry, role) is not None:
        raise RegisterConflict(_("{number} is already signed ({role})").format(number=entry.so_ky_hieu, role=role))
    original = original_pdf(entry)
    name = common_name(cert)
    profile = _profile(workspace, agency)
    base = agency_profile(workspace, agency).parent
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
    else:
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
        box = placing.seal_box(_field_box(data, SIGNER_FIELD), size, picture_aspect(picture))
        source = before
    target = workspace / (source["path"][: -len(SUFFIX[SIGNER])] if role == AGENCY else source["path"][:-4])
    target = target.with_name(target.name + SUFFIX[role])
    return Plan(register, entry, role, source, data, box, picture, name, target)


def record_signed(workspace: Path, plan: Plan, signed: bytes, cert: Any, at: str) -> Signed:
    """Write the signed bytes beside the original and record them on the row (a pending remote request of that role,
    if any, is dropped with its prepared file)."""
    target, entry, role = plan.target, plan.entry, plan.role
    written = storage.store({target.name: signed}, target.parent, workspace)[0]
    item = {**written, "ky": role, "nguoi": plan.name, "luc": at, "serial": serial_hex(cert)}
    try:
        with plan.register:
            entry = plan.register.add_signed(entry.id, item)
    except BaseException:
        target.unlink(missing_ok=True)  # the file this call made, never another: nothing half-recorded is left
        raise
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


