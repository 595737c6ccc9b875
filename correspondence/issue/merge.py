"""Turn one record and a table of rows (CSV, XLSX, YAML) into many issued documents: a mail merge.

Every row is validated and composed before any number is taken (a bad row: nothing is issued, the
row is named). Numbers are then taken in row order, one per row, or once for the whole batch with
one personalised copy per row. Rendering runs on every core.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from correspondence import archive
from correspondence.errors import InvalidRecord, Problem
from correspondence.i18n import _, set_language
from correspondence.issue.documents import document, ky_hieu_of, series_of
from correspondence.issue.transaction import RECOVER_AFTER, fields_of, recover, render_job
from correspondence.records import Row, read_rows
from correspondence.register.store import Entry, Register
from correspondence.render import FORMATS, render_document
from correspondence.validate import COPIES, Loaded, load, load_row, self_contained
from correspondence.workspace import output_folder, register_url


@dataclass(frozen=True)
class Merged:
    """One row of the merge: where it came from, its number and its files."""

    row: str
    so_ky_hieu: str
    files: list[Path]


def _warm() -> None:
    """Worker start-up: load the renderers, fonts and stylesheet once, not once per document."""
    set_language(None)


def _records(loaded: Loaded, rows: list[Row]) -> list[Loaded]:
    """A loaded record per row, every problem of every row at once, located at its row."""
    out: list[Loaded] = []
    problems: list[Problem] = []
    for where, row in rows:
        try:
            item = load_row(loaded, where, row)
            document(item, 1, None)
        except InvalidRecord as error:
            problems += error.problems
            continue
        out.append(item)
    if problems:
        raise InvalidRecord(_("invalid rows: nothing was issued"), problems)
    return out


def merge(record: Path | str, data: Path | str, workspace: Path | str | None = None, ngay: dt.date | None = None,
          register: str | None = None, formats: tuple[str, ...] = FORMATS, one_number: bool = False,
          workers: int | None = None, progress: Callable[[int, int], None] | None = None) -> list[Merged]:
    """Issue one document per row (or one numbered document with a copy per row); number → files for every row."""
    root = Path(workspace) if workspace is not None else Path.cwd()
    loaded = load(record, root, check_body=False)
    rows = read_rows(str(data), Path.cwd(), lambda j: f"{data}:{j + 1}")
    if not rows:
        raise InvalidRecord(_("invalid rows: nothing was issued"), [Problem(str(data), "", _("the file has no rows"))])
    items = _records(loaded, rows)
    day = ngay or loaded.record.ngay or dt.date.today()
    series = series_of(loaded)
    render_document(document(items[0], 1, day, series.nam_trong_ky_hieu), formats, root)  # templates work
    with Register(register_url(root, loaded.agency_id, register)) as book:
        recover(book, root, loaded.agency_id, older_than=RECOVER_AFTER)
        entries = []
        jobs: list[tuple[Entry, int | None, str, tuple[str, ...]]]
        if one_number:
            stored = self_contained(loaded) | {COPIES: [dict(row) for _w, row in rows]}
            preview = document(items[0], 1, day, series.nam_trong_ky_hieu)
            entries.append(book.allocate(loaded.agency_id, series.name, day, ky_hieu_of(loaded),
                                         fields_of(loaded, preview, stored, so_luong_ban=len(rows)),
                                         series.nam_trong_ky_hieu))
            jobs = [(entries[0], index, str(root), formats) for index in range(len(rows))]
        else:
            for item in items:
                preview = document(item, 1, day, series.nam_trong_ky_hieu)
                entries.append(book.allocate(item.agency_id, series.name, day, ky_hieu_of(loaded),
                                             fields_of(item, preview), series.nam_trong_ky_hieu))
            jobs = [(entry, None, str(root), formats) for entry in entries]
        count = workers or os.cpu_count() or 1
        results: list[dict[str, bytes]] = []
        if count > 1 and len(jobs) > 1:
            with ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("spawn"), initializer=_warm) as pool:
                for done, result in enumerate(pool.map(render_job, jobs, chunksize=max(1, min(8, len(jobs) // (4 * count)))), 1):
                    results.append(result)
                    if progress is not None:
                        progress(done, len(jobs))
        else:
            for done, job in enumerate(jobs, 1):
                results.append(render_job(job))
                if progress is not None:
                    progress(done, len(jobs))
        merged = []
        if one_number:
            files = []
            folder = output_folder(root, entries[0].agency, entries[0].year)
            for result in results:
                files += archive.store(result, folder, root)
            book.complete(entries[0].id, files)
            for (where, _row), result in zip(rows, results, strict=True):
                merged.append(Merged(where, entries[0].so_ky_hieu, [folder / name for name in result]))
        else:
            for (where, _row), entry, result in zip(rows, entries, results, strict=True):
                files = archive.store(result, output_folder(root, entry.agency, entry.year), root)
                book.complete(entry.id, files)
                merged.append(Merged(where, entry.so_ky_hieu, [root / f["path"] for f in files]))
    return merged
