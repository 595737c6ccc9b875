"""Turn a number, a ký hiệu and a year into the Số, ký hiệu ND 30/2020 writes (Art. 15; PL I §II.3), and back.

The one owner of the format: the composer prints it, the register stores it, and PostgreSQL
computes it inside the allocation statement from ``sql_so_van_ban`` — a test checks they agree.
"""

from __future__ import annotations

import re


def so_van_ban(number: int) -> str:
    """Document number as ND 30 writes it: a leading zero below 10 only (05, 15, 4498)."""
    if number < 1:
        raise ValueError("document numbers start at 1")
    return f"{number:02d}" if number < 10 else str(number)


def sql_so_van_ban(column: str) -> str:
    """``so_van_ban`` as a PostgreSQL expression over the integer ``column``."""
    return f"(CASE WHEN {column} < 10 THEN '0' ELSE '' END) || {column}::text"


def suffix(ky_hieu: str, year: int, nam_trong_ky_hieu: bool = False) -> str:
    """What follows the number: ``/UBND-XD6``, or with the year ``/2019/QĐ-UBND``."""
    return f"/{year}/{ky_hieu}" if nam_trong_ky_hieu else f"/{ky_hieu}"


def so_ky_hieu(number: int, ky_hieu: str, year: int, nam_trong_ky_hieu: bool = False) -> str:
    """``3018/UBND-XD6``, ``05/KH-UBND``, or with the year ``09/2019/QĐ-UBND``."""
    return so_van_ban(number) + suffix(ky_hieu, year, nam_trong_ky_hieu)


def parse_so_ky_hieu(text: str) -> tuple[int, str, int | None]:
    """``3018/UBND-XD6`` → (3018, ``UBND-XD6``, None); ``09/2019/QĐ-UBND`` → (9, ``QĐ-UBND``, 2019)."""
    parts = text.strip().split("/")
    if len(parts) not in (2, 3) or not parts[0].isdigit() or not parts[-1]:
        raise ValueError(text)
    year = int(parts[1]) if len(parts) == 3 and parts[1].isdigit() and len(parts[1]) == 4 else None
    if len(parts) == 3 and year is None:
        raise ValueError(text)
    return int(parts[0]), parts[-1], year


def file_stem(so_ky_hieu_text: str) -> str:
    """A file name for ``3018/UBND-XD6``: ``3018-UBND-XD6`` (never a ``/``)."""
    return re.sub(r"[/\\:*?\"<>|\s]+", "-", so_ky_hieu_text).strip("-")
