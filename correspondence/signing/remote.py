"""Turn an issued document into a signature made by a remote signing service (VNPT SmartCA, Viettel MySign …) in two
steps, minutes or days apart: the hash goes out, the raw signature comes back once the signer confirmed on a phone.

- :func:`prepare` (``sign SO --ky-nguoi --chuan-bi --chung-thu CERT.pem -o yeu-cau.json``): the same checks, field
  and widget as a local signature (``book.plan_signature``, ``signer.prepared_signer``); the PDF with its /Contents
  reserved is kept beside the issued one (``<stem>.ky.cho.pdf``, ``<stem>.ky-co-quan.cho.pdf``), the CMS signed
  attributes computed and kept with it in the row's files (the role ``cho_ky``), as a ``sign-pending`` event of the
  chain; the request (the SHA-256 digest of the DER-encoded signed attributes, base64 and hex) is written for the
  service. A second prepare replaces a pending one. The level asked (``--tsa URL``: B-T; ``--ltv``: B-LT) is
  recorded with the request; for B-LT the certificate's revocation is checked now (hard-fail).
- :func:`complete` (``sign SO --hoan-tat --chu-ky-b64 B64`` / ``--chu-ky FILE``): the raw RSA PKCS#1 v1.5 signature
  is checked against the prepared certificate's public key first (a wrong one is refused, nothing written, the
  request kept); then the CMS is built around it (with, for B-T, the signature timestamp fetched now: it covers
  the signature value), put into the reserved /Contents, for B-LT the validation data kept in the DSS after it
  (``signer.finish_signing``), and the signed file written and recorded as a local signature is
  (``book.record_signed``). A timestamp server or responder that does not answer: nothing written, the request kept.
- :class:`RemoteProvider`: one class per service (``request(hash, cert, document) -> request_id``,
  ``result(request_id) -> signature | None``), with :class:`LocalKeyProvider`, a provider signing with a key file (for
  the tests and for an office trying the flow); :func:`sign_with` drives both steps with one. No credentials here.

The issued original is never touched: the prepared PDF is a new file, the signed one another."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import io
import json
import os
import tempfile
import time
import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from correspondence import storage
from correspondence.errors import Problem, RegisterConflict, SignatureInvalid, SigningKeyNotFound, UsageError
from correspondence.i18n import _
from correspondence.register.queries import find_entry
from correspondence.registers import open_register
from correspondence.signing import book
from correspondence.signing.keys import serial_hex
from correspondence.signing.signer import Level, finish_signing, level_error, level_for, prepared_signer, reserved_bytes

ALGORITHM = "RSA-SHA256"  # what the service signs with: RSA, PKCS#1 v1.5 padding, over a SHA-256 digest
PENDING = ".cho.pdf"  # the prepared PDF: <stem>.ky.cho.pdf beside <stem>.ky.pdf


@dataclass(frozen=True)
class Request:
    """What :func:`prepare` made: the row, the prepared PDF, the request for the service (written to ``-o``)."""

    entry: Any
    role: str
    prepared: Path
    request: dict[str, str]
    path: Path | None


# --- the certificate ------------------------------------------------------------------------------------------------


def load_certificates(path: Path) -> list[Any]:
    """The certificates of a PEM file (one or several: the signer's and its CA's) or a DER file, the signer's first
    (the one that is no CA), as asn1crypto certificates; a clear error when there is none."""
    from asn1crypto import pem, x509

    where = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise SigningKeyNotFound(_("cannot read the certificate file"), [Problem(
            where, "--chung-thu", error.strerror or str(error), _("give the certificate the signing service issued "
                                                                 "(.pem, .cer, .crt)"))]) from None
    try:
        blobs = [der for _kind, _headers, der in pem.unarmor(data, multiple=True)] if pem.detect(data) else [data]
        certs = [x509.Certificate.load(blob) for blob in blobs]
        for cert in certs:
            cert.native  # noqa: B018 - parses it all now: a broken file is said here
    except (ValueError, TypeError):
        certs = []
    if not certs:
        raise SigningKeyNotFound(_("the file holds no certificate"), [Problem(
            where, "--chung-thu", _("a certificate in PEM or DER form was expected"),
            _("download the signer's certificate from the signing service (.pem, .cer, .crt)"))])
    leaves = [cert for cert in certs if not cert.ca]
    return [leaves[0], *[cert for cert in certs if cert is not leaves[0]]] if leaves else certs


def _external_signer(certs: list[Any], signature: bytes | None) -> Any:
    from pyhanko.sign.signers import ExternalSigner
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    size = (certs[0].public_key.bit_size + 7) // 8
    return ExternalSigner(certs[0], SimpleCertificateStore.from_certs(certs),  # type: ignore[no-untyped-call]
                          signature_value=signature if signature is not None else size)


def _now() -> str:
    return dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds")


# --- step 1: prepare ------------------------------------------------------------------------------------------------


def remote_level(external: Any, tsa: str | None, ltv: bool) -> Level:
    """The level a remote signature is made at (``--tsa URL``, ``--ltv``): for B-LT the certificate file must hold
    the chain up to its root CA (the revocation answers are fetched for that chain)."""
    if ltv and tsa and not any(cert.ca and cert.self_signed in ("yes", "maybe") for cert in external.cert_registry):
        raise UsageError(_("--ltv needs the signer's certificate chain up to its root CA: the certificate file holds "
                           "no root certificate"), [Problem("--chung-thu", "", _(
                               "give the certificate with its CA's chain (a .pem holding them all)"))])
    return level_for(external, tsa, ltv)


def prepare(workspace: Path, so_ky_hieu: str, role: str, certificate: Path, output: Path | None,
            agency: str | None = None, year: int | None = None, series: str | None = None,
            register_url: str | None = None, tsa: str | None = None, ltv: bool = False) -> Request:
    """Prepare the signature of ``so_ky_hieu`` in ``role`` by the holder of ``certificate``: the prepared PDF and
    the pending request recorded in the register, the request for the service written to ``output``.

    ``tsa`` (B-T) is recorded with the request: the timestamp covers the signature value, so it is fetched at
    :func:`complete`. ``ltv`` (B-LT, with ``tsa``): the certificate's revocation is checked now, hard-fail, as a
    local B-LT signature checks it (a revoked certificate gets no request), and again at complete, whose answers
    are kept in the PDF."""
    storage.refuse_archived(output, workspace)
    certs = load_certificates(certificate)
    external = _external_signer(certs, None)
    level = remote_level(external, tsa, ltv)
    plan = book.plan_signature(workspace, so_ky_hieu, role, certs[0], agency, year, series, register_url)
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    async def digest(scratch: Path) -> tuple[Any, bytes, bytes]:
        pdf_signer = prepared_signer(external, book.FIELD[role], plan.box, plan.picture, page=plan.page,
                                     stamp=plan.stamp, at=plan.at, level=level, scratch=scratch)
        writer = IncrementalPdfFileWriter(io.BytesIO(plan.data), strict=False)
        prep, _tbs, out = await pdf_signer.async_digest_doc_for_signing(writer, bytes_reserved=reserved_bytes(level))
        attrs = await external.signed_attrs(prep.document_digest, "sha256", use_pades=True)
        return prep, attrs.dump(), out.getvalue()

    at = plan.at.isoformat(timespec="seconds") if plan.at is not None else _now()  # the time a drawn text shows
    with tempfile.TemporaryDirectory(prefix="correspondence-sign-") as scratch:
        try:
            prep, attributes, prepared = asyncio.run(digest(Path(scratch)))
        except Exception as error:  # B-LT: the revocation answers, the timestamp server's chain
            if level.name == "B-B" or isinstance(error, UsageError):
                raise
            raise level_error(error, external, level) from None
    hashed = hashlib.sha256(attributes).digest()
    target = plan.target.with_name(plan.target.name[: -len(".pdf")] + PENDING)
    request = {"hash": base64.b64encode(hashed).decode(), "hash_hex": hashed.hex(), "thuat_toan": ALGORITHM,
               "van_ban": plan.entry.so_ky_hieu, "vai_tro": role, "nguoi_ky": plan.name,
               "serial": serial_hex(certs[0]), "luc": at, "muc": level.name}
    item = {"path": os.path.relpath(target, workspace), "sha256": storage.sha256(prepared), "cho_ky": role,
            "nguoi": plan.name, "luc": at, "serial": request["serial"], "hash": request["hash"],
            "thuoc_tinh": base64.b64encode(attributes).decode(),
            "chung_thu": [base64.b64encode(cert.dump()).decode() for cert in certs],
            "tom_luoc": prep.document_digest.hex(), "vung": [prep.reserved_region_start, prep.reserved_region_end],
            "muc": level.name, **({"tsa": level.tsa} if level.tsa else {})}
    files = {target: prepared}
    if output is not None:
        files[Path(output)] = (json.dumps(request, ensure_ascii=False, indent=2) + "\n").encode()
    staged = storage.stage(files)  # written and synced under temporary names: nothing is in place yet
    try:
        with plan.register:
            entry = plan.register.add_pending_signature(plan.entry.id, item)
    except BaseException:
        storage.discard(staged)
        raise
    for each in staged:  # the register holds the request: the files take their names
        os.replace(each.temporary, each.target)
    replaced = pending_request(plan.entry)
    if replaced is not None and workspace / replaced["path"] != target:
        (workspace / replaced["path"]).unlink(missing_ok=True)  # the register no longer claims it
    return Request(entry, role, target, request, Path(output) if output is not None else None)


def pending_request(entry: Any) -> dict[str, Any] | None:
    """The remote signature a row waits for (its prepared file, role, signer, the request's hash), if any."""
    return next((item for item in entry.files if "cho_ky" in item), None)


# --- step 2: complete -----------------------------------------------------------------------------------------------


def check_signature(certificate: Any, attributes: bytes, signature: bytes) -> bool:
    """Whether ``signature`` is the RSA PKCS#1 v1.5 signature of SHA-256(``attributes``) by ``certificate``'s key."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    key = load_der_public_key(certificate.public_key.dump())
    if not isinstance(key, rsa.RSAPublicKey):
        return False
    try:
        key.verify(signature, attributes, padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError):
        return False
    return True


def decode_signature(text: str) -> bytes:
    """A signature the service returned as base64 (or hex): its bytes; a clear error when it is neither."""
    cleaned = "".join(text.split())
    try:
        return base64.b64decode(cleaned, validate=True) if cleaned else b""
    except ValueError:
        try:
            return bytes.fromhex(cleaned)
        except ValueError:
            raise UsageError(_("the signature is neither base64 nor hexadecimal"), [Problem(
                "--chu-ky-b64", "", cleaned[:40], _("paste the signature value the signing service returned"))]) from None


def signature_from_file(path: Path) -> bytes:
    """The signature in a file: its raw bytes, or base64 or hex text (what a service's web page lets one save)."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise UsageError(_("cannot read the signature file"), [Problem(
            str(path), "--chu-ky", error.strerror or str(error), _("give the file the signing service returned"))]) from None
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        return data
    return decode_signature(text) if text.strip() and text.strip().isprintable() else data


def complete(workspace: Path, so_ky_hieu: str, signature: bytes, agency: str | None = None, year: int | None = None,
             series: str | None = None, register_url: str | None = None) -> book.Signed:
    """Complete the pending remote signature of ``so_ky_hieu`` with the raw ``signature`` the service returned:
    checked against the prepared certificate before anything is written; the signed file recorded as a local one."""
    from asn1crypto import x509

    register, agency = open_register(workspace, agency, register_url)
    with register:
        entry = find_entry(register, agency, so_ky_hieu, year, series)
    pending = pending_request(entry)
    if pending is None:
        raise RegisterConflict(_("{number} has no remote signature waiting to be completed").format(
            number=entry.so_ky_hieu), [Problem(entry.so_ky_hieu, "--hoan-tat", _(
                "first: correspondence sign {number} --ky-nguoi --chuan-bi --chung-thu CERT.pem -o yeu-cau.json")
                .format(number=entry.so_ky_hieu))])
    certs = [x509.Certificate.load(base64.b64decode(each)) for each in pending["chung_thu"]]
    attributes = base64.b64decode(pending["thuoc_tinh"])
    if not check_signature(certs[0], attributes, signature):
        raise SignatureInvalid(_("the signature does not match the request of {number}: it was not made by {signer}'s "
                                 "key over this request's hash").format(number=entry.so_ky_hieu,
                                                                       signer=pending["nguoi"]), [Problem(
            pending["path"], "", _("the request waits for the right signature (hash {hash})").format(
                hash=pending["hash"]), _("send the signature the service returned for this request; or prepare "
                                         "again with --chuan-bi"))])
    prepared = book._read_checked(workspace, entry, pending)
    plan = book.plan_signature(workspace, entry.so_ky_hieu, pending["cho_ky"], certs[0], agency, entry.year,
                               entry.series, register_url)
    external = _external_signer(certs, signature)
    level = level_for(external, pending.get("tsa"), pending.get("muc") == "B-LT")  # as asked at prepare
    start, end = pending["vung"]
    try:
        signed = asyncio.run(finish_signing(prepared, (start, end), bytes.fromhex(pending["tom_luoc"]), attributes,
                                            external, book.FIELD[plan.role], level, plan.data))
    except Exception as error:  # the timestamp server, the revocation answers: nothing written, the request kept
        if level.name == "B-B" or isinstance(error, UsageError):
            raise
        raise level_error(error, external, level) from None
    return book.record_signed(workspace, plan, signed, certs[0], pending["luc"], level)


# --- the services ---------------------------------------------------------------------------------------------------


class RemoteProvider(ABC):
    """A remote signing service: one subclass per service (its API, its way to name the signer). It is handed the
    digest to sign and answers with the raw RSA PKCS#1 v1.5 signature once the signer confirmed. Credentials are the
    office's: a subclass reads them from its own configuration, never from this project."""

    name = ""

    @abstractmethod
    def request(self, digest: bytes, certificate: Any, document: str) -> str:
        """Send the SHA-256 ``digest`` to sign for ``document`` (its số, ký hiệu) by the holder of ``certificate``
        (asn1crypto); the service's id of the request."""

    @abstractmethod
    def result(self, request_id: str) -> bytes | None:
        """The signature of the request, or None while the signer has not confirmed yet."""


@dataclass
class LocalKeyProvider(RemoteProvider):
    """A provider signing with a key file (.p12/.pfx) after ``delay`` seconds, as a service answers once its user
    confirmed: for trying the two steps without a service, and for the tests."""

    key: Path
    password: str
    delay: float = 0.0
    name = "thu-nghiem"
    _asked: dict[str, tuple[float, bytes]] = field(default_factory=dict, repr=False)

    def request(self, digest: bytes, certificate: Any, document: str) -> str:
        from cryptography.hazmat.primitives.serialization import pkcs12

        try:
            key, _cert, _others = pkcs12.load_key_and_certificates(
                Path(self.key).read_bytes(), self.password.encode() if self.password else None)
        except (OSError, ValueError, TypeError):
            raise SigningKeyNotFound(_("the test provider cannot open its key file"), [Problem(
                str(self.key), "", _("a .p12/.pfx file and its password were expected"),
                _("check the path of the .p12 file"))]) from None
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding, rsa, utils

        if not isinstance(key, rsa.RSAPrivateKey):
            raise SigningKeyNotFound(_("the test provider signs only with an RSA key"))
        signature = key.sign(digest, padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))
        request_id = uuid.uuid4().hex
        self._asked[request_id] = (time.monotonic() + self.delay, signature)
        return request_id

    def result(self, request_id: str) -> bytes | None:
        ready, signature = self._asked[request_id]
        return signature if time.monotonic() >= ready else None


def sign_with(provider: RemoteProvider, workspace: Path, so_ky_hieu: str, role: str, certificate: Path,
              agency: str | None = None, year: int | None = None, series: str | None = None,
              register_url: str | None = None, wait: float = 300.0, every: float = 2.0, tsa: str | None = None,
              ltv: bool = False) -> book.Signed:
    """Both steps with ``provider``: prepare, send the request, ask for its result every ``every`` seconds for at
    most ``wait`` seconds, complete. When the signer has not confirmed in time the request stays pending: complete
    it later with ``sign SO --hoan-tat`` once the service has the signature. ``tsa``, ``ltv``: the level (B-T, B-LT)
    as :func:`prepare` takes it."""
    made = prepare(workspace, so_ky_hieu, role, certificate, None, agency, year, series, register_url, tsa, ltv)
    certs = load_certificates(certificate)
    request_id = provider.request(base64.b64decode(made.request["hash"]), certs[0], made.entry.so_ky_hieu)
    deadline = time.monotonic() + wait
    while (signature := provider.result(request_id)) is None:
        if time.monotonic() >= deadline:
            raise RegisterConflict(_("{number}: the signer has not confirmed the request yet").format(
                number=made.entry.so_ky_hieu), [Problem(made.entry.so_ky_hieu, "", _(
                    "the request stays pending (request {id} at {service})").format(id=request_id, service=provider.name),
                    _("complete it with: correspondence sign {number} --hoan-tat --chu-ky-b64 …").format(
                        number=made.entry.so_ky_hieu))])
        time.sleep(every)
    return complete(workspace, made.entry.so_ky_hieu, signature, agency, made.entry.year, made.entry.series,
                    register_url)
