"""Turn templates into text: the one place Jinja environments are made, with the Vietnamese filters."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from correspondence import vietnamese as vn


class MarkupSafe(str):
    """Text already in body markup: not escaped again when a template prints it."""


_ESCAPE = re.compile(r"([\\*\[\]])")
_LEADING_MARKER = re.compile(r"^(#|\d+\.|[a-zđ]\)|[-+])(\s)")


def escape_markup(value: Any) -> str:
    """Make a data value print as itself inside body markup (``*``, ``[^`` and line markers escaped)."""
    if isinstance(value, MarkupSafe):
        return value
    text = vn.nfc(str(value))
    text = _ESCAPE.sub(r"\\\1", text)
    return "\n".join(_LEADING_MARKER.sub(r"\\\1\2", line) for line in text.split("\n"))


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip())


FILTERS = {
    "ngay": lambda v: vn.ngay_thang_nam(_as_date(v)),
    "ngay_ngan": lambda v: vn.ngay_ngan(_as_date(v)),
    "so": vn.so,
    "phan_tram": vn.phan_tram,
    "so_van_ban": vn.so_van_ban,
    "la_ma": vn.so_la_ma,
    "doc_so": vn.doc_so,
    "tien_bang_chu": vn.tien_bang_chu,
    "chu_cai": vn.chu_cai,
}


@lru_cache(maxsize=1)
def body_environment():  # type: ignore[no-untyped-def]
    """Sandboxed, strict environment for record bodies; every printed value is escaped for the markup."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    env = ImmutableSandboxedEnvironment(
        undefined=StrictUndefined, autoescape=False, finalize=escape_markup,
        keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(FILTERS)
    return env


def template_dirs(workspace: Path | None) -> list[Path]:
    """Where templates are looked up: the workspace ``templates/`` first, then the built-in ones."""
    from correspondence.i18n import data_dir

    dirs = []
    if workspace is not None and (workspace / "templates").is_dir():
        dirs.append(workspace / "templates")
    dirs.append(data_dir("templates"))
    return dirs


@lru_cache(maxsize=8)
def html_environment(dirs: tuple[Path, ...]):  # type: ignore[no-untyped-def]
    """HTML environment for the PDF templates: autoescaped, strict, user templates sandboxed."""
    from jinja2 import FileSystemLoader, StrictUndefined, select_autoescape
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(
        loader=FileSystemLoader([str(d) for d in dirs]),
        undefined=StrictUndefined, autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True, lstrip_blocks=True)
    env.filters.update(FILTERS)
    return env
