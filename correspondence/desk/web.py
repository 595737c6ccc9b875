"""Turn a browser's requests into calls of ``correspondence.api`` safely: who is signed in and what their role may
do, the CSRF token of every form, bounded uploads kept inside the office folder, each request in its reader's
language, and every failure shown as a page in that language, never a traceback.

Plumbing only: what a role may do is the api's rule (``api.may``); a page handler reads the request, calls the api
through ``call`` and renders what it returns.
"""

from __future__ import annotations

import contextlib
import functools
import hmac
import logging
import os
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from correspondence import api
from correspondence.errors import CorrespondenceError, Problem
from correspondence.i18n import _, speaking

HERE = Path(__file__).resolve().parent
LOG = logging.getLogger("correspondence.desk")
MAX_BODY = 20 * 1024 * 1024  # a request body (an upload) larger than this is refused before it is read
MAX_FIELD = 512 * 1024  # one form field (the body of a document) at most
UPLOADS = {".docx": "Word", ".csv": "CSV", ".xlsx": "Excel", ".pdf": "PDF", ".edxml": "edXML"}
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
LOGIN_WINDOW, LOGIN_TRIES, LOGIN_PAUSE = 300.0, 5, 60.0  # 5 wrong passwords in 5 minutes: a minute's pause
ADDRESS_TRIES = 20  # wrong passwords from one address, whatever the names, before it pauses too
MAX_REMEMBERED = 10_000  # names and addresses with wrong passwords remembered at most

Handler = Callable[[Request], Awaitable[Response]]


@dataclass
class Desk:
    """What every request of one desk shares: the office folder, its register, its agencies, the page templates."""

    workspace: Path
    register_url: str | None
    agencies: list[tuple[str, str]]
    secret: str
    pages: Environment
    failures: dict[str, list[float]] = field(default_factory=dict)


@dataclass(frozen=True)
class Viewer:
    """The signed-in account of a request: its name, role and agency, and the session's CSRF token."""

    name: str
    role: str
    agency: str
    csrf: str

    def may(self, action: str) -> bool:
        return bool(api.may(self.role, action))

    @property
    def role_name(self) -> str:
        """The role in words, in the reader's language (văn thư, lãnh đạo, chuyên viên)."""
        return _(api.ROLES[self.role]) if self.role in api.ROLES else self.role


def templates() -> Environment:
    """The page templates: every value escaped (script typed into a field is shown as text)."""
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals["_"] = _
    return env


def desk_of(request: Request) -> Desk:
    desk: Desk = request.app.state.desk
    return desk


def language(request: Request) -> str:
    """The reader's language: ``?lang=en`` (kept in the session), else the session's, else Vietnamese."""
    asked = request.query_params.get("lang")
    if asked in ("vi", "en"):
        request.session["lang"] = asked
        return asked
    kept = request.session.get("lang")
    return kept if kept in ("vi", "en") else "vi"


def viewer(request: Request) -> Viewer | None:
    """The signed-in account, while it still exists with the same role (a removed account's session ends)."""
    name, agency = request.session.get("user"), request.session.get("agency")
    if not name or not agency:
        return None
    account = api.user_account(desk_of(request).workspace, name, agency, desk_of(request).register_url)
    if account is None:
        request.session.clear()
        return None
    return Viewer(account.ten, account.vai_tro, agency, csrf_token(request))


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return str(token)


def _same_origin(request: Request) -> bool:
    """A form posted from another site is refused: its Origin (or Referer) must be this desk's."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin:
        return True
    host = request.headers.get("host", "")
    return origin.split("://", 1)[-1].split("/", 1)[0] == host


async def csrf_ok(request: Request, form: FormData | None) -> bool:
    expected = request.session.get("csrf")
    given = request.headers.get(CSRF_HEADER) or (str(form.get(CSRF_FIELD) or "") if form is not None else "")
    return bool(expected) and hmac.compare_digest(str(expected), given) and _same_origin(request)


async def read_form(request: Request) -> FormData:
    """The posted form, bounded: at most 10 files and 200 fields, a field at most ``MAX_FIELD`` bytes."""
    return await request.form(max_files=10, max_fields=200, max_part_size=MAX_FIELD)


def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page of the desk in the reader's language."""
    desk = desk_of(request)
    with speaking(language(request)):
        text = desk.pages.get_template(name).render(request=request, viewer=request.state.viewer,
                                                     lang=language(request), **context)
    return HTMLResponse(text, status_code=status)


def refusal(request: Request, status: int, message: str) -> HTMLResponse:
    return page(request, "loi.html", status=status, message=message)


def needs(action: str | None) -> Callable[[Callable[..., Awaitable[Response]]], Handler]:
    """A page for a signed-in account whose role may do ``action`` (None: any role). A visitor not signed in is sent
    to the login page; a role that may not is refused (403); a form without this session's CSRF token is refused."""

    def wrap(handler: Callable[..., Awaitable[Response]]) -> Handler:
        @functools.wraps(handler)
        async def guarded(request: Request) -> Response:
            who = await run_in_threadpool(viewer, request)
            request.state.viewer = who
            if who is None:
                if request.method == "GET":
                    return RedirectResponse(f"/dang-nhap?tiep={request.url.path}", status_code=303)
                return refusal(request, 401, _("Sign in first."))
            if action is not None and not who.may(action):
                return refusal(request, 403, _("Your role ({role}) may not do this.").format(role=who.role_name))
            if request.method == "POST":
                form = await read_form(request)
                if not await csrf_ok(request, form):
                    return refusal(request, 403, _("The form has expired or did not come from this desk: load the "
                                                   "page again."))
                return await handler(request, who, form)
            return await handler(request, who)

        return guarded

    return wrap


async def call(request: Request, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run an api function off the event loop, its messages in the reader's language and every register event it
    makes recorded as by the signed-in account."""
    lang = language(request)
    who: Viewer | None = getattr(request.state, "viewer", None)

    def within() -> Any:
        with speaking(lang):
            if who is None:
                return function(*args, **kwargs)
            with api.acting(who.name):
                return function(*args, **kwargs)

    return await run_in_threadpool(within)


def problems_at(error: CorrespondenceError) -> dict[str, list[str]]:
    """The problems of an error, by the record's field they name ('' for the whole document)."""
    found: dict[str, list[str]] = {}
    for problem in error.problems:
        key = problem.field.split(".")[0].split("[")[0] if problem.field else ""
        found.setdefault(key, []).append(problem.message + (f" ({problem.hint})" if problem.hint else ""))
    if not found:
        found[""] = [error.message]
    return found


def office_folder(request: Request, *parts: str) -> Path:
    """A folder inside the office folder; a path that would lead out of it is refused."""
    root = desk_of(request).workspace.resolve()
    target = root.joinpath(*parts).resolve()
    if target != root and root not in target.parents:
        raise CorrespondenceError(_("this path leads out of the office folder"))
    return target


def save_upload(request: Request, upload: UploadFile, folder: str, allowed: tuple[str, ...],
                own_folder: bool = False) -> Path:
    """An uploaded file kept under ``<office>/<folder>/<agency>/`` with a fresh name of its own (never the sender's
    path, never over a file); refused when its type is not one of ``allowed`` or it is larger than ``MAX_BODY``.
    ``own_folder``: in a fresh folder of its own there, under the sender's file name (without its path), for a file
    that is copied by its name and then removed (``discard_upload``)."""
    who: Viewer = request.state.viewer
    name = Path(upload.filename or "").name
    suffix = Path(name).suffix.lower()
    if suffix not in allowed:
        raise CorrespondenceError(_("{name}: only these files are taken here: {kinds}").format(
            name=name or "—", kinds=", ".join(allowed)), [Problem(name or "—", "", _("choose another file"))])
    data = upload.file.read(MAX_BODY + 1)
    if len(data) > MAX_BODY:
        raise CorrespondenceError(_("{name} is larger than {mb} MB").format(name=name, mb=MAX_BODY // (1024 * 1024)))
    target_folder = office_folder(request, folder, who.agency)
    target_folder.mkdir(parents=True, exist_ok=True)
    stem = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in Path(name).stem)[:60] or "tep"
    fresh = f"{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(4)}"
    if own_folder:
        target_folder = target_folder / f".{fresh}"
        target_folder.mkdir(mode=0o750)
        target = target_folder / f"{stem}{suffix}"
    else:
        target = target_folder / f"{fresh}-{stem}{suffix}"
    _write_new(target, data)
    return target


def discard_upload(path: Path) -> None:
    """Remove an upload ``save_upload`` kept, and the folder of its own when it had one."""
    path.unlink(missing_ok=True)
    if path.parent.name.startswith("."):
        with contextlib.suppress(OSError):
            path.parent.rmdir()


def _write_new(target: Path, data: bytes) -> None:
    """A new file, readable by the office's group only, never over one nor through a link."""
    fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW | os.O_CLOEXEC, 0o640)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def login_paused(desk: Desk, address: str, key: str) -> bool:
    """Whether sign-in is paused for this name (``key``) after ``LOGIN_TRIES`` wrong passwords, or for this address
    after ``ADDRESS_TRIES`` (trying many names from one computer), within ``LOGIN_WINDOW``."""
    return any(len(recent) >= limit and time.monotonic() - recent[-1] < LOGIN_PAUSE
               for recent, limit in ((_recent(desk, key), LOGIN_TRIES), (_recent(desk, address), ADDRESS_TRIES)))


def login_failed(desk: Desk, address: str, key: str) -> None:
    now = time.monotonic()
    if len(desk.failures) >= MAX_REMEMBERED:  # forget what is over: the memory stays bounded whatever is tried
        for old in [k for k, times in desk.failures.items() if not times or now - times[-1] >= LOGIN_WINDOW]:
            del desk.failures[old]
    for remembered in (key, address):
        if remembered in desk.failures or len(desk.failures) < MAX_REMEMBERED:
            desk.failures.setdefault(remembered, []).append(now)


def _recent(desk: Desk, key: str) -> list[float]:
    recent = [t for t in desk.failures.get(key, []) if time.monotonic() - t < LOGIN_WINDOW]
    if recent:
        desk.failures[key] = recent
    else:
        desk.failures.pop(key, None)
    return recent
