"""Vietnamese formatting: dates, numbers, words, letters, NFC."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from correspondence import vietnamese as vn


@pytest.mark.parametrize(("day", "expected"), [
    (dt.date(2019, 5, 7), "ngày 07 tháng 5 năm 2019"),
    (dt.date(2020, 1, 5), "ngày 05 tháng 01 năm 2020"),
    (dt.date(2020, 2, 29), "ngày 29 tháng 02 năm 2020"),
    (dt.date(2019, 10, 30), "ngày 30 tháng 10 năm 2019"),
    (dt.date(2019, 3, 10), "ngày 10 tháng 3 năm 2019"),
])
def test_date_padding(day: dt.date, expected: str) -> None:
    assert vn.ngay_thang_nam(day) == expected


def test_place_date_line_and_blank_draft() -> None:
    assert vn.dia_danh_ngay("Quảng Ninh", dt.date(2019, 5, 7)) == "Quảng Ninh, ngày 07 tháng 5 năm 2019"
    assert vn.dia_danh_ngay("Quảng Ninh", None) == "Quảng Ninh, ngày … tháng … năm …"


def test_numbers_and_percentages_in_vi_locale() -> None:
    assert vn.so(1234567) == "1.234.567"
    assert vn.so(1234.5, 2) == "1.234,50"
    assert vn.phan_tram(0.207) == "20,7%"
    assert vn.phan_tram(0.5, 0) == "50%"


@pytest.mark.parametrize(("number", "words"), [
    (0, "không"), (5, "năm"), (10, "mười"), (15, "mười lăm"), (21, "hai mươi mốt"), (24, "hai mươi tư"),
    (105, "một trăm linh năm"), (1005, "một nghìn không trăm linh năm"),
    (1_205_000, "một triệu hai trăm linh năm nghìn"), (2_000_000_000, "hai tỷ"),
])
def test_numbers_in_words(number: int, words: str) -> None:
    assert vn.doc_so(number) == words


def test_money_in_words() -> None:
    assert vn.tien_bang_chu(1_500_000) == "Một triệu năm trăm nghìn đồng"


def test_roman_numerals() -> None:
    assert [vn.so_la_ma(n) for n in (1, 4, 9, 14, 40, 90, 2019)] == ["I", "IV", "IX", "XIV", "XL", "XC", "MMXIX"]


def test_point_letters_follow_the_vietnamese_alphabet() -> None:
    letters = [vn.chu_cai(i) for i in range(23)]
    assert letters[:7] == ["a", "b", "c", "d", "đ", "e", "g"]
    assert not {"f", "j", "w", "z"} & set(letters)


@given(st.text(alphabet="aăâeêioôơuưyAĂÂĐđ\u0300\u0301\u0303\u0309\u0323 ", max_size=40))
def test_nfc_normalises_every_string(text: str) -> None:
    result = vn.nfc({"k": [text, {"x": text}]})
    assert result["k"][0] == unicodedata.normalize("NFC", text)
    assert result["k"][1]["x"] == unicodedata.normalize("NFC", text)


def test_the_guides_examples_of_filters_and_headings_print_what_it_says() -> None:
    """The guide's tien_bang_chu("đô la Mỹ") used to fail, and its "# I. CÔNG TÁC VĂN THƯ" printed "I. I."."""
    from correspondence.templating import body_environment
    from correspondence.validate.markup import parse_body

    assert body_environment().from_string('{{ 2500 | tien_bang_chu("đô la Mỹ") }}').render() == \
        "Hai nghìn năm trăm đô la Mỹ"
    blocks = parse_body("# I. Công tác văn thư\n\n# Công tác lưu trữ")[0]
    assert [(b.marker, b.runs[0].text) for b in blocks] == [("I.", "CÔNG TÁC VĂN THƯ"), ("II.", "CÔNG TÁC LƯU TRỮ")]
