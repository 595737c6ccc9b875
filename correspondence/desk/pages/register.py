"""Turn the sổ đăng ký văn bản đi into the room "Sổ văn bản đi": the agency's rows filtered by period, kind, unit and
words, a page at a time; a row with its fields, events, signatures and files; void with a reason (văn thư); the
printed register as PDF, XLSX, CSV or DOCX; the remote signature of a lãnh đạo in two steps (prepare, complete)."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from correspondence import api
from correspondence.desk.pages.common import PER_PAGE, Paged, kept_file, located, page_number, period_of
from correspondence.desk.web import Viewer, call, desk_of, needs, page, refusal, save_upload
from correspondence.errors import CorrespondenceError, Problem, UsageError
from correspondence.i18n import N_, _
from correspondence.vietnamese import gio_viet_nam, ngay_so

FORMATS = {"pdf": "application/pdf", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "csv": "text/csv; charset=utf-8",
           "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
CERTIFICATES = (".pem", ".cer", ".crt")
STATUS = {"issued": N_("issued"), "voided": N_("void"), "imported": N_("imported from an older register"),
          "failed": N_("not issued (its files could not be made)")}
EVENTS = {"issued": N_("numbered"), "completed": N_("files written"), "voided": N_("voided"),
          "imported": N_("imported"), "failed": N_("failed"), "noted": N_("note added"),
          "sign-pending": N_("signature prepared, waiting for the signing service"), "signed": N_("signed"),
          "edxml-sent": N_("sent as edXML"), "edxml-status": N_("status received"),
          "edxml-answered": N_("answered"), "ho-so-add": N_("filed in a hồ sơ")}
SIGNATURE_STATE = {"da_ky": N_("signed (its signatures verify)"),
                   "nguoi_ky": N_("signed by its signer only (the agency has not signed yet)"),
                   "khong_hop_le": N_("NOT VALID: a signed file is missing or changed, or a signature does not verify "
                                      "(run 'correspondence register verify')"),
                   "": N_("not signed")}
ROLES = {"nguoi_ky": N_("the signer"), "co_quan": N_("the agency")}
FIELDS = (("so_ky_hieu", N_("Number, symbol")), ("ngay", N_("Date")), ("ten_loai_trich_yeu", N_("Type and subject")),
          ("nguoi_ky", N_("Signer")), ("noi_nhan", N_("Recipients")),
          ("don_vi_nhan_ban_luu", N_("Unit or person keeping the filed copy")), ("so_luong_ban", N_("Copies")),
          ("ngay_chuyen", N_("Date sent")), ("ky_nhan", N_("Received by")), ("ghi_chu", N_("Notes")),
          ("series", N_("Series")), ("status", N_("Status")), ("failure", N_("Failure")),
          ("don_vi", N_("Drafting unit")), ("issued_by", N_("Numbered by")), ("issued_at", N_("Numbered at")))


def _shown(key: str, value: Any) -> str:
    if value in (None, ""):
        return ""
    if key in ("ngay", "ngay_chuyen"):
        return ngay_so(str(value))
    if key == "status":
        return _(STATUS.get(str(value), str(value)))
    if key == "issued_at":
        return _("{time} (Vietnam time)").format(time=gio_viet_nam(str(value)))
    return str(value)


def _filters(request: Request) -> dict[str, str]:
    keep = ("nam", "thang", "quy", "tu_ngay", "den_ngay", "loai", "don_vi", "tim")
    return {key: str(request.query_params.get(key) or "").strip() for key in keep}


@needs("read")
async def register_page(request: Request, who: Viewer) -> Response:
    desk = desk_of(request)
    filters = _filters(request)
    kinds = api.kind_list()
    try:
        year, days = period_of(request.query_params)
        if filters["loai"] and filters["loai"] not in {code for code, _abbr, _name in kinds}:
            raise UsageError(_("unknown kind '{kind}'").format(kind=filters["loai"]), [Problem(
                "loai", "loai", _("unknown kind '{kind}'").format(kind=filters["loai"]))])
        wanted = page_number(request.query_params)
        rows, total = await call(request, api.register_page, desk.workspace, who.agency, desk.register_url, year,
                                 filters["loai"] or None, filters["don_vi"] or None, filters["tim"] or None, days,
                                 (wanted - 1) * PER_PAGE, PER_PAGE)
        if not rows and total and wanted > 1:  # past the last page: the last page
            wanted = math.ceil(total / PER_PAGE)
            rows, total = await call(request, api.register_page, desk.workspace, who.agency, desk.register_url,
                                     year, filters["loai"] or None, filters["don_vi"] or None,
                                     filters["tim"] or None, days, (wanted - 1) * PER_PAGE, PER_PAGE)
    except CorrespondenceError as error:
        return page(request, "so_van_ban_di.html", status=400, filters=filters, kinds=kinds, rows=None,
                    problems=located(error), message=error.message, days=None, query="")
    chosen = Paged(rows, wanted, max(1, math.ceil(total / PER_PAGE)), total)
    query = urlencode({key: value for key, value in filters.items() if value})
    return page(request, "so_van_ban_di.html", filters=filters, kinds=kinds, rows=chosen, problems={}, message=None,
                days=(ngay_so(days[0]), ngay_so(days[1])) if days else None, query=query, status_names=STATUS)


async def _entry(request: Request, who: Viewer) -> Any:
    """The row the path names, of the viewer's agency only; None when there is none such."""
    text = str(request.path_params["id"])
    if not text.isdigit():
        return None
    desk = desk_of(request)
    try:
        return await call(request, api.register_entry, desk.workspace, int(text), who.agency, desk.register_url)
    except CorrespondenceError:
        return None


def _not_here(request: Request) -> Response:
    return refusal(request, 404, _("There is no such row in your agency's register."))


async def _row_page(request: Request, who: Viewer, entry: Any, status: int = 200,
                    problems: dict[str, list[str]] | None = None, message: str | None = None) -> Response:
    desk = desk_of(request)
    events = await call(request, api.register_events, desk.workspace, entry, desk.register_url)
    signatures = api.entry_signatures(entry)
    state = ""
    if signatures:  # pyHanko is loaded only for a row that is signed
        state = await call(request, api.signature_state, desk.workspace, entry)
    pending = api.pending_signature(entry)
    values = entry.as_dict()
    fields = [(label, _shown(key, values.get(key))) for key, label in FIELDS]
    files = [(index, Path(item["path"]).name, item) for index, item in enumerate(entry.files)]
    return page(request, "so_van_ban_di_dong.html", status=status, entry=entry, fields=[f for f in fields if f[1]],
                events=events, event_names=EVENTS, signatures=signatures, state=_(SIGNATURE_STATE[state]),
                pending=pending, roles=ROLES, files=files, problems=problems or {}, message=message,
                when=gio_viet_nam, signable=entry.status == "issued" and bool(entry.files))


@needs("read")
async def row_page(request: Request, who: Viewer) -> Response:
    entry = await _entry(request, who)
    if entry is None:
        return _not_here(request)
    return await _row_page(request, who, entry)


@needs("read")
async def row_file(request: Request, who: Viewer) -> Response:
    entry = await _entry(request, who)
    index = str(request.path_params["n"])
    if entry is None or not index.isdigit() or int(index) >= len(entry.files):
        return refusal(request, 404, _("There is no such file."))
    return kept_file(request, who, entry.files[int(index)])


@needs("void")
async def void(request: Request, who: Viewer, form: FormData) -> Response:
    entry = await _entry(request, who)
    if entry is None:
        return _not_here(request)
    reason = " ".join(str(form.get("ly_do") or "").split())
    if not reason:
        return await _row_page(request, who, entry, 400, {"ly_do": [_("Give the reason for voiding.")]})
    desk = desk_of(request)
    try:
        await call(request, api.register_void, desk.workspace, entry.so_ky_hieu, reason, who.agency, entry.year,
                   desk.register_url, entry.series)
    except CorrespondenceError as error:
        return await _row_page(request, who, entry, 409, located(error), error.message)
    return RedirectResponse(f"/so-van-ban-di/{entry.id}", status_code=303)


@needs("export")
async def export(request: Request, who: Viewer) -> Response:
    desk = desk_of(request)
    fmt = str(request.query_params.get("dinh_dang") or "pdf")
    try:
        if fmt not in FORMATS:
            raise UsageError(_("export as one of: {formats}").format(formats=", ".join(FORMATS)))
        year, days = period_of(request.query_params)
        with tempfile.TemporaryDirectory(prefix="correspondence-desk-") as folder:
            target = Path(folder) / f"so-van-ban-di.{fmt}"
            written = await call(request, api.register_export, desk.workspace, year, fmt, who.agency, "chung", target,
                                 desk.register_url, days)
            data = Path(written).read_bytes()
            name = f"so-van-ban-di-{who.agency}-{api.book_year(year, days)}" + (
                f"-{days[0]:%Y%m%d}-{days[1]:%Y%m%d}" if days else "") + f".{fmt}"
    except CorrespondenceError as error:
        return refusal(request, 400, error.message + "".join(f" — {p.message}" for p in error.problems))
    return Response(data, media_type=FORMATS[fmt],
                    headers={"content-disposition": f'attachment; filename="{name}"'})


@needs("sign")
async def prepare(request: Request, who: Viewer, form: FormData) -> Response:
    """Step 1 of a remote signature: the signer's certificate from the signing service; the request waits."""
    entry = await _entry(request, who)
    if entry is None:
        return _not_here(request)
    desk = desk_of(request)
    role = str(form.get("vai_tro") or api.SIGNER)
    upload = form.get("chung_thu")
    if role not in ROLES:
        return await _row_page(request, who, entry, 400, {"vai_tro": [_("Choose who signs.")]})
    if not isinstance(upload, UploadFile) or not upload.filename:
        return await _row_page(request, who, entry, 400, {"chung_thu": [
            _("Choose the certificate the signing service issued (.pem, .cer, .crt).")]})
    certificate = None
    try:
        certificate = save_upload(request, upload, "chung-thu", CERTIFICATES)
        await call(request, api.prepare_remote_signature, desk.workspace, entry.so_ky_hieu, role, certificate, None,
                   who.agency, entry.year, entry.series, desk.register_url)
    except CorrespondenceError as error:
        found = located(error)
        return await _row_page(request, who, entry, 400, {"chung_thu": [m for ms in found.values() for m in ms]},
                               error.message)
    finally:
        if certificate is not None:
            certificate.unlink(missing_ok=True)
    return RedirectResponse(f"/so-van-ban-di/{entry.id}", status_code=303)


@needs("sign")
async def complete(request: Request, who: Viewer, form: FormData) -> Response:
    """Step 2: the signature the service returned (base64 or hex) completes the prepared one."""
    entry = await _entry(request, who)
    if entry is None:
        return _not_here(request)
    desk = desk_of(request)
    signature = str(form.get("chu_ky") or "").strip()
    if not signature:
        return await _row_page(request, who, entry, 400, {"chu_ky": [
            _("Paste the signature the signing service returned.")]})
    try:
        await call(request, api.complete_remote_signature, desk.workspace, entry.so_ky_hieu, signature, None,
                   who.agency, entry.year, entry.series, desk.register_url)
    except CorrespondenceError as error:
        found = located(error)
        return await _row_page(request, who, entry, 400, {"chu_ky": [m for ms in found.values() for m in ms]},
                               error.message)
    return RedirectResponse(f"/so-van-ban-di/{entry.id}", status_code=303)


ROUTES = [
    Route("/so-van-ban-di", register_page, methods=["GET"]),
    Route("/so-van-ban-di/xuat", export, methods=["GET"]),
    Route("/so-van-ban-di/{id}", row_page, methods=["GET"]),
    Route("/so-van-ban-di/{id}/tep/{n}", row_file, methods=["GET"]),
    Route("/so-van-ban-di/{id}/huy", void, methods=["POST"]),
    Route("/so-van-ban-di/{id}/ky", prepare, methods=["POST"]),
    Route("/so-van-ban-di/{id}/hoan-tat", complete, methods=["POST"]),
]
