"""sign SO --ky-nguoi / --ky-co-quan, verify-signature, and the register's record and check of signed files: asserted
with pyHanko's validator, pdfplumber's word positions and the project's PDF/A checks."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from click.testing import CliRunner

from correspondence import api
from correspondence.cli import main
from correspondence.errors import ExitStatus, RegisterConflict, UsageError
from tests.render.test_pdfa import attached, structural_problems
from tests.signing.conftest import PASSWORD, SIGNER, Pki

AGENCY_ID = "ubnd-quang-ninh"


def _issue(workspace: Path) -> Any:
    return api.issue([workspace / "examples" / "cong-van-3018.yaml"], workspace)[0].entry


def _sign_both(workspace: Path, pki: Pki) -> tuple[Any, Path, Path]:
    entry = _issue(workspace)
    first = api.sign(workspace, entry.so_ky_hieu, api.SIGNER, pki.signer, PASSWORD, AGENCY_ID)
    second = api.sign(workspace, entry.so_ky_hieu, api.AGENCY, pki.agency, PASSWORD, AGENCY_ID)
    return entry, first.path, second.path


def _validate(path: Path, trust: Path) -> list[tuple[str, Any]]:
    from asn1crypto import pem, x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    roots = [x509.Certificate.load(pem.unarmor(p.read_bytes())[2]) if pem.detect(p.read_bytes())
             else x509.Certificate.load(p.read_bytes()) for p in sorted(trust.iterdir())]
    reader = PdfFileReader(io.BytesIO(path.read_bytes()))
    return [(str(sig.field_name), validate_pdf_signature(sig, ValidationContext(trust_roots=roots)))
            for sig in reader.embedded_signatures]


def _widgets(path: Path) -> dict[str, tuple[float, float, float, float]]:
    import pikepdf

    with pikepdf.open(path) as pdf:
        return {str(a.T): tuple(float(v) for v in a.Rect) for a in pdf.pages[-1].Annots if "/T" in a}


def test_the_signer_then_the_agency_sign_in_two_revisions(signing_workspace: Path, pki: Pki) -> None:
    entry, first, second = _sign_both(signing_workspace, pki)
    original = signing_workspace / next(f["path"] for f in entry.files if f["path"].endswith(".pdf"))
    assert first.name == original.name.replace(".pdf", ".ky.pdf")
    assert second.name == original.name.replace(".pdf", ".ky-co-quan.pdf")
    assert second.read_bytes().startswith(first.read_bytes())  # an incremental revision of the signer's file
    assert first.read_bytes().startswith(original.read_bytes())

    results = _validate(second, pki.trust)
    assert [name for name, _status in results] == ["nguoi_ky", "co_quan"]
    for _name, status in results:
        assert status.intact and status.valid and status.trusted
        assert status.md_algorithm == "sha256"
    assert results[0][1].signing_cert.subject.native["common_name"] == SIGNER

    with pdfplumber.open(second) as pdf:
        page = pdf.pages[-1]
        height = float(page.height)
        lines = page.extract_text_lines()
    name = next(line for line in lines if line["text"].strip() == SIGNER)
    title = max((line for line in lines if line["bottom"] <= name["top"] and line["x0"] > page.width / 2 - 60),
                key=lambda line: line["bottom"])
    assert title["text"].strip().endswith("PHÓ CHỦ TỊCH")
    boxes = _widgets(second)
    x1, y1, x2, y2 = boxes["nguoi_ky"]
    top, bottom = height - y2, height - y1  # pdfplumber's top-down coordinates
    assert title["bottom"] <= top and bottom <= name["top"]
    assert abs((top + bottom) / 2 - (title["bottom"] + name["top"]) / 2) < 1.0  # centred between title and name
    assert abs((x1 + x2) / 2 - (name["x0"] + name["x1"]) / 2) < 1.0
    s1, s2, s3, s4 = boxes["co_quan"]
    assert abs((s3 - s1) - 36 * 72 / 25.4) < 0.5  # the seal at its real size
    assert abs(s3 - (x1 + (x2 - x1) / 3)) < 0.5  # over the left third of the signer's picture
    assert s1 < x1 and abs((s2 + s4) / 2 - (y1 + y2) / 2) < 0.5

    assert structural_problems(second) == []
    assert attached(second) == attached(original)

    report = api.register_verify(signing_workspace, AGENCY_ID)
    assert report.problems == []
    shown = api.register_show(signing_workspace, entry.so_ky_hieu, AGENCY_ID)
    assert [(s["ky"], s["nguoi"]) for s in api.entry_signatures(shown)] == [
        ("nguoi_ky", SIGNER), ("co_quan", "Ủy ban nhân dân tỉnh Quảng Ninh")]


def test_the_agency_cannot_sign_before_the_signer(signing_workspace: Path, pki: Pki) -> None:
    entry = _issue(signing_workspace)
    folder = signing_workspace / "output" / AGENCY_ID
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    with pytest.raises(RegisterConflict) as caught:
        api.sign(signing_workspace, entry.so_ky_hieu, api.AGENCY, pki.agency, PASSWORD, AGENCY_ID)
    assert "32.2.d" in caught.value.message
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before
    assert api.entry_signatures(api.register_show(signing_workspace, entry.so_ky_hieu, AGENCY_ID)) == []


def test_a_certificate_of_someone_else_is_refused(signing_workspace: Path, pki: Pki) -> None:
    entry = _issue(signing_workspace)
    folder = signing_workspace / "output" / AGENCY_ID
    before = sorted(p.name for p in folder.rglob("*") if p.is_file())
    with pytest.raises(UsageError) as caught:
        api.sign(signing_workspace, entry.so_ky_hieu, api.SIGNER, pki.stranger, PASSWORD, AGENCY_ID)
    assert "Trần Văn Khác" in caught.value.message and SIGNER in caught.value.message
    assert sorted(p.name for p in folder.rglob("*") if p.is_file()) == before


def test_a_wrong_password_is_said(signing_workspace: Path, pki: Pki) -> None:
    entry = _issue(signing_workspace)
    with pytest.raises(UsageError) as caught:
        api.sign(signing_workspace, entry.so_ky_hieu, api.SIGNER, pki.signer, "sai", AGENCY_ID)
    assert caught.value.message.startswith("Mật khẩu của tệp khóa không đúng")


def test_verify_signature_reports_a_flipped_byte_and_an_untrusted_root(signing_workspace: Path, pki: Pki,
                                                                      tmp_path: Path) -> None:
    _entry, _first, second = _sign_both(signing_workspace, pki)
    runner = CliRunner()
    good = runner.invoke(main, ["--lang", "vi", "verify-signature", str(second), "--tin-cay", str(pki.trust)])
    assert good.exit_code == 0, good.output
    assert "Cả 2 chữ ký đều toàn vẹn, hợp lệ và tin cậy." in good.output

    untrusted = runner.invoke(main, ["--lang", "vi", "verify-signature", str(second), "--tin-cay", str(pki.other_root)])
    assert untrusted.exit_code == ExitStatus.SIGNATURE
    assert "tin cậy: không" in untrusted.output
    assert not any(c.trusted for c in api.verify_signature(second, pki.other_root))

    data = bytearray(second.read_bytes())
    where = data.index(b"/Contents") // 2  # inside the first revision, which both signatures cover
    where = data.index(b"stream", where) + 20
    data[where] ^= 0x01
    flipped = tmp_path / "flipped.pdf"
    flipped.write_bytes(bytes(data))
    checked = api.verify_signature(flipped, pki.trust)
    assert checked and not any(c.intact for c in checked)
    broken = runner.invoke(main, ["--lang", "vi", "verify-signature", str(flipped), "--tin-cay", str(pki.trust)])
    assert broken.exit_code == ExitStatus.SIGNATURE
    assert "toàn vẹn: không" in broken.output


def test_the_cli_signs_with_the_password_from_the_environment(signing_workspace: Path, pki: Pki,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    entry = _issue(signing_workspace)
    monkeypatch.setenv("CORRESPONDENCE_P12_PASSWORD", PASSWORD)
    runner = CliRunner()
    result = runner.invoke(main, ["--lang", "vi", "sign", entry.so_ky_hieu, "--ky-nguoi", "--p12", str(pki.signer),
                                  "--co-quan", AGENCY_ID])
    assert result.exit_code == 0, result.output
    assert f"{entry.so_ky_hieu} đã được ký bởi {SIGNER}" in result.output
    again = runner.invoke(main, ["--lang", "vi", "sign", entry.so_ky_hieu, "--ky-nguoi", "--p12", str(pki.signer),
                                 "--co-quan", AGENCY_ID])
    assert again.exit_code == ExitStatus.REGISTER and "đã được ký" in again.output
    shown = runner.invoke(main, ["--lang", "vi", "register", "show", entry.so_ky_hieu, "--co-quan", AGENCY_ID])
    assert f"Chữ ký 1: người có thẩm quyền, {SIGNER}" in shown.output
