"""Turn the options several commands share (--lang, --out, --format, --co-quan, --nam, a period …) into click
decorators, and the dates the clerk types into dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from correspondence.cli.printing import echo
from correspondence.click_messages import localize_types
from correspondence.errors import UsageError
from correspondence.i18n import _, set_language, translate_click


def parse_date(value: str | None, option: str = "--ngay") -> dt.date | None:
    """A date the clerk typed (dd/mm/yyyy) for ``option``; a usage error naming the option when it is not one."""
    if value is None:
        return None
    from correspondence.vietnamese import doc_ngay

    try:
        return doc_ngay(value)
    except ValueError:
        raise UsageError(_("{option}: expected a date dd/mm/yyyy, got '{value}'").format(
            option=option, value=value)) from None


def _lang(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value:
        translate_click(set_language(value))
        localize_types()
    return value


lang_option = click.option("--lang", type=click.Choice(["vi", "en"]), callback=_lang, expose_value=False,
                           is_eager=True, help=_("Language of messages (default: Vietnamese, or the locale)."))
out_option = click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), default=None,
                          help=_("Output folder (default: output/ in the workspace)."))
format_option = click.option("-f", "--format", "formats", type=click.Choice(["docx", "pdf"]), multiple=True,
                             help=_("Only this format (repeat for several; default: DOCX and PDF)."))
lai_option = click.option("--lai", is_flag=True,
                          help=_("Issue again a record whose very content was already issued this year (a new number)."))
sheet_option = click.option("--sheet", default=None,
                            help=_("The sheet of an Excel workbook to read (default: the first visible one)."))
series_option = click.option("--so-rieng", "series", default=None,
                             help=_("Series, when the same number exists in several (e.g. mat)."))
xem_option = click.option("--xem", is_flag=True, help=_(
    "Also write PNG pictures of the first pages beside the PDF (of an issued document: in output/xem/)."))
mo_option = click.option("--mo", is_flag=True, help=_("Open the PDF with the system's viewer."))
agency_option = click.option("--co-quan", "agency", default=None,
                             help=_("Agency id (registers/<id>.yaml); needed when there are several."))
year_option = click.option("--nam", "year", type=click.IntRange(1, 9999), default=None, help=_("Year."))


def period_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--thang``, ``--quy``, ``--tu-ngay``, ``--den-ngay``: a month, a quarter or a span of days."""
    for option in reversed((
            click.option("--thang", "month", type=click.IntRange(1, 12), default=None,
                         help=_("Month of the year (1-12).")),
            click.option("--quy", "quarter", type=click.IntRange(1, 4), default=None, help=_("Quarter (1-4).")),
            click.option("--tu-ngay", "start", default=None, help=_("From this day, dd/mm/yyyy.")),
            click.option("--den-ngay", "end", default=None, help=_("To this day, dd/mm/yyyy.")))):
        command = option(command)
    return command


def period_of(year: int | None, month: int | None, quarter: int | None, start: str | None, end: str | None) -> Any:
    """The days of ``--thang``/``--quy``/``--tu-ngay``/``--den-ngay`` (None: the whole year); the year said when guessed."""
    from correspondence.api import period

    days = period(year, month, quarter, parse_date(start, "--tu-ngay"), parse_date(end, "--den-ngay"))
    if year is None and (month or quarter) and days is not None:
        echo(_("year {year} (no --nam given)").format(year=days[0].year), err=True)
    return days
