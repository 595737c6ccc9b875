"""The rooms of the desk through the whole application (Starlette's TestClient): the outgoing register (filters by
period, a row with its events, signatures and files, void, export), the incoming book (receive from an upload,
assign, done, overdue), hồ sơ, search, the remote signature's two steps, and what each role may not do; no row or
file of another agency is shown."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path
from typing import Any

import pytest

from correspondence import api
from tests.desk import AGENCY
from tests.desk.conftest import csrf_of
from tests.signing.conftest import pki  # noqa: F401  (the test CA, for the remote signature)

OTHER = "ubnd-ninh-thuan"


def _issue(office: Path, record: str = "cong-van-3018.yaml") -> Any:
    return api.issue([office / "examples" / record], office)[0].entry


def _issue_other(office: Path, times: int = 2) -> list[Any]:
    """Documents of the other agency of the office, in its own register: its own rows, files and words."""
    api.register_init(office, OTHER)
    text = (office / "examples" / "cong-van-3018.yaml").read_text("utf-8")
    text = text.replace("co_quan: ubnd-quang-ninh", f"co_quan: {OTHER}").replace("don_vi: XD6", "don_vi: VXNV")
    text = text.replace("nguoi_ky: dang_huy_hau", "nguoi_ky: pho_chu_tich")
    text = text.replace("trich_yeu: rà soát, nâng cấp", "trich_yeu: bí mật Ninh Thuận về rà soát, nâng cấp")
    record = office / "ninh-thuan.yaml"
    record.write_text(text, "utf-8")
    return [api.issue([record], office, lai=True)[0].entry for _ in range(times)]


def _post(client: Any, path: str, data: dict[str, str], page: str, **kwargs: Any) -> Any:
    token = csrf_of(client.get(page).text)
    return client.post(path, data={"csrf": token, **data}, follow_redirects=False, **kwargs)


# --- the outgoing register ------------------------------------------------------------------------------------------


def test_the_register_shows_the_agencys_rows_and_a_row_its_events_and_files(office: Path, sign_in: Any) -> None:
    entry = _issue(office)
    client = sign_in("chuyenvien")
    listing = client.get("/so-van-ban-di")
    assert listing.status_code == 200
    assert entry.so_ky_hieu in listing.text and f'href="/so-van-ban-di/{entry.id}"' in listing.text
    assert "dịch vụ công trực tuyến" in listing.text
    row = client.get(f"/so-van-ban-di/{entry.id}")
    assert row.status_code == 200
    assert "Đặng Huy Hậu" in row.text and "Sự kiện" in row.text
    assert "cấp số" in row.text and "ghi tệp" in row.text  # the events: numbered, files written
    assert "chưa ký" in row.text
    pdf = client.get(f"/so-van-ban-di/{entry.id}/tep/1")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.content == (office / entry.files[1]["path"]).read_bytes()
    assert client.get(f"/so-van-ban-di/{entry.id}/tep/9").status_code == 404
    assert client.get("/so-van-ban-di/999").status_code == 404
    assert client.get("/so-van-ban-di/abc").status_code == 404


def test_the_register_filters_by_period_kind_and_words(office: Path, sign_in: Any) -> None:
    first = _issue(office)  # 07/05/2019
    second = _issue(office, "quyet-dinh.yaml")
    client = sign_in("vanthu")
    may = client.get("/so-van-ban-di?nam=2019&thang=5").text
    assert first.so_ky_hieu in may
    assert second.so_ky_hieu in may or second.ngay[5:7] != "05"
    other_month = client.get("/so-van-ban-di?nam=2019&thang=1").text
    assert first.so_ky_hieu not in other_month and "không có văn bản nào" in other_month
    days = client.get("/so-van-ban-di?tu_ngay=01/05/2019&den_ngay=31/05/2019").text
    assert first.so_ky_hieu in days and "Từ 01/05/2019 đến 31/05/2019" in days
    kind = client.get("/so-van-ban-di?loai=quyet_dinh").text
    assert second.so_ky_hieu in kind and first.so_ky_hieu not in kind
    words = client.get("/so-van-ban-di?tim=nang cap").text
    assert first.so_ky_hieu in words and second.so_ky_hieu not in words


@pytest.mark.parametrize("query, said", [
    ("thang=5&quy=2", "chỉ chọn một khoảng thời gian"), ("thang=13", "không phải số từ 1 đến 12"),
    ("tu_ngay=31/05/2019&den_ngay=01/05/2019", "--tu-ngay"), ("tu_ngay=hom-qua", "không phải ngày"),
    ("loai=khong_co", "khong_co"),
])
def test_a_wrong_period_is_said_on_the_page(sign_in: Any, query: str, said: str) -> None:
    answer = sign_in("vanthu").get(f"/so-van-ban-di?{query}")
    assert answer.status_code == 400
    assert said in answer.text and 'role="alert"' in answer.text
    assert "Traceback" not in answer.text


def test_the_register_is_paged(office: Path, sign_in: Any, tmp_path: Path) -> None:
    lines = ['"Số, ký hiệu",Ngày tháng,Tên loại và trích yếu nội dung,Người ký']
    lines += [f"{n}/UBND-VP,{1 + n // 5:02d}/01/2018,Công văn V/v thứ {n},Nguyễn Văn A" for n in range(1, 121)]
    table = tmp_path / "so-cu.csv"
    table.write_text("\n".join(lines) + "\n", "utf-8")
    assert api.register_import(office, table, AGENCY) == 120
    client = sign_in("vanthu")
    first = client.get("/so-van-ban-di?nam=2018").text
    assert "Trang 1 / 3" in first and "120/UBND-VP" in first and ">1/UBND-VP<" not in first
    last = client.get("/so-van-ban-di?nam=2018&trang=3").text
    assert ">1/UBND-VP<" in last and "120/UBND-VP" not in last
    assert "Trang 3 / 3" in client.get("/so-van-ban-di?nam=2018&trang=99").text  # past the end: the last page
    assert api.register_page(office, AGENCY, None, 2018, offset=100, limit=50)[1] == 120


def test_a_clerk_voids_a_number_with_a_reason_and_the_event_names_her(office: Path, sign_in: Any) -> None:
    entry = _issue(office)
    client = sign_in("vanthu")
    row = f"/so-van-ban-di/{entry.id}"
    assert "Hủy số này" in client.get(row).text
    empty = _post(client, f"{row}/huy", {"ly_do": "  "}, row)
    assert empty.status_code == 400 and "lý do" in empty.text
    assert api.register_show(office, entry.so_ky_hieu, AGENCY).status == "issued"
    done = _post(client, f"{row}/huy", {"ly_do": "Sai nơi nhận <b>gấp</b>"}, row)
    assert done.status_code == 303 and done.headers["location"] == row
    voided = api.register_show(office, entry.so_ky_hieu, AGENCY)
    assert voided.status == "voided" and "Sai nơi nhận" in (voided.ghi_chu or "")
    events = api.register_events(office, voided)
    assert (events[-1].action, events[-1].by) == ("voided", "vanthu")
    shown = client.get(row).text
    assert "Sai nơi nhận &lt;b&gt;gấp&lt;/b&gt;" in shown and "<b>gấp</b>" not in shown
    assert "vanthu" in shown and "Hủy số này" not in shown  # void once


def test_a_specialist_and_a_leader_cannot_void_no_button_and_refused(office: Path, sign_in: Any) -> None:
    entry = _issue(office)
    for name in ("chuyenvien", "lanhdao"):
        client = sign_in(name)
        row = f"/so-van-ban-di/{entry.id}"
        page = client.get(row).text
        assert "Hủy số này" not in page and "/huy" not in page
        refused = _post(client, f"{row}/huy", {"ly_do": "thử"}, row)
        assert refused.status_code == 403 and "không được" in refused.text
        client.post("/dang-xuat", data={"csrf": csrf_of(page)})
    assert api.register_show(office, entry.so_ky_hieu, AGENCY).status == "issued"


@pytest.mark.parametrize("fmt, magic", [("pdf", b"%PDF"), ("xlsx", b"PK"), ("docx", b"PK"), ("csv", "Số")])
def test_the_clerk_exports_the_register(office: Path, sign_in: Any, fmt: str, magic: Any) -> None:
    entry = _issue(office)
    client = sign_in("vanthu")
    assert "/so-van-ban-di/xuat?dinh_dang=pdf" in client.get("/so-van-ban-di?nam=2019").text
    answer = client.get(f"/so-van-ban-di/xuat?dinh_dang={fmt}&nam=2019&thang=5")
    assert answer.status_code == 200
    assert "attachment" in answer.headers["content-disposition"]
    assert f"so-van-ban-di-{AGENCY}-2019-20190501-20190531.{fmt}" in answer.headers["content-disposition"]
    if isinstance(magic, bytes):
        assert answer.content.startswith(magic)
    else:
        assert magic in answer.content.decode("utf-8-sig") and entry.so_ky_hieu in answer.content.decode("utf-8-sig")
    if fmt == "pdf":
        import pdfplumber

        with pdfplumber.open(io.BytesIO(answer.content)) as pdf:
            text = "\n".join(page.extract_text() or "" for page in pdf.pages)
        assert entry.so_ky_hieu in text
    assert not list((office / "output" / AGENCY).glob("so-*"))  # made aside, not left in the office's folder


def test_export_refusals(office: Path, sign_in: Any) -> None:
    _issue(office)
    clerk = sign_in("vanthu")
    assert clerk.get("/so-van-ban-di/xuat?dinh_dang=exe&nam=2019").status_code == 400
    empty = clerk.get("/so-van-ban-di/xuat?dinh_dang=pdf&nam=2019&thang=1")
    assert empty.status_code == 400 and "01/01/2019" in empty.text
    clerk.post("/dang-xuat", data={"csrf": csrf_of(clerk.get("/").text)})
    specialist = sign_in("chuyenvien")
    assert "/so-van-ban-di/xuat" not in specialist.get("/so-van-ban-di").text
    assert specialist.get("/so-van-ban-di/xuat?dinh_dang=pdf&nam=2019").status_code == 403


def test_another_agencys_rows_files_and_words_are_not_shown(office: Path, sign_in: Any) -> None:
    own = _issue(office)
    theirs = _issue_other(office)
    assert theirs[-1].id == 2 and own.id == 1  # their row 2 exists; this agency has only row 1
    client = sign_in("vanthu")
    listing = client.get("/so-van-ban-di").text
    assert "VXNV" not in listing and "Ninh Thuận" not in listing
    assert client.get(f"/so-van-ban-di/{theirs[-1].id}").status_code == 404
    assert client.get(f"/so-van-ban-di/{theirs[-1].id}/tep/1").status_code == 404
    found = client.get("/tim-kiem?q=bi mat Ninh Thuan").text
    assert "VXNV" not in found and "không có văn bản nào" in found
    assert client.get("/so-van-ban-di/1/tep/..%2F..%2Fregisters").status_code == 404


def test_a_file_outside_the_agencys_folder_is_never_served(office: Path, sign_in: Any) -> None:
    """A row whose files name a path outside output/<agency>/ (a register edited by hand) serves nothing."""
    from starlette.requests import Request

    from correspondence.desk.pages.common import kept_file
    from correspondence.desk.web import Viewer

    theirs = _issue_other(office, 1)[0]
    client = sign_in("vanthu")
    app = client.app
    scope = {"type": "http", "method": "GET", "path": "/", "headers": [], "app": app, "query_string": b"",
             "session": {}}
    request = Request(scope)
    request.state.viewer = None
    who = Viewer("vanthu", "van-thu", AGENCY, "t")
    assert kept_file(request, who, theirs.files[1]).status_code == 404  # output/ubnd-ninh-thuan/…
    assert kept_file(request, who, {"path": "registers/ubnd-quang-ninh.yaml"}).status_code == 404
    assert kept_file(request, who, {"path": f"output/{AGENCY}/../../registers/ubnd-quang-ninh.yaml"}).status_code == 404
    assert kept_file(request, who, {"path": "/etc/passwd"}).status_code == 404


# --- the incoming book ----------------------------------------------------------------------------------------------


def _pdf(text: str) -> bytes:
    """A one-page PDF of its own (``text`` in its title: each is another file)."""
    import pikepdf

    out = io.BytesIO()
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.docinfo["/Title"] = text
        pdf.save(out)
    return out.getvalue()


def _receive(client: Any, name: str = "cv-so-tai-chinh.pdf", data: bytes | None = None, **fields: str) -> Any:
    values = {"tac_gia": "Sở Tài chính", "so_ky_hieu": "123/STC-NS", "ngay_van_ban": "02/05/2019",
              "trich_yeu": "Công văn về dự toán ngân sách"} | fields
    token = csrf_of(client.get("/van-ban-den").text)
    return client.post("/van-ban-den", data={"csrf": token, **values},
                       files={"tep": (name, data if data is not None else _pdf("Du toan ngan sach 2019"),
                                      "application/pdf")}, follow_redirects=False)


def test_the_clerk_receives_an_upload_and_it_is_kept_under_its_so_den(office: Path, sign_in: Any) -> None:
    client = sign_in("vanthu")
    answer = _receive(client)
    assert answer.status_code == 303, answer.text
    row_path = answer.headers["location"]
    assert re.fullmatch(r"/van-ban-den/\d{4}/1", row_path)
    (item,) = api.incoming_list(office, None, False, AGENCY)
    assert (item.tac_gia, item.so_ky_hieu, item.received_by) == ("Sở Tài chính", "123/STC-NS", "vanthu")
    kept = office / item.files[0]["path"]
    assert kept.is_file() and kept.is_relative_to(office / "output" / AGENCY / "den")
    assert not list((office / "tai-len").rglob("*.pdf"))  # the upload itself is not left behind
    row = client.get(row_path)
    assert "Sở Tài chính" in row.text and "123/STC-NS" in row.text and "Số đến 1" in row.text
    download = client.get(f"{row_path}/tep/0")
    assert download.status_code == 200 and download.content == kept.read_bytes()
    assert "Công văn về dự toán" in client.get("/van-ban-den").text


def test_the_received_file_keeps_the_name_the_sender_gave_it(office: Path, sign_in: Any) -> None:
    """The register's copy of an upload is named as the sender named the file (what the clerk and the archive see),
    not by the desk's own name for the upload; a name with a path keeps only its last part."""
    client = sign_in("vanthu")
    for number, sent in ((123, "Công văn 123-STC.pdf"), (124, "../../thoat/cv so 124.pdf")):
        answer = _receive(client, name=sent, data=_pdf(f"Cong van {number}"), so_ky_hieu=f"{number}/STC-NS")
        assert answer.status_code == 303, answer.text
    names = [Path(item.files[0]["path"]).name for item in api.incoming_list(office, None, False, AGENCY)]
    assert [name.split("-", 1)[1] for name in names] == ["Cong-van-123-STC.pdf", "cv-so-124.pdf"], names
    assert not [path for path in (office / "tai-len").rglob("*") if path.is_file()]
    assert not (office / "thoat").exists()


def test_a_receipt_with_problems_is_refused_at_its_fields_and_takes_no_number(office: Path, sign_in: Any) -> None:
    client = sign_in("vanthu")
    answer = _receive(client, tac_gia="", trich_yeu="", ngay_van_ban="31/02/2019")
    assert answer.status_code == 400
    assert answer.text.count('class="field-error"') >= 3
    assert "không phải ngày" in answer.text
    wrong_type = _receive(client, name="virus.exe", data=b"MZ")
    assert wrong_type.status_code == 400 and ".pdf" in wrong_type.text
    assert api.incoming_list(office, None, False, AGENCY) == []
    assert not (office / "output" / AGENCY / "den").exists()


def test_script_typed_in_a_field_is_shown_as_text(office: Path, sign_in: Any) -> None:
    client = sign_in("vanthu")
    answer = _receive(client, trich_yeu="<script>alert('x')</script> dự toán", tac_gia='"><img src=x onerror=1>')
    page = client.get(answer.headers["location"]).text
    assert "<script>alert" not in page and "&lt;script&gt;alert(" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=1&gt;" in page
    assert "&lt;script&gt;" in client.get("/van-ban-den").text
    assert "&lt;script&gt;" in client.get("/tim-kiem?q=du toan").text


def test_a_specialist_cannot_receive_no_form_and_refused(office: Path, sign_in: Any) -> None:
    client = sign_in("chuyenvien")
    page = client.get("/van-ban-den").text
    assert 'name="tep"' not in page and "Tiếp nhận" not in page
    token = csrf_of(page)
    refused = client.post("/van-ban-den", data={"csrf": token, "tac_gia": "A", "trich_yeu": "B"},
                          files={"tep": ("a.pdf", _pdf("x"), "application/pdf")})
    assert refused.status_code == 403
    assert api.incoming_list(office, None, False, AGENCY) == []


def test_assign_with_a_deadline_then_overdue_then_done(office: Path, sign_in: Any) -> None:
    client = sign_in("vanthu")
    row = _receive(client).headers["location"]
    unknown = _post(client, f"{row}/giao", {"don_vi": "Phòng không có", "han": "01/01/2020"}, row)
    assert unknown.status_code == 400 and "XD6" in unknown.text  # the units there are
    bad_day = _post(client, f"{row}/giao", {"don_vi": "XD6", "han": "mai"}, row)
    assert bad_day.status_code == 400 and "không phải ngày" in bad_day.text
    late = _post(client, f"{row}/giao", {"don_vi": "XD6", "nguoi": "Trần Văn B", "han": "01/01/2020"}, row)
    assert late.status_code == 303
    shown = client.get(row).text
    assert "Trần Văn B" in shown and "01/01/2020" in shown and "đã quá" in shown  # the notice of a deadline past
    overdue = client.get("/van-ban-den/qua-han").text
    assert "Công văn về dự toán" in overdue and "Trần Văn B" in overdue
    finished = _post(client, f"{row}/xong", {"ghi_chu": "Đã trả lời"}, row)
    assert finished.status_code == 303
    assert "Đã trả lời" in client.get(row).text
    assert "Công văn về dự toán" not in client.get("/van-ban-den/qua-han").text
    assert client.get("/van-ban-den/2019/77").status_code == 404


def test_the_assign_form_offers_the_agencys_units_and_a_free_person(office: Path, sign_in: Any) -> None:
    client = sign_in("vanthu")
    row = _receive(client).headers["location"]
    html = client.get(row).text
    form = html.split('action="' + row + '/giao"')[1].split("</form>")[0]
    unit = re.search(r'<select id="don_vi" name="don_vi">(.*?)</select>', form, re.S)
    assert unit, form
    assert re.findall(r'<option value="([^"]*)"', unit[1]) == ["", "XD6", "KSTT", "HCC"]  # the profile's units
    assert "Phòng Xây dựng 6 (XD6)" in unit[1]
    assert re.search(r'<input id="nguoi" name="nguoi"', form)  # the person: free text
    missing = _post(client, f"{row}/giao", {"don_vi": "", "nguoi": "Lê Thị C", "han": "01/01/2030"}, row)
    assert missing.status_code == 400 and 'value="Lê Thị C"' in missing.text  # what was typed is kept
    done = _post(client, f"{row}/giao", {"don_vi": "KSTT", "nguoi": "Lê Thị C", "han": "01/01/2030"}, row)
    assert done.status_code == 303
    item = api.incoming_show(office, int(row.rsplit("/", 1)[1]), int(row.split("/")[2]), False, AGENCY)
    steps = api.incoming_history(office, item, None).steps
    assert [(step.don_vi, step.nguoi, step.by) for step in steps] == [
        ("Phòng Kiểm soát thủ tục hành chính", "Lê Thị C", "vanthu")]  # the unit chosen, as the profile names it
    assert sign_in("chuyenvien").get(row).text.count('name="don_vi"') == 0  # a chuyên viên does not assign


# --- hồ sơ ----------------------------------------------------------------------------------------------------------


def test_the_clerk_opens_a_ho_so_and_files_a_document(office: Path, sign_in: Any) -> None:
    entry = _issue(office)
    client = sign_in("vanthu")
    wrong = _post(client, "/ho-so", {"ky_hieu": "01 VP!", "tieu_de": "", "thoi_han": "mãi", "nam": "2019"}, "/ho-so")
    assert wrong.status_code == 400 and wrong.text.count('class="field-error"') == 3
    assert api.ho_so_list(office, None, AGENCY) == []
    made = _post(client, "/ho-so", {"ky_hieu": "01.VP", "tieu_de": "Hồ sơ dịch vụ công", "thoi_han": "10",
                                    "nam": "2019"}, "/ho-so")
    assert made.status_code == 303 and made.headers["location"] == "/ho-so/2019/01.VP"
    assert "Hồ sơ dịch vụ công" in client.get("/ho-so?nam=2019").text
    filed = _post(client, "/ho-so/2019/01.VP/them", {"so_ky_hieu": entry.so_ky_hieu}, "/ho-so/2019/01.VP")
    assert filed.status_code == 303
    shown = client.get("/ho-so/2019/01.VP").text
    assert entry.so_ky_hieu in shown and "10 năm" in shown and f"/so-van-ban-di/{entry.id}" in shown
    unknown = _post(client, "/ho-so/2019/01.VP/them", {"so_ky_hieu": "9999/UBND-XD6"}, "/ho-so/2019/01.VP")
    assert unknown.status_code == 400 and "9999/UBND-XD6" in unknown.text
    assert client.get("/ho-so/2019/99.XX").status_code == 404


def test_the_clerk_closes_an_open_ho_so(office: Path, sign_in: Any) -> None:
    api.ho_so_create(office, "02.VP", "Hồ sơ hội nghị", "10", 2019, agency=AGENCY)
    specialist = sign_in("chuyenvien")
    assert "/dong" not in specialist.get("/ho-so/2019/02.VP").text
    assert _post(specialist, "/ho-so/2019/02.VP/dong", {}, "/ho-so").status_code == 403
    client = sign_in("vanthu")
    page = client.get("/ho-so/2019/02.VP").text
    assert 'action="/ho-so/2019/02.VP/dong"' in page and "Đóng hồ sơ" in page
    closed = _post(client, "/ho-so/2019/02.VP/dong", {}, "/ho-so/2019/02.VP")
    assert closed.status_code == 303 and closed.headers["location"] == "/ho-so/2019/02.VP"
    assert [h.status for h in api.ho_so_list(office, 2019, AGENCY)] == ["dong"]
    shown = client.get("/ho-so/2019/02.VP").text
    assert "đã đóng" in shown and "/dong" not in shown and "/them" not in shown  # closed: takes nothing more
    events = [event for event in api.register_log(office, AGENCY, everything=True) if event.action == "ho-so-close"]
    assert [event.by for event in events] == ["vanthu"]
    again = client.post("/ho-so/2019/02.VP/dong", data={"csrf": csrf_of(client.get("/").text)})
    assert again.status_code == 409 and "đã đóng" in again.text  # a stale page: told, nothing changes
    assert _post(client, "/ho-so/2019/99.XX/dong", {}, "/ho-so").status_code == 404


def test_a_specialist_cannot_open_or_file(office: Path, sign_in: Any) -> None:
    api.ho_so_create(office, "01.VP", "Hồ sơ chung", "10", 2019, agency=AGENCY)
    client = sign_in("chuyenvien")
    page = client.get("/ho-so?nam=2019").text
    assert "01.VP" in page and 'action="/ho-so"' not in page
    assert _post(client, "/ho-so", {"ky_hieu": "02.VP", "tieu_de": "x", "thoi_han": "10"}, "/ho-so").status_code == 403
    assert "/them" not in client.get("/ho-so/2019/01.VP").text
    assert _post(client, "/ho-so/2019/01.VP/them", {"so_ky_hieu": "1/UBND-XD6"}, "/ho-so").status_code == 403


# --- search ---------------------------------------------------------------------------------------------------------


def test_search_without_diacritics_finds_the_document_with_its_best_line(office: Path, sign_in: Any) -> None:
    entry = _issue(office)
    client = sign_in("chuyenvien")
    assert client.get("/tim-kiem").status_code == 200
    plain = client.get("/tim-kiem?q=dich vu cong")
    marked = client.get("/tim-kiem?q=dịch vụ công")
    for answer in (plain, marked):
        assert answer.status_code == 200
        assert entry.so_ky_hieu in answer.text and f'href="/so-van-ban-di/{entry.id}"' in answer.text
        assert "… " in answer.text and "dịch vụ công" in answer.text.split("class=\"line\"")[1]
    assert "không có văn bản nào" in client.get("/tim-kiem?q=khongcotukhoanay").text
    odd = client.get('/tim-kiem?q=""')
    assert odd.status_code == 400 and "Traceback" not in odd.text


# --- the remote signature -------------------------------------------------------------------------------------------


def _certificate(p12: Path) -> tuple[Any, bytes]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    from tests.signing.conftest import PASSWORD

    key, cert, others = pkcs12.load_key_and_certificates(p12.read_bytes(), PASSWORD.encode())
    return key, b"".join(c.public_bytes(serialization.Encoding.PEM) for c in [cert, *others])


def _signature_picture(office: Path) -> None:
    """The signer's picture in the profile (a signature is drawn with it)."""
    from tests.signing.conftest import signature_png

    folder = office / "registers"
    (folder / "chu-ky").mkdir()
    signature_png(folder / "chu-ky" / "dang-huy-hau.png")
    profile = folder / "ubnd-quang-ninh.yaml"
    profile.write_text(profile.read_text("utf-8").replace(
        "    chuc_vu: Phó Chủ tịch\n", "    chuc_vu: Phó Chủ tịch\n    chu_ky: chu-ky/dang-huy-hau.png\n", 1), "utf-8")


def test_a_leader_prepares_a_remote_signature_sees_it_pending_then_completes_it(
        office: Path, sign_in: Any, pki: Any) -> None:  # noqa: F811
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, utils

    _signature_picture(office)
    entry = _issue(office)
    row = f"/so-van-ban-di/{entry.id}"
    key, pem = _certificate(pki.signer)
    clerk = sign_in("vanthu")
    assert "Ký số" not in clerk.get(row).text
    token = csrf_of(clerk.get(row).text)
    assert clerk.post(f"{row}/ky", data={"csrf": token, "vai_tro": "nguoi_ky"},
                      files={"chung_thu": ("c.pem", pem, "application/x-pem-file")}).status_code == 403
    clerk.post("/dang-xuat", data={"csrf": token})

    leader = sign_in("lanhdao")
    page = leader.get(row).text
    assert "Ký số" in page and "Hủy số này" not in page
    wrong = leader.post(f"{row}/ky", data={"csrf": csrf_of(page), "vai_tro": "nguoi_ky"},
                        files={"chung_thu": ("c.exe", pem, "application/octet-stream")})
    assert wrong.status_code == 400 and ".pem" in wrong.text
    made = leader.post(f"{row}/ky", data={"csrf": csrf_of(page), "vai_tro": "nguoi_ky"},
                       files={"chung_thu": ("nguoi-ky.pem", pem, "application/x-pem-file")}, follow_redirects=False)
    assert made.status_code == 303, made.text
    waiting = leader.get(row).text
    pending = api.pending_signature(api.register_show(office, entry.so_ky_hieu, AGENCY))
    assert pending is not None
    assert "Đang chờ dịch vụ ký số</strong> (B-B):" in waiting and pending["hash"] in waiting
    assert not list((office / "chung-thu").rglob("*.pem"))  # the uploaded certificate is not kept

    bad = leader.post(f"{row}/hoan-tat", data={"csrf": csrf_of(waiting), "chu_ky": base64.b64encode(b"x" * 256)})
    assert bad.status_code == 400 and 'role="alert"' in bad.text
    signature = key.sign(base64.b64decode(pending["hash"]), padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))
    done = leader.post(f"{row}/hoan-tat", data={"csrf": csrf_of(waiting),
                                                "chu_ky": base64.b64encode(signature).decode()},
                       follow_redirects=False)
    assert done.status_code == 303, done.text
    signed = leader.get(row).text
    assert "Đang chờ dịch vụ ký số" not in signed and "Đặng Huy Hậu" in signed
    row_now = api.register_show(office, entry.so_ky_hieu, AGENCY)
    (item,) = api.entry_signatures(row_now)
    assert item["ky"] == "nguoi_ky"
    events = api.register_events(office, row_now)
    assert [(e.action, e.by) for e in events][-2:] == [("sign-pending", "lanhdao"), ("signed", "lanhdao")]
    assert leader.get(f"{row}/tep/{len(row_now.files) - 1}").content.startswith(b"%PDF")


def test_every_room_needs_a_sign_in(client: Any) -> None:
    for path in ("/so-van-ban-di", "/so-van-ban-di/1", "/van-ban-den", "/van-ban-den/qua-han", "/ho-so", "/tim-kiem"):
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/dang-nhap"), path
