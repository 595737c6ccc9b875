"""Turn one record and a table of rows (CSV, XLSX, YAML) into many issued documents: a mail merge.

Every row is validated and composed before any number is taken (a bad row: nothing is issued, the
row is named). Numbers are then taken in row order, one per row, or once for the whole batch with
one personalised copy per row. Rendering runs on every core.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from correspondence.errors import InvalidRecord, Problem
from correspondence.i18n import _


@dataclass(frozen=True)
class Merged:
    """One row of the merge: where it came from, its number and its files."""

    row: str
    so_ky_hieu: str
    files: list[Path]


def _warm() -> None:
    """Worker start-up: load the renderers, fonts and stylesheet once, not once per document."""
    from correspondence.i18n import set_language
    from correspondence.render import docx, pdf  # noqa: F401

    set_language(None)


def _records(loaded: Any, rows: list[tuple[str, dict[str, Any]]]) -> list[Any]:
    """A loaded record per row, every problem of every row at once, located at its row."""
    from correspondence import api
    from correspondence.issue import merge_row
    from correspondence.records.loader import Located
    from correspondence.schema import VanBan
    from correspondence.validate import validate

    out, problems = [], []
    for where, row in rows:
        data = merge_row(loaded.located.data, row)
        located = Located(where, data, {(): 1})
        located.source, _sep, line = where.rpartition(":")
        located.lines = {(): int(line) if line.isdigit() else 1}
        record, found = validate(located, VanBan)
        if record is None:
            problems += found
            continue
        item = api.Loaded(loaded.path, record, loaded.agency, located, loaded.workspace, loaded.agency_id)
        try:
            api.compose(item, 1, None)
        except InvalidRecord as error:
            problems += error.problems
            continue
        out.append(item)
    if problems:
        raise InvalidRecord(_("invalid rows: nothing was issued"), problems)
    return out


def merge(record: Path | str, data: Path | str, workspace: Path | str | None = None, ngay: dt.date | None = None,
          register: str | None = None, formats: tuple[str, ...] = ("docx", "pdf"), one_number: bool = False,
          workers: int | None = None, progress: Callable[[int, int], None] | None = None) -> list[Merged]:
    """Issue one document per row (or one numbered document with a copy per row); number → files for every row."""
    from concurrent.futures import ProcessPoolExecutor

    from correspondence import api
    from correspondence.annex import load_rows
    from correspondence.issue import (
        COPIES,
        _unit,
        columns,
        ky_hieu_of,
        output_folder,
        recover,
        register_url,
        render_job,
        self_contained,
        series_of,
    )
    from correspondence.register.store import Register

    root = Path(workspace) if workspace is not None else Path.cwd()
    loaded = api.load(record, root, check_body=False)
    rows = load_rows(str(data), Path.cwd(), lambda j: f"{data}:{j + 1}")
    if not rows:
        raise InvalidRecord(_("invalid rows: nothing was issued"), [Problem(str(data), "", _("the file has no rows"))])
    items = _records(loaded, rows)
    day = ngay or loaded.record.ngay or dt.date.today()
    series = series_of(loaded)
    api.render_bytes(api.compose(items[0], 1, day, series.nam_trong_ky_hieu), formats, root)  # templates work
    tail = f"/{day.year}/{ky_hieu_of(loaded)}" if series.nam_trong_ky_hieu else f"/{ky_hieu_of(loaded)}"
    with Register(register_url(root, loaded.agency_id, register)) as book:
        recover(book, root, loaded.agency_id, older_than=120.0)
        agency_json = json.dumps({"id": loaded.agency_id, "profile": loaded.agency.model_dump(mode="json")},
                                 ensure_ascii=False, sort_keys=True)
        entries = []
        if one_number:
            stored = self_contained(loaded) | {COPIES: [{k: v for k, v in row.items()} for _w, row in rows]}
            preview = api.compose(items[0], 1, day, series.nam_trong_ky_hieu)
            fields = {**columns(preview), "so_luong_ban": len(rows), "agency_json": agency_json, "don_vi": _unit(loaded),
                      "record_json": json.dumps(stored, ensure_ascii=False, sort_keys=True, default=str)}
            entries.append(book.allocate(loaded.agency_id, series.name, day, tail, fields))
            jobs = [(entries[0], index, str(root), formats) for index in range(len(rows))]
        else:
            for item in items:
                preview = api.compose(item, 1, day, series.nam_trong_ky_hieu)
                fields = {**columns(preview), "so_luong_ban": item.record.so_ban_phat_hanh, "agency_json": agency_json,
                          "don_vi": _unit(item),
                          "record_json": json.dumps(self_contained(item), ensure_ascii=False, sort_keys=True, default=str)}
                entries.append(book.allocate(item.agency_id, series.name, day, tail, fields))
            jobs = [(entry, None, str(root), formats) for entry in entries]
        count = workers or os.cpu_count() or 1
        results: list[dict[str, bytes]] = []
        if count > 1 and len(jobs) > 1:
            import multiprocessing

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
        from correspondence.issue import _write_named

        merged = []
        if one_number:
            files = []
            for result in results:
                files += _write_named(result, output_folder(root, entries[0]), root)
            book.complete(entries[0].id, files)
            for (where, _row), result in zip(rows, results, strict=True):
                merged.append(Merged(where, entries[0].so_ky_hieu,
                                     [output_folder(root, entries[0]) / name for name in result]))
        else:
            for (where, _row), entry, result in zip(rows, entries, results, strict=True):
                files = _write_named(result, output_folder(root, entry), root)
                book.complete(entry.id, files)
                merged.append(Merged(where, entry.so_ky_hieu, [root / f["path"] for f in files]))
    return merged
