"""Turn a record's body (markup with Jinja expressions over ``du_lieu``) into paragraphs and footnotes, problems located."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from correspondence import model as m
from correspondence.errors import FilterError, InvalidRecord, Problem
from correspondence.i18n import _
from correspondence.records.loader import Located
from correspondence.templating import body_environment
from correspondence.validate.markup import parse_body


@dataclass(frozen=True)
class Body:
    """The body as written: paragraphs in order and the footnotes they call (the composer closes it with ``./.``)."""

    blocks: tuple[m.Paragraph, ...]
    footnotes: tuple[m.Footnote, ...]


def render_body(noi_dung: str, du_lieu: dict[str, Any], located: Located) -> Body:
    """Fill the body's Jinja expressions from ``du_lieu`` and parse the markup; problems are located."""
    from jinja2 import TemplateError, TemplateSyntaxError

    first_line = located.line(("noi_dung",))
    env = body_environment()
    try:
        template = env.from_string(noi_dung)
        text = template.render(**du_lieu, du_lieu=du_lieu)
    except TemplateSyntaxError as error:
        line = first_line + (error.lineno or 1) - 1
        raise InvalidRecord(_("invalid record"), [Problem(f"{located.source}:{line}", "noi_dung",
                                             _("template error: {what}").format(what=error.message))]) from None
    except TemplateError as error:
        line = first_line + _template_line(sys.exc_info()[2]) - 1
        what = str(error)
        match = re.match(r"'(.+)' is undefined", what)
        if match:
            message = _("unknown name '{name}' in the body").format(name=match.group(1))
            hint = _("define it under 'du_lieu'")
        else:
            message, hint = _("template error: {what}").format(what=what), None
        raise InvalidRecord(_("invalid record"), [Problem(f"{located.source}:{line}", "noi_dung", message, hint)]) from None
    except FilterError as error:
        line = first_line + _template_line(sys.exc_info()[2]) - 1
        name, value, expects = error.args
        needs = {"date": _("a date YYYY-MM-DD"), "number": _("a number"), "whole": _("a whole number")}[expects]
        raise InvalidRecord(_("invalid record"), [Problem(
            f"{located.source}:{line}", "noi_dung",
            _("the filter '{name}' needs {needs}, got '{value}'").format(name=name, needs=needs, value=value))]) from None
    blocks, notes, problems = parse_body(text)
    if problems:
        raise InvalidRecord(_("invalid record"), [Problem(f"{located.source}:{first_line + p.line - 1}", "noi_dung", p.message)
                                     for p in problems])
    if not blocks:
        raise InvalidRecord(_("invalid record"), [Problem(located.where(("noi_dung",)), "noi_dung", _("must not be empty"))])
    return Body(blocks, notes)


def _template_line(tb: TracebackType | None) -> int:
    line = 1
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
