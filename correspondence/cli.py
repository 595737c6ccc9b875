"""Turn command-line arguments into calls of ``correspondence.api`` and print what they return.

Nothing heavy is imported here: ``correspondence --help`` must stay fast.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from correspondence import __version__
from correspondence.errors import CorrespondenceError, ExitStatus, Problem, UsageError
from correspondence.i18n import N_, _, set_language, translate_click

translate_click(set_language(None))

F = TypeVar("F", bound=Callable[..., Any])
KINDS_NEW = ("cong-van", "ke-hoach")


def _parse_date(value: str | None, option: str = "--ngay") -> dt.date | None:
    if value is None:
        return None
    from correspondence.vietnamese import doc_ngay

    try:
        return doc_ngay(value)
    except ValueError:
        raise UsageError(_("{option}: expected a date dd/mm/yyyy, got '{value}'").format(
            option=option, value=value)) from None


def _fail(error: CorrespondenceError, as_json: bool = False) -> None:
    _say(error, as_json)
    sys.exit(int(error.status))


def _say(error: CorrespondenceError, as_json: bool = False) -> None:
    if as_json:
        click.echo(json.dumps({"error": error.message, "problems": [p.as_dict() for p in error.problems]},
                              ensure_ascii=False, indent=2))
    else:
        click.echo(_("Error: {message}").format(message=error.message), err=True)
        for problem in error.problems:
            click.echo(f"  {problem}", err=True)


BAR_AFTER = 2.0  # seconds: work done sooner shows no bar


def _busy(message: str) -> Any:
    """A progress bar on the terminal (standard error) for work lasting over ``BAR_AFTER`` seconds: one step a file
    rendered, or a row of a merge. Yields ``update(done, total)``; nothing is shown when not a terminal."""
    import contextlib

    @contextlib.contextmanager
    def bar() -> Any:
        if not sys.stderr.isatty():
            yield lambda done, total: None
            return
        import threading

        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        from correspondence.progress import reporting

        with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), transient=True, console=Console(stderr=True)) as progress:
            task = progress.add_task(message, total=None, visible=False)
            timer = threading.Timer(BAR_AFTER, lambda: progress.update(task, visible=True))
            timer.daemon = True
            timer.start()

            def update(done: int, total: int, name: str = "") -> None:
                progress.update(task, completed=done, total=total, description=f"{message} {name}".rstrip())

            try:
                with reporting(update):
                    yield update
            finally:
                timer.cancel()

    return bar()


def _shown(path: Path) -> str:
    """A path as the clerk typed it: relative to the current folder when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _files_written(paths: list[Path]) -> None:
    for path in paths:
        click.echo(_("written: {path}").format(path=_shown(path)))


def _internal(error: BaseException) -> None:
    """An unexpected failure: a short message, the traceback in a log file, exit status 70."""
    import tempfile
    import time
    import traceback

    log = Path(tempfile.gettempdir()) / f"correspondence-loi-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"
    try:
        log.write_text("".join(traceback.format_exception(error)), "utf-8")
        where = str(log)
    except OSError:
        where = "—"
    click.echo(_("Internal error: {what}. Nothing was issued by the failed step; the details are in {log}").format(
        what=type(error).__name__, log=where), err=True)
    sys.exit(int(ExitStatus.INTERNAL))


class _Group(click.Group):
    """Runs every command inside the one error handler: no traceback ever reaches the clerk."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CorrespondenceError as error:
            _fail(error, as_json=bool(ctx.meta.get("json")))
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except KeyboardInterrupt:
            click.echo(_("Stopped."), err=True)
            sys.exit(130)
        except Exception as error:  # the one place an unexpected failure is reported
            _internal(error)


def _lang(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value:
        translate_click(set_language(value))
    return value


_lang_option = click.option("--lang", type=click.Choice(["vi", "en"]), callback=_lang, expose_value=False,
                            is_eager=True, help=_("Language of messages (default: Vietnamese, or the locale)."))


def _version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """``--version``: the version and the face PDFs embed on this machine (ND 30 names Times New Roman)."""
    if not value or ctx.resilient_parsing:
        return
    from correspondence import api

    name, path = api.pdf_font()
    click.echo(f"correspondence {__version__}")
    if name == "Times New Roman":
        click.echo(_("PDF font: Times New Roman ({path})").format(path=path))
    else:
        click.echo(_("PDF font: {name}, shipped with the tool and metric-compatible with Times New Roman (this machine "
                     "has no Times New Roman)").format(name=name))
    ctx.exit()


@click.group(cls=_Group, help=_("Vietnamese official documents (Decree 30/2020) from records: DOCX and PDF."))
@click.option("--version", is_flag=True, callback=_version, expose_value=False, is_eager=True,
              help=_("Show the version and the PDF font, then exit."))
@_lang_option
@click.option("-C", "--workspace", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=_("Workspace folder holding registers/, templates/ and output/ (default: the nearest folder "
                     "holding registers/ and output/, from the record's folder upward)."))
@click.option("--register", "register_url", default=None, metavar="URL",
              help=_("Register database URL (default: $CORRESPONDENCE_REGISTER, registers/config.yaml, "
                     "else registers/<agency>.sqlite)."))
@click.pass_context
def main(ctx: click.Context, workspace: Path | None, register_url: str | None) -> None:
    ctx.obj = {"workspace": workspace, "register": register_url}


@main.command(help=_("Validate records; write nothing."))
@_lang_option
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help=_("Print the problems as JSON."))
@click.pass_context
def check(ctx: click.Context, files: tuple[Path, ...], as_json: bool) -> None:
    from correspondence import api
    from correspondence.errors import InvalidRecord

    ctx.meta["json"] = as_json
    problems = api.check(list(files), ctx.obj["workspace"])
    if problems:
        raise InvalidRecord(_("{count} problem(s) found").format(count=len(problems)), problems)
    if as_json:
        click.echo(json.dumps({"error": None, "problems": []}))
    else:
        click.echo(_("{count} file(s) checked, no problem found.").format(count=len(files)))


_out = click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), default=None,
                    help=_("Output folder (default: output/ in the workspace)."))
_fmt = click.option("-f", "--format", "formats", type=click.Choice(["docx", "pdf"]), multiple=True,
                    help=_("Only this format (repeat for several; default: DOCX and PDF)."))


_engine = click.option("--pdf-engine", "pdf_engine", type=click.Choice(["weasyprint", "typst"]), default=None,
                       help=_("PDF engine: weasyprint (default) or typst (default: $CORRESPONDENCE_PDF_ENGINE, else "
                              "'pdf_engine' in registers/config.yaml)."))


def _notices() -> Any:
    """Print what the library tells the clerk on the way (a register created, a row completed after a crash)."""
    from correspondence.progress import noticing

    return noticing(lambda message: click.echo(message, err=True))


def _again_if_confirmed(attempt: Callable[[bool], Any], lai: bool) -> Any:
    """Run ``attempt``; when the same record was already issued, ask (on a terminal) whether to issue it again."""
    from correspondence.errors import AlreadyIssued

    try:
        return attempt(lai)
    except AlreadyIssued as error:
        if not sys.stdin.isatty():
            raise AlreadyIssued(error.message + " — " + _("add --lai to issue it again"), error.earlier) from None
        click.echo(error.message, err=True)
        if not click.confirm(_("Issue it again with a new number?"), default=False, err=True):
            raise AlreadyIssued(_("nothing was issued"), error.earlier) from None
        return attempt(True)


def _failures(failed: list[tuple[str, str | None]]) -> None:
    """Numbers taken whose files could not be made: said, and a non-zero exit."""
    if failed:
        from correspondence.errors import ArchiveFailed

        raise ArchiveFailed(_("{count} number(s) taken but their files could not be made").format(count=len(failed)), [
            Problem(number, "", reason or "", _("void it with 'correspondence register void {number} --ly-do …' and "
                                                "issue again").format(number=number)) for number, reason in failed])


_lai = click.option("--lai", is_flag=True,
                    help=_("Issue again a record whose very content was already issued this year (a new number)."))
_sheet = click.option("--sheet", default=None, help=_("The sheet of an Excel workbook to read (default: the first visible one)."))
_series = click.option("--so-rieng", "series", default=None,
                       help=_("Series, when the same number exists in several (e.g. mat)."))


_xem = click.option("--xem", is_flag=True, help=_(
    "Also write PNG pictures of the first pages beside the PDF (of an issued document: in output/xem/)."))
_mo = click.option("--mo", is_flag=True, help=_("Open the PDF with the system's viewer."))


def _can_look(formats: tuple[str, ...], xem: bool, mo: bool) -> None:
    """Before anything is done: a look needs the PDF."""
    if (xem or mo) and formats and "pdf" not in formats:
        raise UsageError(_("--xem and --mo show the PDF: add --format pdf"))


def _look(paths: list[Path], xem: bool, mo: bool, folder: Path | None = None) -> None:
    """Pictures of the first pages (``--xem``), the PDF opened in the system's viewer (``--mo``)."""
    pdfs = [path for path in paths if path.suffix == ".pdf"]
    if xem and pdfs:
        from correspondence.api import previews

        for picture in previews(pdfs, folder):
            click.echo(_("picture: {path}").format(path=_shown(picture)))
    if mo and pdfs:
        click.launch(str(pdfs[0]))


@main.command(help=_("Render a draft: marked DỰ THẢO, number and date left blank."))
@_lang_option
@click.argument("file", type=click.Path(path_type=Path))
@_out
@_fmt
@_engine
@_xem
@_mo
@click.pass_context
def draft(ctx: click.Context, file: Path, out: Path | None, formats: tuple[str, ...], pdf_engine: str | None, xem: bool,
          mo: bool) -> None:
    from correspondence import api

    _can_look(formats, xem, mo)
    with _busy(_("rendering …")):
        written = api.draft(file, out, ctx.obj["workspace"], formats or api.FORMATS, pdf_engine)
    _files_written(written)
    _look(written, xem, mo)


@main.command(help=_("Render a final document with an explicit number and date (re-create one already issued)."))
@_lang_option
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--so", type=click.IntRange(min=1), required=True, help=_("Document number, e.g. 3018."))
@click.option("--ngay", default=None, help=_("Issue date dd/mm/yyyy (default: 'ngay' in the record, else today)."))
@_out
@_fmt
@_engine
@_xem
@_mo
@click.pass_context
def render(ctx: click.Context, file: Path, so: int, ngay: str | None, out: Path | None,
           formats: tuple[str, ...], pdf_engine: str | None, xem: bool, mo: bool) -> None:
    from correspondence import api

    _can_look(formats, xem, mo)
    with _busy(_("rendering …")):
        written = api.render(file, so, _parse_date(ngay), out, ctx.obj["workspace"], formats or api.FORMATS,
                             pdf_engine)
    _files_written(written)
    _look(written, xem, mo)


@main.command(help=_("Print the JSON Schema of records (or of the agency profile) for editors."))
@_lang_option
@click.option("--co-quan", "profile", is_flag=True, help=_("The schema of the agency profile instead."))
def schema(profile: bool) -> None:
    from correspondence.api import json_schema

    click.echo(json.dumps(json_schema(profile), ensure_ascii=False, indent=2))


@main.command(help=_("Write a commented skeleton record to fill in."))
@_lang_option
@click.argument("kind", type=click.Choice(KINDS_NEW))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=_("Write to this file instead of the screen (never overwrites)."))
@click.option("--tu", "word", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=_("Take the body from this Word file (.docx) of the specialist."))
@click.pass_context
def new(ctx: click.Context, kind: str, output: Path | None, word: Path | None) -> None:
    from correspondence.api import skeleton, write_new

    text = skeleton(kind, ctx.obj["workspace"], word, output)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_new(output, text)
        click.echo(_("written: {path}").format(path=_shown(output)))


@main.command(help=_("List the kinds of administrative document of Decree 30/2020 and their abbreviations."))
@_lang_option
def kinds() -> None:
    from correspondence.api import kind_list

    for code, abbreviation, name in kind_list():
        click.echo(f"{code:<16} {abbreviation or '—':<5} {name}")


@main.command(help=_("Issue documents: take the next number from the register, write DOCX and PDF, record them."))
@_lang_option
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--ngay", default=None, help=_("Issue date dd/mm/yyyy (default: 'ngay' in the record, else today)."))
@click.option("--ho-so", "ho_so", default=None, metavar=_("SYMBOL"),
              help=_("File the issued document in this open hồ sơ, e.g. 01.VP."))
@click.option("--thay-the", "thay_the", default=None, metavar=_("NUMBER"),
              help=_("Issue a corrected document replacing this one (e.g. 12/UBND-XD6): the old number is voided "
                     "'Thay thế bằng …' and both rows name each other."))
@_fmt
@_engine
@_lai
@_xem
@_mo
@click.pass_context
def issue(ctx: click.Context, files: tuple[Path, ...], ngay: str | None, ho_so: str | None, thay_the: str | None,
          formats: tuple[str, ...], pdf_engine: str | None, lai: bool, xem: bool, mo: bool) -> None:
    from correspondence.api import issue as run
    from correspondence.api import using_pdf_engine

    _can_look(formats, xem, mo)
    day = _parse_date(ngay)

    def attempt(again: bool) -> Any:
        with _busy(_("issuing")), _notices(), using_pdf_engine(pdf_engine):
            return run(list(files), ctx.obj["workspace"], day, ctx.obj["register"], formats or ("docx", "pdf"),
                       lai=again, thay_the=thay_the, ho_so=ho_so)

    from correspondence.vietnamese import ngay_so

    done = _again_if_confirmed(attempt, lai)
    for item in done:
        if item.failure:
            continue
        click.echo(_("issued {number} dated {date}").format(number=item.entry.so_ky_hieu, date=ngay_so(item.entry.ngay)))
        if thay_the:
            click.echo(_("{old} is void: replaced by {new}").format(old=thay_the, new=item.entry.so_ky_hieu))
        if ho_so:
            click.echo(_("filed in the hồ sơ {symbol}").format(symbol=ho_so))
        _files_written(item.files)
    issued = [path for item in done for path in item.files]
    if issued:  # output/<agency>/<year>/<file>: the pictures go to output/xem, out of the archive
        _look(issued, xem, mo, issued[0].parents[2] / "xem")
    _failures([(item.entry.so_ky_hieu, item.failure) for item in done if item.failure])


@main.command(help=_("Produce the annex of a document already in the register, e.g. 4498/KH-UBND TABLE.xlsx --spec SPEC.yaml."))
@_lang_option
@click.argument("number")
@click.argument("table", type=click.Path(path_type=Path))
@click.option("--spec", "spec", type=click.Path(path_type=Path), required=True, help=_("The table spec (YAML)."))
@click.option("--tieu-de", "title", default=None, help=_("Title of the annex (default: 'tieu_de' in the spec)."))
@click.option("--co-quan", "agency", default=None, help=_("Agency id (registers/<id>.yaml); needed when there are several."))
@click.option("--nam", "year", type=click.IntRange(1, 9999), default=None, help=_("Year."))
@_series
@_fmt
@click.pass_context
def annex(ctx: click.Context, number: str, table: Path, spec: Path, title: str | None, agency: str | None,
          year: int | None, series: str | None, formats: tuple[str, ...]) -> None:
    from correspondence.api import annex as run

    with _busy(_("rendering …")), _notices():
        written = run(ctx.obj["workspace"], number, table, spec, title, agency, year, ctx.obj["register"],
                      formats or ("docx", "pdf"), series)
    _files_written(written)


@main.command(help=_("Mail merge: issue one document per row of a table (or one numbered document with a copy per row)."))
@_lang_option
@click.argument("record", type=click.Path(path_type=Path))
@click.argument("data", type=click.Path(path_type=Path))
@click.option("--mot-so", "one_number", is_flag=True,
              help=_("One number for the whole batch, one personalised copy per row (one register row)."))
@click.option("--thu", "trial", is_flag=True,
              help=_("Try the merge: every row as a draft in ONE preview PDF, the column → field mapping and each row's "
                     "recipient; no number is taken."))
@click.option("--in-chung", "together", is_flag=True,
              help=_("Also write one PDF of every document issued, in row order, to print at once."))
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=_("The preview file (with --thu; default: output/<record>-xem-truoc.pdf)."))
@click.option("--ngay", default=None, help=_("Issue date dd/mm/yyyy (default: 'ngay' in the record, else today)."))
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help=_("Rendering processes (default: every core)."))
@_sheet
@_fmt
@_lai
@click.pass_context
def merge(ctx: click.Context, record: Path, data: Path, one_number: bool, trial: bool, together: bool,
          out: Path | None, ngay: str | None, jobs: int | None, sheet: str | None, formats: tuple[str, ...],
          lai: bool) -> None:
    from correspondence import api

    if trial:
        if together or one_number or ngay or formats or lai:
            raise UsageError(_("--thu only previews: it takes no --in-chung, --mot-so, --ngay, --format or --lai"))
        with _busy(_("rendering the preview")) as update:
            shown = api.merge_preview(record, data, ctx.obj["workspace"], out, jobs, update, sheet)
        click.echo(_("Columns of the table → fields of the record:"))
        unused = _("(not used)")
        for column, name in shown.columns.items():
            click.echo(f"  {column} → {name or unused}")
        click.echo(_("Rows → recipients:"))
        for where, recipient in shown.rows:
            click.echo(f"  {where} → {recipient}")
        click.echo(_("preview of {count} document(s) written: {path}").format(count=len(shown.rows),
                                                                          path=_shown(shown.path)))
        click.echo(_("No number was taken. To issue: correspondence merge {record} {data}").format(
            record=record, data=data))
        return
    day = _parse_date(ngay)

    def attempt(again: bool) -> Any:
        with _busy(_("issuing")) as update, _notices():
            return api.merge(record, data, ctx.obj["workspace"], day, ctx.obj["register"], formats or ("docx", "pdf"),
                             one_number, jobs, progress=update, lai=again, sheet=sheet)

    if together and formats and "pdf" not in formats:
        raise UsageError(_("--in-chung prints the PDFs: add --format pdf"))
    done = _again_if_confirmed(attempt, lai)
    for item in done:
        if not item.failure:
            click.echo(f"{item.row} → {item.so_ky_hieu} → " + ", ".join(_shown(p) for p in item.files))
    unprinted = None
    if together:
        try:
            printed = api.merge_print(record, done, ctx.obj["workspace"])
        except CorrespondenceError as error:  # said, and the rows' own failures are still reported below
            _say(error)
            unprinted = error
        else:
            if printed is not None:
                click.echo(_("one file to print: {path}").format(path=_shown(printed)))
    _failures(list(dict.fromkeys((item.so_ky_hieu, item.failure) for item in done if item.failure)))
    if unprinted is not None:
        sys.exit(int(unprinted.status))


@main.group(help=_("The agency's own templates in the workspace templates/ folder."))
@_lang_option
def templates() -> None:
    pass


@templates.command("check", help=_("Report names a Word template (templates/<kind>.docx) uses that documents do not provide."))
@_lang_option
@click.pass_context
def templates_check(ctx: click.Context) -> None:
    from correspondence.api import templates_check
    from correspondence.errors import InvalidRecord

    problems, count = templates_check(ctx.obj["workspace"])
    if problems:
        raise InvalidRecord(_("{count} problem(s) found").format(count=len(problems)), problems)
    click.echo(_("{count} Word template(s) checked, no problem found.").format(count=count))


@main.group(help=_("The register of outgoing documents (sổ đăng ký văn bản đi)."))
@_lang_option
def register() -> None:
    pass


_agency = click.option("--co-quan", "agency", default=None,
                       help=_("Agency id (registers/<id>.yaml); needed when there are several."))
_year = click.option("--nam", "year", type=click.IntRange(1, 9999), default=None, help=_("Year."))


def _period(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--thang``, ``--quy``, ``--tu-ngay``, ``--den-ngay``: a month, a quarter or a span of days."""
    for option in reversed((
            click.option("--thang", "month", type=click.IntRange(1, 12), default=None,
                         help=_("Month of the year (1-12).")),
            click.option("--quy", "quarter", type=click.IntRange(1, 4), default=None, help=_("Quarter (1-4).")),
            click.option("--tu-ngay", "start", default=None, help=_("From this day, dd/mm/yyyy.")),
            click.option("--den-ngay", "end", default=None, help=_("To this day, dd/mm/yyyy.")))):
        command = option(command)
    return command


def _period_of(year: int | None, month: int | None, quarter: int | None, start: str | None,
               end: str | None) -> Any:
    from correspondence.api import period

    return period(year, month, quarter, _parse_date(start, "--tu-ngay"), _parse_date(end, "--den-ngay"))


@register.command("init", help=_("Create the register of an agency (registers/<agency>.sqlite, or --register URL)."))
@_lang_option
@_agency
@click.pass_context
def register_init(ctx: click.Context, agency: str | None) -> None:
    from correspondence.api import register_init

    with _notices():
        where = register_init(ctx.obj["workspace"], agency, ctx.obj["register"])
    click.echo(_("register created: {where}").format(where=where))


@register.command("close-year", help=_("Close a year: no document can be issued into it any more (after 31 December)."))
@_lang_option
@click.argument("year", type=click.IntRange(1, 9999))
@_agency
@click.pass_context
def register_close_year(ctx: click.Context, year: int, agency: str | None) -> None:
    from correspondence.api import register_close_year

    register_close_year(ctx.obj["workspace"], year, agency, ctx.obj["register"])
    click.echo(_("the year {year} is closed").format(year=year))


@register.command("list", help=_("List the register as a table (filters: year, kind, unit, text in the subject)."))
@_lang_option
@_agency
@_year
@click.option("--loai", "kind", default=None, help=_("Kind, e.g. cong_van."))
@click.option("--don-vi", "unit", default=None, help=_("Drafting unit abbreviation, e.g. XD6."))
@click.option("--tim", "text", default=None, help=_("Text to find in the subject."))
@_period
@click.option("--json", "as_json", is_flag=True, help=_("Print JSON."))
@click.pass_context
def register_list(ctx: click.Context, agency: str | None, year: int | None, kind: str | None, unit: str | None,
                  text: str | None, month: int | None, quarter: int | None, start: str | None, end: str | None,
                  as_json: bool) -> None:
    from correspondence.api import register_list

    period = _period_of(year, month, quarter, start, end)
    entries = register_list(ctx.obj["workspace"], agency, ctx.obj["register"], year, kind, unit, text, period)
    if as_json:
        click.echo(json.dumps([e.as_dict() for e in entries], ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    from correspondence.vietnamese import ngay_so

    if not entries:
        click.echo(_("no document in the register for this selection") if period is None else
                   _("no document from {first} to {last}").format(first=ngay_so(period[0]), last=ngay_so(period[1])))
        return
    table = Table(_("Number, symbol"), _("Date"), _("Type and subject"), _("Signer"), _("Notes"))
    for e in entries:
        table.add_row(e.so_ky_hieu, ngay_so(e.ngay), e.ten_loai_trich_yeu, e.nguoi_ky,
                      (_("VOID: ") if e.status == "voided" else "") + (e.ghi_chu or ""))
    import shutil

    Console(width=max(100, shutil.get_terminal_size().columns)).print(table)


@register.command("show", help=_("Show one entry of the register, e.g. 3018/UBND-XD6."))
@_lang_option
@click.argument("number")
@_agency
@_year
@_series
@click.pass_context
def register_show(ctx: click.Context, number: str, agency: str | None, year: int | None, series: str | None) -> None:
    from correspondence.api import register_show
    from correspondence.vietnamese import ngay_so

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
        if value not in (None, ""):
            click.echo(f"{_(label)}: {value}")


SHOW_LABELS = (("so_ky_hieu", N_("Number, symbol")), ("ngay", N_("Date")), ("ten_loai_trich_yeu", N_("Type and subject")),
               ("nguoi_ky", N_("Signer")), ("noi_nhan", N_("Recipients")),
               ("don_vi_nhan_ban_luu", N_("Unit or person keeping the filed copy")),
               ("so_luong_ban", N_("Copies")), ("ngay_chuyen", N_("Date sent")), ("ky_nhan", N_("Received by")),
               ("ghi_chu", N_("Notes")), ("series", N_("Series")), ("status", N_("Status")), ("failure", N_("Failure")),
               ("don_vi", N_("Drafting unit")), ("files", N_("Files")), ("issued_by", N_("Numbered by")),
               ("issued_at", N_("Numbered at")))
STATUS = {"issued": N_("issued"), "voided": N_("void"), "imported": N_("imported from an older register"),
          "failed": N_("numbered, files not made")}


@register.command("void", help=_("Void a number: it stays used, the reason goes into Ghi chú, the files are kept."))
@_lang_option
@click.argument("number")
@click.option("--reason", "--ly-do", "reason", required=True, help=_("Why the document is not issued."))
@_agency
@_year
@_series
@click.pass_context
def register_void(ctx: click.Context, number: str, reason: str, agency: str | None, year: int | None,
                  series: str | None) -> None:
    from correspondence.api import register_void

    entry = register_void(ctx.obj["workspace"], number, reason, agency, year, ctx.obj["register"], series)
    click.echo(_("{number} is void: {reason}").format(number=entry.so_ky_hieu, reason=reason))


@register.command("import", help=_("Bring in this year's entries from an existing register (.xlsx or .csv)."))
@_lang_option
@click.argument("file", type=click.Path(path_type=Path))
@_agency
@click.option("--so-rieng", "series", default="chung", help=_("Series to import into (default: the shared one)."))
@_sheet
@click.pass_context
def register_import(ctx: click.Context, file: Path, agency: str | None, series: str, sheet: str | None) -> None:
    from correspondence.api import register_import

    count = register_import(ctx.obj["workspace"], file, agency, series, ctx.obj["register"], sheet)
    click.echo(_("{count} entries imported.").format(count=count))


@register.command("export", help=_("Write the printable register of a year (PDF, DOCX, XLSX or CSV)."))
@_lang_option
@click.option("--nam", "year", type=click.IntRange(1, 9999), required=True, help=_("Year."))
@click.option("--format", "fmt", type=click.Choice(["pdf", "docx", "xlsx", "csv"]), default="pdf", help=_("Format."))
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help=_("Output file."))
@_agency
@click.option("--so-rieng", "series", default="chung", help=_("Series (default: the shared one)."))
@_period
@click.pass_context
def register_export(ctx: click.Context, year: int, fmt: str, out: Path | None, agency: str | None, series: str,
                    month: int | None, quarter: int | None, start: str | None, end: str | None) -> None:
    from correspondence.api import register_export

    period = _period_of(year, month, quarter, start, end)
    with _busy(_("exporting the register")):
        written = register_export(ctx.obj["workspace"], year, fmt, agency, series, out, ctx.obj["register"], period)
    _files_written([written])


@register.command("log", help=_("Print the access log: every document or register read through the tool."))
@_lang_option
@_agency
@click.option("--tat-ca", "everything", is_flag=True, help=_("Every event of the register's chain, not only reads."))
@click.pass_context
def register_log(ctx: click.Context, agency: str | None, everything: bool) -> None:
    from correspondence.api import register_log as run

    events = run(ctx.obj["workspace"], agency, ctx.obj["register"], everything)
    if not events:
        click.echo(_("nothing recorded yet"))
    for event in events:
        click.echo(f"{event.at}  {event.by}  {event.action}  {event.detail or ''}".rstrip())


@register.command("verify", help=_("Check the register: no duplicate, no unexplained gap, every file present and unchanged."))
@_lang_option
@_agency
@click.option("--no-repair", is_flag=True, help=_("Do not complete documents whose files were not written (after a crash)."))
@click.pass_context
def register_verify(ctx: click.Context, agency: str | None, no_repair: bool) -> None:
    from correspondence.api import register_verify
    from correspondence.errors import RegisterMismatch

    report = register_verify(ctx.obj["workspace"], agency, ctx.obj["register"], repair=not no_repair)
    for number in report.repaired:
        click.echo(_("completed after an interruption: {number}").format(number=number))
    for number in report.in_progress:
        click.echo(_("being issued right now by another clerk: {number}").format(number=number))
    for closed in report.closed:
        click.echo(_("closed year: {year}").format(year=closed))
    if report.problems:
        raise RegisterMismatch(_("the register has {count} problem(s)").format(count=len(report.problems)),
                               report.problems)
    click.echo(_("Register consistent: {entries} numbers, {files} files checked.").format(
        entries=report.checked, files=report.files))


@main.command(help=_("Set up this folder for an agency: its profile registers/<id>.yaml (from a sample or your "
                     "answers), templates/, output/ and its register. Asks for what the options do not say."))
@_lang_option
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
@click.pass_context
def init(ctx: click.Context, ma: str | None, mau: str | None, ten: tuple[str, ...], chu_quan: tuple[str, ...],
         viet_tat: str | None, dia_danh: str | None, thu_truong: str | None, tap_the: str | None,
         don_vi: tuple[str, ...], nguoi_ky: tuple[str, ...]) -> None:
    from correspondence import api

    ask = sys.stdin.isatty()
    if ask and ma is None:
        mau = mau or click.prompt(_("Sample profile ({names}, or leave empty)").format(
            names=", ".join(api.sample_profiles())), default="", show_default=False) or None
    if ma is None:
        if not ask:
            raise UsageError(_("give the agency's id with --ma (e.g. --ma ubnd-quang-ninh)"))
        ma = click.prompt(_("Agency id (a file name, e.g. ubnd-quang-ninh)"))
    if ask and not ten:
        ten = tuple(line.strip() for line in click.prompt(_("Agency name, lines separated by '/' (e.g. Ủy ban nhân "
                                                             "dân/Tỉnh Quảng Ninh)")).split("/"))
    if ask and dia_danh is None:
        dia_danh = click.prompt(_("Place name of the date line (e.g. Quảng Ninh)"))
    if ask and viet_tat is None and mau is None:
        viet_tat = click.prompt(_("Abbreviation of the agency (e.g. UBND)"))
    if ask and thu_truong is None and mau is None:
        thu_truong = click.prompt(_("Title of the head (e.g. Chủ tịch)"))
    if ask and not nguoi_ky:
        nguoi_ky = tuple(click.prompt(_("Signers as Full name=Title, separated by ';' (e.g. Đặng Huy Hậu=Phó Chủ "
                                        "tịch)")).split(";"))
    answers = api.Answers(ma, mau, list(ten), list(chu_quan), viet_tat, dia_danh, thu_truong, tap_the, list(don_vi),
                          [item.strip() for item in nguoi_ky if item.strip()])
    with _notices():
        done = api.init(ctx.obj["workspace"], answers, ctx.obj["register"])
    click.echo(_("written: {path}").format(path=_shown(done.profile)))
    click.echo(_("register created: {where}").format(where=done.register))
    click.echo(_("Next: correspondence new cong-van -o cong-van.yaml, fill it in, then correspondence draft cong-van.yaml"))


@main.command(help=_("Find issued and received documents by their words: body, subject, signer, recipients, tables, "
                     "number. \"…\" for a phrase, * for a word's beginning; typed without diacritics they are ignored, "
                     "typed with them they must match."))
@_lang_option
@click.argument("words", nargs=-1, required=True)
@click.option("--nam", "year", type=click.IntRange(1, 9999), default=None, help=_("Year."))
@click.option("--loai", "kind", default=None, help=_("Kind, e.g. cong_van."))
@click.option("--ho-so", "ho_so", default=None, help=_("Only the documents of this hồ sơ."))
@click.option("--tu-ngay", "start", default=None, help=_("From this day, dd/mm/yyyy."))
@click.option("--den-ngay", "end", default=None, help=_("To this day, dd/mm/yyyy."))
@click.option("-n", "--so-ket-qua", "limit", type=click.IntRange(1, 1000), default=20, help=_("How many results."))
@_agency
@click.option("--json", "as_json", is_flag=True, help=_("Print JSON."))
@click.pass_context
def search(ctx: click.Context, words: tuple[str, ...], year: int | None, kind: str | None, ho_so: str | None,
           start: str | None, end: str | None, limit: int, agency: str | None, as_json: bool) -> None:
    from correspondence.api import period as period_of
    from correspondence.api import search as run
    from correspondence.vietnamese import ngay_so

    period = period_of(year, None, None, _parse_date(start, "--tu-ngay"), _parse_date(end, "--den-ngay")) \
        if start or end else None
    hits = run(ctx.obj["workspace"], words, year, kind, ho_so, period, agency, ctx.obj["register"], limit)
    if as_json:
        click.echo(json.dumps([{"so_ky_hieu": h.so_ky_hieu, "ngay": h.ngay, "diem": h.score, "ten_loai_trich_yeu": h.ten,
                                "dong": h.line, "trang_thai": h.trang_thai} for h in hits],
                              ensure_ascii=False, indent=2))
        return
    if not hits:
        click.echo(_("no document holds these words"))
    for hit in hits:
        click.echo(f"{hit.so_ky_hieu}  {ngay_so(hit.ngay)}  {hit.ten}")
        if hit.trang_thai:
            click.echo(f"    [{hit.trang_thai}]")
        click.echo(f"    … {hit.line}")


@main.command("dinh-chinh", help=_("Write the record of the đính chính công văn (Decree 30, Art. 18.3) that corrects a "
                                   "document in the register, e.g. 12/UBND-XD6: fill it in, then issue it."))
@_lang_option
@click.argument("number")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=_("The record to write (default: dinh-chinh-<number>.yaml; never overwrites)."))
@_agency
@_year
@_series
@click.pass_context
def dinh_chinh(ctx: click.Context, number: str, output: Path | None, agency: str | None, year: int | None,
               series: str | None) -> None:
    from correspondence.api import dinh_chinh as write

    path = write(ctx.obj["workspace"], number, output, agency, year, ctx.obj["register"], series)
    click.echo(_("written: {path}").format(path=_shown(path)))
    click.echo(_("Fill in the places marked …, check it with: correspondence draft {path}; then issue it: "
                 "correspondence issue {path}").format(path=_shown(path)))


@main.group("ho-so", help=_("Hồ sơ (case files): open them from the year's danh mục, file documents, close them, "
                            "print their mục lục, list those whose retention has ended."))
@_lang_option
def ho_so() -> None:
    pass


_ho_so_year = click.option("--nam", "nam", type=click.IntRange(1, 9999), default=None,
                           help=_("The year of the hồ sơ (default: this year; when looking one up: the only one)."))


@ho_so.command("create", help=_("Open a hồ sơ: its number and symbol (e.g. 01.VP), title and retention."))
@_lang_option
@click.argument("symbol")
@click.option("--tieu-de", "title", required=True, help=_("The title of the hồ sơ."))
@click.option("--thoi-han", "retention", required=True, help=_("Retention: a number of years (10, 20 …) or vinh-vien."))
@_ho_so_year
@click.option("--don-vi", "unit", default=None, help=_("The unit keeping the hồ sơ."))
@click.option("--nguoi-lap", "keeper", default=None, help=_("Who makes up the hồ sơ."))
@_agency
@click.pass_context
def ho_so_create(ctx: click.Context, symbol: str, title: str, retention: str, nam: int | None, unit: str | None,
                 keeper: str | None, agency: str | None) -> None:
    from correspondence.api import ho_so_create as create

    made = create(ctx.obj["workspace"], symbol, title, retention, nam, unit, keeper, agency, ctx.obj["register"])
    click.echo(_("hồ sơ opened: {symbol} ({year}) {title}").format(symbol=made.ky_hieu, year=made.nam, title=made.tieu_de))


@ho_so.command("import", help=_("Open every hồ sơ of the year's danh mục hồ sơ (XLSX or CSV); all or nothing."))
@_lang_option
@click.argument("file", type=click.Path(path_type=Path))
@_ho_so_year
@_sheet
@_agency
@click.pass_context
def ho_so_import(ctx: click.Context, file: Path, nam: int | None, sheet: str | None, agency: str | None) -> None:
    from correspondence.api import ho_so_import as run

    made = run(ctx.obj["workspace"], file, nam, agency, ctx.obj["register"], sheet)
    click.echo(_("{count} hồ sơ opened from {file}").format(count=len(made), file=_shown(file)))


@ho_so.command("add", help=_("File an issued document (e.g. 01.VP 12/UBND-XD6) or a received one (01.VP --den 5) in an "
                              "open hồ sơ."))
@_lang_option
@click.argument("symbol")
@click.argument("number", required=False)
@click.option("--den", "den", type=click.IntRange(min=1), default=None, help=_("The số đến of a received document."))
@click.option("--mat", "secret", is_flag=True, help=_("A secret document: its own sequence of số đến."))
@_ho_so_year
@_agency
@click.pass_context
def ho_so_add(ctx: click.Context, symbol: str, number: str | None, den: int | None, secret: bool, nam: int | None,
              agency: str | None) -> None:
    from correspondence.api import ho_so_add as run

    ho_so_row, entry, place = run(ctx.obj["workspace"], symbol, number, nam, agency, ctx.obj["register"], None, den,
                                  secret)
    shown = number if den is None else _("số đến {number}").format(number=den)
    click.echo(_("{number} filed in {symbol} as document {place}").format(number=shown, symbol=ho_so_row.ky_hieu,
                                                                          place=place))


@ho_so.command("close", help=_("Close a hồ sơ: it takes no more documents."))
@_lang_option
@click.argument("symbol")
@_ho_so_year
@_agency
@click.pass_context
def ho_so_close(ctx: click.Context, symbol: str, nam: int | None, agency: str | None) -> None:
    from correspondence.api import ho_so_close as run

    closed = run(ctx.obj["workspace"], symbol, nam, agency, ctx.obj["register"])
    click.echo(_("hồ sơ closed: {symbol} ({year})").format(symbol=closed.ky_hieu, year=closed.nam))


@ho_so.command("show", help=_("Print the mục lục văn bản of a hồ sơ (the documents in it, in order)."))
@_lang_option
@click.argument("symbol")
@_ho_so_year
@_agency
@click.option("--json", "as_json", is_flag=True, help=_("Print JSON."))
@click.pass_context
def ho_so_show(ctx: click.Context, symbol: str, nam: int | None, agency: str | None, as_json: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    from correspondence.api import ho_so_show as run
    from correspondence.issue.hoso import retention_text
    from correspondence.vietnamese import ngay_so

    contents = run(ctx.obj["workspace"], symbol, nam, agency, ctx.obj["register"])
    h = contents.ho_so
    if as_json:
        click.echo(json.dumps({"ho_so": h.as_dict(), "trang": contents.trang, "van_ban": [
            {"thu_tu": d.thu_tu, "so_ky_hieu": d.so_ky_hieu, "ngay": d.ngay, "trang": d.trang,
             "ten_loai_trich_yeu": d.ten_loai_trich_yeu, "tac_gia": d.tac_gia} for d in contents.documents]},
            ensure_ascii=False, indent=2))
        return
    click.echo(_("MỤC LỤC VĂN BẢN — hồ sơ {symbol}, năm {year}: {title}").format(
        symbol=h.ky_hieu, year=h.nam, title=h.tieu_de))
    click.echo(_("Retention: {retention}; {state}").format(
        retention=retention_text(h.thoi_han), state=_("closed") if h.status == "dong" else _("open")))
    table = Table(_("No."), _("Number, symbol"), _("Date"), _("Type and subject"), _("Author"), _("Pages"), _("Notes"))
    for line in contents.documents:
        e = line.entry
        table.add_row(str(line.thu_tu), line.so_ky_hieu, ngay_so(line.ngay), line.ten_loai_trich_yeu,
                      line.tac_gia or "", line.trang,
                      _("VOID: ") + (e.ghi_chu or "") if e.status == "voided" else (e.ghi_chu or ""))
    import shutil

    Console(width=max(100, shutil.get_terminal_size().columns)).print(table)
    click.echo(_("{count} document(s), {pages} page(s)").format(count=len(contents.documents), pages=contents.trang))


@ho_so.command("list", help=_("List the hồ sơ of the register (of a year)."))
@_lang_option
@_ho_so_year
@_agency
@click.pass_context
def ho_so_list(ctx: click.Context, nam: int | None, agency: str | None) -> None:
    from correspondence.api import ho_so_list as run
    from correspondence.issue.hoso import retention_text

    found = run(ctx.obj["workspace"], nam, agency, ctx.obj["register"])
    if not found:
        click.echo(_("no hồ sơ yet: open one with 'correspondence ho-so create' or 'ho-so import'"))
    for h in found:
        state = _("closed") if h.status == "dong" else _("open")
        click.echo(f"{h.nam}  {h.ky_hieu:<12} {h.tieu_de} — {retention_text(h.thoi_han)}, {state}")


@ho_so.command("record-destruction", help=_("Record the decision that a closed hồ sơ whose retention ended may be "
                                             "destroyed; the tool deletes nothing."))
@_lang_option
@click.argument("symbol")
@click.option("--quyet-dinh", "decision", required=True, help=_("The decision: its number and date."))
@_ho_so_year
@_agency
@click.pass_context
def ho_so_record_destruction(ctx: click.Context, symbol: str, decision: str, nam: int | None, agency: str | None) -> None:
    from correspondence.api import ho_so_record_destruction as run

    row = run(ctx.obj["workspace"], symbol, decision, nam, agency, ctx.obj["register"])
    click.echo(_("recorded: the hồ sơ {symbol} ({year}) may be destroyed under {decision}; its files are kept until "
                 "then").format(symbol=row.ky_hieu, year=row.nam, decision=decision))


@ho_so.command("export", help=_("Write the hand-over package of a hồ sơ (or of every hồ sơ of --nam): a folder, or a "
                                 ".zip; the PDF/A originals in date order, their metadata, a manifest of SHA-256."))
@_lang_option
@click.argument("symbol", required=False)
@_ho_so_year
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), required=True,
              help=_("The package to write: a new folder, or a file ending .zip."))
@_agency
@click.pass_context
def ho_so_export(ctx: click.Context, symbol: str | None, nam: int | None, out: Path, agency: str | None) -> None:
    from correspondence.api import ho_so_export as run

    with _busy(_("writing the package")):
        path, files, documents = run(ctx.obj["workspace"], out, symbol, nam, agency, ctx.obj["register"])
    click.echo(_("package written: {path} ({files} hồ sơ, {documents} document(s))").format(
        path=_shown(path), files=files, documents=documents))
    click.echo(_("check it anywhere with: correspondence package check {path}").format(path=_shown(path)))


@ho_so.command("due", help=_("List the closed hồ sơ whose retention has ended (nothing is deleted)."))
@_lang_option
@_agency
@click.option("--xuat", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=_("Also write them as the danh mục tài liệu hết giá trị for the council (.xlsx or .csv)."))
@click.pass_context
def ho_so_due(ctx: click.Context, agency: str | None, out: Path | None) -> None:
    from correspondence.api import ho_so_destruction_list
    from correspondence.api import ho_so_due as run

    found = run(ctx.obj["workspace"], None, agency, ctx.obj["register"])
    if out is not None and found:
        path, count = ho_so_destruction_list(ctx.obj["workspace"], out, None, agency, ctx.obj["register"])
        click.echo(_("danh mục tài liệu hết giá trị written: {path} ({count} hồ sơ)").format(path=_shown(path),
                                                                                             count=count))
    if not found:
        click.echo(_("no hồ sơ has reached the end of its retention"))
    for h, last in found:
        click.echo(_("{symbol} ({year}) {title}: retention ended in {last}").format(
            symbol=h.ky_hieu, year=h.nam, title=h.tieu_de, last=last))


@main.group(help=_("The register of incoming documents (sổ đăng ký văn bản đến)."))
@_lang_option
def incoming() -> None:
    pass


_mat_den = click.option("--mat", "secret", is_flag=True, help=_("A secret document: its own sequence of số đến."))


@incoming.command("receive", help=_("Register a received document: the next số đến, the file kept with its SHA-256."))
@_lang_option
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
@_agency
@click.pass_context
def incoming_receive(ctx: click.Context, file: Path, sender: str | None, number: str | None, dated: str | None,
                     subject: str | None, secret: bool, urgent: bool, arrived: str | None, unit: str | None, stamp: bool,
                     agency: str | None) -> None:
    from correspondence.api import incoming_receive as run
    from correspondence.vietnamese import ngay_so

    row, files = run(ctx.obj["workspace"], file, sender, number, dated, subject, secret, urgent,
                     _parse_date(arrived, "--ngay-den"), unit, stamp, agency, ctx.obj["register"])
    click.echo(_("received: số đến {number}{secret} dated {date}").format(
        number=row.number, secret=_(" (secret)") if secret else "", date=ngay_so(row.ngay_den)))
    _files_written(files)


@incoming.command("list", help=_("List the incoming register of a year."))
@_lang_option
@click.option("--nam", "year", type=click.IntRange(1, 9999), default=None, help=_("Year."))
@_mat_den
@_agency
@click.option("--json", "as_json", is_flag=True, help=_("Print JSON."))
@click.pass_context
def incoming_list(ctx: click.Context, year: int | None, secret: bool, agency: str | None, as_json: bool) -> None:
    from correspondence.api import incoming_list as run
    from correspondence.vietnamese import ngay_so

    rows = run(ctx.obj["workspace"], year, secret, agency, ctx.obj["register"])
    if as_json:
        click.echo(json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo(_("no document received yet"))
    for r in rows:
        void = _("VOID: ") if r.status == "voided" else ""
        click.echo(f"{r.number:>5}  {ngay_so(r.ngay_den)}  {r.tac_gia}  {r.so_ky_hieu or ''}  {void}{r.trich_yeu}")


@incoming.command("show", help=_("Show one số đến of the incoming register."))
@_lang_option
@click.argument("number", type=click.IntRange(min=1))
@click.option("--nam", "year", type=click.IntRange(1, 9999), default=None, help=_("Year."))
@_mat_den
@_agency
@click.pass_context
def incoming_show(ctx: click.Context, number: int, year: int | None, secret: bool, agency: str | None) -> None:
    from correspondence.api import incoming_show as run

    row = run(ctx.obj["workspace"], number, year, secret, agency, ctx.obj["register"])
    for key, value in row.as_dict().items():
        if value not in (None, "", []):
            click.echo(f"{key}: {value}")


@incoming.command("void", help=_("Void a số đến: it stays used, the reason goes into Ghi chú."))
@_lang_option
@click.argument("number", type=click.IntRange(min=1))
@click.option("--reason", "--ly-do", "reason", required=True, help=_("Why the number is voided."))
@click.option("--nam", "year", type=click.IntRange(1, 9999), default=None, help=_("Year."))
@_mat_den
@_agency
@click.pass_context
def incoming_void(ctx: click.Context, number: int, reason: str, year: int | None, secret: bool,
                  agency: str | None) -> None:
    from correspondence.api import incoming_void as run

    row = run(ctx.obj["workspace"], number, reason, year, secret, agency, ctx.obj["register"])
    click.echo(_("số đến {number} voided: {note}").format(number=row.number, note=row.ghi_chu))


@incoming.command("export", help=_("Print the incoming register of a year (PL IV: cover and ten columns)."))
@_lang_option
@click.option("--nam", "year", type=click.IntRange(1, 9999), default=None, help=_("Year (default: this year)."))
@click.option("--format", "fmt", type=click.Choice(["pdf", "docx", "xlsx", "csv"]), default="pdf", help=_("Format."))
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=_("The file to write."))
@_mat_den
@_agency
@click.pass_context
def incoming_export(ctx: click.Context, year: int | None, fmt: str, out: Path | None, secret: bool,
                    agency: str | None) -> None:
    from correspondence.api import incoming_export as run
    from correspondence.vietnamese import hom_nay

    with _busy(_("exporting the register")):
        written = run(ctx.obj["workspace"], year or hom_nay().year, fmt, secret, out, agency, ctx.obj["register"])
    _files_written([written])


@main.group(help=_("Hand-over packages of hồ sơ."))
@_lang_option
def package() -> None:
    pass


@package.command("check", help=_("Re-verify a package (folder or .zip) anywhere, without the register: every file "
                                 "missing, extra or changed is named."))
@_lang_option
@click.argument("path", type=click.Path(path_type=Path))
def package_check(path: Path) -> None:
    from correspondence.api import package_check as run
    from correspondence.errors import RegisterMismatch

    checked = run(path)
    if checked.problems:
        raise RegisterMismatch(_("the package has {count} problem(s)").format(count=len(checked.problems)),
                               checked.problems)
    click.echo(_("Package intact: {files} files, each with its SHA-256.").format(files=checked.files))


if __name__ == "__main__":  # pragma: no cover
    main()


__all__ = ["main", "ExitStatus"]
