"""Turn one record and a table of rows (CSV, XLSX, YAML) into many issued documents: a mail merge.

Each row is a record of its own — its unit, secrecy and kind give its series and its Số, ký hiệu —
and goes through the same issuing transaction as any record: every row is checked, composed and
rendered (on every core) before any number is taken; a bad row issues nothing and is named. With
``one_number``, the whole batch takes one number and each row is a personalised copy.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import overload

from correspondence import model as m
from correspondence import numbers
from correspondence.errors import ArchiveFailed, CorrespondenceError, InvalidRecord, Problem, WriteFailed
from correspondence.i18n import _
from correspondence.outgoing.documents import document
from correspondence.outgoing.staging import DRAFTS_AT_ONCE, drafts_to, start_workers
from correspondence.outgoing.transaction import Unit, run
from correspondence.progress import notice
from correspondence.records import Row, read_rows
from correspondence.records.tables import columns_hint, identifier
from correspondence.render import FORMATS
from correspondence.render.join import combine_files
from correspondence.storage import HOST, sweep, write_streamed
from correspondence.storage import refuse_archived as write_refused
from correspondence.validate import COPIES, Loaded, load, load_row, self_contained
from correspondence.validate.body import body_names
from correspondence.validate.schema import VanBan
from correspondence.workspace import find_root, make_folders, remove_empty, shown


@dataclass(frozen=True)
class Merged:
    """One row of the merge: where it came from, its number and its files."""

    row: str
    so_ky_hieu: str
    files: list[Path]
    failure: str | None = None
    pending: bool = False  # numbered, its files not written for now (a full disk): register verify completes it
    recipient: str = ""  # who the row's document goes to (its Kính gửi, else gui_den, else the name the row gives)


@dataclass(frozen=True)
class Preview:
    """A merge tried without taking a number: which field each column fills (``None``: unused), each row's
    recipient, and the one PDF holding every row's draft."""

    columns: dict[str, str | None]
    rows: list[tuple[str, str]]
    path: Path
    fields: dict[str, str] = field(default_factory=dict)  # column → what the record field it replaces is
    placeholders: tuple[str, ...] = ()  # the names the body prints ({{ ten }} → ten), sorted


# Column titles clerks write, by the name records use (compared without diacritics).
ALIASES = {"ho_va_ten": "ten", "ho_ten": "ten", "ten_khach": "ten", "khach_moi": "ten", "nguoi_nhan": "kinh_gui",
           "noi_gui": "kinh_gui", "kinh_gui_toi": "kinh_gui"}
SETTABLE = tuple(name for name in VanBan.model_fields if name not in ("du_lieu", "phu_luc", "loai", "co_quan"))


def column_names(loaded: Loaded, header: list[str]) -> dict[str, str]:
    """Which name of the record each column fills: its own name, its title without diacritics (``Chức vụ`` →
    ``chuc_vu``), or a title clerks use for it (``Họ và tên`` → ``ten``); columns the record does not use keep
    their title."""
    used = body_names(loaded.record.noi_dung or "") | set(loaded.record.du_lieu) | set(SETTABLE)
    out = {}
    for column in header:
        name = identifier(column)
        out[column] = next((c for c in (column, name, ALIASES.get(name, "")) if c in used), column)
    return out


def _header(rows: list[Row]) -> list[str]:
    return list(dict.fromkeys(column for _w, row in rows for column in row))


def used_columns(loaded: Loaded, rows: list[Row]) -> dict[str, str | None]:
    """Each column of the table and the field of the record it fills (``None``: the record does not use it)."""
    names = column_names(loaded, _header(rows))
    body = body_names(loaded.record.noi_dung or "")
    return {column: name if name in body or name in SETTABLE else None for column, name in names.items()}


def record_fields(loaded: Loaded, rows: list[Row]) -> dict[str, str]:
    """The columns that replace a field of the record by their title (``Đơn vị`` → ``don_vi``, the drafting unit)
    rather than fill a variable of its body, each with what that field is: a merge says so, as the clerk may have
    meant something else (a column titled with the field's own name, ``don_vi``, is meant)."""
    body = body_names(loaded.record.noi_dung or "")
    return {column: VanBan.model_fields[name].description or name
            for column, name in column_names(loaded, _header(rows)).items()
            if name in SETTABLE and name not in body and column != name}


def _map_columns(loaded: Loaded, rows: list[Row], source: str) -> list[Row]:
    """Rows keyed by the names the record uses; a table none of whose columns the record uses, or a blank cell the
    record needs, is refused — the row and column named, the columns found listed."""
    header = _header(rows)
    names = column_names(loaded, header)
    body = body_names(loaded.record.noi_dung or "")
    useful = [c for c, name in used_columns(loaded, rows).items() if name is not None]
    if not useful:
        raise InvalidRecord(_("invalid rows: nothing was issued"), [Problem(source, "", _(
            "the record uses none of the columns of this table (it uses: {names})").format(
            names=", ".join(sorted(body)) or "—"), columns_hint(header))])
    problems = [problem for where, row in rows for column in header if row.get(column) in (None, "")
                for problem in _blank(loaded, where, column, names[column], body, header)]
    if problems:
        raise InvalidRecord(_("invalid rows: nothing was issued"), problems)
    for column, what in record_fields(loaded, rows).items():
        notice(_("column '{column}' replaces the record's field {name} ({what}), not a variable of the body").format(
            column=column, name=names[column], what=what))
    return [(where, {names[column]: value for column, value in row.items()}) for where, row in rows]


def _blank(loaded: Loaded, where: str, column: str, name: str, body: set[str], header: list[str]) -> list[Problem]:
    """A blank cell of a column the merge uses is refused: the record's own value for it (a ``du_lieu`` default, a
    field the record sets) is never taken silently for one row, and a name the body prints must have a value. A blank
    cell of a field the record leaves unset (or sets to "-") means none (a row without ``do_khan``)."""
    data = loaded.located.data if isinstance(loaded.located.data, dict) else {}
    own = loaded.record.du_lieu.get(name) if name in loaded.record.du_lieu else (
        data.get(name) if name in SETTABLE else None)
    if own not in (None, "", "-", []):  # "-": the record's own word for none (kinh_gui: "-"), as a blank cell says
        shown_value = str(own) if not isinstance(own, list) else "; ".join(str(item) for item in own)
        shown_value = shown_value if len(shown_value) <= 60 else shown_value[:59] + "…"
        return [Problem(where, column, _("empty: the record's own value for '{name}' ({value}) is not taken for a "
                                         "blank cell").format(name=name, value=shown_value),
                        _("write the value for this row, or remove the column so that every row takes the record's "
                          "value; {columns}").format(columns=columns_hint(header)))]
    if name in body:
        return [Problem(where, column, _("empty, but the record uses '{name}'").format(name=name), columns_hint(header))]
    return []


def _records(loaded: Loaded, rows: list[Row], so: int | None) -> list[tuple[Loaded, m.Document]]:
    """A loaded record per row and its document composed with the number ``so`` (None: a draft), every problem of
    every row at once, located at its row."""
    return [pair for chunk in _record_chunks(loaded, rows, so, len(rows) or 1) for pair in chunk]


def _record_chunks(loaded: Loaded, rows: list[Row], so: int | None,
                   size: int) -> Iterator[list[tuple[Loaded, m.Document]]]:
    """``_records`` ``size`` rows at a time, each chunk given as soon as it is composed (the workers lay out a chunk
    while the next is composed); once a row is wrong no chunk is given any more, and every problem of every row is
    raised at the end."""
    chunk: list[tuple[Loaded, m.Document]] = []
    problems: list[Problem] = []
    for where, row in rows:
        try:
            item = load_row(loaded, where, row)
            composed = document(item, so, None)
        except InvalidRecord as error:
            problems += error.problems
            continue
        chunk.append((item, composed))
        if len(chunk) == size and not problems:
            yield chunk
            chunk = []
    if problems:
        raise InvalidRecord(_("invalid rows: nothing was issued"), problems)
    if chunk:
        yield chunk


def _read(record: Path | str, data: Path | str, workspace: Path | str | None,
          sheet: str | None) -> tuple[Path, Loaded, list[Row], list[Row]]:
    """The workspace, the record, the table as read and its rows keyed by the record's names."""
    root = Path(workspace) if workspace is not None else find_root(Path(record))
    loaded = load(record, root, check_body=False)
    table = read_rows(str(data), Path.cwd(), lambda j: f"{data}:{j + 1}", sheet)
    if not table:
        raise InvalidRecord(_("invalid rows: nothing was issued"), [Problem(str(data), "", _("the file has no rows"))])
    return root, loaded, table, _map_columns(loaded, table, shown(Path(data)))


def _recipient(item: Loaded, doc: m.Document, row: dict[str, object]) -> str:
    """Who a row's document goes to: its Kính gửi, else those its body names (``gui_den``: a giấy mời, a giấy giới
    thiệu), else the name the row gives."""
    if doc.kinh_gui is not None and doc.kinh_gui.recipients:
        return "; ".join(doc.kinh_gui.recipients)
    named = item.record.gui_den
    if named:
        return "; ".join([named] if isinstance(named, str) else named)
    return str(row.get("ten") or "—")


def preview(record: Path | str, data: Path | str, workspace: Path | str | None = None, out: Path | str | None = None,
            workers: int | None = None, progress: Callable[[int, int], None] | None = None,
            sheet: str | None = None) -> Preview:
    """Check, compose and render every row as a draft (DỰ THẢO, no number) into ONE PDF; the register is not
    opened, nothing is taken. The rows are laid out a few at a time as soon as they are composed, on every core;
    a wrong row stops that, and nothing is left."""
    write_refused(out, workspace)
    count = workers or os.cpu_count() or 1
    root, loaded, table, rows = _read(record, data, workspace, sheet)
    if len(rows) > DRAFTS_AT_ONCE:  # more than one worker's share
        start_workers(count, ("pdf",))
    target = Path(out) if out is not None else root / "output" / f"{Path(record).stem}-xem-truoc.pdf"
    title = _("Preview of the mail merge {record} ({count} rows)").format(record=Path(record).name, count=len(rows))
    made: list[Path] = []
    try:
        made = make_folders(target.parent)
        sweep(target.parent, ".xem-truoc.*.tmp")  # what a preview killed halfway left: its writer is gone
        scratch = Path(tempfile.mkdtemp(prefix=f".xem-truoc.{HOST}-{os.getpid()}.", suffix=".tmp", dir=target.parent))
    except OSError as error:
        remove_empty(made)
        raise WriteFailed(_("cannot write {path}: {why}").format(path=shown(target), why=error.strerror)) from None
    recipients: list[str] = []

    def chunks() -> Iterator[list[m.Document]]:
        for chunk in _record_chunks(loaded, rows, None, DRAFTS_AT_ONCE):
            recipients.extend(_recipient(item, composed, row) for (item, composed), (_where, row)
                              in zip(chunk, rows[len(recipients):], strict=False))
            yield [composed for _item, composed in chunk]

    try:  # the rows' PDFs written by the workers (on Typst, many rows in one file), their pages joined as read
        pdfs = drafts_to(chunks(), len(rows), title, root, scratch, count, progress)
        write_streamed(target, lambda path: combine_files(pdfs, title, path))
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        remove_empty(made)  # the folders this preview made for its file
        raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return Preview(used_columns(loaded, table), [(where, recipient) for (where, _row), recipient
                                                 in zip(rows, recipients, strict=True)], target, record_fields(loaded, table),
                   tuple(sorted(body_names(loaded.record.noi_dung or ""))))


def print_file(record: Path | str, done: list[Merged], workspace: Path | str | None = None,
               folder: Path | None = None) -> Path | None:
    """One PDF of every document a merge issued, in row order, to print at once (in ``folder``, default the
    workspace's output/; the issued files stay the originals); ``None`` when nothing was issued."""
    issued = [item for item in done if not item.failure]
    files = [path for item in issued for path in item.files if path.suffix == ".pdf"]
    if not files:
        return None
    root = Path(workspace) if workspace is not None else find_root(Path(record))
    first, last = (numbers.parse_so_ky_hieu(item.so_ky_hieu)[0] for item in (issued[0], issued[-1]))
    span = numbers.so_van_ban(first) if first == last else f"{numbers.so_van_ban(first)}-{numbers.so_van_ban(last)}"
    target = (folder if folder is not None else root / "output") / f"{Path(record).stem}-in-chung-so-{span}.pdf"
    title = _("Mail merge {record}: numbers {span}").format(record=Path(record).name, span=span)
    try:
        write_streamed(target, lambda path: combine_files(files, title, path))
    except (OSError, CorrespondenceError) as error:  # the numbers are taken and every file written: only this failed
        why = error.message if isinstance(error, CorrespondenceError) else (error.strerror or str(error))
        raise ArchiveFailed(_("every document was issued and written, but the one file to print could not be made"), [
            Problem(shown(target), "", why, _("print the issued PDFs one by one; nothing needs to be issued again"))],
        ) from None
    return target


def merge(record: Path | str, data: Path | str, workspace: Path | str | None = None, ngay: dt.date | None = None,
          register: str | None = None, formats: tuple[str, ...] = FORMATS, one_number: bool = False,
          workers: int | None = None, progress: Callable[[int, int], None] | None = None,
          lai: bool = False, sheet: str | None = None) -> list[Merged]:
    """Issue one document per row (or one numbered document with a copy per row); number → files for every row."""
    root, loaded, _table, rows = _read(record, data, workspace, sheet)
    del _table  # the rows as read: those keyed by the record's names are what is issued
    if len(rows) > 1:
        start_workers(workers or os.cpu_count(), formats)
    recipients: list[str] = []
    units: list[Unit] = []
    # every row checked (composed, as numbered) before the register is opened; of each, its recipient kept and what
    # the transaction asks of its record (``Unit.learn``): the transaction reads each row's record again only to
    # compose its document (a merge of thousands of rows holds none of them)
    for ((item, doc),) in _record_chunks(loaded, rows, 1, 1):
        where, row = rows[len(recipients)]
        recipients.append(_recipient(item, doc, row))
        if not one_number:
            units.append(Unit(partial(load_row, loaded, where, row), where))
            units[-1].learn(item)
    count = workers or os.cpu_count() or 1
    if one_number:
        stored = self_contained(loaded) | {COPIES: [dict(row) for _w, row in rows]}
        unit = Unit(loaded, str(data), copies=_Rows(loaded, rows), stored=stored, so_luong_ban=len(rows))
        (issued,) = run([unit], root, ngay, register, formats, lai, count, progress)
        per_copy = len(issued.files) // len(rows) if issued.files else 0
        return [Merged(where, issued.entry.so_ky_hieu, issued.files[index * per_copy:(index + 1) * per_copy],
                       issued.failure, issued.entry.pending, recipients[index])
                for index, (where, _row) in enumerate(rows)]
    recipient_of = {id(unit): recipient for unit, recipient in zip(units, recipients, strict=True)}
    return run(units, root, ngay, register, formats, lai, count, progress, report=lambda unit, issued: Merged(
        unit.where, issued.entry.so_ky_hieu, issued.files, issued.failure, issued.entry.pending, recipient_of[id(unit)]))


class _Rows(Sequence[Loaded]):
    """A mail merge's rows as records, each read (``load_row``) when it is asked for: the copies of a document under one
    number, of which the transaction then holds none between its steps."""

    def __init__(self, loaded: Loaded, rows: list[Row]) -> None:
        self.loaded, self.rows = loaded, rows

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, index: int) -> Loaded: ...

    @overload
    def __getitem__(self, index: slice) -> list[Loaded]: ...

    def __getitem__(self, index: int | slice) -> Loaded | list[Loaded]:
        if isinstance(index, slice):
            return [load_row(self.loaded, where, row) for where, row in self.rows[index]]
        where, row = self.rows[index]
        return load_row(self.loaded, where, row)
