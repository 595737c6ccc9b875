"""Remote two-step signing together with the agency's picture-less signatures: an electronic copy signed remotely
shows its ô 14 text with the signing time the signature carries; an annex signed while the document waits for a
remote agency signature leaves that request pending; a remote signature refuses --tsa / --ltv / --phu-luc."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from click.testing import CliRunner

from correspondence import api
from correspondence.cli import main
from correspondence.errors import ExitStatus
from correspondence.signing import remote
from tests.signing.conftest import PASSWORD, Pki
from tests.signing.test_remote import _files, _key_and_pem, _sign_digest
from tests.signing.test_sign import _validate
from tests.signing.test_sign_forms import AGENCY_ID, _annex, _assert_drawn, _issue


def test_an_electronic_copy_signed_remotely_shows_the_time_its_signature_carries(signing_workspace: Path, pki: Pki,
                                                                                tmp_path: Path) -> None:
    _issue(signing_workspace, None)
    copy = _issue(signing_workspace, None, "sao-y.yaml")
    key, pem = _key_and_pem(pki.agency, tmp_path)
    made = remote.prepare(signing_workspace, copy.so_ky_hieu, api.AGENCY, pem, None, AGENCY_ID)
    signed = remote.complete(signing_workspace, copy.so_ky_hieu, _sign_digest(key, made.request["hash"]), AGENCY_ID)

    (name, status), = _validate(signed.path, pki.trust)
    assert name == "co_quan" and status.intact and status.valid and status.trusted
    at = status.signer_reported_dt.astimezone(dt.timezone(dt.timedelta(hours=7)))
    _assert_drawn(signed.path, f"Sao y; Ủy ban nhân dân tỉnh Quảng Ninh; {at:%d/%m/%Y}; {at:%H:%M:%S} +07:00")
    (item,) = api.entry_signatures(api.register_show(signing_workspace, copy.so_ky_hieu, AGENCY_ID))
    assert dt.datetime.fromisoformat(item["luc"]) == at
    assert (item["so_chu_ky"], item["muc"]) == ("1", "B-B")
    assert not made.prepared.exists()
    assert api.register_verify(signing_workspace, AGENCY_ID).problems == []


def test_an_annex_signed_while_the_document_waits_for_a_remote_agency_signature(signing_workspace: Path, pki: Pki,
                                                                               tmp_path: Path) -> None:
    entry = _issue(signing_workspace, None)
    api.sign(signing_workspace, entry.so_ky_hieu, api.SIGNER, pki.signer, PASSWORD, AGENCY_ID)
    annex = _annex(signing_workspace, None, entry.so_ky_hieu)
    key, pem = _key_and_pem(pki.agency, tmp_path)
    made = remote.prepare(signing_workspace, entry.so_ky_hieu, api.AGENCY, pem, None, AGENCY_ID)

    (done,) = api.sign_annexes(signing_workspace, entry.so_ky_hieu, pki.agency, PASSWORD, AGENCY_ID)
    assert done.path.name == annex.name.replace(".pdf", ".ky-co-quan.pdf")
    row = api.register_show(signing_workspace, entry.so_ky_hieu, AGENCY_ID)
    pending = remote.pending_request(row)
    assert pending is not None and pending["cho_ky"] == api.AGENCY  # the document's request still waits
    assert made.prepared.exists()

    signed = remote.complete(signing_workspace, entry.so_ky_hieu, _sign_digest(key, made.request["hash"]), AGENCY_ID)
    assert signed.path.name.endswith(".ky-co-quan.pdf") and "phu-luc" not in signed.path.name
    assert [(name, s.intact and s.valid) for name, s in _validate(signed.path, pki.trust)] == [
        ("nguoi_ky", True), ("co_quan", True)]
    row = api.register_show(signing_workspace, entry.so_ky_hieu, AGENCY_ID)
    assert remote.pending_request(row) is None
    assert sorted((s["ky"], bool(s.get("phu_luc"))) for s in api.entry_signatures(row)) == [
        ("co_quan", False), ("co_quan", True), ("nguoi_ky", False)]
    assert api.register_verify(signing_workspace, AGENCY_ID).problems == []


def test_a_remote_signature_refuses_the_local_only_options(signing_workspace: Path, pki: Pki, tmp_path: Path) -> None:
    entry = _issue(signing_workspace, None)
    _key, pem = _key_and_pem(pki.signer, tmp_path)
    before = _files(signing_workspace)
    runner = CliRunner()
    # --tsa and --ltv work remotely too (tests/signing/test_remote_levels.py); --ltv still needs --tsa
    ran = runner.invoke(main, ["--lang", "vi", "sign", entry.so_ky_hieu, "--ky-nguoi", "--chuan-bi", "--chung-thu",
                               str(pem), "-o", str(tmp_path / "yeu-cau.json"), "--co-quan", AGENCY_ID, "--ltv"])
    assert ran.exit_code == ExitStatus.USAGE and "--ltv cần --tsa" in ran.output, ran.output
    ran = runner.invoke(main, ["--lang", "vi", "sign", entry.so_ky_hieu, "--ky-co-quan", "--phu-luc", "--tu-xa",
                               "thu-nghiem", "--chung-thu", str(pem), "--p12", str(pki.agency), "--co-quan", AGENCY_ID])
    assert ran.exit_code == ExitStatus.USAGE and "--phu-luc" in ran.output, ran.output
    ran = runner.invoke(main, ["--lang", "vi", "sign", entry.so_ky_hieu, "--hoan-tat", "--chu-ky-b64", "AAAA", "--ltv",
                               "--co-quan", AGENCY_ID])
    assert ran.exit_code == ExitStatus.USAGE, ran.output
    assert _files(signing_workspace) == before and not (tmp_path / "yeu-cau.json").exists()
    assert remote.pending_request(api.register_show(signing_workspace, entry.so_ky_hieu, AGENCY_ID)) is None
