"""Turn a record and its agency profile into its series and its số/ký hiệu (ND 30 Art. 15; PL I §II.3).

Pure functions, no I/O: the store calls them, and so do the composer and the tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from correspondence import vietnamese as vn

CHUNG = "chung"  # the one series all administrative documents share by default
MAT = "mat"  # secret documents always number apart (Art. 15.2)
BAN_SAO = "ban_sao"  # copies (SY, SL, TrS) share one series of their own (PL I Part II §II.1.c)
COPY_KINDS = ("sao_y", "sao_luc", "trich_sao")


@dataclass(frozen=True)
class Series:
    """Which series a document takes its number from, and whether the year goes into the ký hiệu."""

    name: str
    nam_trong_ky_hieu: bool = False


def select_series(agency: Any, kind: str, don_vi: str | None, secret: bool) -> Series:
    """The first declared series matching the document; else the copies', the secret or the shared series."""
    if kind in COPY_KINDS:
        return Series(BAN_SAO)
    for name, rule in agency.so_rieng.items():
        if rule.loai and kind not in rule.loai:
            continue
        if rule.don_vi and (don_vi or "") not in rule.don_vi:
            continue
        if rule.do_mat is not None and rule.do_mat != secret:
            continue
        if secret and rule.do_mat is not True:
            continue  # a secret document never shares a series with ordinary ones
        return Series(name, rule.nam_trong_ky_hieu)
    return Series(MAT if secret else CHUNG)


def so_ky_hieu(number: int, ky_hieu: str, year: int, nam_trong_ky_hieu: bool = False) -> str:
    """``3018/UBND-XD6``, ``05/KH-UBND``, or with the year ``09/2019/QĐ-UBND``."""
    middle = f"/{year}" if nam_trong_ky_hieu else ""
    return f"{vn.so_van_ban(number)}{middle}/{ky_hieu}"


def parse_so_ky_hieu(text: str) -> tuple[int, str, int | None]:
    """``3018/UBND-XD6`` → (3018, ``UBND-XD6``, None); ``09/2019/QĐ-UBND`` → (9, ``QĐ-UBND``, 2019)."""
    parts = text.strip().split("/")
    if len(parts) not in (2, 3) or not parts[0].isdigit() or not parts[-1]:
        raise ValueError(text)
    year = int(parts[1]) if len(parts) == 3 and parts[1].isdigit() and len(parts[1]) == 4 else None
    if len(parts) == 3 and year is None:
        raise ValueError(text)
    return int(parts[0]), parts[-1], year
