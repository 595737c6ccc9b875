"""Turn the sổ đăng ký văn bản đến into the room "Văn bản đến": the book of a year, a received file registered from
an upload (văn thư), a số đến with its files and history, its assignment to a unit with a deadline and its outcome,
and the documents overdue."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from correspondence import api
from correspondence.desk.pages.common import date_of, heard, kept_file, located, number_of, paged
from correspondence.desk.web import Viewer, call, desk_of, discard_upload, needs, office_folder, page, refusal, save_upload
from correspondence.errors import CorrespondenceError, Problem, UsageError
from correspondence.i18n import _
from correspondence.vietnamese import gio_viet_nam, hom_nay, ngay_so

RECEIVED = (".pdf", ".docx", ".edxml")
FIELDS = ("tac_gia", "so_ky_hieu", "ngay_van_ban", "trich_yeu", "don_vi_nhan", "ngay_den")


def _year(request: Request) -> int:
    problems: list[Problem] = []
    return number_of(request.query_params, "nam", 1, 9999, problems) or hom_nay().year


async def _book(request: Request, who: Viewer, status: int = 200, values: dict[str, str] | None = None,
                problems: dict[str, list[str]] | None = None, message: str | None = None) -> Response:
    desk = desk_of(request)
    year = _year(request)
    rows = await call(request, api.incoming_list, desk.workspace, year, False, who.agency, desk.register_url)
    rows.reverse()  # the latest first
    return page(request, "van_ban_den.html", status=status, year=year, rows=paged(rows, request.query_params),
                values=values or {}, problems=problems or {}, message=message, day=ngay_so)


@needs("read")
async def book(request: Request, who: Viewer) -> Response:
    return await _book(request, who)


@needs("receive")
async def receive(request: Request, who: Viewer, form: FormData) -> Response:
    desk = desk_of(request)
    values = {name: " ".join(str(form.get(name) or "").split()) for name in FIELDS}
    upload = form.get("tep")
    problems: list[Problem] = []
    arrived = date_of(values, "ngay_den", problems)
    if not isinstance(upload, UploadFile) or not upload.filename:
        problems.append(Problem("tep", "tep", _("Choose the file received (.pdf, .docx, .edxml).")))
    if problems:
        return await _book(request, who, 400, values, located(UsageError(_("nothing was registered"), problems)))
    kept: Path | None = None
    try:
        kept = save_upload(request, upload, "tai-len", RECEIVED, own_folder=True)  # type: ignore[arg-type]
        (row, _files), said = await heard(
            request, api.incoming_receive, desk.workspace, kept, values["tac_gia"] or None,
            values["so_ky_hieu"] or None, values["ngay_van_ban"] or None, values["trich_yeu"] or None, False,
            bool(form.get("khan")), arrived, values["don_vi_nhan"] or None, bool(form.get("dau")), who.agency,
            desk.register_url)
    except CorrespondenceError as error:
        return await _book(request, who, 400, values, located(error), error.message)
    finally:
        if kept is not None:
            discard_upload(kept)  # the register keeps its own copy under output/<agency>/den/
    request.session["notices"] = said[:5]
    return RedirectResponse(f"/van-ban-den/{row.year}/{row.number}", status_code=303)


async def _item(request: Request, who: Viewer) -> Any:
    year, number = str(request.path_params["nam"]), str(request.path_params["so"])
    if not (year.isdigit() and number.isdigit()):
        return None
    desk = desk_of(request)
    try:
        return await call(request, api.incoming_show, desk.workspace, int(number), int(year), False, who.agency,
                          desk.register_url)
    except CorrespondenceError:
        return None


def _units(workspace: Path, agency: str) -> list[tuple[str, str]]:
    """The agency's units from its profile, to assign to: their abbreviation, and their name with it."""
    profile = api.agency_settings(workspace, agency)
    return [(unit.viet_tat, f"{unit.ten} ({unit.viet_tat})") for unit in profile.don_vi.values()]


async def _row(request: Request, who: Viewer, item: Any, status: int = 200,
               problems: dict[str, list[str]] | None = None, message: str | None = None,
               chosen: dict[str, str] | None = None) -> Response:
    desk = desk_of(request)
    life = await call(request, api.incoming_history, desk.workspace, item, desk.register_url)
    units = await call(request, _units, desk.workspace, who.agency) if who.may("assign") else []
    files = [(index, Path(kept["path"]).name) for index, kept in enumerate(item.files)]
    stamped = [(index, name) for index, name in _stamped(item)
               if office_folder(request, str(Path(item.files[index - len(item.files)]["path"]).with_name(name)))
               .is_file()]
    return page(request, "van_ban_den_dong.html", status=status, item=item, life=life, files=files + stamped,
                problems=problems or {}, message=message, day=ngay_so, when=gio_viet_nam, units=units,
                chosen=chosen or {}, notices=request.session.pop("notices", []))


def _stamped(item: Any) -> list[tuple[int, str]]:
    """The copy stamped with the ĐẾN mark kept beside the received PDF (its name says its số đến), when there is one."""
    found = []
    for index, kept in enumerate(item.files):
        path = Path(kept["path"])
        if path.suffix.lower() == ".pdf":
            found.append((len(item.files) + index, path.with_name(f"{path.stem}.den-{item.number}.pdf").name))
    return found


@needs("read")
async def row(request: Request, who: Viewer) -> Response:
    item = await _item(request, who)
    if item is None:
        return refusal(request, 404, _("There is no such số đến in your agency's book."))
    return await _row(request, who, item)


@needs("read")
async def row_file(request: Request, who: Viewer) -> Response:
    item = await _item(request, who)
    index = str(request.path_params["n"])
    if item is None or not index.isdigit():
        return refusal(request, 404, _("There is no such file."))
    n = int(index)
    if n < len(item.files):
        return kept_file(request, who, item.files[n])
    stamped = dict(_stamped(item))
    if n in stamped:
        original = Path(item.files[n - len(item.files)]["path"])
        return kept_file(request, who, {"path": str(original.with_name(stamped[n]))})
    return refusal(request, 404, _("There is no such file."))


@needs("assign")
async def assign(request: Request, who: Viewer, form: FormData) -> Response:
    item = await _item(request, who)
    if item is None:
        return refusal(request, 404, _("There is no such số đến in your agency's book."))
    desk = desk_of(request)
    unit, person, deadline = (" ".join(str(form.get(name) or "").split()) for name in ("don_vi", "nguoi", "han"))
    problems = [Problem(name, name, text) for name, value, text in (
        ("don_vi", unit, _("Name the unit.")), ("han", deadline, _("Give the deadline."))) if not value]
    chosen = {"don_vi": unit, "nguoi": person, "han": deadline}
    if problems:
        return await _row(request, who, item, 400, located(UsageError(_("nothing was recorded"), problems)),
                          chosen=chosen)
    try:
        _done, said = await heard(request, api.incoming_assign, desk.workspace, item.number, unit, deadline,
                                  person or None, item.year, False, who.agency, desk.register_url)
    except CorrespondenceError as error:
        return await _row(request, who, item, 400, located(error), error.message, chosen)
    request.session["notices"] = said[:5]
    return RedirectResponse(f"/van-ban-den/{item.year}/{item.number}", status_code=303)


@needs("assign")
async def done(request: Request, who: Viewer, form: FormData) -> Response:
    item = await _item(request, who)
    if item is None:
        return refusal(request, 404, _("There is no such số đến in your agency's book."))
    desk = desk_of(request)
    try:
        await call(request, api.incoming_done, desk.workspace, item.number, str(form.get("ghi_chu") or "") or None,
                   item.year, False, who.agency, desk.register_url)
    except CorrespondenceError as error:
        return await _row(request, who, item, 400, located(error), error.message)
    return RedirectResponse(f"/van-ban-den/{item.year}/{item.number}", status_code=303)


@needs("read")
async def overdue(request: Request, who: Viewer) -> Response:
    desk = desk_of(request)
    found = await call(request, api.incoming_overdue, desk.workspace, None, None, False, who.agency,
                       desk.register_url)
    return page(request, "van_ban_den_qua_han.html", found=found, day=ngay_so)


ROUTES = [
    Route("/van-ban-den", book, methods=["GET"]),
    Route("/van-ban-den", receive, methods=["POST"]),
    Route("/van-ban-den/qua-han", overdue, methods=["GET"]),
    Route("/van-ban-den/{nam}/{so}", row, methods=["GET"]),
    Route("/van-ban-den/{nam}/{so}/tep/{n}", row_file, methods=["GET"]),
    Route("/van-ban-den/{nam}/{so}/giao", assign, methods=["POST"]),
    Route("/van-ban-den/{nam}/{so}/xong", done, methods=["POST"]),
]
