"""Turn a document's kind, unit and secrecy and its agency profile into the series it is numbered in (ND 30 Art. 15).

Pure functions, no I/O. The Số, ký hiệu itself is formatted by ``correspondence.numbers``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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
