"""PAdES B-LT (``sign … --tsa URL --ltv``) for real: a test PKI whose certificates name a revocation responder (an
OCSP responder and a CRL served in this process on loopback), the revocation answers kept in the PDF's DSS and
checked with pyHanko's LTV validator, the PDF still PDF/A-3b; a revoked certificate and a responder that does not
answer refused with nothing written; ``verify-signature`` telling the level."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from correspondence import api
from correspondence.cli import main
from correspondence.errors import ExitStatus, SigningLevelError
from tests.render.test_pdfa import structural_problems
from tests.signing import token_fixtures
from tests.signing.conftest import AGENCY, PASSWORD, SIGNER
from tests.signing.ltv_fixtures import Responder
from tests.signing.test_sign_forms import AGENCY_ID, _annex, _assert_drawn, _issue


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
