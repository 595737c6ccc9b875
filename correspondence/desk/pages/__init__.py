"""Turn the rooms of the office into the pages of the desk, one module per room: sign-in and the home page
(``entry``), and the rooms that move in beside them. ``ROUTES`` gathers them all for ``app.create_app``."""

from __future__ import annotations

from correspondence.desk.pages import compose, entry, hoso, incoming, register, search

ROUTES = [*entry.ROUTES, *compose.ROUTES, *register.ROUTES, *incoming.ROUTES, *hoso.ROUTES, *search.ROUTES]
