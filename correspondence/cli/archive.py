"""Turn the ``ho-so`` and ``package`` commands (hồ sơ, retention, destruction lists, hand-over packages) into calls
of ``correspondence.api`` and print what they return.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from correspondence.cli.options import (
    agency_option,
    lang_option,
    sheet_option,
)
from correspondence.cli.printing import busy, echo, notices, shown
from correspondence.cli.root import main
from correspondence.i18n import _


@main.group("ho-so", help=_("Hồ sơ (case files): open them from the year's danh mục, file documents, close them, "
                            "print their mục lục, list those whose retention has ended."))
@lang_option
def ho_so() -> None:
    pass


_ho_so_year = click.option("--nam", "nam", type=click.IntRange(1, 9999), default=None,
                           help=_("The year of the hồ sơ (default: this year; when looking one up: the only one)."))


@ho_so.command("create", help=_("Open a hồ sơ: its number and symbol (e.g. 01.VP), title and retention."))
@lang_option
@click.argument("symbol")
@click.option("--tieu-de", "title", required=True, help=_("The title of the hồ sơ."))
@click.option("--thoi-han", "retention", required=True, help=_("Retention: a number of years (10, 20 …) or vinh-vien."))
@_ho_so_year
@click.option("--don-vi", "unit", default=None, help=_("The unit keeping the hồ sơ."))
@click.option("--nguoi-lap", "keeper", default=None, help=_("Who makes up the hồ sơ."))
@agency_option
@click.pass_context
def ho_so_create(ctx: click.Context, symbol: str, title: str, retention: str, nam: int | None, unit: str | None,
                 keeper: str | None, agency: str | None) -> None:
    from correspondence.api import ho_so_create as create

    made = create(ctx.obj["workspace"], symbol, title, retention, nam, unit, keeper, agency, ctx.obj["register"])
    echo(_("hồ sơ opened: {symbol} ({year}) {title}").format(symbol=made.ky_hieu, year=made.nam, title=made.tieu_de))


@ho_so.command("import", help=_("Open every hồ sơ of the year's danh mục hồ sơ (XLSX or CSV); all or nothing."))
@lang_option
@click.argument("file", type=click.Path(path_type=Path))
@_ho_so_year
@sheet_option
@agency_option
@click.pass_context
def ho_so_import(ctx: click.Context, file: Path, nam: int | None, sheet: str | None, agency: str | None) -> None:
    from correspondence.api import ho_so_import as run

    made = run(ctx.obj["workspace"], file, nam, agency, ctx.obj["register"], sheet)
    echo(_("{count} hồ sơ opened from {file}").format(count=len(made), file=shown(file)))


@ho_so.command("add", help=_("File an issued document (e.g. 01.VP 12/UBND-XD6) or a received one (01.VP --den 5) in an "
                              "open hồ sơ."))
@lang_option
@click.argument("symbol")
@click.argument("number", required=False)
@click.option("--den", "den", type=click.IntRange(min=1), default=None, help=_("The số đến of a received document."))
@click.option("--mat", "secret", is_flag=True, help=_("A secret document: its own sequence of số đến."))
@_ho_so_year
@agency_option
@click.pass_context
def ho_so_add(ctx: click.Context, symbol: str, number: str | None, den: int | None, secret: bool, nam: int | None,
              agency: str | None) -> None:
    from correspondence.api import ho_so_add as run

    ho_so_row, entry, place = run(ctx.obj["workspace"], symbol, number, nam, agency, ctx.obj["register"], None, den,
                                  secret)
    named = number if den is None else _("số đến {number}").format(number=den)
    echo(_("{number} filed in {symbol} as document {place}").format(number=named, symbol=ho_so_row.ky_hieu,
                                                                          place=place))


@ho_so.command("close", help=_("Close a hồ sơ: it takes no more documents."))
@lang_option
@click.argument("symbol")
@_ho_so_year
@agency_option
@click.pass_context
def ho_so_close(ctx: click.Context, symbol: str, nam: int | None, agency: str | None) -> None:
    from correspondence.api import ho_so_close as run

    closed = run(ctx.obj["workspace"], symbol, nam, agency, ctx.obj["register"])
    echo(_("hồ sơ closed: {symbol} ({year})").format(symbol=closed.ky_hieu, year=closed.nam))


@ho_so.command("show", help=_("Print the mục lục văn bản of a hồ sơ (the documents in it, in order)."))
@lang_option
@click.argument("symbol")
@_ho_so_year
@agency_option
@click.option("--json", "as_json", is_flag=True, help=_("Print JSON."))
@click.pass_context
def ho_so_show(ctx: click.Context, symbol: str, nam: int | None, agency: str | None, as_json: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    from correspondence.api import ho_so_show as run
    from correspondence.api import retention_text
    from correspondence.vietnamese import ngay_so

    contents = run(ctx.obj["workspace"], symbol, nam, agency, ctx.obj["register"])
    h = contents.ho_so
    if as_json:
        echo(json.dumps({"ho_so": h.as_dict(), "trang": contents.trang, "van_ban": [
            {"thu_tu": d.thu_tu, "so_ky_hieu": d.so_ky_hieu, "ngay": d.ngay, "trang": d.trang,
             "ten_loai_trich_yeu": d.ten_loai_trich_yeu, "tac_gia": d.tac_gia} for d in contents.documents]},
            ensure_ascii=False, indent=2))
        return
    echo(_("MỤC LỤC VĂN BẢN — hồ sơ {symbol}, năm {year}: {title}").format(
        symbol=h.ky_hieu, year=h.nam, title=h.tieu_de))
    echo(_("Retention: {retention}; {state}").format(
        retention=retention_text(h.thoi_han), state=_("closed") if h.status == "dong" else _("open")))
    table = Table(_("No."), _("Number, symbol"), _("Date"), _("Type and subject"), _("Author"), _("Pages"), _("Notes"))
    for line in contents.documents:
        e = line.entry
        table.add_row(str(line.thu_tu), line.so_ky_hieu, ngay_so(line.ngay), line.ten_loai_trich_yeu,
                      line.tac_gia or "", line.trang,
                      _("VOID: ") + (e.ghi_chu or "") if e.status == "voided" else (e.ghi_chu or ""))
    import shutil

    Console(width=max(100, shutil.get_terminal_size().columns)).print(table)
    echo(_("{count} document(s), {pages} page(s)").format(count=len(contents.documents), pages=contents.trang))


@ho_so.command("list", help=_("List the hồ sơ of the register (of a year)."))
@lang_option
@_ho_so_year
@agency_option
@click.pass_context
def ho_so_list(ctx: click.Context, nam: int | None, agency: str | None) -> None:
    from correspondence.api import ho_so_list as run
    from correspondence.api import retention_text

    found = run(ctx.obj["workspace"], nam, agency, ctx.obj["register"])
    if not found:
        echo(_("no hồ sơ yet: open one with 'correspondence ho-so create' or 'ho-so import'"))
    for h in found:
        state = _("closed") if h.status == "dong" else _("open")
        echo(f"{h.nam}  {h.ky_hieu:<12} {h.tieu_de} — {retention_text(h.thoi_han)}, {state}")


@ho_so.command("record-destruction", help=_("Record the decision that a closed hồ sơ whose retention ended may be "
                                             "destroyed; the tool deletes nothing."))
@lang_option
@click.argument("symbol")
@click.option("--quyet-dinh", "decision", required=True, help=_("The decision: its number and date."))
@_ho_so_year
@agency_option
@click.pass_context
def ho_so_record_destruction(ctx: click.Context, symbol: str, decision: str, nam: int | None, agency: str | None) -> None:
    from correspondence.api import ho_so_record_destruction as run

    row = run(ctx.obj["workspace"], symbol, decision, nam, agency, ctx.obj["register"])
    echo(_("recorded: the hồ sơ {symbol} ({year}) may be destroyed under {decision}; its files are kept until "
                 "then").format(symbol=row.ky_hieu, year=row.nam, decision=decision))


@ho_so.command("export", help=_("Write the hand-over package of a hồ sơ (or of every hồ sơ of --nam): a folder, or a "
                                 ".zip; the PDF/A originals in date order, their metadata, a manifest of SHA-256."))
@lang_option
@click.argument("symbol", required=False)
@_ho_so_year
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), required=True,
              help=_("The package to write: a new folder, or a file ending .zip."))
@agency_option
@click.pass_context
def ho_so_export(ctx: click.Context, symbol: str | None, nam: int | None, out: Path, agency: str | None) -> None:
    from correspondence.api import ho_so_export as run

    with busy(_("writing the package")), notices():
        path, files, documents = run(ctx.obj["workspace"], out, symbol, nam, agency, ctx.obj["register"])
    echo(_("package written: {path} ({files} hồ sơ, {documents} document(s))").format(
        path=shown(path), files=files, documents=documents))
    echo(_("check it anywhere with: correspondence package check {path}").format(path=shown(path)))


@ho_so.command("due", help=_("List the closed hồ sơ whose retention has ended (nothing is deleted)."))
@lang_option
@agency_option
@click.option("--xuat", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=_("Also write them as the danh mục tài liệu hết giá trị for the council (.xlsx or .csv)."))
@click.pass_context
def ho_so_due(ctx: click.Context, agency: str | None, out: Path | None) -> None:
    from correspondence.api import ho_so_destruction_list
    from correspondence.api import ho_so_due as run

    found = run(ctx.obj["workspace"], None, agency, ctx.obj["register"])
    if out is not None and found:
        path, count = ho_so_destruction_list(ctx.obj["workspace"], out, None, agency, ctx.obj["register"])
        echo(_("danh mục tài liệu hết giá trị written: {path} ({count} hồ sơ)").format(path=shown(path),
                                                                                             count=count))
    if not found:
        echo(_("no hồ sơ has reached the end of its retention"))
    for h, last in found:
        echo(_("{symbol} ({year}) {title}: retention ended in {last}").format(
            symbol=h.ky_hieu, year=h.nam, title=h.tieu_de, last=last))


@main.group(help=_("Hand-over packages of hồ sơ."))
@lang_option
def package() -> None:
    pass


@package.command("check", help=_("Re-verify a package (folder or .zip) anywhere, without the register: every file "
                                 "missing, extra or changed is named."))
@lang_option
@click.argument("path", type=click.Path(path_type=Path))
def package_check(path: Path) -> None:
    from correspondence.api import package_check as run
    from correspondence.errors import RegisterMismatch

    checked = run(path)
    if checked.problems:
        raise RegisterMismatch(_("the package has {count} problem(s)").format(count=len(checked.problems)),
                               checked.problems)
    echo(_("Package intact: {files} files, each with its SHA-256.").format(files=checked.files))
