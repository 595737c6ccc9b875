"""Turn what the api returns into what the clerk reads: errors, written files, paths as typed, a progress bar on a
terminal for long work, the library's notices; control characters never acted on.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from correspondence.errors import CorrespondenceError
from correspondence.i18n import _


def printable(text: object) -> str:
    """Text as the terminal may show it: control characters (a name holding ``ESC[31m``, a bell) and bidi overrides
    written as ``\\x1b``, ``\\u202e``, never acted on; line breaks and tabs kept. Past the C0 controls (which JSON
    escapes itself) the escape is ``\\uXXXX``, so JSON text stays valid JSON."""
    return "".join(c if c in "\n\t" or not (ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 or c in _BIDI)
                   else (f"\\x{ord(c):02x}" if ord(c) < 0x20 else f"\\u{ord(c):04x}") for c in str(text))


def echo(message: object = "", **options: Any) -> None:
    """``click.echo`` of text a record, a file name or a received document may have put there: never acted on by the
    terminal (``printable``)."""
    click.echo(printable(message) if isinstance(message, str) else message, **options)


_BIDI = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def say(error: CorrespondenceError, as_json: bool = False) -> None:
    if as_json:
        click.echo(json.dumps({"error": error.message, "problems": [p.as_dict() for p in error.problems]},
                              ensure_ascii=False, indent=2))
    else:
        click.echo(printable(_("Error: {message}").format(message=error.message)), err=True)
        for problem in error.problems:
            click.echo(printable(f"  {problem}"), err=True)


BAR_AFTER = 2.0  # seconds: work done sooner shows no bar


def busy(message: str) -> Any:
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


def shown(path: Path) -> str:
    """A path as the clerk typed it: relative to the current folder when it is inside it."""
    try:
        return printable(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return printable(path)


def files_written(paths: list[Path]) -> None:
    for path in paths:
        click.echo(_("written: {path}").format(path=shown(path)))


def notices() -> Any:
    """Print what the library tells the clerk on the way (a register created, a row completed after a crash)."""
    from correspondence.progress import noticing

    return noticing(lambda message: click.echo(message, err=True))
