"""The room "Văn bản mới" through the whole application: the form generated from the record's schema, its choices
from the agency profile and Art. 13, problems at their fields with nothing issued, the preview picture, issuing with
the Số, ký hiệu and the files to download, the văn thư's right to issue, script shown as text, the Word body, and
no file of another agency."""

from __future__ import annotations

import io
import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
import yaml

from correspondence import api
from tests.desk import AGENCY
from tests.desk.conftest import csrf_of

EXAMPLE = {
    "loai": "cong_van", "don_vi": "XD6", "trich_yeu": "rà soát, nâng cấp mức độ dịch vụ công trực tuyến",
    "kinh_gui": "Các Sở, Ban, ngành trong tỉnh\nUBND các huyện, thị xã, thành phố",
    "noi_dung": "Ủy ban nhân dân tỉnh có ý kiến như sau:\n\n1. Các Sở, ngành rà soát dịch vụ công trực tuyến.\n\n"
                "2. Sở Thông tin và Truyền thông tổng hợp, báo cáo.",
    "nguoi_ky": "dang_huy_hau", "tham_quyen": "KT", "noi_nhan": "Như trên\nCT, các PCT UBND tỉnh (b/c)",
    "noi_luu": "VT\nXD6", "so_ban": "2",
}


def _form(client: Any, **changes: str) -> dict[str, str]:
    page = client.get("/van-ban-moi").text
    return {"csrf": csrf_of(page), **EXAMPLE, **changes}


def _select(html: str, name: str) -> list[str]:
    found = re.search(rf'<select id="[^"]*" name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert found, f"no select named {name}"
    return re.findall(r'<option value="([^"]*)"', found[1])


def _rows(office: Path) -> list[Any]:
    return api.register_list(office, AGENCY)


def test_the_form_has_the_records_fields_and_values(sign_in: Any) -> None:
    page = sign_in("vanthu").get("/van-ban-moi")
    assert page.status_code == 200
    html = page.text
    for name in ("loai", "don_vi", "trich_yeu", "kinh_gui", "noi_dung", "nguoi_ky", "tham_quyen", "noi_nhan",
                 "noi_luu", "ngay", "noi_dung_tu"):
        assert f'name="{name}"' in html, name
    assert re.search(r'<textarea id="kinh_gui" name="kinh_gui"', html)  # a list: one item a line
    assert re.search(r'<textarea id="noi_nhan" name="noi_nhan"', html)
    assert _select(html, "don_vi") == ["XD6", "KSTT", "HCC"]  # the profile's units, by their abbreviation
    assert "dang_huy_hau" in _select(html, "nguoi_ky") and "nguyen_van_thang" in _select(html, "nguoi_ky")
    assert _select(html, "tham_quyen") == ["KT", "Q"]  # the skeleton's signer, a Phó Chủ tịch: Art. 13 allows these
    assert re.search(r'<option value="dang_huy_hau" selected', html)
    assert re.search(r'<option value="KT" selected', html)
    assert 'value="{}"'.format(__import__("datetime").date.today().isoformat()) in html  # today's date
    assert re.search(r'name="noi_luu"[^>]*>VT\nXD6</textarea>', html)  # Lưu from the profile and the unit
    assert "Xem trước" in html and "Ban hành" in html
    kinds = re.findall(r'<option value="([a-z_]+)"', html.split('id="chon-loai"')[1].split("</select>")[0])
    assert "cong_van" in kinds and "quyet_dinh" in kinds and "bien_ban" in kinds
    other = sign_in("vanthu").get("/van-ban-moi?loai=bien_ban").text
    assert 'name="thu_ky.ho_ten"' in other and 'name="kinh_gui"' not in other


def test_the_authority_list_follows_the_signer(sign_in: Any) -> None:
    client = sign_in("chuyenvien")
    head = client.get("/van-ban-moi/tham-quyen", params={"nguoi_ky": "nguyen_van_thang", "loai": "cong_van"}).text
    assert _select(head, "tham_quyen")[:1] == ["TM"] and "KT" not in _select(head, "tham_quyen")
    deputy = client.get("/van-ban-moi/tham-quyen", params={"nguoi_ky": "dang_huy_hau", "loai": "cong_van"}).text
    assert "KT" in _select(deputy, "tham_quyen") and "khong" not in _select(deputy, "tham_quyen")
    resolution = client.get("/van-ban-moi/tham-quyen", params={"nguoi_ky": "nguyen_van_thang",
                                                              "loai": "nghi_quyet"}).text
    assert _select(resolution, "tham_quyen") == ["TM"]
    # The list is the checks' own: each value offered passes them, each left out is refused by them.
    assert api.signing_authorities(Path.cwd(), AGENCY, "dang_huy_hau", "cong_van") == _select(deputy, "tham_quyen")


def test_a_problem_is_shown_at_its_field_and_nothing_is_issued(office: Path, sign_in: Any) -> None:
    client = sign_in("vanthu")
    before = len(_rows(office))
    answer = client.post("/van-ban-moi/ban-hanh", data=_form(client, trich_yeu="", tham_quyen="khong"))
    assert answer.status_code == 422
    html = answer.text
    trich_yeu = html.split('id="truong-trich_yeu"')[1].split('id="truong-')[0]
    assert "thiếu trường bắt buộc" in unescape(trich_yeu)
    authority = unescape(html.split('id="truong-tham_quyen"')[1].split('id="truong-')[0])
    assert "KT" in authority and "Phó Chủ tịch" in authority  # a deputy does not sign in their own name
    assert 'name="kinh_gui"' in html and "Các Sở, Ban, ngành trong tỉnh" in html  # what was typed is kept
    assert len(_rows(office)) == before
    assert not (office / "ban-ghi").exists() or not list((office / "ban-ghi").rglob("*.yaml"))
    assert not list((office / "output" / AGENCY).rglob("*.pdf")) if (office / "output" / AGENCY).exists() else True


def test_preview_shows_page_one_as_a_picture(sign_in: Any) -> None:
    client = sign_in("chuyenvien")
    answer = client.post("/van-ban-moi/xem-truoc", data=_form(client), headers={"hx-request": "true"})
    assert answer.status_code == 200
    found = re.search(r'<img id="anh-trang" class="page" src="(/van-ban-moi/anh/[0-9a-f]{16}/1)"', answer.text)
    assert found, answer.text[:2000]
    picture = client.get(found[1])
    assert picture.status_code == 200 and picture.headers["content-type"] == "image/png"
    assert picture.content.startswith(b"\x89PNG") and len(picture.content) > 10_000
    from PIL import Image

    assert Image.open(io.BytesIO(picture.content)).size[1] > Image.open(io.BytesIO(picture.content)).size[0]
    assert client.get(found[1].removesuffix("/1") + "/99").status_code == 404  # a page the draft has not
    stranger = sign_in("vanthu")  # the same client signs in again: a new session, the old draft is not its own
    assert stranger.get(found[1]).status_code == 404


def test_preview_problems_come_at_their_fields(sign_in: Any) -> None:
    client = sign_in("chuyenvien")
    answer = client.post("/van-ban-moi/xem-truoc", data=_form(client, don_vi="KHONG"),
                         headers={"hx-request": "true"})
    assert answer.status_code == 422 and "anh-trang" not in answer.text  # htmx swaps a 422 (base.html's config)
    errors = unescape(answer.text.split('id="loi-don_vi"')[1].split("</div>")[0])
    assert "KHONG" in errors and "XD6" in errors
    plain = client.post("/van-ban-moi/xem-truoc", data=_form(client, don_vi="KHONG"))
    assert plain.status_code == 422 and 'id="truong-don_vi"' in plain.text


def test_htmx_swaps_a_refusal_of_the_input_but_not_a_server_failure(sign_in: Any) -> None:
    import json
    import re as regex

    html = sign_in("chuyenvien").get("/van-ban-moi").text
    found = re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", html)
    assert found
    config = json.loads(unescape(found[1]))
    assert config["allowScriptTags"] is False and config["allowEval"] is False

    def handling(status: int) -> dict[str, Any]:  # as htmx 2 picks it: the first whose code matches (RegExp.test)
        return next(rule for rule in config["responseHandling"] if regex.search(rule["code"], str(status)))

    assert handling(200)["swap"] is True and handling(204)["swap"] is False
    assert handling(422)["swap"] is True and handling(400)["swap"] is True and not handling(422).get("error")
    for status in (403, 404, 413, 500, 502, 503):
        assert handling(status)["swap"] is False and handling(status)["error"] is True, status


def test_issuing_shows_the_number_and_the_pdf_reads_right(office: Path, sign_in: Any) -> None:
    import pdfplumber

    client = sign_in("vanthu")
    answer = client.post("/van-ban-moi/ban-hanh", data=_form(client))
    assert answer.status_code == 200, answer.text[:3000]
    number = re.search(r'<strong id="so-ky-hieu">([^<]+)</strong>', answer.text)
    assert number and re.fullmatch(r"\d+/UBND-XD6", number[1])
    rows = _rows(office)
    assert [row.so_ky_hieu for row in rows] == [number[1]]
    assert rows[0].issued_by == "vanthu"
    events = [event for event in api.register_log(office, AGENCY, everything=True) if event.entry_id == rows[0].id]
    assert events and {event.by for event in events} == {"vanthu"}  # every event of the row: by the signed-in clerk
    kept = list((office / "ban-ghi" / AGENCY).rglob("*.yaml"))
    assert len(kept) == 1 and "trich_yeu: rà soát" in kept[0].read_text("utf-8")
    links = re.findall(r'href="(/van-ban-moi/tai-ve/[^"]+)"', answer.text)
    assert any(link.endswith(".pdf") for link in links) and any(link.endswith(".docx") for link in links)
    pdf = client.get(next(link for link in links if link.endswith(".pdf")))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    with pdfplumber.open(io.BytesIO(pdf.content)) as document:
        text = " ".join((p.extract_text() or "") for p in document.pages)
    assert number[1] in text.replace(" ", "") or number[1] in text
    assert "rà soát, nâng cấp mức độ dịch vụ công" in " ".join(text.split())


def test_a_specialist_sees_no_issue_button_and_is_refused(office: Path, sign_in: Any) -> None:
    client = sign_in("chuyenvien")
    html = client.get("/van-ban-moi").text
    assert "Xem trước" in html and ">Ban hành<" not in html and 'value="ban-hanh"' not in html
    answer = client.post("/van-ban-moi/ban-hanh", data=_form(client))
    assert answer.status_code == 403
    assert _rows(office) == []
    assert sign_in("lanhdao").get("/van-ban-moi").status_code == 403  # a lãnh đạo reads and signs, drafts nothing


def test_script_typed_into_a_field_is_shown_as_text(sign_in: Any) -> None:
    client = sign_in("vanthu")
    script = '<script>alert("x")</script>'
    answer = client.post("/van-ban-moi/ban-hanh", data=_form(client, trich_yeu=script, don_vi="SAI"))
    assert answer.status_code == 422
    assert script not in answer.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in answer.text


def test_a_word_draft_is_the_body(office: Path, sign_in: Any) -> None:
    client = sign_in("vanthu")
    data = _form(client, noi_dung="")
    word = (office / "examples" / "du-thao.docx").read_bytes()
    answer = client.post("/van-ban-moi/ban-hanh", data=data,
                         files={"noi_dung_tu": ("du thao.docx", word, "application/octet-stream")})
    assert answer.status_code == 200, answer.text[:3000]
    kept = next((office / "ban-ghi" / AGENCY).rglob("*.yaml")).read_text("utf-8")
    assert re.search(r"noi_dung_tu: \.\./\.\./\.\./tai-len/" + AGENCY + r"/[^\n]+\.docx", kept)
    assert len(list((office / "tai-len" / AGENCY).glob("*.docx"))) == 1


def test_a_bad_word_file_is_told_at_its_field(office: Path, sign_in: Any) -> None:
    client = sign_in("vanthu")
    answer = client.post("/van-ban-moi/ban-hanh", data=_form(client, noi_dung=""),
                         files={"noi_dung_tu": ("hong.docx", b"not a zip at all", "application/octet-stream")})
    assert answer.status_code == 422
    field = unescape(answer.text.split('id="tep-noi-dung"')[1].split("</div>\n</div>")[0])
    assert "Word" in field
    refused = client.post("/van-ban-moi/ban-hanh", data=_form(client, noi_dung=""),
                          files={"noi_dung_tu": ("virus.exe", b"MZ", "application/octet-stream")})
    assert refused.status_code == 422 and ".docx" in refused.text
    assert _rows(office) == []


@pytest.mark.parametrize("path", ["../ubnd-ninh-thuan/2026/bi-mat.pdf", "%2e%2e/ubnd-ninh-thuan/2026/bi-mat.pdf",
                                  "../../registers/ubnd-quang-ninh.yaml", ".staging/x.pdf"])
def test_another_agencys_file_is_not_served(office: Path, sign_in: Any, path: str) -> None:
    other = office / "output" / "ubnd-ninh-thuan" / "2026"
    other.mkdir(parents=True)
    (other / "bi-mat.pdf").write_bytes(b"%PDF-1.7 secret")
    answer = sign_in("vanthu").get(f"/van-ban-moi/tai-ve/{path}")
    assert answer.status_code == 404 and b"secret" not in answer.content


def test_an_upload_stays_in_the_office_folder_whatever_its_name_and_size(office: Path, sign_in: Any,
                                                                          tmp_path_factory: Any) -> None:
    """An uploaded file named with a path (``../../…``, an absolute one) is kept under tai-len/<agency>/ with a name of
    its own; one larger than the desk takes is refused before it is read, nothing kept, nothing issued."""
    client = sign_in("vanthu")
    word = (office / "examples" / "du-thao.docx").read_bytes()
    outside = tmp_path_factory.mktemp("ngoai")
    for name in (f"../../../../{outside.name}/thoat.docx", f"{outside}/tuyet-doi.docx", "..\\..\\thoat.docx"):
        answer = client.post("/van-ban-moi/xem-truoc", data=_form(client, noi_dung=""),
                             files={"noi_dung_tu": (name, word, "application/octet-stream")})
        assert answer.status_code == 200, (name, answer.text[:2000])
    assert list(outside.iterdir()) == []
    kept = sorted((office / "tai-len" / AGENCY).iterdir())
    assert len(kept) == 3 and all(path.suffix == ".docx" and ".." not in path.name for path in kept)
    assert not list((office / "tai-len").glob("*.docx")) and not list(office.glob("*thoat*"))
    huge = client.post("/van-ban-moi/ban-hanh", data=_form(client, noi_dung=""),
                       files={"noi_dung_tu": ("lon.docx", b"0" * (21 * 1024 * 1024), "application/octet-stream")})
    assert huge.status_code == 413
    assert len(sorted((office / "tai-len" / AGENCY).iterdir())) == 3 and _rows(office) == []


def test_a_refused_issue_keeps_no_record_unless_rows_were_numbered(office: Path, sign_in: Any) -> None:
    """Refused before any number (the year is closed): the record is not kept under ban-ghi/. Refused after a row was
    numbered from it (said after a batch completed row by row): the record stays, the register's rows came from it."""
    from correspondence.desk.pages.compose import _kept_unless_refused
    from correspondence.errors import RegisterConflict

    api.register_close_year(office, 2019, AGENCY)
    client = sign_in("vanthu")
    refused = client.post("/van-ban-moi/ban-hanh", data=_form(client, ngay="2019-05-07"))
    assert refused.status_code == 422 and "năm 2019 đã khóa" in unescape(refused.text), refused.text[-3000:]
    assert _rows(office) == [] and not list((office / "ban-ghi").rglob("*.yaml"))
    kept = office / "ban-ghi" / AGENCY / "2026" / "giu-lai.yaml"
    data = yaml.safe_load((office / "examples" / "cong-van-3018.yaml").read_text("utf-8"))
    data.pop("ngay")
    try:
        with _kept_unless_refused(office, None, data, kept, None):
            api.issue([kept], office)
            raise RegisterConflict("một dòng bị sửa ngoài công cụ")
    except RegisterConflict:
        pass
    assert len(_rows(office)) == 1 and kept.is_file()
