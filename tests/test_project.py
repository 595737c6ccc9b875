"""The project as shipped: catalogues complete, reference docs current, the wheel self-contained."""

from __future__ import annotations

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
        str(ROOT / "correspondence"), keywords={"_": None, "N_": None}, method_map=[("**.py", "python")])}
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
    from correspondence.reference import PAGES

    for name, make in PAGES.items():
        assert (ROOT / "docs" / name).read_text("utf-8") == make(), \
            f"docs/{name} is stale: run python -m correspondence.reference"


def test_renderers_do_not_import_each_other_or_the_loaders() -> None:
    import ast

    for name in ("docx", "pdf"):
        tree = ast.parse((ROOT / "correspondence" / "render" / f"{name}.py").read_text("utf-8"))
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        forbidden = {"correspondence.render.docx", "correspondence.render.pdf", "correspondence.records",
                     "correspondence.records.loader", "correspondence.schema", "correspondence.api",
                     "correspondence.compose", "correspondence.validate"}
        assert not imported & forbidden, (name, imported & forbidden)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                             "-w", str(out), str(ROOT)], capture_output=True, text=True)
    if result.returncode != 0 and "hatchling" in result.stderr:
        pytest.skip("hatchling is not installed in this environment")
    assert result.returncode == 0, result.stderr
    return next(out.glob("correspondence-*.whl"))


def test_wheel_carries_templates_catalogues_and_fonts(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("correspondence/_data/templates/van_ban.html", "correspondence/_data/templates/document.css",
                   "correspondence/_data/templates/new/cong_van.yaml",
                   "correspondence/_data/locales/vi/LC_MESSAGES/correspondence.mo",
                   "correspondence/fonts/VanThuSerif-Regular.ttf", "correspondence/fonts/VanThuSerif-BoldItalic.ttf",
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
