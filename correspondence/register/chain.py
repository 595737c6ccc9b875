"""Turn register rows and events into the SHA-256 values that chain every change of the register together."""

from __future__ import annotations

import hashlib
import json
from typing import Any

# What the chain hashes of a row: every column but the id-independent bookkeeping of who writes its files now.
HASHED = ("id", "agency", "year", "series", "number", "so_ky_hieu", "ngay", "ten_loai_trich_yeu", "nguoi_ky", "noi_nhan",
          "don_vi_nhan_ban_luu", "so_luong_ban", "ngay_chuyen", "ky_nhan", "ghi_chu", "kind", "status", "record_json",
          "agency_json", "files_json", "issued_at", "issued_by", "don_vi", "content_hash", "failure")


# Hashed only when set, so that rows written before these columns existed keep their hashes.
LINKS = ("thay_the", "thay_the_boi")


def _canonical(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode("utf-8")


def row_hash(row: Any) -> str:
    """The SHA-256 of a row's content as the chain records it."""
    values = row if isinstance(row, dict) else row._mapping
    content = {name: values.get(name) for name in HASHED}
    content |= {name: values[name] for name in LINKS if values.get(name) is not None}
    return hashlib.sha256(_canonical(content)).hexdigest()


def event_hash(prev: str, entry_id: int | None, agency: str, action: str, at: str, by: str, detail: str | None,
               hashed_row: str) -> str:
    """The SHA-256 of an event: the previous event's hash, what happened, and the row's content hash after it."""
    return hashlib.sha256(_canonical([prev, entry_id, agency, action, at, by, detail, hashed_row])).hexdigest()
