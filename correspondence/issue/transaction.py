"""Turn valid records into issued documents: a number from the register, files on disk, the row completed.

The order makes every failure harmless: everything is validated, composed and rendered before a
number is taken — with the number the register is expected to give, so that in the usual case the
bytes rendered are the bytes written; the number and its row are committed in one short transaction;
the files are written atomically and their SHA-256 recorded. A crash after the commit leaves a
*pending* row that ``recover`` completes from the record stored with it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from correspondence import archive
from correspondence import model as m
from correspondence.errors import Backdated, InvalidRecord, Problem, RegisterConflict
from correspondence.i18n import _
from correspondence.issue.documents import copies_of, document, document_of, ky_hieu_of, series_of
from correspondence.register.store import Entry, Register
from correspondence.render import FORMATS, render_document
from correspondence.validate import Loaded, load, self_contained
from correspondence.workspace import output_folder, output_root, register_url, shown

RECOVER_AFTER = 120.0  # seconds: a row still pending this long after its number was taken was interrupted


@dataclass(frozen=True)
class Issued:
    """A document issued: its register row and the files written."""

    entry: Entry
    files: list[Path]


@dataclass
class _Prepared:
    """A record ready to be numbered: the document composed and rendered with the number it expects."""

    loaded: Loaded
    day: dt.date
    url: str
    expected: int
    document: m.Document
    rendered: dict[str, bytes]


def fields_of(loaded: Loaded, doc: m.Document, stored: dict[str, object] | None = None,
              so_luong_ban: int | None = None) -> dict[str, object]:
    """The register row's columns and what the tool keeps with it, from the record and the composed document."""
    assert doc.registration is not None
    r = doc.registration
    return {
        "ten_loai_trich_yeu": r.ten_loai_trich_yeu, "nguoi_ky": r.nguoi_ky, "noi_nhan": r.noi_nhan,
        "don_vi_nhan_ban_luu": r.don_vi_nhan_ban_luu, "kind": doc.kind,
        "so_luong_ban": so_luong_ban if so_luong_ban is not None else loaded.record.so_ban_phat_hanh,
        "don_vi": loaded.don_vi,
        "record_json": json.dumps(stored if stored is not None else self_contained(loaded), ensure_ascii=False,
                                  sort_keys=True, default=str),
        "agency_json": json.dumps({"id": loaded.agency_id, "profile": loaded.agency.model_dump(mode="json")},
                                  ensure_ascii=False, sort_keys=True),
    }


def _backdated(path: Path, day: dt.date, last_date: str, last_number: int) -> RegisterConflict:
    return RegisterConflict(_("{file}: the date {date} is before the last document of the series "
                              "({last}, number {number}): numbers follow the order of issue").format(
        file=shown(path), date=day.isoformat(), last=last_date, number=last_number))


def issue(paths: list[Path | str], workspace: Path | str | None = None, ngay: dt.date | None = None,
          register: str | None = None, formats: tuple[str, ...] = FORMATS,
          progress: Callable[[Path], None] | None = None) -> list[Issued]:
    """Validate, compose and render, number, write and record each file, in order; all done before any number."""
    root = Path(workspace) if workspace is not None else Path.cwd()
    loaded: list[Loaded] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            loaded.append(load(path, root))
        except InvalidRecord as error:
            problems += error.problems
    if problems:
        raise InvalidRecord(_("invalid record"), problems)
    for item in loaded:
        if item.record.kem_theo is not None:
            raise RegisterConflict(_("{file}: issued with the quyết định {number}, it takes no number of its own: "
                                     "render it with 'correspondence render'").format(
                file=shown(item.path), number=item.record.kem_theo))
    registers: dict[str, Register] = {}
    try:
        for item in loaded:
            url = register_url(root, item.agency_id, register)
            if url not in registers:
                registers[url] = Register(url)
                recover(registers[url], root, item.agency_id, older_than=RECOVER_AFTER)
        prepared = _prepare(loaded, registers, root, ngay, register, formats)
        results = []
        for ready in prepared:
            results.append(_issue_one(registers[ready.url], ready, root, formats))
            if progress is not None:
                progress(ready.loaded.path)
    finally:
        for opened in registers.values():
            opened.close()
    return results


def _prepare(loaded: list[Loaded], registers: dict[str, Register], root: Path, ngay: dt.date | None,
             register: str | None, formats: tuple[str, ...]) -> list[_Prepared]:
    """Before any number is taken: no file of the batch goes back before its series (or an earlier file), and each
    is composed and rendered with the number it expects, so that a template error costs no number."""
    latest: dict[tuple[str, str, int, str], tuple[str, int]] = {}
    out = []
    for item in loaded:
        url = register_url(root, item.agency_id, register)
        day = ngay or item.record.ngay or dt.date.today()
        series = series_of(item)
        key = (url, item.agency_id, day.year, series.name)
        if key not in latest:
            state = next((s for s in registers[url].series_states(item.agency_id)
                          if s.year == day.year and s.series == series.name), None)
            latest[key] = (state.last_date or "", state.last_number) if state else ("", 0)
        last_date, last_number = latest[key]
        if last_date and day.isoformat() < last_date:
            raise _backdated(item.path, day, last_date, last_number)
        latest[key] = (day.isoformat(), last_number + 1)
        doc = document(item, last_number + 1, day, series.nam_trong_ky_hieu, register=register)
        out.append(_Prepared(item, day, url, last_number + 1, doc, render_document(doc, formats, root)))
    return out


def _issue_one(register: Register, item: _Prepared, root: Path, formats: tuple[str, ...]) -> Issued:
    series = series_of(item.loaded)
    try:
        entry = register.allocate(item.loaded.agency_id, series.name, item.day, ky_hieu_of(item.loaded),
                                   fields_of(item.loaded, item.document), series.nam_trong_ky_hieu)
    except Backdated as error:  # another clerk issued a later date meanwhile
        raise _backdated(item.loaded.path, item.day, error.last_date, error.last_number) from None
    rendered = [item.rendered] if entry.number == item.expected else None  # else another clerk took that number
    files = complete(register, entry, root, formats, rendered=rendered)
    return Issued(register.get(entry.id), files)


def render_job(job: tuple[Entry, int | None, str, tuple[str, ...]]) -> dict[str, bytes]:
    """Render one document of a row in any process: everything needed travels in ``job``."""
    entry, copy, root, formats = job
    return render_document(document_of(entry, Path(root), copy), formats, Path(root))


def complete(register: Register, entry: Entry, root: Path, formats: tuple[str, ...] = FORMATS,
             action: str = "completed", rendered: list[dict[str, bytes]] | None = None) -> list[Path]:
    """Render a numbered row's files from its stored record (unless given), write them, record their hashes."""
    if rendered is None:
        rendered = [render_job((entry, copy, str(root), formats)) for copy in copies_of(entry)]
    files = []
    folder = output_folder(root, entry.agency, entry.year)
    for files_of_one in rendered:
        files += archive.store(files_of_one, folder, root)
    register.complete(entry.id, files, action)
    return [root / f["path"] for f in files]


def recover(register: Register, root: Path, agency: str | None = None, older_than: float = 0.0) -> list[Entry]:
    """Complete every pending row (numbered and committed, files not recorded) and sweep temporary files
    a crash left behind: nothing is ever lost, nothing half-written stays.

    ``issue`` passes ``older_than`` so that it leaves alone the rows other clerks are completing right now.
    """
    done = []
    for entry in register.pending(agency, older_than):
        complete(register, entry, root, action="repaired")
        done.append(entry)
    archive.sweep(output_root(root), f"{agency or '*'}/*/.*.tmp", older_than)
    return done


__all__ = ["Issued", "complete", "fields_of", "issue", "recover", "render_job"]
