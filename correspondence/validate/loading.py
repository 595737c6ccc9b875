"""Turn a record file (or a stored record, or a mail-merge row) and its agency profile into a ``Loaded`` record,
or every problem with them."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from correspondence.errors import InvalidRecord, Problem
from correspondence.i18n import _
from correspondence.kinds import ky_hieu
from correspondence.progress import notice
from correspondence.records import Located, Row, load_data, parse_text, read_rows
from correspondence.records.word import body_from_docx
from correspondence.validate import images, rules
from correspondence.validate.body import Body, render_body
from correspondence.validate.problems import validate
from correspondence.validate.schema import Bang, CoQuan, PhuLuc, VanBan, record_kinds
from correspondence.vietnamese import nfc
from correspondence.workspace import agency_candidates, shown

PROFILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
WORD_BODY = "noi_dung_tu"  # the record's body comes from this Word file
COPIES = "ban_ca_nhan"  # stored with a merged document numbered once: the rows of its personalised copies


@dataclass(frozen=True)
class Annex:
    """An annex as declared, with its table spec and rows read."""

    declared: PhuLuc
    spec: Bang
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Loaded:
    """A valid record with its agency profile, the located data it came from, its body and annex tables."""

    path: Path
    record: VanBan
    agency: CoQuan
    located: Located
    workspace: Path
    agency_id: str
    body: Body | None = None
    annexes: tuple[Annex, ...] = ()
    advice: tuple[Problem, ...] = ()  # what the clerk is told about the valid record (told once, as a notice)

    @property
    def don_vi(self) -> str:
        """The drafting unit's abbreviation."""
        return self.agency.don_vi_viet_tat(self.record.don_vi) or self.record.don_vi

    @property
    def ky_hieu(self) -> str:
        """The ký hiệu: ``UBND-XD6``, ``KH-UBND``; a secret document's as the profile tells it apart."""
        plain = ky_hieu(self.record.loai, self.agency.viet_tat, self.don_vi)
        return self.agency.ky_hieu_mat.format(ky_hieu=plain) if self.record.do_mat else plain


def load_agency(path: Path) -> tuple[CoQuan | None, list[Problem]]:
    """An agency profile, or its problems."""
    located, problems = load_data(path, shown(path))
    if located is None or problems:
        return None, problems
    agency, problems = validate(located, CoQuan)
    if agency is not None and (agency.con_dau or any(s.chu_ky for s in agency.nguoi_ky.values())):
        problems = images.check(located, agency, path.parent)
        if problems:
            return None, problems
    return agency, problems


def _by_line(problem: Problem) -> tuple[str, int]:
    source, _sep, line = problem.source.rpartition(":")
    return source, int(line) if line.isdigit() else 0


def _body(located: Located) -> tuple[Body | None, list[Problem]]:
    """The body of the raw data, or its problems (found even while other fields are wrong)."""
    data = located.data if isinstance(located.data, dict) else {}
    text, du_lieu = data.get("noi_dung"), data.get("du_lieu", {})
    if not isinstance(text, str) or not text.strip() or not isinstance(du_lieu, dict):
        return None, []
    try:
        return render_body(text, du_lieu, located, renumber=data.get("loai") != "trich_sao"), []
    except InvalidRecord as error:
        return None, list(error.problems)


def _annexes(record: VanBan, base: Path, located: Located) -> tuple[tuple[Annex, ...], list[Problem]]:
    """Every annex's spec and rows (inline or from files beside the record); problems of all annexes at once."""
    out: list[Annex] = []
    problems: list[Problem] = []
    for index, declared in enumerate(record.phu_luc):
        try:
            spec = load_spec(declared.bang, base, located.where(("phu_luc", index, "bang")))
            rows = read_rows(declared.du_lieu, base, _row_location(located, index))
            if not rows:
                raise InvalidRecord(_("invalid annex table"), [Problem(
                    located.where(("phu_luc", index, "du_lieu")), "du_lieu", _("the file has no rows"))])
        except InvalidRecord as error:
            problems += error.problems
            continue
        out.append(Annex(declared, spec, tuple(rows)))
    return tuple(out), problems


def _row_location(located: Located, index: int) -> Callable[[int], str]:
    return lambda row: located.where(("phu_luc", index, "du_lieu", row))


def load_spec(spec: Bang | str, base: Path, where: str) -> Bang:
    """A table spec, inline or from a YAML file beside the record."""
    if isinstance(spec, Bang):
        return spec
    path = (base / spec) if not Path(spec).is_absolute() else Path(spec)
    located, problems = load_data(path, shown(path))
    if located is None or problems:
        raise InvalidRecord(_("invalid annex table"), problems or [Problem(where, "bang", _("file not found"))])
    cut = rules.cut_titles(located)
    if cut:
        raise InvalidRecord(_("invalid annex table"), cut)
    table, problems = validate(located, Bang)
    if table is None:
        raise InvalidRecord(_("invalid annex table"), problems)
    return table


def _finish(path: Path, located: Located, root: Path, agency: CoQuan | None, agency_id: str, problems: list[Problem],
            check_body: bool = True, advise: bool = False, unfilled: frozenset[str] = frozenset()) -> Loaded:
    """Validate ``located`` against the schema and the rules; read its body and annexes. A field in ``unfilled``
    (a lone '…', already told as a place to fill in) is not told again as a value of the wrong form."""
    record, more = validate(located, VanBan)
    problems = problems + [problem for problem in more if problem.field not in unfilled]
    problems += rules.check(located, agency, frozenset(p.field for p in more))
    body = None
    if check_body:
        body, found = _body(located)
        problems += found
    annexes: tuple[Annex, ...] = ()
    if record is not None and not problems:
        annexes, found = _annexes(record, path.parent, located)
        problems += found
    if problems or record is None or agency is None:
        raise InvalidRecord(_("invalid record"), sorted(problems, key=_by_line))
    advice = tuple(rules.advise(located, agency)) if advise else ()
    for problem in advice:  # once, for the record the clerk gave (not for each merged row or stored re-render)
        notice(str(problem))
    return Loaded(path, record, agency, located, root, agency_id, body, annexes, advice)


def load(path: Path | str, workspace: Path | str | None = None, check_body: bool = True,
         unfilled: str = "refuse") -> Loaded:
    """Load and validate one record and its agency profile; raise ``InvalidRecord`` with every problem.

    ``check_body=False`` leaves the body for later (a mail merge fills it from each row). A place still marked '…'
    is a problem (``unfilled="refuse"``: check, issue), or a warning told to the clerk (``"warn"``: a draft).
    """
    path = Path(path)
    root = Path(workspace) if workspace is not None else Path.cwd()
    located, problems = load_data(path, shown(path))
    if located is None:
        raise InvalidRecord(_("invalid record"), problems)
    if not isinstance(located.data, dict):
        raise InvalidRecord(_("invalid record"), [*problems, Problem(located.where(()), "", _(
            "the file must be a mapping of 'key: value' lines"), _("start from 'correspondence new cong-van'"))])
    kind = located.data.get("loai")
    if kind is not None and kind not in record_kinds():
        problems.append(Problem(located.where(("loai",)), "loai",
                                _("unknown kind '{kind}'").format(kind=kind),
                                _("supported: {kinds}").format(kinds=", ".join(record_kinds()))))
        raise InvalidRecord(_("invalid record"), problems)
    problems += _body_from_word(located, path)
    agency, agency_id = None, ""
    name = located.data.get("co_quan")
    found_problems: list[Problem] = []
    if isinstance(name, str) and PROFILE_NAME.fullmatch(name.strip()):  # never a path: the schema reports others
        candidates = agency_candidates(name.strip(), path, root)
        found = next((c for c in candidates if c.is_file()), None)
        if found is None:
            found_problems.append(Problem(located.where(("co_quan",)), "co_quan",
                                          _("no agency profile '{name}'").format(name=name),
                                          _("set up the office with 'correspondence init --ma {name}' (it writes "
                                            "{path}), or run the command in the office's folder").format(
                                              name=name.strip(), path=shown(candidates[0]))))
        else:
            agency_id = found.stem
            agency, found_problems = load_agency(found)
    problems += rules.cut_annex_titles(located)
    to_fill: frozenset[str] = frozenset()
    if unfilled == "refuse":
        problems += rules.placeholders(located)
        to_fill = rules.lone_placeholders(located)
    loaded = _finish(path, located, root, agency, agency_id, problems + found_problems, check_body, advise=True,
                     unfilled=to_fill)
    if unfilled == "warn":
        for warning in rules.placeholders(located, warning=True):
            notice(str(warning))
    return loaded


def _body_from_word(located: Located, path: Path) -> list[Problem]:
    """``noi_dung_tu: du-thao.docx``: the body taken from the specialist's Word file (beside the record), written
    into the record's data as body markup; its problems located in the Word file."""
    source = located.data.get(WORD_BODY)
    if source is None:
        return []
    where = located.where((WORD_BODY,))
    if not isinstance(source, str) or not source.strip().lower().endswith(".docx"):
        return [Problem(where, WORD_BODY, _("expected the name of a Word .docx file, e.g. du-thao.docx"))]
    if located.data.get("noi_dung") is not None:
        return [Problem(where, WORD_BODY, _("give the body once: either noi_dung or noi_dung_tu"))]
    file = Path(source.strip())
    file = file if file.is_absolute() else path.parent / file
    try:
        located.data["noi_dung"] = body_from_docx(file, shown(file))
        located.lines[("noi_dung",)] = located.line((WORD_BODY,))
    except InvalidRecord as error:
        located.data["noi_dung"] = "."  # the body is there, unreadable: said once, by the problems of its file
        return list(error.problems)
    return []


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)


def merge_row(base: dict[str, Any], row: dict[str, Any]) -> dict[str, Any]:
    """A record for one row of a mail merge: columns named like record keys replace them; every column
    is also available to the body under ``du_lieu``."""
    data = copy.deepcopy(base)
    row = {str(k): nfc(_jsonable(v)) for k, v in row.items() if k is not None and v not in (None, "")}
    for key, value in row.items():
        if key in VanBan.model_fields and key not in ("du_lieu", "phu_luc", "loai", "co_quan"):
            data[key] = value
    data["du_lieu"] = {**(data.get("du_lieu") or {}), **row}
    return data


def load_row(base: Loaded, where: str, row: dict[str, Any]) -> Loaded:
    """One row of a mail merge as a record of its own, located at its row."""
    located = Located(where, merge_row(base.located.data, row), {(): 1})
    located.source, _sep, line = where.rpartition(":")
    located.lines = {(): int(line) if line.isdigit() else 1}
    return _finish(base.path, located, base.workspace, base.agency, base.agency_id, [])


def self_contained(loaded: Loaded) -> dict[str, Any]:
    """The record as issued, with each annex's table spec and rows copied in: the register alone can
    re-render the document years later, whatever became of the files it was made from."""
    data: dict[str, Any] = copy.deepcopy(loaded.located.data)
    data.pop(WORD_BODY, None)  # the body it gave is in noi_dung
    for index, annex in enumerate(loaded.annexes):
        data["phu_luc"][index]["bang"] = annex.spec.model_dump(mode="json")
        data["phu_luc"][index]["du_lieu"] = [{k: _jsonable(v) for k, v in row.items()} for _where, row in annex.rows]
    return data


def load_stored(record_json: str, agency_json: str, root: Path, name: str, copy_index: int | None = None) -> Loaded:
    """A record stored with a register row (or one personalised copy of it), as it was issued."""
    data = json.loads(record_json)
    rows = data.pop(COPIES, None)
    if copy_index is not None:
        data = merge_row(data, rows[copy_index])
    located, problems = parse_text(json.dumps(data, ensure_ascii=False), f"[{name}]")
    if located is None or problems:
        raise InvalidRecord(_("invalid record"), problems)
    stored = json.loads(agency_json)
    return _finish(Path(f"{name.replace('/', '-')}.yaml"), located, root, CoQuan.model_validate(stored["profile"]),
                   stored["id"], [])
