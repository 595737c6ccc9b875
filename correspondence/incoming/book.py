"""Turn the sổ đăng ký văn bản đến into answers and a printed book: one số đến shown, a year listed, a number voided
(it stays used), the book of a year printed (PL IV: its cover and ten columns, with the unit each document was
assigned to, its deadline and outcome) as PDF, DOCX, XLSX or CSV."""

from __future__ import annotations

from pathlib import Path

from correspondence import storage
from correspondence.errors import RegisterConflict
from correspondence.i18n import _
from correspondence.register import book as book_model
from correspondence.register.store import INCOMING, INCOMING_SECRET, VOIDED, Handling, Incoming
from correspondence.registers import agency_names, open_register
from correspondence.render import book as books
from correspondence.vietnamese import hom_nay
from correspondence.workspace import find_root, output_root, template_dirs


def find(workspace: Path | None, number: int, nam: int | None = None, mat: bool = False, agency: str | None = None,
         register_url: str | None = None) -> Incoming:
    register, agency = open_register(workspace if workspace is not None else find_root(), agency, register_url)
    with register:
        found = register.incoming(agency, nam or hom_nay().year, INCOMING_SECRET if mat else INCOMING, number)
        if found:
            register.record_access(agency, f"incoming show {number} ({found[0].year}{', mật' if mat else ''})")
    if not found:
        raise RegisterConflict(_("số đến {number} is not in the incoming register of {year}").format(
            number=number, year=nam or hom_nay().year))
    return found[0]


def list_all(workspace: Path | None, nam: int | None = None, mat: bool = False, agency: str | None = None,
             register_url: str | None = None) -> list[Incoming]:
    register, agency = open_register(workspace if workspace is not None else find_root(), agency, register_url)
    with register:
        return register.incoming(agency, nam, INCOMING_SECRET if mat else INCOMING)


def void(workspace: Path | None, number: int, reason: str, nam: int | None = None, mat: bool = False,
         agency: str | None = None, register_url: str | None = None) -> Incoming:
    if not reason.strip():
        raise RegisterConflict(_("give the reason with --reason"))
    item = find(workspace, number, nam, mat, agency, register_url)
    if item.status == VOIDED:
        raise RegisterConflict(_("số đến {number} is already void: {note}").format(number=number, note=item.ghi_chu))
    register, _agency = open_register(workspace if workspace is not None else find_root(), agency, register_url)
    with register:
        return register.incoming_void(item, reason.strip())


def export(workspace: Path | None, nam: int, fmt: str = "pdf", mat: bool = False, out: Path | None = None,
           agency: str | None = None, register_url: str | None = None) -> Path:
    """The printable sổ đăng ký văn bản đến of a year (PDF, DOCX, XLSX or CSV): its cover and the ten columns."""
    root = workspace if workspace is not None else find_root()
    storage.refuse_archived(out, root)
    series = INCOMING_SECRET if mat else INCOMING
    register, agency = open_register(root, agency, register_url)
    with register:
        rows = register.incoming(agency, nam, series)
        handling: dict[int, list[Handling]] = {}
        for step in register.incoming_handling(agency, [row.id for row in rows] if len(rows) < 500 else None):
            handling.setdefault(step.den_id, []).append(step)
        register.record_access(agency, f"incoming export {nam} {series} {fmt}")
    if not rows:
        raise RegisterConflict(_("the incoming register of {agency} has no số đến in {year}").format(
            agency=agency, year=nam))
    names = agency_names(root, agency, [])
    book = book_model.build_incoming(rows, names[0], names[1], nam, series, handling=handling)
    data = books.to_pdf(book, template_dirs(root), root) if fmt == "pdf" else books.WRITERS[fmt](book)
    target = out or output_root(root) / agency / f"so-dang-ky-van-ban-den{'-mat' if mat else ''}-{nam}.{fmt}"
    storage.write_atomic({target: data})
    return target
