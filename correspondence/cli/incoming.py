"""Turn the ``incoming`` commands (the sổ đăng ký văn bản đến: receive, assign, done, list, show, void, export) into calls of
``correspondence.api`` and print what they return.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from correspondence.cli.options import (
    agency_option,
    lang_option,
    parse_date,
)
from correspondence.cli.printing import busy, echo, files_written, notices
from correspondence.cli.root import main
from correspondence.i18n import N_, _


@main.group(help=_("The register of incoming documents (sổ đăng ký văn bản đến)."))
@lang_option
def incoming() -> None:
    pass


_mat_den = click.option("--mat", "secret", is_flag=True, help=_("A secret document: its own sequence of số đến."))


@incoming.command("receive", help=_("Register a received document: the next số đến, the file kept with its SHA-256."))
@lang_option
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--tu", "sender", default=None, help=_("Who sent it, e.g. \"Sở Tài chính\"."))
@click.option("--so-ky-hieu", "number", default=None, help=_("Its number and symbol, e.g. 123/STC-NS."))
@click.option("--ngay-van-ban", "dated", default=None, help=_("Its date, dd/mm/yyyy."))
@click.option("--trich-yeu", "subject", default=None, help=_("Its type and subject."))
@_mat_den
@click.option("--khan", "urgent", is_flag=True, help=_("An urgent document."))
@click.option("--ngay-den", "arrived", default=None, help=_("The day it arrived, dd/mm/yyyy (default: today)."))
@click.option("--don-vi-nhan", "unit", default=None, help=_("The unit or person it goes to (column 7)."))
@click.option("--dau", "stamp", is_flag=True, help=_("Also write a copy of the PDF stamped with the ĐẾN mark."))
@click.option("--nhan-lai", "again", is_flag=True,
              help=_("Receive a file already received (the same SHA-256) under a new số đến."))
@agency_option
@click.pass_context
def incoming_receive(ctx: click.Context, file: Path, sender: str | None, number: str | None, dated: str | None,
                     subject: str | None, secret: bool, urgent: bool, arrived: str | None, unit: str | None, stamp: bool,
                     again: bool, agency: str | None) -> None:
    from correspondence.api import incoming_receive as run
    from correspondence.vietnamese import ngay_so

    with notices():
        row, files = run(ctx.obj["workspace"], file, sender, number, dated, subject, secret, urgent,
                         parse_date(arrived, "--ngay-den"), unit, stamp, agency, ctx.obj["register"],
                         nhan_lai=again)
    echo(_("received: số đến {number}{secret} dated {date}").format(
        number=row.number, secret=_(" (secret)") if secret else "", date=ngay_so(row.ngay_den)))
    files_written(files)


@incoming.command("list", help=_("List the incoming register of a year, or the documents overdue."))
@lang_option
@click.option("--nam", "year", type=click.IntRange(1, 9999), default=None, help=_("Year."))
@_mat_den
@click.option("--qua-han", "overdue", is_flag=True,
              help=_("Only the documents not done and past their deadline (of every year unless --nam)."))
@click.option("--ngay", "day", default=None, help=_("With --qua-han: overdue as of this day, dd/mm/yyyy (default: today)."))
@agency_option
@click.option("--json", "as_json", is_flag=True, help=_("Print JSON."))
@click.pass_context
def incoming_list(ctx: click.Context, year: int | None, secret: bool, overdue: bool, day: str | None,
                  agency: str | None, as_json: bool) -> None:
    from correspondence.api import incoming_list as run
    from correspondence.vietnamese import ngay_so

    if overdue:
        _list_overdue(ctx, year, secret, parse_date(day, "--ngay"), agency, as_json)
        return
    if day is not None:
        from correspondence.errors import UsageError

        raise UsageError(_("--ngay goes with --qua-han"))
    rows = run(ctx.obj["workspace"], year, secret, agency, ctx.obj["register"])
    if as_json:
        echo(json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=2))
        return
    if not rows:
        echo(_("no document received yet"))
    for r in rows:
        void = _("VOID: ") if r.status == "voided" else ""
        echo(f"{r.number:>5}  {ngay_so(r.ngay_den)}  {r.tac_gia}  {r.so_ky_hieu or ''}  {void}{r.trich_yeu}")


def _list_overdue(ctx: click.Context, year: int | None, secret: bool, day: dt.date | None, agency: str | None,
                  as_json: bool) -> None:
    from correspondence.api import incoming_overdue as run
    from correspondence.vietnamese import ngay_so

    found = run(ctx.obj["workspace"], day, year, secret, agency, ctx.obj["register"])
    if as_json:
        echo(json.dumps([row.as_dict() | {"assigned": life.assigned.as_dict() if life.assigned else None,
                                          "days_overdue": late} for row, life, late in found],
                        ensure_ascii=False, indent=2))
        return
    if not found:
        echo(_("no document is overdue"))
    for row, life, late in found:
        step = life.assigned
        if step is None:  # overdue only with an assignment; never so
            continue
        unit = " – ".join(part for part in (step.don_vi, step.nguoi) if part)
        echo(_("{number:>5}/{year}  due {deadline} ({days} days late)  {unit}  {subject}").format(
            number=row.number, year=row.year, deadline=ngay_so(step.han), days=late, unit=unit,
            subject=row.trich_yeu))


@incoming.command("assign", help=_("Assign a received document to a unit of the agency, with a deadline (again: the "
                                   "earlier assignment is kept as history)."))
@lang_option
@click.argument("number", type=click.IntRange(min=1))
@click.option("--don-vi", "unit", required=True, help=_("The unit, by its key, abbreviation or name in the agency profile."))
@click.option("--nguoi", "person", default=None, help=_("The person in charge of it."))
@click.option("--han", "deadline", required=True, help=_("The deadline to deal with it, dd/mm/yyyy."))
@click.option("--nam", "year", type=click.IntRange(1, 9999), default=None, help=_("Year of the số đến (default: this year)."))
@_mat_den
@agency_option
@click.pass_context
def incoming_assign(ctx: click.Context, number: int, unit: str, person: str | None, deadline: str, year: int | None,
                    secret: bool, agency: str | None) -> None:
    from correspondence.api import incoming_assign as run
    from correspondence.vietnamese import ngay_so

    with notices():
        row, step = run(ctx.obj["workspace"], number, unit, deadline, person, year, secret, agency, ctx.obj["register"])
    who = " – ".join(part for part in (step.don_vi, step.nguoi) if part)
    echo(_("số đến {number} assigned to {unit}, deadline {deadline}").format(
        number=row.number, unit=who, deadline=ngay_so(str(step.han))))


@incoming.command("done", help=_("Record that a received document has been dealt with (its outcome)."))
@lang_option
@click.argument("number", type=click.IntRange(min=1))
@click.option("--ghi-chu", "note", default=None, help=_("The outcome, e.g. the number of the answer sent."))
@click.option("--nam", "year", type=click.IntRange(1, 9999), default=None, help=_("Year of the số đến (default: this year)."))
@_mat_den
@agency_option
@click.pass_context
def incoming_done(ctx: click.Context, number: int, note: str | None, year: int | None, secret: bool,
                  agency: str | None) -> None:
    from correspondence.api import incoming_done as run
    from correspondence.vietnamese import ngay_so

    row, step = run(ctx.obj["workspace"], number, note, year, secret, agency, ctx.obj["register"])
    echo(_("số đến {number} done on {date}").format(number=row.number, date=ngay_so(step.ngay)))


@incoming.command("show", help=_("Show one số đến of the incoming register."))
@lang_option
@click.argument("number", type=click.IntRange(min=1))
@click.option("--nam", "year", type=click.IntRange(1, 9999), default=None, help=_("Year."))
@_mat_den
@agency_option
@click.pass_context
def incoming_show(ctx: click.Context, number: int, year: int | None, secret: bool, agency: str | None) -> None:
    from correspondence.api import incoming_show as run
    from correspondence.vietnamese import gio_viet_nam, ngay_so

    row = run(ctx.obj["workspace"], number, year, secret, agency, ctx.obj["register"])
    values = row.as_dict()
    for key, label in INCOMING_LABELS:
        value = values.get(key)
        if key in ("ngay_den", "ngay_van_ban", "ngay_chuyen") and value:
            value = ngay_so(value)
        elif key == "files":
            value = ", ".join(f["path"] for f in value) if value else ""
        elif key == "status":
            value = _(RECEIVED_STATUS.get(str(value), str(value)))
        elif key in ("do_mat", "do_khan") and value:
            value = _("secret") if key == "do_mat" else _("urgent")
        elif key == "received_at" and value:
            value = _("{time} (Vietnam time)").format(time=gio_viet_nam(value))
        if value not in (None, ""):
            echo(f"{_(label)}: {value}")
    from correspondence.api import incoming_history

    life = incoming_history(ctx.obj["workspace"], row, ctx.obj["register"])
    for step in life.steps:
        if step.action == "den-assigned":
            unit = " – ".join(part for part in (step.don_vi, step.nguoi) if part)
            echo(_("Assigned on {date}: {unit}, deadline {deadline}").format(
                date=ngay_so(step.ngay), unit=unit, deadline=ngay_so(str(step.han))))
        else:
            echo(_("Done on {date}").format(date=ngay_so(step.ngay)) + (f": {step.ghi_chu}" if step.ghi_chu else ""))


# A received row's states, as the incoming book says them (the register keeps "issued" for a row taken whole).
RECEIVED_STATUS = {"issued": N_("entered in the book"), "voided": N_("void")}
INCOMING_LABELS = (("number", N_("Incoming number")), ("ngay_den", N_("Date received")), ("tac_gia", N_("Author")),
                   ("so_ky_hieu", N_("Number, symbol")), ("ngay_van_ban", N_("Date of the document")),
                   ("trich_yeu", N_("Type and subject")), ("don_vi_nhan", N_("Unit or person it goes to")),
                   ("ngay_chuyen", N_("Date sent")), ("ky_nhan", N_("Received by")), ("ghi_chu", N_("Notes")),
                   ("do_mat", N_("Secrecy")), ("do_khan", N_("Urgency")), ("status", N_("Status")),
                   ("files", N_("Files")), ("received_by", N_("Registered by")), ("received_at", N_("Registered at")))


@incoming.command("void", help=_("Void a số đến: it stays used, the reason goes into Ghi chú."))
@lang_option
@click.argument("number", type=click.IntRange(min=1))
@click.option("--reason", "--ly-do", "reason", required=True, help=_("Why the number is voided."))
@click.option("--nam", "year", type=click.IntRange(1, 9999), default=None, help=_("Year."))
@_mat_den
@agency_option
@click.pass_context
def incoming_void(ctx: click.Context, number: int, reason: str, year: int | None, secret: bool,
                  agency: str | None) -> None:
    from correspondence.api import incoming_void as run

    row = run(ctx.obj["workspace"], number, reason, year, secret, agency, ctx.obj["register"])
    echo(_("số đến {number} voided: {note}").format(number=row.number, note=row.ghi_chu))


@incoming.command("export", help=_("Print the incoming register of a year (PL IV: cover and ten columns)."))
@lang_option
@click.option("--nam", "year", type=click.IntRange(1, 9999), default=None, help=_("Year (default: this year)."))
@click.option("--format", "fmt", type=click.Choice(["pdf", "docx", "xlsx", "csv"]), default="pdf", help=_("Format."))
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=_("The file to write."))
@_mat_den
@agency_option
@click.pass_context
def incoming_export(ctx: click.Context, year: int | None, fmt: str, out: Path | None, secret: bool,
                    agency: str | None) -> None:
    from correspondence.api import incoming_export as run
    from correspondence.vietnamese import hom_nay

    with busy(_("exporting the register")):
        written = run(ctx.obj["workspace"], year or hom_nay().year, fmt, secret, out, agency, ctx.obj["register"])
    files_written([written])
