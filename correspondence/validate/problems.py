"""Turn located data and a pydantic model into a validated record, or every problem with it, localized and located."""

from __future__ import annotations

import difflib
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from correspondence.errors import Problem
from correspondence.i18n import _, current_language
from correspondence.model import LINE_SPACING, PARAGRAPH_SPACING, Spacing
from correspondence.records.loader import Located
from correspondence.validate.schema import NOI_NHAN_WIDTH

M = TypeVar("M", bound=BaseModel)

_TYPE_TAGS = {"str", "int", "bool", "float", "date", "dict", "list", "none", "constrained-str"}


def _is_tag(part: object) -> bool:
    if not isinstance(part, str):
        return False
    return part in _TYPE_TAGS or "[" in part or part[:1].isupper()


def _field_names(model: type[BaseModel]) -> set[str]:
    names: set[str] = set()
    stack: list[Any] = [model]
    seen: set[int] = set()
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, type) and issubclass(item, BaseModel):
            for name, info in item.model_fields.items():
                names.add(name)
                stack.append(info.annotation)
        for arg in getattr(item, "__args__", ()) or ():
            stack.append(arg)
    return names


def dotted(path: tuple[str | int, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _message(error: dict[str, Any], model: type[BaseModel], path: tuple[str | int, ...]) -> tuple[str, str | None]:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    shown = value if isinstance(value, (str, int, float)) else None
    if kind == "missing":
        return _("required field is missing"), _("add a line '{key}: …'").format(key=path[-1] if path else "")
    if kind == "extra_forbidden":
        key = str(path[-1]) if path else ""
        close = difflib.get_close_matches(key, sorted(_field_names(model)), n=1, cutoff=0.6)
        hint = _("did you mean '{name}'?").format(name=close[0]) if close else _("remove it or check the spelling")
        return _("unknown key '{key}'").format(key=key), hint
    if kind.startswith("date") or kind.startswith("datetime"):
        return _("expected a date dd/mm/yyyy, got '{value}'").format(value=shown), _("for example 07/05/2019")
    if kind == "literal_error":
        import re

        choices = ", ".join(re.findall(r"'([^']*)'", str(ctx.get("expected", ""))))
        return _("must be one of: {expected}").format(expected=choices), None
    if kind in ("string_too_short", "too_short", "value_error"):
        return _("must not be empty"), None
    if kind == "string_pattern_mismatch":
        name = path[-1] if path else ""
        if name == "co_quan":
            return _("must be the name of an agency profile in registers/ (letters, digits, '-', '_'), got '{value}'"
                     ).format(value=shown), _("not a path: the profile is registers/<name>.yaml")
        if name in ("kem_theo", "ban_goc", "dinh_chinh"):
            return _("expected a number and symbol such as 3018/UBND-XD6, got '{value}'").format(value=shown), None
        return _("must be an abbreviation without spaces or accents (A–Z, Đ, digits, '.', '&'), got '{value}'").format(
            value=shown), None
    if kind in ("string_type",):
        return _("must be text"), None
    if path and path[-1] == "rong_noi_nhan" and kind in ("greater_than_equal", "less_than_equal", "float_parsing",
                                                         "float_type"):
        low, high = NOI_NHAN_WIDTH
        return _("must be a width in millimetres from {low:g} to {high:g}, got '{value}'").format(
            low=low, high=high, value=shown), _("central agencies print it about 88 mm wide; without it, 74 mm")
    if path and path[-1] in ("gian_dong", "gian_doan") and kind in _OUT_OF_RANGE:
        return _spacing_message(str(path[-1]), shown)
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("must be a whole number, got '{value}'").format(value=shown), None
    if kind in ("greater_than_equal", "greater_than"):
        return _("must be at least {limit}").format(limit=ctx.get("ge", ctx.get("gt"))), None
    if kind in ("less_than_equal", "less_than"):
        return _("must be at most {limit}").format(limit=ctx.get("le", ctx.get("lt"))), None
    if kind in ("float_parsing", "float_type"):
        return _("must be a number, got '{value}'").format(value=shown), None
    if kind in ("bool_parsing", "bool_type"):
        return _("must be true or false, got '{value}'").format(value=shown), None
    if kind == "list_type":
        return _("must be a list (lines starting with '- ')"), None
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return _("must be a mapping of 'key: value' lines"), None
    return error.get("msg", kind), None


_OUT_OF_RANGE = ("greater_than_equal", "less_than_equal", "float_parsing", "float_type")


def _points(value: float) -> str:
    """``value`` points as the clerk writes them: ``16,1`` in Vietnamese."""
    text = f"{value:g}"
    return text.replace(".", ",") if current_language() == "vi" else text


def _spacing_message(name: str, shown: object) -> tuple[str, str | None]:
    """A line or paragraph spacing outside ND 30's range: the range, and what is used without one."""
    default = Spacing()
    if name == "gian_dong":
        low, high = LINE_SPACING
        return _("must be a line spacing in points from {low} (a single line) to {high} (1.5 lines), got '{value}'"
                 ).format(low=_points(low), high=_points(high), value=shown), _(
            "Decree 30/2020/NĐ-CP, Appendix I; without it, {default}").format(default=_points(default.body_line))
    low, high = PARAGRAPH_SPACING
    return _("must be a paragraph spacing in points from {low} to {high}, got '{value}'").format(
        low=_points(low), high=_points(high), value=shown), _(
        "Decree 30/2020/NĐ-CP, Appendix I: at least 6 pt; without it, {default}").format(
        default=_points(default.paragraph_before))


def problems_from(error: ValidationError, located: Located, model: type[BaseModel]) -> list[Problem]:
    """Every pydantic error as a located, localized problem (union alternatives collapsed)."""
    grouped: dict[tuple[str | int, ...], list[Any]] = {}
    for item in error.errors(include_url=False):
        path = tuple(p for p in item["loc"] if not _is_tag(p))
        grouped.setdefault(path, []).append(item)
    problems = []
    for path, errors in grouped.items():
        kinds = {e["type"] for e in errors}
        if len(errors) > 1 and not kinds & {"missing", "extra_forbidden"}:
            message, hint = _("has the wrong form: expected text or a list"), None
        else:
            first = next((e for e in errors if e["type"] in ("missing", "extra_forbidden")), errors[0])
            message, hint = _message(first, model, path)
        key = errors[0]["type"] == "extra_forbidden"
        problems.append(Problem(located.where(path, key=key), dotted(path), message, hint))
    return sorted(problems, key=_order)


def _order(problem: Problem) -> tuple[str, int]:
    source, _sep, line = problem.source.rpartition(":")
    return source, int(line) if line.isdigit() else 0


def validate(located: Located, model: type[M]) -> tuple[M | None, list[Problem]]:
    """Validate ``located.data`` against ``model``."""
    data = located.data
    if not isinstance(data, dict):
        return None, [Problem(located.where(()), "", _("the file must be a mapping of 'key: value' lines"))]
    try:
        return model.model_validate(data), []
    except ValidationError as error:
        return None, problems_from(error, located, model)
