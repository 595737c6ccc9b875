"""Turn a specialist's Word file (.docx) into body markup: the text of ``noi_dung``, ready to check and render.

Carried: paragraphs in order (one line each, a blank line between them; empty ones dropped); bold and italic
as ``**``/``*``; headings (style Heading 1/2/3 or "Tiêu đề 1"…, or an outline level) as ``#``/``##``/``###``
and a Title paragraph as ``##``; Word's automatic numbering as the markup's markers (decimal ``1.``, ``1.1.``,
``1.1.1.`` by depth, lower letters ``a)``, upper Roman ``#``, bullets ``-`` then ``+``); numbers typed in the
text ("1. ", "a) ", "- ") kept as typed; centred paragraphs as ``-> text <-``; line breaks inside a paragraph as
spaces (the markup has no line break); footnotes (and endnotes) as ``[^n]`` with ``[^n]: text`` at the end;
tracked changes as accepted (inserted text kept, deleted text left out); hyperlinks and cross-references as
their text. Characters the markup or Jinja would read (``*``, ``[^``, ``\\``, a leading ``#``, ``{{``, ``{%``,
``{#``) are escaped so they print as typed.

Refused, every problem listed at once and located by paragraph: tables (the markup has none: an annex holds
them), images and drawings, text boxes, equations, embedded objects, symbols from a symbol font, and fields
other than a hyperlink or a cross-reference (a page number, a date, a merge field …).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from correspondence.errors import InvalidRecord, Problem
from correspondence.i18n import _
from correspondence.records.loader import control_problem

FIELD = "noi_dung_tu"

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS = {
    "w": _W,
    "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "v": "urn:schemas-microsoft-com:vml",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "o": "urn:schemas-microsoft-com:office:office",
}
_RT_FOOTNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
_RT_ENDNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/endnotes"
_RT_NUMBERING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"

_HEADING_NAME = re.compile(r"^(?:heading|tiêu đề|đầu đề|đề mục)\s*([1-9])$")
_TITLE_NAMES = {"title", "tiêu đề", "tựa đề"}
_CENTRED = re.compile(r"^->.*<-$")
_JINJA_OPEN = re.compile(r"\{([{%#])")
_KEPT_FIELDS = {"HYPERLINK", "REF", "NOTEREF", "PAGEREF"}  # their shown text is the text the specialist means
_FALSE = {"0", "false", "off", "none"}


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


def _attr(element: Any, name: str) -> str | None:
    if element is None:
        return None
    value = element.get(_w(name))
    return None if value is None else str(value)


@dataclass
class _Segment:
    text: str
    bold: bool = False
    italic: bool = False
    note: bool = False  # a footnote call ``[^n]``: markup already, no style of its own


@dataclass
class _Paragraph:
    segments: list[_Segment] = field(default_factory=list)

    def plain(self) -> str:
        return "".join(s.text for s in self.segments if not s.note)


class _Reader:
    """One Word file read once: styles, numbering and notes at hand, problems gathered as they are met."""

    def __init__(self, document: Any, shown_name: str) -> None:
        self.problems: list[Problem] = []
        self.where = shown_name
        part = document.part
        self.styles: dict[str, Any] = {}
        self.default_paragraph_style: str | None = None
        for style in document.styles.element.findall(_w("style")):
            style_id = _attr(style, "styleId")
            if style_id is None:
                continue
            self.styles[style_id] = style
            if _attr(style, "type") == "paragraph" and (_attr(style, "default") or "").lower() in ("1", "true", "on"):
                self.default_paragraph_style = style_id
        defaults = document.styles.element.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}")
        self.default_rpr = defaults
        self.numbering = _related_xml(part, _RT_NUMBERING)
        self.notes = {"footnote": _notes(_related_xml(part, _RT_FOOTNOTES), "footnote"),
                      "endnote": _notes(_related_xml(part, _RT_ENDNOTES), "endnote")}
        self.note_keys: dict[tuple[str, str], int] = {}
        self.note_texts: list[str] = []

    def problem(self, message: str) -> None:
        self.problems.append(Problem(self.where, FIELD, message))

    # Styles -------------------------------------------------------------------------------------------------

    def style_chain(self, style_id: str | None) -> Iterator[Any]:
        seen: set[str] = set()
        while style_id is not None and style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            style = self.styles[style_id]
            yield style
            style_id = _attr(style.find(_w("basedOn")), "val")

    def paragraph_style(self, p: Any) -> str | None:
        return _attr(p.find(f"{_w('pPr')}/{_w('pStyle')}"), "val") or self.default_paragraph_style

    def paragraph_property(self, p: Any, path: str) -> Any:
        """``path`` under w:pPr, from the paragraph, else from its style and the styles it is based on."""
        found = p.find(f"{_w('pPr')}/{path}")
        if found is not None:
            return found
        for style in self.style_chain(self.paragraph_style(p)):
            found = style.find(f"{_w('pPr')}/{path}")
            if found is not None:
                return found
        return None

    def style_name(self, p: Any) -> str:
        """The paragraph style's name, NFC and case-folded ("" when it has none)."""
        style = next(self.style_chain(self.paragraph_style(p)), None)
        return "" if style is None else _name(style)

    def heading_level(self, p: Any) -> int | None:
        """1, 2, 3 for a heading (##, ### for 2 and deeper), 2 for a title; None for any other paragraph."""
        for style in self.style_chain(self.paragraph_style(p)):
            name = _name(style)
            match = _HEADING_NAME.match(name)
            if match:
                return min(int(match.group(1)), 3)
            if name in _TITLE_NAMES:
                return 2
        outline = _attr(self.paragraph_property(p, _w("outlineLvl")), "val")
        if outline is not None and outline.isdigit() and int(outline) < 9:
            return min(int(outline) + 1, 3)
        return None

    def run_flag(self, p: Any, rpr: Any, tag: str) -> bool:
        """A toggle (bold, italic, caps, hidden) as the run shows it: direct, then its character style, then the
        paragraph's style, then the document's defaults."""
        candidates: list[Any] = [rpr]
        if rpr is not None:
            candidates += list(self.style_chain(_attr(rpr.find(_w("rStyle")), "val")))
        candidates += [style.find(_w("rPr")) for style in self.style_chain(self.paragraph_style(p))]
        candidates.append(self.default_rpr)
        for holder in candidates:
            if holder is None:
                continue
            if holder.tag == _w("style"):
                holder = holder.find(_w("rPr"))
                if holder is None:
                    continue
            flag = holder.find(_w(tag))
            if flag is not None:
                return (_attr(flag, "val") or "true").lower() not in _FALSE
        return False

    # Numbering ----------------------------------------------------------------------------------------------

    def number_marker(self, p: Any) -> str | None:
        """The markup marker Word's automatic numbering shows before the paragraph; None when not numbered."""
        num_id = _attr(self.paragraph_property(p, f"{_w('numPr')}/{_w('numId')}"), "val")
        if num_id is None or num_id == "0" or self.numbering is None:
            return None
        ilvl_text = _attr(self.paragraph_property(p, f"{_w('numPr')}/{_w('ilvl')}"), "val") or "0"
        ilvl = int(ilvl_text) if ilvl_text.isdigit() else 0
        levels = self.levels(num_id)
        if ilvl not in levels:
            return None
        number_format, text = levels[ilvl]
        if number_format == "none" or not text.strip():
            return None
        above = [levels[i][0] for i in sorted(levels) if i <= ilvl]
        if number_format.startswith("decimal"):
            depth = sum(1 for f in above if f.startswith("decimal"))
            return {1: "1.", 2: "1.1."}.get(depth, "1.1.1.")
        if number_format == "lowerLetter":
            return "a)"
        if number_format == "upperRoman":
            return "#"
        if number_format == "bullet":
            glyph = text.strip()
            if glyph == "+":
                return "+"
            if glyph in ("-", "–", "−"):
                return "-"
            if self.style_name(p).startswith("list bullet ") and not self.style_name(p).endswith(" 1"):
                return "+"  # Word's "List Bullet 2", "List Bullet 3": a bullet under a bullet, each its own list
            return "-" if sum(1 for f in above if f == "bullet") == 1 else "+"
        return None

    def levels(self, num_id: str, depth: int = 0) -> dict[int, tuple[str, str]]:
        """ilvl → (numFmt, lvlText) of a numbering instance, its overrides applied."""
        assert self.numbering is not None
        num = next((n for n in self.numbering.findall(_w("num")) if _attr(n, "numId") == num_id), None)
        if num is None:
            return {}
        abstract_id = _attr(num.find(_w("abstractNumId")), "val")
        abstract = next((a for a in self.numbering.findall(_w("abstractNum"))
                         if _attr(a, "abstractNumId") == abstract_id), None)
        link = None if abstract is None else _attr(abstract.find(_w("numStyleLink")), "val")
        if link is not None and link in self.styles and depth < 3:  # the levels live in the list style's own list
            linked = _attr(self.styles[link].find(f"{_w('pPr')}/{_w('numPr')}/{_w('numId')}"), "val")
            if linked is not None and linked != num_id:
                return self.levels(linked, depth + 1)
        levels: dict[int, tuple[str, str]] = {}
        lvls = [] if abstract is None else abstract.findall(_w("lvl"))
        lvls += [o.find(_w("lvl")) for o in num.findall(_w("lvlOverride")) if o.find(_w("lvl")) is not None]
        for lvl in lvls:
            index = _attr(lvl, "ilvl") or "0"
            if index.isdigit():
                levels[int(index)] = (_attr(lvl.find(_w("numFmt")), "val") or "decimal",
                                      _attr(lvl.find(_w("lvlText")), "val") or "")
        return levels

    # Text ---------------------------------------------------------------------------------------------------

    def paragraph(self, p: Any, in_note: bool = False) -> _Paragraph:
        result = _Paragraph()
        self.inline(p, p, result, in_note, [])
        return result

    def inline(self, p: Any, container: Any, out: _Paragraph, in_note: bool, fields: list[list[str]]) -> None:
        """The runs under ``container`` (a paragraph, a hyperlink, an insertion …) in order. ``fields`` holds the
        complex fields open here, each [code, state]: between 'separate' and 'end' a field's shown text is kept
        when it is a hyperlink or a cross-reference, and any other field is a problem."""
        for child in container:
            if child.tag == _w("r"):
                for item in self.run(p, child, in_note):
                    if isinstance(item, _Segment):
                        if all(f[1] == "kept" for f in fields):
                            out.segments.append(item)
                        continue
                    kind, value = item
                    if kind == "begin":
                        fields.append(["", "code"])
                    elif kind == "code" and fields:
                        fields[-1][0] += value
                    elif kind in ("separate", "end") and fields and fields[-1][1] == "code":
                        name = (fields[-1][0].split() or ["?"])[0].upper()
                        fields[-1][1] = "kept" if name in _KEPT_FIELDS else "dropped"
                        if name not in _KEPT_FIELDS:
                            self.problem(_("a field ({name}) cannot be carried into the body; type its text "
                                           "instead").format(name=name))
                    if kind == "end" and fields:
                        fields.pop()
            elif child.tag in (_w("hyperlink"), _w("ins"), _w("moveTo"), _w("smartTag"), _w("customXml"),
                               _w("dir"), _w("bdo")):
                self.inline(p, child, out, in_note, fields)
            elif child.tag == _w("sdt"):
                content = child.find(_w("sdtContent"))
                if content is not None:
                    self.inline(p, content, out, in_note, fields)
            elif child.tag == _w("fldSimple"):
                name = ((_attr(child, "instr") or "").split() or ["?"])[0].upper()
                if name in _KEPT_FIELDS:
                    self.inline(p, child, out, in_note, fields)
                else:
                    self.problem(_("a field ({name}) cannot be carried into the body; type its text instead")
                                 .format(name=name))
            elif child.tag in (f"{{{_NS['m']}}}oMath", f"{{{_NS['m']}}}oMathPara"):
                self.problem(_("an equation cannot be carried into the body"))
            elif child.tag == f"{{{_NS['mc']}}}AlternateContent":
                self.drawing(child)
            # w:del, w:moveFrom (deleted text), bookmarks, proofing marks, comments: nothing to carry

    def run(self, p: Any, r: Any, in_note: bool) -> Iterator[_Segment | tuple[str, str]]:
        """The run's text as segments, and the field events (begin, code, separate, end) met in it, in order."""
        rpr = r.find(_w("rPr"))
        if self.run_flag(p, rpr, "vanish"):
            return
        bold = self.run_flag(p, rpr, "b")
        italic = self.run_flag(p, rpr, "i")
        caps = self.run_flag(p, rpr, "caps")
        for child in r:
            tag = _local(child.tag)
            text = ""
            if tag == "t":
                text = child.text or ""
            elif tag == "instrText":
                yield "code", child.text or ""
            elif tag == "fldChar":
                yield _attr(child, "fldCharType") or "", ""
            elif tag in ("tab", "ptab"):
                text = " "
            elif tag in ("br", "cr"):
                text = " "  # the markup has no line break in a paragraph: the lines are joined
            elif tag == "noBreakHyphen":
                text = "\u2011"
            elif tag in ("footnoteReference", "endnoteReference") and not in_note:
                kind = "footnote" if tag == "footnoteReference" else "endnote"
                yield _Segment(f"[^{self.note_call(kind, _attr(child, 'id') or '')}]", note=True)
            elif tag in ("drawing", "pict", "object", "AlternateContent"):
                self.drawing(child)
            elif tag == "sym":
                self.problem(_("a symbol from a symbol font cannot be carried into the body; type the character "
                               "instead"))
            # rPr, softHyphen, footnoteRef (the note's own number), delText, lastRenderedPageBreak: nothing
            if text:
                yield _Segment(text.upper() if caps else text, bold, italic)

    def drawing(self, element: Any) -> None:
        if _has(element, f"{{{_W}}}txbxContent", f"{{{_NS['v']}}}textbox", f"{{{_NS['wps']}}}txbx"):
            self.problem(_("a text box cannot be carried into the body; move its text into a paragraph"))
        elif _has(element, f"{{{_W}}}object", f"{{{_NS['o']}}}OLEObject"):
            self.problem(_("an embedded object cannot be carried into the body"))
        else:
            self.problem(_("an image or drawing cannot be carried into the body; put it in an annex (phu_luc)"))

    def note_call(self, kind: str, note_id: str) -> int:
        key = (kind, note_id)
        if key not in self.note_keys:
            self.note_keys[key] = len(self.note_keys) + 1
            paragraphs = self.notes[kind].get(note_id, [])
            texts = [_line(self.paragraph(np, in_note=True), False) for np in paragraphs]
            self.note_texts.append(" ".join(t for t in texts if t))
        return self.note_keys[key]


def _name(style: Any) -> str:
    return unicodedata.normalize("NFC", _attr(style.find(_w("name")), "val") or "").strip().casefold()


def _has(element: Any, *tags: str) -> bool:
    """Whether ``element`` is, or holds, an element of one of ``tags``."""
    return any(True for _found in element.iter(*tags))


def _local(tag: Any) -> str:
    return str(tag).rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _related_xml(part: Any, reltype: str) -> Any:
    """The XML root of the part related to ``part`` by ``reltype``; None when there is none."""
    from docx.oxml.parser import parse_xml

    try:
        related = part.part_related_by(reltype)
    except (KeyError, ValueError):
        return None
    element = getattr(related, "element", None)
    return element if element is not None else parse_xml(related.blob)


def _notes(root: Any, kind: str) -> dict[str, list[Any]]:
    if root is None:
        return {}
    return {str(note.get(_w("id"))): note.findall(f".//{_w('p')}") for note in root.findall(_w(kind))
            if _attr(note, "type") in (None, "normal")}


def _escape(text: str) -> str:
    """Text as itself inside body markup: a backslash before ``\\``, ``*`` and a footnote call's ``[^``."""
    return re.sub(r"([\\*]|\[(?=\^))", r"\\\1", text)


def _line(paragraph: _Paragraph, heading: bool) -> str:
    """The paragraph's text with ``**``/``*`` where the style changes, set against the words, not the spaces."""
    segments = [s for s in paragraph.segments if s.text]
    if heading:  # a heading is bold already
        segments = [_Segment(s.text, False, s.italic, s.note) for s in segments]
    # A run of spaces or a footnote call takes the style of the text before it (else after it): no marker is
    # set around spaces alone, and runs of one style are merged.
    styled = [s for s in segments if not s.note and s.text.strip()]
    previous: _Segment | None = None
    for segment in segments:
        if segment.note or not segment.text.strip():
            source = previous or (styled[0] if styled else None)
            segment.bold, segment.italic = (source.bold, source.italic) if source else (False, False)
        else:
            previous = segment
    # Escape text, not the calls: rebuild each merged piece from the original segments.
    pieces: list[tuple[str, bool, bool]] = []
    for segment in segments:
        text = segment.text if segment.note else _escape(segment.text)
        if pieces and pieces[-1][1:] == (segment.bold, segment.italic):
            pieces[-1] = (pieces[-1][0] + text, segment.bold, segment.italic)
        else:
            pieces.append((text, segment.bold, segment.italic))
    out: list[str] = []
    bold = italic = False
    for text, want_bold, want_italic in pieces:
        core = text.strip()
        lead, trail = text[:len(text) - len(text.lstrip())], text[len(text.rstrip()):]
        if not core:
            out.append(text)
            continue
        closing = (bold and not want_bold, italic and not want_italic)
        opening = (want_bold and not bold, want_italic and not italic)
        if any(closing) and out:  # close before the spaces that ended the previous piece
            spaces = len(out[-1]) - len(out[-1].rstrip())
            tail = out[-1][len(out[-1]) - spaces:] if spaces else ""
            out[-1] = out[-1][:len(out[-1]) - spaces] + _stars(*closing) + tail
        out.append(lead + _stars(*opening) + core + trail)
        bold, italic = want_bold, want_italic
    if (bold or italic) and out:
        spaces = len(out[-1]) - len(out[-1].rstrip())
        tail = out[-1][len(out[-1]) - spaces:] if spaces else ""
        out[-1] = out[-1][:len(out[-1]) - spaces] + _stars(bold, italic) + tail
    line = re.sub(r"[ \t\r\n]+", " ", "".join(out)).strip(" ")
    return unicodedata.normalize("NFC", line)


def _stars(bold: bool, italic: bool) -> str:
    return ("**" if bold else "") + ("*" if italic else "")


def _jinja_literal(line: str) -> str:
    """Jinja openers (``{{``, ``{%``, ``{#``) printed as themselves: the body is a Jinja template."""
    return _JINJA_OPEN.sub(lambda m: "{{ '{" + m.group(1) + "' }}", line)


# What a Word document from outside may expand to before it is unpacked (a zip bomb is refused unread): a letter with
# its pictures is a few MB; a part may compress at most this many times (text compresses some 10×, zeros 1000×).
MAX_DOCX_BYTES = 100 * 1024 * 1024
MAX_DOCX_PARTS = 5000
MAX_DOCX_RATIO = 200


def docx_out_of_bounds(path: Path) -> str | None:
    """Why the DOCX at ``path`` must not be unpacked (too many parts, too large once expanded, a part compressed
    past reason), None when it may be; a file that is not a zip is left to the reader to refuse."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as package:
            members = package.infolist()
    except (zipfile.BadZipFile, OSError):
        return None
    if len(members) > MAX_DOCX_PARTS:
        return _("the Word file holds {count} parts: more than a document does").format(count=len(members))
    total = sum(info.file_size for info in members)
    if total > MAX_DOCX_BYTES:
        return _("the Word file expands to {size} MB: more than {limit} MB, refused unread").format(
            size=total // 2**20, limit=MAX_DOCX_BYTES // 2**20)
    for info in members:
        if info.file_size > 2**20 and info.file_size > MAX_DOCX_RATIO * max(info.compress_size, 1):
            return _("a part of the Word file ({name}) expands {ratio} times: refused unread").format(
                name=info.filename, ratio=info.file_size // max(info.compress_size, 1))
    return None


def _open(path: Path, shown_name: str) -> Any:
    from zipfile import BadZipFile

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if not path.is_file():
        raise InvalidRecord(_("cannot read the body from the Word file"),
                            [Problem(shown_name, FIELD, _("file not found"), _("check the path"))])
    why = docx_out_of_bounds(path)
    if why is not None:
        raise InvalidRecord(_("cannot read the body from the Word file"), [Problem(shown_name, FIELD, why)])
    try:
        return docx.Document(str(path))
    except (PackageNotFoundError, BadZipFile, KeyError, ValueError, OSError, SyntaxError):
        raise InvalidRecord(_("cannot read the body from the Word file"), [Problem(
            shown_name, FIELD, _("not a Word .docx file"),
            _("open it in Word and save it as .docx (Word Document)"))]) from None


def _blocks(body: Any) -> Iterator[Any]:
    """The body's paragraphs and tables in order (content controls and tracked insertions opened)."""
    for child in body:
        if child.tag == _w("sdt"):
            content = child.find(_w("sdtContent"))
            if content is not None:
                yield from _blocks(content)
        elif child.tag in (_w("p"), _w("tbl")):
            yield child
        elif child.tag in (_w("ins"), _w("moveTo"), _w("customXml")):
            yield from _blocks(child)
        elif child.tag == f"{{{_NS['mc']}}}AlternateContent":
            yield child


def _simple_table(reader: _Reader, table: Any) -> list[str] | None:
    """A table without merged cells or tables inside as ``| a | b |`` lines (a ``|---|`` line under a header row:
    one Word repeats on each page, or whose every cell is bold); ``None`` for any other table."""
    if table.find(f".//{_w('tbl')}") is not None or table.find(f".//{_w('vMerge')}") is not None:
        return None
    if any(int(_attr(span, "val") or "1") > 1 for span in table.iter(_w("gridSpan"))):
        return None
    rows: list[list[str]] = []
    header = False
    for index, row in enumerate(table.findall(_w("tr"))):
        cells = []
        for cell in row.findall(_w("tc")):
            texts = []
            for p in cell.findall(_w("p")):
                texts.append(_line(reader.paragraph(p), heading=False))
            cells.append(" ".join(text for text in texts if text).replace("|", "\\|"))
        if index == 0:
            properties = row.find(_w("trPr"))
            header = (properties is not None and properties.find(_w("tblHeader")) is not None) or (
                bool(cells) and all(c.startswith("**") and c.endswith("**") and len(c) > 4 for c in cells))
            if header:
                cells = [c[2:-2] if c.startswith("**") and c.endswith("**") else c for c in cells]
        rows.append(cells)
    if not rows or len({len(r) for r in rows}) != 1:
        return None
    lines = ["| " + " | ".join(row) + " |" for row in rows]
    if header and len(lines) > 1:
        lines.insert(1, "|" + "---|" * len(rows[0]))
    return lines


def body_from_docx(path: Path, shown_name: str) -> str:
    """The body markup of a Word file: paragraphs, headings, lists, emphasis and footnotes carried; every part
    that cannot be carried (a table, an image …) a problem located ``file: paragraph n``, all raised at once."""
    document = _open(path, shown_name)
    reader = _Reader(document, shown_name)
    lines: list[str] = []
    tables = 0
    last_text = ""
    for number, block in enumerate(_blocks(document.element.body), start=1):
        reader.where = _("{file}: paragraph {n}").format(file=shown_name, n=number)
        if block.tag == _w("tbl"):
            tables += 1
            rows = _simple_table(reader, block)
            if rows is not None:
                lines.append("\n".join(_jinja_literal(row) for row in rows))
                continue
            if last_text:
                shown = last_text if len(last_text) <= 40 else "…" + last_text[-39:]
                reader.problem(_("table {n} (after '{text}'): merged cells or a table inside a table cannot be "
                                 "carried into the body; split them, or put the table in an annex (phu_luc)").format(
                    n=tables, text=shown))
            else:
                reader.problem(_("table {n} (at the start): merged cells or a table inside a table cannot be "
                                 "carried into the body; split them, or put the table in an annex (phu_luc)").format(
                    n=tables))
            continue
        if block.tag != _w("p"):
            reader.drawing(block)
            continue
        paragraph = reader.paragraph(block)
        plain = re.sub(r"[ \t\r\n]+", " ", paragraph.plain()).strip(" ")
        if not plain and not any(s.note for s in paragraph.segments):
            continue
        last_text = plain or last_text
        level = reader.heading_level(block)
        text = _line(paragraph, heading=level is not None)
        if level is not None:
            line = "#" * level + " " + text
        else:
            marker = reader.number_marker(block)
            if marker is not None:
                line = f"{marker} {text}"
            elif (_attr(reader.paragraph_property(block, _w("jc")), "val") or "") in ("center", "centre"):
                line = f"-> {text} <-"
            elif text.startswith("#") or _CENTRED.match(text):
                line = "\\" + text  # typed '#' or '-> <-': printed as typed, not read as markup
            else:
                line = text  # typed "1. ", "a) ", "- ", "+ ", "Điều 1." stay what the specialist typed
        control = control_problem(reader.where, FIELD, line)
        if control is not None:
            reader.problems.append(control)
        lines.append(_jinja_literal(line))
    if not lines and not reader.problems:
        reader.where = shown_name
        reader.problem(_("the Word file holds no text"))
    if reader.problems:
        raise InvalidRecord(_("cannot read the body from the Word file"), reader.problems)
    if reader.note_texts:
        lines.append("\n".join(_jinja_literal(f"[^{n}]: {text}") for n, text in enumerate(reader.note_texts, 1)))
    return "\n\n".join(lines) + "\n"
