"""Turn record files into checked documents and written files: load → validate → compose → render → write.

Every command of the CLI is one function here; nothing in this module prints.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from correspondence.errors import InvalidRecord, Problem, RenderFailed
from correspondence.i18n import _
from correspondence.records.loader import Located, load_data
from correspondence.schema import CoQuan, VanBan, record_kinds
from correspondence.validate import validate

FORMATS = ("docx", "pdf")


@dataclass(frozen=True)
class Loaded:
    """A valid record with its agency profile and the located data it came from."""

    path: Path
    record: VanBan
    agency: CoQuan
    located: Located
    workspace: Path
    agency_id: str


def _display(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - another drive on Windows
        return str(path)


def agency_candidates(name: str, record_path: Path, workspace: Path) -> list[Path]:
    """Where an agency profile named ``name`` is looked for, in order."""
    file = f"{name}.yaml"
    return [workspace / "registers" / file, record_path.parent / "registers" / file, record_path.parent / file,
            record_path.parent.parent / "registers" / file]


def load_agency(path: Path) -> tuple[CoQuan | None, list[Problem]]:
    located, problems = load_data(path, _display(path))
    if located is None or problems:
        return None, problems
    return validate(located, CoQuan)


def _by_line(problem: Problem) -> tuple[str, int]:
    source, _sep, line = problem.source.rpartition(":")
    return source, int(line) if line.isdigit() else 0


def _body_problems(located: Located) -> list[Problem]:
    """Problems of the body (template and markup), found even while other fields are wrong."""
    data = located.data if isinstance(located.data, dict) else {}
    body, du_lieu = data.get("noi_dung"), data.get("du_lieu", {})
    if not isinstance(body, str) or not body.strip() or not isinstance(du_lieu, dict):
        return []
    from correspondence.compose import render_body

    try:
        render_body(body, du_lieu, located)
    except InvalidRecord as error:
        return list(error.problems)
    return []


def load(path: Path | str, workspace: Path | str | None = None, check_body: bool = True) -> Loaded:
    """Load and validate one record and its agency profile; raise ``InvalidRecord`` with every problem.

    ``check_body=False`` leaves the body for later (a mail merge fills it from each row).
    """
    path = Path(path)
    root = Path(workspace) if workspace is not None else Path.cwd()
    located, problems = load_data(path, _display(path))
    if located is None:
        raise InvalidRecord(_("invalid record"), problems)
    kind = located.data.get("loai") if isinstance(located.data, dict) else None
    if kind is not None and kind not in record_kinds():
        problems.append(Problem(located.where(("loai",)), "loai",
                                _("unknown kind '{kind}'").format(kind=kind),
                                _("supported: {kinds}").format(kinds=", ".join(record_kinds()))))
        raise InvalidRecord(_("invalid record"), problems)
    record, more = validate(located, VanBan)
    problems += more
    from correspondence.kinds import BY_CODE

    layout = BY_CODE[kind].bo_cuc if kind in BY_CODE else "cong_van"
    needed = {"cong_van": ("kinh_gui", "trich_yeu"), "cong_dien": ("kinh_gui", "trich_yeu"), "bien_ban": ("thu_ky",),
              "giay": (), "ban_sao": ("ban_goc",)}.get(layout, ("trich_yeu",))
    if layout != "ban_sao" or kind == "trich_sao":
        needed = (*needed, "noi_dung")
    if not located.data.get("kem_theo"):
        needed = (*needed, "ky")
    for key in needed:
        if located.data.get(key) in (None, "") and not any(p.field == key for p in more):
            problems.append(Problem(located.where(()), key, _("required field is missing"),
                                    _("add a line '{key}: …'").format(key=key)))
    agency = None
    agency_id = ""
    name = located.data.get("co_quan") if isinstance(located.data, dict) else None
    if isinstance(name, str) and name.strip():
        candidates = agency_candidates(name.strip(), path, root)
        found = next((c for c in candidates if c.is_file()), None)
        if found is None:
            problems.append(Problem(located.where(("co_quan",)), "co_quan",
                                    _("no agency profile '{name}'").format(name=name),
                                    _("create {path}").format(path=_display(candidates[0]))))
        else:
            agency_id = found.stem
            agency, agency_problems = load_agency(found)
            problems += agency_problems
            if agency is not None:
                from correspondence.compose import check_against_agency

                problems += check_against_agency(located.data, agency, located)
    if check_body:
        problems += _body_problems(located)
    if problems or record is None or agency is None:
        raise InvalidRecord(_("invalid record"), sorted(problems, key=_by_line))
    return Loaded(path, record, agency, located, root, agency_id)


def compose(loaded: Loaded, so: int | None, ngay: dt.date | None, nam_trong_ky_hieu: bool = False):  # type: ignore[no-untyped-def]
    """The document model of a loaded record: final with a number, a draft without one."""
    from correspondence.compose import Issue, file_stem, find_don_vi
    from correspondence.compose import compose as build
    from correspondence.kinds import ky_hieu

    record, agency = loaded.record, loaded.agency
    if record.ban_goc is not None:
        return _compose_copy(loaded, so, ngay)
    parent = _parent(loaded, final=so is not None)
    if so is None:
        return build(record, agency, loaded.located, Issue(None, None), f"du-thao-{loaded.path.stem}", loaded.path.parent,
                     parent)
    issue = Issue(so, ngay or record.ngay or dt.date.today(), nam_trong_ky_hieu)
    unit = find_don_vi(agency, record.don_vi) or record.don_vi
    stem = file_stem(issue.so_ky_hieu(ky_hieu(record.loai, agency.viet_tat, unit)))
    if record.kem_theo is not None:
        stem = f"{file_stem(record.kem_theo)}-{record.loai.replace('_', '-')}"
    return build(record, agency, loaded.located, issue, stem, loaded.path.parent, parent)


def _compose_copy(loaded: Loaded, so: int | None, ngay: dt.date | None):  # type: ignore[no-untyped-def]
    """A copy of a document in the register: the original re-rendered from the register, the copy block added."""
    from correspondence.compose import Issue, compose_copy, file_stem
    from correspondence.issue import document_of, register_url
    from correspondence.kinds import ky_hieu
    from correspondence.register.store import Register

    record = loaded.record
    with Register(register_url(loaded.workspace, loaded.agency_id)) as register:
        found = register.find(loaded.agency_id, record.ban_goc or "")
    if not found or not found[0].record_json:
        reason = (_("{number} is not in the register of {agency}") if not found else
                  _("{number} was imported from an older register: there is no document to copy"))
        raise InvalidRecord(_("invalid record"), [Problem(loaded.located.where(("ban_goc",)), "ban_goc", reason.format(
            number=record.ban_goc, agency=loaded.agency_id))])
    original = document_of(found[0], loaded.workspace)
    if so is None:
        return compose_copy(record, loaded.agency, loaded.located, Issue(None, None), f"du-thao-{loaded.path.stem}",
                            original)
    issue = Issue(so, ngay or record.ngay or dt.date.today())
    stem = file_stem(issue.so_ky_hieu(ky_hieu(record.loai, loaded.agency.viet_tat, None)))
    return compose_copy(record, loaded.agency, loaded.located, issue, stem, original)


def _parent(loaded: Loaded, final: bool) -> tuple[str, dt.date] | None:
    """The register entry of the quyết định a document is issued with; located problem when a final one has none."""
    if loaded.record.kem_theo is None:
        return None
    from correspondence.issue import register_url
    from correspondence.register.store import Register

    with Register(register_url(loaded.workspace, loaded.agency_id)) as register:
        found = register.find(loaded.agency_id, loaded.record.kem_theo)
    if found:
        return found[0].so_ky_hieu, dt.date.fromisoformat(found[0].ngay)
    if not final:
        return None
    raise InvalidRecord(_("invalid record"), [Problem(
        loaded.located.where(("kem_theo",)), "kem_theo",
        _("{number} is not in the register of {agency}").format(number=loaded.record.kem_theo, agency=loaded.agency_id),
        _("issue the quyết định first"))])


def check(paths: list[Path | str], workspace: Path | str | None = None) -> list[Problem]:
    """Every problem in every file (record, agency profile, body); writes nothing."""
    problems: list[Problem] = []
    for path in paths:
        try:
            loaded = load(path, workspace)
            compose(loaded, None, None)
        except InvalidRecord as error:
            problems += error.problems
    return problems


def render_bytes(document, formats: tuple[str, ...] = FORMATS, workspace: Path | None = None) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    """Every file of the document by name: ``<stem>.<fmt>``, plus ``<annex stem>.<fmt>`` for annexes printed apart.

    A workspace ``templates/<kind>.docx`` (an agency's Word template) lays out the DOCX instead of the built-in one.
    """
    renderers = {}
    for fmt in formats:
        if fmt == "docx":
            from correspondence.render import word_template
            from correspondence.render.docx import render_docx

            agency_template = word_template.find(document, workspace)
            if agency_template is not None:
                renderers[fmt] = lambda index=None, t=agency_template: (
                    word_template.render(document, t) if index is None else render_docx(document, index))
            else:
                renderers[fmt] = lambda index=None: render_docx(document, index)
        elif fmt == "pdf":
            from correspondence.render.pdf import render_pdf

            renderers[fmt] = lambda index=None: render_pdf(document, workspace, index)
        else:
            raise RenderFailed(_("unknown output format '{fmt}'").format(fmt=fmt))
    from correspondence.progress import report

    jobs: list[tuple[str, Any, int | None]] = []
    for fmt, render in renderers.items():
        if document.kind == "phu_luc":  # an annex on its own
            jobs.append((f"{document.file_stem}.{fmt}", render, 0))
            continue
        jobs.append((f"{document.file_stem}.{fmt}", render, None))
        jobs += [(f"{annex.file_stem}.{fmt}", render, index) for index, annex in enumerate(document.phu_luc)
                 if annex.separate]
    out: dict[str, bytes] = {}
    for done, (name, render, index) in enumerate(jobs, start=1):
        out[name] = render(index) if index is not None else render()
        report(done, len(jobs), name)
    return out


def write_atomic(files: dict[Path, bytes]) -> list[Path]:
    """Write every file through a temporary file and a rename; nothing is left half-written."""
    staged: list[tuple[str, Path]] = []
    try:
        for target, data in files.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            staged.append((tmp, target))
        for tmp, target in staged:
            os.replace(tmp, target)
    finally:
        for tmp, _target in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return list(files)


def _produce(path: Path | str, so: int | None, ngay: dt.date | None, out_dir: Path | str | None,
             workspace: Path | str | None, formats: tuple[str, ...]) -> list[Path]:
    loaded = load(path, workspace)
    document = compose(loaded, so, ngay)
    rendered = render_bytes(document, formats, loaded.workspace)
    folder = Path(out_dir) if out_dir is not None else loaded.workspace / "output"
    return write_atomic({folder / name: data for name, data in rendered.items()})


def draft(path: Path | str, out_dir: Path | str | None = None, workspace: Path | str | None = None,
          formats: tuple[str, ...] = FORMATS) -> list[Path]:
    """DOCX and PDF marked DỰ THẢO, with a blank number and date."""
    return _produce(path, None, None, out_dir, workspace, formats)


def render(path: Path | str, so: int, ngay: dt.date | None = None, out_dir: Path | str | None = None,
           workspace: Path | str | None = None, formats: tuple[str, ...] = FORMATS) -> list[Path]:
    """A final document with an explicit number and date (re-creating one already issued)."""
    if so < 1:
        from correspondence.errors import UsageError

        raise UsageError(_("the document number must be 1 or more"))
    return _produce(path, so, ngay, out_dir, workspace, formats)


def json_schema(profile: bool = False) -> dict:  # type: ignore[type-arg]
    """The JSON Schema of records (or of the agency profile), for editors' autocompletion."""
    model = CoQuan if profile else VanBan
    schema = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def skeleton(kind: str, workspace: Path | str | None = None) -> str:
    """A commented record to fill in, for ``correspondence new`` (a workspace ``templates/new/`` wins)."""
    from correspondence.templating import template_dirs

    name = f"{kind.replace('-', '_')}.yaml"
    root = Path(workspace) if workspace is not None else Path.cwd()
    folder = next(d / "new" for d in template_dirs(root) if (d / "new" / name).is_file())
    return (folder / name).read_text("utf-8")


def write_new(path: Path, text: str) -> None:
    """Write a new file; refuse to replace one that exists."""
    from correspondence.errors import UsageError

    if path.exists():
        raise UsageError(_("{path} already exists: choose another name").format(path=path))
    write_atomic({path: text.encode("utf-8")})
