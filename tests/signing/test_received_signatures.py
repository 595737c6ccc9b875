"""A document another agency sends signed has its signatures checked on receipt (ND 30 Art. 21: the receiver checks
the signatures before registering): the clerk is told, for each PDF received, who signed, and whether each signature
is intact, valid and trusted to the roots of --tin-cay."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from correspondence import api
from correspondence.cli import main
from tests.signing.conftest import PASSWORD, SIGNER, Pki

AGENCY_ID = "ubnd-quang-ninh"
A_CODE, B_CODE = "000.00.00.H22", "000.00.00.H45"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, ["--lang", "vi", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_signed_document_received_has_its_signatures_checked(signing_workspace: Path, pki: Pki, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    a = signing_workspace
    profile = a / "registers" / f"{AGENCY_ID}.yaml"
    profile.write_text(profile.read_text("utf-8") + f"ma_dinh_danh: {A_CODE}\n", "utf-8")
    b = tmp_path / "b"
    (b / "registers").mkdir(parents=True)
    (b / "output").mkdir()
    shutil.copy(EXAMPLES / "registers" / "ubnd-ninh-thuan.yaml", b / "registers")
    api.register_init(b, "ubnd-ninh-thuan")
    (tmp_path / "a.csv").write_text(f"ma,ten\n{B_CODE},UBND tỉnh Ninh Thuận\n", "utf-8")
    api.exchange_directory_import(a, tmp_path / "a.csv")
    entry = api.issue([a / "examples" / "cong-van-3018.yaml"], a)[0].entry
    api.sign(a, entry.so_ky_hieu, api.SIGNER, pki.signer, PASSWORD, AGENCY_ID)
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "gui"
    _run("-C", str(a), "exchange", "send", entry.so_ky_hieu, "--toi", B_CODE, "-o", str(out), "--co-quan", AGENCY_ID)
    (envelope,) = out.glob("*.edxml")

    said = _run("-C", str(b), "exchange", "receive", str(envelope), "--tin-cay", str(pki.trust))
    assert f"chữ ký số 1: {SIGNER}" in said, said
    assert "toàn vẹn: có; hợp lệ: có; tin cậy: có" in said, said
    again = CliRunner().invoke(main, ["--lang", "vi", "-C", str(b), "exchange", "receive", str(envelope)])
    assert again.exit_code != 0  # the same envelope twice is refused before any signature is looked at
