"""Turn command-line arguments into calls of ``correspondence.api`` and print what they return.

Nothing heavy is imported here: ``correspondence --help`` must stay fast.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from correspondence import __version__
from correspondence.errors import CorrespondenceError, ExitStatus, UsageError
from correspondence.i18n import _, set_language, translate_click

translate_click(set_language(None))

F = TypeVar("F", bound=Callable[..., Any])
KINDS_NEW = ("cong-van",)


def _parse_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(_("--ngay: expected a date YYYY-MM-DD, got '{value}'").format(value=value)) from None


def _fail(error: CorrespondenceError, as_json: bool = False) -> None:
    if as_json:
        click.echo(json.dumps({"error": error.message, "problems": [p.as_dict() for p in error.problems]},
                              ensure_ascii=False, indent=2))
    else:
        click.echo(_("Error: {message}").format(message=error.message), err=True)
        for problem in error.problems:
            click.echo(f"  {problem}", err=True)
    sys.exit(int(error.status))


def _shown(path: Path) -> str:
    """A path as the clerk typed it: relative to the current folder when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _files_written(paths: list[Path]) -> None:
    for path in paths:
        click.echo(_("written: {path}").format(path=_shown(path)))


class _Group(click.Group):
    """Runs every command inside the one error handler."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CorrespondenceError as error:
            _fail(error, as_json=bool(ctx.meta.get("json")))


def _lang(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value:
        translate_click(set_language(value))
    return value


_lang_option = click.option("--lang", type=click.Choice(["vi", "en"]), callback=_lang, expose_value=False,
                            is_eager=True, help=_("Language of messages (default: Vietnamese, or the locale)."))


@click.group(cls=_Group, help=_("Vietnamese official documents (Decree 30/2020) from records: DOCX and PDF."))
@click.version_option(version=__version__, prog_name="correspondence")
@_lang_option
@click.option("-C", "--workspace", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=_("Workspace folder holding registers/, templates/ and output/ (default: the current folder)."))
@click.pass_context
def main(ctx: click.Context, workspace: Path | None) -> None:
    ctx.obj = {"workspace": workspace}


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


@main.command(help=_("Render a draft: marked DỰ THẢO, number and date left blank."))
@_lang_option
@click.argument("file", type=click.Path(path_type=Path))
@_out
@_fmt
@click.pass_context
def draft(ctx: click.Context, file: Path, out: Path | None, formats: tuple[str, ...]) -> None:
    from correspondence import api

    _files_written(api.draft(file, out, ctx.obj["workspace"], formats or api.FORMATS))


@main.command(help=_("Render a final document with an explicit number and date (re-create one already issued)."))
@_lang_option
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--so", type=click.IntRange(min=1), required=True, help=_("Document number, e.g. 3018."))
@click.option("--ngay", default=None, help=_("Issue date YYYY-MM-DD (default: 'ngay' in the record, else today)."))
@_out
@_fmt
@click.pass_context
def render(ctx: click.Context, file: Path, so: int, ngay: str | None, out: Path | None,
           formats: tuple[str, ...]) -> None:
    from correspondence import api

    _files_written(api.render(file, so, _parse_date(ngay), out, ctx.obj["workspace"], formats or api.FORMATS))


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
@click.pass_context
def new(ctx: click.Context, kind: str, output: Path | None) -> None:
    from correspondence.api import skeleton, write_new

    text = skeleton(kind, ctx.obj["workspace"])
    if output is None:
        click.echo(text, nl=False)
    else:
        write_new(output, text)
        click.echo(_("written: {path}").format(path=_shown(output)))


@main.command(help=_("List the kinds of administrative document of Decree 30/2020 and their abbreviations."))
@_lang_option
def kinds() -> None:
    from correspondence.kinds import CATALOGUE

    for kind in CATALOGUE:
        click.echo(f"{kind.code:<16} {kind.viet_tat or '—':<5} {kind.ten}")


if __name__ == "__main__":  # pragma: no cover
    main()


__all__ = ["main", "ExitStatus"]
