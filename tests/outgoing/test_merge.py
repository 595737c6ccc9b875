"""Mail merge: one document per row (numbers in row order), or one number with a copy per row; a bad row issues nothing."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pypdf
import pytest

from correspondence.errors import ExitStatus, InvalidRecord
from correspondence.outgoing import registry as service
from correspondence.outgoing.merge import merge
from correspondence.outgoing.staging import start_workers
from correspondence.register.store import Register
from tests.render.test_fonts import windows_fonts  # noqa: F401  (a fixture)

RECORD = """loai: cong_van
co_quan: ubnd-quang-ninh
don_vi: XD6
trich_yeu: mời dự hội nghị
kinh_gui: "-"
noi_dung: |
  Ủy ban nhân dân tỉnh trân trọng kính mời {{ ten }} tới dự hội nghị lúc {{ gio }}.
ky: {tham_quyen: KT, nguoi_ky: dang_huy_hau}
noi_nhan: [Như trên]
ngay: 2026-11-20
"""


def _files(workspace: Path, rows: list[tuple[str, str, str]]) -> tuple[Path, Path]:
    (workspace / "moi.yaml").write_text(RECORD, "utf-8")
    lines = ["kinh_gui,ten,gio"] + [",".join(r) for r in rows]
    (workspace / "khach.csv").write_text("\n".join(lines) + "\n", "utf-8")
    return workspace / "moi.yaml", workspace / "khach.csv"


def _document_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as package:
        return package.read("word/document.xml").decode("utf-8")


@pytest.mark.slow
def test_hundreds_of_rows_issue_as_many_numbers_in_order(workspace: Path) -> None:
    """Rendered by two processes, whose documents come back in any order, the rows still take 01…250 in row order,
    each with its own words (past 99: three-digit numbers). bench/merge.py measures a merge of thousands."""
    rows = [(f"Ông Nguyễn Văn {i}", f"ông Nguyễn Văn {i}", f"{8 + i % 3} giờ") for i in range(250)]
    record, data = _files(workspace, rows)
    done = merge(record, data, workspace, formats=("docx",), workers=2)
    assert [d.so_ky_hieu for d in done] == [f"{n:02d}/UBND-XD6" for n in range(1, 251)]
    assert [d.row for d in done] == [f"khach.csv:{n}" for n in range(2, 252)]
    for (recipient, name, hour), item in zip(rows, done, strict=True):
        xml = _document_xml(item.files[0])
        assert f"Kính gửi: {recipient}<" in xml and f"kính mời {name} tới dự hội nghị lúc {hour}" in xml
    report = service.verify(workspace)
    assert report.problems == [] and report.checked == 250


def test_merge_on_both_engines_and_a_bad_row(workspace: Path, register_url: str) -> None:
    record, data = _files(workspace, [("Bà A", "bà A", "8 giờ"), ("Ông B", "ông B", "9 giờ")])
    done = merge(record, data, workspace, register=register_url, formats=("docx", "pdf"), workers=1)
    assert [d.so_ky_hieu for d in done] == ["01/UBND-XD6", "02/UBND-XD6"]
    assert "Kính gửi: Ông B<" in _document_xml(done[1].files[0])
    lines = data.read_text("utf-8") + ",bà C,10 giờ\n"
    data.write_text(lines, "utf-8")
    (workspace / "moi.yaml").write_text(RECORD.replace("lúc {{ gio }}", "lúc {{ gio | so }}"), "utf-8")
    with pytest.raises(InvalidRecord) as caught:
        merge(record, data, workspace, register=register_url)
    messages = [str(p) for p in caught.value.problems]
    assert messages[0] == "khach.csv:2: noi_dung: bộ lọc 'so' cần một số, nhận được '8 giờ'"
    assert len(messages) == 3
    with Register(register_url) as register:
        assert len(register.entries("ubnd-quang-ninh")) == 2, "nothing of the bad batch was issued"


def test_one_number_with_a_personalised_copy_per_row(workspace: Path, register_url: str) -> None:
    record, data = _files(workspace, [("Bà A", "bà A", "8 giờ"), ("Ông B", "ông B", "9 giờ")])
    done = merge(record, data, workspace, register=register_url, one_number=True, formats=("docx",), workers=1)
    assert [d.so_ky_hieu for d in done] == ["01/UBND-XD6", "01/UBND-XD6"]
    assert [f.name for d in done for f in d.files] == ["01-UBND-XD6-ban-001.docx", "01-UBND-XD6-ban-002.docx"]
    assert "Kính gửi: Bà A<" in _document_xml(done[0].files[0]) and "Kính gửi: Ông B<" in _document_xml(done[1].files[0])
    with Register(register_url) as register:
        (entry,) = register.entries("ubnd-quang-ninh")
    assert entry.so_luong_ban == 2 and len(entry.files) == 2
    done[1].files[0].unlink()
    with Register(register_url) as register:
        register.complete(entry.id, None)  # type: ignore[arg-type]
    report = service.verify(workspace, register_url=register_url)
    assert report.repaired == ["01/UBND-XD6"] and report.problems == []
    assert "Kính gửi: Ông B<" in _document_xml(done[1].files[0]), "copies re-render from the register alone"


def test_merge_from_the_command_line(workspace: Path) -> None:
    from click.testing import CliRunner

    from correspondence.cli import main

    _files(workspace, [("Bà A", "bà A", "8 giờ")])
    result = CliRunner().invoke(main, ["--lang", "vi", "merge", "moi.yaml", "khach.csv", "-f", "pdf"])
    assert result.exit_code == 0, result.output
    assert result.output == ("đã tạo sổ đăng ký mới: registers/ubnd-quang-ninh.sqlite\n"
                             "khach.csv:2 → 01/UBND-XD6 → output/ubnd-quang-ninh/2026/01-UBND-XD6.pdf\n")


def _pdf_pages(path: Path) -> list[str]:
    import pypdf

    return [page.extract_text() for page in pypdf.PdfReader(path).pages]


def test_a_trial_merge_previews_every_row_in_one_pdf_and_takes_nothing(workspace: Path) -> None:
    from correspondence.outgoing.merge import preview

    record, data = _files(workspace, [("Bà A", "bà A", "8 giờ"), ("Ông B", "ông B", "9 giờ")])
    data.write_text("kinh_gui,ten,gio,ghi_chu\nBà A,bà A,8 giờ,x\nÔng B,ông B,9 giờ,y\n", "utf-8")
    shown = preview(record, data, workspace, workers=1)
    assert shown.path == workspace / "output" / "moi-xem-truoc.pdf"
    assert shown.columns == {"kinh_gui": "kinh_gui", "ten": "ten", "gio": "gio", "ghi_chu": None}
    assert shown.rows == [("khach.csv:2", "Bà A"), ("khach.csv:3", "Ông B")]
    pages = _pdf_pages(shown.path)
    assert len(pages) == 2
    assert all(page.startswith("DỰ THẢO") and "Số:" in page for page in pages)
    assert "Kính gửi: Bà A" in pages[0] and "kính mời bà A tới dự hội nghị lúc 8 giờ" in pages[0]
    assert "Kính gửi: Ông B" in pages[1]
    assert not (workspace / "registers" / "ubnd-quang-ninh.sqlite").exists(), "a trial never creates the register"
    assert sorted(p.name for p in (workspace / "output").iterdir()) == ["moi-xem-truoc.pdf"]
    again = workspace / "again.pdf"
    preview(record, data, workspace, out=again, workers=2)
    assert again.read_bytes() == shown.path.read_bytes(), "the same rows give the same bytes"


def test_a_trial_merge_with_a_bad_row_writes_nothing(workspace: Path) -> None:
    from correspondence.outgoing.merge import preview

    record, data = _files(workspace, [("Bà A", "bà A", "8 giờ"), ("Ông B", "", "9 giờ")])
    with pytest.raises(InvalidRecord) as caught:
        preview(record, data, workspace, workers=1)
    assert [(p.source, p.field) for p in caught.value.problems] == [("khach.csv:3", "ten")]
    assert not (workspace / "output").exists() or not any((workspace / "output").iterdir())


@pytest.mark.parametrize("workers", [1, 2])
def test_a_wrong_row_after_rows_already_laid_out_leaves_nothing(workspace: Path, workers: int) -> None:
    """A preview lays out the rows a few dozen at a time as they are composed: a wrong row further down stops it
    after the first rows were laid out, every wrong row is named, and nothing is left (no preview, no scratch file,
    not the output folder it made)."""
    from correspondence.outgoing.merge import preview

    days = ["2026-11-20"] * 80
    days[61], days[77] = "2026-11-31", "2026-02-30"  # found only as the row is read as a record
    record, data = _files(workspace, [])
    data.write_text("\n".join(["kinh_gui,ten,gio,ngay"] + [f"Ông {i},ông {i},8 giờ,{day}" for i, day in enumerate(days)])
                    + "\n", "utf-8")
    seen: list[tuple[int, int]] = []
    with pytest.raises(InvalidRecord) as caught:
        preview(record, data, workspace, workers=workers, progress=lambda done, total: seen.append((done, total)))
    assert [(p.source, p.field) for p in caught.value.problems] == [("khach.csv:63", "ngay"), ("khach.csv:79", "ngay")]
    assert all(total == 80 for _done, total in seen)
    if workers == 1:  # here, the first rows are laid out before the next are read (on two cores, alongside)
        assert seen == [(25, 80), (50, 80)]
    assert not (workspace / "output").exists()
    assert [path.name for path in workspace.rglob(".xem-truoc*")] == []


def test_a_failed_preview_removes_every_folder_it_made_for_its_file(workspace: Path) -> None:
    """``-o`` naming a file in folders that do not exist yet: a preview stopped by a wrong row removes all of them, not
    only the last; a folder that was there before stays."""
    from correspondence.outgoing.merge import preview

    days = ["2026-11-20"] * 30
    days[27] = "2026-11-31"
    record, data = _files(workspace, [])
    data.write_text("\n".join(["kinh_gui,ten,gio,ngay"] + [f"Ông {i},ông {i},8 giờ,{day}" for i, day in enumerate(days)])
                    + "\n", "utf-8")
    (workspace / "co-san").mkdir()
    for out in (workspace / "xem" / "thang-12" / "xem-truoc.pdf", workspace / "co-san" / "moi" / "xem-truoc.pdf"):
        with pytest.raises(InvalidRecord):
            preview(record, data, workspace, out=out, workers=1)
    assert not (workspace / "xem").exists()
    assert (workspace / "co-san").is_dir() and not any((workspace / "co-san").iterdir())


def test_a_preview_counts_its_rows_as_they_are_laid_out(workspace: Path) -> None:
    from correspondence.outgoing.merge import preview

    record, data = _files(workspace, [(f"Ông {i}", f"ông {i}", "8 giờ") for i in range(60)])
    seen: list[tuple[int, int]] = []
    shown = preview(record, data, workspace, workers=2, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (60, 60) and [done for done, _total in seen] == sorted(done for done, _total in seen)
    assert len(shown.rows) == 60 and shown.rows[59] == ("khach.csv:61", "Ông 59")


def test_a_trial_leaves_an_existing_register_untouched(workspace: Path, register_url: str) -> None:
    from correspondence.outgoing.merge import preview

    record, data = _files(workspace, [("Bà A", "bà A", "8 giờ")])
    merge(record, data, workspace, register=register_url, formats=("pdf",))
    before = [(e.so_ky_hieu, e.status) for e in service.list_entries(workspace, None, register_url)]
    preview(record, data, workspace, workers=1)
    assert [(e.so_ky_hieu, e.status) for e in service.list_entries(workspace, None, register_url)] == before


def test_a_merge_can_also_write_one_file_to_print(workspace: Path) -> None:
    from click.testing import CliRunner

    from correspondence.cli import main

    _files(workspace, [("Bà A", "bà A", "8 giờ"), ("Ông B", "ông B", "9 giờ"), ("Bà C", "bà C", "10 giờ")])
    result = CliRunner().invoke(main, ["--lang", "vi", "merge", "moi.yaml", "khach.csv", "--in-chung"])
    assert result.exit_code == 0, result.output
    printed = workspace / "output" / "moi-in-chung-so-01-03.pdf"
    assert result.output.endswith("một tệp để in: output/moi-in-chung-so-01-03.pdf\n")
    pages = _pdf_pages(printed)
    assert len(pages) == 3 and "Số: 01/UBND-XD6" in pages[0] and "Số: 03/UBND-XD6" in pages[2]
    assert "Kính gửi: Bà C" in pages[2] and not any("DỰ THẢO" in page for page in pages)
    issued = [workspace / "output" / "ubnd-quang-ninh" / "2026" / f"0{n}-UBND-XD6.pdf" for n in (1, 2, 3)]
    assert [len(_pdf_pages(path)) for path in issued] == [1, 1, 1], "the originals stay one file each"


def test_a_print_file_that_cannot_be_written_leaves_the_issued_documents_said(workspace: Path) -> None:
    """The numbers are taken and every document written before the one file to print is joined: its failure is said
    as such (not an internal error), with a non-zero exit, and nothing is taken again."""
    from click.testing import CliRunner

    from correspondence.cli import main

    _files(workspace, [("Bà A", "bà A", "8 giờ"), ("Ông B", "ông B", "9 giờ")])
    (workspace / "output" / "moi-in-chung-so-01-02.pdf").mkdir(parents=True)  # in the way of the print file
    result = CliRunner().invoke(main, ["--lang", "vi", "merge", "moi.yaml", "khach.csv", "--in-chung"])
    assert result.exit_code == int(ExitStatus.ARCHIVE), result.output
    assert "01/UBND-XD6" in result.output and "02/UBND-XD6" in result.output
    assert ("Lỗi: mọi văn bản đã ban hành và ghi tệp, nhưng không tạo được tệp in chung" in result.output), result.output
    assert "Internal" not in result.output and "nội bộ" not in result.output
    issued = [workspace / "output" / "ubnd-quang-ninh" / "2026" / f"0{n}-UBND-XD6.pdf" for n in (1, 2)]
    assert all(path.is_file() for path in issued)
    assert [e.status for e in service.list_entries(workspace)] == ["issued", "issued"]


def test_a_trial_from_the_command_line_prints_the_mapping(workspace: Path) -> None:
    from click.testing import CliRunner

    from correspondence.cli import main

    _files(workspace, [("Bà A", "bà A", "8 giờ")])
    result = CliRunner().invoke(main, ["--lang", "vi", "merge", "moi.yaml", "khach.csv", "--thu"])
    assert result.exit_code == 0, result.output
    assert result.output == (
        "Cột của bảng → trường của bản ghi:\n  kinh_gui → kinh_gui\n  ten → ten\n  gio → gio\n"
        "Dòng → người nhận:\n  khach.csv:2 → Bà A\n"
        "đã ghi bản xem trước của 1 văn bản: output/moi-xem-truoc.pdf\n"
        "Chưa lấy số nào. Để ban hành: correspondence merge moi.yaml khach.csv\n")
    refused = CliRunner().invoke(main, ["--lang", "vi", "merge", "moi.yaml", "khach.csv", "--thu", "--mot-so"])
    assert refused.exit_code == 2 and "--thu" in refused.output
    assert not (workspace / "registers" / "ubnd-quang-ninh.sqlite").exists()


def test_pdfs_that_cannot_be_joined_are_a_render_failure() -> None:
    from correspondence.errors import RenderFailed
    from correspondence.render.join import combine

    with pytest.raises(RenderFailed) as caught:
        combine([b"%PDF-1.7 not really"], "x")
    assert caught.value.message.startswith("không ghép được các tệp PDF thành một: ")


def test_workers_work_in_the_clerk_s_folder_and_environment(workspace: Path, tmp_path_factory: pytest.TempPathFactory,
                                                          windows_fonts: Path,  # noqa: F811  (the fixture)
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The workers are forked from a server process that loaded the renderers earlier, maybe in another folder and
    another environment (a desk started elsewhere, an earlier merge): each works in this merge's folder and
    environment, as a new process would. Here the workspace is given as a relative path, and the machine's fonts
    (Times New Roman) are named only in this merge's environment."""
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    with monkeypatch.context() as before:
        before.chdir(elsewhere)
        before.setenv("CORRESPONDENCE_FONTS", "bundled")
        start_workers(2)  # a server this process may already have keeps its own folder and environment
    record, data = _files(workspace, [(f"Ông {i}", f"ông {i}", "8 giờ") for i in range(4)])
    monkeypatch.chdir(workspace)
    assert os.environ["CORRESPONDENCE_FONTS"] == str(windows_fonts)
    done = merge(record.name, data.name, ".", formats=("pdf",), workers=2)
    assert [d.so_ky_hieu for d in done] == ["01/UBND-XD6", "02/UBND-XD6", "03/UBND-XD6", "04/UBND-XD6"]
    for item in done:
        (pdf,) = item.files
        assert workspace.resolve() in pdf.resolve().parents
        reader = pypdf.PdfReader(pdf)
        fonts = {str(font.get_object()["/BaseFont"]).split("+", 1)[1] for page in reader.pages
                 for font in page["/Resources"]["/Font"].values()}
        assert fonts and all(name.startswith("TimesNewRoman") for name in fonts), fonts
    assert list(elsewhere.iterdir()) == []


def test_a_giay_moi_s_rows_are_each_sent_to_the_guests_its_body_names(workspace: Path) -> None:
    """A giấy mời names its guests in its body (``gui_den``), not in a Kính gửi: a list whose column fills ``gui_den``
    shows each row's guests as the recipients of its preview and of its issued document."""
    from correspondence.outgoing.merge import preview

    (workspace / "moi.yaml").write_text(
        "loai: giay_moi\nco_quan: ubnd-quang-ninh\ndon_vi: XD6\ntrich_yeu: dự Hội nghị tổng kết năm 2026\n"
        "noi_dung: |\n  Tới dự: Hội nghị tổng kết công tác năm 2026.\n\n  Thời gian: 08 giờ 00, ngày 20/12/2026.\n"
        "ky: {tham_quyen: KT, nguoi_ky: dang_huy_hau}\nnoi_nhan: [Như trên]\n", "utf-8")
    (workspace / "khach.csv").write_text("gui_den\nÔng Nguyễn Văn A, Giám đốc Sở Tài chính\nBà Trần Thị B\n", "utf-8")
    shown = preview(workspace / "moi.yaml", workspace / "khach.csv", workspace, workers=1)
    assert shown.rows == [("khach.csv:2", "Ông Nguyễn Văn A, Giám đốc Sở Tài chính"),
                                ("khach.csv:3", "Bà Trần Thị B")]
    done = merge(workspace / "moi.yaml", workspace / "khach.csv", workspace, formats=("docx",), workers=1)
    assert [item.recipient for item in done] == ["Ông Nguyễn Văn A, Giám đốc Sở Tài chính", "Bà Trần Thị B"]
