"""Turn a Số, ký hiệu typed by a clerk into the one register row it names, or a message saying why not."""

from __future__ import annotations

from correspondence.errors import RegisterConflict
from correspondence.i18n import _
from correspondence.numbers import parse_so_ky_hieu
from correspondence.register.store import Entry, Register


def find_entry(register: Register, agency: str, so_ky_hieu: str, year: int | None = None,
               series: str | None = None) -> Entry:
    """The row of ``so_ky_hieu`` (in ``year``, in ``series`` when given); refused when unknown or ambiguous."""
    try:
        parse_so_ky_hieu(so_ky_hieu)
    except ValueError:
        raise RegisterConflict(_("'{text}' is not a number and symbol such as 3018/UBND-XD6").format(
            text=so_ky_hieu)) from None
    found = register.find(agency, so_ky_hieu.strip(), year, series)
    if not found:
        raise RegisterConflict(_("{number} is not in the register of {agency}").format(number=so_ky_hieu, agency=agency))
    if len(found) > 1 and year is None and len({e.year for e in found}) > 1:
        raise RegisterConflict(_("{number} exists in several years ({years}): add --nam").format(
            number=so_ky_hieu, years=", ".join(str(e.year) for e in found)))
    if len(found) > 1:
        raise RegisterConflict(_("{number} exists in several series ({series}): add --so-rieng").format(
            number=so_ky_hieu, series=", ".join(e.series for e in found)))
    return found[0]
