"""Turn the document commands (check, draft, render, schema, new, kinds, issue, annex, merge, templates,
dinh-chinh) into calls of ``correspondence.api`` and print what they return.
"""

from __future__ import annotations

import json
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from correspondence.cli.options import (
    agency_option,
    format_option,
    lai_option,
    lang_option,
    mo_option,
    out_option,
    parse_date,
    series_option,
    sheet_option,
    xem_option,
    year_option,
)
from correspondence.cli.printing import busy, echo, files_written, notices, say, shown
from correspondence.cli.root import main
from correspondence.errors import CorrespondenceError, Problem, UsageError
from correspondence.i18n import _

# The kinds 'new' has a built-in skeleton of (templates/new/), for its help; a workspace may add its own.
KINDS_NEW = ("nghi-quyet", "quyet-dinh", "chi-thi", "quy-che", "quy-dinh", "thong-cao", "thong-bao", "huong-dan",
             "chuong-trinh", "ke-hoach", "phuong-an", "de-an", "du-an", "bao-cao", "bien-ban", "to-trinh", "hop-dong",
             "cong-van", "cong-dien", "ban-ghi-nho", "ban-thoa-thuan", "giay-uy-quyen", "giay-moi", "giay-gioi-thieu",
             "giay-nghi-phep", "phieu-gui", "phieu-chuyen", "phieu-bao", "thu-cong", "sao-y", "sao-luc", "trich-sao")


@main.command(help=_("Validate records; write nothing."))
@lang_option
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help=_("Print the problems as JSON."))
@click.pass_context
def check(ctx: click.Context, files: tuple[Path, ...], as_json: bool) -> None:
    from correspondence import api
    from correspondence.errors import InvalidRecord

    ctx.meta["json"] = as_json
    problems, advice = api.check_with_advice(list(files), ctx.obj["workspace"])
    if problems:
        raise InvalidRecord(_("{count} problem(s) found").format(count=len(problems)), problems)
    if as_json:
        echo(json.dumps({"error": None, "problems": [], "warnings": [p.as_dict() for p in advice]},
                        ensure_ascii=False))
    else:
        for problem in advice:
            echo(str(problem), err=True)
        echo(_("{count} file(s) checked, no problem found.").format(count=len(files)))


def _again_if_confirmed(attempt: Callable[[bool], Any], lai: bool) -> Any:
    """Run ``attempt``; when the same record was already issued, ask (on a terminal) whether to issue it again."""
    from correspondence.errors import AlreadyIssued

    try:
        return attempt(lai)
    except AlreadyIssued as error:
        if not sys.stdin.isatty():
            raise AlreadyIssued(error.message + " — " + _("add --lai to issue it again"), error.earlier) from None
        echo(error.message, err=True)
        if not click.confirm(_("Issue it again with a new number?"), default=False, err=True):
            raise AlreadyIssued(_("nothing was issued"), error.earlier) from None
        return attempt(True)


def _failures(failed: list[tuple[str, str | None, bool]]) -> None:
    """Numbers taken whose files could not be made (or not written for now: pending): said, and a non-zero exit."""
    if failed:
        from correspondence.errors import ArchiveFailed

        raise ArchiveFailed(_("{count} number(s) taken but their files could not be made").format(count=len(failed)), [
            Problem(number, "", _("number taken but its files are not written yet: {reason}").format(reason=reason),
                    _("free the space (or fix the folder), then run 'correspondence register verify': it writes them"))
            if pending else
            Problem(number, "", reason or "", _("void it with 'correspondence register void {number} --ly-do …' and "
                                                "issue again").format(number=number))
            for number, reason, pending in failed])


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
            echo(_("picture: {path}").format(path=shown(picture)))
    if mo and pdfs:
        click.launch(str(pdfs[0]))


@main.command(help=_("Render a draft: marked DỰ THẢO, number and date left blank."))
@lang_option
@click.argument("file", type=click.Path(path_type=Path))
@out_option
@format_option
@xem_option
@mo_option
@click.pass_context
def draft(ctx: click.Context, file: Path, out: Path | None, formats: tuple[str, ...], xem: bool, mo: bool) -> None:
    from correspondence import api

    _can_look(formats, xem, mo)
    with busy(_("rendering …")), notices():
        written = api.draft(file, out, ctx.obj["workspace"], formats or api.FORMATS)
    files_written(written)
    _look(written, xem, mo)


@main.command(help=_("Render a final document with an explicit number and date (re-create one already issued)."))
@lang_option
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--so", type=click.IntRange(min=1), required=True, help=_("Document number, e.g. 3018."))
@click.option("--ngay", default=None, help=_("Issue date dd/mm/yyyy (default: 'ngay' in the record, else today)."))
@out_option
@format_option
@xem_option
@mo_option
@click.pass_context
def render(ctx: click.Context, file: Path, so: int, ngay: str | None, out: Path | None,
           formats: tuple[str, ...], xem: bool, mo: bool) -> None:
    from correspondence import api

    _can_look(formats, xem, mo)
    with busy(_("rendering …")), notices():
        written = api.render(file, so, parse_date(ngay), out, ctx.obj["workspace"], formats or api.FORMATS)
    files_written(written)
    _look(written, xem, mo)


@main.command(help=_("Print the JSON Schema of records (or of the agency profile) for editors."))
@lang_option
@click.option("--co-quan", "profile", is_flag=True, help=_("The schema of the agency profile instead."))
def schema(profile: bool) -> None:
    from correspondence.api import json_schema

    echo(json.dumps(json_schema(profile), ensure_ascii=False, indent=2))


@main.command(help=_("Write a commented skeleton record to fill in.") + "\n\n" + _(
    "KIND is the code of a kind (see 'correspondence kinds'), written with '-' or '_' (cong-van, cong_van):")
    + "\n\n\b\n" + "\n".join(textwrap.wrap(", ".join(KINDS_NEW), 72, break_on_hyphens=False)))
@lang_option
@click.argument("kind", metavar="KIND")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=_("Write to this file instead of the screen (never overwrites)."))
@click.option("--tu", "word", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=_("Take the body from this Word file (.docx) of the specialist."))
@click.pass_context
def new(ctx: click.Context, kind: str, output: Path | None, word: Path | None) -> None:
    from correspondence.api import skeleton, write_new

    text = skeleton(kind, ctx.obj["workspace"], word, output)
    if output is None:
        echo(text, nl=False)
    else:
        write_new(output, text)
        echo(_("written: {path}").format(path=shown(output)))


@main.command(help=_("List the kinds of administrative document of Decree 30/2020 and their abbreviations."))
@lang_option
def kinds() -> None:
    from correspondence.api import kind_list

    for code, abbreviation, name in kind_list():
        echo(f"{code:<16} {abbreviation or '—':<5} {name}")


@main.command(help=_("Issue documents: take the next number from the register, write DOCX and PDF, record them."))
@lang_option
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--ngay", default=None, help=_("Issue date dd/mm/yyyy (default: 'ngay' in the record, else today)."))
@click.option("--ho-so", "ho_so", default=None, metavar=_("SYMBOL"),
              help=_("File the issued document in this open hồ sơ, e.g. 01.VP."))
@click.option("--thay-the", "thay_the", default=None, metavar=_("NUMBER"),
              help=_("Issue a corrected document replacing this one (e.g. 12/UBND-XD6): the old number is voided "
                     "'Thay thế bằng …' and both rows name each other."))
@format_option
@lai_option
@xem_option
@mo_option
@click.pass_context
def issue(ctx: click.Context, files: tuple[Path, ...], ngay: str | None, ho_so: str | None, thay_the: str | None,
          formats: tuple[str, ...], lai: bool, xem: bool, mo: bool) -> None:
    from correspondence.api import issue as run

    _can_look(formats, xem, mo)
    day = parse_date(ngay)

    def attempt(again: bool) -> Any:
        with busy(_("issuing")), notices():
            return run(list(files), ctx.obj["workspace"], day, ctx.obj["register"], formats or ("docx", "pdf"),
                       lai=again, thay_the=thay_the, ho_so=ho_so)

    from correspondence.vietnamese import ngay_so

    done = _again_if_confirmed(attempt, lai)
    for item in done:
        if item.failure:
            continue
        echo(_("issued {number} dated {date}").format(number=item.entry.so_ky_hieu, date=ngay_so(item.entry.ngay)))
        if thay_the:
            echo(_("{old} is void: replaced by {new}").format(old=thay_the, new=item.entry.so_ky_hieu))
        if ho_so:
            echo(_("filed in the hồ sơ {symbol}").format(symbol=ho_so))
        files_written(item.files)
    issued = [path for item in done for path in item.files]
    if issued:  # output/<agency>/<year>/<file>: the pictures go to output/xem, out of the archive
        _look(issued, xem, mo, issued[0].parents[2] / "xem")
    _failures([(item.entry.so_ky_hieu, item.failure, item.entry.pending) for item in done if item.failure])


@main.command(help=_("Produce the annex of a document already in the register, e.g. 4498/KH-UBND TABLE.xlsx --spec SPEC.yaml."))
@lang_option
@click.argument("number")
@click.argument("table", type=click.Path(path_type=Path))
@click.option("--spec", "spec", type=click.Path(path_type=Path), required=True, help=_("The table spec (YAML)."))
@click.option("--tieu-de", "title", default=None, help=_("Title of the annex (default: 'tieu_de' in the spec)."))
@click.option("--co-quan", "agency", default=None, help=_("Agency id (registers/<id>.yaml); needed when there are several."))
@click.option("--nam", "year", type=click.IntRange(1, 9999), default=None, help=_("Year."))
@series_option
@format_option
@click.option("--dien-tu", is_flag=True, help=_(
    "An electronic annex in a file of its own (Form 2.2): the number and date of its 'Kèm theo' line left blank, "
    "for the agency's digital signature to carry."))
@click.pass_context
def annex(ctx: click.Context, number: str, table: Path, spec: Path, title: str | None, agency: str | None,
          year: int | None, series: str | None, formats: tuple[str, ...], dien_tu: bool) -> None:
    from correspondence.api import annex as run

    with busy(_("rendering …")), notices():
        written = run(ctx.obj["workspace"], number, table, spec, title, agency, year, ctx.obj["register"],
                      formats or ("docx", "pdf"), series, dien_tu)
    files_written(written)


@main.command(help=_("Mail merge: issue one document per row of a table (or one numbered document with a copy per row)."))
@lang_option
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
@sheet_option
@format_option
@lai_option
@click.pass_context
def merge(ctx: click.Context, record: Path, data: Path, one_number: bool, trial: bool, together: bool,
          out: Path | None, ngay: str | None, jobs: int | None, sheet: str | None, formats: tuple[str, ...],
          lai: bool) -> None:
    from correspondence import api

    if trial:
        if together or one_number or ngay or formats or lai:
            raise UsageError(_("--thu only previews: it takes no --in-chung, --mot-so, --ngay, --format or --lai"))
        with busy(_("rendering the preview")) as update:
            previewed = api.merge_preview(record, data, ctx.obj["workspace"], out, jobs, update, sheet)
        echo(_("Columns of the table → fields of the record:"))
        unused = _("(not used)")
        for column, name in previewed.columns.items():
            replaced = previewed.fields.get(column)
            echo(f"  {column} → {name or unused}" + ("" if replaced is None else " " + _(
                "(a field of the record: {what}; not a variable of the body)").format(what=replaced)))
        echo(_("Rows → recipients:"))
        for where, recipient in previewed.rows:
            echo(f"  {where} → {recipient}")
        echo(_("preview of {count} document(s) written: {path}").format(count=len(previewed.rows),
                                                                          path=shown(previewed.path)))
        echo(_("No number was taken. To issue: correspondence merge {record} {data}").format(
            record=record, data=data))
        return
    day = parse_date(ngay)

    def attempt(again: bool) -> Any:
        with busy(_("issuing")) as update, notices():
            return api.merge(record, data, ctx.obj["workspace"], day, ctx.obj["register"], formats or ("docx", "pdf"),
                             one_number, jobs, progress=update, lai=again, sheet=sheet)

    if together and formats and "pdf" not in formats:
        raise UsageError(_("--in-chung prints the PDFs: add --format pdf"))
    done = _again_if_confirmed(attempt, lai)
    for item in done:
        if not item.failure:
            echo(f"{item.row} → {item.so_ky_hieu} → " + ", ".join(shown(p) for p in item.files))
    unprinted = None
    if together:
        try:
            printed = api.merge_print(record, done, ctx.obj["workspace"])
        except CorrespondenceError as error:  # said, and the rows' own failures are still reported below
            say(error)
            unprinted = error
        else:
            if printed is not None:
                echo(_("one file to print: {path}").format(path=shown(printed)))
    _failures(list(dict.fromkeys((item.so_ky_hieu, item.failure, item.pending) for item in done if item.failure)))
    if unprinted is not None:
        sys.exit(int(unprinted.status))


@main.group(help=_("The agency's own templates in the workspace templates/ folder."))
@lang_option
def templates() -> None:
    pass


@templates.command("check", help=_("Report names a Word template (templates/<kind>.docx) uses that documents do not provide."))
@lang_option
@click.pass_context
def templates_check(ctx: click.Context) -> None:
    from correspondence.api import templates_check
    from correspondence.errors import InvalidRecord

    problems, count = templates_check(ctx.obj["workspace"])
    if problems:
        raise InvalidRecord(_("{count} problem(s) found").format(count=len(problems)), problems)
    echo(_("{count} Word template(s) checked, no problem found.").format(count=count))


@main.command("dinh-chinh", help=_("Write the record of the đính chính công văn (Decree 30, Art. 18.3) that corrects a "
                                   "document in the register, e.g. 12/UBND-XD6: fill it in, then issue it."))
@lang_option
@click.argument("number")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=_("The record to write (default: dinh-chinh-<number>.yaml; never overwrites)."))
@agency_option
@year_option
@series_option
@click.pass_context
def dinh_chinh(ctx: click.Context, number: str, output: Path | None, agency: str | None, year: int | None,
               series: str | None) -> None:
    from correspondence.api import dinh_chinh as write

    path = write(ctx.obj["workspace"], number, output, agency, year, ctx.obj["register"], series)
    echo(_("written: {path}").format(path=shown(path)))
    echo(_("Fill in the places marked …, check it with: correspondence draft {path}; then issue it: "
                 "correspondence issue {path}").format(path=shown(path)))
