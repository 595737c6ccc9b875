"""Turn the key a signer names (a PKCS#12 file, or the USB token, PKCS#11, a CA hands an official) into a pyHanko
``Signer``: the signing commands take it as a parameter and never need to know which kind of key they hold. Every
failure to reach the key is a :class:`~correspondence.errors.SigningKeyError` saying what to fix (the PIN, the slot,
the key's label, the driver's path), never a traceback; nothing is signed then.

The PIN of a token and the password of a PKCS#12 file are never command-line arguments (the shell's history keeps
them, ``ps`` shows them). For the front end wiring ``--pkcs11 LIB --khe SLOT [--nhan LABEL]``: the api passes on
:func:`pkcs11_pin_from_environment` (``CORRESPONDENCE_PKCS11_PIN``); when it gives None, the CLI asks with
``click.prompt(..., hide_input=True)`` and hands the PIN to :func:`pkcs11_signer` through the api. Open the key
before a number is taken: every problem with it is found when it is opened.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from correspondence.errors import (
    Problem,
    SigningKeyAmbiguous,
    SigningKeyError,
    SigningKeyNotFound,
    SigningPinIncorrect,
    TokenLibraryNotFound,
    TokenSlotNotFound,
)
from correspondence.i18n import _

if TYPE_CHECKING:  # pyHanko and python-pkcs11 are heavy: imported where a key is opened
    from pyhanko.sign.signers import Signer

PKCS11_PIN_VARIABLE = "CORRESPONDENCE_PKCS11_PIN"


def pkcs11_pin_from_environment(environ: Mapping[str, str] | None = None) -> str | None:
    """The token's PIN from ``CORRESPONDENCE_PKCS11_PIN``; None when it is not set (then the front end asks)."""
    value = (os.environ if environ is None else environ).get(PKCS11_PIN_VARIABLE)
    return value if value else None


# --- a PKCS#12 file (.p12, .pfx) ------------------------------------------------------------------------------------


def p12_signer(path: Path, password: str) -> Signer:
    """A signer holding the key and certificates of a PKCS#12 file (.p12/.pfx) opened with ``password``."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12
    from pyhanko.sign.signers import SimpleSigner
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SigningKeyNotFound(_("cannot read the key file"), [Problem(
            str(path), "", error.strerror or str(error), _("check the path of the .p12 file"))]) from None
    try:
        key, cert, others = pkcs12.load_key_and_certificates(data, password.encode("utf-8") if password else None)
    except (ValueError, TypeError):
        raise SigningPinIncorrect(_("the password of the key file is wrong, or the file is not a .p12/.pfx file"), [Problem(
            str(path), "", _("the key and certificate cannot be opened with this password"),
            _("check the password; it is read from CORRESPONDENCE_P12_PASSWORD or asked for"))]) from None
    if key is None or cert is None:
        raise SigningKeyNotFound(_("the key file holds no key with its certificate"), [Problem(
            str(path), "", _("a .p12/.pfx file for signing holds one private key and its certificate"),
            _("export the key again from the CA's tool, with its certificate"))])
    der = serialization.Encoding.DER
    signing_cert = asn1_x509.Certificate.load(cert.public_bytes(der))
    chain = [asn1_x509.Certificate.load(other.public_bytes(der)) for other in others]
    signing_key = asn1_keys.PrivateKeyInfo.load(key.private_bytes(
        der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return SimpleSigner(signing_cert=signing_cert, signing_key=signing_key,
                        cert_registry=SimpleCertificateStore.from_certs([signing_cert, *chain]))  # type: ignore[no-untyped-call]


# --- a PKCS#11 token (the USB token of a CA) ------------------------------------------------------------------------


def pkcs11_signer(library: Path, slot: int, label: str | None, pin: str) -> Signer:
    """A signer using the key on the token in ``slot`` of the CA's PKCS#11 driver ``library`` (a .so or .dll).

    ``slot`` is the slot's ID (``softhsm2-util --show-slots``, the hex number ``pkcs11-tool -L`` shows in brackets)
    or, when no slot has that ID, its place in the driver's list counted from 0 (``pkcs11-tool -L``: "Slot 0").
    The key is the one whose label (or its certificate's label) is ``label``; without a label, the only key on the
    token. Everything is checked now, before anything is signed: the driver, the slot, the PIN, the key and its
    certificate. The token's session is closed once the signature is made; call ``close()`` (or use the signer in a
    ``with`` block) when it ends up not signing.
    """
    import pkcs11
    from pkcs11 import Attribute, ObjectClass
    from pkcs11.exceptions import PKCS11Error

    library = Path(library)
    where = str(library)
    if not library.is_file():
        raise TokenLibraryNotFound(_("the token's driver (PKCS#11 library) was not found"), [Problem(
            where, "--pkcs11", _("no such file"),
            _("give the path of the driver the CA installed: a .so file on Linux, a .dll file on Windows"))])
    try:
        module = pkcs11.lib(str(library.resolve()))
    except PKCS11Error as error:  # AlreadyInitialized: one driver per process
        raise TokenLibraryNotFound(_("the token's driver (PKCS#11 library) cannot be loaded"), [Problem(
            where, "--pkcs11", _describe(error), _("sign with one token driver at a time"))]) from None
    except RuntimeError as error:  # dlopen's own words: not a library, wrong architecture …
        raise TokenLibraryNotFound(_("the token's driver (PKCS#11 library) cannot be loaded"), [Problem(
            where, "--pkcs11", _describe(error), _("give the PKCS#11 driver (.so, .dll) the CA installed"))]) from None

    try:
        slots = module.get_slots()  # every slot, empty ones too: pkcs11-tool -L numbers them so
        tokens = [_token_or_none(each) for each in slots]
    except PKCS11Error as error:
        raise TokenSlotNotFound(_("the token's driver cannot list its slots"), [Problem(
            where, "--khe", _describe(error), _("plug the token in and try again"))]) from None
    place = next((place for place, each in enumerate(slots) if each.slot_id == slot), None)
    if place is None and 0 <= slot < len(slots):
        place = slot
    if place is None or tokens[place] is None:
        shown = ", ".join(f"{number} (ID {each.slot_id}: {token.label.strip()})"
                          for number, (each, token) in enumerate(zip(slots, tokens, strict=True)) if token) or _("none")
        raise TokenSlotNotFound(_("no token in slot {slot}").format(slot=slot), [Problem(
            where, "--khe", _("the slots holding a token are: {slots}").format(slots=shown),
            _("plug the token in; list the slots with pkcs11-tool -L"))])
    token = tokens[place]
    try:
        session = token.open(user_pin=pin)
    except (pkcs11.exceptions.PinIncorrect, pkcs11.exceptions.PinLenRange, pkcs11.exceptions.PinInvalid):
        raise SigningPinIncorrect(_("the token's PIN is wrong"), [Problem(
            f"{where}:{slot}", "PIN", _("the token refused the PIN; a few more wrong tries lock it"),
            _("check the PIN; it is read from CORRESPONDENCE_PKCS11_PIN or asked for"))]) from None
    except pkcs11.exceptions.PinLocked:
        raise SigningPinIncorrect(_("the token is locked: too many wrong PINs"), [Problem(
            f"{where}:{slot}", "PIN", _("the token accepts no PIN any more"),
            _("ask the CA to unlock it (with its SO PIN / PUK)"))]) from None
    except PKCS11Error as error:
        raise TokenSlotNotFound(_("the token in slot {slot} cannot be opened").format(slot=slot), [Problem(
            f"{where}:{slot}", "--khe", _describe(error), _("plug the token in again and try again"))]) from None

    try:
        signer = _open_key(session, token.label.strip(), where, slot, label, Attribute, ObjectClass)
    except BaseException:
        _close_quietly(session)
        raise
    return signer


def _open_key(session: Any, token_label: str, where: str, slot: int, label: str | None,
              Attribute: Any, ObjectClass: Any) -> Signer:
    """The signer of the key on the open ``session`` named ``label`` (or the only one), with its certificate."""
    from asn1crypto import x509 as asn1_x509
    from pkcs11.exceptions import PKCS11Error

    located = f"{where}:{slot} ({token_label})"
    try:
        keys = [(_text(obj[Attribute.LABEL]), bytes(obj[Attribute.ID] or b""))
                for obj in session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY})]
        certs = [(_text(obj[Attribute.LABEL]), bytes(obj[Attribute.ID] or b""), bytes(obj[Attribute.VALUE]))
                 for obj in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE})]
    except PKCS11Error as error:
        raise SigningKeyNotFound(_("the token's keys cannot be read"), [Problem(
            located, "", _describe(error), _("plug the token in again and try again"))]) from None

    def certificate_of(key_label: str, key_id: bytes) -> tuple[str, bytes, bytes] | None:
        by_id = [cert for cert in certs if key_id and cert[1] == key_id]
        by_label = [cert for cert in certs if key_label and cert[0] == key_label]
        found = by_id or by_label
        return found[0] if len(found) == 1 else None

    named = [key for key in keys if label is None or label in (key[0], (certificate_of(*key) or ("",))[0])]
    known = ", ".join(sorted({key[0] or key[1].hex() for key in keys})) or _("none")
    if not named:
        if label is None:
            raise SigningKeyNotFound(_("the token holds no signing key"), [Problem(
                located, "", _("no private key on the token"), _("check that this is the token the CA gave you"))])
        raise SigningKeyNotFound(_("the token holds no key labelled '{label}'").format(label=label), [Problem(
            located, "--nhan", _("the keys on the token are: {keys}").format(keys=known),
            _("give one of these labels; list them with pkcs11-tool -O"))])
    if len(named) > 1:
        raise SigningKeyAmbiguous(_("the token holds {count} keys: say which one signs").format(count=len(named)), [
            Problem(located, "--nhan", _("the keys on the token are: {keys}").format(keys=known),
                    _("give the key's label with --nhan"))])
    key_label, key_id = named[0]
    cert = certificate_of(key_label, key_id)
    if cert is None:
        raise SigningKeyNotFound(_("the token holds no certificate for the key '{label}'").format(
            label=key_label or key_id.hex()), [Problem(
                located, "--nhan", _("a key signs only with its certificate (same ID or label on the token)"),
                _("import the certificate the CA issued onto the token"))])
    signing_cert = asn1_x509.Certificate.load(cert[2])
    chain = [asn1_x509.Certificate.load(other[2]) for other in certs if other is not cert]
    chain = [each for each in chain if each.ca]  # the CA's certificates on the token, not other people's
    unique_id = bool(key_id) and sum(1 for key in keys if key[1] == key_id) == 1
    signer = _token_signer_class()(session, located, signing_cert=signing_cert, ca_chain=chain,
                          key_id=key_id if unique_id else None, key_label=None if unique_id else key_label)
    try:
        signer.signing_cert  # noqa: B018 - loads the key's handle now: a problem is said before anything is signed
    except PKCS11Error as error:
        raise SigningKeyNotFound(_("the token's key cannot be used"), [Problem(
            located, "--nhan", _describe(error), _("give the key's label with --nhan"))]) from None
    return signer  # type: ignore[no-any-return]


@cache
def _token_signer_class() -> type:
    from pyhanko.sign.pkcs11 import PKCS11Signer

    class TokenSigner(PKCS11Signer):
        """A PKCS11Signer owning its session: the session is closed once the signature is made, or by close()."""

        def __init__(self, session: Any, located: str, **options: Any) -> None:
            super().__init__(session, **options)
            self._located = located
            self._open = True

        async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
            if dry_run:  # pyHanko sizes the signature first; the token is not asked
                return bytes(await super().async_sign_raw(data, digest_algorithm, dry_run=True))
            if not self._open:
                raise SigningKeyError(_("the token was closed after its signature: open it again to sign again"), [
                    Problem(self._located, "", _("one opening of the token makes one signature"))])
            from pkcs11.exceptions import PKCS11Error

            try:
                return bytes(await super().async_sign_raw(data, digest_algorithm))
            except PKCS11Error as error:
                raise SigningKeyError(_("the token refused to sign"), [Problem(
                    self._located, "", _describe(error), _("keep the token plugged in and try again"))]) from None
            finally:
                self.close()

        def close(self) -> None:
            """End the session with the token (idempotent)."""
            if self._open:
                self._open = False
                _close_quietly(self.pkcs11_session)

        def __enter__(self) -> TokenSigner:
            return self

        def __exit__(self, *_exc: object) -> None:
            self.close()

    return TokenSigner


def _token_or_none(slot: Any) -> Any:
    """The token in ``slot``, None when the slot is empty."""
    from pkcs11.exceptions import TokenNotPresent, TokenNotRecognised

    try:
        return slot.get_token()
    except (TokenNotPresent, TokenNotRecognised):
        return None


def _close_quietly(session: Any) -> None:
    from pkcs11.exceptions import PKCS11Error

    try:
        session.close()
    except PKCS11Error:  # the token was pulled out: its session is gone with it
        pass


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value or "")


def _describe(error: BaseException) -> str:
    """A driver's failure in words: its message, else the name of the PKCS#11 code (``PinLocked``, ``NoSuchToken``)."""
    text = error.args[0] if error.args else ""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return str(text).strip() or type(error).__name__


def common_name(certificate: Any) -> str:
    """The subject's common name (CN) of an asn1crypto certificate ('' when it has none)."""
    return str(certificate.subject.native.get("common_name") or "")


def serial_hex(certificate: Any) -> str:
    """The certificate's serial number in hexadecimal, as certificate viewers show it."""
    return format(int(certificate.serial_number), "X")
