"""Turn numbers, dates and text into the forms Vietnamese official documents use (ND 30/2020)."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_SCALES = ("", "nghìn", "triệu", "tỷ")
_LETTERS = "abcdđeghiklmnopqrstuvxy"


def nfc(value: Any) -> Any:
    """Normalise every string inside ``value`` (recursively) to Unicode NFC."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {nfc(k): nfc(v) for k, v in value.items()}
    if isinstance(value, list):
        return [nfc(v) for v in value]
    return value


VIETNAM = dt.timezone(dt.timedelta(hours=7), "ICT")  # Asia/Ho_Chi_Minh: UTC+7 all year, no summer time


def gio_viet_nam(moment: str | dt.datetime | None) -> str:
    """A moment the register keeps (ISO, UTC) as a clerk reads it: ``dd/mm/yyyy hh:mm`` in Vietnam's time."""
    if not moment:
        return ""
    value = dt.datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")


def khong_dau(text: str) -> str:
    """Vietnamese written without diacritics, case kept: ``Quảng Ninh`` → ``Quang Ninh``, ``Đắk`` → ``Dak``."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def hom_nay() -> dt.date:
    """Today by the agency's clock (Asia/Ho_Chi_Minh), whatever the machine's time zone."""
    return dt.datetime.now(VIETNAM).date()


def doc_ngay(text: str) -> dt.date:
    """A date as a clerk types it: ``20/12/2019``, ``2/5/2019``, ``20-12-2019`` or ``2019-12-20``; ValueError else."""
    import re

    text = text.strip()
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    if match:
        return dt.date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return dt.date.fromisoformat(text)
    raise ValueError(text)


def ky_thoi_gian(nam: int, thang: int | None = None, quy: int | None = None) -> tuple[dt.date, dt.date]:
    """The first and last day of a year, one of its months or one of its quarters."""
    if thang is not None:
        last = (dt.date(nam + 1, 1, 1) if thang == 12 else dt.date(nam, thang + 1, 1)) - dt.timedelta(days=1)
        return dt.date(nam, thang, 1), last
    if quy is not None:
        first = dt.date(nam, 3 * quy - 2, 1)
        last = (dt.date(nam + 1, 1, 1) if quy == 4 else dt.date(nam, 3 * quy + 1, 1)) - dt.timedelta(days=1)
        return first, last
    return dt.date(nam, 1, 1), dt.date(nam, 12, 31)


def ngay_so(value: dt.date | str | None) -> str:
    """A date as lists and messages print it: ``07/05/2019`` (an ISO text is read first)."""
    if value is None or value == "":
        return ""
    day = dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def ngay_thang_nam(day: dt.date) -> str:
    """``ngày 07 tháng 5 năm 2019``: the day padded below 10, the month only for January and February."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def dia_danh_ngay(place: str, day: dt.date | None) -> str:
    """The place–date line (ô 4); a blank date when ``day`` is None (drafts)."""
    if day is None:
        return f"{place}, ngày … tháng … năm …"
    return f"{place}, {ngay_thang_nam(day)}"


def ngay_ngan(day: dt.date) -> str:
    """Short date as used inside sentences: ``30/5/2019`` (day and month unpadded)."""
    return f"{day.day}/{day.month}/{day.year}"


def ngay_bang_so(day: dt.date) -> str:
    """The date of the date line written in figures, padded as that line pads it: ``07/5/2019``, ``13/6/2020``,
    ``05/01/2020`` — how a document names another one's date (``(Kèm theo … ngày 13/6/2020 …)``)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{day.day:02d}/{month}/{day.year}"


def so(value: float | int, decimals: int | None = None) -> str:
    """A number in the Vietnamese locale: ``1.234.567``, ``20,7``."""
    if decimals is None and type(value) is int and value >= 0:  # what babel gives, without its cost (a long table)
        return f"{value:,}".replace(",", ".")
    from babel.numbers import format_decimal

    if decimals is None:
        return format_decimal(value, locale="vi")
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale="vi")


def phan_tram(value: float, decimals: int = 1) -> str:
    """A ratio as a Vietnamese percentage: 0.207 → ``20,7%``."""
    from babel.numbers import format_percent

    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + "%"
    return format_percent(value, format=pattern, locale="vi")


def so_la_ma(number: int) -> str:
    """Roman numerals for parts, chapters and annexes: 4 → ``IV``."""
    if not 0 < number < 4000:
        raise ValueError("Roman numerals cover 1 to 3999")
    pairs = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
             (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = []
    for value, letters in pairs:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


def chu_cai(index: int) -> str:
    """The ``index``-th point letter (0-based) in the Vietnamese alphabet: a, b, c, d, đ, e, g …"""
    if index < len(_LETTERS):
        return _LETTERS[index]
    return chu_cai(index // len(_LETTERS) - 1) + _LETTERS[index % len(_LETTERS)]


def _three_digits(n: int, full: bool) -> list[str]:
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if full or hundreds:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [_DIGITS[tens], "mươi"]
    if units:
        if units == 1 and tens >= 2:
            words.append("mốt")
        elif units == 5 and tens >= 1:
            words.append("lăm")
        elif units == 4 and tens >= 2:
            words.append("tư")
        else:
            words.append(_DIGITS[units])
    return words


def doc_so(number: int) -> str:
    """A whole number in Vietnamese words: 1.205.000 → ``một triệu hai trăm linh năm nghìn``."""
    if number < 0:
        return "âm " + doc_so(-number)
    if number == 0:
        return "không"
    groups: list[int] = []
    while number:
        number, group = divmod(number, 1000)
        groups.append(group)
    words: list[str] = []
    for position in range(len(groups) - 1, -1, -1):
        group = groups[position]
        if group == 0:
            if position % 3 == 0 and position and words and words[-1] != "tỷ":
                words.append("tỷ")
            continue
        words += _three_digits(group, full=bool(words))
        scale = position % 3
        if scale:
            words.append(_SCALES[scale])
        if position >= 3 and position % 3 == 0:
            words.append("tỷ")
    return " ".join(words)


def tien_bang_chu(amount: int, unit: str = "đồng") -> str:
    """Money in words with a capital first letter: 1500000 → ``Một triệu năm trăm nghìn đồng``."""
    text = f"{doc_so(int(amount))} {unit}".strip()
    return text[:1].upper() + text[1:]
