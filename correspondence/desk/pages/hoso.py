"""Turn the hồ sơ of the register into the room "Hồ sơ": the hồ sơ of a year, one opened (văn thư), a hồ sơ's mục
lục văn bản, an issued or received document filed in it, and an open hồ sơ closed (văn thư)."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from correspondence import api
from correspondence.desk.pages.common import located, number_of
from correspondence.desk.web import Viewer, call, desk_of, needs, page, refusal
from correspondence.errors import CorrespondenceError, Problem, UsageError
from correspondence.i18n import _
from correspondence.vietnamese import hom_nay, ngay_so

FIELDS = ("ky_hieu", "tieu_de", "thoi_han", "nam", "don_vi", "nguoi_lap")


async def _list(request: Request, who: Viewer, status: int = 200, values: dict[str, str] | None = None,
                problems: dict[str, list[str]] | None = None, message: str | None = None) -> Response:
    desk = desk_of(request)
    year = number_of(request.query_params, "nam", 1, 9999, []) or hom_nay().year
    files = await call(request, api.ho_so_list, desk.workspace, year, who.agency, desk.register_url)
    return page(request, "ho_so.html", status=status, year=year, files=files, values=values or {},
                problems=problems or {}, message=message, retention=api.retention_text)


@needs("read")
async def listing(request: Request, who: Viewer) -> Response:
    return await _list(request, who)


@needs("file")
async def create(request: Request, who: Viewer, form: FormData) -> Response:
    desk = desk_of(request)
    values = {name: " ".join(str(form.get(name) or "").split()) for name in FIELDS}
    problems: list[Problem] = []
    year = number_of(values, "nam", 1, 9999, problems)
    if problems:
        return await _list(request, who, 400, values, located(UsageError(_("nothing was written"), problems)))
    try:
        made = await call(request, api.ho_so_create, desk.workspace, values["ky_hieu"], values["tieu_de"],
                          values["thoi_han"], year, values["don_vi"] or None, values["nguoi_lap"] or None, who.agency,
                          desk.register_url)
    except CorrespondenceError as error:
        return await _list(request, who, 400, values, located(error), error.message)
    return RedirectResponse(f"/ho-so/{made.nam}/{made.ky_hieu}", status_code=303)


async def _show(request: Request, who: Viewer, status: int = 200, problems: dict[str, list[str]] | None = None,
                message: str | None = None) -> Response:
    desk = desk_of(request)
    year, symbol = str(request.path_params["nam"]), str(request.path_params["ky_hieu"])
    if not year.isdigit():
        return refusal(request, 404, _("There is no such hồ sơ."))
    try:
        contents = await call(request, api.ho_so_show, desk.workspace, symbol, int(year), who.agency,
                              desk.register_url)
    except CorrespondenceError:
        return refusal(request, 404, _("There is no such hồ sơ."))
    return page(request, "ho_so_dong.html", status=status, contents=contents, h=contents.ho_so,
                problems=problems or {}, message=message, retention=api.retention_text, day=ngay_so,
                link=_link)


def _link(entry: Any) -> str:
    """Where a filed document's own page is: an issued one in the register, a received one in the incoming book."""
    if hasattr(entry, "tac_gia"):
        return f"/van-ban-den/{entry.year}/{entry.number}"
    return f"/so-van-ban-di/{entry.id}"


@needs("read")
async def show(request: Request, who: Viewer) -> Response:
    return await _show(request, who)


@needs("file")
async def add(request: Request, who: Viewer, form: FormData) -> Response:
    desk = desk_of(request)
    year, symbol = str(request.path_params["nam"]), str(request.path_params["ky_hieu"])
    if not year.isdigit():
        return refusal(request, 404, _("There is no such hồ sơ."))
    number = " ".join(str(form.get("so_ky_hieu") or "").split())
    problems: list[Problem] = []
    den = number_of(form, "so_den", 1, 10**9, problems)
    den_year = number_of(form, "nam_den", 1, 9999, problems)
    if not problems and bool(number) == (den is not None):
        problems.append(Problem("so_ky_hieu", "so_ky_hieu", _(
            "Give the number of an issued document, or the số đến of a received one.")))
    if problems:
        return await _show(request, who, 400, located(UsageError(_("nothing was filed"), problems)))
    try:
        await call(request, api.ho_so_add, desk.workspace, symbol, number or None, int(year), who.agency,
                   desk.register_url, den_year, den)
    except CorrespondenceError as error:
        return await _show(request, who, 400, {"so_ky_hieu": [error.message, *(
            m for ms in located(error).values() for m in ms if m != error.message)]})
    return RedirectResponse(f"/ho-so/{year}/{symbol}", status_code=303)


@needs("file")
async def close(request: Request, who: Viewer, form: FormData) -> Response:
    """Close an open hồ sơ: it takes no more documents; the event names the signed-in clerk."""
    desk = desk_of(request)
    year, symbol = str(request.path_params["nam"]), str(request.path_params["ky_hieu"])
    if not year.isdigit():
        return refusal(request, 404, _("There is no such hồ sơ."))
    try:
        await call(request, api.ho_so_show, desk.workspace, symbol, int(year), who.agency, desk.register_url)
    except CorrespondenceError:
        return refusal(request, 404, _("There is no such hồ sơ."))
    try:
        await call(request, api.ho_so_close, desk.workspace, symbol, int(year), who.agency, desk.register_url)
    except CorrespondenceError as error:
        return await _show(request, who, 409, located(error), error.message)
    return RedirectResponse(f"/ho-so/{year}/{symbol}", status_code=303)


ROUTES = [
    Route("/ho-so", listing, methods=["GET"]),
    Route("/ho-so", create, methods=["POST"]),
    Route("/ho-so/{nam}/{ky_hieu}", show, methods=["GET"]),
    Route("/ho-so/{nam}/{ky_hieu}/them", add, methods=["POST"]),
    Route("/ho-so/{nam}/{ky_hieu}/dong", close, methods=["POST"]),
]
