"""Turn the document model into PDF bytes: Jinja2 HTML templates laid out by WeasyPrint."""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import hashlib
import logging
import os
import re
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

from correspondence import model as m
from correspondence.errors import RenderFailed
from correspondence.i18n import _
from correspondence.metrics import BUNDLED, FACES, FONT_DIR
from correspondence.render.fonts import pdf_face as pdf_face
from correspondence.templating import html_environment
from correspondence.workspace import template_dirs

FONT_EPOCH = "315532800"  # 1980-01-01, as the DOCX zip entries
_STYLE = {(False, False): ("normal", "normal"), (True, False): ("bold", "normal"),
          (False, True): ("normal", "italic"), (True, True): ("bold", "italic")}


def _font_faces(faces: dict[str, dict[tuple[bool, bool], Path]]) -> str:
    """``@font-face`` rules under each face's true name: these files win over any installed font of that name."""
    return "\n".join(
        f'@font-face {{ font-family: "{name}"; src: url("{path.resolve().as_uri()}"); '
        f"font-weight: {_STYLE[key][0]}; font-style: {_STYLE[key][1]}; }}"
        for name, files in faces.items() for key, path in files.items())


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@lru_cache(maxsize=1)
def load_weasyprint() -> None:
    """Import WeasyPrint (once) without starting a compiler.

    WeasyPrint opens each C library it needs (GObject, Pango, HarfBuzz, fontconfig …) by trying several names in turn;
    cffi hands every name the dynamic loader refuses to ``ctypes.util.find_library``, which on Linux runs ``ldconfig``,
    then ``gcc`` and ``ld``: some sixty processes and most of a cold render's time. Each library's list holds its
    soname (``libpango-1.0.so.0`` …), which the loader finds by itself, so the import is first tried with that lookup
    answering "not found" at once. Only if a library is then missing is it imported again the ordinary way (which
    also prints WeasyPrint's own advice)."""
    if "weasyprint" in sys.modules or os.name != "posix" or sys.platform == "darwin":
        import weasyprint
        return
    import ctypes.util

    lookup = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        with contextlib.redirect_stdout(None):
            import weasyprint
    except OSError:
        for name in [name for name in sys.modules if name == "weasyprint" or name.startswith("weasyprint.")]:
            del sys.modules[name]
    finally:
        ctypes.util.find_library = lookup
    import weasyprint  # noqa: F401


def _styles(dirs: tuple[Path, ...]) -> tuple[Any, Any, tuple[Path, ...]]:
    """The font configuration and parsed stylesheet, made once per template folder set and face."""
    name, files = pdf_face()
    return _styles_for(dirs, name, tuple(sorted(files.items())))


@lru_cache(maxsize=8)
def _styles_for(dirs: tuple[Path, ...], name: str,
                files: tuple[tuple[tuple[bool, bool], Path], ...]) -> tuple[Any, Any, tuple[Path, ...]]:
    load_weasyprint()
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    faces = {BUNDLED: {key: FONT_DIR / face for key, face in FACES.items()}, name: dict(files)}
    allowed = (FONT_DIR.resolve(), *{path.resolve().parent for _key, path in files}, *(d.resolve() for d in dirs))
    css_path = next((d / "document.css" for d in dirs if (d / "document.css").is_file()), None)
    css_text = _font_faces(faces) + "\n" + (css_path.read_text("utf-8") if css_path else "")
    sheet = CSS(string=css_text, font_config=fonts, url_fetcher=_fetcher(allowed))
    return fonts, sheet, allowed


# Drop the cached font configuration while the interpreter is still whole (its finaliser needs shutil).
atexit.register(_styles_for.cache_clear)


def _fetcher(allowed: tuple[Path, ...]):  # type: ignore[no-untyped-def]
    """Serve only files from the font and template folders: no network, no other file."""
    from urllib.parse import unquote, urlparse

    load_weasyprint()
    from weasyprint.urls import URLFetcher

    class Fetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("file:"):
                path = Path(unquote(urlparse(url).path)).resolve()
                if any(path.is_relative_to(root) for root in allowed):
                    return super().fetch(url, headers)
            raise ValueError(f"refused to fetch {url}")

    return Fetcher(allowed_protocols=("file",))


_TOKEN = re.compile(r"\S+")  # each token once (``\S*/\S*`` backtracked over every start: quadratic on a long token)
_INSIDE = re.compile(r"(?<=[/\-–])(?=\S)")  # a break opportunity inside a token: after a slash or a hyphen
WORD_JOINER = "\u2060"


def keep_together(text: str) -> Any:
    """Escape ``text`` for HTML; numbers and symbols such as ``343/TTPVHCC-TT&GQTT`` never break at ``/`` or ``-``;
    a typed line break is kept.

    A word joiner (invisible, dropped when the text is copied) closes each break opportunity inside the token; a
    ``nowrap`` span would do it too, but WeasyPrint then breaks the line before it too early, leaving one word on the
    paragraph's first line.
    """
    from markupsafe import Markup, escape

    kept = escape(_TOKEN.sub(lambda match: _INSIDE.sub(WORD_JOINER, match.group()) if "/" in match.group()
                             else match.group(), text))
    return Markup("<br>").join(kept.split("\n"))  # a line break typed in the record (Nơi nhận, trích yếu)


def template_name(document: m.Document) -> str:
    """``<kind>.html`` (e.g. ``cong_van.html``, ``ke_hoach.html``) when a template folder has one, else ``van_ban.html``."""
    return f"{document.kind}.html"


def render_html(document: m.Document, workspace: Path | None = None, only_annex: int | None = None) -> str:
    """The HTML the PDF is laid out from (the whole document, or one annex printed on its own)."""
    from jinja2 import TemplateNotFound

    dirs = tuple(template_dirs(workspace))
    env = html_environment(dirs)
    env.filters.setdefault("keep_together", keep_together)
    if only_annex is not None:
        template = env.get_template("phu_luc.html")
    else:
        try:
            template = env.get_template(template_name(document))
        except TemplateNotFound:
            template = env.get_template("van_ban.html")
    return str(template.render(doc=document, face=pdf_face()[0], is_footnote=lambda r: isinstance(r, m.Footnote),
                               footnote_size=document.sizes.footnote, footnote_line=document.spacing.footnote_line,
                               landscape=m.LANDSCAPE, only_annex=only_annex))


def write_pdf(html: str, dirs: tuple[Path, ...], identifier: str, archival: m.Archival | None = None,
              created: dt.datetime | None = None) -> bytes:
    """Lay ``html`` out as PDF with the fonts and stylesheet of ``dirs``: only the font and template folders are
    fetched from, and any WeasyPrint error fails the render instead of being logged. With ``archival``: a PDF/A of
    its variant carrying its files as associated files, dated ``created`` (the same bytes every time)."""
    load_weasyprint()
    from weasyprint import HTML

    fonts, sheet, allowed = _styles(dirs)
    collector = _Collector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = epoch or FONT_EPOCH  # the subset fonts' timestamp: the same bytes every time
    try:
        laid_out = HTML(string=html, base_url=str(dirs[-1]) + "/", url_fetcher=_fetcher(allowed)).render(
            stylesheets=[sheet], font_config=fonts)
        options: dict[str, Any] = {"pdf_identifier": identifier.encode()[:32]}
        if archival is not None:
            options |= {"pdf_variant": archival.variant,
                        "attachments": _attachments(archival, len(laid_out.pages), created)}
        pdf = laid_out.write_pdf(**options)
    finally:
        logger.removeHandler(collector)
        if epoch is None:
            del os.environ["SOURCE_DATE_EPOCH"]
    if collector.messages:
        raise RenderFailed(_("the PDF could not be laid out: {what}").format(what="; ".join(collector.messages)))
    assert pdf is not None
    return bytes(pdf)


def _attachments(archival: m.Archival, pages: int, created: dt.datetime | None) -> list[Any]:
    """The archival files as WeasyPrint attachments, the metadata completed with the page count."""
    import io
    import json

    load_weasyprint()
    from weasyprint import Attachment

    fields = {**archival.fields, "PageAmount": pages}
    files = [*archival.attachments, m.Attachment(
        archival.fields_name, json.dumps(fields, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8"), "Data",
        "application/json", "Siêu dữ liệu văn bản (Nghị định 30/2020/NĐ-CP, Phụ lục VI)")]
    when = created.astimezone(dt.UTC) if created is not None and created.tzinfo else created  # PDF dates in UTC
    return [Attachment(file_obj=io.BytesIO(item.data), name=item.name, description=item.description,
                       created=when, modified=when, relationship=item.relationship) for item in files]


def render_pdf(document: m.Document, workspace: Path | None = None, only_annex: int | None = None) -> bytes:
    """PDF bytes of ``document`` (or of one annex)."""
    from jinja2 import TemplateError

    try:
        html = render_html(document, workspace, only_annex)
    except TemplateError as error:
        raise RenderFailed(_("template error: {what}").format(what=error)) from None
    return write_pdf(html, tuple(template_dirs(workspace)),
                     hashlib.sha256(document.metadata.identifier.encode("utf-8")).hexdigest()[:32],
                     document.archival if only_annex is None else m.Archival(), document.metadata.created)


def combine(pdfs: list[bytes], title: str) -> bytes:
    """One PDF holding the pages of ``pdfs`` in order (a batch to preview or print at once); the same inputs give
    the same bytes."""
    import io

    out = io.BytesIO()
    _join([io.BytesIO(data) for data in pdfs], title, out)
    return out.getvalue()


def combine_files(paths: list[Path], title: str, out: Path) -> None:
    """``combine`` of PDF files into the file ``out``, in little memory: each page is copied as it is read and the
    contents of its streams only when ``out`` is written (the same bytes as ``combine`` of the files' bytes)."""
    _join(paths, title, out)


def _join(sources: list[Any], title: str, target: Any) -> None:
    import pikepdf

    out = pikepdf.Pdf.new()
    opened: list[pikepdf.Pdf] = []
    try:
        for source in sources:
            opened.append(pikepdf.Pdf.open(source))
            out.pages.extend(opened[-1].pages)
        out.docinfo["/Title"] = pikepdf.String(title)
        out.save(target, deterministic_id=True, linearize=False)
    except pikepdf.PdfError as error:
        raise RenderFailed(_("the PDFs could not be joined into one: {why}").format(why=error)) from None
    finally:
        for pdf in opened:
            pdf.close()
        out.close()


def den_overlay(dau: m.DauDen, page: tuple[float, float], workspace: Path | None = None) -> bytes:
    """One transparent page ``page`` (mm) carrying only the ĐẾN mark (``dau_den.html``), to lay over page 1."""
    html = html_environment(tuple(template_dirs(workspace))).get_template("dau_den.html").render(
        dau=dau, page=page, face=pdf_face()[0])
    return write_pdf(html, tuple(template_dirs(workspace)), "dau-den")
