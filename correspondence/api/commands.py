"""Turn each command of the tool into one function call: check, draft, render, issue, merge, annex, the register.

The library's front door: the CLI calls these and prints what they return; nothing here prints.
Each reads top to bottom as load → validate → compose → (number) → render → write.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import re
from pathlib import Path
from typing import Any

from correspondence import incoming, kinds, storage
from correspondence import search as searching
from correspondence.api.checking import check, compose
from correspondence.api.drafting import FORMATS, Loaded, draft, load, previews, render
from correspondence.api.issuing import annex, issue, merge, merge_preview, merge_print
from correspondence.api.signing import package_signature_problems, signature_problems
from correspondence.archive import hoso, package
from correspondence.errors import Problem, UsageError
from correspondence.i18n import _
from correspondence.office import setup
from correspondence.outgoing import Issued, corrections, registry
from correspondence.records.word import body_from_docx
from correspondence.register.store import Entry
from correspondence.render import render_document, word_template
from correspondence.validate import load_agency
from correspondence.validate.schema import CoQuan, VanBan
from correspondence.vietnamese import hom_nay, ky_thoi_gian
from correspondence.workspace import agencies, agency_profile, find_root, template_dirs

__all__ = ["Answers", "FORMATS", "Issued", "Loaded", "annex", "book_year", "check", "compose", "dinh_chinh",
           "draft", "ho_so_add",
           "ho_so_close", "ho_so_create", "ho_so_destruction_list", "ho_so_due", "ho_so_export", "ho_so_import",
           "ho_so_list", "ho_so_record_destruction", "ho_so_show", "incoming_assign", "incoming_done", "incoming_export",
           "incoming_history", "incoming_list", "incoming_overdue", "incoming_receive", "incoming_show", "incoming_void",
           "init", "init_questions", "issue", "json_schema",
           "kind_list", "load", "merge", "merge_preview", "merge_print", "package_check", "previews", "register_close_year",
           "register_entry", "register_events", "register_export", "register_import", "register_init", "register_list",
           "register_log", "register_page", "register_show",
           "register_verify", "register_void", "render", "render_document", "retention_text", "sample_profiles", "search",
           "skeleton", "skeleton_kinds", "templates_check", "write_new"]


Answers = setup.Answers


def init(workspace: Path | None, answers: setup.Answers, register_url: str | None = None) -> setup.Initialised:
    """Set up a workspace for an agency: its profile (from a sample, or the answers alone), folders, register."""
    return setup.init(workspace or Path.cwd(), answers, register_url)


def init_questions(answers: setup.Answers) -> list[tuple[str, str]]:
    """What interactive init still has to ask: (profile field, question) for each answer the profile needs."""
    return setup.questions(answers)


def sample_profiles() -> list[str]:
    """The names of the sample agency profiles shipped with the tool."""
    return list(setup.samples())


def register_init(workspace: Path | None = None, agency: str | None = None, register_url: str | None = None) -> str:
    """Create the register of an agency; where it is."""
    return registry.init(workspace, agency, register_url)


def register_close_year(workspace: Path | None, year: int, agency: str | None = None,
                        register_url: str | None = None) -> None:
    """Lock a year: nothing can be issued into it any more."""
    registry.close_year(workspace or find_root(), year, agency, register_url)


def register_list(workspace: Path | None, agency: str | None = None, register_url: str | None = None,
                  year: int | None = None, kind: str | None = None, unit: str | None = None,
                  text: str | None = None, period: tuple[dt.date, dt.date] | None = None) -> list[Entry]:
    """The rows of the register, filtered (``period``: from its first to its last day)."""
    return registry.list_entries(workspace or find_root(), agency, register_url, year, kind, unit, text, period)


def register_page(workspace: Path | None, agency: str | None = None, register_url: str | None = None,
                  year: int | None = None, kind: str | None = None, unit: str | None = None, text: str | None = None,
                  period: tuple[dt.date, dt.date] | None = None, offset: int = 0,
                  limit: int = 50) -> tuple[list[Entry], int]:
    """``limit`` rows from ``offset`` of those ``register_list`` gives, the latest first, and how many it gives in
    all: a page of a long register without reading every row."""
    return registry.page_entries(workspace or find_root(), agency, register_url, offset, limit, year, kind, unit,
                                 text, period)


def register_show(workspace: Path | None, so_ky_hieu: str, agency: str | None = None, year: int | None = None,
                  register_url: str | None = None, series: str | None = None) -> Entry:
    """One row of the register."""
    return registry.show(workspace or find_root(), so_ky_hieu, agency, year, register_url, series)


def dinh_chinh(workspace: Path | None, so_ky_hieu: str, output: Path | None = None, agency: str | None = None,
               year: int | None = None, register_url: str | None = None, series: str | None = None) -> Path:
    """Write the record of the đính chính công văn of a document in the register (never over a file); where."""
    storage.refuse_archived(output, workspace)
    entry = registry.show(workspace or find_root(), so_ky_hieu, agency, year, register_url, series)
    if entry.status != "issued" or not entry.record_json:
        raise UsageError(_("{number} is not a document issued by the tool: there is nothing to correct from").format(
            number=entry.so_ky_hieu))
    target = output if output is not None else corrections.file_name(entry)
    storage.write_new(target, corrections.dinh_chinh(entry).encode("utf-8"))
    return target


ho_so_create = hoso.create
ho_so_import = hoso.import_file
ho_so_add = hoso.add
ho_so_close = hoso.close
ho_so_show = hoso.show
ho_so_list = hoso.list_all
ho_so_due = hoso.due
ho_so_destruction_list = hoso.destruction_list
ho_so_record_destruction = hoso.record_destruction
register_log = registry.log
ho_so_export = package.export


def package_check(path: Path) -> package.Checked:
    """Re-verify a hand-over package anywhere, without the register: its manifest and files, and the digital
    signatures of the originals it carries (intact, nothing but signatures added after them; trust is not asked)."""
    result = package.check(path)
    result.problems += package_signature_problems(path)
    return result
search = searching.search
retention_text = hoso.retention_text
incoming_receive = incoming.receive
incoming_list = incoming.list_all
incoming_show = incoming.find
incoming_void = incoming.void
incoming_export = incoming.export
incoming_assign = incoming.assign
incoming_done = incoming.done
incoming_history = incoming.history
incoming_overdue = incoming.overdue


def register_entry(workspace: Path | None, entry_id: int, agency: str | None = None,
                   register_url: str | None = None) -> Entry:
    """One row of the agency's register by its id (as the desk links it); refused when it is not the agency's."""
    return registry.show_id(workspace or find_root(), entry_id, agency, register_url)


def register_events(workspace: Path | None, entry: Entry, register_url: str | None = None) -> list[Any]:
    """The events of a register row (who, when, what: ``by``, ``at``, ``action``, ``detail``), oldest first."""
    return registry.entry_events(workspace or find_root(), entry, register_url)


def register_void(workspace: Path | None, so_ky_hieu: str, reason: str, agency: str | None = None,
                  year: int | None = None, register_url: str | None = None, series: str | None = None) -> Entry:
    """Void a number: it stays used, the reason goes into Ghi chú."""
    return registry.void(workspace or find_root(), so_ky_hieu, reason, agency, year, register_url, series)


def register_import(workspace: Path | None, path: Path, agency: str | None = None, series: str = "chung",
                    register_url: str | None = None, sheet: str | None = None) -> int:
    """Bring in a year of an existing register (XLSX or CSV)."""
    return registry.import_file(workspace or find_root(), path, agency, series, register_url, sheet)


def register_export(workspace: Path | None, year: int | None, fmt: str, agency: str | None = None,
                    series: str = "chung", out: Path | None = None, register_url: str | None = None,
                    period: tuple[dt.date, dt.date] | None = None) -> Path:
    """The printable register of a year, or of a period of it (PDF, DOCX, XLSX or CSV); the year is the period's
    (see ``book_year``)."""
    return registry.export(workspace or find_root(), book_year(year, period), fmt, agency, series, out, register_url,
                           period)


def book_year(year: int | None, period: tuple[dt.date, dt.date] | None) -> int:
    """The year of a printed register: the one its period's days are in (a book is one year), else ``--nam``, else
    this year. A period across two years, or outside ``--nam``, is refused."""
    if period is None:
        return year or hom_nay().year
    first, last = period
    if first.year != last.year:
        raise UsageError(_("a register is printed one year at a time: {first} and {last} are in different years; "
                           "export each year").format(first=first.strftime("%d/%m/%Y"), last=last.strftime("%d/%m/%Y")))
    if year is not None and year != first.year:
        raise UsageError(_("--nam {year}, but the period is in {other}: leave out --nam, the dates say the year").format(
            year=year, other=first.year))
    return first.year


def period(year: int | None, month: int | None = None, quarter: int | None = None, start: dt.date | None = None,
           end: dt.date | None = None) -> tuple[dt.date, dt.date] | None:
    """The days a register listing or export covers: a month or a quarter of ``year`` (this year by default), or
    from ``start`` to ``end``; None for the whole year. One way at a time."""
    ways = [name for name, given in (("--thang", month), ("--quy", quarter), ("--tu-ngay/--den-ngay", start or end))
            if given]
    if len(ways) > 1:
        raise UsageError(_("give one period: {ways}").format(ways=", ".join(ways)))
    if month is not None or quarter is not None:
        return ky_thoi_gian(year or hom_nay().year, month, quarter)
    if start is None and end is None:
        return None
    first = start or dt.date(year or (end or hom_nay()).year, 1, 1)
    last = end or dt.date(year or first.year, 12, 31)
    if first > last:
        raise UsageError(_("--tu-ngay must not be after --den-ngay"))
    return first, last


def register_verify(workspace: Path | None, agency: str | None = None, register_url: str | None = None,
                    repair: bool = True) -> registry.Report:
    """Check the register: series, chain of events, files, the signatures of its signed files."""
    report = registry.verify(workspace or find_root(), agency, register_url, repair)
    report.problems += signature_problems(workspace, agency, register_url)
    return report


def templates_check(workspace: Path | None) -> tuple[list[Problem], int]:
    """Every problem of the agency's Word templates, and how many there are."""
    return word_template.check_folder(workspace or find_root())


def kind_list() -> list[tuple[str, str | None, str]]:
    """Every kind of document and copy: (code, abbreviation, name)."""
    return [(k.code, k.viet_tat, k.ten) for k in kinds.CATALOGUE] + [(c.code, c.viet_tat, c.ten) for c in kinds.COPIES]


def json_schema(profile: bool = False) -> dict[str, Any]:
    """The JSON Schema of records (or of the agency profile), for editors' autocompletion."""
    model = CoQuan if profile else VanBan
    schema = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


_SKELETON_BODY = re.compile(r"(?:^#.*\n)*^noi_dung: \|\n(?:^(?:  .*)?\n)*", re.MULTILINE)


def skeleton_kinds(workspace: Path | str | None = None) -> list[str]:
    """The kinds ``correspondence new`` has a skeleton of (``templates/new/<kind>.yaml``, built in or the workspace's
    own), as codes: the catalogue's order, then a workspace's other skeletons by name."""
    root = Path(workspace) if workspace is not None else find_root()
    found = {path.stem for d in template_dirs(root) if (d / "new").is_dir() for path in (d / "new").glob("*.yaml")}
    known = [code for code in kinds.BY_CODE if code in found]
    return known + sorted(found - set(known))


def skeleton(kind: str, workspace: Path | str | None = None, tu: Path | None = None,
             output: Path | None = None) -> str:
    """A commented record to fill in, for ``correspondence new`` (a workspace ``templates/new/`` wins); ``kind`` a
    code written with '-' or '_' (``cong-van``, ``cong_van``). ``tu``: the body comes from this Word file (checked
    now: what it cannot carry is refused before anything is written), named relative to ``output``'s folder."""
    code = kind.strip().lower().replace("-", "_")
    name = f"{code}.yaml"
    root = Path(workspace) if workspace is not None else find_root()
    folder = next((d / "new" for d in template_dirs(root) if (d / "new" / name).is_file()), None)
    if folder is None or not re.fullmatch(r"[a-z0-9_]+", code):
        available = [k.replace("_", "-") for k in skeleton_kinds(root)]
        close = difflib.get_close_matches(kind.strip().lower().replace("_", "-"), available, n=1, cutoff=0.6)
        raise UsageError(_("{argument} '{kind}': there is no skeleton of this kind{suggestion}. Kinds with a "
                           "skeleton: {kinds}").format(
            argument=_("KIND"), kind=kind,
            suggestion=" (" + _("did you mean '{name}'?").format(name=close[0]) + ")" if close else "",
            kinds=", ".join(available)))
    text = _for_agency((folder / name).read_text("utf-8"), root)
    if tu is None:
        return text
    if not _SKELETON_BODY.search(text):
        raise UsageError(_("--tu: a {kind} has no body of its own: it copies the document it names").format(
            kind=kinds.BY_CODE[code].ten.lower() if code in kinds.BY_CODE else code))
    body_from_docx(tu, str(tu))
    where = os.path.relpath(tu.resolve(), (output.resolve().parent if output is not None else Path.cwd().resolve()))
    line = ("# Nội dung lấy từ tệp Word của chuyên viên: sửa tệp Word, rồi xem lại bằng 'correspondence draft'.\n"
            f"noi_dung_tu: {json.dumps(Path(where).as_posix(), ensure_ascii=False)}\n\n")
    return _SKELETON_BODY.sub(lambda _m: line, text, count=1)


_SIGNER = re.compile(r"^(  nguoi_ky: )(\S+)", re.MULTILINE)
_AUTHORITY = re.compile(r"^(  tham_quyen: )(\S+)", re.MULTILINE)


def _for_agency(text: str, root: Path) -> str:
    """The skeleton filled with the workspace's own agency (when it has exactly one): its id, first unit, its name in
    the body, and — when the skeleton's signer is not one of the agency's — a signer the layout allows: a deputy
    under KT., else the head (TM. for a collective body, else in their own name)."""
    found = agencies(root)
    if len(found) != 1 or found[0] == SKELETON_AGENCY:
        return text
    profile, _problems = load_agency(agency_profile(root, found[0]))
    if profile is None:
        return text
    text = text.replace(SKELETON_AGENCY, found[0]).replace(SKELETON_AGENCY_NAME, profile.ten_trong_cau)
    units = list(profile.don_vi.values())
    if units:
        text = re.sub(r"^don_vi: \S+", lambda _m: f"don_vi: {units[0].viet_tat}", text, count=1, flags=re.MULTILINE)
    named = _SIGNER.search(text)
    if named is None or named[2] in profile.nguoi_ky:
        return text
    signers = list(profile.nguoi_ky.items())
    deputy = next((code for code, who in signers if who.chuc_vu.lower().startswith("phó")), None)
    head = next((code for code, who in signers if not who.chuc_vu.lower().startswith("phó")), None)
    chosen = deputy or head
    if chosen is None:
        return text
    authority = "KT" if deputy is not None else ("TM" if profile.tap_the else "khong")
    text = _AUTHORITY.sub(lambda m: m[1] + authority, text, count=1)
    return _SIGNER.sub(lambda m: m[1] + chosen, text, count=1)


SKELETON_AGENCY = "ubnd-quang-ninh"  # the agency the skeletons name
SKELETON_AGENCY_NAME = "Ủy ban nhân dân tỉnh Quảng Ninh"  # and its name in their bodies


def write_new(path: Path, text: str) -> None:
    """Write a new file; refuse to replace one that exists."""
    storage.refuse_archived(path)
    storage.write_new(path, text.encode("utf-8"))


