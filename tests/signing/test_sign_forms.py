"""The agency's signatures that show no picture (an annex issued in a file of its own, an electronic copy: ND 30 PL I
Phần I Mục II khoản 8.b, Mục III khoản 1.d, Phần II Mục I khoản 3), the agency certificate's name, the signer's
signature checked again before the agency signs, B-T / B-LT, and the register, the hồ sơ package and their
signatures — on SQLite and PostgreSQL where the register is touched. Asserted with pyHanko's validator and
pdfplumber."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
import yaml
from click.testing import CliRunner

from correspondence import api
from correspondence.cli import main
from correspondence.errors import ExitStatus, RegisterConflict, SigningLevelError, UsageError
from tests.render.test_pdfa import structural_problems
from tests.signing.conftest import AGENCY, PASSWORD, Pki
from tests.signing.test_sign import _validate

AGENCY_ID = "ubnd-quang-ninh"
SPEC = {"tieu_de": "Danh mục bổ sung", "cot": [{"ten": "TT", "kieu": "stt", "rong": 12},
                                              {"ten": "Đơn vị", "khoa": "don_vi", "rong": 80}]}
ROWS = [{"don_vi": "Sở Tư pháp"}, {"don_vi": "UBND huyện Đông Triều"}]
MOMENT = re.compile(r"(\d\d)/(\d\d)/(\d{4}); (\d\d):(\d\d):(\d\d) \+07:00$")


@pytest.fixture(params=["sqlite", "postgresql"])
def register(request: pytest.FixtureRequest, signing_workspace: Path) -> str | None:
    """The register the signing tests use: the workspace's SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return None
    from correspondence.register.store import Register

    url = str(request.getfixturevalue("postgres").fresh_database(f"s{next(_databases)}"))
    Register(url, create=True).close()
    return url


_databases = iter(range(1, 1_000_000))


def _issue(workspace: Path, register: str | None, name: str = "cong-van-3018.yaml") -> Any:
    return api.issue([workspace / "examples" / name], workspace, register=register)[0].entry


def _annex(workspace: Path, register: str | None, number: str) -> Path:
    (workspace / "spec.yaml").write_text(yaml.safe_dump(SPEC, allow_unicode=True), "utf-8")
    (workspace / "rows.json").write_text(json.dumps(ROWS, ensure_ascii=False), "utf-8")
    written = api.annex(workspace, number, workspace / "rows.json", workspace / "spec.yaml", agency=AGENCY_ID,
                        register_url=register, formats=("pdf",), dien_tu=True)
    return next(p for p in written if p.suffix == ".pdf")


def _statuses(path: Path, pki: Pki) -> list[Any]:
    return [status for _name, status in _validate(path, pki.trust)]


def _assert_drawn(path: Path, text: str) -> None:
    """``text`` at the top right of page 1 in the PDF's face at 10 pt, over nothing else, inside the page: read by
    pdfplumber from the page as a viewer shows it (the widgets' appearances flattened into a copy)."""
    import pikepdf

    from correspondence.render.fonts import pdf_face

    family = pdf_face()[0].replace(" ", "")
    shown = io.BytesIO()
    with pikepdf.open(path) as flat:
        assert [str(a.T) for a in flat.pages[0].Annots if "/T" in a] == ["co_quan"]
        flat.flatten_annotations("all")
        flat.save(shown)
    def key(c: dict[str, Any]) -> tuple[str, float, float]:
        return c["text"], round(c["x0"], 1), round(c["top"], 1)

    with pdfplumber.open(path) as pdf:
        content = {key(c) for c in pdf.pages[0].chars}  # the page's own text, without the widgets
    with pdfplumber.open(shown) as pdf:
        page = pdf.pages[0]
        chars = page.chars
        drawn = [c for c in chars if key(c) not in content]
        found = "".join(c["text"] for c in drawn)
        assert found.replace(" ", "") == text.replace(" ", ""), found
        assert all(abs(float(c["size"]) - 10) < 0.01 for c in drawn)
        assert all(family in c["fontname"] for c in drawn)
        assert all(c.get("non_stroking_color") in ((0,), (0, 0, 0), [0], [0, 0, 0], None) for c in drawn)
        body = [c for c in chars if c not in drawn]
        assert min(c["x0"] for c in drawn) > min(c["x0"] for c in body)  # inside the text area, from its right
        right = max(c["x1"] for c in drawn)
        assert abs(right - max(c["x1"] for c in body)) < 2 * 72 / 25.4 and right < page.width  # text's right edge, 2 mm
        assert max(c["bottom"] for c in drawn) < min(c["top"] for c in body)  # above the page's first line


def test_an_annex_in_its_own_file_gets_the_agency_signature_with_its_number_and_time(
        signing_workspace: Path, pki: Pki, register: str | None) -> None:
    entry = _issue(signing_workspace, register)
    annex = _annex(signing_workspace, register, entry.so_ky_hieu)
    before = annex.read_bytes()
    done = api.sign_annexes(signing_workspace, entry.so_ky_hieu, pki.agency, PASSWORD, AGENCY_ID,
                            register_url=register)
    assert [s.path.name for s in done] == [annex.name.replace(".pdf", ".ky-co-quan.pdf")]
    signed = done[0].path
    assert annex.read_bytes() == before  # the annex as issued is kept
    assert signed.read_bytes().startswith(before)

    (status,) = _statuses(signed, pki)
    assert status.intact and status.valid and status.trusted and status.md_algorithm == "sha256"
    assert status.signing_cert.subject.native["common_name"] == AGENCY
    at = status.signer_reported_dt.astimezone(dt.timezone(dt.timedelta(hours=7)))
    expected = f"Số: {entry.so_ky_hieu}; {at:%d/%m/%Y}; {at:%H:%M:%S} +07:00"
    _assert_drawn(signed, expected)  # the time the signature carries, in Vietnam's time
    assert structural_problems(signed) == structural_problems(annex)  # signing adds no PDF/A problem

    shown = api.register_show(signing_workspace, entry.so_ky_hieu, AGENCY_ID, register_url=register)
    (item,) = [s for s in api.entry_signatures(shown) if s.get("phu_luc")]
    assert item["phu_luc"] == annex.relative_to(signing_workspace).as_posix() and item["ky"] == "co_quan"
    assert api.register_verify(signing_workspace, AGENCY_ID, register).problems == []
    with pytest.raises(RegisterConflict) as caught:  # signed once
        api.sign_annexes(signing_workspace, entry.so_ky_hieu, pki.agency, PASSWORD, AGENCY_ID, register_url=register)
    assert "phụ lục" in caught.value.message


def test_an_electronic_copy_gets_the_agency_signature_with_the_o_14_text(signing_workspace: Path, pki: Pki,
                                                                         register: str | None) -> None:
    _issue(signing_workspace, register)
    copy = _issue(signing_workspace, register, "sao-y.yaml")
    signed = api.sign(signing_workspace, copy.so_ky_hieu, api.AGENCY, pki.agency, PASSWORD, AGENCY_ID,
                      register_url=register)
    (status,) = _statuses(signed.path, pki)
    assert status.intact and status.valid and status.trusted
    at = status.signer_reported_dt.astimezone(dt.timezone(dt.timedelta(hours=7)))
    _assert_drawn(signed.path, f"Sao y; Ủy ban nhân dân tỉnh Quảng Ninh; {at:%d/%m/%Y}; {at:%H:%M:%S} +07:00")
    assert structural_problems(signed.path) == []
    assert api.register_verify(signing_workspace, AGENCY_ID, register).problems == []


def test_the_cli_signs_the_annexes_with_phu_luc(signing_workspace: Path, pki: Pki,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    entry = _issue(signing_workspace, None)
    annex = _annex(signing_workspace, None, entry.so_ky_hieu)
    monkeypatch.setenv("CORRESPONDENCE_P12_PASSWORD", PASSWORD)
    runner = CliRunner()
    wrong = runner.invoke(main, ["--lang", "vi", "sign", entry.so_ky_hieu, "--ky-nguoi", "--phu-luc", "--p12",
                                 str(pki.signer), "--co-quan", AGENCY_ID])
    assert wrong.exit_code == ExitStatus.USAGE and "--phu-luc" in wrong.output
    result = runner.invoke(main, ["--lang", "vi", "sign", entry.so_ky_hieu, "--ky-co-quan", "--phu-luc", "--p12",
                                  str(pki.agency), "--co-quan", AGENCY_ID])
    assert result.exit_code == 0, result.output
    assert annex.name.replace(".pdf", ".ky-co-quan.pdf") in result.output
    # the document itself is not signed by this: its signer signs it first, then the agency
    shown = api.register_show(signing_workspace, entry.so_ky_hieu, AGENCY_ID)
    assert [s.get("phu_luc") is not None for s in api.entry_signatures(shown)] == [True]


def test_the_agency_certificate_must_bear_the_agency_name(signing_workspace: Path, pki: Pki,
                                                          register: str | None) -> None:
    entry = _issue(signing_workspace, register)
    api.sign(signing_workspace, entry.so_ky_hieu, api.SIGNER, pki.signer, PASSWORD, AGENCY_ID, register_url=register)
    folder = signing_workspace / "output" / AGENCY_ID
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    for certificate in (pki.stranger, pki.signer):  # another person; the signer's own key is not the agency's
        with pytest.raises(UsageError) as caught:
            api.sign(signing_workspace, entry.so_ky_hieu, api.AGENCY, certificate, PASSWORD, AGENCY_ID,
                     register_url=register)
        assert "không phải của cơ quan (Ủy ban nhân dân tỉnh Quảng Ninh)" in caught.value.message
        assert "ten_co_quan" in caught.value.problems[0].hint
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before
    shown = api.register_show(signing_workspace, entry.so_ky_hieu, AGENCY_ID, register_url=register)
    assert [s["ky"] for s in api.entry_signatures(shown)] == ["nguoi_ky"]


def test_the_agency_step_verifies_the_signers_signature_itself(signing_workspace: Path, pki: Pki) -> None:
    """A signer's file whose record was made to match a changed file (the register's hash agrees) is still refused:
    the signature itself is checked before the agency signs (ND 30 Art. 32.2.d)."""
    import sqlite3

    from correspondence import storage

    entry = _issue(signing_workspace, None)
    first = api.sign(signing_workspace, entry.so_ky_hieu, api.SIGNER, pki.signer, PASSWORD, AGENCY_ID)
    data = bytearray(first.path.read_bytes())
    where = data.index(b"stream", data.index(b"/Contents") // 2) + 20
    data[where] ^= 0x01
    first.path.write_bytes(bytes(data))
    database = signing_workspace / "registers" / f"{AGENCY_ID}.sqlite"
    with sqlite3.connect(database) as conn:
        (files,) = conn.execute("SELECT files_json FROM entries WHERE id = ?", (entry.id,)).fetchone()
        items = json.loads(files)
        for item in items:
            if item.get("ky") == "nguoi_ky":
                item["sha256"] = storage.sha256(bytes(data))
        conn.execute("UPDATE entries SET files_json = ? WHERE id = ?", (json.dumps(items), entry.id))
    with pytest.raises(RegisterConflict) as caught:
        api.sign(signing_workspace, entry.so_ky_hieu, api.AGENCY, pki.agency, PASSWORD, AGENCY_ID)
    assert "không hợp lệ" in caught.value.message and first.path.name in caught.value.message
    assert not first.path.with_name(first.path.name.replace(".ky.pdf", ".ky-co-quan.pdf")).exists()


def _sign_both(workspace: Path, pki: Pki, register: str | None) -> Any:
    entry = _issue(workspace, register)
    api.sign(workspace, entry.so_ky_hieu, api.SIGNER, pki.signer, PASSWORD, AGENCY_ID, register_url=register)
    return entry, api.sign(workspace, entry.so_ky_hieu, api.AGENCY, pki.agency, PASSWORD, AGENCY_ID,
                           register_url=register)


def test_register_show_says_signed_only_when_the_signatures_verify(signing_workspace: Path, pki: Pki,
                                                                  register: str | None) -> None:
    entry = _issue(signing_workspace, register)
    runner = CliRunner()
    base = ["--lang", "vi", *(["--register", register] if register else [])]

    def shown() -> str:
        result = runner.invoke(main, [*base, "register", "show", entry.so_ky_hieu, "--co-quan", AGENCY_ID])
        assert result.exit_code == 0, result.output
        return result.output

    assert "Chữ ký số:" not in shown()
    api.sign(signing_workspace, entry.so_ky_hieu, api.SIGNER, pki.signer, PASSWORD, AGENCY_ID, register_url=register)
    assert "Chữ ký số: mới có chữ ký của người có thẩm quyền (cơ quan chưa ký)" in shown()
    second = api.sign(signing_workspace, entry.so_ky_hieu, api.AGENCY, pki.agency, PASSWORD, AGENCY_ID,
                      register_url=register)
    assert "Chữ ký số: đã ký (các chữ ký số hợp lệ)" in shown()
    listed = runner.invoke(main, [*base, "register", "list", "--co-quan", AGENCY_ID])
    assert "đã ký" in listed.output
    data = bytearray(second.path.read_bytes())
    data[data.index(b"stream", data.index(b"/Contents") // 2) + 20] ^= 0x01
    second.path.write_bytes(bytes(data))
    assert "Chữ ký số: KHÔNG HỢP LỆ" in shown()
    assert api.signature_state(signing_workspace, api.register_show(
        signing_workspace, entry.so_ky_hieu, AGENCY_ID, register_url=register)) == "khong_hop_le"


def test_the_ho_so_package_carries_the_signed_original_and_checks_its_signatures(signing_workspace: Path, pki: Pki,
                                                                                 register: str | None) -> None:
    from correspondence.archive import hoso

    entry, second = _sign_both(signing_workspace, pki, register)
    hoso.create(signing_workspace, "01.XD", "Hồ sơ xây dựng", "10", entry.year, agency=AGENCY_ID,
                register_url=register)
    hoso.add(signing_workspace, "01.XD", entry.so_ky_hieu, entry.year, AGENCY_ID, register)
    hoso.close(signing_workspace, "01.XD", entry.year, AGENCY_ID, register)
    out = signing_workspace / "goi"
    api.ho_so_export(signing_workspace, out, "01.XD", agency=AGENCY_ID, register_url=register)
    (carried,) = [p for p in out.rglob("*.pdf")]
    assert carried.read_bytes() == second.path.read_bytes()  # the agency-signed electronic original
    assert structural_problems(carried) == []
    assert api.package_check(out).problems == []

    data = bytearray(carried.read_bytes())
    data[data.index(b"stream", data.index(b"/Contents") // 2) + 20] ^= 0x01
    carried.write_bytes(bytes(data))
    messages = [p.message for p in api.package_check(out).problems]
    assert any("chữ ký của" in m and "không còn toàn vẹn" in m for m in messages), messages


def _tsa_server(tmp: Path) -> Any:
    """An RFC 3161 timestamp server on loopback, in this process: pyHanko's DummyTimeStamper answers each
    TimeStampReq with a test TSA key (made here with cryptography)."""
    import http.server
    import threading

    from asn1crypto import keys as asn1_keys
    from asn1crypto import tsp
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "TSA thử nghiệm")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
            .sign(key, hashes.SHA256()))
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())))

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            answer = stamper.request_tsa_response(request).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *_args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_b_t_and_b_lt_are_asked_by_flags(signing_workspace: Path, pki: Pki, tmp_path: Path) -> None:
    """B-T here; B-LT, with a CA whose certificates name a revocation responder: tests/signing/test_ltv.py."""
    import pikepdf

    server = _tsa_server(tmp_path)
    try:
        entry = _issue(signing_workspace, None)
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        first = api.sign(signing_workspace, entry.so_ky_hieu, api.SIGNER, pki.signer, PASSWORD, AGENCY_ID, tsa=url)
        with pytest.raises(UsageError) as caught:  # B-LT is B-T with the revocation answers
            api.sign(signing_workspace, entry.so_ky_hieu, api.AGENCY, pki.agency, PASSWORD, AGENCY_ID, ltv=True)
        assert "--tsa" in caught.value.message
        with pytest.raises(SigningLevelError) as level:  # this TSA's certificate is not from the key's CA
            api.sign(signing_workspace, entry.so_ky_hieu, api.AGENCY, pki.agency, PASSWORD, AGENCY_ID, tsa=url,
                     ltv=True)
        assert "B-LT" in level.value.message and "máy chủ cấp dấu thời gian" in level.value.message
        second = api.sign(signing_workspace, entry.so_ky_hieu, api.AGENCY, pki.agency, PASSWORD, AGENCY_ID, tsa=url)
    finally:
        server.shutdown()
    signer_status, agency_status = _statuses(second.path, pki)
    assert signer_status.intact and signer_status.valid
    assert signer_status.timestamp_validity is not None and signer_status.timestamp_validity.intact  # B-T
    assert agency_status.timestamp_validity is not None and agency_status.timestamp_validity.intact
    for path in (first.path, second.path):
        with pikepdf.open(path) as pdf:
            assert "/DSS" not in pdf.Root
    levels = [s["muc"] for s in api.entry_signatures(api.register_show(signing_workspace, entry.so_ky_hieu,
                                                                         AGENCY_ID))]
    assert levels == ["B-T", "B-T"]
    assert structural_problems(second.path) == []

    offline = api.issue([signing_workspace / "examples" / "cong-van-3018.yaml"], signing_workspace, lai=True)[0].entry
    # a server that does not answer: nothing signed, said clearly
    with pytest.raises(SigningLevelError) as caught:
        api.sign(signing_workspace, offline.so_ky_hieu, api.SIGNER, pki.signer, PASSWORD, AGENCY_ID,
                 tsa="http://127.0.0.1:9/")
    assert "B-T" in caught.value.message and caught.value.status == ExitStatus.SIGNATURE
    assert api.entry_signatures(api.register_show(signing_workspace, offline.so_ky_hieu, AGENCY_ID)) == []
