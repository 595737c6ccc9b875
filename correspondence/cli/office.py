"""Turn ``correspondence init`` (the options, or the clerk's answers on a terminal) into a set-up office, ``user``
into the accounts of its desk and ``serve`` into the desk itself, through ``correspondence.api``.
"""

from __future__ import annotations

import sys

import click

from correspondence.cli.options import agency_option, lang_option
from correspondence.cli.printing import echo, notices, shown
from correspondence.cli.root import main
from correspondence.errors import UsageError
from correspondence.i18n import _


@main.command(help=_("Set up this folder for an agency: its profile registers/<id>.yaml (from a sample or your "
                     "answers), templates/, output/ and its register. Asks for what the options do not say."))
@lang_option
@click.option("--ma", default=None, help=_("The agency's id, a file name: e.g. ubnd-quang-ninh."))
@click.option("--mau", default=None, help=_("Start from a sample profile: ubnd-tinh, so, ubnd-xa."))
@click.option("--ten", multiple=True, help=_("A line of the agency's name as the header prints it (repeat for each line)."))
@click.option("--chu-quan", multiple=True, help=_("A line of the governing body's name (repeat; none for a UBND tỉnh)."))
@click.option("--viet-tat", default=None, help=_("The agency's abbreviation in symbols, e.g. UBND, SNV."))
@click.option("--dia-danh", default=None, help=_("The place name of the date line, e.g. Quảng Ninh."))
@click.option("--thu-truong", default=None, help=_("The head's title after KT., TL., e.g. Chủ tịch, Giám đốc."))
@click.option("--tap-the", default=None, help=_("The collective after TM. (agencies working collectively only)."))
@click.option("--don-vi", multiple=True, help=_("A drafting unit as ABBREVIATION=Name, e.g. 'VP=Văn phòng' (repeat)."))
@click.option("--nguoi-ky", multiple=True, help=_("A signer as Full name=Title, e.g. 'Đặng Huy Hậu=Phó Chủ tịch' (repeat)."))
@click.option("--ma-dinh-danh", default=None, help=_("The agency's electronic id code (mã định danh), e.g. H49.64 "
                                                    "(optional; goes into the archival metadata)."))
@click.option("--ma-qd20", default=None, help=_("The agency's code under QĐ 20/2020 (up to 35 characters; optional)."))
@click.pass_context
def init(ctx: click.Context, ma: str | None, mau: str | None, ten: tuple[str, ...], chu_quan: tuple[str, ...],
         viet_tat: str | None, dia_danh: str | None, thu_truong: str | None, tap_the: str | None,
         don_vi: tuple[str, ...], nguoi_ky: tuple[str, ...], ma_dinh_danh: str | None, ma_qd20: str | None) -> None:
    from correspondence import api

    ask = sys.stdin.isatty()
    if ask and ma is None:
        mau = mau or click.prompt(_("Sample profile ({names}, or leave empty)").format(
            names=", ".join(api.sample_profiles())), default="", show_default=False) or None
    if ma is None:
        if not ask:
            raise UsageError(_("give the agency's id with --ma (e.g. --ma ubnd-quang-ninh)"))
        ma = click.prompt(_("Agency id (a file name, e.g. ubnd-quang-ninh)"))
    answers = api.Answers(ma, mau, list(ten), list(chu_quan), viet_tat, dia_danh, thu_truong, tap_the, list(don_vi),
                          [item.strip() for item in nguoi_ky if item.strip()], ma_dinh_danh, ma_qd20)
    if ask:  # every answer the profile still needs, then the optional mã định danh
        for key, question in api.init_questions(answers):
            answers.answer(key, click.prompt(_(question)))
        if ma_dinh_danh is None:
            answers.answer("ma_dinh_danh", click.prompt(_("Electronic id code of the agency (mã định danh, e.g. "
                                                          "H49.64; leave empty if none)"), default="",
                                                        show_default=False))
        if ma_qd20 is None:
            answers.answer("ma_dinh_danh_qd20", click.prompt(_(
                "The agency's code under QĐ 20/2020 (up to 35 characters; leave empty if none)"), default="",
                show_default=False))
    with notices():
        done = api.init(ctx.obj["workspace"], answers, ctx.obj["register"])
    echo(_("written: {path}").format(path=shown(done.profile)))
    echo(_("register created: {where}").format(where=done.register))
    echo(_("Next: correspondence new cong-van -o cong-van.yaml, fill it in, then correspondence draft cong-van.yaml"))


@main.group(help=_("The accounts of the office's desk (correspondence serve): who may sign in, with which role."))
@lang_option
def user() -> None:
    pass


def _password(confirm: bool = True) -> str:
    import os

    given = os.environ.get("CORRESPONDENCE_PASSWORD")
    if given:
        return given
    if not sys.stdin.isatty():
        raise UsageError(_("give the password in CORRESPONDENCE_PASSWORD, or run the command on a terminal"))
    return str(click.prompt(_("Password"), hide_input=True, confirmation_prompt=confirm))


@user.command("add", help=_("Add an account: NAME signs in with a password (from CORRESPONDENCE_PASSWORD or asked); "
                            "--vai-tro van-thu issues, voids, receives, files and exports; lanh-dao reads and signs; "
                            "chuyen-vien drafts and previews."))
@lang_option
@agency_option
@click.argument("name")
@click.option("--vai-tro", "role", required=True, type=click.Choice(["van-thu", "lanh-dao", "chuyen-vien"]),
              help=_("The account's role."))
@click.pass_context
def user_add(ctx: click.Context, agency: str | None, name: str, role: str) -> None:
    from correspondence import api

    account = api.user_add(ctx.obj["workspace"], name, role, _password(), agency, ctx.obj["register"])
    echo(_("account added: {name} ({role})").format(name=account.ten, role=account.vai_tro))


@user.command("password", help=_("Give an account a new password (from CORRESPONDENCE_PASSWORD or asked)."))
@lang_option
@agency_option
@click.argument("name")
@click.pass_context
def user_password(ctx: click.Context, agency: str | None, name: str) -> None:
    from correspondence import api

    account = api.user_change(ctx.obj["workspace"], name, None, _password(), agency, ctx.obj["register"])
    echo(_("new password for {name}").format(name=account.ten))


@user.command("list", help=_("List the accounts of the desk and their roles."))
@lang_option
@agency_option
@click.pass_context
def user_list(ctx: click.Context, agency: str | None) -> None:
    from correspondence import api

    accounts = api.user_list(ctx.obj["workspace"], agency, ctx.obj["register"])
    if not accounts:
        echo(_("no account yet: correspondence user add NAME --vai-tro van-thu"))
    for account in accounts:
        echo(f"{account.ten}\t{account.vai_tro}\t{account.tao_luc[:10]}")


@user.command("remove", help=_("Close an account: it can no longer sign in (the events it made stay)."))
@lang_option
@agency_option
@click.argument("name")
@click.pass_context
def user_remove(ctx: click.Context, agency: str | None, name: str) -> None:
    from correspondence import api

    account = api.user_remove(ctx.obj["workspace"], name, agency, ctx.obj["register"])
    echo(_("account removed: {name}").format(name=account.ten))


@main.command(help=_("Open the office's desk in a browser: the pages for writing, previewing, issuing, receiving and "
                     "finding, for the accounts of 'correspondence user add'."))
@lang_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help=_("The address to listen on (0.0.0.0: every computer of the office's network)."))
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help=_("The port."))
@click.option("--https-only", is_flag=True,
              help=_("The desk is reached only through the office's HTTPS server: its sign-in cookie is marked Secure "
                     "and never sent over plain HTTP."))
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, https_only: bool) -> None:
    import uvicorn

    from correspondence.desk.app import create_app

    app = create_app(ctx.obj["workspace"], ctx.obj["register"], https_only=https_only)
    echo(_("The desk is open at http://{host}:{port}/ (Ctrl+C closes it)").format(host=host, port=port))
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=False)
