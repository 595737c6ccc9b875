"""Turn templates into text: the one place Jinja environments are made, with the Vietnamese filters."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any

from correspondence import vietnamese as vn
from correspondence.errors import FilterError, TooLarge
from correspondence.i18n import _
from correspondence.numbers import so_van_ban


class MarkupSafe(str):
    """Text already in body markup: not escaped again when a template prints it."""


_ESCAPE = re.compile(r"([\\*\[\]])")
_LEADING_MARKER = re.compile(r"^(#|\d+\.|[a-zđ]\)|[-+])(\s)")


def escape_markup(value: Any) -> str:
    """Make a data value print as itself inside body markup (``*``, ``[^`` and line markers escaped)."""
    if isinstance(value, MarkupSafe):
        return value
    if value is None:  # never print "None" in a document
        raise FilterError("", None, "value")
    text = vn.nfc(str(value))
    text = _ESCAPE.sub(r"\\\1", text)
    return "\n".join(_LEADING_MARKER.sub(r"\\\1\2", line) for line in text.split("\n"))


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return vn.doc_ngay(str(value))


def _checked(name: str, function: Any, expects: str) -> Any:
    def run(value: Any, *args: Any) -> str:
        if isinstance(value, bool) or (expects != "date" and isinstance(value, str)
                                       and not re.fullmatch(r"-?\d+([.,]\d+)?", value.strip())):
            raise FilterError(name, value, expects)
        try:
            return str(function(value, *args))
        except (ValueError, TypeError, ArithmeticError, OverflowError):
            raise FilterError(name, value, expects) from None

    return run


def _to_number(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip().replace(",", ".")
        return float(text) if "." in text else int(text)
    return value


FILTERS = {
    "ngay": _checked("ngay", lambda v: vn.ngay_thang_nam(_as_date(v)), "date"),
    "ngay_ngan": _checked("ngay_ngan", lambda v: vn.ngay_ngan(_as_date(v)), "date"),
    "so": _checked("so", lambda v, *a: vn.so(_to_number(v), *a), "number"),
    "phan_tram": _checked("phan_tram", lambda v, *a: vn.phan_tram(_to_number(v), *a), "number"),
    "so_van_ban": _checked("so_van_ban", lambda v: so_van_ban(int(_to_number(v))), "whole"),
    "la_ma": _checked("la_ma", lambda v: vn.so_la_ma(int(_to_number(v))), "whole"),
    "doc_so": _checked("doc_so", lambda v: vn.doc_so(int(_to_number(v))), "whole"),
    "tien_bang_chu": _checked("tien_bang_chu", lambda v, *unit: vn.tien_bang_chu(int(_to_number(v)), *unit), "whole"),
    "chu_cai": _checked("chu_cai", lambda v: vn.chu_cai(int(_to_number(v)) - 1), "whole"),
}


LIMIT = 100_000  # the longest text or list an expression of a template may build
STEPS = 1_000_000  # the most turns all the loops of one rendering may take together
OUTPUT = 2_000_000  # the longest text a body may render to
FORBIDDEN_TAGS = ("include", "import", "from", "extends")  # a body or a Word template is one file, nothing more


def counted(context: Any, iterable: Any) -> Any:
    """``iterable``, each turn counted against the rendering's budget of loop turns (``{% for %}`` in ``{% for %}``
    over ``range(10**4)`` would take 10⁸ turns: refused at the millionth)."""
    for item in iterable:
        steps = context.__dict__.get("_correspondence_steps", 0) + 1
        if steps > STEPS:
            raise TooLarge(_("more than {limit} loop turns").format(limit=vn.so(STEPS)))
        context.__dict__["_correspondence_steps"] = steps
        yield item


def bounded_text(value: Any) -> Any:
    """A text joined with ``~`` within :data:`LIMIT`."""
    if len(value) > LIMIT:
        raise TooLarge(_("a value too long ({length} characters or items)").format(length=len(value)))
    return value


def _bounded_filter(function: Any) -> Any:
    """A filter whose numbers (a width, a count) and result stay within :data:`LIMIT` (``'x'|center(10**9)``)."""
    from functools import wraps

    @wraps(function)
    def run(*args: Any, **kwargs: Any) -> Any:
        for value in (*args[1:], *kwargs.values()):
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) > LIMIT:
                raise TooLarge(_("a number too large ({value})").format(value=value))
        result = function(*args, **kwargs)
        if isinstance(result, (str, list, tuple)) and len(result) > LIMIT:
            raise TooLarge(_("a value too long ({length} characters or items)").format(length=len(result)))
        return result

    return run


def bounded_sandbox() -> Any:
    """The sandbox every user template runs in: no attribute tricks, no file, no expression building a huge value
    (``range`` is capped by Jinja's own sandbox; ``*``, ``**``, ``+``, ``~`` and the filters here), no loops taking
    more than :data:`STEPS` turns together."""
    from jinja2 import nodes
    from jinja2.compiler import CodeGenerator
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class Generator(CodeGenerator):
        def visit_Concat(self, node: Any, frame: Any) -> None:
            self.write("environment.bounded_text(")
            super().visit_Concat(node, frame)
            self.write(")")

    class Bounded(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**", "+"})
        code_generator_class = Generator
        bounded_text = staticmethod(bounded_text)

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.filters = {name: _bounded_filter(function) for name, function in self.filters.items()}
            self._compiled: dict[str, Any] = {}

        def _parse(self, source: str, name: str | None, filename: str | None) -> Any:
            tree = super()._parse(source, name, filename)
            for loop in tree.find_all(nodes.For):  # every loop counts its turns
                loop.iter = nodes.Call(nodes.ImportedName("correspondence.templating.counted", lineno=loop.lineno),
                                       [nodes.ContextReference(lineno=loop.lineno), loop.iter], [], None, None,
                                       lineno=loop.lineno)
            return tree

        def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Any:
            """A template compiled once per source (a mail merge fills one body for every row): the same template,
            rendered afresh each time."""
            if globals is not None or template_class is not None or not isinstance(source, str):
                return super().from_string(source, globals, template_class)
            compiled = self._compiled.get(source)
            if compiled is None:
                if len(self._compiled) >= 64:
                    self._compiled.clear()
                compiled = self._compiled[source] = super().from_string(source)
            return compiled

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            if operator == "**" and isinstance(right, (int, float)) and abs(right) > 64:
                raise TooLarge(_("a power too large ({value})").format(value=right))
            if operator == "*":
                for value, times in ((left, right), (right, left)):
                    if isinstance(value, (str, list, tuple)) and isinstance(times, int) and len(value) * times > LIMIT:
                        raise TooLarge(_("a value too long ({length} characters or items)").format(length=len(value) * times))
            result = super().call_binop(context, operator, left, right)
            if operator == "+" and isinstance(result, (str, list, tuple)) and len(result) > LIMIT:
                raise TooLarge(_("a value too long ({length} characters or items)").format(length=len(result)))
            return result

    return Bounded


def forbidden_tags(env: Any, source: str) -> list[tuple[int, str]]:
    """Where ``source`` includes, imports or extends another template: (line, tag)."""
    return list(_forbidden_tags(env, source))


@lru_cache(maxsize=64)
def _forbidden_tags(env: Any, source: str) -> tuple[tuple[int, str], ...]:
    """``forbidden_tags``, parsed once per source (a mail merge checks one body for every row)."""
    from jinja2 import nodes

    kinds = {nodes.Include: "include", nodes.Import: "import", nodes.FromImport: "from", nodes.Extends: "extends"}
    tree = env.parse(source)
    return tuple((node.lineno, name) for kind, name in kinds.items() for node in tree.find_all(kind))


@lru_cache(maxsize=1)
def body_environment():  # type: ignore[no-untyped-def]
    """Sandboxed, strict environment for record bodies; every printed value is escaped for the markup."""
    from jinja2 import StrictUndefined

    env = bounded_sandbox()(
        undefined=StrictUndefined, autoescape=False, finalize=escape_markup,
        keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(FILTERS)
    return env
