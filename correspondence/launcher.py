"""Turn the command line into its answer: ``correspondence [COMMAND …] --help`` into the help page written with the
reference docs (``cli/help.json``: the very text click prints, in each language, for a terminal of 80 columns or
more) without loading click or the commands; everything else goes to ``correspondence.cli``.

Asking for help is what a newcomer does first, and the answer should come at once: loading click alone costs twice
Python's own start.
"""

from __future__ import annotations

import json
import os
import sys
from importlib import import_module
from pathlib import Path

from correspondence.i18n import LANGUAGES, language_from_environment

PAGES = Path(__file__).resolve().parent / "cli" / "help.json"
PROGRAM = "correspondence"
HELP = ("-h", "--help")
WIDTH = 80  # click wraps help to the terminal, at most 80 columns: the pages are written for 80 and more


def _columns() -> int:
    """The terminal's width as click reads it (``shutil.get_terminal_size``: $COLUMNS, the terminal, else 80)."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns > 0:
        return columns
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns if sys.__stdout__ else WIDTH
    except (AttributeError, ValueError, OSError):
        return WIDTH


def written_help(argv: list[str], program: str) -> str | None:
    """The help page ``argv`` asks for, when it is a written one: command names, ``--lang vi|en`` anywhere, and
    ``-h``/``--help`` last; None for anything else (click answers it)."""
    if program != PROGRAM or not argv or argv[-1] not in HELP or _columns() < WIDTH:
        return None
    words, language, rest = [], None, iter(argv[:-1])
    for word in rest:
        if word == "--lang":
            language = next(rest, None)
        elif word.startswith("--lang="):
            language = word.removeprefix("--lang=")
        elif word.startswith("-"):
            return None
        else:
            words.append(word)
    if language is not None and language not in LANGUAGES:
        return None
    try:
        pages = json.loads(PAGES.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    page = pages.get(language or language_from_environment(), {}).get(" ".join(words))
    return page if isinstance(page, str) else None


def main() -> None:
    """The ``correspondence`` command."""
    page = written_help(sys.argv[1:], Path(sys.argv[0]).name)
    if page is not None:
        sys.stdout.write(page)
        sys.stdout.flush()
        return
    import_module("correspondence.cli").main()
