"""Remote signatures at PAdES B-T and B-LT (``sign SO --chuan-bi --chung-thu CERT --tsa URL [--ltv]``, then
``--hoan-tat``): the level asked at prepare is recorded with the pending request; the signature timestamp is taken
at complete (over the signature value, which exists only then), the certificates and revocation answers kept in the
DSS after it. Asserted with pyHanko's validator (the answers from the DSS only), ``verify-signature``, the register
and the PDF/A structure; a timestamp server down at complete refuses with nothing written and the request kept."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from correspondence import api
from correspondence.cli import main
from correspondence.errors import CertificateRevoked, ExitStatus, SigningLevelError
from correspondence.signing import remote
from tests.render.test_pdfa import structural_problems
from tests.signing.conftest import AGENCY, PASSWORD, SIGNER
from tests.signing.ltv_fixtures import DEAD, Responder
from tests.signing.test_ltv import _files, _ltv_statuses
from tests.signing.test_remote import _key_and_pem, _sign_digest
from tests.signing.test_sign_forms import AGENCY_ID, _issue


def _verify_levels(path: Path, trust: Path) -> list[str]:
    ran = CliRunner().invoke(main, ["--lang", "vi", "verify-signature", str(path), "--tin-cay", str(trust)])
    assert ran.exit_code == 0, ran.output
    return [line.split("PAdES ")[1] for line in ran.output.splitlines() if "mức chữ ký: PAdES" in line]


def _timestamp_validity(path: Path, trust: Path) -> list[Any]:
    """Each signature validated as pyHanko does for B-T (its timestamp token checked against ``trust``)."""
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from tests.signing.test_ltv import _roots

    reader = PdfFileReader(io.BytesIO(path.read_bytes()))
    return [validate_pdf_signature(sig, ValidationContext(trust_roots=_roots(trust)))
            for sig in reader.embedded_signatures]


def _ltv_last(path: Path, trust: Path) -> Any:
    """The last signature of ``path`` validated as PAdES B-LT: the revocation answers from the DSS only."""
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import RevocationInfoValidationType, validate_pdf_ltv_signature

    from tests.signing.test_ltv import _roots

    reader = PdfFileReader(io.BytesIO(path.read_bytes()))
    return validate_pdf_ltv_signature(reader.embedded_signatures[-1], RevocationInfoValidationType.PADES_LT,
                                      {"trust_roots": _roots(trust), "allow_fetching": False, "ocsps": [], "crls": []})


def test_remote_b_t_then_b_lt_through_the_cli(signing_workspace: Path, responder: Responder,
                                              tmp_path_factory: pytest.TempPathFactory) -> None:
    """The signer's signature prepared with --tsa (B-T), the agency's with --tsa --ltv (B-LT), both completed with
    the raw signature the service returns."""
    import pikepdf

    folder = tmp_path_factory.mktemp("dich-vu")  # the service's side, outside the workspace
    entry = _issue(signing_workspace, None)
    original = signing_workspace / next(f["path"] for f in entry.files if f["path"].endswith(".pdf"))
    issued = original.read_bytes()
    runner = CliRunner()
    paths = []
    for role, p12, extra in (("--ky-nguoi", responder.signer, ["--tsa", responder.tsa_url]),
                             ("--ky-co-quan", responder.agency, ["--tsa", responder.tsa_url, "--ltv"])):
        key, pem = _key_and_pem(p12, folder)
        request_file = folder / f"yeu-cau{role}.json"
        ran = runner.invoke(main, ["--lang", "vi", "sign", entry.so_ky_hieu, role, "--chuan-bi", "--chung-thu",
                                   str(pem), "-o", str(request_file), "--co-quan", AGENCY_ID, *extra])
        assert ran.exit_code == 0, ran.output
        request = json.loads(request_file.read_text("utf-8"))
        assert request["muc"] == ("B-LT" if "--ltv" in extra else "B-T")
        shown = runner.invoke(main, ["--lang", "vi", "register", "show", entry.so_ky_hieu, "--co-quan", AGENCY_ID])
        assert f"Chữ ký chờ dịch vụ ký số ({request['muc']}):" in shown.output, shown.output  # the level asked
        signature = base64.b64encode(_sign_digest(key, request["hash"])).decode()
        done = runner.invoke(main, ["--lang", "vi", "sign", entry.so_ky_hieu, "--hoan-tat", "--chu-ky-b64", signature,
                                    "--co-quan", AGENCY_ID])
        assert done.exit_code == 0, done.output
        row = api.register_show(signing_workspace, entry.so_ky_hieu, AGENCY_ID)
        paths.append(signing_workspace / api.entry_signatures(row)[-1]["path"])
    first, second = paths
    row = api.register_show(signing_workspace, entry.so_ky_hieu, AGENCY_ID)
    assert [s["muc"] for s in api.entry_signatures(row)] == ["B-T", "B-LT"]
    assert remote.pending_request(row) is None
    assert original.read_bytes() == issued and second.read_bytes().startswith(first.read_bytes())

    (signer_b_t,) = _timestamp_validity(first, responder.trust)
    assert signer_b_t.intact and signer_b_t.valid and signer_b_t.trusted, signer_b_t.summary()
    assert signer_b_t.timestamp_validity is not None and signer_b_t.timestamp_validity.valid
    assert signer_b_t.timestamp_validity.trusted
    with pikepdf.open(second) as pdf:  # the agency's certificate answered by its CRL, kept in the DSS
        assert len(pdf.Root.DSS.CRLs) >= 1 and len(pdf.Root.DSS.Certs) >= 2
    agency_status = _ltv_last(second, responder.trust)  # the answers from the DSS alone
    assert agency_status.intact and agency_status.valid and agency_status.trusted, agency_status.summary()
    assert agency_status.timestamp_validity is not None and agency_status.timestamp_validity.valid
    assert agency_status.signing_cert.subject.native["common_name"] == AGENCY

    assert _verify_levels(first, responder.trust) == ["B-T"]
    assert _verify_levels(second, responder.trust) == ["B-T", "B-LT"]
    assert structural_problems(first) == structural_problems(original)
    assert structural_problems(second) == structural_problems(original)
    assert api.register_verify(signing_workspace, AGENCY_ID).problems == []


def test_remote_b_lt_with_the_test_provider(signing_workspace: Path, responder: Responder,
                                            tmp_path_factory: pytest.TempPathFactory) -> None:
    """Both steps driven by the test provider (``--tu-xa thu-nghiem``, the local key one): B-LT, the signer's OCSP
    answer in the DSS."""
    import pikepdf

    folder = tmp_path_factory.mktemp("dich-vu")  # the service's side, outside the workspace
    entry = _issue(signing_workspace, None)
    _key, pem = _key_and_pem(responder.signer, folder)
    ran = CliRunner().invoke(main, ["--lang", "vi", "sign", entry.so_ky_hieu, "--ky-nguoi", "--tu-xa", "thu-nghiem",
                                    "--chung-thu", str(pem), "--p12", str(responder.signer), "--co-quan", AGENCY_ID,
                                    "--tsa", responder.tsa_url, "--ltv"], env={"CORRESPONDENCE_P12_PASSWORD": PASSWORD})
    assert ran.exit_code == 0, ran.output
    (item,) = api.entry_signatures(api.register_show(signing_workspace, entry.so_ky_hieu, AGENCY_ID))
    signed = signing_workspace / item["path"]
    with pikepdf.open(signed) as pdf:
        assert len(pdf.Root.DSS.OCSPs) >= 1
    (status,) = _ltv_statuses(signed, responder.trust)
    assert status.intact and status.valid and status.trusted, status.summary()
    assert status.timestamp_validity is not None and status.timestamp_validity.valid
    assert status.signing_cert.subject.native["common_name"] == SIGNER
    assert item["muc"] == "B-LT"
    assert _verify_levels(signed, responder.trust) == ["B-LT"]
    assert structural_problems(signed) == []


def test_a_timestamp_server_down_at_complete_keeps_the_request(signing_workspace: Path, responder: Responder,
                                                               tmp_path_factory: pytest.TempPathFactory) -> None:
    """The timestamp is fetched at complete: a server that does not answer then refuses the signature, nothing is
    written, the request stays pending; once the server is back the same signature completes it."""
    folder = tmp_path_factory.mktemp("dich-vu")  # the service's side, outside the workspace
    entry = _issue(signing_workspace, None)
    key, pem = _key_and_pem(responder.signer, folder)
    server = responder.timestamp_server()
    port = server.server_address[1]
    url = f"http://127.0.0.1:{port}/"
    try:
        made = remote.prepare(signing_workspace, entry.so_ky_hieu, api.SIGNER, pem, folder / "yc.json", AGENCY_ID,
                              tsa=url, ltv=True)  # B-LT: the server is asked at prepare as well (its chain)
    finally:
        server.shutdown()
        server.server_close()
    signature = _sign_digest(key, made.request["hash"])
    before = _files(signing_workspace)
    row = api.register_show(signing_workspace, entry.so_ky_hieu, AGENCY_ID)

    with pytest.raises(SigningLevelError) as caught:
        remote.complete(signing_workspace, entry.so_ky_hieu, signature, AGENCY_ID)
    assert "B-LT" in caught.value.message and caught.value.status == ExitStatus.SIGNATURE
    ran = CliRunner().invoke(main, ["--lang", "vi", "sign", entry.so_ky_hieu, "--hoan-tat", "--chu-ky-b64",
                                    base64.b64encode(signature).decode(), "--co-quan", AGENCY_ID])
    assert ran.exit_code == ExitStatus.SIGNATURE and "B-LT" in ran.output and "Traceback" not in ran.output, ran.output
    assert "không tạo được chữ ký số mức B-LT" in ran.output, ran.output
    assert _files(signing_workspace) == before
    assert api.register_show(signing_workspace, entry.so_ky_hieu, AGENCY_ID).files == row.files
    assert remote.pending_request(row) is not None and made.prepared.is_file()

    again = responder.timestamp_server(port)  # the server back at its address
    try:
        signed = remote.complete(signing_workspace, entry.so_ky_hieu, signature, AGENCY_ID)
    finally:
        again.shutdown()
        again.server_close()
    (status,) = _ltv_statuses(signed.path, responder.trust)
    assert status.intact and status.valid and status.trusted and status.timestamp_validity.valid, status.summary()
    row = api.register_show(signing_workspace, entry.so_ky_hieu, AGENCY_ID)
    assert remote.pending_request(row) is None and not made.prepared.exists()
    assert [s["muc"] for s in api.entry_signatures(row)] == ["B-LT"]


def test_a_revoked_certificate_is_refused_at_prepare(signing_workspace: Path, responder: Responder,
                                                     tmp_path_factory: pytest.TempPathFactory) -> None:
    """With --ltv the certificate's revocation is checked before the service is asked: a revoked one gets no request."""
    folder = tmp_path_factory.mktemp("dich-vu")  # the service's side, outside the workspace
    entry = _issue(signing_workspace, None)
    _key, pem = _key_and_pem(responder.revoked, folder)
    before = _files(signing_workspace)
    with pytest.raises(CertificateRevoked) as caught:
        remote.prepare(signing_workspace, entry.so_ky_hieu, api.SIGNER, pem, folder / "yc.json", AGENCY_ID,
                       tsa=responder.tsa_url, ltv=True)
    assert SIGNER in caught.value.message
    assert _files(signing_workspace) == before and not (folder / "yc.json").exists()
    assert remote.pending_request(api.register_show(signing_workspace, entry.so_ky_hieu, AGENCY_ID)) is None

    _key, unreachable = _key_and_pem(responder.unreachable, folder)  # its OCSP responder does not answer
    with pytest.raises(SigningLevelError):
        remote.prepare(signing_workspace, entry.so_ky_hieu, api.SIGNER, unreachable, None, AGENCY_ID,
                       tsa=responder.tsa_url, ltv=True)
    assert _files(signing_workspace) == before


def test_remote_levels_options(signing_workspace: Path, responder: Responder,
                               tmp_path_factory: pytest.TempPathFactory) -> None:
    """--ltv needs --tsa and a root CA in the certificate file; --tsa at complete is refused (the level is chosen at
    prepare); --phu-luc still signs locally only."""
    folder = tmp_path_factory.mktemp("dich-vu")  # the service's side, outside the workspace
    entry = _issue(signing_workspace, None)
    _key, pem = _key_and_pem(responder.signer, folder)
    runner = CliRunner()
    before = _files(signing_workspace)

    def sign(*args: str) -> Any:
        return runner.invoke(main, ["--lang", "vi", "sign", entry.so_ky_hieu, *args, "--co-quan", AGENCY_ID])

    ran = sign("--ky-nguoi", "--chuan-bi", "--chung-thu", str(pem), "--ltv")
    assert ran.exit_code == ExitStatus.USAGE and "--tsa" in ran.output, ran.output
    leaf_only = folder / "la.pem"
    leaf_only.write_bytes(pem.read_bytes().split(b"-----END CERTIFICATE-----")[0] + b"-----END CERTIFICATE-----\n")
    ran = sign("--ky-nguoi", "--chuan-bi", "--chung-thu", str(leaf_only), "--tsa", responder.tsa_url, "--ltv")
    assert ran.exit_code == ExitStatus.USAGE and "--ltv" in ran.output, ran.output
    ran = sign("--ky-co-quan", "--chuan-bi", "--chung-thu", str(pem), "--phu-luc")
    assert ran.exit_code == ExitStatus.USAGE and "--phu-luc" in ran.output, ran.output
    ran = sign("--hoan-tat", "--chu-ky-b64", "AAAA", "--tsa", responder.tsa_url)
    assert ran.exit_code == ExitStatus.USAGE and "--chuan-bi" in ran.output, ran.output
    assert _files(signing_workspace) == before

    made = remote.prepare(signing_workspace, entry.so_ky_hieu, api.SIGNER, pem, None, AGENCY_ID, tsa=DEAD)
    assert made.request["muc"] == "B-T"  # B-T alone: prepare needs no network, the server is asked at complete
    with pytest.raises(SigningLevelError) as caught:
        remote.complete(signing_workspace, entry.so_ky_hieu, _sign_digest(_key, made.request["hash"]), AGENCY_ID)
    assert "B-T" in caught.value.message
    assert remote.pending_request(api.register_show(signing_workspace, entry.so_ky_hieu, AGENCY_ID)) is not None
