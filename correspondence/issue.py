"""Turn valid records into issued documents: a number from the register, files on disk, the row completed.

The order makes every failure harmless: everything is validated and rendered once before a
number is taken; the number and its row are committed in one short transaction; the files are
rendered deterministically from the stored record, written atomically, and their SHA-256 recorded.
A crash after the commit leaves a *pending* row that ``recover`` completes from the stored record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from correspondence import model as m
from correspondence.errors import InvalidRecord
from correspondence.i18n import _
from correspondence.register.numbering import Series, select_series
from correspondence.register.store import Entry, Register, RegisterConflict

CONFIG = Path("registers") / "config.yaml"
ENV_URL = "CORRESPONDENCE_REGISTER"
RECOVER_AFTER = 120.0  # seconds: a row still pending this long after its number was taken was interrupted


@dataclass(frozen=True)
class Issued:
    """A document issued: its register row and the files written."""

    entry: Entry
    files: list[Path]


def register_url(workspace: Path, agency_id: str, explicit: str | None = None) -> str:
    """Where the register lives: ``--register``, then $CORRESPONDENCE_REGISTER, then registers/config.yaml,
    else an SQLite file ``registers/<agency>.sqlite`` in the workspace."""
    if explicit:
        return explicit
    if os.environ.get(ENV_URL):
        return os.environ[ENV_URL]
    config = workspace / CONFIG
    if config.is_file():
        import yaml

        data = yaml.safe_load(config.read_text("utf-8")) or {}
        if isinstance(data, dict) and data.get("register"):
            return str(data["register"])
    return f"sqlite:///{(workspace / 'registers' / f'{agency_id}.sqlite').resolve()}"


def series_of(loaded: Any) -> Series:
    record = loaded.record
    return select_series(loaded.agency, record.loai, record.don_vi, secret=record.do_mat is not None)


def ky_hieu_of(loaded: Any) -> str:
    from correspondence.compose import find_don_vi
    from correspondence.kinds import ky_hieu

    record = loaded.record
    return ky_hieu(record.loai, loaded.agency.viet_tat, find_don_vi(loaded.agency, record.don_vi) or record.don_vi)


def columns(document: m.Document) -> dict[str, Any]:
    """The register columns (3)–(7) of a composed document, as the sổ đăng ký văn bản đi writes them."""
    from correspondence.kinds import BY_CODE

    kind = BY_CODE[document.kind].ten
    copy = document.ban_sao
    notice = copy.noi_nhan if copy else document.noi_nhan
    lines = [m.plain_text(line.runs) for line in notice.lines]
    luu = lines[-1].removeprefix("- Lưu:").strip().rstrip(".") if lines else ""
    recipients = list(document.kinh_gui.recipients) if document.kinh_gui and not copy else []
    recipients += [line for line in lines[:-1]]
    cleaned = [r.lstrip("-+ ").rstrip(";.:").strip() for r in recipients]
    signer = copy.chu_ky if copy else document.chu_ky
    return {
        "ten_loai_trich_yeu": f"{kind} {document.header.trich_yeu_vv or document.metadata.subject}",
        "nguoi_ky": signer.ho_ten if signer else "",
        "noi_nhan": "; ".join(c for c in cleaned if c),
        "don_vi_nhan_ban_luu": luu,
        "kind": document.kind,
    }


def _write_named(rendered: dict[str, bytes], folder: Path, workspace: Path) -> list[dict[str, str]]:
    from correspondence.api import write_atomic

    targets = {folder / name: data for name, data in rendered.items()}
    write_atomic(targets)
    return [{"path": os.path.relpath(path, workspace), "sha256": hashlib.sha256(data).hexdigest()}
            for path, data in targets.items()]


def issue(paths: list[Path | str], workspace: Path | str | None = None, ngay: dt.date | None = None,
          register: str | None = None, formats: tuple[str, ...] = ("docx", "pdf"),
          progress: Callable[[Path], None] | None = None) -> list[Issued]:
    """Validate, pre-render, number, render and record each file, in order; all validated before any number."""
    from correspondence import api

    root = Path(workspace) if workspace is not None else Path.cwd()
    loaded, problems = [], []
    for path in paths:
        try:
            loaded.append(api.load(path, root))
        except InvalidRecord as error:
            problems += error.problems
    if problems:
        raise InvalidRecord(_("invalid record"), problems)
    for item in loaded:
        if item.record.kem_theo is not None:
            raise RegisterConflict(_("{file}: issued with the quyết định {number}, it takes no number of its own: "
                                     "render it with 'correspondence render'").format(
                file=os.path.relpath(item.path), number=item.record.kem_theo))

    def day_of(item: Any) -> dt.date:
        return ngay or item.record.ngay or dt.date.today()

    for item in loaded:  # render once with a provisional number: a template error costs no number
        series = series_of(item)
        api.render_bytes(api.compose(item, 1, day_of(item), series.nam_trong_ky_hieu), formats, root)
    results = []
    registers: dict[str, Register] = {}
    try:
        for item in loaded:
            url = register_url(root, item.agency_id, register)
            if url not in registers:
                registers[url] = Register(url)
                recover(registers[url], root, item.agency_id, older_than=RECOVER_AFTER)
        _refuse_back_dating(loaded, registers, root, register, day_of)
        for item in loaded:
            url = register_url(root, item.agency_id, register)
            results.append(_issue_one(registers[url], item, day_of(item), root, formats))
            if progress is not None:
                progress(item.path)
    finally:
        for opened in registers.values():
            opened.close()
    return results


def _backdated(item: Any, day: dt.date, last_date: str, last_number: int) -> RegisterConflict:
    return RegisterConflict(_("{file}: the date {date} is before the last document of the series "
                              "({last}, number {number}): numbers follow the order of issue").format(
        file=os.path.relpath(item.path), date=day.isoformat(), last=last_date, number=last_number))


def _refuse_back_dating(loaded: list[Any], registers: dict[str, Register], root: Path, register: str | None,
                        day_of: Callable[[Any], dt.date]) -> None:
    """Before any number is taken: no file of the batch may go back before its series (or an earlier file)."""
    latest: dict[tuple[str, str, int, str], tuple[str, int]] = {}
    for item in loaded:
        url = register_url(root, item.agency_id, register)
        day, series = day_of(item), series_of(item).name
        key = (url, item.agency_id, day.year, series)
        if key not in latest:
            state = next((s for s in registers[url].series_states(item.agency_id)
                          if s.year == day.year and s.series == series), None)
            latest[key] = (state.last_date or "", state.last_number) if state else ("", 0)
        last_date, last_number = latest[key]
        if last_date and day.isoformat() < last_date:
            raise _backdated(item, day, last_date, last_number)
        latest[key] = (day.isoformat(), last_number + 1)


def _issue_one(register: Register, item: Any, day: dt.date, root: Path, formats: tuple[str, ...]) -> Issued:
    from correspondence import api

    series = series_of(item)
    tail = f"/{day.year}/{ky_hieu_of(item)}" if series.nam_trong_ky_hieu else f"/{ky_hieu_of(item)}"
    preview = api.compose(item, 1, day, series.nam_trong_ky_hieu)
    fields = {**columns(preview), "so_luong_ban": item.record.so_ban_phat_hanh, "don_vi": _unit(item),
              "record_json": json.dumps(self_contained(item), ensure_ascii=False, sort_keys=True, default=str),
              "agency_json": json.dumps({"id": item.agency_id, "profile": item.agency.model_dump(mode="json")},
                                        ensure_ascii=False, sort_keys=True)}
    try:
        entry = register.allocate(item.agency_id, series.name, day, tail, fields)
    except RegisterConflict as error:
        if error.message == "backdated":  # another clerk issued a later date meanwhile
            last_date, last_number = error.problems
            raise _backdated(item, day, last_date, last_number) from None
        raise
    files = complete(register, entry, root, formats)
    return Issued(register.get(entry.id), files)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)


def self_contained(loaded: Any) -> dict[str, Any]:
    """The record as issued, with each annex's table spec and rows copied in: the register alone can
    re-render the document years later, whatever became of the files it was made from."""
    import copy

    from correspondence.annex import load_rows, load_spec

    data = copy.deepcopy(loaded.located.data)
    base = loaded.path.parent
    for index, annex in enumerate(loaded.record.phu_luc):
        spec = load_spec(annex.bang, base, loaded.located.where(("phu_luc", index, "bang")))
        rows = load_rows(annex.du_lieu, base, lambda j, i=index: loaded.located.where(("phu_luc", i, "du_lieu", j)))
        data["phu_luc"][index]["bang"] = spec.model_dump(mode="json")
        data["phu_luc"][index]["du_lieu"] = [{k: _jsonable(v) for k, v in row.items()} for _where, row in rows]
    return data


def _unit(loaded: Any) -> str:
    from correspondence.compose import find_don_vi

    return find_don_vi(loaded.agency, loaded.record.don_vi) or loaded.record.don_vi


def output_folder(root: Path, entry: Entry) -> Path:
    return root / "output" / entry.agency / str(entry.year)


COPIES = "ban_ca_nhan"  # stored with a merged document numbered once: the rows of its personalised copies


def merge_row(base: dict[str, Any], row: dict[str, Any]) -> dict[str, Any]:
    """A record for one row of a mail merge: columns named like record keys replace them; every column
    is also available to the body under ``du_lieu``."""
    import copy

    from correspondence.schema import VanBan
    from correspondence.vietnamese import nfc

    data = copy.deepcopy(base)
    row = {str(k): nfc(_jsonable(v)) for k, v in row.items() if k is not None}
    for key, value in row.items():
        if key in VanBan.model_fields and key not in ("du_lieu", "phu_luc", "loai", "co_quan") and value not in (None, ""):
            data[key] = value
    data["du_lieu"] = {**(data.get("du_lieu") or {}), **row}
    return data


def document_of(entry: Entry, root: Path, copy: int | None = None) -> Any:
    """The document model of a register row (or of one personalised copy), from what is stored with it."""
    from correspondence import api
    from correspondence.records.loader import parse_text
    from correspondence.schema import CoQuan, VanBan
    from correspondence.validate import validate

    assert entry.record_json and entry.agency_json
    data = json.loads(entry.record_json)
    rows = data.pop(COPIES, None)
    if copy is not None:
        data = merge_row(data, rows[copy])
    located, problems = parse_text(json.dumps(data, ensure_ascii=False), f"[{entry.so_ky_hieu}]")
    assert located is not None and not problems
    stored = json.loads(entry.agency_json)
    record, problems = validate(located, VanBan)
    assert record is not None, problems
    loaded = api.Loaded(Path(f"{entry.so_ky_hieu.replace('/', '-')}.yaml"), record,  # type: ignore[arg-type]
                        CoQuan.model_validate(stored["profile"]), located, root, stored["id"])
    series = series_of(loaded)
    document = api.compose(loaded, entry.number, dt.date.fromisoformat(entry.ngay), series.nam_trong_ky_hieu)
    if copy is not None:
        import dataclasses

        document = dataclasses.replace(document, file_stem=f"{document.file_stem}-ban-{copy + 1:03d}")
    return document


def copies_of(entry: Entry) -> list[int | None]:
    """The documents a row stands for: itself, or each personalised copy of a merge numbered once."""
    data = json.loads(entry.record_json) if entry.record_json else {}
    return list(range(len(data[COPIES]))) if data.get(COPIES) else [None]


def render_job(job: tuple[Entry, int | None, str, tuple[str, ...]]) -> dict[str, bytes]:
    """Render one document of a row in any process: everything needed travels in ``job``."""
    from correspondence import api

    entry, copy, root, formats = job
    return api.render_bytes(document_of(entry, Path(root), copy), formats, Path(root))


def complete(register: Register, entry: Entry, root: Path, formats: tuple[str, ...] = ("docx", "pdf"),
             action: str = "completed", rendered: list[dict[str, bytes]] | None = None) -> list[Path]:
    """Render a numbered row's files from its stored record (unless given), write them, record their hashes."""
    if rendered is None:
        rendered = [render_job((entry, copy, str(root), formats)) for copy in copies_of(entry)]
    files = []
    folder = output_folder(root, entry)
    for files_of_one in rendered:
        files += _write_named(files_of_one, folder, root)
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
    cutoff = dt.datetime.now().timestamp() - max(older_than, 1.0)
    for stale in (root / "output").glob(f"{agency or '*'}/*/.*.tmp"):
        try:
            if stale.stat().st_mtime < cutoff:
                stale.unlink()
        except FileNotFoundError:
            pass
    return done


