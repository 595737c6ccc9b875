"""Turn register rows and events into the SHA-256 values that chain every change of the register together.

Without a key, anyone who can edit the database can also recompute every hash. With the agency's secret key
(a file named by ``CORRESPONDENCE_KHOA_SO``, kept outside the register), the chain is *sealed*: a ``seal``
event marks the point from which every event hash is an HMAC-SHA256 under that key, so that a chain recomputed
without it no longer verifies. Events before the seal keep their plain SHA-256 (older registers verify as before).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from pathlib import Path
from typing import Any

from correspondence.errors import Problem, RegisterUnavailable
from correspondence.i18n import _

KEY_ENV = "CORRESPONDENCE_KHOA_SO"  # the path of the agency key file
SEAL = "seal"  # the event from which the chain is keyed; its detail is the key's fingerprint
MIN_KEY = 16  # bytes

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
               hashed_row: str, key: bytes | None = None) -> str:
    """The hash of an event: the previous event's hash, what happened, and the row's content hash after it. SHA-256,
    or HMAC-SHA256 under ``key`` (the events of a sealed chain)."""
    content = _canonical([prev, entry_id, agency, action, at, by, detail, hashed_row])
    if key is not None:
        return hmac.new(key, content, hashlib.sha256).hexdigest()
    return hashlib.sha256(content).hexdigest()


def agency_key() -> bytes | None:
    """The agency key from the file ``CORRESPONDENCE_KHOA_SO`` names (None: no key configured)."""
    named = os.environ.get(KEY_ENV, "").strip()
    if not named:
        return None
    path = Path(named).expanduser()
    try:
        key = path.read_bytes().strip()
    except OSError as error:
        raise RegisterUnavailable(_("cannot read the agency key {path}: {why}").format(
            path=path, why=error.strerror or error), [Problem(KEY_ENV, "", _(
                "set {variable} to the key file, or unset it").format(variable=KEY_ENV))]) from None
    if len(key) < MIN_KEY:
        raise RegisterUnavailable(_("the agency key {path} is too short: at least {count} characters").format(
            path=path, count=MIN_KEY))
    return key


def fingerprint(key: bytes) -> str:
    """What the seal event records of the key: tells the key apart without revealing it."""
    return hmac.new(key, b"correspondence: so dang ky", hashlib.sha256).hexdigest()[:16]
