"""Setting up an office: 'correspondence init' writes the agency profile (from a sample or the answers), the folders
and the register; 'new' then fills its skeleton with that agency; nothing is written when an answer is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from correspondence.cli import main

SO_NOI_VU = ["init", "--ma", "so-noi-vu", "--mau", "so", "--chu-quan", "Ủy ban nhân dân tỉnh Quảng Ninh",
             "--ten", "Sở Nội vụ", "--viet-tat", "SNV", "--dia-danh", "Quảng Ninh",
             "--don-vi", "VP=Văn phòng Sở", "--nguoi-ky", "Nguyễn Văn An=Giám đốc",
             "--nguoi-ky", "Trần Thị Bình=Phó Giám đốc"]


@pytest.fixture
def empty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_init_then_new_then_issue(empty: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["--lang", "vi", *SO_NOI_VU])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Đã ghi: registers/so-noi-vu.yaml", "đã tạo sổ đăng ký: registers/so-noi-vu.sqlite",
        "Tiếp theo: correspondence new cong-van -o cong-van.yaml, điền nội dung, rồi correspondence draft cong-van.yaml"]
    profile = yaml.safe_load((empty / "registers" / "so-noi-vu.yaml").read_text("utf-8"))
    assert profile["ten_co_quan"] == ["Sở Nội vụ"] and profile["thu_truong"] == "Giám đốc"
    assert profile["nguoi_ky"] == {"nguyen_van_an": {"ho_ten": "Nguyễn Văn An", "chuc_vu": "Giám đốc"},
                                   "tran_thi_binh": {"ho_ten": "Trần Thị Bình", "chuc_vu": "Phó Giám đốc"}}
    assert all((empty / folder).is_dir() for folder in ("templates", "output"))
    assert runner.invoke(main, ["--lang", "vi", "new", "cong-van", "-o", "cong-van.yaml"]).exit_code == 0
    record = yaml.safe_load((empty / "cong-van.yaml").read_text("utf-8"))
    assert (record["co_quan"], record["don_vi"], record["ky"]) == (
        "so-noi-vu", "VP", {"tham_quyen": "KT", "nguoi_ky": "tran_thi_binh"})
    issued = runner.invoke(main, ["--lang", "vi", "issue", "cong-van.yaml", "-f", "pdf"])
    assert issued.exit_code == 0, issued.output
    import pypdf

    pdf = next((empty / "output" / "so-noi-vu").rglob("*.pdf"))
    text = " ".join(pypdf.PdfReader(pdf).pages[0].extract_text().split())
    assert "SỞ NỘI VỤ" in text and "Số: 01/SNV-VP" in text and "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC" in text
    again = runner.invoke(main, ["--lang", "vi", *SO_NOI_VU])
    assert again.exit_code != 0 and "đã có hồ sơ" in again.output


def test_wrong_answers_write_nothing(empty: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(main, ["--lang", "vi", "init", "--mau", "so"])
    assert missing.exit_code == 2 and "--ma" in missing.output
    result = runner.invoke(main, ["--lang", "vi", "init", "--ma", "so-tai-chinh", "--mau", "so", "--ten", "Sở Tài chính",
                                  "--don-vi", "Văn phòng"])
    assert result.exit_code == 3, result.output
    lines = result.output.splitlines()
    assert "  --don-vi: don_vi: 'Văn phòng' không có dạng A=B" in lines
    assert "  --viet-tat: viet_tat: vẫn còn chỗ để trống '…': điền thông tin của cơ quan" in lines
    assert "  --nguoi-ky: nguoi_ky: vẫn còn chỗ để trống '…': điền thông tin của cơ quan" in lines
    assert "  --dia-danh: dia_danh: vẫn còn chỗ để trống '…': điền thông tin của cơ quan" in lines
    unknown = runner.invoke(main, ["--lang", "vi", "init", "--ma", "x", "--mau", "bo"])
    assert unknown.exit_code == 3 and "ubnd-tinh" in unknown.output
    bad_name = runner.invoke(main, ["--lang", "vi", "init", "--ma", "Sở/Tài chính"])
    assert bad_name.exit_code == 3 and "--ma" in bad_name.output
    assert list(empty.iterdir()) == [], "nothing written"


def test_a_register_that_cannot_be_created_leaves_nothing_behind(empty: Path) -> None:
    """The profile is written before the register is created; a PostgreSQL server out of reach takes it back."""
    result = CliRunner().invoke(main, ["--lang", "vi", "--register", "postgresql://van-thu@127.0.0.1:9/so_noi_vu",
                                       *SO_NOI_VU])
    assert result.exit_code != 0 and "Traceback" not in result.output, result.output
    assert "127.0.0.1" in result.output or "PostgreSQL" in result.output, result.output
    assert list(empty.iterdir()) == [], "neither the profile nor the folders stay"
