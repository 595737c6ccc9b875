"""Issuing through the register, on SQLite and PostgreSQL: numbers in order, once, all-or-nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from correspondence.errors import InvalidRecord, RegisterConflict, RenderFailed
from correspondence.outgoing import issue
from correspondence.outgoing.registry import export as register_export
from correspondence.register.store import Register

D = dt.date(2019, 5, 7)


def numbers(url: str, series: str | None = None) -> list[str]:
    with Register(url) as register:
        return [e.so_ky_hieu for e in register.entries("ubnd-quang-ninh", series=series)]


def test_numbers_in_order_with_files_and_register_columns(make_record: Callable[..., Path], workspace: Path,
                                                          register_url: str) -> None:
    paths = [make_record(f"cv{i}.yaml") for i in range(3)]
    done = issue(paths, workspace, D, register_url, lai=True)
    assert [d.entry.so_ky_hieu for d in done] == ["01/UBND-XD6", "02/UBND-XD6", "03/UBND-XD6"]
    entry = done[0].entry
    assert (entry.ngay, entry.nguoi_ky, entry.don_vi_nhan_ban_luu) == ("2019-05-07", "Đặng Huy Hậu", "VT, XD6")
    assert entry.ten_loai_trich_yeu == "Công văn V/v rà soát, nâng cấp mức độ dịch vụ công trực tuyến"
    assert entry.noi_nhan.startswith("Các Sở, Ban, ngành trong tỉnh; UBND các huyện, thị xã, thành phố; CT, các PCT")
    assert json.loads(entry.record_json)["trich_yeu"] == "rà soát, nâng cấp mức độ dịch vụ công trực tuyến"
    assert [f.relative_to(workspace).as_posix() for f in done[0].files] == [
        "output/ubnd-quang-ninh/2019/01-UBND-XD6.docx", "output/ubnd-quang-ninh/2019/01-UBND-XD6.pdf"]
    for item in entry.files:
        assert hashlib.sha256((workspace / item["path"]).read_bytes()).hexdigest() == item["sha256"]
    assert entry.issued_by and entry.issued_at


def test_issued_pdf_carries_its_number(make_record: Callable[..., Path], workspace: Path, register_url: str) -> None:
    import pdfplumber

    done = issue([make_record()], workspace, dt.date(2020, 1, 5), register_url)
    with pdfplumber.open(done[0].files[1]) as pdf:
        text = pdf.pages[0].extract_text()
    assert "Số: 01/UBND-XD6" in text and "Quảng Ninh, ngày 05 tháng 01 năm 2020" in text


def test_invalid_file_in_a_batch_consumes_no_number(make_record: Callable[..., Path], workspace: Path,
                                                    register_url: str) -> None:
    good, bad = make_record("a.yaml"), make_record("b.yaml", ky={"nguoi_ky": "ai"})
    with pytest.raises(InvalidRecord):
        issue([good, bad], workspace, D, register_url)
    assert numbers(register_url) == []
    assert not (workspace / "output").exists()


def test_template_error_consumes_no_number(make_record: Callable[..., Path], workspace: Path, register_url: str) -> None:
    (workspace / "templates").mkdir()
    (workspace / "templates" / "van_ban.typ").write_text("#json(bytes(sys.inputs.data)).khong_co", "utf-8")
    with pytest.raises(RenderFailed):
        issue([make_record()], workspace, D, register_url)
    assert numbers(register_url) == []
    assert not (workspace / "output").exists()


def test_back_dating_is_refused(make_record: Callable[..., Path], workspace: Path, register_url: str) -> None:
    issue([make_record()], workspace, D, register_url, lai=True)
    with pytest.raises(RegisterConflict) as caught:
        issue([make_record()], workspace, dt.date(2019, 5, 6), register_url, lai=True)
    assert caught.value.message == ("cv.yaml: ngày 06/05/2019 sớm hơn văn bản cuối cùng của sổ (07/05/2019, số 1): "
                                    "số phải theo thứ tự ban hành")
    assert numbers(register_url) == ["01/UBND-XD6"]
    issue([make_record()], workspace, D, register_url, lai=True)  # the same day is fine
    assert numbers(register_url) == ["01/UBND-XD6", "02/UBND-XD6"]


def test_year_rollover_restarts_at_01(make_record: Callable[..., Path], workspace: Path, register_url: str) -> None:
    issue([make_record(), make_record()], workspace, dt.date(2019, 12, 31), register_url, lai=True)
    done = issue([make_record()], workspace, dt.date(2020, 1, 1), register_url, lai=True)
    assert done[0].entry.so_ky_hieu == "01/UBND-XD6" and done[0].entry.year == 2020
    with Register(register_url) as register:
        assert [(e.year, e.number) for e in register.entries("ubnd-quang-ninh")] == [(2019, 1), (2019, 2), (2020, 1)]
    assert (workspace / "output" / "ubnd-quang-ninh" / "2020" / "01-UBND-XD6.pdf").is_file()


def _declare(workspace: Path, text: str) -> None:
    profile = workspace / "registers" / "ubnd-quang-ninh.yaml"
    profile.write_text(profile.read_text("utf-8") + text, "utf-8")


def test_secret_documents_number_apart(make_record: Callable[..., Path], workspace: Path, register_url: str) -> None:
    plain = issue([make_record("a.yaml")], workspace, D, register_url)[0].entry
    secret = issue([make_record("b.yaml", do_mat="mat")], workspace, D, register_url)[0].entry
    again = issue([make_record("c.yaml")], workspace, D, register_url, lai=True)[0].entry
    assert (plain.series, plain.number) == ("chung", 1)
    assert (secret.series, secret.number) == ("mat", 1)
    assert (again.series, again.number) == ("chung", 2)


def test_declared_series_and_year_in_the_symbol(make_record: Callable[..., Path], workspace: Path,
                                                register_url: str, pdf_of: Any) -> None:
    _declare(workspace, "so_rieng:\n  kstt:\n    don_vi: [KSTT]\n  qppl:\n    don_vi: [HCC]\n    nam_trong_ky_hieu: true\n"
                        "    ten_so: Sổ đăng ký văn bản quy phạm pháp luật\n")
    first = issue([make_record("a.yaml")], workspace, D, register_url)[0].entry
    kstt = issue([make_record("b.yaml", don_vi="KSTT")], workspace, D, register_url)[0].entry
    legal = issue([make_record("c.yaml", don_vi="HCC")], workspace, D, register_url)[0]
    assert (first.series, first.so_ky_hieu) == ("chung", "01/UBND-XD6")
    assert (kstt.series, kstt.so_ky_hieu) == ("kstt", "01/UBND-KSTT")
    assert (legal.entry.series, legal.entry.so_ky_hieu) == ("qppl", "01/2019/UBND-HCC")
    import pdfplumber

    with pdfplumber.open(legal.files[1]) as pdf:
        assert "Số: 01/2019/UBND-HCC" in pdf.pages[0].extract_text()
    assert legal.files[1].name == "01-2019-UBND-HCC.pdf"
    covers = {series: _cover_lines(register_export(workspace, 2019, "pdf", series=series, register_url=register_url))
              for series in ("qppl", "kstt")}
    assert "SỔ ĐĂNG KÝ VĂN BẢN QUY PHẠM PHÁP LUẬT" in " ".join(covers["qppl"]), covers["qppl"]
    assert "(qppl)" not in covers["qppl"]
    assert covers["kstt"][covers["kstt"].index("SỔ ĐĂNG KÝ VĂN BẢN ĐI") + 1] == "(kstt)", "an unnamed series: its key"


def _cover_lines(path: Path) -> list[str]:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return [line.strip() for line in pdf.pages[0].extract_text().splitlines()]


def test_postgresql_pads_numbers_as_the_rules_do(make_record: Callable[..., Path], workspace: Path,
                                                 register_url: str) -> None:
    from correspondence.numbers import so_ky_hieu

    with Register(register_url) as register:
        got = [register.allocate("x", "chung", D, "UBND-XD6", {"ten_loai_trich_yeu": "", "nguoi_ky": "", "noi_nhan": "",
                                                                  "don_vi_nhan_ban_luu": "", "kind": "cong_van"}).so_ky_hieu
               for _ in range(11)]
    assert got == [so_ky_hieu(n, "UBND-XD6", 2019) for n in range(1, 12)]
    assert got[8:] == ["09/UBND-XD6", "10/UBND-XD6", "11/UBND-XD6"]


def test_a_back_dated_file_in_a_batch_stops_the_whole_batch(make_record: Callable[..., Path], workspace: Path,
                                                            register_url: str) -> None:
    first, second = make_record("a.yaml", ngay="2019-05-08"), make_record("b.yaml", ngay="2019-05-07")
    with pytest.raises(RegisterConflict) as caught:
        issue([first, second], workspace, None, register_url)
    assert caught.value.message.startswith("b.yaml: ngày 07/05/2019 sớm hơn văn bản cuối cùng của sổ (08/05/2019")
    assert numbers(register_url) == [], "no number taken for the files before it"
    assert not (workspace / "output").exists()


def test_each_document_is_composed_and_rendered_once(make_record: Callable[..., Path], workspace: Path,
                                                      register_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The bytes written are the bytes rendered before the number was taken (nobody else took it meanwhile)."""
    from correspondence.outgoing import documents, staging

    counts = {"compose": 0, "render": 0}
    compose, render = documents.compose, staging.render_document

    def counting_compose(*args: Any, **kwargs: Any) -> Any:
        counts["compose"] += 1
        return compose(*args, **kwargs)

    def counting_render(*args: Any, **kwargs: Any) -> Any:
        counts["render"] += 1
        return render(*args, **kwargs)

    monkeypatch.setattr(documents, "compose", counting_compose)
    monkeypatch.setattr(staging, "render_document", counting_render)
    done = issue([make_record("a.yaml"), make_record("b.yaml")], workspace, D, register_url, lai=True)
    assert [d.entry.so_ky_hieu for d in done] == ["01/UBND-XD6", "02/UBND-XD6"]
    assert counts == {"compose": 2, "render": 2}
