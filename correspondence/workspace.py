"""Turn a workspace folder into the places the tool uses: agency profiles, the register, templates and output.

The one module that answers "where". A workspace holds ``registers/`` (agency profiles
``<agency>.yaml``, the SQLite registers, an optional ``config.yaml``), ``templates/`` (the agency's
own templates, overriding the built-in ones file by file) and ``output/`` (issued files).
"""

from __future__ import annotations

import os
from pathlib import Path

from correspondence.i18n import data_dir

CONFIG = Path("registers") / "config.yaml"
ENV_URL = "CORRESPONDENCE_REGISTER"


def shown(path: Path | str) -> str:
    """A path as the clerk reads it: relative to the current folder."""
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - another drive on Windows
        return str(path)


def find_root(start: Path | None = None) -> Path:
    """The workspace holding ``start`` (a folder or a file): the nearest folder, from ``start`` upward, with both
    ``registers/`` and ``output/`` — as git finds its repository; the current folder when there is none."""
    here = (start or Path.cwd()).resolve()
    if not here.is_dir():
        here = here.parent
    for folder in (here, *here.parents):
        if (folder / "registers").is_dir() and (folder / "output").is_dir():
            return folder
    return Path.cwd()


def issued_files(root: Path, agency: str) -> list[Path]:
    """Files issued by ``agency`` in the workspace (``output/<agency>/<year>/``): the trace of a register."""
    folder = root / "output" / agency
    return sorted(p for p in folder.glob("*/*") if p.is_file() and not p.name.startswith(".")) if folder.is_dir() else []


def explicit_register(root: Path) -> bool:
    """Whether the register's place was given (``--register``, the environment, ``registers/config.yaml``)."""
    return bool(os.environ.get(ENV_URL)) or (root / CONFIG).is_file()


def agency_candidates(name: str, record_path: Path, root: Path) -> list[Path]:
    """Where an agency profile named ``name`` is looked for, in order."""
    file = f"{name}.yaml"
    return [root / "registers" / file, record_path.parent / "registers" / file, record_path.parent / file,
            record_path.parent.parent / "registers" / file]


def agency_profile(root: Path, agency: str) -> Path:
    """The profile of ``agency`` in the workspace: ``registers/<agency>.yaml``."""
    return root / "registers" / f"{agency}.yaml"


def agencies(root: Path) -> list[str]:
    """The agencies of the workspace: a profile ``registers/<id>.yaml`` or a register ``registers/<id>.sqlite``."""
    folder = root / "registers"
    names = {p.stem for p in folder.glob("*.yaml") if p.stem != "config"} | {p.stem for p in folder.glob("*.sqlite")}
    return sorted(names)


def register_url(root: Path, agency_id: str, explicit: str | None = None) -> str:
    """Where the register lives: ``--register``, then $CORRESPONDENCE_REGISTER, then registers/config.yaml,
    else an SQLite file ``registers/<agency>.sqlite`` in the workspace."""
    if explicit:
        return explicit
    if os.environ.get(ENV_URL):
        return os.environ[ENV_URL]
    config = root / CONFIG
    if config.is_file():
        import yaml

        data = yaml.safe_load(config.read_text("utf-8")) or {}
        if isinstance(data, dict) and data.get("register"):
            return str(data["register"])
    return f"sqlite:///{(root / 'registers' / f'{agency_id}.sqlite').resolve()}"


def template_dirs(root: Path | None) -> list[Path]:
    """Where templates are looked up: the workspace ``templates/`` first, then the built-in ones."""
    dirs = []
    if root is not None and (root / "templates").is_dir():
        dirs.append(root / "templates")
    dirs.append(data_dir("templates"))
    return dirs


def word_template(root: Path | None, kind: str) -> Path | None:
    """The agency's Word template for a kind: ``templates/<kind>.docx`` in the workspace."""
    if root is None:
        return None
    path = root / "templates" / f"{kind}.docx"
    return path if path.is_file() else None


def word_templates(root: Path) -> list[Path]:
    """Every agency Word template of the workspace."""
    return sorted((root / "templates").glob("*.docx"))


def output_root(root: Path) -> Path:
    return root / "output"


def output_folder(root: Path, agency: str, year: int) -> Path:
    """Where the files of an issued document go: ``output/<agency>/<year>/``."""
    return root / "output" / agency / str(year)


def register_book(root: Path, agency: str, year: int, series: str, fmt: str) -> Path:
    """Where ``register export`` writes the printable register by default."""
    suffix = "" if series == "chung" else f"-{series}"
    return root / "output" / agency / f"so-dang-ky-van-ban-di-{year}{suffix}.{fmt}"
