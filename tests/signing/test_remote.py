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
