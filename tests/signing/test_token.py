"""Signing with a USB token (PKCS#11), as Vietnamese officials sign: SoftHSM2 stands in for the CA's token.

The signatures are made with pyHanko's PdfSigner on a PDF/A the project renders and checked with pyHanko's
validator against the test CA; the failures a clerk meets (a wrong PIN, several keys and no label, no such slot,
no driver) are the project's errors, in Vietnamese.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from correspondence.errors import (
    ExitStatus,
    SigningKeyAmbiguous,
    SigningKeyError,
    SigningKeyNotFound,
    SigningPinIncorrect,
    TokenLibraryNotFound,
    TokenSlotNotFound,
)
from correspondence.signing import keys
from tests.signing import token_fixtures
from tests.signing.token_fixtures import PIN, SIGNER_CN, certificate, rsa_key

pytest.importorskip("pyhanko.sign.pkcs11", reason="pyHanko's PKCS#11 support is not installed (pyhanko[pkcs11])")

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def issued_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example công văn rendered by the project as a PDF/A (number 3018), once for this file."""
    from correspondence import api

    out = tmp_path_factory.mktemp("pdf")
    made = api.render(EXAMPLES / "cong-van-3018.yaml", so=3018, out_dir=out, workspace=EXAMPLES, formats=("pdf",))
    (pdf,) = [path for path in made if path.suffix == ".pdf"]
    return pdf


def _sign(pdf: Path, signer: object) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter

    meta = signers.PdfSignatureMetadata(field_name="KySo", md_algorithm="sha256", subfilter=SigSeedSubFilter.PADES)
    with pdf.open("rb") as handle:
        out = signers.PdfSigner(meta, signer=signer).sign_pdf(IncrementalPdfFileWriter(handle))
    return bytes(out.getvalue())


def _validate(signed: bytes, ca_cert: object) -> object:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    (signature,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    return validate_pdf_signature(signature, ValidationContext(trust_roots=[ca_cert]))


def test_a_token_signature_is_intact_valid_trusted_and_the_signers(softhsm, issued_pdf: Path) -> None:
    token = softhsm.tokens["ky-so"]
    signer = keys.pkcs11_signer(softhsm.module, token.slot_id, None, PIN)  # the only key on the token

    signed = _sign(issued_pdf, signer)

    status = _validate(signed, softhsm.ca_cert)
    assert (status.intact, status.valid, status.trusted) == (True, True, True), status.pretty_print_details()
    assert status.signing_cert.subject.native["common_name"] == SIGNER_CN
    assert status.md_algorithm == "sha256"
    assert signed.startswith(issued_pdf.read_bytes())  # an incremental update: the issued bytes are untouched
    import pikepdf

    with pikepdf.open(issued_pdf) as before, pikepdf.open(io.BytesIO(signed)) as after:  # RSA + SHA-256: PDF/A's
        assert after.pdf_version == before.pdf_version  # version is kept (ECDSA or SHA-3 would make it PDF 2.0)
        assert "/Version" not in after.Root
    # The CA's certificate on the token travels in the signature (a verifier can build the path from it).
    assert any(cert.subject.native["common_name"] == "CA thử nghiệm" for cert in signer.cert_registry)


def test_the_session_is_closed_once_signed(softhsm, issued_pdf: Path) -> None:
    token = softhsm.tokens["ky-so"]
    signer = keys.pkcs11_signer(softhsm.module, token.slot_id, None, PIN)
    _sign(issued_pdf, signer)

    with pytest.raises(SigningKeyError, match="đóng"):  # the session is gone: a second signature is refused
        _sign(issued_pdf, signer)
    # The token was logged out: opening it again logs in again (a token still logged in would refuse: UserAlreadyLoggedIn).
    with keys.pkcs11_signer(softhsm.module, token.slot_id, "dang-huy-hau", PIN) as again:
        assert _validate(_sign(issued_pdf, again), softhsm.ca_cert).bottom_line


def test_a_key_is_chosen_by_its_label_and_a_slot_by_its_place(softhsm, issued_pdf: Path) -> None:
    token = softhsm.tokens["hai-khoa"]
    signer = keys.pkcs11_signer(softhsm.module, token.slot_index, "co-quan", PIN)

    status = _validate(_sign(issued_pdf, signer), softhsm.ca_cert)

    assert status.bottom_line
    assert status.signing_cert.subject.native["common_name"] == "Ủy ban nhân dân tỉnh Thử Nghiệm"


def test_a_wrong_pin_is_said_in_vietnamese(softhsm) -> None:
    token = softhsm.tokens["ky-so"]

    with pytest.raises(SigningPinIncorrect) as caught:
        keys.pkcs11_signer(softhsm.module, token.slot_id, None, "000000")

    assert caught.value.message == "Mã PIN của token không đúng"
    assert caught.value.status == ExitStatus.USAGE
    (problem,) = caught.value.problems
    assert problem.source == f"{softhsm.module}:{token.slot_id}" and problem.field == "PIN"
    assert "CORRESPONDENCE_PKCS11_PIN" in problem.hint
    # Nothing stays logged in after the refusal: the right PIN opens the token.
    keys.pkcs11_signer(softhsm.module, token.slot_id, None, PIN).close()


def test_several_keys_and_no_label_is_said_with_the_labels(softhsm) -> None:
    token = softhsm.tokens["hai-khoa"]

    with pytest.raises(SigningKeyAmbiguous) as caught:
        keys.pkcs11_signer(softhsm.module, token.slot_id, None, PIN)

    assert caught.value.message == "Token có 2 khóa: hãy chỉ rõ khóa nào dùng để ký"
    (problem,) = caught.value.problems
    assert problem.field == "--nhan" and "co-quan" in problem.message and "nguoi-ky" in problem.message
    keys.pkcs11_signer(softhsm.module, token.slot_id, "nguoi-ky", PIN).close()  # the session of the refusal is closed


def test_an_unknown_label_is_said_with_the_labels(softhsm) -> None:
    token = softhsm.tokens["hai-khoa"]

    with pytest.raises(SigningKeyNotFound) as caught:
        keys.pkcs11_signer(softhsm.module, token.slot_id, "giam-doc", PIN)

    assert "giam-doc" in caught.value.message and "nhãn" in caught.value.message
    assert "nguoi-ky" in caught.value.problems[0].message


def test_no_such_slot(softhsm) -> None:
    with pytest.raises(TokenSlotNotFound) as caught:
        keys.pkcs11_signer(softhsm.module, 999, None, PIN)

    assert caught.value.message == "Không có token ở khe 999"
    (problem,) = caught.value.problems
    ky_so = softhsm.tokens["ky-so"]
    assert problem.field == "--khe" and f"{ky_so.slot_index} (ID {ky_so.slot_id}: ky-so)" in problem.message


def test_a_missing_driver_is_said_with_its_path(tmp_path: Path) -> None:
    missing = tmp_path / "vnpt-ca" / "libvnptca.so"

    with pytest.raises(TokenLibraryNotFound) as caught:
        keys.pkcs11_signer(missing, 0, None, PIN)

    assert "trình điều khiển" in caught.value.message
    assert caught.value.problems[0].source == str(missing) and caught.value.problems[0].field == "--pkcs11"


def test_the_pin_comes_from_the_environment_or_nowhere() -> None:
    assert keys.pkcs11_pin_from_environment({"CORRESPONDENCE_PKCS11_PIN": "2468"}) == "2468"
    assert keys.pkcs11_pin_from_environment({"CORRESPONDENCE_PKCS11_PIN": ""}) is None  # then the front end asks
    assert keys.pkcs11_pin_from_environment({}) is None


def _p12(tmp_path: Path, password: str) -> tuple[Path, object]:
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    ca_key, key = rsa_key(), rsa_key()
    ca = certificate("CA tệp", ca_key, "CA tệp", ca_key, ca=True)
    path = tmp_path / "ky-so.p12"
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"ky-so", key, certificate(SIGNER_CN, key, "CA tệp", ca_key, ca=False), [ca],
        serialization.BestAvailableEncryption(password.encode())))
    return path, asn1_x509.Certificate.load(ca.public_bytes(serialization.Encoding.DER))


def test_a_p12_file_signs_and_a_wrong_password_is_said(tmp_path: Path, issued_pdf: Path) -> None:
    path, ca = _p12(tmp_path, "mật-khẩu")

    status = _validate(_sign(issued_pdf, keys.p12_signer(path, "mật-khẩu")), ca)
    assert status.bottom_line and status.signing_cert.subject.native["common_name"] == SIGNER_CN

    with pytest.raises(SigningPinIncorrect) as caught:
        keys.p12_signer(path, "sai")
    assert caught.value.problems[0].source == str(path)
    with pytest.raises(SigningKeyNotFound):
        keys.p12_signer(tmp_path / "khong-co.p12", "mật-khẩu")


def test_the_cli_signs_an_issued_document_with_a_token(softhsm: token_fixtures.SoftHSM, signing_workspace: Path,
                                                        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """``sign SO --ky-nguoi --pkcs11 LIB --khe SLOT``: the signer's token signs the issued PDF (the PIN from
    CORRESPONDENCE_PKCS11_PIN); the signature is trusted to the token's CA; a wrong PIN signs nothing."""
    from click.testing import CliRunner

    from correspondence import api
    from correspondence.cli import main

    entry = api.issue([signing_workspace / "examples" / "cong-van-3018.yaml"], signing_workspace)[0].entry
    token = softhsm.tokens["ky-so"]
    base = ["--lang", "vi", "sign", entry.so_ky_hieu, "--ky-nguoi", "--pkcs11", str(softhsm.module),
            "--khe", str(token.slot_id), "--co-quan", "ubnd-quang-ninh"]
    folder = signing_workspace / "output"
    before = sorted(p.name for p in folder.rglob("*") if p.is_file())
    monkeypatch.setenv("CORRESPONDENCE_PKCS11_PIN", "000000")
    wrong = CliRunner().invoke(main, base)
    assert wrong.exit_code == 2, wrong.output
    assert sorted(p.name for p in folder.rglob("*") if p.is_file()) == before
    monkeypatch.setenv("CORRESPONDENCE_PKCS11_PIN", PIN)
    result = CliRunner().invoke(main, base)
    assert result.exit_code == 0, result.output
    signed = next(p for p in folder.rglob("*.ky.pdf"))
    trust = tmp_path / "tin-cay"
    trust.mkdir()
    (trust / "ca.pem").write_bytes(softhsm.ca_pem)
    checked = api.verify_signature(signed, trust)
    assert [(c.signer, c.intact, c.valid, c.trusted) for c in checked] == [(SIGNER_CN, True, True, True)]
    both = CliRunner().invoke(main, [*base, "--p12", str(tmp_path / "x.p12")])
    assert both.exit_code == 2 and "--p12" in both.output and "--pkcs11" in both.output
