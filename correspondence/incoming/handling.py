"""Turn the life of a received document after its số đến into register steps (ND 30 Art. 23–24): its assignment to a
unit of the agency (and a person) with a deadline — a new assignment kept beside the earlier ones —, its outcome, the
documents not done by their deadline, and the history ``incoming show`` prints."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from correspondence.errors import InvalidRecord, Problem, RegisterConflict
from correspondence.i18n import _
from correspondence.progress import notice
from correspondence.register.store import ASSIGNED, DONE, INCOMING, INCOMING_SECRET, VOIDED, Handling, Incoming, Register
from correspondence.registers import agency_of, open_register
from correspondence.validate import load_agency
from correspondence.vietnamese import hom_nay, ngay_so
from correspondence.workspace import agency_profile, find_root, shown


@dataclass(frozen=True)
class Life:
    """Where a received document stands: its latest assignment, its outcome, every step (oldest first)."""

    assigned: Handling | None
    done: Handling | None
    steps: tuple[Handling, ...]

    def overdue(self, day: dt.date) -> int:
        """How many days past its deadline the document is on ``day`` (0: not overdue, done or without deadline); the
        steps recorded after ``day`` are not known then."""
        known = [s for s in self.steps if s.ngay <= day.isoformat()]
        if any(s.action == DONE for s in known):
            return 0
        assigned = [s for s in known if s.action == ASSIGNED and s.han]
        if not assigned:
            return 0
        late = (day - dt.date.fromisoformat(str(assigned[-1].han))).days
        return max(late, 0)

    def as_dict(self) -> dict[str, Any]:
        return {"assigned": self.assigned.as_dict() if self.assigned else None,
                "done": self.done.as_dict() if self.done else None, "steps": [s.as_dict() for s in self.steps]}


def life_of(steps: list[Handling]) -> Life:
    assigned = [s for s in steps if s.action == ASSIGNED]
    done = [s for s in steps if s.action == DONE]
    return Life(assigned[-1] if assigned else None, done[-1] if done else None, tuple(steps))


def lives(register: Register, agency: str, rows: list[Incoming]) -> dict[int, Life]:
    """The life of each of ``rows`` (read in one query)."""
    by_row: dict[int, list[Handling]] = {row.id: [] for row in rows}
    for step in register.incoming_handling(agency, list(by_row) if len(by_row) < 500 else None):
        if step.den_id in by_row:
            by_row[step.den_id].append(step)
    return {row_id: life_of(steps) for row_id, steps in by_row.items()}


def _unit(root: Path, agency: str, don_vi: str) -> str:
    """The name of the agency's unit named by its key, abbreviation or name; a located error for any other."""
    path = agency_profile(root, agency)
    profile, problems = load_agency(path) if path.is_file() else (None, [])
    if problems:
        raise InvalidRecord(_("invalid agency profile: nothing was recorded"), problems)
    units = profile.don_vi if profile is not None else {}
    wanted = " ".join(don_vi.split()).casefold()
    for key, unit in units.items():
        if wanted in (key.casefold(), unit.viet_tat.casefold(), unit.ten.casefold()):
            return unit.ten
    known = ", ".join(f"{u.viet_tat} ({u.ten})" for u in units.values()) or "—"
    raise InvalidRecord(_("unknown unit: nothing was recorded"), [Problem(
        "--don-vi", "don_vi", _("'{unit}' is not a unit of {profile} (its units: {known})").format(
            unit=don_vi, profile=shown(path), known=known),
        _("name a unit of don_vi: in {profile}, or add it there").format(profile=shown(path)))])


def _row(register: Register, agency: str, number: int, nam: int | None, mat: bool) -> Incoming:
    year = nam or hom_nay().year
    found = register.incoming(agency, year, INCOMING_SECRET if mat else INCOMING, number)
    if not found:
        raise RegisterConflict(_("số đến {number} is not in the incoming register of {year}").format(
            number=number, year=year))
    return found[0]


def _deadline(han: str) -> dt.date:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(han.strip(), pattern).date()
        except ValueError:
            continue
    raise InvalidRecord(_("invalid deadline: nothing was recorded"), [Problem(
        "--han", "han", _("'{value}' is not a date dd/mm/yyyy").format(value=han))])


def assign(workspace: Path | None, number: int, don_vi: str, han: str, nguoi: str | None = None,
           nam: int | None = None, mat: bool = False, agency: str | None = None,
           register_url: str | None = None) -> tuple[Incoming, Handling]:
    """Assign a received document to a unit of the agency (and a person) with a deadline; a deadline already past is
    recorded with a warning (documents arrive late). Assigning again keeps the earlier assignment as history."""
    root = workspace if workspace is not None else find_root()
    deadline = _deadline(han)  # everything the clerk typed is checked before anything is read or written
    unit = _unit(root, agency_of(root, agency), don_vi)
    person = " ".join((nguoi or "").split()) or None
    today = hom_nay()
    register, agency = open_register(root, agency, register_url)
    with register:
        item = _row(register, agency, number, nam, mat)
        step = register.incoming_handle(item, ASSIGNED, today, {"don_vi": unit, "nguoi": person,
                                                                "han": deadline.isoformat()})
    if deadline < today:
        notice(_("the deadline {date} is already past (today is {today}): the assignment is recorded, the document is "
                 "overdue until it is done").format(date=ngay_so(deadline), today=ngay_so(today)))
    return item, step


def done(workspace: Path | None, number: int, ghi_chu: str | None = None, nam: int | None = None, mat: bool = False,
         agency: str | None = None, register_url: str | None = None) -> tuple[Incoming, Handling]:
    """Record the outcome of a received document (done today, with a note): it is no longer overdue."""
    register, agency = open_register(workspace if workspace is not None else find_root(), agency, register_url)
    with register:
        item = _row(register, agency, number, nam, mat)
        step = register.incoming_handle(item, DONE, hom_nay(), {"ghi_chu": " ".join((ghi_chu or "").split()) or None})
    return item, step


def history(workspace: Path | None, item: Incoming, register_url: str | None = None) -> Life:
    """The assignments and outcome of a received document."""
    register, _agency = open_register(workspace if workspace is not None else find_root(), item.agency, register_url)
    with register:
        return life_of(register.incoming_handling(item.agency, [item.id]))


def overdue(workspace: Path | None, ngay: dt.date | None = None, nam: int | None = None, mat: bool = False,
            agency: str | None = None, register_url: str | None = None) -> list[tuple[Incoming, Life, int]]:
    """The received documents not done and past their deadline on ``ngay`` (default today), with how many days late;
    every year unless ``nam``."""
    day = ngay or hom_nay()
    if day > hom_nay():
        raise RegisterConflict(_("the date {date} is after today").format(date=ngay_so(day)))
    register, agency = open_register(workspace if workspace is not None else find_root(), agency, register_url)
    with register:
        rows = [r for r in register.incoming(agency, nam, INCOMING_SECRET if mat else INCOMING) if r.status != VOIDED]
        found = lives(register, agency, rows)
    late = [(row, found[row.id], found[row.id].overdue(day)) for row in rows]
    return [item for item in late if item[2] > 0]
