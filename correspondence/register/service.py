"""Turn register commands (list, show, void, verify) into queries and checks over the workspace's registers."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from correspondence.errors import CorrespondenceError, ExitStatus, Problem
from correspondence.i18n import _
from correspondence.register.numbering import parse_so_ky_hieu
from correspondence.register.store import VOIDED, Entry, Register, RegisterConflict


class RegisterMismatch(CorrespondenceError):
    """``register verify`` found something wrong: a gap, a missing or altered file."""

    status = ExitStatus.ARCHIVE


def agencies(workspace: Path) -> list[str]:
    """The agencies of the workspace: a profile ``registers/<id>.yaml`` or a register ``registers/<id>.sqlite``."""
    folder = workspace / "registers"
    names = {p.stem for p in folder.glob("*.yaml") if p.stem != "config"} | {p.stem for p in folder.glob("*.sqlite")}
    return sorted(names)


def open_register(workspace: Path, agency: str | None, explicit: str | None = None) -> tuple[Register, str]:
    """The register of ``agency`` (the only agency of the workspace when None)."""
    from correspondence.issue import register_url

    if agency is None:
        found = agencies(workspace)
        if len(found) != 1:
            raise CorrespondenceError(_("say which agency with --co-quan (found: {found})").format(
                found=", ".join(found) or "—"))
        agency = found[0]
    return Register(register_url(workspace, agency, explicit)), agency


def find_entry(register: Register, agency: str, so_ky_hieu: str, year: int | None = None) -> Entry:
    try:
        parse_so_ky_hieu(so_ky_hieu)
    except ValueError:
        raise RegisterConflict(_("'{text}' is not a number and symbol such as 3018/UBND-XD6").format(
            text=so_ky_hieu)) from None
    found = register.find(agency, so_ky_hieu.strip(), year)
    if not found:
        raise RegisterConflict(_("{number} is not in the register of {agency}").format(number=so_ky_hieu, agency=agency))
    if len(found) > 1 and year is None and len({e.year for e in found}) > 1:
        raise RegisterConflict(_("{number} exists in several years ({years}): add --nam").format(
            number=so_ky_hieu, years=", ".join(str(e.year) for e in found)))
    if len(found) > 1:
        raise RegisterConflict(_("{number} exists in several series ({series}): add --so-rieng").format(
            number=so_ky_hieu, series=", ".join(e.series for e in found)))
    return found[0]


def void(workspace: Path, so_ky_hieu: str, reason: str, agency: str | None = None, year: int | None = None,
         register_url: str | None = None) -> Entry:
    """Void a number: it stays used; the reason goes into Ghi chú; the files stay, with a note beside them."""
    from correspondence.api import write_atomic

    if not reason.strip():
        raise RegisterConflict(_("give the reason with --reason"))
    register, agency = open_register(workspace, agency, register_url)
    with register:
        entry = find_entry(register, agency, so_ky_hieu, year)
        if entry.status == VOIDED:
            raise RegisterConflict(_("{number} is already void: {note}").format(number=entry.so_ky_hieu,
                                                                                note=entry.ghi_chu))
        voided = register.void(entry.id, reason.strip())
    notes = {}
    for item in voided.files:
        path = workspace / item["path"]
        notes[path.with_name(path.stem + ".DA-HUY.txt")] = (
            f"Số {voided.so_ky_hieu} ngày {voided.ngay}: ĐÃ HỦY, không phát hành.\nLý do: {reason.strip()}\n").encode()
    write_atomic(notes)
    return voided


@dataclass
class Report:
    """What ``register verify`` found."""

    checked: int = 0
    files: int = 0
    repaired: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def verify(workspace: Path, agency: str | None = None, register_url: str | None = None, repair: bool = True) -> Report:
    """No duplicate and no gap in any series, dates in order, every file present with its hash."""
    from correspondence.issue import recover

    report = Report()
    names = [agency] if agency else agencies(workspace)
    for name in names:
        register, name = open_register(workspace, name, register_url)
        with register:
            if repair:
                report.repaired += [e.so_ky_hieu for e in recover(register, workspace, name)]
            entries = register.entries(name)
            states = {(s.year, s.series): s for s in register.series_states(name)}
        report.checked += len(entries)
        by_series: dict[tuple[int, str], list[Entry]] = {}
        for entry in entries:
            by_series.setdefault((entry.year, entry.series), []).append(entry)
        for (year, series), rows in sorted(by_series.items()):
            where = f"{name}/{year}/{series}"
            numbers = [e.number for e in rows]
            duplicates = sorted({n for n in numbers if numbers.count(n) > 1})
            if duplicates:
                report.problems.append(Problem(where, "", _("numbers given twice: {numbers}").format(
                    numbers=", ".join(map(str, duplicates)))))
            missing = sorted(set(range(1, max(numbers) + 1)) - set(numbers))
            if missing:
                shown = ", ".join(str(n) for n in missing[:20]) + (" …" if len(missing) > 20 else "")
                report.problems.append(Problem(where, "", _("numbers missing from the register: {numbers}").format(
                    numbers=shown), _("void or import them so that every number is accounted for")))
            state = states.get((year, series))
            if state is None or state.last_number != max(numbers):
                report.problems.append(Problem(where, "", _("the series counter ({counter}) differs from the last "
                                                            "number ({last})").format(
                    counter=state.last_number if state else "—", last=max(numbers))))
            dates = [e.ngay for e in sorted(rows, key=lambda e: e.number)]
            for before, after, entry in zip(dates, dates[1:], sorted(rows, key=lambda e: e.number)[1:], strict=False):
                if after < before:
                    report.problems.append(Problem(f"{where}:{entry.number}", "ngay", _(
                        "dated {date}, before the previous number ({previous})").format(date=after, previous=before)))
        for entry in entries:
            if entry.pending:
                report.problems.append(Problem(f"{name}/{entry.year}/{entry.series}:{entry.number}", "",
                                               _("{number}: files not written yet").format(number=entry.so_ky_hieu),
                                               _("run register verify without --no-repair")))
            for item in entry.files:
                report.files += 1
                path = workspace / item["path"]
                source = f"{name}/{entry.year}/{entry.series}:{entry.number}"
                if not path.is_file():
                    report.problems.append(Problem(source, "", _("{number}: file missing: {path}").format(
                        number=entry.so_ky_hieu, path=item["path"])))
                elif hashlib.sha256(path.read_bytes()).hexdigest() != item["sha256"]:
                    report.problems.append(Problem(source, "", _("{number}: file changed since issue: {path}").format(
                        number=entry.so_ky_hieu, path=item["path"]), _("restore it from a backup")))
    return report


def list_entries(workspace: Path, agency: str | None = None, register_url: str | None = None, year: int | None = None,
                 kind: str | None = None, unit: str | None = None, text: str | None = None) -> list[Entry]:
    register, agency = open_register(workspace, agency, register_url)
    with register:
        return register.entries(agency, year=year, kind=kind, unit=unit, text=text)


def show(workspace: Path, so_ky_hieu: str, agency: str | None = None, year: int | None = None,
         register_url: str | None = None) -> Entry:
    register, agency = open_register(workspace, agency, register_url)
    with register:
        return find_entry(register, agency, so_ky_hieu, year)


def import_file(workspace: Path, path: Path, agency: str | None = None, series: str = "chung",
                register_url: str | None = None) -> int:
    """Bring in a year of an existing register; the next number continues from it. All or nothing."""
    import os

    from correspondence.register import importer

    rows = importer.read(path, series, os.path.relpath(path))
    register, agency = open_register(workspace, agency, register_url)
    with register:
        existing = {(e.year, e.series, e.number): e for e in register.entries(agency)}
        clashes = [r for r in rows if (r["year"], series, r["number"]) in existing]
        if clashes:
            raise RegisterConflict(_("these numbers are already in the register: {numbers}").format(
                numbers=", ".join(r["so_ky_hieu"] for r in clashes[:20])))
        return register.import_entries(agency, rows)


def _agency_names(workspace: Path, agency: str, entries: list[Entry]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The parent and agency name lines: from the profile, else from the profile stored with the last entry."""
    import json

    from correspondence.api import load_agency

    path = workspace / "registers" / f"{agency}.yaml"
    if path.is_file():
        profile, problems = load_agency(path)
        if profile is None:
            from correspondence.errors import InvalidRecord

            raise InvalidRecord(_("invalid agency profile"), problems)
        return tuple(profile.ten_co_quan_chu_quan), tuple(profile.ten_co_quan)
    stored = next((json.loads(e.agency_json)["profile"] for e in reversed(entries) if e.agency_json), None)
    if stored is None:
        return (), (agency,)
    return tuple(stored.get("ten_co_quan_chu_quan", ())), tuple(stored["ten_co_quan"])


def export(workspace: Path, year: int, fmt: str, agency: str | None = None, series: str = "chung",
           out: Path | None = None, register_url: str | None = None) -> Path:
    """Write the printable register of ``year`` (one series) as PDF, DOCX, XLSX or CSV."""
    from correspondence.api import write_atomic
    from correspondence.register import book as books
    from correspondence.templating import template_dirs

    register, agency = open_register(workspace, agency, register_url)
    with register:
        entries = register.entries(agency, year=year, series=series)
    if not entries:
        raise RegisterConflict(_("the register of {agency} has no number in {year} (series {series})").format(
            agency=agency, year=year, series=series))
    names = _agency_names(workspace, agency, entries)
    book = books.build(entries, names[0], names[1], year, series)
    data = books.to_pdf(book, template_dirs(workspace)) if fmt == "pdf" else books.WRITERS[fmt](book)
    suffix = "" if series == "chung" else f"-{series}"
    target = out or workspace / "output" / agency / f"so-dang-ky-van-ban-di-{year}{suffix}.{fmt}"
    write_atomic({target: data})
    return target
