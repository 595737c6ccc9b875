"""PAdES B-LT (``sign … --tsa URL --ltv``) for real: a test PKI whose certificates name a revocation responder (an
OCSP responder and a CRL served in this process on loopback), the revocation answers kept in the PDF's DSS and
checked with pyHanko's LTV validator, the PDF still PDF/A-3b; a revoked certificate and a responder that does not
answer refused with nothing written; ``verify-signature`` telling the level."""

from __future__ import annotations

import datetime as dt
import http.server
import io
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

from correspondence import api
from correspondence.cli import main
from correspondence.errors import ExitStatus, SigningLevelError
from tests.render.test_pdfa import structural_problems
from tests.signing import token_fixtures
from tests.signing.conftest import AGENCY, PASSWORD, SIGNER
from tests.signing.test_sign_forms import AGENCY_ID, _annex, _assert_drawn, _issue

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

    @property
    def tsa_url(self) -> str:
        return f"http://127.0.0.1:{self.tsa.server_address[1]}/"


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


def _serve(handler: type[http.server.BaseHTTPRequestHandler]) -> http.server.ThreadingHTTPServer:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _tsa(cert: x509.Certificate, key: rsa.RSAPrivateKey, ca: x509.Certificate) -> http.server.ThreadingHTTPServer:
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

    return _serve(Handler)


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
        yield Responder(url, folder / "tin-cay", signer, agency, revoked[0], unreachable, tsa, requests)
    finally:
        tsa.shutdown()
        server.shutdown()


def _files(workspace: Path) -> dict[str, bytes]:
    return {str(p.relative_to(workspace)): p.read_bytes() for p in sorted(workspace.rglob("*"))
            if p.is_file() and ".sqlite" not in p.name and "registers" not in p.parts}


def _sign(number: str, role: str, p12: Path, *extra: str) -> Any:
    return CliRunner().invoke(main, ["--lang", "vi", "sign", number, role, "--p12", str(p12), "--co-quan", AGENCY_ID,
                                     *extra], env={"CORRESPONDENCE_P12_PASSWORD": PASSWORD})


def _roots(trust: Path) -> list[Any]:
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509

    return [asn1_x509.Certificate.load(pem.unarmor(p.read_bytes())[2]) for p in sorted(trust.iterdir())]


def _ltv_statuses(path: Path, trust: Path) -> list[Any]:
    """Each signature validated as PAdES B-LT: the revocation answers taken from the DSS only (no fetching)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import RevocationInfoValidationType, validate_pdf_ltv_signature

    reader = PdfFileReader(io.BytesIO(path.read_bytes()))
    return [validate_pdf_ltv_signature(sig, RevocationInfoValidationType.PADES_LT,
                                       {"trust_roots": _roots(trust), "allow_fetching": False,
                                        "ocsps": [], "crls": []})
            for sig in reader.embedded_signatures]


def test_b_lt_keeps_the_ocsp_answers_and_crls_in_the_dss(signing_workspace: Path, responder: Responder) -> None:
    import pikepdf

    entry = _issue(signing_workspace, None)
    ran = _sign(entry.so_ky_hieu, "--ky-nguoi", responder.signer, "--tsa", responder.tsa_url, "--ltv")
    assert ran.exit_code == 0, ran.output
    ran = _sign(entry.so_ky_hieu, "--ky-co-quan", responder.agency, "--tsa", responder.tsa_url, "--ltv")
    assert ran.exit_code == 0, ran.output
    row = api.register_show(signing_workspace, entry.so_ky_hieu, AGENCY_ID)
    first, second = (signing_workspace / s["path"] for s in api.entry_signatures(row))
    assert [s["muc"] for s in api.entry_signatures(row)] == ["B-LT", "B-LT"]
    assert {"ocsp", "crl"} <= set(responder.requests)

    with pikepdf.open(first) as pdf:  # the signer's certificate: its OCSP answer, the chain
        dss = pdf.Root.DSS
        assert len(dss.OCSPs) >= 1 and len(dss.Certs) >= 2
    with pikepdf.open(second) as pdf:  # then the agency's: its CRL as well
        dss = pdf.Root.DSS
        assert len(dss.OCSPs) >= 1 and len(dss.CRLs) >= 1 and len(dss.Certs) >= 3
    signer_status, agency_status = _ltv_statuses(second, responder.trust)
    for status in (signer_status, agency_status):
        assert status.intact and status.valid and status.trusted, status.summary()
        assert status.timestamp_validity is not None and status.timestamp_validity.valid
    assert signer_status.signing_cert.subject.native["common_name"] == SIGNER
    assert structural_problems(first) == [] and structural_problems(second) == []
    assert api.register_verify(signing_workspace, AGENCY_ID).problems == []

    ran = CliRunner().invoke(main, ["--lang", "vi", "verify-signature", str(second), "--tin-cay", str(responder.trust)])
    assert ran.exit_code == 0, ran.output
    assert ran.output.count("mức chữ ký: PAdES B-LT") == 2, ran.output


def test_verify_signature_tells_each_signature_s_level(signing_workspace: Path, responder: Responder) -> None:
    """The signer's B-LT, then the agency's B-T (its certificate in the DSS, no answer about it), then a B-B one."""
    entry = _issue(signing_workspace, None)
    assert _sign(entry.so_ky_hieu, "--ky-nguoi", responder.signer, "--tsa", responder.tsa_url, "--ltv").exit_code == 0
    assert _sign(entry.so_ky_hieu, "--ky-co-quan", responder.agency, "--tsa", responder.tsa_url).exit_code == 0
    plain = api.issue([signing_workspace / "examples" / "cong-van-3018.yaml"], signing_workspace, lai=True)[0].entry
    assert _sign(plain.so_ky_hieu, "--ky-nguoi", responder.signer).exit_code == 0
    paths = [signing_workspace / s["path"] for number in (entry.so_ky_hieu, plain.so_ky_hieu)
             for s in api.entry_signatures(api.register_show(signing_workspace, number, AGENCY_ID))]

    def levels(path: Path) -> list[str]:
        ran = CliRunner().invoke(main, ["--lang", "vi", "verify-signature", str(path), "--tin-cay",
                                        str(responder.trust)])
        assert ran.exit_code == 0, ran.output
        return [line.split("PAdES ")[1] for line in ran.output.splitlines() if "mức chữ ký: PAdES" in line]

    assert levels(paths[0]) == ["B-LT"]
    assert levels(paths[1]) == ["B-LT", "B-T"]
    assert levels(paths[2]) == ["B-B"]


def test_a_revoked_certificate_does_not_sign(signing_workspace: Path, responder: Responder) -> None:
    entry = _issue(signing_workspace, None)
    before = _files(signing_workspace)
    ran = _sign(entry.so_ky_hieu, "--ky-nguoi", responder.revoked, "--tsa", responder.tsa_url, "--ltv")
    assert ran.exit_code == ExitStatus.SIGNATURE, ran.output
    assert "đã bị thu hồi" in ran.output and SIGNER in ran.output and "Traceback" not in ran.output, ran.output
    assert _files(signing_workspace) == before  # the original untouched, nothing beside it
    assert api.entry_signatures(api.register_show(signing_workspace, entry.so_ky_hieu, AGENCY_ID)) == []


def test_a_responder_that_does_not_answer_signs_nothing(signing_workspace: Path, responder: Responder) -> None:
    entry = _issue(signing_workspace, None)
    before = _files(signing_workspace)
    with pytest.raises(SigningLevelError) as caught:
        api.sign(signing_workspace, entry.so_ky_hieu, api.SIGNER, responder.unreachable, PASSWORD, AGENCY_ID,
                 tsa=responder.tsa_url, ltv=True)
    assert "B-LT" in caught.value.message and caught.value.status == ExitStatus.SIGNATURE
    ran = _sign(entry.so_ky_hieu, "--ky-nguoi", responder.unreachable, "--tsa", responder.tsa_url, "--ltv")
    assert ran.exit_code == ExitStatus.SIGNATURE and "B-LT" in ran.output and "Traceback" not in ran.output, ran.output
    assert _files(signing_workspace) == before
    assert api.entry_signatures(api.register_show(signing_workspace, entry.so_ky_hieu, AGENCY_ID)) == []


def test_b_lt_needs_a_timestamp(signing_workspace: Path, responder: Responder) -> None:
    """PAdES B-LT is B-T with the validation data: --ltv without --tsa is refused before anything is made."""
    entry = _issue(signing_workspace, None)
    before = _files(signing_workspace)
    ran = _sign(entry.so_ky_hieu, "--ky-nguoi", responder.signer, "--ltv")
    assert ran.exit_code == ExitStatus.USAGE and "--tsa" in ran.output, ran.output
    assert _files(signing_workspace) == before
    assert api.entry_signatures(api.register_show(signing_workspace, entry.so_ky_hieu, AGENCY_ID)) == []


def test_an_annex_in_its_own_file_is_signed_with_the_agency_s_token(
        softhsm: token_fixtures.SoftHSM, signing_workspace: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """``sign SO --ky-co-quan --phu-luc --pkcs11 LIB --khe SLOT``: the agency's token signs the annex issued in a file
    of its own (Mẫu 2.2: no picture, the number and the time drawn), the annex as issued kept."""
    pytest.importorskip("pyhanko.sign.pkcs11", reason="pyHanko's PKCS#11 support is not installed (pyhanko[pkcs11])")
    entry = _issue(signing_workspace, None)
    annex = _annex(signing_workspace, None, entry.so_ky_hieu)
    issued = annex.read_bytes()
    monkeypatch.setenv("CORRESPONDENCE_PKCS11_PIN", token_fixtures.PIN)
    token = softhsm.tokens["co-quan"]
    ran = CliRunner().invoke(main, ["--lang", "vi", "sign", entry.so_ky_hieu, "--ky-co-quan", "--phu-luc", "--pkcs11",
                                    str(softhsm.module), "--khe", str(token.slot_id), "--co-quan", AGENCY_ID])
    assert ran.exit_code == 0, ran.output
    signed = annex.with_name(annex.name.replace(".pdf", ".ky-co-quan.pdf"))
    assert signed.is_file() and annex.read_bytes() == issued and signed.read_bytes().startswith(issued)
    trust = tmp_path / "tin-cay"
    trust.mkdir()
    (trust / "ca.pem").write_bytes(softhsm.ca_pem)
    (checked,) = api.verify_signature(signed, trust)
    assert (checked.field, checked.signer, checked.good, checked.level) == ("co_quan", AGENCY, True, "B-B")
    at = dt.datetime.fromisoformat(checked.at).astimezone(dt.timezone(dt.timedelta(hours=7)))
    _assert_drawn(signed, f"Số: {entry.so_ky_hieu}; {at:%d/%m/%Y}; {at:%H:%M:%S} +07:00")
    (item,) = api.entry_signatures(api.register_show(signing_workspace, entry.so_ky_hieu, AGENCY_ID))
    assert (item["ky"], item["phu_luc"], item["nguoi"]) == ("co_quan", str(annex.relative_to(signing_workspace)),
                                                             AGENCY)
    assert structural_problems(signed) == structural_problems(annex)
    assert api.register_verify(signing_workspace, AGENCY_ID).problems == []
