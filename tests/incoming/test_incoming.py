"""The register of incoming documents (sổ đăng ký văn bản đến): one yearly sequence of số đến in order of receipt,
secret documents apart, the file kept with its SHA-256, the ĐẾN mark, the printed book of PL IV, .edxml envelopes,
the chain of events; four clerks at once on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import multiprocessing as mp
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from correspondence import incoming
from correspondence.cli import main
from correspondence.errors import InvalidRecord, RegisterConflict
from correspondence.outgoing import registry as service
from correspondence.register.store import Register
from tests.processes import clerk_processes, clerk_starts

D = dt.date(2019, 5, 7)
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _pdf(workspace: Path) -> Path:
    from correspondence import api

    (path,) = [p for p in api.render(EXAMPLES / "cong-van-3018.yaml", 3018, None, workspace / "nhan", EXAMPLES.parent,
                                     ("pdf",))]
    return path


def test_receive_numbers_in_order_secret_apart_and_keeps_the_file(workspace: Path, register_url: str) -> None:
    pdf = _pdf(workspace)
    first, files = incoming.receive(workspace, pdf, "Sở Tài chính", "123/STC-NS", "20/04/2019", "Công văn V/v dự toán",
                                    ngay_den=D, register_url=register_url)
    second, _f = incoming.receive(workspace, pdf, "Sở Nội vụ", None, None, "Thông báo lịch họp", ngay_den=D,
                                  register_url=register_url, nhan_lai=True)
    secret, _f = incoming.receive(workspace, pdf, "Công an tỉnh", "9/CAT", "02/05/2019", "Công văn mật", mat=True,
                                  ngay_den=D, register_url=register_url, nhan_lai=True)
    assert [(r.number, r.series) for r in (first, second, secret)] == [(1, "van_ban_den"), (2, "van_ban_den"),
                                                                        (1, "van_ban_den_mat")]
    kept = files[0]
    assert kept.read_bytes() == pdf.read_bytes() and first.files[0]["sha256"] == hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert (first.ngay_den, first.ngay_van_ban, first.tac_gia) == ("2019-05-07", "2019-04-20", "Sở Tài chính")
    with pytest.raises(RegisterConflict):
        incoming.receive(workspace, pdf, "Sở A", None, None, "Muộn", ngay_den=dt.date(2019, 5, 6), register_url=register_url)
    with pytest.raises(InvalidRecord) as caught:
        incoming.receive(workspace, pdf, None, None, "31/02/2019", "", ngay_den=D, register_url=register_url)
    assert [p.source for p in caught.value.problems] == ["--ngay-van-ban", "--tu", "--trich-yeu"]
    assert [r.number for r in incoming.list_all(workspace, 2019, register_url=register_url)] == [1, 2], "none taken"
    voided = incoming.void(workspace, 2, "Nhận trùng", 2019, register_url=register_url)
    assert voided.status == "voided" and voided.ghi_chu == "Nhận trùng"
    assert service.verify(workspace, register_url=register_url).problems == []


def test_the_den_mark_and_the_printed_book(workspace: Path) -> None:
    service.init(workspace, "ubnd-quang-ninh")
    row, files = incoming.receive(workspace, _pdf(workspace), "Sở Tài chính", "123/STC-NS", "20/04/2019",
                                  "Công văn V/v dự toán ngân sách", ngay_den=D, don_vi_nhan="Phòng Tổng hợp", dau=True)
    stamped = files[1]
    page = pypdf.PdfReader(stamped).pages[0]
    words = " ".join(page.extract_text().split())
    assert "ĐẾN Số: 1 Ngày: 07/05/2019 Chuyển: Phòng Tổng hợp" in words and "ỦY BAN NHÂN DÂN" in words
    original = " ".join(pypdf.PdfReader(files[0]).pages[0].extract_text().split())
    assert "ĐẾN Số:" not in original, "the kept original is untouched"
    book = incoming.export(workspace, 2019, "csv")
    rows = list(csv.reader(io.StringIO(book.read_text("utf-8-sig"))))
    assert rows[0] == ["Ngày đến", "Số đến", "Tác giả", "Số, ký hiệu văn bản", "Ngày tháng văn bản",
                       "Tên loại và trích yếu nội dung văn bản", "Đơn vị hoặc người nhận", "Ngày chuyển", "Ký nhận",
                       "Ghi chú"]
    assert rows[1][:7] == ["07/05/2019", "1", "Sở Tài chính", "123/STC-NS", "20/04/2019",
                           "Công văn V/v dự toán ngân sách", "Phòng Tổng hợp"]
    cover = " ".join(pypdf.PdfReader(incoming.export(workspace, 2019, "pdf")).pages[0].extract_text().split())
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN Năm: 2019" in cover and "Từ số 1 đến số 1" in cover


def test_an_edxml_envelope_fills_the_fields(workspace: Path) -> None:
    service.init(workspace, "ubnd-quang-ninh")
    envelope = workspace / "goi.edxml"
    envelope.write_text(
        '<edXML xmlns="http://www.e-doc.vn/Schema/"><edXMLHeader><MessageHeader><From><OrganName>Sở Tài chính'
        '</OrganName></From><Code><CodeNumber>123</CodeNumber><CodeNotation>STC-NS</CodeNotation></Code>'
        '<PromulgationInfo><PromulgationDate>2019-04-20</PromulgationDate></PromulgationInfo>'
        '<Subject>V/v dự toán ngân sách năm 2020</Subject></MessageHeader></edXMLHeader></edXML>', "utf-8")
    row, _files = incoming.receive(workspace, envelope, ngay_den=D)
    assert (row.tac_gia, row.so_ky_hieu, row.ngay_van_ban, row.trich_yeu) == (
        "Sở Tài chính", "123/STC-NS", "2019-04-20", "V/v dự toán ngân sách năm 2020")


def test_an_edxml_envelope_with_entities_is_refused_and_nothing_registered(workspace: Path) -> None:
    """An envelope declaring entities (billion laughs, XXE) is refused where it declares them: the reader never
    expands an entity nor fetches anything, and no số đến is taken."""
    service.init(workspace, "ubnd-quang-ninh")
    envelope = workspace / "bom.edxml"
    envelope.write_text('<?xml version="1.0"?>\n<!DOCTYPE edXML [<!ENTITY a "aaaaaaaaaa">'
                        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
                        '<edXML><Subject>&b;</Subject></edXML>', "utf-8")
    with pytest.raises(InvalidRecord) as caught:
        incoming.receive(workspace, envelope, ngay_den=D)
    assert caught.value.problems[0].source == "bom.edxml:2"
    assert "DTD" in caught.value.problems[0].message
    assert incoming.list_all(workspace, 2019) == []


def test_a_row_changed_outside_the_tool_is_found(workspace: Path) -> None:
    service.init(workspace, "ubnd-quang-ninh")
    incoming.receive(workspace, _pdf(workspace), "Sở A", None, None, "Thư", ngay_den=D)
    engine = create_engine(f"sqlite:///{workspace / 'registers' / 'ubnd-quang-ninh.sqlite'}")
    with engine.begin() as conn:
        conn.execute(text("UPDATE van_ban_den SET tac_gia = 'Sở B'"))
    engine.dispose()
    problems = service.verify(workspace).problems
    assert [p.message for p in problems] == ["số đến 1: dòng sổ bị sửa ngoài công cụ sau sự kiện cuối của nó"]


def _clerk(workspace: str, url: str, count: int, barrier: mp.synchronize.Barrier | None) -> None:
    from correspondence.i18n import set_language

    clerk_starts(workspace)
    set_language("vi")
    if barrier is not None:
        barrier.wait()
    for n in range(count):
        incoming.receive(Path(workspace), Path(workspace) / "thu.txt", f"Nơi gửi {n}", None, None, "Thư",
                         ngay_den=D, register_url=url, nhan_lai=True)


@pytest.mark.slow
def test_four_clerks_receiving_at_once(workspace: Path, register_url: str) -> None:
    (workspace / "thu.txt").write_text("thư", "utf-8")
    context = clerk_processes()
    barrier = context.Barrier(4)
    clerks = [context.Process(target=_clerk, args=(str(workspace), register_url, 40, barrier)) for _ in range(4)]
    for clerk in clerks:
        clerk.start()
    for clerk in clerks:
        clerk.join(300)
        assert clerk.exitcode == 0
    numbers = [r.number for r in incoming.list_all(workspace, 2019, register_url=register_url)]
    assert sorted(numbers) == list(range(1, 161)), "4 clerks × 40 receipts: no duplicate, no gap"
    assert service.verify(workspace, register_url=register_url).problems == []
    register = Register(register_url)
    state = next(s for s in register.series_states() if s.series == "van_ban_den")
    register.close()
    assert state.last_number == 160


@pytest.mark.slow
def test_kill_minus_nine_while_receiving_leaves_a_whole_register(workspace: Path, register_url: str) -> None:
    """Clerks killed with SIGKILL at random moments while they receive: no số đến lost or given twice."""
    import os
    import random
    import signal
    import time

    (workspace / "thu.txt").write_text("thư", "utf-8")
    context = clerk_processes()
    chance = random.Random(20261130)

    def received() -> int:
        return len(incoming.list_all(workspace, 2019, register_url=register_url))

    killed = 0
    for _round in range(3):
        target = received() + chance.randint(8, 25)
        clerks = [context.Process(target=_clerk, args=(str(workspace), register_url, 10_000, None)) for _ in range(4)]
        for clerk in clerks:
            clerk.start()
        deadline = time.time() + 120
        while received() < target and time.time() < deadline:
            time.sleep(0.05)
        for clerk in chance.sample(clerks, len(clerks)):
            time.sleep(chance.random() * 0.2)
            if clerk.is_alive():
                os.kill(clerk.pid, signal.SIGKILL)
                killed += 1
        for clerk in clerks:
            clerk.join(timeout=60)
    assert killed >= 8
    numbers = [r.number for r in incoming.list_all(workspace, 2019, register_url=register_url)]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 24
    assert service.verify(workspace, register_url=register_url).problems == []


def test_incoming_from_the_command_line(workspace: Path) -> None:
    pdf = _pdf(workspace)
    runner = CliRunner()
    assert runner.invoke(main, ["--lang", "vi", "register", "init"]).exit_code == 0
    result = runner.invoke(main, ["--lang", "vi", "incoming", "receive", str(pdf), "--tu", "Sở Tài chính",
                                  "--so-ky-hieu", "123/STC-NS", "--ngay-van-ban", "20/04/2019", "--trich-yeu",
                                  "Công văn V/v dự toán", "--ngay-den", "07/05/2019"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "đã nhận: số đến 1 ngày 07/05/2019"
    listed = runner.invoke(main, ["--lang", "vi", "incoming", "list", "--nam", "2019"])
    assert "Sở Tài chính" in listed.output and "123/STC-NS" in listed.output
    bad = runner.invoke(main, ["--lang", "vi", "incoming", "receive", str(pdf), "--trich-yeu", "x"])
    assert bad.exit_code == 3 and "--tu" in bad.output


def test_received_documents_are_searched_filed_and_handed_over(make_record: object, workspace: Path,
                                                               register_url: str) -> None:
    from correspondence.archive import hoso, package
    from correspondence.outgoing import issue
    from correspondence.search import search

    pdf = _pdf(workspace)
    row, _files = incoming.receive(workspace, pdf, "Ủy ban nhân dân tỉnh Quảng Ninh", "3018/UBND-XD6", "07/05/2019",
                                   "Công văn V/v rà soát dịch vụ công", ngay_den=D, register_url=register_url)
    hits = search(workspace, "nâng cấp mức độ dịch vụ công trực tuyến", register_url=register_url)
    assert [h.so_ky_hieu for h in hits] == ["Đến 1 (3018/UBND-XD6)"], "the text layer of a received PDF is searched"
    assert "dịch vụ công trực tuyến" in hits[0].line.lower()
    hoso.create(workspace, "01.VP", "Hồ sơ dịch vụ công", "10", 2019, register_url=register_url)
    issue([make_record("a.yaml", trich_yeu="báo cáo kết quả rà soát")], workspace, dt.date(2019, 5, 8),  # type: ignore[operator]
          register_url, ho_so="01.VP")
    _ho_so, filed, place = hoso.add(workspace, "01.VP", None, register_url=register_url, den=1)
    assert (filed.id, place) == (row.id, 2)
    contents = hoso.show(workspace, "01.VP", register_url=register_url)
    assert [(d.thu_tu, d.so_ky_hieu, d.tac_gia) for d in contents.documents] == [
        (1, "01/UBND-XD6", None), (2, "3018/UBND-XD6", "Ủy ban nhân dân tỉnh Quảng Ninh")]
    out, _count, documents = package.export(workspace, workspace / "goi", "01.VP", register_url=register_url)
    assert documents == 2 and package.check(out).problems == []
    data = sorted(p.name for p in out.rglob("*.pdf"))
    assert len(data) == 2, "the received original travels with the issued one, in date order"
    assert (sorted(out.rglob("*.pdf"))[0]).read_bytes() == pdf.read_bytes(), "received on 07/05, before the reply"


def test_a_refused_receipt_keeps_no_file_and_a_broken_pdf_is_still_registered(workspace: Path) -> None:
    from correspondence.progress import noticing

    service.init(workspace, "ubnd-quang-ninh")
    pdf = _pdf(workspace)
    incoming.receive(workspace, pdf, "Sở A", None, None, "Thư", ngay_den=D)
    other = workspace / "khac.txt"
    other.write_text("một văn bản khác", "utf-8")
    with pytest.raises(RegisterConflict):
        incoming.receive(workspace, other, "Sở B", None, None, "Muộn", ngay_den=dt.date(2019, 5, 1))
    kept = sorted(p.name for p in (workspace / "output" / "ubnd-quang-ninh" / "den" / "2019").iterdir())
    assert len(kept) == 1 and kept[0].endswith("3018-UBND-XD6.pdf"), "the refused file was not kept"
    broken = workspace / "hong.pdf"
    broken.write_bytes(b"%PDF-1.7 not really")
    said: list[str] = []
    with noticing(said.append):
        row, files = incoming.receive(workspace, broken, "Sở C", None, None, "Tệp hỏng", ngay_den=D, dau=True)
    assert row.number == 2 and len(files) == 1 and files[0].read_bytes() == broken.read_bytes()
    assert said == ["văn bản vẫn được vào sổ nhưng không làm bản có dấu ĐẾN: không đọc được tệp PDF: unable to find "
                    "trailer dictionary while recovering damaged file"]
