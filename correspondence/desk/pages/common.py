"""Turn what the rooms of the desk share into helpers: the numbers and dates a query string carries, a failed api
call into a page naming the problem at its field, a kept file into a download (only from the agency's own folder),
and a list into pages of rows."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import FormData, QueryParams
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from correspondence import api
from correspondence.desk.web import Viewer, call, office_folder, problems_at, refusal
from correspondence.errors import CorrespondenceError, Problem, UsageError
from correspondence.i18n import _
from correspondence.progress import noticing
from correspondence.vietnamese import doc_ngay

PER_PAGE = 50


def located(error: CorrespondenceError) -> dict[str, list[str]]:
    """The problems of an error by the form field they name: ``--ngay-van-ban`` is the field ``ngay_van_ban``."""
    found: dict[str, list[str]] = {}
    for key, messages in problems_at(error).items():
        found.setdefault(key.lstrip("-").replace("-", "_"), []).extend(messages)
    return found


def number_of(query: QueryParams | FormData | dict[str, Any], name: str, low: int, high: int,
              problems: list[Problem]) -> int | None:
    """A whole number from ``low`` to ``high`` the form gave for ``name`` (None when left empty)."""
    text = str(query.get(name) or "").strip()
    if not text:
        return None
    if not text.isdigit() or not low <= int(text) <= high:
        problems.append(Problem(name, name, _("'{value}' is not a number from {low} to {high}").format(
            value=text, low=low, high=high)))
        return None
    return int(text)


def date_of(query: QueryParams | dict[str, Any], name: str, problems: list[Problem]) -> dt.date | None:
    """A date the form gave for ``name`` (dd/mm/yyyy, or yyyy-mm-dd as a date field sends it); None when empty."""
    text = str(query.get(name) or "").strip()
    if not text:
        return None
    try:
        return doc_ngay(text)
    except ValueError:
        problems.append(Problem(name, name, _("'{value}' is not a date dd/mm/yyyy").format(value=text)))
        return None


def period_of(query: QueryParams) -> tuple[int | None, tuple[dt.date, dt.date] | None]:
    """The year and the days the filters ``nam``, ``thang``, ``quy``, ``tu_ngay``, ``den_ngay`` ask for, as the
    command line's ``--nam --thang --quy --tu-ngay --den-ngay``; refused (located) when they are not one period."""
    problems: list[Problem] = []
    year = number_of(query, "nam", 1, 9999, problems)
    month = number_of(query, "thang", 1, 12, problems)
    quarter = number_of(query, "quy", 1, 4, problems)
    start, end = date_of(query, "tu_ngay", problems), date_of(query, "den_ngay", problems)
    if problems:
        raise UsageError(_("the period is not right"), problems)
    return year, api.period(year, month, quarter, start, end)


async def heard(request: Request, function: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, list[str]]:
    """Call an api function (``call``) and keep what it tells the clerk on the way; its result and those notices."""
    said: list[str] = []

    def listening() -> Any:
        with noticing(said.append):
            return function(*args, **kwargs)

    return await call(request, listening), said


@dataclass(frozen=True)
class Paged:
    """One page of a long list: its rows, which page, how many pages and rows there are."""

    rows: list[Any]
    page: int
    pages: int
    total: int


def page_number(query: QueryParams) -> int:
    """The page ``trang`` asks for (from 1; 1 for anything else)."""
    text = str(query.get("trang") or "1")
    return min(max(int(text), 1), 10**6) if text.isdigit() else 1


def paged(rows: list[Any], query: QueryParams) -> Paged:
    """The page ``trang`` (from 1) of ``rows``, ``PER_PAGE`` to a page."""
    pages = max(1, math.ceil(len(rows) / PER_PAGE))
    page = min(page_number(query), pages)
    return Paged(rows[(page - 1) * PER_PAGE: page * PER_PAGE], page, pages, len(rows))


def kept_file(request: Request, who: Viewer, item: dict[str, str]) -> Response:
    """A file a register row keeps, as a download: only from the agency's own folder of ``output/`` (its path
    resolved, links followed, and checked to stay inside), else refused as not found."""
    try:
        own = office_folder(request, "output", who.agency)
        path = office_folder(request, str(item.get("path") or ""))
    except CorrespondenceError:
        return refusal(request, 404, _("There is no such file."))
    if own not in path.parents or not path.is_file():
        return refusal(request, 404, _("There is no such file."))
    return FileResponse(path, filename=path.name, content_disposition_type="attachment")

