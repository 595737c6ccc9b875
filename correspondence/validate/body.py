"""Turn a record's body (markup with Jinja expressions over ``du_lieu``) into paragraphs and footnotes, problems located."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from correspondence import model as m
from correspondence.errors import FilterError, InvalidRecord, Problem, TooLarge
from correspondence.i18n import _
from correspondence.records.loader import Located, control_problem
from correspondence.templating import OUTPUT, body_environment, forbidden_tags
from correspondence.validate.markup import parse_body
from correspondence.vietnamese import so


@dataclass(frozen=True)
class Body:
    """The body as written: paragraphs in order and the footnotes they call (the composer closes it with ``./.``)."""

    blocks: tuple[m.Block, ...]
    footnotes: tuple[m.Footnote, ...]


def render_body(noi_dung: str, du_lieu: dict[str, Any], located: Located, renumber: bool = True) -> Body:
    """Fill the body's Jinja expressions from ``du_lieu`` and parse the markup; problems are located.
    ``renumber=False`` keeps the numbers as typed (an extract of another document)."""
    first_line = located.line(("noi_dung",))
    if "{" not in noi_dung and "\r" not in noi_dung:  # no expression, tag or comment: Jinja would give it back as is
        return _parsed(noi_dung, located, renumber)
    from jinja2 import TemplateError, TemplateSyntaxError

    env = body_environment()
    try:
        refused = forbidden_tags(env, noi_dung)
        if refused:
            line, tag = refused[0]
            raise InvalidRecord(_("invalid record"), [Problem(f"{located.source}:{first_line + line - 1}", "noi_dung", _(
                "'{{% {tag} %}}' is not allowed in a body: it is one text, it reads no other file").format(tag=tag))])
        template = env.from_string(noi_dung)
        given = {key: value for key, value in du_lieu.items() if value is not None}
        text = _bounded_render(template, {**given, "du_lieu": given})
    except (OverflowError, MemoryError, RecursionError) as error:
        line = first_line + _template_line(sys.exc_info()[2]) - 1
        raise InvalidRecord(_("invalid record"), [Problem(f"{located.source}:{line}", "noi_dung", _(
            "the body asks for too much ({what})").format(what=str(error)[:120] or type(error).__name__),
            _("keep expressions simple"))]) from None
    except TemplateSyntaxError as error:
        line = first_line + (error.lineno or 1) - 1
        raise InvalidRecord(_("invalid record"), [Problem(f"{located.source}:{line}", "noi_dung",
                                             _("template error: {what}").format(what=error.message))]) from None
    except TemplateError as error:
        line = first_line + _template_line(sys.exc_info()[2]) - 1
        what = str(error)
        match = re.match(r"'(.+)' is undefined", what)
        if match and du_lieu.get(match.group(1), 0) is None:
            message = _("'{name}' is empty, and the body prints it").format(name=match.group(1))
            hint = _("give it a value under 'du_lieu'")
        elif match:
            message = _("unknown name '{name}' in the body").format(name=match.group(1))
            hint = _("define it under 'du_lieu'")
        else:
            message, hint = _("template error: {what}").format(what=what), None
        raise InvalidRecord(_("invalid record"), [Problem(f"{located.source}:{line}", "noi_dung", message, hint)]) from None
    except FilterError as error:
        line = first_line + _template_line(sys.exc_info()[2]) - 1
        name, value, expects = error.args
        if expects == "value":
            raise InvalidRecord(_("invalid record"), [Problem(f"{located.source}:{line}", "noi_dung", _(
                "a value the body prints is empty"), _("give it a value under 'du_lieu'"))]) from None
        needs = {"date": _("a date dd/mm/yyyy"), "number": _("a number"), "whole": _("a whole number")}[expects]
        raise InvalidRecord(_("invalid record"), [Problem(
            f"{located.source}:{line}", "noi_dung",
            _("the filter '{name}' needs {needs}, got '{value}'").format(name=name, needs=needs, value=value))]) from None
    return _parsed(text, located, renumber)


def _parsed(text: str, located: Located, renumber: bool) -> Body:
    """The filled body's paragraphs and footnotes; problems located."""
    first_line = located.line(("noi_dung",))
    control = control_problem(located.where(("noi_dung",)), "noi_dung", text)
    if control is not None:
        raise InvalidRecord(_("invalid record"), [control])
    blocks, notes, problems = parse_body(text, renumber)
    if problems:
        raise InvalidRecord(_("invalid record"), [Problem(f"{located.source}:{first_line + p.line - 1}", "noi_dung", p.message)
                                     for p in problems])
    if not blocks:
        raise InvalidRecord(_("invalid record"), [Problem(located.where(("noi_dung",)), "noi_dung", _("must not be empty"))])
    return Body(blocks, notes)


def _bounded_render(template: Any, values: dict[str, Any]) -> str:
    """The body's text, piece by piece: refused once it is longer than any document (no 10 GB list built first)."""
    pieces, size = [], 0
    for piece in template.generate(**values):
        size += len(piece)
        if size > OUTPUT:
            raise TooLarge(_("a text longer than {limit} characters").format(limit=so(OUTPUT)))
        pieces.append(piece)
    return "".join(pieces)


def body_names(noi_dung: str) -> set[str]:
    """The names the body's expressions use (``{{ ten }}`` → ``ten``); none when the body does not parse."""
    from jinja2 import TemplateSyntaxError, meta

    try:
        return set(meta.find_undeclared_variables(body_environment().parse(noi_dung))) - {"du_lieu"}
    except TemplateSyntaxError:
        return set()


def _template_line(tb: TracebackType | None) -> int:
    line = 1
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
