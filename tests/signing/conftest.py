"""Fixtures of the signing tests: a test CA with a signer's and an agency's certificate (made with cryptography at
test time, in PKCS#12 files), the pictures to sign with, and an agency profile that names them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PASSWORD = "mat-khau-thu"
SIGNER = "Đặng Huy Hậu"  # nguoi_ky.dang_huy_hau of examples/registers/ubnd-quang-ninh.yaml
AGENCY = "Ủy ban nhân dân tỉnh Quảng Ninh"  # the agency certificate's CN


@dataclass(frozen=True)
class Pki:
    """The test CA (its certificate as PEM in ``trust``), and PKCS#12 files of the signer, the agency, a stranger."""

    folder: Path
    trust: Path  # a folder holding only the CA's certificate
    signer: Path
    agency: Path
    stranger: Path  # a certificate of another person, from the same CA
    other_root: Path  # a folder holding another CA's certificate


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"), x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _ca(common: str) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(_name(common)).issuer_name(_name(common))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    return key, cert


def _leaf(common: str, ca_key: rsa.RSAPrivateKey, ca: x509.Certificate, path: Path) -> Path:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(_name(common)).issuer_name(ca.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=730))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        common.encode(), key, cert, [ca], serialization.BestAvailableEncryption(PASSWORD.encode())))
    return path


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    folder = tmp_path_factory.mktemp("pki")
    ca_key, ca = _ca("CA thử nghiệm")
    (folder / "tin-cay").mkdir()
    (folder / "tin-cay" / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    _other_key, other = _ca("CA khác")
    (folder / "khac").mkdir()
    (folder / "khac" / "ca.cer").write_bytes(other.public_bytes(serialization.Encoding.DER))
    return Pki(folder, folder / "tin-cay", _leaf(SIGNER, ca_key, ca, folder / "nguoi-ky.p12"),
               _leaf(AGENCY, ca_key, ca, folder / "co-quan.p12"), _leaf("Trần Văn Khác", ca_key, ca, folder / "khac.p12"),
               folder / "khac")


def signature_png(path: Path, size: tuple[int, int] = (300, 120), colour: tuple[int, int, int] = (20, 40, 200),
                  dpi: int | None = None, opaque: bool = False) -> Path:
    """A picture like a scanned signature: strokes on a transparent background."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", size, (255, 255, 255, 255 if opaque else 0))
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.line([(w * 0.1, h * 0.7), (w * 0.3, h * 0.2), (w * 0.5, h * 0.8), (w * 0.9, h * 0.3)], fill=(*colour, 255),
              width=max(2, h // 20))
    options = {"dpi": (dpi, dpi)} if dpi else {}
    image.save(path, "PNG", **options)
    return path


def seal_png(path: Path, pixels: int = 300, dpi: int | None = None) -> Path:
    """A red ring on a transparent background, like a scanned seal."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (pixels, pixels), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((4, 4, pixels - 4, pixels - 4), outline=(220, 20, 20, 255), width=pixels // 25)
    image.save(path, "PNG", **({"dpi": (dpi, dpi)} if dpi else {}))
    return path


@pytest.fixture
def signing_workspace(examples_workspace: Path) -> Path:
    """The examples' workspace whose profile names the signer's picture and the seal (36 mm)."""
    folder = examples_workspace / "registers"
    (folder / "chu-ky").mkdir()
    signature_png(folder / "chu-ky" / "dang-huy-hau.png")
    seal_png(folder / "con-dau.png")
    profile = folder / "ubnd-quang-ninh.yaml"
    text = profile.read_text("utf-8").replace(
        "    chuc_vu: Phó Chủ tịch\n", "    chuc_vu: Phó Chủ tịch\n    chu_ky: chu-ky/dang-huy-hau.png\n", 1)
    profile.write_text(text + "con_dau: con-dau.png\ncon_dau_mm: 36\n", "utf-8")
    return examples_workspace


# The fixtures other modules hold, declared here once: the session's SoftHSM2 tokens, one store per test process (a
# module taking the fixture by name would make a second store, which SoftHSM — reading its folder once per process —
# never sees); the B-T / B-LT test PKI (its OCSP responder, CRL and timestamp server on loopback).
from tests.signing.ltv_fixtures import responder  # noqa: E402, F401
from tests.signing.token_fixtures import softhsm  # noqa: E402, F401
