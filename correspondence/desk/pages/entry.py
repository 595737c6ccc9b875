"""Turn the desk's door into pages: sign in (a wrong password refused, and paused after several), sign out, and the
home page with the links to every room the account's role may enter."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from correspondence import api
from correspondence.desk.web import (
    Viewer,
    call,
    csrf_ok,
    csrf_token,
    desk_of,
    login_failed,
    login_paused,
    needs,
    page,
    read_form,
)
from correspondence.i18n import _


def _next(target: str | None) -> str:
    """Where to go after signing in: a path of this desk only (never another site)."""
    return target if target and target.startswith("/") and not target.startswith("//") else "/"


async def login_form(request: Request) -> Response:
    request.state.viewer = None
    return page(request, "dang_nhap.html", agencies=desk_of(request).agencies, csrf=csrf_token(request),
                tiep=_next(request.query_params.get("tiep")), error=None, ten="")


async def login(request: Request) -> Response:
    request.state.viewer = None
    desk = desk_of(request)
    form = await read_form(request)
    name = str(form.get("ten") or "").strip().lower()
    agency = str(form.get("co_quan") or (desk.agencies[0][0] if len(desk.agencies) == 1 else ""))
    target = _next(str(form.get("tiep") or "/"))

    def again(message: str, status: int) -> Response:
        return page(request, "dang_nhap.html", status=status, agencies=desk.agencies, csrf=csrf_token(request),
                    tiep=target, error=message, ten=name)

    if not await csrf_ok(request, form):
        return again(_("The form has expired: sign in again."), 403)
    address = request.client.host if request.client else "-"
    key = f"{address}:{agency}:{name}"
    if login_paused(desk, address, key):
        return again(_("Too many wrong passwords: wait a minute, then try again."), 429)
    if agency not in {code for code, _name in desk.agencies}:
        return again(_("Choose your agency."), 400)
    account = await call(request, api.user_authenticate, desk.workspace, name, str(form.get("mat_khau") or ""),
                         agency, desk.register_url)
    if account is None:
        login_failed(desk, address, key)
        return again(_("Wrong account name or password."), 401)
    lang = request.session.get("lang")
    request.session.clear()  # a new session on signing in: a token planted before is worth nothing
    request.session.update({"user": account.ten, "agency": agency, "csrf": csrf_token(request)})
    if lang:
        request.session["lang"] = lang
    return RedirectResponse(target, status_code=303)


@needs(None)
async def logout(request: Request, _who: Viewer, _form: FormData) -> Response:
    request.session.clear()
    return RedirectResponse("/dang-nhap", status_code=303)


@needs(None)
async def home(request: Request, who: Viewer) -> Response:
    return page(request, "trang_chu.html", roles=api.ROLES)


ROUTES = [
    Route("/dang-nhap", login_form, methods=["GET"]),
    Route("/dang-nhap", login, methods=["POST"]),
    Route("/dang-xuat", logout, methods=["POST"]),
    Route("/", home, methods=["GET"]),
]
