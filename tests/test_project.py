"""The project as shipped: catalogues complete, reference docs current, the wheel self-contained."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT


def test_every_message_has_a_vietnamese_translation() -> None:
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    with (ROOT / "locales" / "vi" / "LC_MESSAGES" / "correspondence.po").open("rb") as handle:
        catalog = read_po(handle)
    messages = {message for _f, _l, message, _c, _x in extract_from_dir(
        str(ROOT / "correspondence"), keywords={"_": None, "N_": None},
        method_map=[("**.py", "python"), ("desk/templates/**.html", "jinja2.ext:babel_extract")],
        options_map={"desk/templates/**.html": {"trim_blocks": "true", "lstrip_blocks": "true"}})}
    missing = sorted(m for m in messages if not (catalog.get(m) and catalog.get(m).string))
    assert not missing, "run the catalogue update described in docs/phat-trien.md"


def test_placeholders_survive_translation() -> None:
    import re

    from babel.messages.pofile import read_po

    with (ROOT / "locales" / "vi" / "LC_MESSAGES" / "correspondence.po").open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = [set(re.findall(r"\{\w+(?:![rs])?\}", text)) for text in ids]
        for text in strings:
            assert set(re.findall(r"\{\w+(?:![rs])?\}", text)) in wanted, message.id


def test_reference_docs_are_current() -> None:
    from correspondence.reference import HELP_PAGES, PAGES, help_pages

    for name, make in PAGES.items():
        assert (ROOT / "docs" / name).read_text("utf-8") == make(), \
            f"docs/{name} is stale: run python -m correspondence.reference"
    assert HELP_PAGES.read_text("utf-8") == help_pages(), "the help pages are stale: run python -m correspondence.reference"


def test_layers_hold() -> None:
    """The import-linter contracts of pyproject.toml (docs/phat-trien.md): the layers, the renderers are peers, the
    register and the renderers never use the composer or the books, the books are independent, a front end imports
    only the api."""
    result = subprocess.run([sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
                             "sys.exit(lint_imports_command())"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _project_imports() -> list[tuple[Path, ast.AST, ast.ImportFrom | ast.Import]]:
    found = []
    for path in sorted((ROOT / "correspondence").rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for scope in ast.walk(tree):
            for node in ast.iter_child_nodes(scope):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    found.append((path, scope, node))
    return found


def _is_project(node: ast.ImportFrom | ast.Import) -> bool:
    if isinstance(node, ast.ImportFrom):
        return bool(node.module and node.module.split(".")[0] == "correspondence")
    return any(alias.name.split(".")[0] == "correspondence" for alias in node.names)


def _in_the_cli(path: Path) -> bool:
    return path.relative_to(ROOT / "correspondence").parts[0] == "cli"


def _for_type_checkers(scope: ast.AST) -> bool:
    """An ``if TYPE_CHECKING:`` block: the names a package loads on demand, declared to mypy."""
    return isinstance(scope, ast.If) and isinstance(scope.test, ast.Name) and scope.test.id == "TYPE_CHECKING"


def test_project_imports_are_at_the_top_outside_the_cli() -> None:
    """No import of the project hidden in a function (only the cli package defers them, to keep --help fast)."""
    hidden = [f"{path.relative_to(ROOT)}:{node.lineno}" for path, scope, node in _project_imports()
              if _is_project(node) and not isinstance(scope, ast.Module) and not _in_the_cli(path)
              and not _for_type_checkers(scope)]
    assert hidden == []


MODULE_LINES = 700
CLASS_LINES = 300
# Known exceptions, each with the work that removes it. (path, None) is the module itself, (path, name) a class.
TOO_BIG = {
    ("correspondence/render/docx.py", "_Writer"),  # 458 lines: to split (body, tables, header/footer) after the Typst work
}


def test_no_module_or_class_is_too_big() -> None:
    """A module holds at most MODULE_LINES lines and a class at most CLASS_LINES: past that, split it by what it does."""
    found = set()
    for path in sorted((ROOT / "correspondence").rglob("*.py")):
        text = path.read_text("utf-8")
        where = path.relative_to(ROOT).as_posix()
        if len(text.splitlines()) > MODULE_LINES:
            found.add((where, None))
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ClassDef) and (node.end_lineno or node.lineno) - node.lineno + 1 > CLASS_LINES:
                found.add((where, node.name))
    assert found - TOO_BIG == set(), "split these (docs/phat-trien.md, the size rule)"
    assert TOO_BIG - found == set(), "no longer too big: remove them from TOO_BIG"


def test_no_private_name_is_imported_across_modules() -> None:
    private = [f"{path.relative_to(ROOT)}:{node.lineno}: {alias.name}" for path, _scope, node in _project_imports()
               if isinstance(node, ast.ImportFrom) and _is_project(node)
               for alias in node.names if alias.name.startswith("_") and alias.name not in ("_", "__version__")]
    assert private == []


def test_exceptions_live_in_errors() -> None:
    """Every exception class of the package is defined in errors.py."""
    elsewhere = []
    for path in sorted((ROOT / "correspondence").rglob("*.py")):
        if path.name == "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                    isinstance(base, ast.Name) and (base.id.endswith(("Error", "Exception")) or base.id in {
                        "CorrespondenceError", "InvalidRecord", "RegisterConflict"}) for base in node.bases):
                elsewhere.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.name}")
    assert elsewhere == []


def test_every_module_says_what_it_turns_into_what() -> None:
    silent = [str(path.relative_to(ROOT)) for path in sorted((ROOT / "correspondence").rglob("*.py"))
              if not (ast.get_docstring(ast.parse(path.read_text("utf-8"))) or "").startswith("Turn ")]
    assert silent == []


def test_tests_read_nothing_outside_the_repository() -> None:
    """No test reaches above the repository (a fresh clone elsewhere has nothing there)."""
    upward = re.compile(r"ROOT\.parent|\.\.[/\\]shared")
    outside = [f"{path.relative_to(ROOT)}:{number}" for path in sorted((ROOT / "tests").rglob("*.py"))
               for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
               if path.name != "test_project.py" and upward.search(line)]
    assert outside == []


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The wheel, and the temporary folder its build was given."""
    out, temp = tmp_path_factory.mktemp("wheel"), tmp_path_factory.mktemp("temp")
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                             "-w", str(out), str(ROOT)], capture_output=True, text=True,
                            env={**os.environ, "TMPDIR": str(temp)})
    if result.returncode != 0 and "hatchling" in result.stderr:
        pytest.skip("hatchling is not installed in this environment")
    assert result.returncode == 0, result.stderr
    return next(out.glob("correspondence-*.whl")), temp


@pytest.fixture(scope="module")
def wheel(built: tuple[Path, Path]) -> Path:
    return built[0]


def test_building_the_wheel_leaves_nothing_in_the_temporary_folder(built: tuple[Path, Path]) -> None:
    """The catalogues compiled for the wheel are removed once it is built (each install left a folder)."""
    assert [path.name for path in built[1].iterdir()] == []


def test_wheel_carries_templates_catalogues_and_fonts(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("correspondence/_data/templates/van_ban.typ", "correspondence/_data/templates/so_dang_ky.typ",
                   "correspondence/_data/templates/new/cong_van.yaml",
                   "correspondence/_data/templates/co-quan/ubnd-tinh.yaml", "correspondence/_data/templates/co-quan/so.yaml",
                   "correspondence/_data/locales/vi/LC_MESSAGES/correspondence.mo",
                   "correspondence/fonts/LiberationSerif-Regular.ttf", "correspondence/fonts/LiberationSerif-BoldItalic.ttf",
                   "correspondence/fonts/OFL.txt", "correspondence/py.typed"):
        assert needed in names, needed


def test_wheel_renders_on_its_own(wheel: Path, tmp_path: Path) -> None:
    """Unpacked away from the source tree, the wheel finds its own templates, catalogue and fonts."""
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    work = tmp_path / "work"
    (work / "registers").mkdir(parents=True)
    (work / "registers" / "ubnd-quang-ninh.yaml").write_bytes(
        (ROOT / "examples" / "registers" / "ubnd-quang-ninh.yaml").read_bytes())
    (work / "cv.yaml").write_bytes((ROOT / "examples" / "cong-van-3018.yaml").read_bytes())
    result = subprocess.run([sys.executable, "-P", "-m", "correspondence", "render", "cv.yaml", "--so", "3018"],
                            cwd=work, capture_output=True, text=True,
                            env={"PYTHONPATH": str(site), "PATH": "", "CORRESPONDENCE_LANG": "vi"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Đã ghi: output/3018-UBND-XD6.docx")
    assert (work / "output" / "3018-UBND-XD6.pdf").stat().st_size > 10_000


def test_lint_and_types() -> None:
    lint = subprocess.run([sys.executable, "-m", "ruff", "check", "correspondence", "tests", "bench", "locales"],
                          cwd=ROOT, capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout
    types = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True)
    assert types.returncode == 0, types.stdout


def test_readme_quick_start_is_what_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    command = [line for line in (ROOT / ".ci" / "run").read_text("utf-8").splitlines()
               if line.strip() and not line.startswith(("#", "set ", "cd "))][-1]
    assert command in readme
    assert "python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/correspondence issue examples/" in readme
