"""Turn the field ``q`` of the room "Tìm kiếm" into the agency's issued and received documents holding its words,
best first, each with the line that holds them best; typed without diacritics, the words are found with any."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from correspondence import api
from correspondence.desk.web import Viewer, call, desk_of, needs, page
from correspondence.errors import CorrespondenceError
from correspondence.vietnamese import ngay_so

LIMIT = 50


def _link(hit: Any) -> str:
    entry = hit.entry
    if hasattr(entry, "tac_gia"):
        return f"/van-ban-den/{entry.year}/{entry.number}"
    return f"/so-van-ban-di/{entry.id}"


@needs("read")
async def search(request: Request, who: Viewer) -> Response:
    desk = desk_of(request)
    query = " ".join(str(request.query_params.get("q") or "").split())[:500]
    if not query:
        return page(request, "tim_kiem.html", q="", hits=None, message=None)
    try:
        hits = await call(request, api.search, desk.workspace, query, agency=who.agency,
                          register_url=desk.register_url, limit=LIMIT)
    except CorrespondenceError as error:
        return page(request, "tim_kiem.html", status=400, q=query, hits=None, message=error.message)
    return page(request, "tim_kiem.html", q=query, hits=[(hit, _link(hit)) for hit in hits], message=None,
                day=ngay_so)


ROUTES = [Route("/tim-kiem", search, methods=["GET"])]
