"""Turn a received document into a row of the sổ đăng ký văn bản đến (ND 30 Art. 20–22, PL IV): the next số đến of
the year in order of receipt (secret documents in their own sequence), the file kept with its SHA-256 under
``output/<agency>/den/<year>/``, a copy stamped with the ĐẾN mark on a blank space of page 1 when asked, the clerk told
where it went (list, show, void and print: ``incoming.book``).

The file is kept and its stamped copy made before the number is taken (the file named by its hash, written once), so
a failure takes no số đến; the same file received twice is refused, naming the earlier số đến. Received ``.edxml``
envelopes (QCVN 102:2016) fill the fields they hold (element names read by their local names; UNVERIFIED against the
standard's schema)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path
from typing import Any

from correspondence import model as m
from correspondence import storage
from correspondence.errors import Backdated, CorrespondenceError, InvalidRecord, Problem, RegisterConflict
from correspondence.i18n import _
from correspondence.progress import notice
from correspondence.records.xml import MAX_ENVELOPE, parse_untrusted, too_large
from correspondence.register.store import INCOMING, INCOMING_SECRET, Incoming
from correspondence.register.words import TEXT_LIMIT
from correspondence.registers import agency_names, open_register
from correspondence.render.engine import check_pdf_engine
from correspondence.render.mark import stamp_den
from correspondence.render.placing import Place
from correspondence.vietnamese import hom_nay, khong_dau, ngay_so
from correspondence.workspace import find_root, output_root, shown

SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def kept_name(name: str) -> str:
    """A received file's name as kept: Vietnamese folded to ASCII (``tỉnh Quảng Ninh`` → ``tinh-Quang-Ninh``), every
    other run of characters a file name should not hold a dash, short enough for any file system."""
    path = Path(khong_dau(name))
    stem = SAFE.sub("-", path.stem).strip("-")[:120] or "tep"
    suffix = SAFE.sub("-", path.suffix)[:20] if path.suffix else ""
    return stem + suffix


def _edxml(file: Path) -> dict[str, str]:
    """The fields a QCVN 102 envelope holds, by the local names of its elements (read as untrusted: an envelope
    declaring entities, too large — never read whole then — or not well-formed is refused, located)."""
    if file.stat().st_size > MAX_ENVELOPE:
        raise too_large(shown(file), MAX_ENVELOPE)
    root = parse_untrusted(file.read_bytes(), shown(file), MAX_ENVELOPE)
    found: dict[str, str] = {}
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = element.tag.rsplit("}", 1)[-1]
        text = (element.text or "").strip()
        if text and name not in found:
            found[name] = text
    out = {}
    if "OrganName" in found:
        out["tac_gia"] = found["OrganName"]
    if "CodeNumber" in found:
        out["so_ky_hieu"] = found["CodeNumber"] + (f"/{found['CodeNotation']}" if "CodeNotation" in found else "")
    if "PromulgationDate" in found:
        out["ngay_van_ban"] = found["PromulgationDate"][:10]
    if "Subject" in found:
        out["trich_yeu"] = found["Subject"]
    return out


def _text_of(file: Path) -> list[str]:
    """The lines of text a received file holds, for search: a PDF's text layer (no OCR), a text file; else none.
    Only the first ``TEXT_LIMIT`` characters (about 300 pages) are read: the rest of a large file is kept, not
    searched."""
    suffix = file.suffix.lower()
    lines: list[str] = []
    if suffix == ".pdf":
        import pypdfium2

        try:
            document = pypdfium2.PdfDocument(file)
        except pypdfium2.PdfiumError:
            return []
        try:
            size = 0
            for page in document:
                text = page.get_textpage().get_text_range()
                lines += [" ".join(line.split()) for line in text.splitlines() if line.strip()]
                size += len(text)
                if size > TEXT_LIMIT:
                    break
        finally:
            document.close()
    elif suffix in (".txt", ".edxml", ".xml"):
        with file.open(encoding="utf-8", errors="replace") as reading:
            head = reading.read(TEXT_LIMIT)
        lines = [" ".join(line.split()) for line in head.splitlines() if line.strip()]
    return lines


def _sha256(file: Path) -> str:
    with file.open("rb") as reading:
        return hashlib.file_digest(reading, "sha256").hexdigest()


def _date(text: str | None, option: str, problems: list[Problem]) -> str | None:
    if not text:
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text.strip(), pattern).date().isoformat()
        except ValueError:
            continue
    problems.append(Problem(option, option, _("'{value}' is not a date dd/mm/yyyy").format(value=text)))
    return None


def receive(workspace: Path | None, file: Path, tu: str | None = None, so_ky_hieu: str | None = None,
            ngay_van_ban: str | None = None, trich_yeu: str | None = None, mat: bool = False, khan: bool = False,
            ngay_den: dt.date | None = None, don_vi_nhan: str | None = None, dau: bool = False,
            agency: str | None = None, register_url: str | None = None,
            nhan_lai: bool = False) -> tuple[Incoming, list[Path]]:
    """Register a received document; its row and the files kept (the file, and its stamped copy).

    The same file (by its SHA-256) already received under a số đến not void is refused unless ``nhan_lai``. With
    ``dau`` the stamped copy is made before the number is taken (with the number the register will most likely
    give, made again in the rare case another clerk took it meanwhile); a PDF that cannot be stamped (protected by a
    password, damaged) is received without the copy, and the clerk is told why."""
    root = workspace if workspace is not None else find_root()
    if not file.is_file():
        raise InvalidRecord(_("invalid incoming document: nothing was registered"), [Problem(
            shown(file), "FILE", _("file not found"), _("check the path"))])
    found = _edxml(file) if file.suffix.lower() == ".edxml" else {}
    problems: list[Problem] = []
    values: dict[str, Any] = {
        "tac_gia": (tu or found.get("tac_gia") or "").strip(),
        "so_ky_hieu": (so_ky_hieu or found.get("so_ky_hieu") or "").strip() or None,
        "ngay_van_ban": _date(ngay_van_ban or found.get("ngay_van_ban"), "--ngay-van-ban", problems),
        "trich_yeu": " ".join((trich_yeu or found.get("trich_yeu") or "").split()),
        "don_vi_nhan": don_vi_nhan, "ghi_chu": None, "do_mat": "mat" if mat else None,
        "do_khan": "khan" if khan else None}
    if not values["tac_gia"]:
        problems.append(Problem("--tu", "tac_gia", _("who sent it is required (e.g. --tu \"Sở Tài chính\")")))
    if not values["trich_yeu"]:
        problems.append(Problem("--trich-yeu", "trich_yeu", _("the subject is required")))
    day = ngay_den or hom_nay()
    if day > hom_nay():
        problems.append(Problem("--ngay-den", "ngay_den", _("the date {date} is after today").format(date=ngay_so(day))))
    if problems:
        raise InvalidRecord(_("invalid incoming document: nothing was registered"), problems)
    if dau:
        check_pdf_engine(root)  # the mark is laid out by Typst: a workspace naming another engine is told before
    digest = _sha256(file)  # read a piece at a time: a received file may be far larger than memory should hold
    register, agency = open_register(root, agency, register_url)
    series = INCOMING_SECRET if mat else INCOMING
    with register:  # the order of receipt, checked before the file is kept (the transaction checks it again)
        state = next((st for st in register.series_states(agency) if st.year == day.year and st.series == series), None)
        earlier = [] if nhan_lai else register.incoming_with_file(agency, digest)
    if earlier:
        first = earlier[0]
        raise RegisterConflict(_("this file was already received: số đến {number}{secret} dated {date} ({sender}); "
                                 "nothing was registered (if it really arrived again, add --nhan-lai)").format(
            number=first.number, secret=_(" (secret)") if first.series == INCOMING_SECRET else "",
            date=ngay_so(first.ngay_den), sender=first.tac_gia))
    if state is not None and state.last_date and day.isoformat() < state.last_date:
        raise _backdated(day, state.last_date, state.last_number)
    folder = output_root(root) / agency / "den" / str(day.year)
    kept = folder / f"{digest[:12]}-{kept_name(file.name)}"
    expected = (state.last_number if state is not None else 0) + 1
    stamp: tuple[int, tuple[bytes, Place]] | None = None
    if dau and file.suffix.lower() == ".pdf":
        try:  # everything that can fail is tried before the số đến is taken
            stamp = (expected, _stamped(root, agency, file.read_bytes(), expected, day, don_vi_nhan))
        except CorrespondenceError as error:
            notice(_("the PDF is received without the stamped ĐẾN copy: {reason}").format(reason=error.message))
    if not kept.exists():
        storage.copy_atomic(file, kept, digest)
    values["files_json"] = json.dumps([{"path": kept.relative_to(root).as_posix(), "sha256": digest}])
    values["toan_van"] = "\n".join(line for line in (values["tac_gia"], values["so_ky_hieu"] or "", values["trich_yeu"],
                                                     *_text_of(kept)) if line)
    with register:
        try:
            row = register.receive(agency, day, values, secret=mat)
        except Backdated as error:
            raise _backdated(day, error.last_date, error.last_number) from None
    written = [kept]
    if stamp is not None:
        stamped = kept.with_name(f"{kept.stem}.den-{row.number}.pdf")
        try:
            data_stamped, place = stamp[1] if stamp[0] == row.number else _stamped(
                root, agency, kept.read_bytes(), row.number, dt.date.fromisoformat(row.ngay_den), don_vi_nhan)
            storage.write_atomic({stamped: data_stamped}, into_archive=True)
            written.append(stamped)
            notice(_("ĐẾN mark: {place}").format(place=place.said()))
            if place.kind == "de":
                notice(_("page 1 has no blank space the ĐẾN mark fits in: it is drawn where it covers the least of the "
                         "page; check that the stamped copy can be read"))
        except Exception as error:  # the số đến is taken and the file kept: the copy is a convenience, never a failure
            reason = error.message if isinstance(error, CorrespondenceError) else f"{type(error).__name__}: {error}"
            notice(_("số đến {number} registered, but the stamped copy could not be made: {reason}").format(
                number=row.number, reason=reason))
    return row, written


def _stamped(root: Path, agency: str, data: bytes, number: int, day: dt.date,
             don_vi_nhan: str | None) -> tuple[bytes, Place]:
    """The received PDF with the ĐẾN mark of ``number`` on a blank space of its first page, and where it went."""
    names = agency_names(root, agency, [])
    mark = m.DauDen(" ".join(names[1]).upper(), str(number), ngay_so(day), don_vi_nhan or "")
    return stamp_den(data, mark, root)


def _backdated(day: dt.date, last: str, number: int) -> RegisterConflict:
    return RegisterConflict(_("{date} is before the last document received ({last}, số đến {number}): số đến follow "
                              "the order of receipt").format(date=ngay_so(day), last=ngay_so(last), number=number))
