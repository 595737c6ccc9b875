"""The test PKI of PAdES B-T / B-LT: a CA whose certificates name a revocation responder (an OCSP responder and a
CRL served in this process on loopback), its RFC 3161 timestamp server, and the PKCS#12 files of its certificates
(the ``responder`` fixture, declared in conftest.py; used by test_ltv.py and test_remote_levels.py)."""

from __future__ import annotations

import datetime as dt
import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

from tests.signing.conftest import AGENCY, PASSWORD, SIGNER

DEAD = "http://127.0.0.1:9"  # the discard port: nothing answers there


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"), x509.NameAttribute(NameOID.COMMON_NAME, common)])


@dataclass
class Responder:
    """The test CA of B-LT, its OCSP responder and CRL on loopback (``url``), the PKCS#12 files of its certificates:
    the signer's (OCSP), the agency's (CRL), a revoked one of the signer, one whose responder does not answer."""

    url: str
    trust: Path
    signer: Path
    agency: Path
    revoked: Path
    unreachable: Path
    tsa: http.server.ThreadingHTTPServer
    requests: list[str]
    tsa_identity: tuple[x509.Certificate, rsa.RSAPrivateKey, x509.Certificate]  # its certificate, key, CA

    @property
    def tsa_url(self) -> str:
        return f"http://127.0.0.1:{self.tsa.server_address[1]}/"

    def timestamp_server(self, port: int = 0) -> http.server.ThreadingHTTPServer:
        """Another timestamp server with the same certificate, on ``port`` (0: a free one): one a test may stop and
        start again (the caller shuts it down)."""
        return _tsa(*self.tsa_identity, port=port)


class _Pki:
    def __init__(self, folder: Path, base: str) -> None:
        now = dt.datetime.now(dt.UTC)
        self.folder, self.base, self.now = folder, base, now
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.ca = (x509.CertificateBuilder().subject_name(_name("CA thử nghiệm LTV"))
                   .issuer_name(_name("CA thử nghiệm LTV")).public_key(self.key.public_key())
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=3650))
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False,
                                                key_encipherment=False, data_encipherment=False, key_agreement=False,
                                                key_cert_sign=True, crl_sign=True, encipher_only=False,
                                                decipher_only=False), critical=True)
                   .add_extension(x509.SubjectKeyIdentifier.from_public_key(self.key.public_key()), critical=False)
                   .sign(self.key, hashes.SHA256()))
        self.issued: dict[int, x509.Certificate] = {}
        self.revoked: set[int] = set()

    def leaf(self, common: str, file: str, *, ocsp_url: str | None = None, crl_url: str | None = None,
             usage: ExtendedKeyUsageOID | None = None) -> tuple[Path, x509.Certificate, rsa.RSAPrivateKey]:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        builder = (x509.CertificateBuilder().subject_name(_name(common)).issuer_name(self.ca.subject)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(self.now - dt.timedelta(days=1))
                   .not_valid_after(self.now + dt.timedelta(days=730))
                   .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()),
                                  critical=False))
        if usage == ExtendedKeyUsageOID.TIME_STAMPING:
            builder = builder.add_extension(x509.ExtendedKeyUsage([usage]), critical=True)
        else:
            builder = (builder.add_extension(x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_encipherment=False, data_encipherment=False,
                key_agreement=False, key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False),
                critical=True).add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]),
                                             critical=False))
        if ocsp_url:
            builder = builder.add_extension(x509.AuthorityInformationAccess([x509.AccessDescription(
                AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(ocsp_url))]), critical=False)
        if crl_url:
            builder = builder.add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
                [x509.UniformResourceIdentifier(crl_url)], None, None, None)]), critical=False)
        cert = builder.sign(self.key, hashes.SHA256())
        self.issued[cert.serial_number] = cert
        path = self.folder / file
        path.write_bytes(pkcs12.serialize_key_and_certificates(
            common.encode(), key, cert, [self.ca], serialization.BestAvailableEncryption(PASSWORD.encode())))
        return path, cert, key

    def crl(self) -> bytes:
        builder = (x509.CertificateRevocationListBuilder().issuer_name(self.ca.subject)
                   .last_update(self.now - dt.timedelta(hours=1)).next_update(self.now + dt.timedelta(days=7)))
        for serial in sorted(self.revoked):
            builder = builder.add_revoked_certificate(x509.RevokedCertificateBuilder().serial_number(serial)
                                                      .revocation_date(self.now - dt.timedelta(hours=2)).build())
        return builder.sign(self.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

    def ocsp_answer(self, body: bytes) -> bytes:
        request = ocsp.load_der_ocsp_request(body)
        cert = self.issued.get(request.serial_number)
        if cert is None:
            return ocsp.OCSPResponseBuilder.build_unsuccessful(ocsp.OCSPResponseStatus.UNAUTHORIZED).public_bytes(
                serialization.Encoding.DER)
        revoked = request.serial_number in self.revoked
        now = dt.datetime.now(dt.UTC)
        builder = ocsp.OCSPResponseBuilder().add_response(
            cert=cert, issuer=self.ca, algorithm=request.hash_algorithm,
            cert_status=ocsp.OCSPCertStatus.REVOKED if revoked else ocsp.OCSPCertStatus.GOOD,
            this_update=now - dt.timedelta(minutes=5), next_update=now + dt.timedelta(days=1),
            revocation_time=self.now - dt.timedelta(hours=2) if revoked else None,
            revocation_reason=x509.ReasonFlags.key_compromise if revoked else None,
        ).responder_id(ocsp.OCSPResponderEncoding.HASH, self.ca)
        for extension in request.extensions:
            if isinstance(extension.value, x509.OCSPNonce):
                builder = builder.add_extension(extension.value, critical=False)
        return builder.sign(self.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def _serve(handler: type[http.server.BaseHTTPRequestHandler], port: int = 0) -> http.server.ThreadingHTTPServer:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _tsa(cert: x509.Certificate, key: rsa.RSAPrivateKey, ca: x509.Certificate,
         port: int = 0) -> http.server.ThreadingHTTPServer:
    """An RFC 3161 timestamp server on loopback whose certificate the test CA issued (as a CA's own TSA)."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import tsp
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    def der(c: x509.Certificate) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))

    stamper = DummyTimeStamper(tsa_cert=der(cert), tsa_key=asn1_keys.PrivateKeyInfo.load(key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())),
        certs_to_embed=[der(ca)])

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            _answer(self, stamper.request_tsa_response(request).dump(), "application/timestamp-reply")

        def log_message(self, *_args: Any) -> None:
            pass

    return _serve(Handler, port)


def _answer(handler: http.server.BaseHTTPRequestHandler, body: bytes, kind: str) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", kind)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


@pytest.fixture(scope="module")
def responder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Responder]:
    folder = tmp_path_factory.mktemp("pki-ltv")
    requests: list[str] = []
    pki: _Pki

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # OCSP
            requests.append("ocsp")
            body = self.rfile.read(int(self.headers["Content-Length"]))
            _answer(self, pki.ocsp_answer(body), "application/ocsp-response")

        def do_GET(self) -> None:  # the CRL
            requests.append("crl")
            _answer(self, pki.crl(), "application/pkix-crl")

        def log_message(self, *_args: Any) -> None:
            pass

    server = _serve(Handler)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    pki = _Pki(folder, url)
    (folder / "tin-cay").mkdir()
    (folder / "tin-cay" / "ca.pem").write_bytes(pki.ca.public_bytes(serialization.Encoding.PEM))
    signer = pki.leaf(SIGNER, "nguoi-ky.p12", ocsp_url=f"{url}/ocsp")[0]
    agency = pki.leaf(AGENCY, "co-quan.p12", crl_url=f"{url}/ca.crl")[0]
    revoked = pki.leaf(SIGNER, "thu-hoi.p12", ocsp_url=f"{url}/ocsp")
    pki.revoked.add(revoked[1].serial_number)
    unreachable = pki.leaf(SIGNER, "khong-toi.p12", ocsp_url=f"{DEAD}/ocsp")[0]
    _path, tsa_cert, tsa_key = pki.leaf("TSA thử nghiệm LTV", "tsa.p12", usage=ExtendedKeyUsageOID.TIME_STAMPING)
    tsa = _tsa(tsa_cert, tsa_key, pki.ca)
    try:
        yield Responder(url, folder / "tin-cay", signer, agency, revoked[0], unreachable, tsa, requests,
                        (tsa_cert, tsa_key, pki.ca))
    finally:
        tsa.shutdown()
        tsa.server_close()
        server.shutdown()
        server.server_close()
