"""A USB token for the tests: SoftHSM2 (Debian's ``softhsm2``), a test CA and keys made now with ``cryptography``.

One token store per test session: ``softhsm_tokens`` initialises two tokens in a temporary folder and loads them:

- ``ky-so``: one RSA key and its certificate (CN "Đặng Huy Hậu", issued by the test CA) plus the CA's certificate;
- ``hai-khoa``: two keys with their certificates, labelled ``nguoi-ky`` and ``co-quan``;
- ``co-quan``: the agency's key (CN "Ủy ban nhân dân tỉnh Quảng Ninh", the examples' agency).

When ``softhsm2-util`` or the module is missing, the fixture installs ``softhsm2`` with apt-get when it runs as root;
otherwise (or when apt fails) the tests are skipped, saying why.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.apt import installed

MODULE_PLACES = (
    Path("/usr/lib/softhsm/libsofthsm2.so"),
    Path("/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"),
    Path("/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so"),
)
PIN = "123456"
SO_PIN = "87654321"
SIGNER_CN = "Đặng Huy Hậu"
AGENCY_CN = "Ủy ban nhân dân tỉnh Quảng Ninh"


@dataclass
class Token:
    label: str
    slot_id: int
    slot_index: int
    key_labels: list[str]


@dataclass
class SoftHSM:
    module: Path
    ca_cert: object  # asn1crypto.x509.Certificate
    ca_pem: bytes
    tokens: dict[str, Token] = field(default_factory=dict)


def _module() -> Path | None:
    return next((place for place in MODULE_PLACES if place.is_file()), None)


def _ensure_softhsm() -> tuple[str, Path]:
    def present() -> str | None:
        util = shutil.which("softhsm2-util")
        return util if util and _module() else None

    util, why = installed(["softhsm2"], present)
    module = _module()
    if util is None or module is None:
        pytest.skip(f"SoftHSM2: {why}")
    return util, module


def _name(common_name: str):
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def certificate(subject: str, key, issuer: str, issuer_key, ca: bool):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    now = dt.datetime.now(dt.UTC)
    builder = (x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(_name(issuer))
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=365))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=not ca, content_commitment=not ca, key_encipherment=False,
                                            data_encipherment=False, key_agreement=False, key_cert_sign=ca,
                                            crl_sign=ca, encipher_only=False, decipher_only=False), critical=True))
    return builder.sign(issuer_key, hashes.SHA256())


def rsa_key():
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _store(session, label: str, key_id: bytes, key, cert) -> None:
    """The private key and its certificate as token objects, paired by ID and label as CA tools do."""
    from cryptography.hazmat.primitives import serialization
    from pkcs11 import Attribute
    from pkcs11.util.rsa import decode_rsa_private_key
    from pkcs11.util.x509 import decode_x509_certificate

    der_key = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption())
    attrs = decode_rsa_private_key(der_key)
    attrs.update({Attribute.TOKEN: True, Attribute.PRIVATE: True, Attribute.SENSITIVE: True, Attribute.SIGN: True,
                  Attribute.LABEL: label, Attribute.ID: key_id})
    session.create_object(attrs)
    cert_attrs = decode_x509_certificate(cert.public_bytes(serialization.Encoding.DER))
    cert_attrs.update({Attribute.TOKEN: True, Attribute.LABEL: label, Attribute.ID: key_id})
    session.create_object(cert_attrs)


@pytest.fixture(scope="session")
def softhsm(tmp_path_factory: pytest.TempPathFactory):
    """Three SoftHSM2 tokens loaded with test keys; SOFTHSM2_CONF points at them for the whole session."""
    util, module = _ensure_softhsm()
    pytest.importorskip("pkcs11", reason="python-pkcs11 is not installed (pip install 'pyhanko[pkcs11]')")
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization

    home = tmp_path_factory.mktemp("softhsm")
    (home / "tokens").mkdir()
    conf = home / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {home / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    before = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    try:
        layout = {"ky-so": [("dang-huy-hau", SIGNER_CN)],
                  "hai-khoa": [("nguoi-ky", SIGNER_CN), ("co-quan", "Ủy ban nhân dân tỉnh Thử Nghiệm")],
                  "co-quan": [("co-quan", AGENCY_CN)]}
        for label in layout:  # all tokens made before the module is loaded here: SoftHSM reads its folder once
            subprocess.run([util, "--init-token", "--free", "--label", label, "--so-pin", SO_PIN, "--pin", PIN],
                           check=True, capture_output=True, timeout=60)

        ca_key = rsa_key()
        ca = certificate("CA thử nghiệm", ca_key, "CA thử nghiệm", ca_key, ca=True)
        import pkcs11

        lib = pkcs11.lib(str(module.resolve()))
        state = SoftHSM(module=module, ca_cert=asn1_x509.Certificate.load(ca.public_bytes(serialization.Encoding.DER)),
                        ca_pem=ca.public_bytes(serialization.Encoding.PEM))
        slots = lib.get_slots()  # numbered as pkcs11-tool -L numbers them: every slot, an empty one too
        for index, slot in enumerate(slots):
            token = slot.get_token()
            keys = layout.get(token.label.strip())
            if keys is None:
                continue
            with token.open(rw=True, user_pin=PIN) as session:
                for number, (key_label, cn) in enumerate(keys, 1):
                    key = rsa_key()
                    _store(session, key_label, bytes([number]), key, certificate(cn, key, "CA thử nghiệm", ca_key, ca=False))
                if token.label.strip() == "ky-so":  # the CA's certificate rides on the token, as real ones do
                    from pkcs11.util.x509 import decode_x509_certificate

                    attrs = decode_x509_certificate(ca.public_bytes(serialization.Encoding.DER))
                    attrs.update({pkcs11.Attribute.TOKEN: True, pkcs11.Attribute.LABEL: "ca"})
                    session.create_object(attrs)
            state.tokens[token.label.strip()] = Token(token.label.strip(), slot.slot_id, index, [k for k, _ in keys])
        assert set(state.tokens) == set(layout), state.tokens
        yield state
    finally:
        if before is None:
            os.environ.pop("SOFTHSM2_CONF", None)
        else:
            os.environ["SOFTHSM2_CONF"] = before
