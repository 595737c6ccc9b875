"""Corrections: a document issued to replace another (``--thay-the``) voids the old number and links both rows; the
đính chính công văn is drafted from the register row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from correspondence.errors import RegisterConflict, UsageError
from correspondence.outgoing import issue, transaction
from correspondence.outgoing import registry as service

D = dt.date(2019, 5, 7)
E = dt.date(2019, 5, 9)


def test_a_correction_voids_the_old_number_and_links_both_rows(make_record: Callable[..., Path], workspace: Path,
                                                                register_url: str) -> None:
    issue([make_record("a.yaml")], workspace, D, register_url)
    fixed = make_record("a-sua.yaml", trich_yeu="V/v triển khai thực hiện (đã sửa)")
    (new,) = issue([fixed], workspace, E, register_url, thay_the="01/UBND-XD6")
    assert new.entry.so_ky_hieu == "02/UBND-XD6" and new.failure is None
    old = service.show(workspace, "01/UBND-XD6", register_url=register_url)
    new_row = service.show(workspace, "02/UBND-XD6", register_url=register_url)
    assert old.status == "voided" and old.ghi_chu == "Thay thế bằng 02/UBND-XD6"
    assert new_row.status == "issued" and new_row.ghi_chu == "Thay thế văn bản số 01/UBND-XD6 ngày 07/05/2019"
    assert (old.thay_the_boi, new_row.thay_the) == (new_row.id, old.id)
    note = workspace / "output" / "ubnd-quang-ninh" / "2019" / "01-UBND-XD6.DA-HUY.txt"
    assert note.read_text("utf-8").startswith("Số 01/UBND-XD6 ngày 07/05/2019: ĐÃ ĐƯỢC THAY THẾ bằng văn bản số 02/UBND-XD6.")
    assert (workspace / "output" / "ubnd-quang-ninh" / "2019" / "01-UBND-XD6.pdf").is_file(), "the original stays"
    report = service.verify(workspace, register_url=register_url)
    assert report.problems == [] and report.checked == 2
    exported = service.export(workspace, 2019, "csv", register_url=register_url)
    text = exported.read_text("utf-8-sig")
    assert "Thay thế bằng 02/UBND-XD6" in text and "Thay thế văn bản số 01/UBND-XD6 ngày 07/05/2019" in text


def test_what_cannot_be_replaced_takes_no_number(make_record: Callable[..., Path], workspace: Path,
                                                 register_url: str) -> None:
    issue([make_record("a.yaml")], workspace, D, register_url)
    service.void(workspace, "01/UBND-XD6", "Sai", register_url=register_url)
    issue([make_record("b.yaml", trich_yeu="V/v khác")], workspace, D, register_url)
    for number, message in (("01/UBND-XD6", "01/UBND-XD6 đã bị hủy (Sai): không còn gì để thay thế"),
                            ("09/UBND-XD6", "09/UBND-XD6 không có trong sổ của ubnd-quang-ninh"),
                            ("chín", "'chín' không phải số, ký hiệu dạng 3018/UBND-XD6")):
        with pytest.raises(RegisterConflict) as caught:
            issue([make_record("c.yaml", trich_yeu="V/v sửa")], workspace, E, register_url, thay_the=number)
        assert caught.value.message == message
    with pytest.raises(UsageError):
        issue([make_record("c.yaml"), make_record("d.yaml")], workspace, E, register_url, thay_the="02/UBND-XD6")
    assert [e.number for e in service.list_entries(workspace, register_url=register_url)] == [1, 2]
    (again,) = issue([make_record("c.yaml", trich_yeu="V/v sửa")], workspace, E, register_url, thay_the="02/UBND-XD6")
    assert again.entry.number == 3
    with pytest.raises(RegisterConflict) as caught:
        issue([make_record("e.yaml", trich_yeu="V/v sửa lần nữa")], workspace, E, register_url, thay_the="02/UBND-XD6")
    assert caught.value.message.startswith("02/UBND-XD6 đã bị hủy (Thay thế bằng 03/UBND-XD6)")


def test_a_crash_before_the_link_is_completed_by_the_next_run(make_record: Callable[..., Path], workspace: Path,
                                                             register_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    issue([make_record("a.yaml")], workspace, D, register_url)

    def crash(*_args: object) -> None:
        raise SystemExit("killed")

    monkeypatch.setattr(transaction, "link_replacement", crash)
    with pytest.raises(SystemExit):
        issue([make_record("b.yaml", trich_yeu="V/v sửa")], workspace, E, register_url, thay_the="01/UBND-XD6")
    monkeypatch.undo()
    unfinished = service.verify(workspace, register_url=register_url, repair=False)
    assert [p.message for p in unfinished.problems] == ["01/UBND-XD6: đã được thay thế bằng 02/UBND-XD6 nhưng chưa hủy"]
    repaired = service.verify(workspace, register_url=register_url)
    assert repaired.repaired == ["01/UBND-XD6"] and repaired.problems == []
    assert service.show(workspace, "01/UBND-XD6", register_url=register_url).ghi_chu == "Thay thế bằng 02/UBND-XD6"


def test_the_same_record_may_replace_itself_without_lai(make_record: Callable[..., Path], workspace: Path) -> None:
    record = make_record("a.yaml")
    issue([record], workspace, D)
    (new,) = issue([record], workspace, E, thay_the="01/UBND-XD6")
    assert new.entry.number == 2


def test_correction_from_the_command_line(make_record: Callable[..., Path], workspace: Path) -> None:
    from click.testing import CliRunner

    from correspondence.cli import main

    make_record("a.yaml")
    make_record("b.yaml", trich_yeu="V/v sửa")
    runner = CliRunner()
    assert runner.invoke(main, ["--lang", "vi", "issue", "a.yaml", "--ngay", "07/05/2019", "-f", "pdf"]).exit_code == 0
    result = runner.invoke(main, ["--lang", "vi", "issue", "b.yaml", "--ngay", "09/05/2019", "-f", "pdf",
                                  "--thay-the", "01/UBND-XD6"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:2] == ["Đã ban hành số 02/UBND-XD6 ngày 09/05/2019",
                                              "01/UBND-XD6 đã hủy: thay thế bằng 02/UBND-XD6"]
    shown = runner.invoke(main, ["--lang", "vi", "register", "show", "01/UBND-XD6"])
    assert "Ghi chú: Thay thế bằng 02/UBND-XD6" in shown.output
    listed = runner.invoke(main, ["--lang", "vi", "register", "list", "--json"])
    rows = yaml.safe_load(listed.output)
    assert [(r["so_ky_hieu"], r["thay_the"], r["thay_the_boi"]) for r in rows] == [
        ("01/UBND-XD6", None, rows[1]["id"]), ("02/UBND-XD6", rows[0]["id"], None)]


def test_dinh_chinh_drafts_the_correcting_cong_van_from_the_register(make_record: Callable[..., Path],
                                                                    workspace: Path) -> None:
    from click.testing import CliRunner

    from correspondence import api
    from correspondence.cli import main

    issue([make_record("a.yaml")], workspace, D)
    runner = CliRunner()
    result = runner.invoke(main, ["--lang", "vi", "dinh-chinh", "01/UBND-XD6"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "Đã ghi: dinh-chinh-01-UBND-XD6.yaml"
    written = workspace / "dinh-chinh-01-UBND-XD6.yaml"
    record = yaml.safe_load(written.read_text("utf-8"))
    original = yaml.safe_load((workspace / "a.yaml").read_text("utf-8"))
    assert record["loai"] == "cong_van" and record["co_quan"] == original["co_quan"]
    assert record["trich_yeu"] == "đính chính Công văn số 01/UBND-XD6 ngày 07/05/2019"
    assert record["kinh_gui"] == original["kinh_gui"] and record["ky"] == original["ky"]
    assert record["noi_nhan"][0] == "Như trên"
    assert record["noi_dung"].startswith(
        f"Ngày 07/05/2019, Ủy ban nhân dân tỉnh Quảng Ninh ban hành Công văn số 01/UBND-XD6 về việc "
        f"{original['trich_yeu']}.\n")
    assert [p.field for p in api.check([written], workspace)] == ["noi_dung"], "the places to fill in are refused"
    written.write_text(written.read_text("utf-8").replace(
        "Tại … (trang …, dòng …) đã ghi: “…”", "Tại trang 1, dòng 5 đã ghi: “30/5/2019”").replace(
        "nay sửa lại là: “…”", "nay sửa lại là: “31/5/2019”"), "utf-8")
    assert api.check([written], workspace) == []
    (fixed,) = issue([written], workspace, E)
    import pypdf

    text = " ".join(pypdf.PdfReader(fixed.files[1]).pages[0].extract_text().split())
    assert "V/v đính chính Công văn số 01/UBND-XD6" in text and "Số: 02/UBND-XD6" in text
    again = runner.invoke(main, ["--lang", "vi", "dinh-chinh", "01/UBND-XD6"])
    assert again.exit_code != 0 and "đã có" in again.output, "an existing file is never overwritten"
    unknown = runner.invoke(main, ["--lang", "vi", "dinh-chinh", "07/UBND-XD6", "-o", "x.yaml"])
    assert unknown.exit_code != 0 and not (workspace / "x.yaml").exists()
