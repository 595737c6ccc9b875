"""The steps of docs/ky-so.md, run as the clerk types them (its ```sh blocks are skipped by the docs tests: they
need .p12 files, which this test makes)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from correspondence.cli import main
from tests.signing.conftest import PASSWORD, Pki


def test_the_steps_of_the_signing_guide(signing_workspace: Path, pki: Pki, monkeypatch: pytest.MonkeyPatch) -> None:
    (signing_workspace / "registers" / "ubnd-ninh-thuan.yaml").unlink(missing_ok=True)  # an office of one agency
    shutil.copy(pki.signer, signing_workspace / "dang-huy-hau.p12")
    shutil.copy(pki.agency, signing_workspace / "co-quan.p12")
    shutil.copytree(pki.trust, signing_workspace / "tin-cay")
    monkeypatch.setenv("CORRESPONDENCE_P12_PASSWORD", PASSWORD)
    runner = CliRunner()
    steps = [
        ["issue", "examples/cong-van-3018.yaml"],
        ["sign", "01/UBND-XD6", "--ky-nguoi", "--p12", "dang-huy-hau.p12"],
        ["sign", "01/UBND-XD6", "--ky-co-quan", "--p12", "co-quan.p12"],
        ["verify-signature", "output/ubnd-quang-ninh/2019/01-UBND-XD6.ky-co-quan.pdf", "--tin-cay", "tin-cay/"],
        ["register", "show", "01/UBND-XD6"],
        ["register", "verify"],
    ]
    outputs = []
    for step in steps:
        result = runner.invoke(main, ["--lang", "vi", *step])
        assert result.exit_code == 0, (step, result.output)
        outputs.append(result.output)
    assert "Chữ ký 2: cơ quan" in outputs[4]
    assert "Sổ nhất quán" in outputs[5]
