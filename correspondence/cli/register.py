"""Turn the ``register`` commands (the sổ đăng ký văn bản đi: init, close-year, list, show, void, import, export,
log, verify) into calls of ``correspondence.api`` and print what they return.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from correspondence.cli.options import (
    agency_option,
    lang_option,
    period_of,
    period_options,
    series_option,
    sheet_option,
    year_option,
)
from correspondence.cli.printing import busy, echo, files_written, notices
from correspondence.cli.root import main
from correspondence.i18n import N_, _


@main.group(help=_("The register of outgoing documents (sổ đăng ký văn bản đi)."))
@lang_option
def register() -> None:
    pass


@register.command("init", help=_("Create the register of an agency (registers/<agency>.sqlite, or --register URL)."))
@lang_option
@agency_option
@click.pass_context
def register_init(ctx: click.Context, agency: str | None) -> None:
    from correspondence.api import register_init

    with notices():
        where = register_init(ctx.obj["workspace"], agency, ctx.obj["register"])
    echo(_("register created: {where}").format(where=where))


@register.command("close-year", help=_("Close a year: no document can be issued into it any more (after 31 December)."))
@lang_option
@click.argument("year", type=click.IntRange(1, 9999))
@agency_option
@click.pass_context
def register_close_year(ctx: click.Context, year: int, agency: str | None) -> None:
    from correspondence.api import register_close_year

    register_close_year(ctx.obj["workspace"], year, agency, ctx.obj["register"])
    echo(_("the year {year} is closed").format(year=year))


@register.command("list", help=_("List the register as a table (filters: year, kind, unit, text in the subject)."))
@lang_option
@agency_option
@year_option
@click.option("--loai", "kind", default=None, help=_("Kind, e.g. cong_van."))
@click.option("--don-vi", "unit", default=None, help=_("Drafting unit abbreviation, e.g. XD6."))
@click.option("--tim", "text", default=None, help=_("Text to find in the subject."))
@click.option("--chua-bao-nhan", "unanswered", is_flag=True,
              help=_("Only the documents sent (edXML) to an agency that has not answered yet."))
@period_options
@click.option("--json", "as_json", is_flag=True, help=_("Print JSON."))
@click.pass_context
def register_list(ctx: click.Context, agency: str | None, year: int | None, kind: str | None, unit: str | None,
                  text: str | None, unanswered: bool, month: int | None, quarter: int | None, start: str | None,
                  end: str | None, as_json: bool) -> None:
    from correspondence.api import exchange_unanswered, register_list

    period = period_of(year, month, quarter, start, end)
    entries = register_list(ctx.obj["workspace"], agency, ctx.obj["register"], year, kind, unit, text, period)
    if unanswered:
        entries = exchange_unanswered(ctx.obj["workspace"], entries, ctx.obj["register"])
    if as_json:
        echo(json.dumps([e.as_dict() for e in entries], ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    from correspondence.vietnamese import ngay_so

    if not entries:
        echo(_("no document in the register for this selection") if period is None else
                   _("no document from {first} to {last}").format(first=ngay_so(period[0]), last=ngay_so(period[1])))
        return
    table = Table(_("Number, symbol"), _("Date"), _("Type and subject"), _("Signer"), _("Notes"))
    for e in entries:
        state = ""
        if any("ky" in item for item in e.files):  # pyHanko is loaded only when a row is signed
            from correspondence.api import signature_state

            state = _(SIGNATURE_STATE[signature_state(ctx.obj["workspace"], e)])
        table.add_row(e.so_ky_hieu, ngay_so(e.ngay), e.ten_loai_trich_yeu, e.nguoi_ky,
                      "; ".join(part for part in ((_("VOID: ") if e.status == "voided" else "") + (e.ghi_chu or ""),
                                                  state) if part))
    import shutil

    Console(width=max(100, shutil.get_terminal_size().columns)).print(table)


@register.command("show", help=_("Show one entry of the register, e.g. 3018/UBND-XD6."))
@lang_option
@click.argument("number")
@agency_option
@year_option
@series_option
@click.pass_context
def register_show(ctx: click.Context, number: str, agency: str | None, year: int | None, series: str | None) -> None:
    from correspondence.api import register_show
    from correspondence.vietnamese import gio_viet_nam, ngay_so

    entry = register_show(ctx.obj["workspace"], number, agency, year, ctx.obj["register"], series)
    values = entry.as_dict()
    for key, label in SHOW_LABELS:
        value = values.get(key)
        if key in ("ngay", "ngay_chuyen"):
            value = ngay_so(value)
        elif key == "files":
            value = ", ".join(f["path"] for f in value) if value else ""
        elif key == "status":
            value = _(STATUS.get(str(value), str(value)))
        elif key == "issued_at" and value:
            value = _("{time} (Vietnam time)").format(time=gio_viet_nam(value))
        if value not in (None, ""):
            echo(f"{_(label)}: {value}")
    from correspondence.api import entry_signatures

    roles = {"nguoi_ky": _("the signer"), "co_quan": _("the agency")}
    if entry_signatures(entry):
        from correspondence.api import signature_state

        echo(_("Digital signature: {state}").format(
            state=_(SIGNATURE_STATE[signature_state(ctx.obj["workspace"], entry)])))
    for index, item in enumerate(entry_signatures(entry), 1):
        echo(_("Signature {index}: {role}, {signer}, {time} (Vietnam time), certificate {serial}: {path}").format(
            index=index, role=roles.get(item["ky"], item["ky"]), signer=item.get("nguoi", ""),
            time=gio_viet_nam(item.get("luc")), serial=item.get("serial", ""), path=item["path"]))
    from correspondence.api import exchange_recipients

    for item in exchange_recipients(ctx.obj["workspace"], entry, ctx.obj["register"]):
        state = (_("status {code} ({meaning}), {time} (Vietnam time)").format(
            code=item["trang_thai"], meaning=item["y_nghia"], time=gio_viet_nam(item["trang_thai_luc"]))
            + (f": {item['mo_ta']}" if item.get("mo_ta") else "")) if item.get("trang_thai") else _("no status yet")
        echo(_("Sent to {code} ({name}) {time} (Vietnam time): {state}").format(
            code=item["ma"], name=item.get("ten", ""), time=gio_viet_nam(item.get("gui_luc")), state=state))
    from correspondence.api import pending_signature

    waiting = pending_signature(entry)
    if waiting is not None:
        echo(_("Signature waiting for the signing service ({level}): {role}, {signer}, prepared {time} (Vietnam "
               "time), certificate {serial}: {path}").format(
            level=waiting.get("muc") or "B-B", role=roles.get(waiting["cho_ky"], waiting["cho_ky"]),
            signer=waiting.get("nguoi", ""),
            time=gio_viet_nam(waiting.get("luc")), serial=waiting.get("serial", ""), path=waiting["path"]))


SHOW_LABELS = (("so_ky_hieu", N_("Number, symbol")), ("ngay", N_("Date")), ("ten_loai_trich_yeu", N_("Type and subject")),
               ("nguoi_ky", N_("Signer")), ("noi_nhan", N_("Recipients")),
               ("don_vi_nhan_ban_luu", N_("Unit or person keeping the filed copy")),
               ("so_luong_ban", N_("Copies")), ("ngay_chuyen", N_("Date sent")), ("ky_nhan", N_("Received by")),
               ("ghi_chu", N_("Notes")), ("series", N_("Series")), ("status", N_("Status")), ("failure", N_("Failure")),
               ("don_vi", N_("Drafting unit")), ("files", N_("Files")), ("issued_by", N_("Numbered by")),
               ("issued_at", N_("Numbered at")))


SIGNATURE_STATE = {"da_ky": N_("signed (its signatures verify)"),
                   "nguoi_ky": N_("signed by its signer only (the agency has not signed yet)"),
                   "khong_hop_le": N_("NOT VALID: a signed file is missing or changed, or a signature does not verify "
                                      "(run 'correspondence register verify')"),
                   "": N_("not signed")}


STATUS = {"issued": N_("issued"), "voided": N_("void"), "imported": N_("imported from an older register"),
          "failed": N_("numbered, files not made")}


@register.command("void", help=_("Void a number: it stays used, the reason goes into Ghi chú, the files are kept."))
@lang_option
@click.argument("number")
@click.option("--reason", "--ly-do", "reason", required=True, help=_("Why the document is not issued."))
@agency_option
@year_option
@series_option
@click.pass_context
def register_void(ctx: click.Context, number: str, reason: str, agency: str | None, year: int | None,
                  series: str | None) -> None:
    from correspondence.api import register_void

    entry = register_void(ctx.obj["workspace"], number, reason, agency, year, ctx.obj["register"], series)
    echo(_("{number} is void: {reason}").format(number=entry.so_ky_hieu, reason=reason))


@register.command("import", help=_("Bring in this year's entries from an existing register (.xlsx or .csv)."))
@lang_option
@click.argument("file", type=click.Path(path_type=Path))
@agency_option
@click.option("--so-rieng", "series", default="chung", help=_("Series to import into (default: the shared one)."))
@sheet_option
@click.pass_context
def register_import(ctx: click.Context, file: Path, agency: str | None, series: str, sheet: str | None) -> None:
    from correspondence.api import register_import

    count = register_import(ctx.obj["workspace"], file, agency, series, ctx.obj["register"], sheet)
    echo(_("{count} entries imported.").format(count=count))


@register.command("export", help=_("Write the printable register of a year (PDF, DOCX, XLSX or CSV)."))
@lang_option
@click.option("--nam", "year", type=click.IntRange(1, 9999), default=None,
              help=_("Year (default: the year of --tu-ngay/--den-ngay, else this year)."))
@click.option("--format", "fmt", type=click.Choice(["pdf", "docx", "xlsx", "csv"]), default="pdf", help=_("Format."))
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help=_("Output file."))
@agency_option
@click.option("--so-rieng", "series", default="chung", help=_("Series (default: the shared one)."))
@period_options
@click.pass_context
def register_export(ctx: click.Context, year: int | None, fmt: str, out: Path | None, agency: str | None, series: str,
                    month: int | None, quarter: int | None, start: str | None, end: str | None) -> None:
    from correspondence.api import book_year, register_export

    period = period_of(year, month, quarter, start, end)
    if year is None and period is None:
        echo(_("year {year} (no --nam given)").format(year=book_year(None, None)), err=True)
    with busy(_("exporting the register")):
        written = register_export(ctx.obj["workspace"], year, fmt, agency, series, out, ctx.obj["register"], period)
    files_written([written])


@register.command("log", help=_("Print the access log: every document or register read through the tool."))
@lang_option
@agency_option
@click.option("--tat-ca", "everything", is_flag=True, help=_("Every event of the register's chain, not only reads."))
@click.pass_context
def register_log(ctx: click.Context, agency: str | None, everything: bool) -> None:
    from correspondence.api import register_log as run
    from correspondence.vietnamese import gio_viet_nam

    events = run(ctx.obj["workspace"], agency, ctx.obj["register"], everything)
    if not events:
        echo(_("nothing recorded yet"))
    for event in events:
        echo(f"{gio_viet_nam(event.at)}  {event.by}  {event.action}  {event.detail or ''}".rstrip())


@register.command("verify", help=_("Check the register: no duplicate, no unexplained gap, every file present and unchanged."))
@lang_option
@agency_option
@click.option("--no-repair", is_flag=True, help=_("Do not complete documents whose files were not written (after a crash)."))
@click.pass_context
def register_verify(ctx: click.Context, agency: str | None, no_repair: bool) -> None:
    from correspondence.api import register_verify
    from correspondence.errors import RegisterMismatch

    report = register_verify(ctx.obj["workspace"], agency, ctx.obj["register"], repair=not no_repair)
    for number in report.repaired:
        echo(_("completed after an interruption: {number}").format(number=number))
    for number in report.in_progress:
        echo(_("being issued right now by another clerk: {number}").format(number=number))
    for closed in report.closed:
        echo(_("closed year: {year}").format(year=closed))
    if report.problems:
        raise RegisterMismatch(_("the register has {count} problem(s)").format(count=len(report.problems)),
                               report.problems)
    echo(_("Register consistent: {entries} numbers, {files} files checked.").format(
        entries=report.checked, files=report.files))
