"""Remote signing in two steps (sign SO --chuan-bi, then --hoan-tat): the hash goes out, the raw RSA signature comes
back from a fake remote service answering after a delay; asserted with pyHanko's validator, the widgets' positions,
the register's row and chain, and the files on disk."""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, utils
from cryptography.hazmat.primitives.serialization import pkcs12

from correspondence import api
from correspondence.cli import main
from correspondence.errors import ExitStatus, RegisterConflict, SignatureInvalid, UsageError
from correspondence.signing import remote
from tests.signing.conftest import PASSWORD, SIGNER, Pki
from tests.signing.test_sign import AGENCY_ID, _issue, _validate, _widgets


def _key_and_pem(p12: Path, folder: Path) -> tuple[Any, Path]:
    """The private key of a PKCS#12 file (the remote service's side) and its certificate with the CA's, as PEM."""
    key, cert, others = pkcs12.load_key_and_certificates(p12.read_bytes(), PASSWORD.encode())
    pem = folder / (p12.stem + ".pem")
    pem.write_bytes(b"".join(c.public_bytes(serialization.Encoding.PEM) for c in [cert, *others]))
    return key, pem


def _sign_digest(key: Any, digest_b64: str) -> bytes:
    return key.sign(base64.b64decode(digest_b64), padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))


@dataclass
class SlowService(remote.RemoteProvider):
    """A fake remote signing service: it signs with the holder's key, but answers only after ``delay`` seconds (the
    signer confirming on a phone)."""

    key: Any
    delay: float = 0.3
    name = "cham"
    asked: dict[str, tuple[float, bytes, str]] = field(default_factory=dict)
    polled: int = 0

    def request(self, digest: bytes, certificate: Any, document: str) -> str:
        assert len(digest) == 32
        request_id = f"yc-{len(self.asked) + 1}"
        signature = self.key.sign(digest, padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))
        self.asked[request_id] = (time.monotonic() + self.delay, signature, document)
        return request_id

    def result(self, request_id: str) -> bytes | None:
        self.polled += 1
        ready, signature, _document = self.asked[request_id]
        return signature if time.monotonic() >= ready else None


def _files(workspace: Path) -> dict[Path, bytes]:
    folder = workspace / "output" / AGENCY_ID
    return {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _events(workspace: Path) -> list[tuple[str, str]]:
    from correspondence.registers import open_register

    register, agency = open_register(workspace, AGENCY_ID, None)
    with register:
        return [(e.action, e.detail) for e in register.events(agency) if e.action != "read"]


def test_prepare_then_complete_makes_the_signature_a_local_one_makes(signing_workspace: Path, pki: Pki,
                                                                      tmp_path: Path) -> None:
    entry = _issue(signing_workspace)
    original = signing_workspace / next(f["path"] for f in entry.files if f["path"].endswith(".pdf"))
    issued = original.read_bytes()
    key, pem = _key_and_pem(pki.signer, tmp_path)
    local_widgets = _local_widgets(signing_workspace, entry.so_ky_hieu, pki, tmp_path)
    made = remote.prepare(signing_workspace, entry.so_ky_hieu, api.SIGNER, pem, tmp_path / "yeu-cau.json", AGENCY_ID)

    request = json.loads((tmp_path / "yeu-cau.json").read_text("utf-8"))
    assert request["thuat_toan"] == "RSA-SHA256" and request["van_ban"] == entry.so_ky_hieu
    assert len(base64.b64decode(request["hash"])) == 32 and request["hash_hex"] == base64.b64decode(request["hash"]).hex()
    assert made.prepared == original.with_name(original.name.replace(".pdf", ".ky.cho.pdf"))
    assert made.prepared.read_bytes().startswith(issued)
    assert original.read_bytes() == issued
    pending = remote.pending_request(api.register_show(signing_workspace, entry.so_ky_hieu, AGENCY_ID))
    assert pending is not None and pending["cho_ky"] == "nguoi_ky" and pending["hash"] == request["hash"]
    assert [action for action, _detail in _events(signing_workspace)][-1] == "sign-pending"
    assert api.register_verify(signing_workspace, AGENCY_ID).problems == []  # the prepared file is claimed

    service = SlowService(key)
    request_id = service.request(base64.b64decode(request["hash"]), None, request["van_ban"])
    while (signature := service.result(request_id)) is None:
        time.sleep(0.05)
    assert service.polled > 1  # it made us wait
    signed = remote.complete(signing_workspace, entry.so_ky_hieu, signature, AGENCY_ID)

    assert signed.path == original.with_name(original.name.replace(".pdf", ".ky.pdf"))
    assert signed.signer == SIGNER and signed.role == api.SIGNER
    assert not made.prepared.exists()  # the request is done: its prepared file goes
    assert original.read_bytes() == issued
    (name, status), = _validate(signed.path, pki.trust)
    assert name == "nguoi_ky" and status.intact and status.valid and status.trusted
    assert status.md_algorithm == "sha256"
    assert status.signing_cert.subject.native["common_name"] == SIGNER

    row = api.register_show(signing_workspace, entry.so_ky_hieu, AGENCY_ID)
    assert remote.pending_request(row) is None
    (item,) = api.entry_signatures(row)
    assert (item["ky"], item["nguoi"], item["serial"]) == ("nguoi_ky", SIGNER, signed.serial)
    assert item["luc"] == pending["luc"]
    assert [action for action, _detail in _events(signing_workspace)][-2:] == ["sign-pending", "signed"]
    assert api.register_verify(signing_workspace, AGENCY_ID).problems == []

    assert _widgets(signed.path) == local_widgets  # the widget is where a local signature puts it


def _local_widgets(workspace: Path, number: str, pki: Pki, folder: Path) -> dict[str, Any]:
    """The widgets of the signer's signature made locally with the .p12 file (written aside, not recorded)."""
    from correspondence.signing import book, keys
    from correspondence.signing.signer import sign_pdf

    signer = keys.p12_signer(pki.signer, PASSWORD)
    plan = book.plan_signature(workspace, number, api.SIGNER, signer.signing_cert, AGENCY_ID)
    local = folder / "local.pdf"
    local.write_bytes(sign_pdf(plan.data, signer, book.FIELD[api.SIGNER], plan.box, plan.picture))
    return _widgets(local)


def _row(workspace: Path, number: str) -> Any:
    from correspondence.registers import open_register

    register, agency = open_register(workspace, AGENCY_ID, None)
    with register:
        return register.find(agency, number)[0]


def test_a_signature_by_another_key_is_refused_and_nothing_changes(signing_workspace: Path, pki: Pki,
                                                                    tmp_path: Path) -> None:
    entry = _issue(signing_workspace)
    _key, pem = _key_and_pem(pki.signer, tmp_path)
    stranger, _pem = _key_and_pem(pki.stranger, tmp_path)
    made = remote.prepare(signing_workspace, entry.so_ky_hieu, api.SIGNER, pem, None, AGENCY_ID)
    files, row, events = _files(signing_workspace), _row(signing_workspace, entry.so_ky_hieu), _events(signing_workspace)

    wrong = _sign_digest(stranger, made.request["hash"])
    with pytest.raises(SignatureInvalid) as caught:
        remote.complete(signing_workspace, entry.so_ky_hieu, wrong, AGENCY_ID)
    assert entry.so_ky_hieu in caught.value.message and SIGNER in caught.value.message
    truncated = _sign_digest(_key, made.request["hash"])[:-1]  # the right key, a damaged value
    with pytest.raises(SignatureInvalid):
        remote.complete(signing_workspace, entry.so_ky_hieu, truncated, AGENCY_ID)

    assert _files(signing_workspace) == files  # no signed file, the prepared one kept as it was
    assert _row(signing_workspace, entry.so_ky_hieu) == row and _events(signing_workspace) == events
    assert made.prepared.is_file()
    signed = remote.complete(signing_workspace, entry.so_ky_hieu, _sign_digest(_key, made.request["hash"]), AGENCY_ID)
    assert signed.path.is_file()  # the request stayed pending: the right signature still completes it


def test_a_second_prepare_replaces_the_first(signing_workspace: Path, pki: Pki, tmp_path: Path) -> None:
    entry = _issue(signing_workspace)
    key, pem = _key_and_pem(pki.signer, tmp_path)
    first = remote.prepare(signing_workspace, entry.so_ky_hieu, api.SIGNER, pem, tmp_path / "1.json", AGENCY_ID)
    time.sleep(1.1)  # another second: another signing time, another hash
    second = remote.prepare(signing_workspace, entry.so_ky_hieu, api.SIGNER, pem, tmp_path / "2.json", AGENCY_ID)
    assert first.prepared == second.prepared and first.request["hash"] != second.request["hash"]
    row = api.register_show(signing_workspace, entry.so_ky_hieu, AGENCY_ID)
    assert [f["hash"] for f in row.files if "cho_ky" in f] == [second.request["hash"]]
    assert api.register_verify(signing_workspace, AGENCY_ID).problems == []
    assert [a for a, _d in _events(signing_workspace)].count("sign-pending") == 2

    with pytest.raises(SignatureInvalid):  # the first request's signature no longer completes anything
        remote.complete(signing_workspace, entry.so_ky_hieu, _sign_digest(key, first.request["hash"]), AGENCY_ID)
    signed = remote.complete(signing_workspace, entry.so_ky_hieu, _sign_digest(key, second.request["hash"]), AGENCY_ID)
    (_name, status), = _validate(signed.path, pki.trust)
    assert status.intact and status.valid and status.trusted


def test_completing_without_a_pending_request_is_a_clear_error(signing_workspace: Path) -> None:
    entry = _issue(signing_workspace)
    files = _files(signing_workspace)
    with pytest.raises(RegisterConflict) as caught:
        remote.complete(signing_workspace, entry.so_ky_hieu, b"\0" * 256, AGENCY_ID)
    assert caught.value.message.startswith(entry.so_ky_hieu) and "--chuan-bi" in caught.value.problems[0].message
    assert _files(signing_workspace) == files


def test_the_checks_of_a_local_signature_apply(signing_workspace: Path, pki: Pki, tmp_path: Path) -> None:
    entry = _issue(signing_workspace)
    _key, stranger_pem = _key_and_pem(pki.stranger, tmp_path)
    _key, agency_pem = _key_and_pem(pki.agency, tmp_path)
    files = _files(signing_workspace)
    with pytest.raises(UsageError) as caught:
        remote.prepare(signing_workspace, entry.so_ky_hieu, api.SIGNER, stranger_pem, tmp_path / "r.json", AGENCY_ID)
    assert "Trần Văn Khác" in caught.value.message
    with pytest.raises(RegisterConflict) as refused:
        remote.prepare(signing_workspace, entry.so_ky_hieu, api.AGENCY, agency_pem, tmp_path / "r.json", AGENCY_ID)
    assert "32.2.d" in refused.value.message
    not_a_certificate = tmp_path / "x.pem"
    not_a_certificate.write_text("không phải chứng thư\n", "utf-8")
    with pytest.raises(UsageError):
        remote.prepare(signing_workspace, entry.so_ky_hieu, api.SIGNER, not_a_certificate, tmp_path / "r.json",
                       AGENCY_ID)
    assert _files(signing_workspace) == files and not (tmp_path / "r.json").exists()


def test_a_provider_drives_both_steps_for_the_signer_then_the_agency(signing_workspace: Path, pki: Pki,
                                                                     tmp_path: Path) -> None:
    entry = _issue(signing_workspace)
    signer_key, signer_pem = _key_and_pem(pki.signer, tmp_path)
    agency_key, agency_pem = _key_and_pem(pki.agency, tmp_path)
    slow = SlowService(signer_key, delay=0.3)
    first = remote.sign_with(slow, signing_workspace, entry.so_ky_hieu, api.SIGNER, signer_pem, AGENCY_ID, every=0.05)
    assert slow.polled > 1 and [d for _r, _s, d in slow.asked.values()] == [entry.so_ky_hieu]
    second = remote.sign_with(SlowService(agency_key, delay=0.1), signing_workspace, entry.so_ky_hieu, api.AGENCY,
                              agency_pem, AGENCY_ID, every=0.05)
    assert second.path.read_bytes().startswith(first.path.read_bytes())
    results = _validate(second.path, pki.trust)
    assert [name for name, _s in results] == ["nguoi_ky", "co_quan"]
    assert all(s.intact and s.valid and s.trusted for _n, s in results)

    # a service that never answers in time: the request stays pending, to be completed by hand
    other = api.issue([signing_workspace / "examples" / "cong-van-3018.yaml"], signing_workspace, lai=True)[0].entry
    never = SlowService(signer_key, delay=3600)
    with pytest.raises(RegisterConflict) as caught:
        remote.sign_with(never, signing_workspace, other.so_ky_hieu, api.SIGNER, signer_pem, AGENCY_ID, wait=0.2,
                         every=0.05)
    assert "--hoan-tat" in caught.value.problems[0].hint
    pending = remote.pending_request(api.register_show(signing_workspace, other.so_ky_hieu, AGENCY_ID))
    assert pending is not None
    signature = next(iter(never.asked.values()))[1]
    assert remote.complete(signing_workspace, other.so_ky_hieu, signature, AGENCY_ID).path.is_file()


def test_the_local_test_provider_signs_with_its_key_file(signing_workspace: Path, pki: Pki, tmp_path: Path) -> None:
    entry = _issue(signing_workspace)
    _key, pem = _key_and_pem(pki.signer, tmp_path)
    provider = remote.LocalKeyProvider(pki.signer, PASSWORD, delay=0.2)
    signed = remote.sign_with(provider, signing_workspace, entry.so_ky_hieu, api.SIGNER, pem, AGENCY_ID, every=0.05)
    (_name, status), = _validate(signed.path, pki.trust)
    assert status.intact and status.valid and status.trusted


def test_both_steps_through_the_cli(signing_workspace: Path, pki: Pki, tmp_path: Path) -> None:
    entry = _issue(signing_workspace)
    key, pem = _key_and_pem(pki.signer, tmp_path)
    runner = CliRunner()
    request_file = tmp_path / "yeu-cau.json"
    ran = runner.invoke(main, ["--lang", "vi", "sign", entry.so_ky_hieu, "--ky-nguoi", "--chuan-bi", "--chung-thu",
                               str(pem), "-o", str(request_file), "--co-quan", AGENCY_ID])
    assert ran.exit_code == 0, ran.output
    request = json.loads(request_file.read_text("utf-8"))
    assert request["hash"] in ran.output and "--hoan-tat" in ran.output
    shown = runner.invoke(main, ["--lang", "vi", "register", "show", entry.so_ky_hieu, "--co-quan", AGENCY_ID])
    assert "Chữ ký chờ dịch vụ ký số (B-B): người có thẩm quyền, " + SIGNER in shown.output

    nothing = runner.invoke(main, ["--lang", "vi", "sign", entry.so_ky_hieu, "--hoan-tat", "--co-quan", AGENCY_ID])
    assert nothing.exit_code == ExitStatus.USAGE and "--chu-ky-b64" in nothing.output
    wrong = base64.b64encode(b"\1" * 256).decode()
    refused = runner.invoke(main, ["--lang", "vi", "sign", entry.so_ky_hieu, "--hoan-tat", "--chu-ky-b64", wrong,
                                   "--co-quan", AGENCY_ID])
    assert refused.exit_code == ExitStatus.SIGNATURE and "Traceback" not in refused.output
    assert "không khớp" in refused.output

    signature_file = tmp_path / "chu-ky.txt"
    signature_file.write_text(base64.b64encode(_sign_digest(key, request["hash"])).decode() + "\n", "ascii")
    done = runner.invoke(main, ["--lang", "vi", "sign", entry.so_ky_hieu, "--hoan-tat", "--chu-ky",
                                str(signature_file), "--co-quan", AGENCY_ID])
    assert done.exit_code == 0, done.output
    assert f"{entry.so_ky_hieu} đã được ký bởi {SIGNER}" in done.output
    shown = runner.invoke(main, ["--lang", "vi", "register", "show", entry.so_ky_hieu, "--co-quan", AGENCY_ID])
    assert f"Chữ ký 1: người có thẩm quyền, {SIGNER}" in shown.output and "chờ dịch vụ" not in shown.output
    again = runner.invoke(main, ["--lang", "vi", "sign", entry.so_ky_hieu, "--hoan-tat", "--chu-ky-b64",
                                 base64.b64encode(_sign_digest(key, request["hash"])).decode(), "--co-quan", AGENCY_ID])
    assert again.exit_code == ExitStatus.REGISTER and "không có chữ ký từ xa nào" in again.output


def test_the_cli_drives_the_test_service(signing_workspace: Path, pki: Pki, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    entry = _issue(signing_workspace)
    _key, pem = _key_and_pem(pki.signer, tmp_path)
    monkeypatch.setenv("CORRESPONDENCE_P12_PASSWORD", PASSWORD)
    ran = CliRunner().invoke(main, ["--lang", "vi", "sign", entry.so_ky_hieu, "--ky-nguoi", "--tu-xa", "thu-nghiem",
                                    "--chung-thu", str(pem), "--p12", str(pki.signer), "--co-quan", AGENCY_ID])
    assert ran.exit_code == 0, ran.output
    assert f"{entry.so_ky_hieu} đã được ký bởi {SIGNER}" in ran.output


def test_a_local_signature_ends_a_pending_remote_request(signing_workspace: Path, pki: Pki, tmp_path: Path) -> None:
    entry = _issue(signing_workspace)
    _key, pem = _key_and_pem(pki.signer, tmp_path)
    made = remote.prepare(signing_workspace, entry.so_ky_hieu, api.SIGNER, pem, None, AGENCY_ID)
    signed = api.sign(signing_workspace, entry.so_ky_hieu, api.SIGNER, pki.signer, PASSWORD, AGENCY_ID)
    row = api.register_show(signing_workspace, entry.so_ky_hieu, AGENCY_ID)
    assert remote.pending_request(row) is None and not made.prepared.exists() and signed.path.is_file()
    assert api.register_verify(signing_workspace, AGENCY_ID).problems == []
