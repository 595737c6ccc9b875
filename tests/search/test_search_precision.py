"""Search precision: quoted phrases, exact diacritics when the clerk types them, whole words (``*`` for a prefix),
voided documents marked, imported rows found, the shown line holding the words, and bounded indexing of received
files; the same results on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import text

from correspondence import incoming
from correspondence.cli import main
from correspondence.outgoing import issue
from correspondence.outgoing import registry as service
from correspondence.register.store import Register
from correspondence.search import search
from tests.conftest import older_register

D = dt.date(2019, 5, 7)


def _issue(make_record: Callable[..., Path], workspace: Path, register_url: str, bodies: dict[str, str]) -> None:
    for day, (name, body) in enumerate(bodies.items(), start=5):
        issue([make_record(name, trich_yeu=f"về việc {name[:-5]}", noi_dung=body)], workspace, dt.date(2019, 5, day),
              register_url)


def _found(workspace: Path, query: str | list[str], register_url: str) -> list[str]:
    return [str(h.so_ky_hieu) for h in search(workspace, query, register_url=register_url)]


def test_a_quoted_phrase_is_searched_as_a_phrase(make_record: Callable[..., Path], workspace: Path,
                                                 register_url: str) -> None:
    _issue(make_record, workspace, register_url, {
        "a.yaml": "Triển khai dịch vụ công trực tuyến toàn trình.",
        "b.yaml": "Công tác biên dịch tài liệu và xử lý vụ việc."})
    assert _found(workspace, "dịch vụ công", register_url) == ["02/UBND-XD6", "01/UBND-XD6"], "every word, anywhere"
    assert _found(workspace, '"dịch vụ công"', register_url) == ["01/UBND-XD6"], "the words adjacent, in order"
    assert _found(workspace, '"công dịch vụ"', register_url) == []
    assert _found(workspace, '"dịch vụ công" toàn trình', register_url) == ["01/UBND-XD6"]
    assert _found(workspace, '"dich vu cong" toan trinh', register_url) == ["01/UBND-XD6"]
    assert _found(workspace, ["dịch vụ công"], register_url) == ["01/UBND-XD6"], "one shell argument with spaces"
    if register_url.startswith("sqlite"):
        result = CliRunner().invoke(main, ["--lang", "vi", "search", "dịch vụ công"])
        assert result.exit_code == 0, result.output
        assert result.output.splitlines()[0].startswith("01/UBND-XD6") and "02/UBND-XD6" not in result.output


def test_typed_diacritics_are_matched_exactly_and_words_whole(make_record: Callable[..., Path], workspace: Path,
                                                               register_url: str) -> None:
    _issue(make_record, workspace, register_url, {
        "a.yaml": "Mục đích của kế hoạch là rõ ràng.",
        "b.yaml": "Đẩy mạnh dịch vụ bưu chính.",
        "c.yaml": "Giáo viên nhận nhiệm vụ mới.",
        "d.yaml": "Giao nhiệm vụ cho các phòng.",
        "e.yaml": "Tổ hòa giải ở cơ sở."})
    assert _found(workspace, "dịch", register_url) == ["02/UBND-XD6"], "'dịch' is not 'đích'"
    assert _found(workspace, "đích", register_url) == ["01/UBND-XD6"]
    assert _found(workspace, "DỊCH", register_url) == ["02/UBND-XD6"], "any case"
    assert _found(workspace, "dich", register_url) == ["02/UBND-XD6", "01/UBND-XD6"], "typed without diacritics: both"
    assert _found(workspace, "giao nhiệm vụ", register_url) == ["04/UBND-XD6"], "'giao' is not 'Giáo'"
    assert _found(workspace, "giao nhiem vu", register_url) == ["04/UBND-XD6", "03/UBND-XD6"]
    assert _found(workspace, "hoà giải", register_url) == ["05/UBND-XD6"], "the old tone placement too"
    assert _found(workspace, "dị", register_url) == [], "whole words"
    assert _found(workspace, "nhiệ", register_url) == []
    assert _found(workspace, "dị*", register_url) == ["02/UBND-XD6"], "a prefix when asked with *"
    assert _found(workspace, "di*", register_url) == ["02/UBND-XD6", "01/UBND-XD6"]
    assert _found(workspace, "nhiệ* vụ", register_url) == ["04/UBND-XD6", "03/UBND-XD6"]


def test_voided_documents_are_marked_in_the_results(make_record: Callable[..., Path], workspace: Path,
                                                    register_url: str) -> None:
    _issue(make_record, workspace, register_url, {"a.yaml": "Dịch vụ công trực tuyến.", "b.yaml": "Dịch vụ công."})
    service.void(workspace, "02/UBND-XD6", "Sai nội dung", register_url=register_url)
    (fixed,) = issue([make_record("c.yaml", trich_yeu="về việc a (sửa)", noi_dung="Dịch vụ công trực tuyến, sửa.")],
                     workspace, dt.date(2019, 5, 9), register_url, thay_the="01/UBND-XD6")
    hits = {h.so_ky_hieu: h for h in search(workspace, "dịch vụ công", register_url=register_url)}
    assert hits["02/UBND-XD6"].trang_thai == "đã hủy: Sai nội dung"
    assert hits["01/UBND-XD6"].trang_thai == "đã hủy: Thay thế bằng 03/UBND-XD6"
    assert hits["03/UBND-XD6"].trang_thai == ""
    if register_url.startswith("sqlite"):
        result = CliRunner().invoke(main, ["--lang", "vi", "search", "dịch", "vụ", "công"])
        assert result.exit_code == 0, result.output
        lines = result.output.splitlines()
        assert lines[lines.index(next(x for x in lines if x.startswith("02/UBND-XD6"))) + 1] == "    [đã hủy: Sai nội dung]"
        assert not any("đã hủy" in line for line in lines[:2]), "the valid document is not marked"
        shown = CliRunner().invoke(main, ["--lang", "vi", "search", "--json", "dịch", "vụ", "công"])
        assert '"trang_thai": "đã hủy: Sai nội dung"' in shown.output


IMPORTED = ("\"Số, ký hiệu văn bản\",Ngày tháng văn bản,Tên loại và trích yếu nội dung văn bản,Người ký,Nơi nhận văn bản,"
            "\"Đơn vị, người nhận bản lưu\",Số lượng bản,Ngày chuyển,Ký nhận,Ghi chú\n"
            "01/UBND-VP,02/01/2019,Công văn V/v cải cách hành chính,Nguyễn Văn Thắng,Các sở,\"VT, VP\",3,,,\n"
            "03/KH-UBND,04/01/2019,Kế hoạch phòng chống thiên tai,Đặng Huy Hậu,Các huyện,VT,,,,bản gốc lưu tại VT\n")


def test_imported_rows_are_searchable(workspace: Path, register_url: str) -> None:
    path = workspace / "so-cu.csv"
    path.write_text(IMPORTED, "utf-8")
    assert service.import_file(workspace, path, register_url=register_url) == 2
    assert _found(workspace, "cải cách hành chính", register_url) == ["01/UBND-VP"]
    assert _found(workspace, "Đặng Huy Hậu", register_url) == ["03/KH-UBND"], "the signer"
    assert _found(workspace, "các huyện", register_url) == ["03/KH-UBND"], "the recipients"
    (hit,) = search(workspace, "03/KH-UBND", register_url=register_url)
    assert hit.so_ky_hieu == "03/KH-UBND" and hit.line == "Kế hoạch phòng chống thiên tai", "the number: the subject"


def test_rows_imported_before_the_search_upgrade_are_found(workspace: Path, blank_url: str) -> None:
    with older_register(blank_url, 11) as conn:
        conn.execute(text(
            "INSERT INTO entries (agency, year, series, number, so_ky_hieu, ngay, ten_loai_trich_yeu, nguoi_ky, noi_nhan, "
            "don_vi_nhan_ban_luu, kind, status, issued_at, issued_by) VALUES ('ubnd-quang-ninh', 2019, 'chung', 1, "
            "'01/UBND-VP', '2019-03-01', 'Công văn V/v xây dựng nông thôn mới', 'Nguyễn Văn Thắng', 'Các sở', 'VT', "
            "'cong_van', 'imported', '2019-03-01', 'vt')"))
    with Register(blank_url) as register:
        assert register.schema_version() >= 12
    assert _found(workspace, "nông thôn mới", blank_url) == ["01/UBND-VP"]
    assert _found(workspace, "nguyen van thang", blank_url) == ["01/UBND-VP"]


def test_the_line_shown_holds_the_words(make_record: Callable[..., Path], workspace: Path, register_url: str) -> None:
    _issue(make_record, workspace, register_url, {
        "a.yaml": "Mục đích của kế hoạch.\n\nTriển khai dịch vụ bưu chính.\n\nCông tác biên dịch."})
    (hit,) = search(workspace, "dịch vụ", register_url=register_url)
    assert hit.line == "Triển khai dịch vụ bưu chính."
    (hit,) = search(workspace, "dịch", register_url=register_url)
    assert hit.line == "Triển khai dịch vụ bưu chính.", "the first line that holds the word itself, not 'đích'"
    (hit,) = search(workspace, "01/UBND-XD6", register_url=register_url)
    assert hit.line == hit.entry.ten_loai_trich_yeu, "a match in the number: the subject line"


def _many_words(path: Path, count: int) -> Path:
    """A text file of ``count`` distinct four-letter words: more than PostgreSQL holds in one search vector."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    rng = random.Random(3)
    chosen = rng.sample(range(26 ** 4), count)
    words = ["".join(letters[n // 26 ** k % 26] for k in range(4)) for n in chosen]
    path.write_text("trích yếu đầu tiên\n" + " ".join(words) + "\n", "utf-8")
    return path


def test_a_received_file_of_many_distinct_words_is_registered(workspace: Path, register_url: str) -> None:
    big = _many_words(workspace / "nhieu-tu.txt", 135_000)
    row, _files = incoming.receive(workspace, big, "Sở Tài chính", None, None, "Danh mục từ ngữ", ngay_den=D,
                                   register_url=register_url)
    assert row.number == 1
    assert [h.so_ky_hieu for h in search(workspace, "trích yếu đầu tiên", register_url=register_url)] == ["Đến 1"]


def test_the_indexed_text_of_a_received_file_is_bounded(workspace: Path, register_url: str) -> None:
    from correspondence.register import words as store

    size = store.TEXT_LIMIT + 200_000
    big = workspace / "lon.txt"
    with big.open("w", encoding="utf-8") as out:
        out.write("Từ khóa ở đầu tệp\n")
        line = "nội dung lặp lại của một tệp văn bản rất lớn\n"
        out.write(line * (size // len(line)))
        out.write("từ ở cuối tệp\n")
    row, _files = incoming.receive(workspace, big, "Sở Tài chính", None, None, "Tệp lớn", ngay_den=D,
                                   register_url=register_url)
    with Register(register_url) as register, register.engine.connect() as conn:
        stored = conn.execute(text("SELECT length(toan_van), length(tu_khoa) FROM tim_kiem_den")).one()
    assert stored[0] <= store.TEXT_LIMIT and stored[1] <= store.TEXT_LIMIT
    assert [h.so_ky_hieu for h in search(workspace, "từ khóa", register_url=register_url)] == ["Đến 1"]
    assert search(workspace, "cuối tệp", register_url=register_url) == [], "beyond the indexed part"


def test_receiving_a_large_file_takes_little_memory(workspace: Path, register_url: str) -> None:
    """The file is hashed and kept a piece at a time, and only its first TEXT_LIMIT characters are read for search:
    the memory a received file costs does not grow with its size."""
    import tracemalloc

    from correspondence.register.words import TEXT_LIMIT

    big = workspace / "rat-lon.txt"
    line = ("Nội dung lặp lại của một tệp văn bản rất lớn " * 4 + "\n").encode("utf-8")
    with big.open("wb") as out:
        for _ in range(30 * TEXT_LIMIT // len(line)):
            out.write(line)
    size = big.stat().st_size
    tracemalloc.start()
    try:
        row, files = incoming.receive(workspace, big, "Sở Tài chính", None, None, "Tệp rất lớn", ngay_den=D,
                                      register_url=register_url)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert files[0].stat().st_size == size and row.number == 1
    assert peak < 20 * TEXT_LIMIT < size, f"{peak} bytes of memory for a file of {size}"
