"""Turn the document model into PDF bytes with Typst: one template (``templates/van_ban.typ``) lays out the model,
handed over as JSON data, never as Typst source.

A peer of ``render/docx.py``: it reads only the model. Every number of the layout
comes from the model's fields; the template holds none. The text of a record reaches Typst as JSON strings, shown as
text, so nothing a clerk types (``#``, ``[``, ``$``, ``\\`` …) can ever be read as Typst code. A number such as
``343/TTPVHCC-TT&GQTT`` is kept on one line by the template (a token holding a slash is one box).
"""

from __future__ import annotations

import atexit
import dataclasses
import datetime as dt
import json
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from correspondence import model as m
from correspondence.errors import RenderFailed
from correspondence.i18n import _
from correspondence.metrics import FACES, FONT_DIR, face_metrics
from correspondence.render.fonts import pdf_face
from correspondence.workspace import template_dirs

TEMPLATE = "van_ban.typ"
BOOK_TEMPLATE = "so_dang_ky.typ"
DEN_TEMPLATE = "dau_den.typ"
SIGNATURE_TEXT_TEMPLATE = "chu_ky_so.typ"
PAGES = "\u2063PageAmount\u2063"  # stands for the page count in the metadata file: the template writes it in
# An annex table of more rows than this is laid out this many rows at a time (Typst holds the whole layout of what it
# compiles: some 100 kB a row), its pages joined into one PDF; $CORRESPONDENCE_SLICE_ROWS sets both (tests).
SLICE_ABOVE, SLICE_ROWS = 10_000, 1_500
ENV_SLICE = "CORRESPONDENCE_SLICE_ROWS"
# What a template of this version labels each page with, for slices: such a template also reads compact table cells
# (``_compact``); an agency's own made before it (templates/van_ban.typ in the workspace) is given the data as it was.
SLICE_MARK = "<annex-page>"
# A register of more rows than this is laid out in slices (a year of a large office: 20,000 rows took 3.5 GB whole);
# what a book template that knows slices labels its pages with.
BOOK_SLICE_ABOVE = 2_000
BOOK_SLICE_MARK = "<book-page>"
# What a template that lays out several documents in one file says (``documents`` in its data: a mail merge's preview).
MANY_MARK = "<doc-start>"
# What a template says that measures the blocks under a body on their own (``measure_tail``) and takes their height
# (``room``, in points) instead of measuring them as it lays the document out.
TAIL_MARK = "<tail-room>"
# What the blocks under the body (Ô 7a–9b, the copy blocks) do not depend on: the parts the template's ``tail-key``
# leaves out (the header only by its two widths).
_NOT_UNDER_BODY = ("body", "kinh_gui", "metadata", "file_stem", "tieu_de", "can_cu", "ban_hanh", "nhan_quyet",
                   "phu_luc", "footer", "header")
# ((template, its text's hash), what the blocks under a body depend on) → their height in points; None: laid out once
# so far.
_ROOMS: dict[tuple[tuple[Path, int], str], float | None] = {}


_CELL_FIELDS = tuple(item.name for item in dataclasses.fields(m.Cell))  # each a plain value (text, number, flag)


_LEFT_OUT = ("du_lieu", "archival", "registration")  # what the template never reads
_FIELDS: dict[type, tuple[str, ...] | None] = {}  # a class → its fields handed over (None: not a dataclass)


def _fields(kind: type) -> tuple[str, ...] | None:
    if kind not in _FIELDS:
        _FIELDS[kind] = tuple(item.name for item in dataclasses.fields(kind) if item.name not in _LEFT_OUT) if (
            dataclasses.is_dataclass(kind)) else None
    return _FIELDS[kind]


def _plain(value: Any, key: str = "") -> Any:
    """The model as JSON data: each dataclass a mapping tagged with its class name (a class's fields looked up once:
    a merge hands over a document per row)."""
    kind = type(value)
    if kind is m.TableRow:  # the same mapping, made directly: a long table has tens of thousands
        return {"type": "TableRow", "cells": [{"type": "Cell", **{name: getattr(cell, name) for name in _CELL_FIELDS}}
                                              for cell in value.cells], "kind": value.kind}
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    names = _fields(kind)
    if names is not None:
        out: dict[str, Any] = {"type": kind.__name__}
        for name in names:
            out[name] = _plain(getattr(value, name), name)
        return out
    if isinstance(value, tuple | list):
        return [_plain(item, key) for item in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _metrics(regular: Path) -> tuple[float, float]:
    """The face's ascender and descender (in em), as both engines read them. (Its family name is the one the face is
    chosen by: reading the font's name table would cost a cold draft more than the layout does.)"""
    metrics = face_metrics(regular)
    return metrics.ascender / metrics.units, -metrics.descender / metrics.units


def data(document: m.Document, only_annex: int | None = None, compact: bool = False) -> dict[str, Any]:
    """What the template lays out: the model, what it derives (text width, line box of a boxed mark, the gaps
    under text), the face and its metrics, and the archival files. ``compact``: table cells without their class
    name and the spans and weight they have by default (a template of this version reads them so: see
    ``_compact``)."""
    sp = document.spacing
    archival = document.archival if only_annex is None else m.Archival()
    attachments = [{"name": a.name, "text": _text(a), "relationship": a.relationship.lower(), "mime": a.mime,
                    "description": a.description} for a in archival.attachments]
    if archival.attachments or archival.fields:
        fields = json.dumps({**archival.fields, "PageAmount": PAGES}, ensure_ascii=False, sort_keys=True, indent=1)
        attachments.append({"name": archival.fields_name, "text": fields, "relationship": "data",
                            "mime": "application/json",
                            "description": "Siêu dữ liệu văn bản (Nghị định 30/2020/NĐ-CP, Phụ lục VI)"})
    lines = document.pagination.lines
    if lines > 2:  # Typst's widow and orphan control keeps two lines together, never more: said, not ignored
        raise RenderFailed(_("the PDF keeps at most 2 lines of a paragraph together at a page break, the layout asks "
                             "for {lines}").format(lines=lines))
    plain = _plain(document)
    _mark_fitting(plain, document, compact)
    return {
        "doc": plain,
        "only_annex": only_annex,
        "landscape": _plain(m.LANDSCAPE),
        "derived": {"text_width": document.page.text_width, "stamp_line": sp.stamp_line,
                    "rule_under": sp.under_text(sp.rule_before), "title_rule_under": sp.under_text(sp.title_rule_before),
                    "annex_rule_under": sp.under_text(sp.annex_rule_before),
                    # Typst's widow and orphan control (a cost): on where a paragraph keeps 2 lines at a break
                    "keep_lines": 1 if lines == 2 else 0},
        "font": _face(),
        "attachments": attachments,
        "page_amount": json.dumps(PAGES, ensure_ascii=False),
    }


def _widths() -> list[tuple[dict[int, int], int]]:
    """The advances of each character (and the em) in the regular and the bold file of the PDF's face."""
    _name, files = pdf_face()
    return [(metrics.widths, metrics.units) for metrics in (face_metrics(files[(False, False)]),
                                                             face_metrics(files[(True, False)]))]


def _mark_fitting(plain: dict[str, Any], document: m.Document, compact: bool = False) -> None:
    """Mark ``measure`` each table cell of ``plain`` of which a word may be wider than its column (the sum of its
    glyphs' advances in the wider of the regular and bold faces, with room to spare for kerning; a glyph the face
    lacks, a line break): the template measures those word by word (``fitted``) and shows the others as they are.
    Measuring every cell (a context each) was half of a long table's memory. A cell not in the column of its place in
    the row (after a merged cell of its row, or beside one from a row above) says in which it starts (``column``)."""
    tables = [b for b in plain["body"] if b.get("type") == "Table"] + [pl["table"] for pl in plain["phu_luc"]]
    if not tables:
        return
    faces = _widths()
    size, (_pad_y, pad_x), rule = document.sizes.table, document.spacing.cell_padding, document.spacing.table_rule_weight
    for table in tables:
        rows = [*table["header"], *table["rows"]]
        _mark_rows(rows, table["widths"], faces, table.get("size") or size, pad_x, rule, compact)


def _mark_rows(rows: list[dict[str, Any]], widths: list[float], faces: list[tuple[dict[int, int], int]], size: float,
               pad_x: float, rule: float, compact: bool = False) -> None:
    """Mark the cells of ``rows`` to measure (``_mark_fitting``), each placed in its columns as Typst places it: after
    the columns a merged cell from a row above still covers."""
    pt = 72 / 25.4
    known: dict[str, float] = {}
    busy = [0] * len(widths)  # how many more rows each column is covered by a merged cell from above
    for row in rows:
        column = 0
        for index, cell in enumerate(row["cells"]):
            colspan, rowspan = cell["colspan"], cell["rowspan"]
            while column < len(busy) and busy[column] > 0:
                column += 1
            start = min(column, len(widths) - 1)
            for covered in range(start, min(start + colspan, len(busy))):
                busy[covered] = rowspan
            column += colspan
            if start != index:
                cell["column"] = start
            if _overflows(cell["text"], sum(widths[start:start + colspan]) * pt - (2 * pad_x + rule), faces, size,
                          known):
                cell["measure"] = True
            if compact:
                _compact(cell)
        if compact:
            del row["type"], row["kind"]
        busy = [max(0, left - 1) for left in busy]
        if len(known) > 50_000:
            known.clear()


CELL_DEFAULTS = {"colspan": 1, "rowspan": 1, "bold": False}


def _compact(cell: dict[str, Any]) -> None:
    """Leave out of a cell (and of its row) what it has by default: Typst holds each cell of a long table as a
    dictionary, a key costing some 70 bytes (a 5,000-row table, some 15 MB less)."""
    del cell["type"]
    for key, default in CELL_DEFAULTS.items():
        if cell[key] == default:
            del cell[key]


def _overflows(text: str, room: float, faces: list[tuple[dict[int, int], int]], size: float,
               known: dict[str, float]) -> bool:
    """Whether a word of ``text`` may be wider than ``room`` points (with room to spare for kerning); ``known``: the
    widths of the words met so far."""
    widest = 0.0
    for word in text.split(" "):
        if word not in known:
            known[word] = _word_width(word, faces, size)
        widest = max(widest, known[word])
    return widest * 1.03 + 1 >= room


def _word_width(word: str, faces: list[tuple[dict[int, int], int]], size: float) -> float:
    """``word``'s width in points at ``size``, an upper bound over the faces; infinite if a face lacks a glyph."""
    widest = 0.0
    for widths, units in faces:
        total = 0
        for char in word:
            advance = widths.get(ord(char))
            if advance is None or char.isspace():
                return float("inf")
            total += advance
        widest = max(widest, total / units * size)
    return widest


def _text(attachment: m.Attachment) -> str:
    try:
        return attachment.data.decode("utf-8")
    except UnicodeDecodeError:
        raise RenderFailed(_("the PDF could not be laid out: {what}").format(
            what=f"{attachment.name}: not UTF-8")) from None


_FOLDERS: list[Path] = []  # font folders whose files Typst reads from inside them (copies): removed at exit
FONT_FOLDER = "correspondence-fonts-"  # then the process's id: correspondence-fonts-<pid>-<random>
# How old a font folder of a process that is gone must be to be removed: its process may run in another PID namespace
# sharing this temporary folder (where it is not seen), and a folder is used for milliseconds only, or for as long as
# its process lives.
STALE_FONT_FOLDER = 3600


def _drop_font_folders() -> None:
    for folder in _FOLDERS:
        shutil.rmtree(folder, ignore_errors=True)


atexit.register(_drop_font_folders)


# The compilers are shared by the threads of a process (the desk's requests): Typst's compiler is not safe to use from
# two threads at once ("Already borrowed"), so one layout at a time.
_LAYING_OUT = threading.Lock()


def _fonts(paths: tuple[Path, ...]) -> Any:
    """Typst's fonts of exactly the files ``paths``. Typst reads fonts from folders, not files: the files are linked
    from a scratch folder, removed as soon as Typst has read it — it keeps where each link leads and loads a face from
    there when a document needs it. (A worker of a merge ends without the exit handlers of a process: a folder left
    for the end of the process was left behind by every worker.) Where there are no links the files are copied, and
    the folder stays until the process ends."""
    import typst

    _sweep_font_folders()
    folder = Path(tempfile.mkdtemp(prefix=f"{FONT_FOLDER}{os.getpid()}-"))
    kept = False
    try:
        for index, path in enumerate(paths):
            target = folder / f"{index}-{path.name}"
            try:
                target.symlink_to(path.resolve())
            except OSError:  # pragma: no cover - a system without symbolic links
                shutil.copyfile(path, target)
        fonts = typst.Fonts(include_system_fonts=False, include_embedded_fonts=False, font_paths=[str(folder)])
        kept = any(Path(info.path).is_relative_to(folder) for info in fonts.fonts() if info.path)
    finally:
        if kept:
            _FOLDERS.append(folder)
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return fonts


def _process_gone(pid: int) -> bool:
    """Whether no process of this id runs (one of another user does: it may not be signalled)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # another user's process: alive
        return False
    return False


def _sweep_font_folders() -> None:
    """Remove the font folders that processes killed while they made them left (a few milliseconds of a process's
    life): those whose process is gone, older than ``STALE_FONT_FOLDER`` seconds."""
    now = time.time()
    for folder in Path(tempfile.gettempdir()).glob(f"{FONT_FOLDER}*-*"):
        pid = folder.name[len(FONT_FOLDER):].partition("-")[0]
        try:
            if pid.isdigit() and _process_gone(int(pid)) and now - folder.lstat().st_mtime > STALE_FONT_FOLDER:
                shutil.rmtree(folder)
        except OSError:  # removed meanwhile by another process, or not ours to remove
            continue


@lru_cache(maxsize=4)
def _compiler(template: Path, faces: tuple[Path, ...]) -> Any:
    """A Typst compiler for ``template`` that knows only the four files of the face (and the shipped one): no font of
    the machine, nor Typst's own, fills in. Made once per template and face (loading fonts is the slow part)."""
    import typst

    fonts = _fonts((*faces, *(FONT_DIR / face for face in FACES.values())))
    return typst.Compiler(root=str(template.parent), font_paths=fonts, ignore_system_fonts=True)


def _compile(name: str, data: dict[str, Any], workspace: Path | None | list[Path], timestamp: dt.datetime | None,
             standards: list[str] | None = None) -> bytes:
    """``name`` (a template of the template folders) laid out with ``data``: the face of this machine (or the shipped
    one), dated ``timestamp``, no warning about a missing glyph or font let through."""
    return _compile_marked(name, data, workspace, timestamp, standards)[0]


def _compile_marked(name: str, data: dict[str, Any] | str, workspace: Path | None | list[Path],
                    timestamp: dt.datetime | None, standards: list[str] | None = None,
                    marks: str | None = None, forget: bool = False) -> tuple[bytes, Any]:
    """``_compile``, and with ``marks`` (a label) the values of the metadata so labelled, read from the same layout
    (Typst keeps it: asking again lays nothing out again). A slice is untagged: the tags of pages laid out apart could
    not be joined into one structure tree. A slice's layout, or with ``forget`` any, is dropped once made
    (``_forget``)."""
    import typst

    template = _template(name, workspace)
    _name, files = pdf_face()
    compiler = _compiler(template, tuple(files[key] for key in sorted(files)))
    inputs = {"data": data if isinstance(data, str) else _json(data)}
    tags = {} if marks is None else {"pdf_tags": False}
    try:
        with _LAYING_OUT:  # a compiler lays out one document at a time (the desk renders from several threads)
            pdf, warnings = compiler.compile_with_warnings(
                input=str(template), format="pdf", sys_inputs=inputs, pdf_standards=standards or [],
                timestamp=timestamp, **tags)
            marked = None if marks is None else json.loads(compiler.query(marks, field="value", format="json"))
            if marks is not None or forget:
                _forget(compiler)
    except typst.TypstError as error:
        raise RenderFailed(_("the PDF could not be laid out: {what}").format(what=error.message)) from None
    problems = [w.message for w in warnings if "font" in w.message]
    if problems:
        raise RenderFailed(_("the PDF could not be laid out: {what}").format(what="; ".join(problems)))
    assert isinstance(pdf, bytes)
    return pdf, marked


def _forget(compiler: Any) -> None:
    """Let Typst drop what it kept of the layout just made. It keeps what a compile computed for the next ten (each
    compile ages what it did not use, and drops what is ten compiles old): ten compiles of an empty page age out a
    slice, whose layout no other slice can use, so the memory holds one slice at a time, not ten."""
    for _age in range(10):
        compiler.compile(input=b"", format="svg", sys_inputs=None)


def _json(data: dict[str, Any]) -> str:
    """``data`` as compact JSON text (no space after a separator: a long table's text a tenth shorter)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _template(name: str, workspace: Path | None | list[Path]) -> Path:
    """The template ``name`` of the template folders (the workspace's own first)."""
    dirs = workspace if isinstance(workspace, list) else template_dirs(workspace)
    template = next((d / name for d in dirs if (d / name).is_file()), None)
    if template is None:
        raise RenderFailed(_("template error: {what}").format(what=name))
    return template


def _face() -> dict[str, Any]:
    family, files = pdf_face()
    ascender, descender = _metrics(files[(False, False)])
    return {"family": family, "ascender": ascender, "descender": descender}


def render_typst(document: m.Document, workspace: Path | None = None, only_annex: int | None = None) -> bytes:
    """PDF bytes of ``document`` (or of one annex printed apart): a PDF/A-3b carrying the archival files, dated the
    document's date, the same bytes every time."""
    created = document.metadata.created
    above, rows = _slicing()
    template = _template(TEMPLATE, workspace)
    text = template.read_text("utf-8")
    # An agency's own template made before this version reads the data as it was then, and is laid out whole.
    current = SLICE_MARK in text
    if current and only_annex is not None and len(document.phu_luc[only_annex].table.rows) > above:
        return _sliced(document, workspace, only_annex, rows)
    item = data(document, only_annex, current)
    if only_annex is None and TAIL_MARK in text:
        item["room"] = _room(item, (template, hash(text)), workspace)
    # handed over as JSON text: the data, as large as the table, is not kept as Python objects while Typst works
    handed = _json(item)
    del item
    return _compile_marked(TEMPLATE, handed, workspace, created, ["a-3b"])[0]


def _room(item: dict[str, Any], template: tuple[Path, int], workspace: Path | None) -> float | None:
    """The height, in points, of the blocks under the body of the document ``item`` lays out, where this process knows
    it: measuring them as the document is laid out is an eighth of its layout, and a merge's worker (the desk too)
    lays out many documents signed and sent alike. The first of such documents measures them as it is laid out; the
    second measures them on their own, once; the next are given their height. The same bytes every way. ``template``:
    the template's file and its text's hash (an agency may change its own while the desk runs)."""
    doc = item["doc"]
    if doc.get("chu_ky") is None or not doc["pagination"]["signature_whole"]:
        return None  # nothing is reserved for them
    depends = {key: value for key, value in doc.items() if key not in _NOT_UNDER_BODY}
    widths = (doc["header"]["left_width"], doc["header"]["right_width"])
    key = (template, json.dumps([depends, widths, item["derived"], item["font"]], ensure_ascii=False, sort_keys=True))
    if key not in _ROOMS:
        if len(_ROOMS) >= 256:
            _ROOMS.clear()
        _ROOMS[key] = None
    elif _ROOMS[key] is None:
        _pdf, marked = _compile_marked(TEMPLATE, _json({**item, "measure_tail": True}), workspace, None,
                                       marks=TAIL_MARK)
        _ROOMS[key] = float(marked[0]) if marked else -1.0  # -1: a template that cannot measure them apart
    room = _ROOMS[key]
    return room if room is not None and room >= 0 else None


def _pdf_files(document: m.Document) -> list[int | None]:
    """Which PDF files ``render_document`` makes of ``document``, in its order: the document (``None``), then each
    annex printed apart (its index); an annex on its own is its one annex."""
    if document.kind == "phu_luc":
        return [0]
    return [None, *(index for index, annex in enumerate(document.phu_luc) if annex.separate)]


def renders_many(documents: list[m.Document], workspace: Path | None = None) -> bool:
    """Whether ``render_typst_many`` can lay out these documents in one file: the template knows how (an agency's
    own made before this version does not) and no annex of theirs is so long that it is laid out in slices."""
    if MANY_MARK not in _template(TEMPLATE, workspace).read_text("utf-8"):
        return False
    above, _rows = _slicing()
    return not any(index is not None and len(document.phu_luc[index].table.rows) > above
                   for document in documents for index in _pdf_files(document))


def render_typst_many(documents: list[m.Document], title: str, workspace: Path | None = None) -> bytes:
    """One PDF of ``documents`` one after the other, each followed by its annexes printed apart, laid out in ONE
    compile (a mail merge's preview of many drafts): each file starts on a new page with its own page numbers and
    footnote numbers, its pages the same as its own PDF's. Pages to look at, not an archival file: neither PDF/A nor
    carrying the archival files. Ask ``renders_many`` first."""
    items = []
    for document in documents:
        for index in _pdf_files(document):
            item = data(document, index, compact=True)
            item["attachments"] = []
            items.append(item)
    created = documents[0].metadata.created if documents else None
    # the layout of many documents is not kept for the next compiles (the next documents are others): a worker's
    # memory stays that of one compile (137 MB, not 381 MB, over 800 rows; no slower)
    return _compile_marked(TEMPLATE, _json({"title": title, "documents": items}), workspace, created,
                           forget=True)[0]


def _slicing(above: int = SLICE_ABOVE) -> tuple[int, int]:
    """Above how many rows a table (an annex's; with ``above``, a register's) is laid out in slices, and how many rows
    a slice holds."""
    asked = os.environ.get(ENV_SLICE, "").strip()
    if asked.isdigit() and int(asked) > 0:
        return int(asked), int(asked)
    return above, SLICE_ROWS


def _sliced(document: m.Document, workspace: Path | None, index: int, size: int) -> bytes:
    """The annex ``index`` of ``document`` printed apart, its table laid out ``size`` rows at a time, so that the
    memory stays that of a slice however long the table: each slice goes on from the page and the row the previous
    one ended with (the rows of its last page, maybe not full, are laid out again at the top of the next slice), its
    page numbers following on and its header rows repeated; the pages are then joined into one PDF/A-3b that carries
    the archival files once (the first slice's)."""
    annex = document.phu_luc[index]
    rows = annex.table.rows
    # every annex without its rows (the template prints only this one), this one's handed over a slice at a time
    shared = data(dataclasses.replace(document, phu_luc=tuple(
        dataclasses.replace(pl, table=dataclasses.replace(pl.table, rows=()), ghi_chu=None)
        for pl in document.phu_luc)), index, compact=True)
    table = shared["doc"]["phu_luc"][index]["table"]
    attachments = shared["attachments"]
    faces = _widths()
    sp = document.spacing

    def lay_out(start: int, end: int, pages: int) -> tuple[bytes, list[Any], int]:
        table["rows"] = _plain(rows[start:end])
        _mark_rows(table["rows"], table["widths"], faces, document.sizes.table, sp.cell_padding[1],
                   sp.table_rule_weight, compact=True)
        shared["doc"]["phu_luc"][index]["ghi_chu"] = annex.ghi_chu if end == len(rows) else None
        shared["attachments"] = attachments if start == 0 else []
        shared["slice"] = {"first": start == 0, "offset": pages}
        pdf, marks = _compile_marked(TEMPLATE, shared, workspace, document.metadata.created, ["a-3b"],
                                     marks=SLICE_MARK)
        return pdf, marks, 0

    return _in_slices(len(rows), size, lay_out)


def _in_slices(count: int, size: int, lay_out: Callable[[int, int, int], tuple[bytes, list[Any], int]]) -> bytes:
    """``count`` rows laid out ``size`` at a time and the pages joined into one PDF. ``lay_out(start, end, pages)``
    lays out rows ``start`` to ``end`` after ``pages`` pages: the PDF, each of its table's pages labelled with how
    many of the slice's rows come before it, and how many pages open it unlabelled (a cover). Each slice goes on from
    the first row of the previous one's last page (maybe not full: laid out again, as the whole layout fills it); a
    slice whose rows all stand on its last page is made larger."""
    parts: list[tuple[Path, int]] = []
    with tempfile.TemporaryDirectory(prefix="correspondence-slices-") as folder:
        start, pages, step = 0, 0, size
        while start < count:
            end = min(start + step, count)
            pdf, marks, opening = lay_out(start, end, pages)
            marks = sorted(marks)
            kept, done = ((opening + len(marks), end - start) if end == count
                          else (opening + len(marks) - 1, marks[-1][1]))
            if done == 0:
                step *= 2
                continue
            path = Path(folder) / f"{len(parts)}.pdf"
            path.write_bytes(pdf)
            del pdf
            parts.append((path, kept))
            start, pages, step = start + done, pages + kept, size
        return _joined(parts)


def _joined(parts: list[tuple[Path, int]]) -> bytes:
    """The first ``kept`` pages of each PDF file in turn, in one PDF with the first one's catalogue (PDF/A
    identification, output intent, associated files), its XMP page count made the whole's. The files are read as
    their pages are written out, not held whole."""
    import io

    import pikepdf

    opened = [pikepdf.open(path) for path, _kept in parts]
    try:
        out = opened[0]
        del out.pages[parts[0][1]:]
        for pdf, (_path, kept) in zip(opened[1:], parts[1:], strict=True):
            out.pages.extend(pdf.pages[:kept])
        with out.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            meta["{http://ns.adobe.com/xap/1.0/t/pg/}NPages"] = str(len(out.pages))
        buffer = io.BytesIO()
        out.save(buffer, deterministic_id=True, linearize=False)
    finally:
        for pdf in opened:
            pdf.close()
    return buffer.getvalue()


def render_book(book: m.RegisterBook, dirs: list[Path]) -> bytes:
    """The printable register (``so_dang_ky.typ``): the framed portrait cover, then the table on landscape pages,
    dated the first day of its year as the DOCX and XLSX are. ``fit``: for each row, the columns of which a word may be
    wider than the column (``_book_fit``), the only cells the template measures word by word. A register of more than
    ``BOOK_SLICE_ABOVE`` rows is laid out in slices (``_sliced_book``)."""
    created = dt.datetime(book.nam, 1, 1, tzinfo=dt.UTC)
    fit = _book_fit(book)
    above, size = _slicing(BOOK_SLICE_ABOVE)
    if len(book.rows) > above and BOOK_SLICE_MARK in _template(BOOK_TEMPLATE, dirs).read_text("utf-8"):
        return _sliced_book(book, dirs, fit, size, created)
    return _compile(BOOK_TEMPLATE, {"book": _plain(book), "font": _face(), "fit": fit}, dirs, created)


def _sliced_book(book: m.RegisterBook, dirs: list[Path], fit: list[list[int]] | None, size: int,
                 created: dt.datetime) -> bytes:
    """The register laid out ``size`` rows at a time, as an annex's long table is (``_sliced``): the cover in the first
    slice only, each slice going on from the page and the row the previous one ended with, its page numbers following
    on; the pages joined into one PDF. Typst holds the whole layout of what it compiles (some 0.2 MB a row of the
    register): the memory stays that of a slice."""
    rows = book.rows
    face = _face()

    def lay_out(start: int, end: int, pages: int) -> tuple[bytes, list[Any], int]:
        item = {"book": _plain(dataclasses.replace(book, rows=rows[start:end])), "font": face,
                "fit": None if fit is None else fit[start:end], "slice": {"first": start == 0, "offset": pages}}
        pdf, marks = _compile_marked(BOOK_TEMPLATE, item, dirs, created, marks=BOOK_SLICE_MARK)
        return pdf, marks, 1 if start == 0 else 0  # the cover carries no label

    return _in_slices(len(rows), size, lay_out)


def _book_fit(book: m.RegisterBook) -> list[list[int]] | None:
    """For each row of ``book``, the columns whose text holds a word maybe wider than the column (as ``_mark_fitting``
    finds them): measuring every cell word by word, a context each, took most of a long register's time and memory
    (20,000 rows: 7 GB). None: every cell is measured."""
    layout = book.layout
    faces = _widths()
    pt = 72 / 25.4
    rooms = [width * pt - (2 * layout.cell_padding[1] + layout.rule_weight) for width in layout.widths]
    known: dict[str, float] = {}
    fit = []
    for row in book.rows:
        columns = []
        for index, value in enumerate(row):
            if _overflows(value, rooms[index], faces, layout.table_size, known):
                columns.append(index)
        fit.append(columns)
        if len(known) > 50_000:
            known.clear()
    return fit


def den_overlay(dau: m.DauDen, page: tuple[float, float], workspace: Path | None = None) -> bytes:
    """One transparent page ``page`` (mm) carrying only the ĐẾN mark (``dau_den.typ``), to lay over page 1."""
    return _compile(DEN_TEMPLATE, {"dau": _plain(dau), "page": list(page), "font": _face()}, workspace, None)


def signature_text(text: str, workspace: Path | None = None) -> bytes:
    """One transparent page exactly the size of ``text`` set in the PDF face at 10 pt (``chu_ky_so.typ``): the
    appearance of an agency signature that shows no picture (an annex in its own file, an electronic copy)."""
    return _compile(SIGNATURE_TEXT_TEMPLATE, {"text": text, "font": _face(), "size": m.Sizes().chu_ky_so}, workspace,
                    None)
