"""Turn the signing commands into calls of the signing book: sign an issued document with a PKCS#12 file (the
signer's or the agency's certificate), verify the signatures of a PDF, the signatures a register row records.

Loaded only by the commands that sign or verify (``api.MODULES``): pyHanko stays out of every other command."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from correspondence.archive.package import originals
from correspondence.errors import Problem, UsageError
from correspondence.i18n import _
from correspondence.register.store import Entry
from correspondence.signing import book, keys, remote, verifying
from correspondence.signing.book import AGENCY, SIGNER, Signed
from correspondence.signing.remote import Request
from correspondence.signing.signer import level_for
from correspondence.signing.verifying import Checked
from correspondence.workspace import find_root

__all__ = ["AGENCY", "REMOTE_PROVIDERS", "SIGNER", "Checked", "Request", "Signed", "Token", "complete_remote_signature",
           "entry_signatures", "package_signature_problems", "pending_signature", "pkcs11_pin_from_environment",
           "prepare_remote_signature", "received_signatures", "sign", "sign_annexes", "sign_remotely",
           "signature_problems", "signature_state", "verify_signature"]

pkcs11_pin_from_environment = keys.pkcs11_pin_from_environment


@dataclass(frozen=True)
class Token:
    """A USB token: the CA's PKCS#11 driver, the slot it is in, the key's label (when it holds several), its PIN."""

    library: Path
    slot: int
    label: str | None
    pin: str


def _open(p12: Path | None, password: str | None, token: Token | None) -> Any:
    if token is not None:
        return keys.pkcs11_signer(token.library, token.slot, token.label, token.pin)
    if p12 is not None:
        return keys.p12_signer(p12, password or "")
    raise UsageError(_("name the key: --p12 FILE or --pkcs11 LIB --khe SLOT"))


def _close(signer: Any) -> None:
    close = getattr(signer, "close", None)
    if close is not None:
        close()


def sign(workspace: Path | None, so_ky_hieu: str, role: str, p12: Path | None, password: str | None,
         agency: str | None = None, year: int | None = None, series: str | None = None,
         register_url: str | None = None, token: Token | None = None, tsa: str | None = None,
         ltv: bool = False) -> Signed:
    """Sign an issued document as its signer (``SIGNER``) or as the agency (``AGENCY``) with a PKCS#12 file or a
    USB token (``token``): the key is opened first, so a wrong password or PIN signs and records nothing.
    ``tsa``: the URL of a timestamp server (PAdES B-T); ``ltv``: keep the revocation answers (B-LT)."""
    signer = _open(p12, password, token)
    try:
        level = level_for(signer, tsa, ltv)
        return book.sign(workspace or find_root(), so_ky_hieu, role, signer, agency, year, series, register_url,
                         level)
    finally:
        _close(signer)


def sign_annexes(workspace: Path | None, so_ky_hieu: str, p12: Path | None, password: str | None,
                 agency: str | None = None, year: int | None = None, series: str | None = None,
                 register_url: str | None = None, token: Token | None = None, tsa: str | None = None,
                 ltv: bool = False) -> list[Signed]:
    """The agency's signature on every annex of the document issued in a file of its own and not signed yet (no
    picture: the number and the signing time at the top right of page 1). The key is opened for each file (a
    token signs once per opening)."""
    workspace = workspace or find_root()
    paths = book.annexes_to_sign(workspace, so_ky_hieu, agency, year, series, register_url)
    done = []
    for path in paths:
        signer = _open(p12, password, token)
        try:
            level = level_for(signer, tsa, ltv)
            done.append(book.sign_annex(workspace, so_ky_hieu, path, signer, agency, year, series, register_url,
                                        level))
        finally:
            _close(signer)
    return done


REMOTE_PROVIDERS = ("thu-nghiem",)  # the services ``sign --tu-xa`` drives; thu-nghiem: the local test provider


def prepare_remote_signature(workspace: Path | None, so_ky_hieu: str, role: str, certificate: Path,
                             output: Path | None, agency: str | None = None, year: int | None = None,
                             series: str | None = None, register_url: str | None = None, tsa: str | None = None,
                             ltv: bool = False) -> Request:
    """Step 1 of a remote signature: the prepared PDF and the pending request in the register, the request for the
    signing service (the hash of the CMS signed attributes) written to ``output``. ``tsa`` (B-T) and ``ltv`` (B-LT)
    are recorded with the request: the timestamp and the revocation answers are fetched when it is completed."""
    return remote.prepare(workspace or find_root(), so_ky_hieu, role, certificate, output, agency, year, series,
                          register_url, tsa, ltv)


def complete_remote_signature(workspace: Path | None, so_ky_hieu: str, signature: str | None = None,
                              signature_file: Path | None = None, agency: str | None = None, year: int | None = None,
                              series: str | None = None, register_url: str | None = None) -> Signed:
    """Step 2: the raw RSA signature the service returned (base64 or hex text, or a file holding it, raw or as
    text), checked against the prepared certificate, completes the signature; the signed file written and recorded."""
    if (signature is None) == (signature_file is None):
        raise UsageError(_("give the signature: --chu-ky-b64 B64 or --chu-ky FILE"))
    value = remote.decode_signature(signature) if signature is not None else remote.signature_from_file(
        signature_file)  # type: ignore[arg-type]
    return remote.complete(workspace or find_root(), so_ky_hieu, value, agency, year, series, register_url)


def sign_remotely(workspace: Path | None, so_ky_hieu: str, role: str, certificate: Path, provider: str,
                  p12: Path | None, password: str | None, agency: str | None = None, year: int | None = None,
                  series: str | None = None, register_url: str | None = None, wait: float = 300.0,
                  tsa: str | None = None, ltv: bool = False) -> Signed:
    """Both steps with a signing service (``thu-nghiem``: the test provider, signing with the .p12 file ``p12``)."""
    if provider != "thu-nghiem":
        raise UsageError(_("unknown signing service '{name}': the services are {names}").format(
            name=provider, names=", ".join(REMOTE_PROVIDERS)))
    if p12 is None:
        raise UsageError(_("the test signing service signs with a key file: give --p12 FILE"))
    service = remote.LocalKeyProvider(p12, password or "")
    return remote.sign_with(service, workspace or find_root(), so_ky_hieu, role, certificate, agency, year, series,
                            register_url, wait, tsa=tsa, ltv=ltv)


def pending_signature(entry: Entry) -> dict[str, str] | None:
    """The remote signature a register row waits for (role ``cho_ky``, signer, time, the request's hash), if any."""
    return remote.pending_request(entry)


def verify_signature(path: Path, trust: Path) -> list[Checked]:
    """Every signature of a PDF: intact, valid, trusted against the certificates in ``trust``, who, when, coverage."""
    return verifying.check_file(path, trust)


def received_signatures(files: list[Path], trust: Path | None) -> list[tuple[Path, list[Checked]]]:
    """The signatures of each PDF received (an envelope's attachments as kept): intact, valid, and trusted against
    the certificates in ``trust`` (None: trust not asked)."""
    roots = verifying.trust_roots(trust) if trust is not None else None
    return [(path, verifying.check_pdf(path.read_bytes(), roots)) for path in files if path.suffix.lower() == ".pdf"]


def entry_signatures(entry: Entry) -> list[dict[str, str]]:
    """The signed files a register row records (role, signer, time, certificate serial, path), in order."""
    return book.signatures(entry)


def signature_problems(workspace: Path | None, agency: str | None = None,
                       register_url: str | None = None) -> list[Problem]:
    """The signatures of the register's signed files, checked for integrity."""
    return verifying.register_problems(workspace or find_root(), agency, register_url)


def package_signature_problems(path: Path) -> list[Problem]:
    """The signatures of the originals a hand-over package carries, checked for integrity (``package check``)."""
    problems: list[Problem] = []
    for name, data in originals(path):
        if b"/ByteRange" not in data:  # an original never signed: nothing to verify, pyHanko not loaded
            continue
        problems += verifying.problems_of(verifying.check_pdf(data, None), f"{path.name}/{name}", 0)
    return problems


def signature_state(workspace: Path | None, entry: Entry) -> str:
    """"da_ky" only when the row's signatures verify (the agency's included), "nguoi_ky" when only its signer's
    does, "khong_hop_le" when one does not, "" when it is not signed."""
    return verifying.entry_state(workspace or find_root(), entry)
