"""Turn python-docx's default package into the one every DOCX starts from (the ND 30 defaults, read once per process
and face, its 350 kB styles part parsed, serialised and compressed once), and a python-docx document into zip bytes
with fixed timestamps, so that the same document gives the same bytes."""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import Any

from docx import Document as new_document
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.parts.styles import StylesPart

from correspondence import model as m

LANG = "vi-VN"
APP_PROPERTIES = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                  b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
                  b'<Application>correspondence</Application><DocSecurity>0</DocSecurity></Properties>')
_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@lru_cache(maxsize=1)
def _template_bytes() -> bytes:
    """The python-docx default package with ND 30 document defaults applied, built once per process."""
    font, size = m.Typeface().family, m.Sizes().body
    document = new_document()
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for child in list(rpr):
        rpr.remove(child)
    rpr.append(parse_xml(
        f'<w:rFonts {nsdecls("w")} w:ascii="{font}" w:hAnsi="{font}" w:cs="{font}" w:eastAsia="{font}"/>'))
    rpr.append(parse_xml(f'<w:sz {nsdecls("w")} w:val="{int(size * 2)}"/>'))
    rpr.append(parse_xml(f'<w:szCs {nsdecls("w")} w:val="{int(size * 2)}"/>'))
    rpr.append(parse_xml(f'<w:lang {nsdecls("w")} w:val="{LANG}" w:eastAsia="{LANG}" w:bidi="ar-SA"/>'))
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    for child in list(ppr):
        ppr.remove(child)
    ppr.append(parse_xml(f'<w:widowControl {nsdecls("w")}/>'))  # two lines at least each side of a page break
    ppr.append(parse_xml(f'<w:spacing {nsdecls("w")} w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'))
    normal = document.styles["Normal"]
    normal.font.name = font
    normal_rpr = normal.element.get_or_add_rPr()
    fonts = normal_rpr.find(qn("w:rFonts"))
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(slot), font)
    normal_rpr.append(parse_xml(f'<w:lang {nsdecls("w")} w:val="{LANG}" w:eastAsia="{LANG}"/>'))
    # Parts Word does not need (thumbnail, custom XML, web settings, legacy styles): less to parse and write.
    unused = ("thumbnail", "customXml", "stylesWithEffects", "webSettings")
    for rels in (document.part.package.rels, document.part.rels):
        for key in [k for k, rel in rels.items() if any(word in rel.reltype for word in unused)]:
            del rels[key]
    # The extended properties name the tool and claim no count: the blank document's said "Microsoft Macintosh Word",
    # one page and no word, whatever the document (Word counts them again when it saves).
    for rel in document.part.package.rels.values():
        if rel.reltype == RT.EXTENDED_PROPERTIES:
            rel.target_part._blob = APP_PROPERTIES
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _set_font(word: Any, family: str) -> None:
    """Make ``family`` the font of the document defaults and of the Normal style."""
    styles = word.styles.element
    fonts = [styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:rFonts")),
             word.styles["Normal"].element.get_or_add_rPr().find(qn("w:rFonts"))]
    for element in fonts:
        for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            if element.get(qn(slot)) != family:
                element.set(qn(slot), family)


def new_word() -> Any:
    """A new python-docx document with the ND 30 defaults (font, size, language, no paragraph spacing)."""
    return new_document(io.BytesIO(_template_bytes()))


class _SharedStyles(StylesPart):
    """The styles part of every document of one face: its element parsed once per process and only read (the writer
    never changes a style), its bytes serialised once."""

    def __init__(self, partname: Any, content_type: str, element: Any, package: Any, blob: bytes) -> None:
        super().__init__(partname, content_type, element, package)
        self._serialised = blob

    @property
    def blob(self) -> bytes:
        return self._serialised


@lru_cache(maxsize=4)
def _skeleton(family: str) -> tuple[Any, Any, Any, bytes]:
    """The default package with ``family`` set, read once per process and face: its parts as read (each document
    parses its own small parts from them) and its styles part (350 kB, the same for every document) parsed and
    serialised once."""
    from docx.opc.pkgreader import PackageReader

    word = new_word()
    _set_font(word, family)
    reader = PackageReader.from_file(io.BytesIO(save_word(word)))  # type: ignore[no-untyped-call]
    styles = next(part for part in reader._sparts if part.content_type == CT.WML_STYLES)
    return reader, styles.partname, parse_xml(styles.blob), styles.blob


def word_for(family: str) -> Any:
    """A new document in ``family`` with the ND 30 defaults — the same package as ``new_word`` then ````_set_font`` —
    built from the parts read once per process, its styles shared (read only)."""
    from docx.opc.package import Unmarshaller
    from docx.opc.part import PartFactory
    from docx.package import Package

    reader, partname, element, blob = _skeleton(family)

    def part(name: Any, content_type: str, reltype: str, data: bytes, package: Any) -> Any:
        if name == partname:
            return _SharedStyles(name, content_type, element, package, blob)
        return PartFactory(name, content_type, reltype, data, package)

    package = Package()
    Unmarshaller.unmarshal(reader, package, part)  # type: ignore[no-untyped-call]
    return package.main_document_part.document


class _FixedZip:
    """A zip writer with fixed timestamps: the same document gives the same bytes. A part holding a placeholder of
    ``streamed`` (see ``save_word``) is written in pieces, the placeholder's table written row by row."""

    def __init__(self, stream: io.BytesIO, streamed: dict[str, Callable[[], Iterable[str]]] | None = None) -> None:
        self._zip = zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED, compresslevel=6)
        self._streamed = streamed or {}

    def write(self, pack_uri: Any, blob: bytes) -> None:
        info = zipfile.ZipInfo(pack_uri.membername, date_time=_FIXED_ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        pieces = _expanded(blob, self._streamed)
        if pieces is not None:
            with self._zip.open(info, mode="w") as entry:
                for piece in pieces:
                    entry.write(piece)
            return
        info.file_size = len(blob)  # as writestr does
        with self._zip.open(info, mode="w") as entry:  # the deflate stream writestr would make, made once per content
            entry._compressor = _Deflated(_deflated(blob))  # type: ignore[attr-defined]
            entry.write(blob)

    def close(self) -> None:
        self._zip.close()


def table_placeholder(mark: str) -> str:
    """The XML of an empty table standing for a table written only as the package is saved: ``mark`` names it."""
    return f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblCaption w:val="{mark}"/></w:tblPr></w:tbl>'


def _expanded(blob: bytes, streamed: dict[str, Callable[[], Iterable[str]]]) -> Iterator[bytes] | None:
    """``blob`` in pieces with each placeholder table of ``streamed`` it holds replaced by the XML its function gives,
    a megabyte at a time; None when it holds none."""
    found = []
    for mark, parts in streamed.items():
        at = blob.find(f'<w:tblCaption w:val="{mark}"/>'.encode())  # a "<" in any text is written "&lt;"
        if at >= 0:
            start = max(blob.rfind(b"<w:tbl>", 0, at), blob.rfind(b"<w:tbl ", 0, at))
            found.append((start, blob.index(b"</w:tbl>", at) + len(b"</w:tbl>"), parts))
    if not found:
        return None

    def pieces() -> Iterator[bytes]:
        done = 0
        for start, end, parts in sorted(found, key=lambda item: item[0]):
            yield blob[done:start]
            held: list[str] = []
            size = 0
            for text in parts():
                held.append(text)
                size += len(text)
                if size > 1 << 20:
                    yield "".join(held).encode("utf-8")
                    held, size = [], 0
            yield "".join(held).encode("utf-8")
            done = end
        yield blob[done:]

    return pieces()


SHARED_AT_MOST = 1 << 20  # a part larger than this is no part documents share: not kept once compressed


def _deflated(blob: bytes) -> bytes:
    """``blob`` compressed as zipfile compresses an entry: the parts every document of a merge carries alike (styles,
    theme, settings, header, relationships …) are compressed once per process; a large one (a long table's
    document) is not kept."""
    return _deflate(blob) if len(blob) > SHARED_AT_MOST else _deflated_kept(blob)


@lru_cache(maxsize=64)
def _deflated_kept(blob: bytes) -> bytes:
    return _deflate(blob)


def _deflate(blob: bytes) -> bytes:
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return compressor.compress(blob) + compressor.flush()


class _Deflated:
    """Stands for zipfile's compressor of one entry whose deflate stream was made once: the same bytes."""

    def __init__(self, stream: bytes) -> None:
        self._stream = stream

    def compress(self, _data: bytes) -> bytes:
        stream, self._stream = self._stream, b""
        return stream

    def flush(self) -> bytes:
        return b""


def save_word(word: Any, streamed: dict[str, Callable[[], Iterable[str]]] | None = None) -> bytes:
    """Serialise the package in python-docx's part order through ``_FixedZip``; each table of ``streamed`` (its mark →
    its XML, a row at a time) written in place of its placeholder (``table_placeholder``) as its part is saved."""
    from docx.opc.pkgwriter import PackageWriter

    package = word.part.package
    parts = list(package.parts)
    for part in parts:
        part.before_marshal()
    buffer = io.BytesIO()
    writer = _FixedZip(buffer, streamed)
    PackageWriter._write_content_types_stream(writer, parts)  # type: ignore[no-untyped-call]
    PackageWriter._write_pkg_rels(writer, package.rels)  # type: ignore[no-untyped-call]
    PackageWriter._write_parts(writer, parts)  # type: ignore[arg-type]
    writer.close()
    return buffer.getvalue()
