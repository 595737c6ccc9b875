"""Turn a signed PDF into what each of its signatures says: intact (the bytes it covers unchanged), valid (the
signature matches its certificate), trusted (its certificate chains to one in the trust folder), who signed and
when, what it covers, and whether anything was added after it (and if that is only what may follow a signature:
another signature, form filling) — read with pyHanko's validator. And the register's signed files into problems
(``register verify``: integrity, no trust needed)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from correspondence import storage
from correspondence.errors import Problem, UsageError
from correspondence.i18n import _
from correspondence.registers import open_register
from correspondence.signing import pyhanko
from correspondence.signing.keys import common_name, serial_hex
from correspondence.workspace import agencies, shown

CERTIFICATE_SUFFIXES = (".pem", ".crt", ".cer", ".der")


@dataclass(frozen=True)
class Checked:
    """One signature of a PDF, as validated."""

    field: str
    signer: str  # the certificate's subject common name
    serial: str
    issuer: str
    at: str | None  # the signing time the signer reported (ISO 8601), if any
    intact: bool
    valid: bool
    trusted: bool | None  # None: not asked (no trust folder)
    whole_file: bool  # it covers the file to its last byte
    after: str  # what was added after it: "" (nothing), "signatures" (only later signatures), "other"
    level: str = ""  # PAdES baseline level: "B-B", "B-T" (a signature timestamp), "B-LT" (and the validation data)

    @property
    def good(self) -> bool:
        return self.intact and self.valid and self.trusted is not False and self.after != "other"


def trust_roots(folder: Path) -> list[Any]:
    """The certificates (PEM or DER) in ``folder``; refused when there is none."""
    pyhanko()
    from asn1crypto import pem, x509

    if not folder.is_dir():
        raise UsageError(_("no folder {path}").format(path=shown(folder)))
    roots = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in CERTIFICATE_SUFFIXES or not path.is_file():
            continue
        data = path.read_bytes()
        try:
            blocks = [der for _kind, _headers, der in pem.unarmor(data, multiple=True)] if pem.detect(data) else [data]
            roots += [x509.Certificate.load(der) for der in blocks]
            for root in roots:
                root.native  # noqa: B018 - parse it now, so that a broken file is told here
        except (ValueError, TypeError):
            raise UsageError(_("{path} is not a certificate (PEM or DER)").format(path=shown(path))) from None
    if not roots:
        raise UsageError(_("no certificate (.pem, .crt, .cer, .der) in {path}").format(path=shown(folder)))
    return roots


def check_pdf(data: bytes, roots: list[Any] | None) -> list[Checked]:
    """Every signature of ``data`` in the order signed; ``roots``: the trusted certificates (None: trust not asked)."""
    module = pyhanko()
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except (PdfReadError, ValueError, KeyError) as error:
        raise UsageError(_("cannot read the PDF: {error}").format(error=error)) from None
    out = []
    for signature in embedded:
        context = ValidationContext(trust_roots=roots or [], allow_fetching=False)
        try:
            status = module.sign.validation.validate_pdf_signature(signature, context)
        except Exception:
            out.append(Checked(str(signature.field_name), "?", "?", "?", None, False, False,
                               None if roots is None else False, False, "other"))
            continue
        cert = status.signing_cert
        diff = status.diff_result
        level = getattr(diff, "modification_level", ModificationLevel.NONE) if diff is not None else (
            ModificationLevel.NONE if status.coverage == SignatureCoverageLevel.ENTIRE_FILE else ModificationLevel.OTHER)
        after = ("" if status.coverage == SignatureCoverageLevel.ENTIRE_FILE
                 else "signatures" if level <= ModificationLevel.FORM_FILLING and status.docmdp_ok is not False
                 else "other")
        when = status.signer_reported_dt
        out.append(Checked(
            str(signature.field_name), common_name(cert), serial_hex(cert),
            str(cert.issuer.native.get("common_name") or ""), when.isoformat(timespec="seconds") if when else None,
            bool(status.intact), bool(status.valid), None if roots is None else bool(status.trusted),
            status.coverage == SignatureCoverageLevel.ENTIRE_FILE, after, _level(reader, signature)))
    return out


def _level(reader: Any, signature: Any) -> str:
    """The PAdES baseline level of ``signature``: B-T when it carries a signature timestamp, B-LT when the PDF's
    document security store (DSS) also keeps its certificate with the revocation answers for it (an OCSP answer
    about it, or a CRL of its issuer; none needed when the certificate names no responder)."""
    if signature.attached_timestamp_data is None:
        return "B-B"
    from asn1crypto import crl as asn1_crl
    from asn1crypto import ocsp as asn1_ocsp
    from pyhanko.sign.validation.dss import DocumentSecurityStore
    from pyhanko.sign.validation.errors import NoDSSFoundError

    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return "B-T"
    cert = signature.signer_cert
    if cert.dump() not in {kept.dump() for kept in dss.load_certs()}:
        return "B-T"
    if not cert.ocsp_urls and not cert.crl_distribution_points:
        return "B-LT"
    for ref in dss.ocsps:
        answer = asn1_ocsp.OCSPResponse.load(ref.get_object().data)
        if answer["response_status"].native != "successful":
            continue
        for single in answer.basic_ocsp_response["tbs_response_data"]["responses"]:
            if single["cert_id"]["serial_number"].native == cert.serial_number:
                return "B-LT"
    for ref in dss.crls:
        if asn1_crl.CertificateList.load(ref.get_object().data).issuer == cert.issuer:
            return "B-LT"
    return "B-T"


def check_file(path: Path, trust: Path) -> list[Checked]:
    """Every signature of the PDF at ``path``, trusted against the certificates in the folder ``trust``."""
    if not path.is_file():
        raise UsageError(_("no file {path}").format(path=shown(path)))
    roots = trust_roots(trust)
    return check_pdf(path.read_bytes(), roots)


def problems_of(checked: list[Checked], where: str, expected: int) -> list[Problem]:
    """What is wrong with the signatures of a signed file of the register (``expected``: how many it should hold)."""
    problems = []
    if len(checked) < expected:
        problems.append(Problem(where, "", _("the signed file holds {found} signature(s), not {expected}").format(
            found=len(checked), expected=expected), _("restore it from a backup")))
    for item in checked:
        if not (item.intact and item.valid) or item.after == "other":
            problems.append(Problem(where, item.field, _(
                "the signature of {signer} is broken: the file was changed after it was signed").format(
                signer=item.signer), _("restore it from a backup")))
    return problems


def register_problems(workspace: Path, agency: str | None = None, register_url: str | None = None) -> list[Problem]:
    """The signatures of every signed file of the register, checked for integrity (``register verify``): a file the
    register's hash check already reports missing or changed is left to it. pyHanko is loaded only when there is one."""
    problems: list[Problem] = []
    for name in [agency] if agency else agencies(workspace):
        register, name = open_register(workspace, name, register_url)
        with register:
            entries = register.entries(name, stored=False)  # their files: not the record each keeps
        for entry in entries:
            signed = [item for item in entry.files if "ky" in item]
            for item in signed:
                if storage.check(item, workspace) is not None:
                    continue
                expected = expected_count(signed, item)
                where = f"{name}/{entry.year}/{entry.series}:{entry.number}"
                found = check_pdf((workspace / item["path"]).read_bytes(), None)
                problems += problems_of(found, f"{where} {item['path']}", expected)
    return problems


def expected_count(signed: list[dict[str, str]], item: dict[str, str]) -> int:
    """How many signatures the signed file ``item`` of a row holds (``signed``: the row's signed files, in order):
    as recorded (``so_chu_ky``), else by the order of the document's roles (an annex's file apart: its own one)."""
    if "so_chu_ky" in item:
        return int(item["so_chu_ky"])
    roles = [s["ky"] for s in signed if "phu_luc" not in s]
    return 1 + roles.index(item["ky"]) if item["ky"] in roles else 1


SIGNED, SIGNER_ONLY, BROKEN = "da_ky", "nguoi_ky", "khong_hop_le"


def entry_state(workspace: Path, entry: Any) -> str:
    """Where a register row stands with its signatures, from the files themselves (not the record alone):
    ``SIGNED`` (the electronic original: the agency's signature on it — on top of its signer's, except an electronic
    copy's — and every signature of the row's files verifies), ``SIGNER_ONLY`` (its signer's signature verifies, the
    agency has not signed yet), ``BROKEN`` (a signed file missing, changed, or a signature that does not verify),
    ``""`` (not signed)."""
    signed = [item for item in entry.files if "ky" in item]
    if not signed:
        return ""
    for item in signed:
        if storage.check(item, workspace) is not None:
            return BROKEN
        expected = expected_count(signed, item)
        if problems_of(check_pdf((workspace / item["path"]).read_bytes(), None), item["path"], expected):
            return BROKEN
    return SIGNED if any(s["ky"] == "co_quan" and "phu_luc" not in s for s in signed) else SIGNER_ONLY
