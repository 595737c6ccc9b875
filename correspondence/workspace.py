"""Turn a workspace folder into the places the tool uses: agency profiles, the register, templates and output.

The one module that answers "where". A workspace holds ``registers/`` (agency profiles
``<agency>.yaml``, the SQLite registers, an optional ``config.yaml``), ``templates/`` (the agency's
own templates, overriding the built-in ones file by file) and ``output/`` (issued files).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from correspondence.errors import Problem, RegisterUnavailable
from correspondence.i18n import _, data_dir

CONFIG = Path("registers") / "config.yaml"
ENV_URL = "CORRESPONDENCE_REGISTER"


def shown(path: Path | str) -> str:
    """A path as the clerk reads it: relative to the current folder."""
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - another drive on Windows
        return str(path)


OTHERS = 0o007  # the permission bits of other users: never given to a file or folder the tool writes


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def file_mode() -> int:
    """The mode of a new file the tool writes (register, issued files, exports): what the umask allows, never to
    other users — 0640 under umask 022, 0660 under umask 002 (a shared office folder)."""
    return 0o666 & ~_umask() & ~OTHERS


def folder_mode() -> int:
    """The mode of a new folder the tool makes: 0750 under umask 022, 0770 under umask 002."""
    return 0o777 & ~_umask() & ~OTHERS


def make_folders(folder: Path) -> list[Path]:
    """Make ``folder`` and its missing parents with ``folder_mode`` (a setgid parent passes on its group): those
    made, the outermost first."""
    missing = []
    here = folder
    while not here.is_dir():
        missing.append(here)
        if here.parent == here:
            break
        here = here.parent
    made: list[Path] = []
    try:
        for path in reversed(missing):
            try:
                path.mkdir(mode=folder_mode())
            except FileExistsError:  # made meanwhile by another process
                if not path.is_dir():
                    raise
            else:
                made.append(path)
    except OSError:
        remove_empty(made)
        raise
    return made


def remove_empty(made: list[Path]) -> None:
    """Remove the folders ``make_folders`` made (``made``), the innermost first, each only while it is empty."""
    for path in reversed(made):
        try:
            path.rmdir()
        except OSError:
            return


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


_YEAR = re.compile(r"[0-9]{4}")
_REGISTER_FILE = re.compile(r".*\.sqlite(-wal|-shm|-journal|\.lock)?")


def archived(path: Path, root: Path | None = None) -> str | None:
    """What writing ``path`` would touch that is never written but by issuing: ``"archive"`` for the archive of
    issued originals (``output/<agency>/<year>/`` and ``output/<agency>/den/``, the folders and everything under
    them), ``"register"`` for an SQLite register in ``registers/``; None for any other place. Symbolic links are
    followed; the workspaces are ``root`` and the one holding ``path``."""
    target = Path(os.path.realpath(path))
    for base in {find_root(target), *([root] if root is not None else [])}:
        base = Path(os.path.realpath(base))
        if target.parent == base / "registers" and _REGISTER_FILE.fullmatch(target.name):
            return "register"
        try:
            parts = target.relative_to(base / "output").parts
        except ValueError:
            continue
        if len(parts) >= 2 and (parts[1] == "den" or _YEAR.fullmatch(parts[1])):
            return "archive"
    return None


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


DIRECTORY = "danh-ba"  # registers/danh-ba.yaml: the other agencies documents are exchanged with, not an agency


def agencies(root: Path) -> list[str]:
    """The agencies of the workspace: a profile ``registers/<id>.yaml`` or a register ``registers/<id>.sqlite``."""
    folder = root / "registers"
    names = {p.stem for p in folder.glob("*.yaml") if p.stem not in ("config", DIRECTORY)}
    names |= {p.stem for p in folder.glob("*.sqlite")}
    return sorted(names)


def no_office(root: Path, agency: str | None = None) -> RegisterUnavailable:
    """The error of a folder that is no office of ``agency`` (no profile ``registers/<agency>.yaml``): it points to
    ``correspondence init``, the command that sets an office up; never to ``register init``, which needs the profile."""
    folder = str(root.resolve())
    if agency is None:
        message = _("{folder} is not an office folder: it has no agency profile registers/<agency>.yaml").format(
            folder=folder)
        command = "correspondence init"
    else:
        message = _("no agency profile '{agency}' in {folder} (registers/{agency}.yaml)").format(
            agency=agency, folder=folder)
        command = f"correspondence init --ma {agency}"
    return RegisterUnavailable(message, [Problem(shown(root / "registers"), "", _(
        "run the command in the office's folder (or name it with -C FOLDER); to set up a new office here: "
        "{command}").format(command=command))])


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


ENV_PDF_ENGINE = "CORRESPONDENCE_PDF_ENGINE"  # no longer a choice: only typst is accepted (render/engine.py)


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


def register_book(root: Path, agency: str, year: int, series: str, fmt: str, part: str = "") -> Path:
    """Where ``register export`` writes the printable register by default (``part``: a period's days)."""
    suffix = "" if series == "chung" else f"-{series}"
    return root / "output" / agency / f"so-dang-ky-van-ban-di-{year}{suffix}{part}.{fmt}"


ENV_FONTS = "CORRESPONDENCE_FONTS"  # folders to look for Times New Roman in, or "bundled" to use the shipped face
# The four Times New Roman files as Windows, macOS and the Linux core-fonts package name them (lower case).
TIMES_FILES = {
    (False, False): ("times.ttf", "times new roman.ttf", "times_new_roman.ttf"),
    (True, False): ("timesbd.ttf", "times new roman bold.ttf", "times_new_roman_bold.ttf"),
    (False, True): ("timesi.ttf", "times new roman italic.ttf", "times_new_roman_italic.ttf"),
    (True, True): ("timesbi.ttf", "times new roman bold italic.ttf", "times_new_roman_bold_italic.ttf"),
}


def font_folders() -> list[Path]:
    """Where this machine keeps its fonts: the folders of ``CORRESPONDENCE_FONTS`` if set, else Windows', macOS'
    and the usual Linux ones."""
    declared = os.environ.get(ENV_FONTS)
    if declared:
        return [Path(part) for part in declared.split(os.pathsep) if part and part != "bundled"]
    home = Path.home()
    folders = [Path(os.environ.get("WINDIR", "C:\\Windows")) / "Fonts",
               home / "AppData" / "Local" / "Microsoft" / "Windows" / "Fonts",
               Path("/Library/Fonts"), Path("/System/Library/Fonts/Supplemental"), home / "Library" / "Fonts",
               Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), home / ".local" / "share" / "fonts",
               home / ".fonts"]
    return [folder for folder in folders if folder.is_dir()]


def times_new_roman() -> dict[tuple[bool, bool], Path] | None:
    """The four files of Times New Roman on this machine (the font folders, then fontconfig's list), or None."""
    return _times_new_roman(os.environ.get(ENV_FONTS))


@lru_cache(maxsize=4)
def _times_new_roman(declared: str | None) -> dict[tuple[bool, bool], Path] | None:
    if declared == "bundled":
        return None
    found: dict[tuple[bool, bool], Path] = {}
    names = {name: key for key, choices in TIMES_FILES.items() for name in choices}
    for folder in font_folders():
        for path in sorted(folder.rglob("*.[tT][tT][fF]")):
            key = names.get(path.name.lower())
            if key is not None and key not in found:
                found[key] = path
        if len(found) == 4:
            return found
    if not declared and shutil.which("fc-list"):
        listed = subprocess.run(["fc-list", ":family=Times New Roman", "file"], capture_output=True, text=True,
                                check=False).stdout
        for line in listed.splitlines():
            path = Path(line.strip().rstrip(":"))
            key = names.get(path.name.lower())
            if key is not None and key not in found:
                found[key] = path
    return found if len(found) == 4 else None
