"""Turn the register commands (init, close a year, list, show, void, import, export, the access log, verify) into
queries, checks and files over the workspace's registers.

``verify`` checks the whole register - the số đến sequences and kept files of the incoming book too, read from the
register, not through ``incoming`` - and completes documents left pending by a crash."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from correspondence import registers, storage
from correspondence.errors import Problem, RegisterConflict, UsageError
from correspondence.i18n import _
from correspondence.outgoing.transaction import FIRST_YEAR, recover, void_notes
from correspondence.register import book as book_model
from correspondence.register import importer
from correspondence.register.numbering import BAN_SAO, CHUNG, MAT
from correspondence.register.queries import find_entry
from correspondence.register.store import FAILED, READ, VOIDED, Entry, Incoming, Register
from correspondence.registers import names_of, open_register, profile_data
from correspondence.render import book as books
from correspondence.vietnamese import hom_nay, ngay_so
from correspondence.workspace import (
    agencies,
    find_root,
    issued_files,
    no_office,
    register_book,
    shown,
    template_dirs,
)


def close_year(workspace: Path, year: int, agency: str | None = None, register_url: str | None = None) -> None:
    """Lock a year of the register: nothing can be issued into it any more."""
    if year < FIRST_YEAR or year > hom_nay().year:
        raise RegisterConflict(_("the year {year} cannot be right").format(year=year))
    register, agency = open_register(workspace, agency, register_url)
    with register:
        register.close_year(agency, year)


def void(workspace: Path, so_ky_hieu: str, reason: str, agency: str | None = None, year: int | None = None,
         register_url: str | None = None, series: str | None = None) -> Entry:
    """Void a number: it stays used; the reason goes into Ghi chú; the files stay, with a note beside them."""
    if not reason.strip():
        raise RegisterConflict(_("give the reason with --reason"))
    register, agency = open_register(workspace, agency, register_url)
    with register:
        entry = find_entry(register, agency, so_ky_hieu, year, series)
        if entry.status == VOIDED:
            raise RegisterConflict(_("{number} is already void: {note}").format(number=entry.so_ky_hieu,
                                                                                note=entry.ghi_chu))
        voided = register.void(entry.id, reason.strip())
    void_notes(voided, reason.strip(), workspace)
    return voided


@dataclass
class Report:
    """What ``register verify`` found."""

    checked: int = 0
    files: int = 0
    repaired: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    in_progress: list[str] = field(default_factory=list)  # pending rows another live process is completing
    closed: list[str] = field(default_factory=list)  # "agency year" of each closed year


def _series_problems(name: str, entries: list[Entry], states: dict[tuple[int, str], object]) -> list[Problem]:
    """No duplicate and no gap in any series, the counter at the last number, dates in order."""
    problems = []
    by_series: dict[tuple[int, str], list[Entry]] = {}
    for entry in entries:
        by_series.setdefault((entry.year, entry.series), []).append(entry)
    for (year, series), rows in sorted(by_series.items()):
        where = f"{name}/{year}/{series}"
        numbers = [e.number for e in rows]
        duplicates = sorted(n for n, times in Counter(numbers).items() if times > 1)
        if duplicates:
            problems.append(Problem(where, "", _("numbers given twice: {numbers}").format(
                numbers=", ".join(map(str, duplicates)))))
        missing = sorted(set(range(1, max(numbers) + 1)) - set(numbers))
        if missing:
            shown_numbers = ", ".join(str(n) for n in missing[:20]) + (" …" if len(missing) > 20 else "")
            problems.append(Problem(where, "", _("numbers missing from the register: {numbers}").format(
                numbers=shown_numbers), _("void or import them so that every number is accounted for")))
        state = states.get((year, series))
        last_number = getattr(state, "last_number", None)
        if last_number != max(numbers):
            problems.append(Problem(where, "", _("the series counter ({counter}) differs from the last "
                                                 "number ({last})").format(
                counter=last_number if state is not None else "—", last=max(numbers))))
        ordered = sorted((e for e in rows if e.status != VOIDED), key=lambda e: e.number)
        dates = [e.ngay for e in ordered]
        for before, after, entry in zip(dates, dates[1:], ordered[1:], strict=False):
            if after < before:
                problems.append(Problem(f"{where}:{entry.number}", "ngay", _(
                    "dated {date}, before the previous number ({previous})").format(date=after, previous=before)))
    return problems


def verify(workspace: Path, agency: str | None = None, register_url: str | None = None, repair: bool = True) -> Report:
    """No duplicate and no gap in any series, dates in order, the chain of events unbroken (no row or event
    changed, added or removed outside the tool), every file present with its hash, no issued file unclaimed."""
    report = Report()
    names = [agency] if agency else agencies(workspace)
    if not names:
        raise no_office(workspace)
    for name in names:
        register, name = open_register(workspace, name, register_url)
        with register:
            if repair:
                report.repaired += [e.so_ky_hieu for e in recover(register, workspace, name)]
            entries = register.entries(name, stored=False)  # of each row, what is checked: not its record
            states = {(s.year, s.series): s for s in register.series_states(name)}
            report.problems += register.audit(name)
            report.closed += [f"{name} {year}" for year in sorted(register.closed_years(name))]
            live = {e.id for e in entries if e.pending and not register.lease_released(e.lease, e.issued_at)}
            forged = {e.id for e in entries if e.pending and e.id not in live and not register.vouched(e.id)}
            report.problems += [Problem(f"{name}/{old.year}/{old.series}:{old.number}", "", _(
                "{old}: replaced by {new}, but not yet voided").format(old=old.so_ky_hieu, new=new.so_ky_hieu), _(
                "run register verify without --no-repair")) for new, old in register.unfinished_replacements(name)]
            received = register.incoming(name)
        report.problems += _incoming_problems(name, received, states)
        for row in received:
            for kept in row.files:
                report.files += 1
                if storage.check(kept, workspace) is not None:
                    report.problems.append(Problem(f"{name}/{row.year}/{row.series}:{row.number}", "", _(
                        "số đến {number}: file missing or changed: {path}").format(number=row.number, path=kept["path"]),
                        _("restore it from a backup")))
        report.checked += len(entries)
        report.problems += _series_problems(name, entries, states)
        claimed = set()
        for entry in entries:
            source = f"{name}/{entry.year}/{entry.series}:{entry.number}"
            claimed |= {item["path"] for item in entry.files}
            if entry.status == FAILED:
                report.problems.append(Problem(source, "", _("{number}: its files could not be made: {reason}").format(
                    number=entry.so_ky_hieu, reason=entry.failure), _(
                    "void it with 'correspondence register void {number} --ly-do …' and issue the document again").format(
                    number=entry.so_ky_hieu)))
            elif entry.pending and entry.id in live:
                report.in_progress.append(entry.so_ky_hieu)
            elif entry.pending and entry.id not in forged:  # a forged row: the chain's audit reports it
                report.problems.append(Problem(source, "", _("{number}: files not written yet").format(
                    number=entry.so_ky_hieu), _("run register verify without --no-repair")))
            for item in entry.files:
                report.files += 1
                found = storage.check(item, workspace)
                if found == "missing":
                    report.problems.append(Problem(source, "", _("{number}: file missing: {path}").format(
                        number=entry.so_ky_hieu, path=item["path"])))
                elif found == "changed":
                    report.problems.append(Problem(source, "", _("{number}: file changed since issue: {path}").format(
                        number=entry.so_ky_hieu, path=item["path"]), _("restore it from a backup")))
        for path in issued_files(workspace, name):
            relative = str(path.relative_to(workspace))
            if relative not in claimed and not path.name.endswith(".DA-HUY.txt"):
                report.problems.append(Problem(relative, "", _("no row of the register claims this file"), _(
                    "it was not issued through the register: move it out of output/")))
    return report


def _incoming_problems(name: str, rows: list[Incoming], states: dict[tuple[int, str], object]) -> list[Problem]:
    """The số đến of each year and sequence: 1, 2, 3 … without a duplicate or a gap, the counter at the last."""
    problems = []
    by_series: dict[tuple[int, str], list[int]] = {}
    for row in rows:
        by_series.setdefault((row.year, row.series), []).append(row.number)
    for (year, series), numbers in sorted(by_series.items()):
        if sorted(numbers) != list(range(1, len(numbers) + 1)):
            problems.append(Problem(f"{name}/{year}/{series}", "", _(
                "the số đến are not 1 to {count} without a duplicate or a gap").format(count=len(numbers))))
        last = getattr(states.get((year, series)), "last_number", None)
        if last != max(numbers):
            problems.append(Problem(f"{name}/{year}/{series}", "", _(
                "the series counter ({counter}) differs from the last number ({last})").format(
                counter=last if last is not None else "—", last=max(numbers))))
    return problems


Period = tuple[dt.date, dt.date]


def within(entries: list[Entry], period: Period | None) -> list[Entry]:
    """The entries dated from the first to the last day of ``period`` (all of them without one)."""
    if period is None:
        return entries
    first, last = (day.isoformat() for day in period)
    return [e for e in entries if first <= e.ngay[:10] <= last]


def log(workspace: Path | None, agency: str | None = None, register_url: str | None = None,
        everything: bool = False) -> list[Any]:
    """The access log (every read through the tool), or every event of the chain."""
    register, agency = open_register(workspace or find_root(), agency, register_url)
    with register:
        return register.events(agency, None if everything else (READ,))


def init(workspace: Path | None = None, agency: str | None = None, explicit: str | None = None) -> str:
    """Create the register of an agency (``register init``); refused when one is already there. Where it is."""
    return registers.init(workspace, agency, explicit)


def list_entries(workspace: Path, agency: str | None = None, register_url: str | None = None, year: int | None = None,
                 kind: str | None = None, unit: str | None = None, text: str | None = None,
                 period: Period | None = None) -> list[Entry]:
    register, agency = open_register(workspace, agency, register_url)
    with register:
        return within(register.entries(agency, year=year, kind=kind, unit=unit, text=text), period)


def page_entries(workspace: Path, agency: str | None, register_url: str | None, offset: int, limit: int,
                 year: int | None = None, kind: str | None = None, unit: str | None = None, text: str | None = None,
                 period: Period | None = None) -> tuple[list[Entry], int]:
    """A page of the rows ``list_entries`` gives (the latest first), and how many there are in all."""
    register, agency = open_register(workspace, agency, register_url)
    days = (period[0].isoformat(), period[1].isoformat()) if period is not None else None
    with register:
        return register.entries_page(agency, offset, limit, year, kind, unit, text, days)


def show(workspace: Path, so_ky_hieu: str, agency: str | None = None, year: int | None = None,
         register_url: str | None = None, series: str | None = None) -> Entry:
    register, agency = open_register(workspace, agency, register_url)
    with register:
        entry = find_entry(register, agency, so_ky_hieu, year, series)
        register.record_access(agency, f"register show {entry.so_ky_hieu} ({entry.year})")
        return entry


def show_id(workspace: Path, entry_id: int, agency: str | None = None, register_url: str | None = None) -> Entry:
    """The row ``entry_id`` of the agency's register (the access recorded); refused as unknown when it is not one of
    the agency's rows (another agency's row is not said to exist)."""
    register, agency = open_register(workspace, agency, register_url)
    with register:
        entry = register.get_in(agency, entry_id)
        if entry is None:
            raise RegisterConflict(_("row {id} is not in the register of {agency}").format(id=entry_id, agency=agency))
        register.record_access(agency, f"register show {entry.so_ky_hieu} ({entry.year})")
        return entry


def entry_events(workspace: Path, entry: Entry, register_url: str | None = None) -> list[Any]:
    """The events of a row: who did what to it, and when (numbered, completed, signed, voided …), oldest first."""
    register, agency = open_register(workspace, entry.agency, register_url)
    with register:
        return register.entry_events(agency, entry.id)


def _refuse_unknown_series(workspace: Path, register: Register, agency: str, series: str) -> None:
    """A series the agency has: the shared one, the secret one, the copies', one its profile declares or one its
    register already holds; a mistyped ``--so-rieng`` is said as such, with the series there are."""
    profile = profile_data(workspace, agency, [])
    known = [CHUNG, MAT, BAN_SAO, *((profile or {}).get("so_rieng") or {})]
    known += sorted({row.series for row in register.series_states(agency)} - set(known))
    if series not in known:
        raise UsageError(_("{agency} has no series '{series}': the series are {names} (--so-rieng chooses one)")
                         .format(agency=agency, series=series, names=", ".join(known)))


def import_file(workspace: Path, path: Path, agency: str | None = None, series: str = "chung",
                register_url: str | None = None, sheet: str | None = None) -> int:
    """Bring in a year of an existing register; the next number continues from it. All or nothing."""
    register, agency = open_register(workspace, agency, register_url)
    with register:
        _refuse_unknown_series(workspace, register, agency, series)
    rows = importer.read(path, series, shown(path), sheet)
    with register:
        existing = {(e.year, e.series, e.number): e for e in register.entries(agency)}
        clashes = [r for r in rows if (r["year"], series, r["number"]) in existing]
        if clashes:
            raise RegisterConflict(_("these numbers are already in the register: {numbers}").format(
                numbers=", ".join(r["so_ky_hieu"] for r in clashes[:20])))
        return register.import_entries(agency, rows)


def _series_title(profile: dict[str, Any] | None, series: str) -> str | None:
    """The cover title the profile gives a series of its own (``so_rieng.<series>.ten_so``), if any."""
    title = ((profile or {}).get("so_rieng") or {}).get(series, {}).get("ten_so")
    return None if title is None else str(title)


def export(workspace: Path, year: int, fmt: str, agency: str | None = None, series: str = "chung",
           out: Path | None = None, register_url: str | None = None, period: Period | None = None) -> Path:
    """Write the printable register of ``year`` (one series), or of a period of it, as PDF, DOCX, XLSX or CSV."""
    storage.refuse_archived(out, workspace)
    register, agency = open_register(workspace, agency, register_url)
    with register:
        _refuse_unknown_series(workspace, register, agency, series)
        entries = within(register.entries(agency, year=year, series=series), period)
        closed = register.closed_years(agency).get(year)
        register.record_access(agency, f"register export {year} {series} {fmt}")
    if not entries and period is not None:
        raise RegisterConflict(_("no document from {first} to {last} in the register of {agency} (series {series})")
                               .format(first=ngay_so(period[0]), last=ngay_so(period[1]), agency=agency, series=series))
    if not entries:
        raise RegisterConflict(_("the register of {agency} has no number in {year} (series {series})").format(
            agency=agency, year=year, series=series))
    profile = profile_data(workspace, agency, entries)
    names = names_of(profile, agency)
    book = book_model.build(entries, names[0], names[1], year, series, closed=closed,
                            title=_series_title(profile, series))
    data = books.to_pdf(book, template_dirs(workspace), workspace) if fmt == "pdf" else books.WRITERS[fmt](book)
    part = "" if period is None else f"-{period[0].strftime('%Y%m%d')}-{period[1].strftime('%Y%m%d')}"
    target = out or register_book(workspace, agency, year, series, fmt, part)
    storage.write_atomic({target: data})
    return target
