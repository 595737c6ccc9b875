"""A merge at scale: workers write the files they render themselves and hand back places and hashes only; a failure
in one worker leaves nothing published, nothing staged and no number taken; the files are the bytes a document
rendered on its own gives, and the preview the bytes the pages joined in memory gave."""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from correspondence import storage
from correspondence.errors import CorrespondenceError
from correspondence.i18n import _
from correspondence.outgoing import staging, transaction
from correspondence.outgoing.merge import merge, preview
from correspondence.register.store import Entry, Register
from correspondence.render import render_document
from correspondence.render.join import combine
from correspondence.validate import Loaded
from correspondence.workspace import output_root
from tests.outgoing.test_merge import RECORD  # the invitation whose body uses two columns, ten and gio

TEMPLATE = Path(__file__).resolve().parents[2] / "templates" / "van_ban.typ"


def _files(workspace: Path, count: int, bad: int | None = None) -> tuple[Path, Path]:
    (workspace / "moi.yaml").write_text(RECORD, "utf-8")
    lines = ["kinh_gui,ten,gio"] + [f"Ông {i},{'HỎNG' if i == bad else 'ông'} {i},{8 + i % 3} giờ" for i in range(count)]
    (workspace / "khach.csv").write_text("\n".join(lines) + "\n", "utf-8")
    return workspace / "moi.yaml", workspace / "khach.csv"


def _breaking_template(workspace: Path) -> None:
    """The workspace's own Typst template: the shipped one, failing for a row that names HỎNG (as a template error
    no check before the render can foresee)."""
    (workspace / "templates").mkdir(exist_ok=True)
    text = TEMPLATE.read_text("utf-8")
    (workspace / "templates" / "van_ban.typ").write_text(
        text + '\n#if sys.inputs.data.contains("HỎNG") { panic("hỏng") }\n', "utf-8")


def test_workers_hand_back_where_each_file_is_its_hash_and_size_never_its_bytes(workspace: Path) -> None:
    record, data = _files(workspace, 3)
    from correspondence.outgoing.documents import document
    from correspondence.outgoing.merge import _read, _records

    root, loaded, _table, rows = _read(record, data, workspace, None)
    checked = _records(loaded, rows, 1)
    items = [item for item, _doc in checked]
    folder = workspace / "scratch"
    folder.mkdir()
    done = staging.stage_all([(document(item, None, None), ("docx", "pdf"), str(root), str(folder)) for item in items],
                             2, None)
    assert [[item.target.name for item in files] for files in done] == [["du-thao-moi.docx", "du-thao-moi.pdf"]] * 3
    for files in done:
        for item in files:
            assert not any(isinstance(getattr(item, f.name), bytes) for f in dataclasses.fields(item))
            written = item.temporary.read_bytes()
            assert item.temporary.parent == folder and not item.target.exists()
            assert (hashlib.sha256(written).hexdigest(), len(written)) == (item.sha256, item.size)
    storage.discard(item for files in done for item in files)
    assert list(folder.iterdir()) == []


def test_the_jobs_are_read_no_faster_than_the_workers_take_them(workspace: Path) -> None:
    """The documents of a large merge are composed as the workers take them, not all at once and held: at most
    ``staging.AHEAD`` jobs per worker wait for one."""
    record, data = _files(workspace, 30)
    from correspondence.outgoing.documents import document
    from correspondence.outgoing.merge import _read, _records

    root, loaded, _table, rows = _read(record, data, workspace, None)
    items = [item for item, _doc in _records(loaded, rows, 1)]
    folder = workspace / "scratch"
    folder.mkdir()
    finished = [0]
    ahead: list[int] = []

    def jobs():  # type: ignore[no-untyped-def]
        for number, item in enumerate(items):
            ahead.append(number - finished[0])  # jobs handed out and not yet done, as this one is made
            yield document(item, None, None), ("pdf",), str(root), str(folder)

    def progress(done: int, total: int) -> None:
        finished[0] = done
        assert total == 30

    done = staging.stage_all(jobs(), 2, progress, total=30)
    assert len(done) == 30 and finished[0] == 30
    assert max(ahead) <= staging.AHEAD * 2 + 1, ahead  # without the bound, all 30 are made before one is done
    storage.discard(item for files in done for item in files)


def _tracked(monkeypatch: pytest.MonkeyPatch, kind: type) -> Callable[[], int]:
    """How many instances of ``kind`` made from now on are alive."""
    made: list[weakref.ref[Any]] = []
    init = kind.__init__

    def tracking(self: Any, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        made.append(weakref.ref(self))

    monkeypatch.setattr(kind, "__init__", tracking)
    return lambda: sum(1 for ref in made if ref() is not None)


def test_a_merge_holds_no_row_s_record_or_register_row_longer_than_it_needs_it(
        workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A merge's memory does not grow with its rows by what each row is made of: each row's record is read again
    when the transaction needs it, and a row done is reported by a line, its register row let go."""
    record, data = _files(workspace, 40)
    monkeypatch.setattr(transaction, "BATCH", 5)  # rows completed 5 at a time: several batches
    loaded, entries = _tracked(monkeypatch, Loaded), _tracked(monkeypatch, Entry)
    records: list[int] = []
    rows: list[int] = []

    def progress(done: int, total: int) -> None:
        if done % 5 == 0:  # a full collection is slow: every fifth row
            gc.collect()
            records.append(loaded())

    complete = Register.complete

    def completing(self: Register, *args: object, **kwargs: object) -> Entry:
        rows.append(entries())
        return complete(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Register, "complete", completing)
    done = merge(record, data, workspace, workers=1, formats=("pdf",), progress=progress)
    assert [item.so_ky_hieu for item in done] == [f"{n:02d}/UBND-XD6" for n in range(1, 41)]
    assert len(records) == 8 and max(records) <= 5, records  # held, all 40 were alive while the files were made
    # each row's entry as numbered, until the row is done, and a batch's completed ones; held, each row done kept its
    # completed entry too (twice as many by the last batch)
    assert len(rows) == 40 and max(rows) <= 40 + 12, rows


@pytest.mark.parametrize("workers", [1, 2])
def test_a_row_failing_in_a_worker_publishes_nothing_stages_nothing_and_takes_no_number(
        workspace: Path, monkeypatch: pytest.MonkeyPatch, workers: int) -> None:
    monkeypatch.setenv("CORRESPONDENCE_PDF_ENGINE", "typst")
    _breaking_template(workspace)
    record, data = _files(workspace, 8, bad=3)
    with pytest.raises(CorrespondenceError) as raised:
        merge(record, data, workspace, workers=workers)
    assert "hỏng" in raised.value.message
    left = [p for p in output_root(workspace).rglob("*") if p.is_file()] if output_root(workspace).exists() else []
    assert left == []  # no issued file, and no staged file of a row a worker finished after the failure
    register = workspace / "registers" / "ubnd-quang-ninh.sqlite"
    if register.exists():
        with Register(f"sqlite:///{register}") as book:
            assert book.entries("ubnd-quang-ninh") == []
    (workspace / "templates" / "van_ban.typ").unlink()  # repaired: the same rows take the first numbers
    done = merge(record, data, workspace, workers=workers)
    assert [d.so_ky_hieu for d in done][:2] == ["01/UBND-XD6", "02/UBND-XD6"]


def test_a_merge_writes_the_bytes_each_document_rendered_on_its_own_gives(
        workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORRESPONDENCE_PDF_ENGINE", "typst")
    record, data = _files(workspace, 4)
    done = merge(record, data, workspace, workers=2)
    with Register(f"sqlite:///{workspace / 'registers' / 'ubnd-quang-ninh.sqlite'}") as book:
        entries = {e.so_ky_hieu: e for e in book.entries("ubnd-quang-ninh")}
    for item in done:
        alone = transaction.render_job((entries[item.so_ky_hieu], None, str(workspace), ("docx", "pdf")))
        assert {path.name: path.read_bytes() for path in item.files} == alone


def test_a_preview_is_the_pages_joined_in_memory(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The preview shows the pages of the drafts joined in memory: on Typst it lays out several rows in one compile,
    so its bytes differ from the joined drafts', not its pages (tests/outgoing/test_preview_at_once.py)."""
    from tests.outgoing.test_preview_at_once import _pages

    monkeypatch.setenv("CORRESPONDENCE_PDF_ENGINE", "typst")
    record, data = _files(workspace, 4)
    shown = preview(record, data, workspace, workers=2)
    from correspondence.outgoing.documents import document
    from correspondence.outgoing.merge import _read, _records

    root, loaded, _table, rows = _read(record, data, workspace, None)
    checked = _records(loaded, rows, 1)
    items = [item for item, _doc in checked]
    pdfs = [render_document(document(item, None, None), ("pdf",), root)["du-thao-moi.pdf"] for item in items]
    title = _("Preview of the mail merge {record} ({count} rows)").format(record="moi.yaml", count=4)
    assert _pages(shown.path) == _pages(combine(pdfs, title))
    assert [p.name for p in shown.path.parent.iterdir()] == [shown.path.name]  # no scratch file left


def test_a_preview_killed_halfway_leaves_nothing_the_next_one_does_not_sweep(workspace: Path) -> None:
    """The scratch folder of a preview whose process is gone (killed mid-way) is removed by the next preview; one
    whose process is alive is left to it."""
    import os

    record, data = _files(workspace, 2)
    folder = workspace / "output"
    folder.mkdir(exist_ok=True)
    dead = folder / f".xem-truoc.{storage.HOST}-999999999.abc123.tmp"
    alive = folder / f".xem-truoc.{storage.HOST}-{os.getpid()}.def456.tmp"
    for scratch in (dead, alive):
        scratch.mkdir()
        (scratch / "dong-1.pdf").write_bytes(b"%PDF-")
    shown = preview(record, data, workspace, workers=1)
    assert not dead.exists() and alive.is_dir()
    assert sorted(p.name for p in folder.iterdir()) == sorted([alive.name, shown.path.name])
