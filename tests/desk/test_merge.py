"""The mail merge from the room "Văn bản mới": a list (CSV/XLSX) sent beside the form of a giấy mời whose body says
{{ ten }}; "Xem trước" shows which column fills what, the rows' recipients and page 1 of the drafts; "Ban hành" (the
văn thư's) issues a document a row, each with its own number, by the signed-in account; a bad list is told at its
input and nothing is issued."""

from __future__ import annotations

import io
import re
from html import unescape
from pathlib import Path
from typing import Any

import yaml

from correspondence import api
from tests.desk import AGENCY
from tests.desk.conftest import csrf_of

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
GUESTS = (EXAMPLES / "khach-moi.csv").read_bytes()


def _invitation() -> dict[str, str]:
    """The fields of the examples' giấy mời (examples/giay-moi.yaml), as the form posts them."""
    record = yaml.safe_load((EXAMPLES / "giay-moi.yaml").read_text("utf-8"))
    return {"loai": "giay_moi", "don_vi": record["don_vi"], "trich_yeu": record["trich_yeu"],
            "noi_dung": record["noi_dung"], "nguoi_ky": record["ky"]["nguoi_ky"],
            "tham_quyen": record["ky"]["tham_quyen"], "noi_nhan": "\n".join(record["noi_nhan"]),
            "noi_luu": "VT\nHCC", "so_ban": "2"}


def _form(client: Any, **changes: str) -> dict[str, str]:
    page = client.get("/van-ban-moi?loai=giay_moi").text
    return {"csrf": csrf_of(page), **_invitation(), **changes}


def _list(data: bytes | str = GUESTS, name: str = "khach moi.csv") -> dict[str, tuple[str, bytes, str]]:
    return {"danh_sach": (name, data.encode("utf-8") if isinstance(data, str) else data, "text/csv")}


def _at(html: str, name: str) -> str:
    """The text of the problems shown at one input."""
    return unescape(html.split(f'id="loi-{name}"')[1].split("</div>")[0])


def test_the_form_offers_the_list(sign_in: Any) -> None:
    html = sign_in("chuyenvien").get("/van-ban-moi?loai=giay_moi").text
    assert 'name="danh_sach" type="file"' in html and "Danh sách trộn thư (CSV/XLSX)" in html
    assert 'accept=".csv,.xlsx' in html and 'name="in_chung"' in html


def test_preview_shows_the_mapping_the_recipients_and_page_one(office: Path, sign_in: Any) -> None:
    client = sign_in("chuyenvien")  # a chuyên viên drafts and previews
    guests = b"kinh_gui,ten,ghi_chu\n" + b"\n".join(GUESTS.splitlines()[1:]).replace(b"\n", b",x\n") + b",y\n"
    answer = client.post("/van-ban-moi/xem-truoc", data=_form(client), files=_list(guests),
                         headers={"hx-request": "true"})
    assert answer.status_code == 200, answer.text[:3000]
    html = unescape(answer.text)
    mapping = html.split('id="tron-thu-cot"')[1].split("</table>")[0]
    rows = {kind: " ".join(re.sub(r"<[^>]+>", " ", text).split())
            for kind, text in re.findall(r'<tr class="([a-z]+)">(.*?)</tr>', mapping, re.S)}
    assert rows == {"field": "kinh_gui trường kinh_gui của bản ghi", "placeholder": "ten biến {{ ten }} trong nội dung",
                    "unused": "ghi_chu không dùng"}, rows
    recipients = html.split('id="tron-thu-nguoi-nhan"')[1].split("</table>")[0]
    assert "Ông Nguyễn Văn A" in recipients and "Bà Trần Thị B" in recipients, recipients
    assert re.search(r"<td>2</td><td>Ông Nguyễn Văn A</td>", recipients), recipients
    found = re.search(r'src="(/van-ban-moi/anh/[0-9a-f]{16}/1)"', answer.text)
    assert found, answer.text[:3000]
    picture = client.get(found[1])
    assert picture.status_code == 200 and picture.content.startswith(b"\x89PNG") and len(picture.content) > 10_000, (
        picture.status_code, picture.content[:300])
    second = client.get(found[1].removesuffix("/1") + "/2")  # the token itself may hold "/1"
    assert second.status_code == 200, (second.status_code, second.text[:1000])  # row 2's draft: page 2 of the preview
    assert api.register_list(office, AGENCY) == []  # a preview takes no number


def test_a_placeholder_without_a_column_is_told_at_the_body(office: Path, sign_in: Any) -> None:
    client = sign_in("vanthu")
    answer = client.post("/van-ban-moi/xem-truoc", data=_form(client),
                         files=_list("kinh_gui,chuc_vu\nÔng A,Giám đốc\nBà B,Phó Giám đốc\n"))
    assert answer.status_code == 422
    body = _at(answer.text, "noi_dung")  # at the body's input: its {{ ten }} has no column, told once for both rows
    assert re.search(r"danh sách khach-moi\.csv, dòng 2, 3: tên 'ten' trong nội dung chưa được khai báo", body), body
    assert body.count("'ten'") == 1
    assert "anh-trang" not in answer.text
    issued = client.post("/van-ban-moi/ban-hanh", data=_form(client),
                         files=_list("kinh_gui,chuc_vu\nÔng A,Giám đốc\n"))
    assert issued.status_code == 422 and "'ten'" in _at(issued.text, "noi_dung")
    assert api.register_list(office, AGENCY) == []
    assert not list((office / "ban-ghi").rglob("*.yaml")) if (office / "ban-ghi").exists() else True


def test_a_bad_list_is_told_at_its_input_and_nothing_is_issued(office: Path, sign_in: Any) -> None:
    client = sign_in("vanthu")
    cases = {
        "wrong type": (b"ten\nA\n", "khach.txt", ".csv, .xlsx"),
        "empty": (b"kinh_gui,ten\n", "khach.csv", "không có dòng nào"),
        "a blank cell": ("kinh_gui,ten\nÔng A,ông A\nBà B,\n", "khach.csv", "danh sách khach.csv, dòng 3: cột ten: để trống"),
        "not a spreadsheet": (b"PK\x03\x04 not a zip", "khach.xlsx", "khach.xlsx"),
    }
    for case, (data, name, told) in cases.items():
        for route in ("/van-ban-moi/xem-truoc", "/van-ban-moi/ban-hanh"):
            answer = client.post(route, data=_form(client), files=_list(data, name))
            assert answer.status_code == 422, (case, route, answer.text[:2000])
            assert told in _at(answer.text, "danh_sach"), (case, route, _at(answer.text, "danh_sach"))
            assert "Traceback" not in answer.text
    assert api.register_list(office, AGENCY) == []
    assert not (office / "ban-ghi").exists() or not list((office / "ban-ghi").rglob("*.yaml"))
    assert not (office / "output" / AGENCY).exists() or not list((office / "output" / AGENCY).rglob("*.pdf"))


def test_issuing_the_list_numbers_each_row_by_the_signed_in_clerk(office: Path, sign_in: Any) -> None:
    import pdfplumber

    client = sign_in("vanthu")
    answer = client.post("/van-ban-moi/ban-hanh", data={**_form(client), "in_chung": "1"}, files=_list())
    assert answer.status_code == 200, answer.text[:3000]
    shown = re.findall(r'<td class="so-ky-hieu">([^<]+)</td>', answer.text)
    rows = api.register_list(office, AGENCY)
    assert sorted(row.so_ky_hieu for row in rows) == sorted(shown) and len(shown) == 2
    # each row's recipient beside its number, as the preview showed them
    recipients = re.findall(r'<td class="nguoi-nhan">([^<]+)</td>', unescape(answer.text))
    assert recipients == ["Ông Nguyễn Văn A", "Bà Trần Thị B"]
    assert [row.number for row in sorted(rows, key=lambda row: row.number)] == [1, 2]  # consecutive numbers
    assert {row.noi_nhan for row in rows} == {"Ông Nguyễn Văn A", "Bà Trần Thị B"}
    assert {row.issued_by for row in rows} == {"vanthu"}
    events = [event for event in api.register_log(office, AGENCY, everything=True)
              if event.entry_id in {row.id for row in rows}]
    assert events and {event.by for event in events} == {"vanthu"}
    links = re.findall(r'href="(/van-ban-moi/tai-ve/[^"]+\.pdf)"', answer.text)
    printed = re.search(r'id="in-chung" href="([^"]+)"', answer.text)
    assert printed and "/in-chung/" in printed[1]
    assert len([link for link in links if "/in-chung/" not in link]) == 2
    texts = []
    for link in links:
        pdf = client.get(link)
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        with pdfplumber.open(io.BytesIO(pdf.content)) as document:
            texts.append(" ".join(" ".join((p.extract_text() or "") for p in document.pages).split()))
    assert any("ông Nguyễn Văn A - Giám đốc Sở Nội vụ" in text for text in texts)
    together = next(text for link, text in zip(links, texts, strict=True) if "/in-chung/" in link)
    assert "ông Nguyễn Văn A" in together and "bà Trần Thị B" in together
    assert len(list((office / "ban-ghi" / AGENCY).rglob("*.yaml"))) == 1  # the record, kept once for the list


def test_a_specialist_cannot_issue_a_list(office: Path, sign_in: Any) -> None:
    client = sign_in("chuyenvien")
    answer = client.post("/van-ban-moi/ban-hanh", data=_form(client), files=_list())
    assert answer.status_code == 403
    assert api.register_list(office, AGENCY) == []


def test_an_excel_list_is_taken_too(office: Path, sign_in: Any) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in (("Họ và tên", "kinh_gui"), ("ông Lê Văn C - Giám đốc Sở Y tế", "Ông Lê Văn C")):
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    client = sign_in("vanthu")
    answer = client.post("/van-ban-moi/xem-truoc", data=_form(client), files=_list(data.getvalue(), "khach.xlsx"))
    assert answer.status_code == 200, answer.text[:3000]
    html = unescape(answer.text)
    assert re.search(r'<tr class="placeholder"><td>Họ và tên</td><td>\s*biến {{ ten }}', html)  # a title clerks use
    assert "Ông Lê Văn C" in html.split('id="tron-thu-nguoi-nhan"')[1]
    assert api.register_list(office, AGENCY) == []


def test_one_number_for_the_whole_list(office: Path, sign_in: Any) -> None:
    client = sign_in("vanthu")
    answer = client.post("/van-ban-moi/ban-hanh", data={**_form(client), "mot_so": "1"}, files=_list())
    assert answer.status_code == 200, answer.text[:3000]
    shown = re.findall(r'<td class="so-ky-hieu">([^<]+)</td>', answer.text)
    rows = api.register_list(office, AGENCY)
    assert len(shown) == 2 and len(set(shown)) == 1 and [row.so_ky_hieu for row in rows] == shown[:1]
    assert re.findall(r'<td class="nguoi-nhan">([^<]+)</td>', unescape(answer.text)) == ["Ông Nguyễn Văn A",
                                                                                         "Bà Trần Thị B"]
    assert rows[0].issued_by == "vanthu"
