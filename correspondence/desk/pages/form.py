"""Turn the record's JSON Schema (``api.json_schema``) into the inputs of the new-document form of one kind, and a
posted form back into a record: each input named as the record's field (``trich_yeu``, ``kinh_gui`` …; the signer's
``nguoi_ky`` and ``tham_quyen`` and the Lưu line's ``noi_luu`` and ``so_ban`` by their own names, nested again in the
record), a list one item a line, a choice among the record's own values.

Which fields a kind shows comes from its skeleton (``api.skeleton``): the keys it writes are the form's, the keys it
mentions in a comment are offered under "More fields". Nothing here judges a value: the record is checked by the api.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from starlette.datastructures import FormData

from correspondence.errors import Problem
from correspondence.i18n import N_, _

FLAT = ("ky", "luu")  # objects whose fields are inputs of their own name (ky.nguoi_ky → nguoi_ky)
NESTED = ("thu_ky", "ben_kia")  # objects whose fields are inputs named parent.field, when the kind has them
SKIPPED = {"loai", "co_quan", "du_lieu", "phu_luc", "noi_dung_tu", "tap_the"}  # set elsewhere, or not a form's
ALWAYS = ("ngay", "noi_luu")  # shown for every kind: prefilled from today and the profile
LONG = {"noi_dung": 14, "trich_yeu": 2}  # text fields written in a box of this many lines
SUB_ITEM = "+"  # a Nơi nhận line starting with this is a sub-item of the line above (NoiNhanMuc.gom)
_KEY = re.compile(r"^(#\s*)?([a-z_]+):", re.MULTILINE)
_NESTED_KEY = re.compile(r"^  (#\s*)?([a-z_]+):", re.MULTILINE)


@dataclass
class Input:
    """One input of the form: the record field it fills (``path``), the input's name and widget, its choices."""

    name: str
    path: tuple[str, ...]
    widget: str  # text | long | lines | select | date | datetime | integer | number | check
    help: str = ""
    choices: list[tuple[str, str]] = field(default_factory=list)
    value: Any = ""
    placeholder: str = ""
    required: bool = False
    main: bool = True
    default: Any = None


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """A property without its ``null`` alternative, a ``$ref`` followed."""
    options = [o for o in node.get("anyOf", []) if o.get("type") != "null"]
    if options:
        merged = {**node, **options[0]}
        merged.pop("anyOf", None)
        if len(options) > 1 and any(o.get("type") == "array" for o in options):
            merged = {**merged, "type": "array"}
        node = merged
    ref = node.get("$ref")
    if isinstance(ref, str):
        return {**schema["$defs"][ref.rsplit("/", 1)[-1]], **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _widget(name: str, node: dict[str, Any]) -> str:
    kind = node.get("type")
    if "enum" in node:
        return "select"
    if kind == "array":
        return "lines"
    if kind == "boolean":
        return "check"
    if kind in ("integer", "number"):
        return str(kind)
    if node.get("format") == "date":
        return "date"
    if node.get("format") == "date-time":
        return "datetime"
    return "long" if name in LONG else "text"


def skeleton_keys(text: str) -> tuple[set[str], set[str]]:
    """The top-level keys a skeleton writes, and those it only mentions in a comment (``# ngay: …``); nested keys
    (``  nguoi_ky:``) count as written."""
    written = {m[2] for m in _KEY.finditer(text) if not m[1]} | {m[2] for m in _NESTED_KEY.finditer(text) if not m[1]}
    mentioned = {m[2] for m in _KEY.finditer(text) if m[1]} | {m[2] for m in _NESTED_KEY.finditer(text) if m[1]}
    return written, mentioned - written


def sample_of(skeleton: str) -> dict[str, Any]:
    """The values a skeleton writes (shown as the inputs' placeholders, and its signer as the default)."""
    try:
        sample = yaml.safe_load(skeleton)
    except yaml.YAMLError:
        return {}
    return sample if isinstance(sample, dict) else {}


def inputs(schema: dict[str, Any], skeleton: str) -> list[Input]:
    """The inputs of the form of the kind whose skeleton is ``skeleton``, in the schema's order."""
    written, mentioned = skeleton_keys(skeleton)
    sample = sample_of(skeleton)
    required = set(schema.get("required", []))
    found: list[Input] = []
    for key, raw in schema["properties"].items():
        if key in SKIPPED:
            continue
        node = _resolve(schema, raw)
        if key in FLAT or key in NESTED:
            if key in NESTED and key not in written | mentioned:
                continue
            given = sample.get(key)
            part: dict[str, Any] = given if isinstance(given, dict) else {}
            inner_required = set(node.get("required", []))
            order = sorted(node.get("properties", {}).items(), key=lambda pair: pair[0] != "nguoi_ky")  # who, then how
            for sub, sub_raw in order:
                if sub in SKIPPED:
                    continue
                sub_node = _resolve(schema, sub_raw)
                name = sub if key in FLAT else f"{key}.{sub}"
                shown = sub in written or sub in ALWAYS or (key == "ky" and sub in ("nguoi_ky", "tham_quyen"))
                if key in FLAT and not shown and sub not in mentioned and key not in written:
                    continue
                found.append(_input(name, (key, sub), sub_node, part.get(sub), shown,
                                    sub in inner_required and key in written))
            continue
        if key not in written | mentioned | set(ALWAYS):
            continue
        found.append(_input(key, (key,), node, sample.get(key), key in written or key in ALWAYS, key in required))
    return found


def _input(name: str, path: tuple[str, ...], node: dict[str, Any], sample: Any, main: bool, required: bool) -> Input:
    widget = _widget(path[-1], node)
    placeholder = "\n".join(str(item) for item in sample) if isinstance(sample, list) else (
        str(sample) if sample is not None and not isinstance(sample, (dict, bool)) else "")
    choices = [(str(value), str(value)) for value in node.get("enum", [])]
    return Input(name, path, widget, str(node.get("description", "")), choices, "",
                 placeholder if widget in ("text", "long", "lines") else "", required, main, node.get("default"))


def text_of(value: Any) -> str:
    """A record's value as its input shows it: a list one item a line (a sub-item after '+ ')."""
    if isinstance(value, list):
        lines = []
        for item in value:
            if isinstance(item, dict):
                lines.append(str(item.get("ten", "")))
                lines += [f"{SUB_ITEM} {sub}" for sub in item.get("gom", [])]
            else:
                lines.append(str(item))
        return "\n".join(lines)
    if isinstance(value, bool):
        return "1" if value else ""
    return "" if value is None else str(value)


def _lines(text: str, sub_items: bool) -> list[Any]:
    items: list[Any] = []
    for line in (raw.strip() for raw in text.splitlines()):
        if not line:
            continue
        if sub_items and line.startswith(SUB_ITEM) and items:
            last = items[-1] if isinstance(items[-1], dict) else {"ten": items[-1], "gom": []}
            last["gom"].append(line[len(SUB_ITEM):].strip())
            items[-1] = last
        else:
            items.append(line)
    return items


def _value(item: Input, form: FormData) -> Any:
    """What the record holds for one input (None: leave the field out). A value of the wrong form is kept as typed:
    the check says what is wrong with it, at its field."""
    if item.widget == "check":
        given = item.name in form
        return None if given == bool(item.default) else given
    text = str(form.get(item.name) or "").replace("\r\n", "\n")
    if not text.strip():
        return None
    if item.widget == "lines":
        items = _lines(text, item.path[-1] in ("noi_nhan", "ban_dien_tu"))
        if item.path[-1] in ("kinh_gui", "gui_den") and len(items) == 1:
            return items[0]
        return items or None
    text = text.strip() if item.widget != "long" else text.strip("\n").rstrip()
    if item.widget == "integer" and text.isdigit():
        return int(text)
    if item.widget == "number":
        try:
            return float(text.replace(",", "."))
        except ValueError:
            return text
    return text


def record(items: list[Input], form: FormData, kind: str, agency: str) -> dict[str, Any]:
    """The record a posted form makes: its kind and agency first, each input's value at its field."""
    data: dict[str, Any] = {"loai": kind, "co_quan": agency}
    for item in items:
        value = _value(item, form)
        if value is None:
            continue
        if len(item.path) == 1:
            data[item.path[0]] = value
        else:
            data.setdefault(item.path[0], {})[item.path[1]] = value
    return data


class _Block(yaml.SafeDumper):  # type: ignore[misc]
    """YAML as a clerk writes it: a text of several lines as a block (``noi_dung: |``)."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Block.add_representer(str, _text)


def yaml_text(data: dict[str, Any]) -> str:
    """The record as the YAML a clerk would write."""
    return str(yaml.dump(data, Dumper=_Block, allow_unicode=True, sort_keys=False, width=1000))


def fill(items: list[Input], form: FormData | None, defaults: dict[str, Any]) -> None:
    """Each input's value: as posted (a form shown again), else the defaults."""
    for item in items:
        if form is not None:
            item.value = (item.name in form) if item.widget == "check" else str(form.get(item.name) or "")
        else:
            value = defaults.get(item.name, item.default)
            item.value = bool(value) if item.widget == "check" else text_of(value)


def problems_by_input(items: list[Input], problems: list[Problem] | tuple[Problem, ...],
                      message: str = "") -> dict[str, list[str]]:
    """Problems by the input they belong to ('' for the document as a whole): a problem at ``ky.tham_quyen`` goes
    to the input ``tham_quyen``, one at ``noi_nhan[2]`` to ``noi_nhan``; none but a message: the message."""
    by_path = {".".join(item.path): item.name for item in items}
    found: dict[str, list[str]] = {}
    for problem in problems:
        dotted = re.sub(r"\[\d+\]", "", problem.field or "")
        dotted = ".".join(part for part in dotted.split(".") if not part.isdigit())
        name = ""
        while dotted:
            if dotted in by_path:
                name = by_path[dotted]
                break
            if dotted == "ky":
                name = "nguoi_ky"
                break
            if dotted in ("noi_dung_tu", "danh_sach"):  # the Word body's input, the mail merge list's
                name = dotted
                break
            dotted = dotted.rpartition(".")[0]
        found.setdefault(name, []).append(problem.message + (f" ({problem.hint})" if problem.hint else ""))
    if not found and message:
        found[""] = [message]
    return found


def today() -> str:
    return dt.date.today().isoformat()


def label(item: Input) -> str:
    """The input's label: its field's name as the record writes it, and what it is in the reader's language."""
    return _(LABELS[item.name]) if item.name in LABELS else item.name


LABELS = {
    "don_vi": N_("Drafting unit"), "trich_yeu": N_("Summary (trích yếu)"), "kinh_gui": N_("To (Kính gửi), one a line"),
    "gui_den": N_("Sent to, one a line"), "noi_dung": N_("Body"), "nguoi_ky": N_("Signer"), "tham_quyen": N_("Signing authority"),
    "noi_nhan": N_("Recipients (Nơi nhận), one a line"), "noi_luu": N_("Kept at (Lưu), one a line"), "so_ban": N_("Copies kept"),
    "ngay": N_("Date"), "can_cu": N_("Grounds (căn cứ), one a line"), "ban_goc": N_("Original (Số, ký hiệu)"),
}
