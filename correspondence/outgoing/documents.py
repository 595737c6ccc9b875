"""Turn loaded records and register rows into document models, with the register lookups composing needs:
the quyết định a document is issued with, the original of a copy."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING

from correspondence import model as m
from correspondence import register as register_store
from correspondence.compose import Issue, compose, compose_copy
from correspondence.compose.archival import archival
from correspondence.errors import InvalidRecord, Problem, RegisterUnavailable, RenderFailed
from correspondence.i18n import _
from correspondence.register.numbering import Series, select_series
from correspondence.validate import COPIES, Loaded, load_stored
from correspondence.workspace import register_url

if TYPE_CHECKING:
    from correspondence.register.store import Entry


def series_of(loaded: Loaded) -> Series:
    """The series a record is numbered in."""
    record = loaded.record
    return select_series(loaded.agency, record.loai, record.don_vi, secret=record.do_mat is not None)


def ky_hieu_of(loaded: Loaded) -> str:
    """The ký hiệu of a record: ``UBND-XD6``, ``KH-UBND``."""
    return loaded.ky_hieu


def document(loaded: Loaded, so: int | None, ngay: dt.date | None, nam_trong_ky_hieu: bool = False,
             ban: int | None = None, register: str | None = None) -> m.Document:
    """The document model of a loaded record: final with a number, a draft without one."""
    record = loaded.record
    day = None if so is None else ngay or record.ngay or dt.date.today()
    if record.ban_goc is not None:
        return archival(compose_copy(loaded, Issue(so, day, ban=ban), _original(loaded, register)), loaded)
    parent = _parent(loaded, final=so is not None, register=register)
    return archival(compose(loaded, Issue(so, day, nam_trong_ky_hieu, ban), parent), loaded)


def _original(loaded: Loaded, register: str | None) -> m.Document:
    """The copied document, re-rendered from what the register stored when it was issued."""
    record = loaded.record
    found = _find(loaded, record.ban_goc or "", register)
    if not found or not found[0].record_json:
        reason = (_("{number} is not in the register of {agency}") if not found else
                  _("{number} was imported from an older register: there is no document to copy"))
        raise InvalidRecord(_("invalid record"), [Problem(loaded.located.where(("ban_goc",)), "ban_goc", reason.format(
            number=record.ban_goc, agency=loaded.agency_id))])
    return document_of(found[0], loaded.workspace)


def _parent(loaded: Loaded, final: bool, register: str | None) -> tuple[str, dt.date] | None:
    """The register entry of the quyết định a document is issued with; located problem when a final one has none."""
    if loaded.record.kem_theo is None:
        return None
    found = _find(loaded, loaded.record.kem_theo, register)
    if found:
        return found[0].so_ky_hieu, dt.date.fromisoformat(found[0].ngay)
    if not final:
        return None
    raise InvalidRecord(_("invalid record"), [Problem(
        loaded.located.where(("kem_theo",)), "kem_theo",
        _("{number} is not in the register of {agency}").format(number=loaded.record.kem_theo, agency=loaded.agency_id),
        _("issue the quyết định first"))])


def _find(loaded: Loaded, so_ky_hieu: str, register: str | None) -> list[Entry]:
    """The rows of ``so_ky_hieu`` in the agency's register (none when there is no register yet)."""
    try:
        book = register_store.Register(register_url(loaded.workspace, loaded.agency_id, register))
    except RegisterUnavailable:
        return []
    with book:
        return book.find(loaded.agency_id, so_ky_hieu)


def loaded_of(entry: Entry, root: Path, copy: int | None = None) -> Loaded:
    """The record of a register row (or of one personalised copy), from what is stored with it."""
    if not entry.record_json or not entry.agency_json:
        raise RenderFailed(_("{number} was imported from an older register: there is no document to make").format(
            number=entry.so_ky_hieu))
    return load_stored(entry.record_json, entry.agency_json, root, entry.so_ky_hieu, copy)


def document_of(entry: Entry, root: Path, copy: int | None = None) -> m.Document:
    """The document model of a register row (or of one personalised copy), from what is stored with it."""
    loaded = loaded_of(entry, root, copy)
    series = series_of(loaded)
    return document(loaded, entry.number, dt.date.fromisoformat(entry.ngay), series.nam_trong_ky_hieu, copy)


def copies_of(entry: Entry) -> list[int | None]:
    """The documents a row stands for: itself, or each personalised copy of a merge numbered once."""
    data = json.loads(entry.record_json) if entry.record_json else {}
    return list(range(len(data[COPIES]))) if data.get(COPIES) else [None]
