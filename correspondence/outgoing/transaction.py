"""Turn valid records into issued documents: numbers from the register, files on disk, rows completed.

The order makes every failure harmless:

1. every check — the record, its date, a closed year, the same content issued before, the order of
   dates in the series — is made before anything is written;
2. every document of the batch is composed and rendered with the number the register is expected to
   give (the final width, the final text) and its files are staged beside their targets, so that a
   template error or a full disk takes no number;
3. the numbers of the batch are taken in one short transaction, each row leased to this process;
4. the staged files are published (write-once) and the rows completed with their SHA-256.

When another clerk took a number meanwhile, the documents concerned are rendered again with the
numbers taken; a failure there (which no check could foresee) marks the row failed with its reason,
and the others go on. A crash leaves *pending* rows whose lease is released: ``recover`` completes
them from the record stored with them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, overload

from correspondence import model as m
from correspondence import storage
from correspondence.compose.archival import full_text
from correspondence.errors import (
    AlreadyIssued,
    Backdated,
    CorrespondenceError,
    InvalidRecord,
    Problem,
    RegisterConflict,
    RegisterUnavailable,
    UsageError,
    WriteFailed,
)
from correspondence.i18n import _
from correspondence.outgoing.documents import copies_of, document, document_of, ky_hieu_of, series_of
from correspondence.outgoing.staging import stage_all, stage_job
from correspondence.progress import notice
from correspondence.register.numbering import Series
from correspondence.register.queries import find_entry
from correspondence.register.store import ISSUED, OPEN, VOIDED, Entry, HoSo, Register, sqlite_path
from correspondence.render import FORMATS, check_pdf_engine, notice_html_templates, render_document
from correspondence.validate import Loaded, load, self_contained
from correspondence.vietnamese import hom_nay, ngay_so
from correspondence.workspace import (
    agency_profile,
    explicit_register,
    find_root,
    issued_files,
    no_office,
    output_folder,
    output_root,
    register_url,
    shown,
)

FIRST_YEAR = 2000  # a year before this is a typing error


@dataclass(frozen=True)
class Issued:
    """A document issued: its register row and the files written (none when it failed after numbering)."""

    entry: Entry
    files: list[Path]
    failure: str | None = None


@dataclass
class Unit:
    """What takes one number: a record, or a mail merge's personalised copies under one number.

    ``source``: the record, or how to read it (a mail merge's row): such a unit holds no record between the steps of
    the transaction — reading one row again costs a tenth of a millisecond, and a batch of thousands of rows then
    holds no more than each row's register fields and staged files. ``copies`` may be read likewise, as they are
    iterated (a sequence that reads each copy when asked for it)."""

    source: Loaded | Callable[[], Loaded]
    where: str
    copies: Sequence[Loaded] = ()
    stored: dict[str, Any] | None = None  # the record as stored, when not the loaded one (copies)
    so_luong_ban: int | None = None
    day: dt.date = dt.date.min
    url: str = ""
    expected: int = 0
    staged: list[storage.Staged] = field(default_factory=list)
    entry: Entry | None = None
    replace: str | None = None  # the Số, ký hiệu of the document this corrected one replaces
    replaces: Entry | None = None
    corrects: Entry | None = None  # the row a đính chính công văn corrects (its record's ``dinh_chinh``)
    file_in: str | None = None  # the hồ sơ (its number and symbol) the document is filed in once issued
    ho_so: HoSo | None = None
    # learnt from the record when it is first read (``learn``: by ``run``, or by whoever read it already, as a merge's
    # check of its rows), kept so that it is not read again for them
    learnt: bool = False
    kem_theo: str | None = None  # the record's: the quyết định it is issued with (it takes no number of its own)
    ngay: dt.date | None = None  # the record's own date, and where it is written
    ngay_where: str = ""
    agency_id: str = ""
    series: Series | None = None
    ky_hieu: str = ""
    content: str = ""  # the SHA-256 of the record as the register keeps it (the same content issued twice)
    dinh_chinh: str | None = None  # the record's: the document a đính chính công văn corrects

    @property
    def loaded(self) -> Loaded:
        """The record: held, or read again from its row."""
        return self.source if isinstance(self.source, Loaded) else self.source()

    def documents(self, loaded: Loaded | None = None) -> Sequence[Loaded]:
        """What is rendered: the copies, else the record (``loaded``, when the caller has read it already)."""
        return self.copies or [loaded if loaded is not None else self.loaded]

    def learn(self, loaded: Loaded) -> None:
        """Keep what the transaction asks of the record at every step (``loaded``: the unit's record)."""
        record = loaded.record
        self.agency_id, self.series, self.ky_hieu = loaded.agency_id, series_of(loaded), ky_hieu_of(loaded)
        self.dinh_chinh, self.kem_theo, self.ngay = record.dinh_chinh, record.kem_theo, record.ngay
        self.ngay_where = loaded.located.where(("ngay",)) if record.ngay else ""
        self.content = hashlib.sha256(record_json(loaded, self.stored).encode("utf-8")).hexdigest()
        self.learnt = True

    @property
    def count(self) -> int:
        """How many documents the unit renders."""
        return len(self.copies) or 1

    @property
    def series_name(self) -> str:
        assert self.series is not None, "learnt by run"
        return self.series.name


def fields_of(loaded: Loaded, doc: m.Document, stored: dict[str, Any] | None = None,
              so_luong_ban: int | None = None, agency: str | None = None) -> dict[str, Any]:
    """The register row's columns and what the tool keeps with it, from the record and the composed document
    (``agency``: the agency's JSON, ``agency_json``, when the caller has made it)."""
    assert doc.registration is not None
    r = doc.registration
    return {
        "ten_loai_trich_yeu": r.ten_loai_trich_yeu, "nguoi_ky": r.nguoi_ky, "noi_nhan": r.noi_nhan,
        "don_vi_nhan_ban_luu": r.don_vi_nhan_ban_luu, "kind": doc.kind,
        "so_luong_ban": so_luong_ban if so_luong_ban is not None else r.so_luong_ban,
        "don_vi": loaded.don_vi,
        "record_json": record_json(loaded, stored),
        "agency_json": agency if agency is not None else agency_json(loaded),
    }


def agency_json(loaded: Loaded) -> str:
    """The agency profile as the register keeps it with a row (the row can be rendered again from it alone)."""
    return json.dumps({"id": loaded.agency_id, "profile": loaded.agency.model_dump(mode="json")},
                      ensure_ascii=False, sort_keys=True)


def record_json(loaded: Loaded, stored: dict[str, Any] | None = None) -> str:
    """The record as the register keeps it (with its annex tables): its hash tells the same content issued twice."""
    return json.dumps(stored if stored is not None else self_contained(loaded), ensure_ascii=False, sort_keys=True,
                      default=str)


def _backdated(where: str, day: dt.date, last_date: str, last_number: int) -> RegisterConflict:
    return RegisterConflict(_("{file}: the date {date} is before the last document of the series "
                              "({last}, number {number}): numbers follow the order of issue").format(
        file=where, date=ngay_so(day), last=ngay_so(last_date), number=last_number))


def check_date(day: dt.date, where: str, field_name: str = "ngay") -> list[Problem]:
    """A document is issued today or before (by the agency's clock), in a plausible year."""
    today = hom_nay()
    if day.year < FIRST_YEAR or day.year > today.year + 1:
        return [Problem(where, field_name, _("the year {year} cannot be right").format(year=day.year),
                        _("check the date"))]
    if day > today:
        return [Problem(where, field_name, _("the date {date} is after today ({today}): no document is issued into "
                                             "the future").format(date=ngay_so(day), today=ngay_so(today)),
                        _("check the date"))]
    return []


# ---------------------------------------------------------------------------- opening the register


def open_register(root: Path, agency: str, explicit: str | None = None, create: bool = False) -> Register:
    """The register of ``agency``. ``create`` (an issue): a register is created on first use only when nothing
    shows that one existed — its place was not given, no file is there, the agency has issued no file in this
    workspace; the clerk is told where it was created."""
    url = register_url(root, agency, explicit)
    path = sqlite_path(url)
    first_use = (create and explicit is None and not explicit_register(root) and path is not None
                 and not path.exists())
    office = agency_profile(root, agency).is_file() or all((root / d).is_dir() for d in ("registers", "output"))
    if first_use and not office:  # a register only where an office is: its profile, or its registers/ and output/
        raise no_office(root, agency)
    if first_use and issued_files(root, agency):
        raise RegisterUnavailable(_("no register at {path}, but output/{agency} holds documents it issued").format(
            path=shown(path), agency=agency), [Problem(shown(path), "", _(  # type: ignore[arg-type]
                "restore the register from a backup, or run 'correspondence register init' if it is truly lost"))])
    return Register(url, create=first_use)


@contextmanager
def _registers() -> Iterator[dict[str, Register]]:
    """The registers a batch uses. One this batch created on first use is kept only if it numbered something:
    a batch that fails before any number leaves nothing behind; one that numbers says where the register is."""
    opened: dict[str, Register] = {}
    try:
        yield opened
    finally:
        for register in opened.values():
            made = register.created is not None and bool(register.series_states())
            register.close()
            if register.created is not None and not made:
                for leftover in (register.created, *(register.created.with_name(register.created.name + end)
                                                     for end in ("-wal", "-shm", ".lock"))):
                    leftover.unlink(missing_ok=True)
            elif made:
                notice(_("created a new register: {path}").format(path=shown(register.created)))  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- rendering and staging


def _jobs(unit: Unit, documents: Sequence[Loaded], number: int, root: Path,
          formats: tuple[str, ...]) -> Iterator[tuple[m.Document, tuple[str, ...], str, str]]:
    """Each of ``documents`` composed with ``number`` as it is asked for (a document with thousands of copies is not
    held whole)."""
    assert unit.series is not None, "learnt by run"
    folder = str(output_folder(root, unit.agency_id, unit.day.year))
    for index, item in enumerate(documents):
        doc = document(item, number, unit.day, unit.series.nam_trong_ky_hieu, index if unit.copies else None,
                       register=unit.url or None)
        yield doc, formats, str(root), folder


# ---------------------------------------------------------------------------- issuing


def issue(paths: list[Path | str], workspace: Path | str | None = None, ngay: dt.date | None = None,
          register: str | None = None, formats: tuple[str, ...] = FORMATS,
          progress: Callable[[Path], None] | None = None, lai: bool = False,
          thay_the: str | None = None, ho_so: str | None = None) -> list[Issued]:
    """Check, compose and render, number, write and record each file; all checked and rendered before any number.

    ``lai``: issue again a record whose very content was already issued this year. ``thay_the``: the Số, ký hiệu
    (``12/UBND-XD6``) of an issued document this one corrects: once the new one is written, the old is voided
    ("Thay thế bằng …") and both rows name each other. ``ho_so``: the open hồ sơ (``01.VP``) each document is filed
    in once issued (checked before any number is taken).
    """
    if thay_the is not None and len(paths) != 1:
        raise UsageError(_("--thay-the replaces one document: give one record"))
    root = Path(workspace) if workspace is not None else find_root(Path(paths[0]) if paths else None)
    if "pdf" in formats:
        check_pdf_engine(root)  # a workspace naming another engine is refused before anything is done
    loaded: list[Loaded] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            loaded.append(load(path, root))
        except InvalidRecord as error:
            problems += error.problems
    if problems:
        raise InvalidRecord(_("invalid record"), problems)
    results = run([Unit(item, shown(item.path), replace=thay_the, file_in=ho_so) for item in loaded], root, ngay,
                  register, formats, lai)
    if progress is not None:
        for item in loaded:
            progress(item.path)
    return results


Reported = TypeVar("Reported")


@overload
def run(units: list[Unit], root: Path, ngay: dt.date | None, register: str | None, formats: tuple[str, ...],
        lai: bool = False, workers: int | None = None, progress: Callable[[int, int], None] | None = None,
        report: None = None) -> list[Issued]: ...


@overload
def run(units: list[Unit], root: Path, ngay: dt.date | None, register: str | None, formats: tuple[str, ...],
        lai: bool = False, workers: int | None = None, progress: Callable[[int, int], None] | None = None, *,
        report: Callable[[Unit, Issued], Reported]) -> list[Reported]: ...


def run(units: list[Unit], root: Path, ngay: dt.date | None, register: str | None, formats: tuple[str, ...],
        lai: bool = False, workers: int | None = None, progress: Callable[[int, int], None] | None = None,
        report: Callable[[Unit, Issued], Any] | None = None) -> list[Any]:
    """The issuing transaction of a batch: check, render and stage, number, publish, complete. Each unit's result
    is its ``Issued`` or, with ``report``, what ``report`` keeps of it, as soon as it is issued (a mail merge of
    thousands of rows keeps a line of each, not every register row)."""
    problems: list[Problem] = []
    for unit in units:
        if not unit.learnt:
            unit.learn(unit.loaded)
        if unit.kem_theo is not None:
            raise RegisterConflict(_("{file}: issued with the quyết định {number}, it takes no number of its own: "
                                     "render it with 'correspondence render'").format(
                file=unit.where, number=unit.kem_theo))
        unit.day = ngay or unit.ngay or hom_nay()
        where = unit.ngay_where if ngay is None and unit.ngay else unit.where
        problems += check_date(unit.day, where, "ngay" if ngay is None else "--ngay")
    if problems:
        raise InvalidRecord(_("invalid record"), problems)
    with _registers() as registers:
        for unit in units:
            unit.url = register_url(root, unit.agency_id, register)
            if unit.url not in registers:
                registers[unit.url] = open_register(root, unit.agency_id, register, create=True)
                recover(registers[unit.url], root, unit.agency_id)
        _check(units, registers, lai)
        fields: dict[int, dict[str, Any]] = {}
        agencies: dict[int, tuple[Any, str]] = {}  # each agency profile's JSON, made once: a merge's rows share it

        def jobs() -> Iterator[tuple[m.Document, tuple[str, ...], str, str]]:
            """Each unit's documents composed as the workers take them; of each, only its register row's fields are
            kept (a merge of thousands of rows does not hold every document)."""
            for unit in units:
                loaded = unit.loaded
                unit_jobs = _jobs(unit, unit.documents(loaded), unit.expected, root, formats)
                first = next(unit_jobs)
                if id(loaded.agency) not in agencies:
                    agencies[id(loaded.agency)] = (loaded.agency, agency_json(loaded))
                fields[id(unit)] = fields_of(loaded, first[0], unit.stored, unit.so_luong_ban,
                                             agencies[id(loaded.agency)][1]) | {"toan_van": full_text(first[0])}
                del loaded
                yield first
                yield from unit_jobs

        if "pdf" in formats:
            notice_html_templates(root)  # said here: the workers' own notices reach no one
        staged = stage_all(jobs(), workers, progress, total=sum(unit.count for unit in units))
        position = 0
        for unit in units:
            unit.staged = [item for one in staged[position:position + unit.count] for item in one]
            position += unit.count
        del staged
        try:
            _allocate(units, registers, fields)
        except BaseException:
            for unit in units:
                if unit.entry is None:
                    storage.discard(unit.staged)
            raise
        return _publish_all(units, registers, root, formats, report or (lambda _unit, issued: issued))


def _check(units: list[Unit], registers: dict[str, Register], lai: bool) -> None:
    """Before anything is written: no closed year, no content issued twice (unless ``lai``), no date before its
    series (or an earlier file of the batch); each unit learns the number it expects."""
    latest: dict[tuple[str, str, int, str], tuple[str, int]] = {}
    closed: dict[tuple[str, str], dict[int, str]] = {}
    for unit in units:
        book, agency = registers[unit.url], unit.agency_id
        if unit.replace is not None:
            unit.replaces = _replaceable(book, agency, unit.replace)
        if unit.dinh_chinh is not None:
            unit.corrects = _correctable(book, unit)
        if unit.file_in is not None:
            unit.ho_so = _open_file(book, agency, unit.file_in, unit.day.year)
        if (unit.url, agency) not in closed:  # asked once per register and agency, not once per document
            closed[(unit.url, agency)] = book.closed_years(agency)
        years = closed[(unit.url, agency)]
        if unit.day.year in years:
            raise RegisterConflict(_("{file}: the year {year} is closed (since {at}): no document can be issued "
                                     "into it").format(file=unit.where, year=unit.day.year, at=ngay_so(years[unit.day.year][:10])))
        series = unit.series_name
        key = (unit.url, agency, unit.day.year, series)
        if key not in latest:
            state = next((s for s in book.series_states(agency) if s.year == unit.day.year and s.series == series), None)
            latest[key] = (state.last_date or "", state.last_number) if state else ("", 0)
        last_date, last_number = latest[key]
        if last_date and unit.day.isoformat() < last_date:
            raise _backdated(unit.where, unit.day, last_date, last_number)
        unit.expected = last_number + 1
        latest[key] = (unit.day.isoformat(), unit.expected)
    seen: dict[tuple[str, str, int, str], str] = {}
    for unit in units if not lai else ():
        content = unit.content
        earlier = [e for e in registers[unit.url].issued_content(unit.agency_id, unit.day.year, content)
                   if unit.replaces is None or e.id != unit.replaces.id]
        if earlier:
            numbers = ", ".join(e.so_ky_hieu for e in earlier)
            raise AlreadyIssued(_("{file}: this record was already issued in {year} as {numbers}").format(
                file=unit.where, year=unit.day.year, numbers=numbers), numbers)
        key = (unit.url, unit.agency_id, unit.day.year, content)
        if key in seen:
            raise AlreadyIssued(_("{file}: the same record as {other} in this batch").format(
                file=unit.where, other=seen[key]), seen[key])
        seen[key] = unit.where


def _replaceable(book: Register, agency: str, so_ky_hieu: str) -> Entry:
    """The row a correction replaces: issued, written, not void, not replaced already."""
    old = find_entry(book, agency, so_ky_hieu)
    if old.status == VOIDED:
        raise RegisterConflict(_("{number} is void ({note}): there is nothing to replace").format(
            number=old.so_ky_hieu, note=old.ghi_chu))
    if old.status != ISSUED or old.pending:
        raise RegisterConflict(_("{number} was not issued (its files were never written): void it instead").format(
            number=old.so_ky_hieu))
    return old


def _correctable(book: Register, unit: Unit) -> Entry:
    """The row a đính chính công văn corrects: issued and written, not void; of the latest year up to the đính
    chính's own when the number is in several years."""
    number = unit.dinh_chinh or ""
    where = unit.loaded.located.where(("dinh_chinh",))
    found = [e for e in book.find(unit.agency_id, number) if e.year <= unit.day.year]
    if not found:
        raise InvalidRecord(_("invalid record"), [Problem(where, "dinh_chinh", _(
            "{number} is not in the register of {agency}").format(number=number, agency=unit.agency_id))])
    old = found[0]
    if old.status != ISSUED or old.pending:
        raise InvalidRecord(_("invalid record"), [Problem(where, "dinh_chinh", _(
            "{number} is not an issued document ({note}): there is nothing to correct").format(
            number=old.so_ky_hieu, note=old.ghi_chu or old.failure or old.status))])
    return old


def corrected_note(old: Entry) -> str:
    """Ghi chú of a đính chính công văn: the document it corrects."""
    return f"Đính chính văn bản số {old.so_ky_hieu} ngày {ngay_so(old.ngay)}"


def correcting_note(new: Entry) -> str:
    """Ghi chú added to the corrected document: the đính chính công văn that corrects it."""
    return f"Đính chính bằng {new.so_ky_hieu}"


def _corrected_row(register: Register, entry: Entry) -> Entry | None:
    """The row a stored đính chính công văn corrects (its record's ``dinh_chinh``), as ``_correctable`` chose it."""
    number = json.loads(entry.record_json or "{}").get("dinh_chinh")
    found = [e for e in register.find(entry.agency, number) if e.year <= entry.year] if number else []
    return found[0] if found else None


def _open_file(book: Register, agency: str, ky_hieu: str, year: int) -> HoSo:
    """The open hồ sơ a document is to be filed in (of the document's year when several years have the symbol)."""
    found = book.ho_so(agency, ky_hieu)
    if len(found) > 1:
        found = [h for h in found if h.nam == year]
    if not found:
        raise RegisterConflict(_("no hồ sơ {symbol} in the register of {agency}").format(symbol=ky_hieu, agency=agency),
                               [Problem(ky_hieu, "--ho-so", _("open it with 'correspondence ho-so create {symbol} "
                                                              "--tieu-de …'").format(symbol=ky_hieu))])
    if found[0].status != OPEN:
        raise RegisterConflict(_("the hồ sơ {symbol} is closed: it takes no more documents").format(symbol=ky_hieu))
    return found[0]


def replaced_note(old: Entry) -> str:
    """Ghi chú of a correction: the document it replaces."""
    return f"Thay thế văn bản số {old.so_ky_hieu} ngày {ngay_so(old.ngay)}"


def void_notes(voided: Entry, reason: str, root: Path, state: str = "ĐÃ HỦY, không phát hành") -> None:
    """A note beside each file of a voided number, saying what became of it and why."""
    notes = {}
    for item in voided.files:
        path = root / item["path"]
        notes[path.with_name(path.stem + ".DA-HUY.txt")] = (
            f"Số {voided.so_ky_hieu} ngày {ngay_so(voided.ngay)}: {state}.\nLý do: {reason}\n").encode()
    storage.write_atomic(notes, into_archive=True)


def link_replacement(book: Register, new: Entry, old: Entry, root: Path) -> Entry:
    """Void the replaced row, naming its replacement, and link it back."""
    reason = f"Thay thế bằng {new.so_ky_hieu}"
    voided = book.void(old.id, reason, replaced_by=new.id)
    void_notes(voided, reason, root, f"ĐÃ ĐƯỢC THAY THẾ bằng văn bản số {new.so_ky_hieu}")
    return voided


# How many rows of a batch are numbered (or completed) in one transaction of the register: one commit and one sync to
# disk for them all, each row still its own event; the register is not held much longer than a row's at a time.
BATCH = 200


def _plain(unit: Unit) -> bool:
    """A unit whose row is numbered and completed alone: no row it replaces or corrects, no hồ sơ it goes into (those
    lock another row, or write beyond its own, in the order a single transaction takes them)."""
    return unit.replaces is None and unit.corrects is None and unit.ho_so is None


def _groups(units: list[Unit]) -> Iterator[list[Unit]]:
    """The units in order, a group at a time: following plain units of one register, up to ``BATCH``; any other
    unit alone."""
    group: list[Unit] = []
    for unit in units:
        if group and (not _plain(unit) or unit.url != group[0].url or len(group) == BATCH):
            yield group
            group = []
        group.append(unit)
        if not _plain(unit):
            yield group
            group = []
    if group:
        yield group


def _allocate(units: list[Unit], registers: dict[str, Register], fields: dict[int, dict[str, Any]]) -> None:
    """Take every unit's number, in order: following plain units in one transaction (``Register.batch``), their
    numbers taken together or not at all; a unit learns its entry only once its transaction is committed. ``fields``:
    each unit's register row (``fields_of``, by ``id`` of the unit), from the document it expected."""
    for unit in units:
        if unit.replaces is not None:
            fields[id(unit)] |= {"thay_the": unit.replaces.id, "ghi_chu": replaced_note(unit.replaces)}
        elif unit.corrects is not None:
            fields[id(unit)] |= {"ghi_chu": corrected_note(unit.corrects)}
    for group in _groups(units):
        book = registers[group[0].url]
        if len(group) == 1 and not _plain(group[0]):
            group[0].entry = _take(book, group[0], fields.pop(id(group[0])))
            continue
        with book.batch(series=[(u.agency_id, u.day.year, u.series_name) for u in group]):
            taken = [_take(book, unit, fields.pop(id(unit))) for unit in group]
        for unit, entry in zip(group, taken, strict=True):
            unit.entry = entry


def _take(book: Register, unit: Unit, fields: dict[str, Any]) -> Entry:
    series = unit.series
    assert series is not None, "learnt by run"
    try:
        return book.allocate(unit.agency_id, series.name, unit.day, unit.ky_hieu, fields,
                             series.nam_trong_ky_hieu, replaces=None if unit.replaces is None else unit.replaces.id)
    except Backdated as error:  # another clerk issued a later date meanwhile
        raise _backdated(unit.where, unit.day, error.last_date, error.last_number) from None


def _publish_all(units: list[Unit], registers: dict[str, Register], root: Path, formats: tuple[str, ...],
                 report: Callable[[Unit, Issued], Reported]) -> list[Reported]:
    """Publish every unit's files, in order, then complete its row: the rows of following plain units a batch at a
    time (``Register.batch``), each its own event; should the batch be refused (a row changed outside the tool),
    row by row, so that every other row is completed and the refusal is said as for one row. Of each unit done, what
    ``report`` keeps of its ``Issued``; the unit lets go of its row and of its staged files (published now)."""
    done: dict[int, Reported] = {}

    def finished(unit: Unit, issued: Issued) -> None:
        done[id(unit)] = report(unit, issued)
        unit.entry, unit.staged = None, []

    for group in _groups(units):
        book = registers[group[0].url]
        if len(group) == 1 and not _plain(group[0]):
            finished(group[0], _publish(book, group[0], root, formats))
            continue
        written: list[tuple[Unit, list[storage.FileRecord]]] = []
        for unit in group:
            files = _publish_files(book, unit, root, formats)
            if isinstance(files, Issued):
                finished(unit, files)
            else:
                written.append((unit, files))
        try:
            with book.batch(rows=[unit.entry.id for unit, _files in written if unit.entry is not None]):
                completed = [_completed(book, unit, files, root) for unit, files in written]
        except CorrespondenceError:  # nothing of the batch recorded: row by row, the refusal said after the others
            completed, refused = [], None
            for unit, files in written:
                try:
                    completed.append(_completed(book, unit, files, root))
                except CorrespondenceError as error:
                    refused = refused or error
            if refused is not None:
                raise refused from None
        for (unit, _files), issued in zip(written, completed, strict=True):
            finished(unit, issued)
    return [done[id(unit)] for unit in units]


def _publish(book: Register, unit: Unit, root: Path, formats: tuple[str, ...]) -> Issued:
    """Publish what was staged (or render again with the number taken) and complete the row; a failure now marks
    the row failed with its reason."""
    files = _publish_files(book, unit, root, formats)
    return files if isinstance(files, Issued) else _completed(book, unit, files, root)


def _publish_files(book: Register, unit: Unit, root: Path, formats: tuple[str, ...]) -> Issued | list[storage.FileRecord]:
    """Publish what was staged (or render again with the number taken): the files written, or, on a failure, the row
    as it is left (pending on a full disk, else failed with its reason)."""
    entry = unit.entry
    assert entry is not None
    try:
        if entry.number != unit.expected:  # another clerk took the expected number meanwhile
            storage.discard(unit.staged)
            unit.staged = [item for job in _jobs(unit, unit.documents(), entry.number, root, formats)
                           for item in stage_job(job)]
        return storage.publish(unit.staged, root)
    except WriteFailed as error:  # a full disk: the number stays taken, pending, for recover to complete
        storage.discard(unit.staged)
        try:
            pending = book.release(entry.id)
        except Exception:
            pending = entry
        return Issued(pending, [], error.message)
    except CorrespondenceError as error:
        storage.discard(unit.staged)
        failed = book.fail(entry.id, error.message)
        return Issued(failed, [], error.message)
    except Exception as error:  # unexpected, after the number is taken: never said as "nothing was issued"
        storage.discard(unit.staged)
        try:
            pending = book.release(entry.id)
        except Exception:
            pending = entry
        return Issued(pending, [], _("an unexpected failure ({what}: {detail})").format(
            what=type(error).__name__, detail=str(error)[:200]))


def _completed(book: Register, unit: Unit, files: list[storage.FileRecord], root: Path) -> Issued:
    """Record the published files of the unit's row, and what its issue changes beside it (the row it replaces, its
    hồ sơ)."""
    entry = unit.entry
    assert entry is not None
    completed = book.complete(entry.id, files, note=None if unit.corrects is None else (
        unit.corrects.id, correcting_note(entry)))
    if unit.replaces is not None:
        link_replacement(book, completed, unit.replaces, root)
    if unit.ho_so is not None:
        try:
            book.ho_so_add(unit.ho_so, completed)
        except RegisterConflict as error:  # closed meanwhile by another clerk: issued, not filed; said
            notice(_("{number} was issued but not filed: {reason}").format(number=completed.so_ky_hieu,
                                                                           reason=error.message))
    return Issued(completed, [root / f["path"] for f in files])


# ---------------------------------------------------------------------------- completing and recovering


def render_job(job: tuple[Entry, int | None, str, tuple[str, ...]]) -> dict[str, bytes]:
    """Render one document of a row from what the register stored: everything needed travels in ``job``."""
    entry, copy, root, formats = job
    return render_document(document_of(entry, Path(root), copy), formats, Path(root))


def complete(register: Register, entry: Entry, root: Path, formats: tuple[str, ...] = FORMATS,
             action: str = "completed") -> list[Path]:
    """Render a numbered row's files from its stored record, publish them, record their hashes."""
    files = []
    folder = output_folder(root, entry.agency, entry.year)
    for copy in copies_of(entry):
        files += storage.store(render_job((entry, copy, str(root), formats)), folder, root)
    corrected = _corrected_row(register, entry)  # a đính chính completed after a crash still notes its original
    register.complete(entry.id, files, action, None if corrected is None else (corrected.id, correcting_note(entry)))
    return [root / f["path"] for f in files]


def recover(register: Register, root: Path, agency: str | None = None) -> list[Entry]:
    """Complete every abandoned pending row — numbered, files not recorded, its process gone — and sweep the
    temporary files crashes left behind. Rows another live process is completing are left alone; a row that
    cannot be completed is marked failed with its reason (``register verify`` says what to do). A row the chain of
    events does not vouch for (changed outside the tool) is left as it is: ``register verify`` reports it."""
    done = []
    for entry in register.pending(agency):
        if not register.lease_released(entry.lease, entry.issued_at) or not register.issued_here(entry.id):
            continue
        if not register.vouched(entry.id):  # changed outside the tool: never rendered nor recorded (verify says so)
            continue
        try:
            complete(register, entry, root, action="repaired")
        except WriteFailed:  # a full disk still: left pending for the next attempt (verify says so)
            continue
        except CorrespondenceError as error:
            register.fail(entry.id, error.message)
            continue
        except Exception as error:  # whatever else stops it: the row is failed with its reason, never left half-done
            register.fail(entry.id, f"{type(error).__name__}: {error}"[:300])
            continue
        notice(_("completed after an interruption: {number}").format(number=entry.so_ky_hieu))
        done.append(entry)
    for new, old in register.unfinished_replacements(agency):
        if not (register.vouched(new.id) and register.vouched(old.id)):
            continue
        done.append(link_replacement(register, new, old, root))
        notice(_("completed after an interruption: {old} voided, replaced by {new}").format(
            old=old.so_ky_hieu, new=new.so_ky_hieu))
    storage.sweep(output_root(root), f"{agency or '*'}/*/.*.tmp")
    return done
