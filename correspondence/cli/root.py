"""Turn the command line into the root group ``correspondence``: its options (--workspace, --register, --lang,
--version) and the one error handler every command runs inside: no traceback ever reaches the clerk.
"""

from __future__ import annotations

import errno
import io
import os
import sys
from pathlib import Path
from typing import Any

import click

from correspondence import __version__
from correspondence.cli.options import lang_option
from correspondence.cli.printing import echo, say
from correspondence.click_messages import metavar
from correspondence.errors import CorrespondenceError, ExitStatus, UsageError
from correspondence.i18n import _


def _fail(error: CorrespondenceError, as_json: bool = False) -> None:
    say(error, as_json)
    sys.exit(int(error.status))


def _internal(error: BaseException) -> None:
    """An unexpected failure: a short message, the traceback in a log file, exit status 70."""
    import tempfile
    import time
    import traceback

    try:  # a new file of a name no one can guess, readable by this user only: a planted link is never followed
        fd, where = tempfile.mkstemp(prefix=f"correspondence-loi-{time.strftime('%Y%m%d-%H%M%S')}-", suffix=".log")
        with os.fdopen(fd, "w", encoding="utf-8") as log:
            log.write("".join(traceback.format_exception(error)))
    except OSError:
        where = "—"
    echo(_("Internal error: {what}. Nothing was issued by the failed step; the details are in {log}").format(
        what=type(error).__name__, log=where), err=True)
    sys.exit(int(ExitStatus.INTERNAL))


class _Argument(click.Argument):
    def make_metavar(self, ctx: click.Context) -> str:
        return metavar(super().make_metavar(ctx))


class _Localized:
    """The usage line in the clerk's language: ``Cách dùng: correspondence register show [TÙY CHỌN] SỐ``."""

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        return [metavar(piece) for piece in super().collect_usage_pieces(ctx)]  # type: ignore[misc]


class _Command(_Localized, click.Command):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:  # the argument names of usage lines and errors ('Thiếu đối số SỐ')
            if type(param) is click.Argument:
                param.__class__ = _Argument


class _SubGroup(_Localized, click.Group):
    command_class = _Command


class _Group(_Localized, click.Group):
    """Runs every command inside the one error handler: no traceback ever reaches the clerk."""

    command_class = _Command
    group_class = _SubGroup

    def invoke(self, ctx: click.Context) -> Any:
        try:
            os.getcwd()
        except FileNotFoundError:  # every relative path, and each file named as the clerk sees it, needs it
            _fail(UsageError(_("the working folder no longer exists (removed or moved since the terminal went into "
                               "it): go into the office folder again (cd) and run the command again")),
                  as_json=bool(ctx.meta.get("json")))
        try:
            return super().invoke(ctx)
        except CorrespondenceError as error:
            _fail(error, as_json=bool(ctx.meta.get("json")))
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except KeyboardInterrupt:
            echo(_("Stopped."), err=True)
            sys.exit(130)
        except BrokenPipeError:  # the reader of the output is gone (``… | head``): end quietly, as other tools do
            try:
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            except (OSError, ValueError, io.UnsupportedOperation):
                pass
            sys.exit(128 + 13)  # killed by SIGPIPE, as the shell reports it
        except OSError as error:
            if error.errno != errno.ENAMETOOLONG:
                _internal(error)
            _fail(UsageError(_("the file name is too long (at most 255 bytes): {path}").format(
                path=error.filename or "—")), as_json=bool(ctx.meta.get("json")))
        except Exception as error:  # the one place an unexpected failure is reported
            _internal(error)


def _version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """``--version``: the version and the face PDFs embed on this machine (ND 30 names Times New Roman)."""
    if not value or ctx.resilient_parsing:
        return
    from correspondence import api

    name, path = api.pdf_font()
    echo(f"correspondence {__version__}")
    if name == "Times New Roman":
        echo(_("PDF font: Times New Roman ({path})").format(path=path))
    else:
        echo(_("PDF font: {name}, shipped with the tool and metric-compatible with Times New Roman (this machine "
                     "has no Times New Roman)").format(name=name))
    ctx.exit()


@click.group(cls=_Group, help=_("Vietnamese official documents (Decree 30/2020) from records: DOCX and PDF."),
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, callback=_version, expose_value=False, is_eager=True,
              help=_("Show the version and the PDF font, then exit."))
@lang_option
@click.option("-C", "--workspace", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=_("Workspace folder holding registers/, templates/ and output/ (default: the nearest folder "
                     "holding registers/ and output/, from the record's folder upward)."))
@click.option("--register", "register_url", default=None, metavar="URL",
              help=_("Register database URL (default: $CORRESPONDENCE_REGISTER, registers/config.yaml, "
                     "else registers/<agency>.sqlite)."))
@click.pass_context
def main(ctx: click.Context, workspace: Path | None, register_url: str | None) -> None:
    ctx.obj = {"workspace": workspace, "register": register_url}
