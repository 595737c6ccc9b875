"""Turn click's own messages (usage, help, argument errors) into catalogue entries, so clerks read them in Vietnamese.

Nothing here runs: the calls only mark click's message ids for extraction into ``locales/``.
"""

from __future__ import annotations

from gettext import ngettext

from correspondence.i18n import N_


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
