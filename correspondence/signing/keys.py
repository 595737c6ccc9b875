"""Turn a key source into the pyHanko ``Signer`` that signs a document: a PKCS#12 file (.p12, .pfx) with its password.

The rest of the signing book takes any ``Signer``: other sources (a token through PKCS#11, a remote service) add a
function here that returns one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from correspondence.errors import Problem, UsageError
from correspondence.i18n import _
from correspondence.workspace import shown

PASSWORD_ENV = "CORRESPONDENCE_P12_PASSWORD"


def p12_signer(path: Path, password: bytes | str | None) -> Any:
    """The signer of a PKCS#12 file (its key, its certificate and the chain it carries); refused, said in words, when
    the file is missing, not PKCS#12, or the password is wrong."""
    from pyhanko.sign import signers

    if not path.is_file():
        raise UsageError(_("no certificate file {path}").format(path=shown(path)))
    secret = password.encode() if isinstance(password, str) else password
    try:
        signer = signers.SimpleSigner.load_pkcs12(str(path), passphrase=secret or None)  # type: ignore[no-untyped-call]
    except (ValueError, TypeError, OSError):
        signer = None
    if signer is None or signer.signing_cert is None:
        raise UsageError(_("cannot open the certificate file {path}: wrong password, or not a PKCS#12 file (.p12, .pfx)")
                         .format(path=shown(path)), [Problem(shown(path), "", _(
                             "give the password in {variable} or when asked").format(variable=PASSWORD_ENV))])
    return signer


def common_name(certificate: Any) -> str:
    """The subject's common name (CN) of an asn1crypto certificate ('' when it has none)."""
    return str(certificate.subject.native.get("common_name") or "")


def serial_hex(certificate: Any) -> str:
    """The certificate's serial number in hexadecimal, as certificate viewers show it."""
    return format(int(certificate.serial_number), "X")
