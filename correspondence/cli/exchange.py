"""Turn the ``exchange`` commands (edXML between agencies: the danh bạ, send, receive, status) into calls of
``correspondence.api`` and print what they return.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from correspondence.cli.options import agency_option, lang_option, series_option, year_option
from correspondence.cli.printing import echo, notices
from correspondence.cli.root import main
from correspondence.i18n import _


@main.group(help=_("Exchange documents with other agencies as edXML envelopes (QCVN 102:2016)."))
@lang_option
def exchange() -> None:
    pass


@exchange.group("danh-ba", help=_("The danh bạ: the other agencies (mã định danh, name) in registers/danh-ba.yaml."))
@lang_option
def danh_ba() -> None:
    pass


@danh_ba.command("import", help=_("Add the agencies of a CSV or XLSX file (columns: mã định danh, name) to the "
                                  "danh bạ."))
@lang_option
@click.argument("file", type=click.Path(path_type=Path))
@click.pass_context
def danh_ba_import(ctx: click.Context, file: Path) -> None:
    from correspondence.api import exchange_directory_import

    with notices():
        count, where = exchange_directory_import(ctx.obj["workspace"], file)
    echo(_("{count} agencies imported into {path}").format(count=count, path=where.as_posix()))


@danh_ba.command("list", help=_("List the danh bạ: mã định danh and name."))
@lang_option
@click.pass_context
def danh_ba_list(ctx: click.Context) -> None:
    from correspondence.api import exchange_directory

    for item in exchange_directory(ctx.obj["workspace"]):
        echo(f"{item['ma']}\t{item.get('ten', '')}" + (f"\t{item['ma_qd20']}" if item.get("ma_qd20") else ""))


_folder = click.option("-o", "--toi-thu-muc", "output", type=click.Path(file_okay=False, path_type=Path), default=None,
                       help=_("The folder the envelopes are written into (default: lien_thong: gui: in "
                              "registers/config.yaml)."))


@exchange.command("send", help=_("Send an issued document: one .edxml envelope per recipient, the PDF (signed, where "
                                 "it is) and each annex attached; the register records each recipient."))
@lang_option
@click.argument("number")
@click.option("--toi", "recipients", multiple=True, required=True,
              help=_("A recipient's mã định danh, from the danh bạ (repeat for each)."))
@_folder
@agency_option
@year_option
@series_option
@click.pass_context
def send(ctx: click.Context, number: str, recipients: tuple[str, ...], output: Path | None, agency: str | None,
         year: int | None, series: str | None) -> None:
    from correspondence.api import exchange_send

    with notices():
        sent = exchange_send(ctx.obj["workspace"], number, list(recipients), output, agency, year, series,
                             ctx.obj["register"])
    for item in sent:
        echo(_("sent to {code} ({name}): {path}").format(code=item.ma, name=item.ten, path=item.path))


@exchange.command("receive", help=_("Receive .edxml envelopes: a document takes the next số đến, a status updates the "
                                    "outgoing document it answers. Without FILE: those waiting in the inbox."))
@lang_option
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--tu-thu-muc", "inbox", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=_("The folder envelopes wait in (default: lien_thong: nhan: in registers/config.yaml)."))
@click.option("--tin-cay", "trust", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=_("Folder of the trusted root certificates (PEM or DER) the received signatures are checked "
                     "against (without it: intact and valid only)."))
@agency_option
@click.pass_context
def receive(ctx: click.Context, files: tuple[Path, ...], inbox: Path | None, trust: Path | None,
            agency: str | None) -> None:
    from correspondence.api import STATUS_CODES, exchange_receive, received_signatures
    from correspondence.vietnamese import ngay_so

    with notices():
        done = exchange_receive(ctx.obj["workspace"], list(files), agency, ctx.obj["register"], inbox)
    if not done:
        echo(_("no envelope waiting"))
    for item in done:
        if item.row is not None:
            echo(_("received: số đến {number} dated {date} — {sender}, {document}").format(
                number=item.row.number, date=ngay_so(item.row.ngay_den), sender=item.row.tac_gia,
                document=item.row.so_ky_hieu or ""))
            _signatures(received_signatures(list(item.kept), trust), trust is not None)
        else:
            echo(_("status {code} ({meaning}) from {sender} recorded on {document}").format(
                code=item.status, meaning=STATUS_CODES.get(item.status or "", ""), sender=item.tu,
                document=item.so_ky_hieu))


@exchange.command("status", help=_("Tell the sender of an incoming document its status: 01 arrived, 02 refused (with "
                                   "--ly-do), 03 registered, 04 assigned, 05 in progress, 06 done."))
@lang_option
@click.argument("number", type=int)
@click.option("--ma", "code", required=True, type=click.Choice(["01", "02", "03", "04", "05", "06"]),
              help=_("The status code."))
@click.option("--ly-do", "reason", default=None, help=_("The reason (required for 02) or a description."))
@click.option("--mat", "secret", is_flag=True, help=_("A secret document: its own sequence of số đến."))
@_folder
@agency_option
@year_option
@click.pass_context
def status(ctx: click.Context, number: int, code: str, reason: str | None, secret: bool, output: Path | None,
           agency: str | None, year: int | None) -> None:
    from correspondence.api import exchange_answer

    with notices():
        _row, where = exchange_answer(ctx.obj["workspace"], number, code, reason, output, agency, year,
                                      ctx.obj["register"], secret)
    echo(_("status {code} sent: {path}").format(code=code, path=where))


def _signatures(found: list[tuple[Path, list[Any]]], trust_asked: bool) -> None:
    """Each received PDF's signatures, as the clerk checks them on receipt (ND 30 Art. 21)."""
    yes, no = _("yes"), _("no")
    for path, checked in found:
        if not checked:
            echo("  " + _("{file}: no digital signature").format(file=path.name))
        for index, item in enumerate(checked, 1):
            trusted = (yes if item.trusted else no) if trust_asked else _("not checked (no --tin-cay)")
            echo("  " + _("{file}: digital signature {index}: {signer} — intact: {intact}; valid: {valid}; "
                          "trusted: {trusted}").format(file=path.name, index=index, signer=item.signer,
                                                      intact=yes if item.intact else no,
                                                      valid=yes if item.valid else no, trusted=trusted))
            if not (item.intact and item.valid) or (trust_asked and not item.trusted):
                echo("  " + _("warning: this signature is not good: check the document with its sender before "
                              "handling it"), err=True)
