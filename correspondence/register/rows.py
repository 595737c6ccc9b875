"""Turn the rows of the register's tables into the frozen records its callers read: an outgoing ``Entry``, a received
``Incoming``, a ``HoSo``; and a row's values into what is hashed and searched of it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, fields
from typing import Any

from correspondence.records.tables import fold
from correspondence.register.tables import ISSUED


@dataclass(frozen=True)
class Entry:
    """One row of the sổ đăng ký văn bản đi (the ten columns first), plus what the tool keeps with it."""

    id: int
    agency: str
    year: int
    series: str
    number: int
    so_ky_hieu: str
    ngay: str
    ten_loai_trich_yeu: str
    nguoi_ky: str
    noi_nhan: str
    don_vi_nhan_ban_luu: str
    so_luong_ban: int | None
    ngay_chuyen: str | None
    ky_nhan: str | None
    ghi_chu: str | None
    kind: str
    status: str
    record_json: str | None
    agency_json: str | None
    files_json: str | None
    issued_at: str
    issued_by: str
    don_vi: str | None = None
    content_hash: str | None = None
    failure: str | None = None
    lease: str | None = None
    tim_kiem: str | None = None
    thay_the: int | None = None  # the entry this corrected document replaces
    thay_the_boi: int | None = None  # the entry of the document that replaced this one

    @property
    def files(self) -> list[dict[str, str]]:
        return json.loads(self.files_json) if self.files_json else []

    @property
    def pending(self) -> bool:
        """Numbered and committed, files not yet confirmed: being written, or interrupted by a crash."""
        return self.status == ISSUED and self.files_json is None

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)
                if f.name not in ("record_json", "agency_json", "files_json", "lease", "tim_kiem")} | {"files": self.files}


@dataclass(frozen=True)
class HoSo:
    """A hồ sơ (case file) of the year's danh mục: its number and symbol (``01.VP``), title, retention (years, or
    ``vinh-vien``), who keeps it, and whether it still takes documents."""

    id: int
    agency: str
    nam: int
    ky_hieu: str
    tieu_de: str
    thoi_han: str
    don_vi: str | None
    nguoi_lap: str | None
    status: str
    mo_luc: str
    dong_luc: str | None

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class Incoming:
    """One row of the sổ đăng ký văn bản đến (the ten columns of PL IV first), and the file received."""

    id: int
    agency: str
    year: int
    series: str
    number: int
    ngay_den: str
    tac_gia: str
    so_ky_hieu: str | None
    ngay_van_ban: str | None
    trich_yeu: str
    don_vi_nhan: str | None
    ngay_chuyen: str | None
    ky_nhan: str | None
    ghi_chu: str | None
    do_mat: str | None
    do_khan: str | None
    status: str
    files_json: str | None
    received_at: str
    received_by: str

    @property
    def files(self) -> list[dict[str, str]]:
        return json.loads(self.files_json) if self.files_json else []

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "files_json"} | {"files": self.files}


@dataclass(frozen=True)
class Handling:
    """One step of a received document's life after its số đến: an assignment (``den-assigned``: the unit, the person,
    the deadline) or its outcome (``den-done``: the note), on the day ``ngay``."""

    id: int
    agency: str
    den_id: int
    action: str
    don_vi: str | None
    nguoi: str | None
    han: str | None
    ngay: str
    ghi_chu: str | None
    at: str
    by: str

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def handling_of(row: Any) -> Handling:
    """The ``Handling`` of a row of ``xu_ly_den``."""
    return Handling(**{f.name: getattr(row, f.name) for f in fields(Handling)})


def handling_hash(row: Any) -> str:
    """The SHA-256 of an assignment or outcome row's content, as its event records it."""
    values = row if isinstance(row, dict) else row._mapping
    content = {f.name: values.get(f.name) for f in fields(Handling)}
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()


def entry_of(row: Any) -> Entry:
    """The ``Entry`` of a row of ``entries``."""
    return Entry(**{f.name: getattr(row, f.name) for f in fields(Entry)})


def ho_so_of(row: Any) -> HoSo:
    """The ``HoSo`` of a row of ``ho_so``."""
    return HoSo(**{f.name: getattr(row, f.name) for f in fields(HoSo)})


def incoming_of(row: Any) -> Incoming:
    """The ``Incoming`` of a row of ``van_ban_den``."""
    return Incoming(**{f.name: getattr(row, f.name) for f in fields(Incoming)})


def incoming_hash(row: Any) -> str:
    """The SHA-256 of an incoming row's content, as its events record it."""
    values = row if isinstance(row, dict) else row._mapping
    content = {f.name: values.get(f.name) for f in fields(Incoming)}
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()


def received_hashes(files_json: str | None) -> list[str]:
    """The SHA-256 of each file a received row keeps (its ``files_json``), each once; none of a value that is not a
    list of files (a row edited outside the tool: the audit reports it, the register still opens)."""
    try:
        files = json.loads(files_json) if files_json else []
    except ValueError:
        return []
    if not isinstance(files, list):
        return []
    return list(dict.fromkeys(str(item["sha256"]) for item in files if isinstance(item, dict) and item.get("sha256")))


def searchable(values: dict[str, Any]) -> str:
    """The folded text ``register list --tim`` searches: subject, signer, recipients."""
    return fold(" ".join(str(values[k]) for k in ("ten_loai_trich_yeu", "nguoi_ky", "noi_nhan") if values.get(k)))
