"""Turn message ids into the reader's language (Vietnamese by default) from the gettext catalogues."""

from __future__ import annotations

import gettext as _gettext
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

DOMAIN = "correspondence"
LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"

_current: _gettext.NullTranslations | None = None
_current_language: str | None = None
# The language of one request of the desk, over the process's own (each request speaks its reader's language).
_speaking: ContextVar[str | None] = ContextVar("speaking", default=None)


def data_dir(name: str) -> Path:
    """Where a built-in data folder (templates, locales) lives: in the wheel or in the source tree."""
    here = Path(__file__).resolve().parent
    packaged = here / "_data" / name
    if packaged.is_dir():
        return packaged
    return here.parent / name


def language_from_environment(environ: dict[str, str] | None = None) -> str:
    """Pick the language: CORRESPONDENCE_LANG, then the locale variables; Vietnamese unless English is asked."""
    env = os.environ if environ is None else environ
    for key in ("CORRESPONDENCE_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(key, "")
        if not value or value in ("C", "POSIX", "C.UTF-8", "C.utf8"):
            continue
        code = value.split(":")[0].split("_")[0].split(".")[0].lower()
        return code if code in LANGUAGES else DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


@cache
def _load(language: str) -> _gettext.NullTranslations:
    if language == "en":
        return _gettext.NullTranslations()
    folder = data_dir("locales") / language / "LC_MESSAGES"
    mo, po = folder / f"{DOMAIN}.mo", folder / f"{DOMAIN}.po"
    if po.is_file() and (not mo.is_file() or mo.stat().st_mtime < po.stat().st_mtime):
        # A source checkout: compile the catalogue with Babel and keep the result beside it.
        data = _compile(po, language)
        fresh = mo.with_name(f".{mo.name}.{os.getpid()}.tmp")
        try:  # written aside, then renamed: another process starting now reads the old file or the new, never half
            fresh.write_bytes(data)
            os.replace(fresh, mo)
        except OSError:
            fresh.unlink(missing_ok=True)
            return _gettext.GNUTranslations(io.BytesIO(data))
    if mo.is_file():
        with mo.open("rb") as handle:
            return _gettext.GNUTranslations(handle)
    return _gettext.NullTranslations()


def _compile(po: Path, language: str) -> bytes:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def set_language(language: str | None) -> str:
    """Make ``language`` (or the environment's) the language of every later message."""
    global _current, _current_language
    chosen = (language or language_from_environment()).lower()
    if chosen not in LANGUAGES:
        chosen = DEFAULT_LANGUAGE
    _current = _load(chosen)
    _current_language = chosen
    return chosen


def translate_click(language: str) -> None:
    """Let click's own messages (usage, help, argument errors) come from our catalogue too.

    Click asks the stdlib ``gettext`` for its strings; this points that at our domain and language.
    """
    folder = data_dir("locales")
    _load(language)  # compiles the catalogue beside its source in a checkout
    _gettext.bindtextdomain(DOMAIN, str(folder))
    _gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = language


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Every message made within is in ``language`` (vi or en), whatever the process's language."""
    token = _speaking.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)
    try:
        yield
    finally:
        _speaking.reset(token)


def current_language() -> str:
    spoken = _speaking.get()
    if spoken is not None:
        return spoken
    if _current_language is None:
        set_language(None)
    assert _current_language is not None
    return _current_language


def _(message: str) -> str:
    """Translate ``message`` into the current language."""
    spoken = _speaking.get()
    if spoken is not None:
        return _load(spoken).gettext(message)
    if _current is None:
        set_language(None)
    assert _current is not None
    return _current.gettext(message)


def N_(message: str) -> str:
    """Mark ``message`` for extraction; translate later with ``_``."""
    return message
