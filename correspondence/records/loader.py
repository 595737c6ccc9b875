"""Turn YAML or JSON text into plain Python data plus a map from each value's path to its line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from correspondence.errors import Problem
from correspondence.i18n import _
from correspondence.vietnamese import nfc

try:  # the C parser is several times faster where libyaml is present
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader

Path_ = tuple[str | int, ...]


@dataclass
class Located:
    """Data read from one file, with the line of each value (and of each mapping key)."""

    source: str
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    key_lines: dict[Path_, int] = field(default_factory=dict)

    def line(self, path: Path_, key: bool = False) -> int:
        """The line of ``path``, or of its nearest ancestor that has one."""
        table = self.key_lines if key else self.lines
        probe = tuple(path)
        while probe:
            if probe in table:
                return table[probe]
            if not key and probe in self.key_lines:
                return self.key_lines[probe]
            probe = probe[:-1]
        return self.lines.get((), 1)

    def where(self, path: Path_, key: bool = False) -> str:
        return f"{self.source}:{self.line(path, key)}"


# The largest YAML/JSON file read (a record with its inline rows, an agency profile, a table description): larger is
# refused before it is parsed, so a runaway file cannot hold the tool for minutes.
MAX_FILE_BYTES = 10 * 10**6

# Characters no document may hold (XML 1.0 refuses them; they print nothing or garbage): refused where they are.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def control_problem(where: str, field: str, text: str) -> Problem | None:
    """A located problem when ``text`` holds a control character."""
    found = CONTROL.search(text)
    if found is None:
        return None
    return Problem(where, field, _("holds a control character (U+{code:04X}) that no document can print").format(
        code=ord(found.group())), _("remove it (it often comes from copying out of another program)"))


def dotted(path: Path_) -> str:
    """``phu_luc[1].bang``: a value's path as the clerk reads it."""
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_STR = "tag:yaml.org,2002:str"


class _Builder:
    def __init__(self, source: str) -> None:
        self.source = source
        self.lines: dict[Path_, int] = {}
        self.key_lines: dict[Path_, int] = {}
        self.problems: list[Problem] = []
        self._constructor = yaml.SafeLoader("")

    def build(self, node: yaml.Node, path: Path_) -> Any:
        # A block scalar ("|" or ">") starts on the line after its indicator.
        block = isinstance(node, yaml.ScalarNode) and node.style in ("|", ">")
        self.lines[path] = node.start_mark.line + (2 if block else 1)
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = str(self._scalar(key_node)) if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
                key = nfc(key)
                if key in out:
                    self.problems.append(Problem(
                        f"{self.source}:{key_node.start_mark.line + 1}", key,
                        _("this key appears twice"), _("keep only one of them")))
                self.key_lines[path + (key,)] = key_node.start_mark.line + 1
                out[key] = self.build(value_node, path + (key,))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (index,)) for index, item in enumerate(node.value)]
        value = self._scalar(node)
        if isinstance(value, str):
            problem = control_problem(f"{self.source}:{self.lines[path]}", dotted(path), value)
            if problem is not None:
                self.problems.append(problem)
        return value

    def _scalar(self, node: yaml.Node) -> Any:
        if node.tag in (_TIMESTAMP, _STR):
            # Dates stay text here so that validation can say precisely what is wrong with them.
            return nfc(node.value)
        try:
            return nfc(self._constructor.construct_object(node, deep=True))
        except (yaml.YAMLError, ValueError):
            return nfc(node.value)


def parse_text(text: str, source: str) -> tuple[Located | None, list[Problem]]:
    """Parse ``text`` (YAML or JSON); on a syntax error return the located problem instead."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 1
        what = error.problem or str(error)
        return None, [Problem(f"{source}:{line}", "", _("the file is not valid YAML/JSON: {what}").format(what=what),
                              _("check the indentation and the quotes on this line"))]
    except yaml.reader.ReaderError as error:  # a character YAML refuses outright
        line = text[: error.position].count("\n") + 1
        return None, [Problem(f"{source}:{line}", "", _(
            "holds a control character (U+{code:04X}) that no document can print").format(code=error.character),
            _("remove it (it often comes from copying out of another program)"))]
    except yaml.YAMLError as error:  # pragma: no cover - unmarked errors are rare
        return None, [Problem(f"{source}:1", "", _("the file is not valid YAML/JSON: {what}").format(what=error))]
    builder = _Builder(source)
    if node is None:
        return Located(source, {}, {(): 1}), builder.problems
    data = builder.build(node, ())
    return Located(source, data, builder.lines, builder.key_lines), builder.problems


def load_data(path: Path | str, display: str | None = None) -> tuple[Located | None, list[Problem]]:
    """Read a YAML or JSON file; a missing or unreadable file is a located problem."""
    path = Path(path)
    source = display or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [Problem(source, "", _("the file is {size} MB; a record, profile or table file holds at most "
                                                "{limit} MB").format(size=round(size / 1e6, 1), limit=MAX_FILE_BYTES // 10**6),
                                  _("split it, or keep large data in a .csv/.xlsx table beside it"))]
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, [Problem(source, "", _("file not found"), _("check the path"))]
    except OSError as error:
        return None, [Problem(source, "", _("cannot read the file: {error}").format(error=error.strerror))]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return None, [Problem(f"{source}:{line}", "", _("the file is not UTF-8 text"),
                              _("save it as UTF-8 (Unicode) in your editor"))]
    return parse_text(text, source)
