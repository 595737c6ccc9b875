"""Turn the room "Văn bản mới" into pages: the form of a kind (generated from the record's JSON Schema, see
``form``), its problems shown at their inputs, "Xem trước" (the draft's page 1 as a picture, the other pages on
demand), "Ban hành" (the văn thư's: the record kept under ``ban-ghi/``, issued, its Số, ký hiệu and files shown) and
the download of the agency's issued files.

Every rule is the api's: which kinds have a form (``skeleton_kinds``), the units and signers (``agency_settings``),
the thẩm quyền a signer may use (``signing_authorities``), what is wrong with a record (``check``), drafting and
issuing (``draft``, ``previews``, ``issue``). Files are written only inside the office folder: the records a form
makes and the drafts under ``.desk/nhap/<agency>/``, uploads under ``tai-len/<agency>/``, kept records under
``ban-ghi/<agency>/<year>/``.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import Route

from correspondence import api
from correspondence.desk.pages import form as forms
from correspondence.desk.pages import merging
from correspondence.desk.web import Viewer, call, desk_of, needs, office_folder, page, save_upload
from correspondence.errors import CorrespondenceError, Problem
from correspondence.i18n import N_, _
from correspondence.vietnamese import khong_dau

DEFAULT_KIND = "cong_van"
TOKEN = re.compile(r"[0-9a-f]{16}")
SCRATCH = (".desk", "nhap")  # the records a form makes and their drafts: <office>/.desk/nhap/<agency>/<token>/
UPLOADS = "tai-len"  # Word drafts sent as a body: <office>/tai-len/<agency>/
KEPT = "ban-ghi"  # the records issued from the desk: <office>/ban-ghi/<agency>/<year>/
RECORD = "ban-ghi.yaml"
PREVIEWS_KEPT = 8  # the drafts of a session whose pictures it may still ask for
SCRATCH_AGE = 24 * 60 * 60  # a draft older than a day is removed when the next one is made
AUTHORITY_NAMES = {"TM": N_("TM. (on behalf of the collective body)"), "KT": N_("KT. (signing for the head)"),
                   "TL": N_("TL. (by order of the head)"), "TUQ": N_("TUQ. (by authorisation of the head)"),
                   "Q": N_("Q. (acting head)"), "khong": N_("none (the head signs in their own name)")}


def _kinds(workspace: Path) -> list[tuple[str, str]]:
    names = {code: name for code, _short, name in api.kind_list()}
    return [(code, names.get(code, code)) for code in api.skeleton_kinds(workspace)]


def _authorities(workspace: Path, agency: str, signer: str, kind: str, kt: str, thay_mat: str) -> list[str]:
    if not signer:
        return []
    return list(api.signing_authorities(workspace, agency, signer, kind, kt or None, thay_mat or None))


def _setup(workspace: Path, agency: str, kind: str, posted: FormData | None) -> dict[str, Any]:
    """What the form of ``kind`` shows: its inputs with their choices and values (as posted, else the defaults)."""
    kinds = _kinds(workspace)
    if kind not in {code for code, _name in kinds}:
        kind = DEFAULT_KIND
    profile = api.agency_settings(workspace, agency)
    skeleton = api.skeleton(kind, workspace)
    items = forms.inputs(api.json_schema(), skeleton)
    sample = forms.sample_of(skeleton)
    units = [(unit.viet_tat, f"{unit.ten} ({unit.viet_tat})") for unit in profile.don_vi.values()]
    signers = [(code, f"{who.ho_ten} — {who.chuc_vu}") for code, who in profile.nguoi_ky.items()]
    unit = str(sample.get("don_vi") or "")
    unit = unit if unit in {code for code, _n in units} else (units[0][0] if units else "")
    ky: dict[str, Any] = sample["ky"] if isinstance(sample.get("ky"), dict) else {}
    signer = str(ky.get("nguoi_ky") or "")
    signer = signer if signer in profile.nguoi_ky else (signers[0][0] if signers else "")
    if posted is not None:
        signer = str(posted.get("nguoi_ky") or "")
    allowed = _authorities(workspace, agency, signer, kind, str(posted.get("kt") or "") if posted else "",
                           str(posted.get("thay_mat") or "") if posted else "")
    authority = str(ky.get("tham_quyen") or "")
    authority = authority if authority in allowed else (allowed[0] if allowed else "")
    luu: dict[str, Any] = sample["luu"] if isinstance(sample.get("luu"), dict) else {}
    defaults = {"don_vi": unit, "nguoi_ky": signer, "tham_quyen": authority, "ngay": forms.today(),
                "noi_luu": [*profile.luu_mac_dinh, unit] if unit else list(profile.luu_mac_dinh),
                "so_ban": luu.get("so_ban", profile.so_ban_luu)}
    forms.fill(items, posted, defaults)
    for item in items:
        if item.name == "don_vi":
            item.widget, item.choices = "select", units
        elif item.name == "nguoi_ky":
            item.widget, item.choices = "select", signers
        elif item.name == "tham_quyen":
            item.choices = [(mode, _(AUTHORITY_NAMES.get(mode, mode))) for mode in allowed]
        if item.widget == "select" and item.value and item.value not in {v for v, _n in item.choices}:
            item.choices = [*item.choices, (str(item.value), str(item.value))]  # as posted: its problem is told
    return {"kind": kind, "kinds": kinds, "items": items, "profile": profile}


def _tokens(request: Request) -> list[str]:
    kept = request.session.get("xem_truoc")
    return [t for t in kept if isinstance(t, str)] if isinstance(kept, list) else []


def _scratch(request: Request, who: Viewer, token: str | None = None) -> Path:
    """The folder of one draft of this viewer's agency (a new one when ``token`` is None; older ones pruned)."""
    base = office_folder(request, *SCRATCH, who.agency)
    if token is not None:
        return office_folder(request, *SCRATCH, who.agency, token)
    base.mkdir(parents=True, exist_ok=True)
    for old in base.iterdir():
        if old.is_dir() and not old.is_symlink() and TOKEN.fullmatch(old.name) \
                and time.time() - old.stat().st_mtime > SCRATCH_AGE:
            shutil.rmtree(old, ignore_errors=True)
    token = secrets.token_hex(8)
    folder = office_folder(request, *SCRATCH, who.agency, token)
    folder.mkdir()
    request.session["xem_truoc"] = [*_tokens(request), token][-PREVIEWS_KEPT:]
    return folder


@contextmanager
def _kept_unless_refused(workspace: Path, register_url: str | None, data: dict[str, Any], kept: Path,
                         body: Path | None) -> Iterator[None]:
    """The record kept under ban-ghi/ for what is issued within; taken back when the issue is refused and the register
    holds no more rows than before (a refusal said after some rows were numbered — a batch completed row by row —
    keeps it: those rows were issued from it)."""
    agency = str(data.get("co_quan") or "")
    before = api.register_page(workspace, agency, register_url, limit=1)[1]
    _write_record(data, kept, body)
    try:
        yield
    except CorrespondenceError:
        if api.register_page(workspace, agency, register_url, limit=1)[1] == before:
            kept.unlink(missing_ok=True)
        raise


def _write_record(data: dict[str, Any], target: Path, body: Path | None) -> Path:
    """The record written as a new file at ``target`` (never over one), its Word body named relative to it."""
    if body is not None:
        data = {**data, "noi_dung_tu": Path(os.path.relpath(body, target.parent)).as_posix()}
    target.parent.mkdir(parents=True, exist_ok=True)
    api.write_new(target, forms.yaml_text(data))
    return target


async def _uploaded(request: Request, who: Viewer, posted: FormData, name: str, kept: str,
                    suffixes: tuple[str, ...], gone: str) -> tuple[Path | None, list[Problem]]:
    """The file sent in the input ``name``: the one just uploaded (kept under tai-len/), else the one uploaded before
    (named by the form's hidden ``kept``), else none; a problem at ``name`` when it cannot be taken."""
    upload = posted.get(name)
    if isinstance(upload, UploadFile) and upload.filename:
        try:
            return await call(request, save_upload, request, upload, UPLOADS, suffixes), []
        except CorrespondenceError as error:
            return None, [Problem("", name, error.message)]
    given = str(posted.get(kept) or "")
    if not given:
        return None, []
    folder = office_folder(request, UPLOADS, who.agency)
    path = folder / given
    if Path(given).name != given or given.startswith(".") or path.suffix.lower() not in suffixes \
            or not path.is_file() or path.resolve().parent != folder:
        return None, [Problem("", name, gone)]
    return path, []


async def _body(request: Request, who: Viewer, posted: FormData) -> tuple[Path | None, list[Problem]]:
    """The Word draft sent as the body."""
    return await _uploaded(request, who, posted, "noi_dung_tu", "tep_noi_dung", (".docx",),
                           _("the Word file uploaded before is gone: upload it again"))


async def _list(request: Request, who: Viewer, posted: FormData) -> tuple[Path | None, list[Problem]]:
    """The mail merge's list (CSV/XLSX), when one is sent: one document a row."""
    return await _uploaded(request, who, posted, merging.FIELD, merging.KEPT_FIELD, merging.SUFFIXES,
                           _("the list uploaded before is gone: upload it again"))


async def _read(request: Request, who: Viewer, posted: FormData) -> tuple[dict[str, Any], Path | None, list[Problem]]:
    """The setup of the posted kind, the Word body and the merge's list, and the problems of the uploads themselves."""
    setup = await call(request, _setup, desk_of(request).workspace, who.agency, str(posted.get("loai") or ""), posted)
    body, problems = await _body(request, who, posted)
    listed, list_problems = await _list(request, who, posted)
    setup.update(body=body, listed=listed, list_name=merging.shown_name(listed) if listed else "",
                 in_chung=("in_chung" in posted), mot_so=("mot_so" in posted))
    return setup, body, problems + list_problems


def _told(items: list[forms.Input], problems: list[Problem]) -> dict[str, Any]:
    """The problems as the form shows them: by input, and those of no input shown (``general``) above the form."""
    by_input = forms.problems_by_input(items, problems)
    names = {item.name for item in items} | {"noi_dung_tu", merging.FIELD}
    general = [message for name, messages in by_input.items() if name not in names for message in messages]
    return {"problems": {name: messages for name, messages in by_input.items() if name in names}, "general": general}


def _render(request: Request, setup: dict[str, Any], status: int = 200, problems: list[Problem] | None = None,
            preview: dict[str, Any] | None = None) -> HTMLResponse:
    return page(request, "van_ban_moi.html", status=status, preview=preview, input_id=_input_id, label=forms.label,
                merge_field=merging.FIELD, **_told(setup["items"], problems or []), **setup)


def _input_id(name: str) -> str:
    return re.sub(r"[^a-z0-9_-]", "-", name)


@needs("draft")
async def new_document(request: Request, who: Viewer) -> Response:
    setup = await call(request, _setup, desk_of(request).workspace, who.agency,
                       request.query_params.get("loai") or DEFAULT_KIND, None)
    setup.update(body=None, listed=None, list_name="", in_chung=False, mot_so=False)
    return _render(request, setup)


@needs("draft")
async def authorities(request: Request, who: Viewer) -> Response:
    """The thẩm quyền select for the signer chosen (htmx swaps it in when nguoi_ky changes)."""
    query = request.query_params
    allowed = await call(request, _authorities, desk_of(request).workspace, who.agency, query.get("nguoi_ky", ""),
                         query.get("loai", ""), query.get("kt", ""), query.get("thay_mat", ""))
    chosen = query.get("tham_quyen", "")
    item = forms.Input("tham_quyen", ("ky", "tham_quyen"), "select",
                       choices=[(mode, _(AUTHORITY_NAMES.get(mode, mode))) for mode in allowed],
                       value=chosen if chosen in allowed else (allowed[0] if allowed else ""))
    return page(request, "van_ban_moi_tham_quyen.html", item=item, input_id=_input_id, label=forms.label)


def _draft(workspace: Path, record: Path, folder: Path) -> tuple[Path, int]:
    """The draft's PDF (DỰ THẢO, no number) in ``folder``, the picture of its page 1 beside it; its page count."""
    pdf = next(path for path in api.draft(record, folder, workspace, formats=("pdf",)) if path.suffix == ".pdf")
    api.previews([pdf], folder, pages=1)
    return pdf, api.page_count(pdf)


def _inputs(items: list[forms.Input]) -> set[str]:
    """The record fields the form has an input for (a problem there is shown at it)."""
    return {item.path[0] for item in items}


@needs("draft")
async def preview(request: Request, who: Viewer, posted: FormData) -> Response:
    """Xem trước: the posted form drafted, page 1 shown; with a list, every row drafted into one PDF, the columns'
    mapping and the rows' recipients shown with its page 1; or the problems at their inputs (422)."""
    setup, body, problems = await _read(request, who, posted)
    items = setup["items"]
    shown: dict[str, Any] = {}
    if not problems:
        folder = _scratch(request, who)
        data = forms.record(items, posted, setup["kind"], who.agency)
        workspace = desk_of(request).workspace
        try:
            record = await call(request, _write_record, data, folder / RECORD, body)
            if setup["listed"] is not None:
                tried, count = await call(request, merging.try_merge, workspace, record, setup["listed"], folder)
                columns, unfilled = merging.mapping(tried)
                shown = {"token": folder.name, "pages": count, "columns": columns, "unfilled": unfilled,
                         "rows": [(merging.row_line(where), recipient) for where, recipient in tried.rows]}
            else:
                _pdf, count = await call(request, _draft, workspace, record, folder)
                shown = {"token": folder.name, "pages": count}
        except CorrespondenceError as error:
            problems = (merging.located(error, setup["listed"], _inputs(items)) if setup["listed"] is not None
                        else list(error.problems)) or [Problem("", "", error.message)]
    status = 422 if problems else 200
    if request.headers.get("hx-request") == "true":  # the form stays; the preview and the problems are swapped in
        return page(request, "van_ban_moi_xem_truoc.html", status=status, preview=shown, input_id=_input_id,
                    label=forms.label, items=items, body=body, oob=True, merge_field=merging.FIELD,
                    **_told(items, problems))
    return _render(request, setup, status, problems, shown)


@needs("draft")
async def picture(request: Request, who: Viewer) -> Response:
    """A page of a draft this session made, as PNG (made when first asked for); any other: 404."""
    token, number = request.path_params["token"], int(request.path_params["trang"])
    if not TOKEN.fullmatch(token) or token not in _tokens(request) or number < 1:
        return page(request, "loi.html", status=404, message=_("There is no such page."))
    folder = _scratch(request, who, token)
    pdfs = sorted(folder.glob("*.pdf")) if folder.is_dir() else []
    if not pdfs:
        return page(request, "loi.html", status=404, message=_("There is no such page."))
    target = folder / f"{pdfs[0].stem}.trang-{number}.png"
    if not target.is_file():
        if number > await run_in_threadpool(api.page_count, pdfs[0]):
            return page(request, "loi.html", status=404, message=_("There is no such page."))
        await run_in_threadpool(api.previews, [pdfs[0]], folder, number)
    if request.headers.get("hx-request") == "true":
        return page(request, "van_ban_moi_trang.html", token=token, number=number)
    return FileResponse(target, media_type="image/png", headers={"cache-control": "no-store"})


def _kept_path(request: Request, who: Viewer, data: dict[str, Any]) -> Path:
    slug = re.sub(r"[^a-z0-9]+", "-", khong_dau(str(data.get("trich_yeu") or data.get("loai") or "")).lower())
    slug = slug.strip("-")[:50] or "van-ban"
    year = time.strftime("%Y")
    return office_folder(request, KEPT, who.agency, year) / (
        f"{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(3)}-{slug}.yaml")


def _issue(workspace: Path, register_url: str | None, data: dict[str, Any], body: Path | None, scratch: Path,
           kept: Path) -> tuple[list[Problem], Any]:
    """Check the record; when it holds, keep it under ban-ghi/ and issue it. The problems, or the issued document."""
    problems = api.check([_write_record(data, scratch, body)], workspace)
    if problems:
        return problems, None
    with _kept_unless_refused(workspace, register_url, data, kept, body):
        done = api.issue([kept], workspace, register=register_url)
    return [], done[0]


@needs("issue")
async def issue(request: Request, who: Viewer, posted: FormData) -> Response:
    """Ban hành: the checked record issued, its Số, ký hiệu and files shown; with a list, each row issued with its own
    number and all of them shown; else the problems (422), nothing issued."""
    setup, body, problems = await _read(request, who, posted)
    items = setup["items"]
    if not problems and setup["listed"] is not None:
        return await _issue_merge(request, who, posted, setup, body)
    if not problems:
        data = forms.record(items, posted, setup["kind"], who.agency)
        try:
            desk = desk_of(request)
            problems, issued = await call(request, _issue, desk.workspace, desk.register_url, data, body,
                                          _scratch(request, who) / RECORD, _kept_path(request, who, data))
        except CorrespondenceError as error:
            problems = list(error.problems) or [Problem("", "", error.message)]
    if problems:
        return _render(request, setup, 422, problems)
    output = office_folder(request, "output", who.agency)
    files = [(path.name, path.resolve().relative_to(output).as_posix()) for path in issued.files
             if output in path.resolve().parents]
    return page(request, "van_ban_moi_da_ban_hanh.html", entry=issued.entry, files=files, failure=issued.failure)


def _merge(workspace: Path, register_url: str | None, data: dict[str, Any], body: Path | None, listed: Path,
           kept: Path, output: Path, together: bool, one_number: bool) -> merging.Issued:
    """Keep the record under ban-ghi/ and issue a document per row of the list; refused before any number: the
    record is not kept."""
    with _kept_unless_refused(workspace, register_url, data, kept, body):
        return merging.issue(workspace, register_url, kept, listed, output, together, one_number)


async def _issue_merge(request: Request, who: Viewer, posted: FormData, setup: dict[str, Any],
                       body: Path | None) -> Response:
    """Ban hành with a list: every row checked before any number, then each issued; the rows' numbers and files."""
    items = setup["items"]
    data = forms.record(items, posted, setup["kind"], who.agency)
    desk = desk_of(request)
    try:
        done = await call(request, _merge, desk.workspace, desk.register_url, data, body, setup["listed"],
                          _kept_path(request, who, data), office_folder(request, "output", who.agency),
                          setup["in_chung"], setup["mot_so"])
    except CorrespondenceError as error:
        problems = merging.located(error, setup["listed"], _inputs(items)) or [Problem("", "", error.message)]
        return _render(request, setup, 422, problems)
    return page(request, "tron_thu_da_ban_hanh.html", done=done, list_name=setup["list_name"])


@needs("read")
async def download(request: Request, who: Viewer) -> Response:
    """A file the viewer's agency issued (under output/<agency>/); any other path: 404."""
    output = office_folder(request, "output", who.agency)
    wanted = str(request.path_params["duong_dan"])
    target = (output / wanted).resolve()
    if any(part.startswith(".") for part in Path(wanted).parts) or output not in target.parents \
            or not target.is_file():
        return page(request, "loi.html", status=404, message=_("There is no such file."))
    return FileResponse(target, filename=target.name)


ROUTES = [
    Route("/van-ban-moi", new_document, methods=["GET"]),
    Route("/van-ban-moi/tham-quyen", authorities, methods=["GET"]),
    Route("/van-ban-moi/xem-truoc", preview, methods=["POST"]),
    Route("/van-ban-moi/anh/{token}/{trang:int}", picture, methods=["GET"]),
    Route("/van-ban-moi/ban-hanh", issue, methods=["POST"]),
    Route("/van-ban-moi/tai-ve/{duong_dan:path}", download, methods=["GET"]),
]
