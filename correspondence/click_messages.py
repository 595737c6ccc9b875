"""Turn click's own messages (usage, help, argument errors) into catalogue entries, so clerks read them in Vietnamese.

``_marked`` never runs: its calls only mark click's message ids for extraction into ``locales/``. The words click
does not ask gettext for — its type names (TEXT, INTEGER RANGE) and the usage line's metavars ([OPTIONS], NUMBER) —
are put in the current language by ``localize_types`` and ``metavar``.
"""

from __future__ import annotations

import re
from gettext import ngettext

import click

from correspondence.i18n import N_, _

# Click's parameter types by the name their metavar (TEXT, INTEGER RANGE) and some errors print.
TYPE_NAMES = ((click.types.StringParamType, N_("text")), (click.types.IntParamType, N_("integer")),
              (click.types.IntRange, N_("integer range")), (click.types.FloatParamType, N_("float")),
              (click.types.FloatRange, N_("float range")), (click.types.BoolParamType, N_("boolean")),
              (click.types.DateTime, N_("datetime")), (click.types.File, N_("filename")))
# The words of usage lines: click's own and the names of the tool's arguments.
METAVARS = (N_("OPTIONS"), N_("COMMAND"), N_("ARGS"), N_("FILE"), N_("FILES"), N_("NUMBER"), N_("KIND"), N_("RECORD"),
            N_("DATA"), N_("TABLE"), N_("SYMBOL"), N_("WORDS"), N_("PATH"), N_("YEAR"))
_WORD = re.compile(r"[A-Z][A-Z_]*")


def localize_types() -> None:
    """Name click's types in the current language (the metavars of the help's options, some errors)."""
    for kind, name in TYPE_NAMES:
        kind.name = _(name)


def metavar(text: str) -> str:
    """A piece of a usage line (``[OPTIONS]``, ``COMMAND [ARGS]...``, ``NUMBER``) in the current language."""
    return _WORD.sub(lambda match: _(match.group(0)) if match.group(0) in METAVARS else match.group(0), text)


def _marked() -> None:  # pragma: no cover - never called
    N_("Usage:")
    N_("Options")
    N_("Commands")
    N_("Show this message and exit.")
    N_("Show the version and exit.")
    N_("Error: {message}")
    N_("Try '{command} {option}' for help.")
    N_("Missing argument")
    N_("Missing option")
    N_("Missing parameter")
    N_("Missing command.")
    N_("No such command {name!r}.")
    N_("No such option {name!r}.")
    N_("Invalid value for {param_hint}: {message}")
    N_("Invalid value: {message}")
    N_("{value!r} is not a valid {number_type}.")
    N_("{value} is not in the range {range}.")
    N_("{name} {filename!r} does not exist.")
    N_("{name} {filename!r} is a directory.")
    N_("{name} {filename!r} is a file.")
    N_("Aborted!")
    N_("%(prog)s, version %(version)s")
    N_("file")
    N_("directory")
    N_("path")
    N_("required")
    N_("default: {default}")
    N_("env var: {var}")
    N_("(dynamic)")
    N_("deprecated")
    N_("Positional arguments")
    N_("Do you want to continue?")
    N_("Error: invalid input")
    N_("Missing parameter: {param_name}")
    N_("Missing {param_type}")
    N_("Option {name!r} does not take a value.")
    N_("Could not open file {filename!r}: {message}")
    N_("{name} {filename!r} is not readable.")
    N_("{name} {filename!r} is not writable.")
    N_("{value!r} is not a valid boolean. Recognized values: {states}")
    N_("Choose from:\n\t{choices}")
    N_("Repeat for confirmation")
    N_("Error: The two entered values do not match.")
    ngettext("{value!r} is not {choice}.", "{value!r} is not one of {choices}.", 2)
    ngettext("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)", 2)
    ngettext("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})", 2)
    ngettext("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments.", 2)
