"""Turn an office folder into its desk: the ASGI application ``correspondence serve`` runs (Starlette, served by
uvicorn), its pages gathered from ``pages/``, behind the sign-in, the session cookie, bounded requests and the
headers that keep pages of the desk from being framed or running script from elsewhere."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from correspondence import api
from correspondence.desk import pages
from correspondence.desk.web import HERE, LOG, MAX_BODY, Desk, language, page, templates
from correspondence.errors import TooLarge
from correspondence.i18n import _, speaking

SESSION_AGE = 8 * 60 * 60  # a working day: then sign in again
HEADERS = [
    (b"content-security-policy", b"default-src 'self'; img-src 'self' data: blob:; style-src 'self'; "
                                 b"script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]


class Bounded:
    """Refuse a request body larger than ``MAX_BODY`` (413) before reading it, or as soon as it grows past it; add
    the security headers to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            await PlainTextResponse(_("The file is too large."), status_code=413)(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > MAX_BODY:
                raise TooLarge(_("The file is too large."))
            return message

        async def headed(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + HEADERS
            await send(message)

        try:
            await self.app(scope, counted, headed)
        except TooLarge:
            await PlainTextResponse(_("The file is too large."), status_code=413)(scope, receive, send)


async def _not_found(request: Request, _exc: Exception) -> Response:
    request.state.viewer = getattr(request.state, "viewer", None)
    return page(request, "loi.html", status=404, message=_("There is no such page."))


async def _failed(request: Request, exc: Exception) -> Response:
    LOG.exception("desk: %s %s", request.method, request.url.path, exc_info=exc)
    request.state.viewer = getattr(request.state, "viewer", None)
    with speaking(language(request)):
        message = _("Internal error: nothing was issued by the failed step. Tell the administrator: {what}.").format(
            what=type(exc).__name__)
    return page(request, "loi.html", status=500, message=message)


def create_app(workspace: Path | str | None = None, register_url: str | None = None,
               https_only: bool = False) -> Starlette:
    """The desk of the office folder ``workspace`` (the current folder's office by default); ``https_only``: reached
    only through an HTTPS server in front of it, its session cookie marked Secure."""
    root = api.office_root(Path(workspace) if workspace is not None else None)
    desk = Desk(root, register_url, api.agency_list(root), api.session_key(root), templates())
    routes: list[Any] = [*pages.ROUTES, Mount("/tep-tinh", StaticFiles(directory=HERE / "static"), name="static")]
    app = Starlette(routes=routes, middleware=[
        Middleware(Bounded),
        Middleware(SessionMiddleware, secret_key=desk.secret, session_cookie="correspondence_desk",
                   max_age=SESSION_AGE, same_site="strict", https_only=https_only),
    ], exception_handlers={404: _not_found, Exception: _failed})
    app.state.desk = desk
    logging.getLogger("correspondence.desk").setLevel(logging.INFO)
    return app
