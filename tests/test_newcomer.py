"""What a new clerk meets following only the docs: the wrong folder, odd answers to init, dates that already say the
year, Vietnamese labels and local times, click's own texts, a merge column named like a record field, the glossary's
commands."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from correspondence.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def _run(*args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--lang", "vi", *args], input=input)
    return result.exit_code, result.output


@pytest.fixture
def empty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


# 1 ---------------------------------------------------------------- the wrong folder: no profile, no workspace


@pytest.mark.parametrize("command", [
    ["register", "list"], ["register", "show", "01/UBND-VP"], ["register", "export", "--nam", "2026"],
    ["register", "verify"], ["register", "init"], ["register", "init", "--co-quan", "ubnd-quang-ninh"],
    ["register", "list", "--co-quan", "ubnd-quang-ninh"], ["incoming", "list"], ["ho-so", "list"]])
def test_the_wrong_folder_points_to_init_and_stays_empty(empty: Path, command: list[str]) -> None:
    code, output = _run(*command)
    assert code != 0, output
    assert "có: —" not in output and "Traceback" not in output
    assert "correspondence init" in output, output
    assert "register init" not in output, output
    assert list(empty.iterdir()) == [], "an empty folder stays empty"


def test_issue_creates_no_register_where_no_profile_is(empty: Path) -> None:
    """The profile lies beside the record, not in registers/: the record is valid but this folder is no office."""
    shutil.copy(EXAMPLES / "cong-van-3018.yaml", empty)
    shutil.copy(EXAMPLES / "registers" / "ubnd-quang-ninh.yaml", empty)
    code, output = _run("issue", "cong-van-3018.yaml", "-f", "docx")
    assert code != 0, output
    assert "correspondence init" in output, output
    assert sorted(p.name for p in empty.iterdir()) == ["cong-van-3018.yaml", "ubnd-quang-ninh.yaml"]


def test_a_record_naming_an_unknown_agency_points_to_init(empty: Path) -> None:
    shutil.copy(EXAMPLES / "cong-van-3018.yaml", empty)
    code, output = _run("issue", "cong-van-3018.yaml")
    assert code == 3, output
    assert "không có hồ sơ cơ quan 'ubnd-quang-ninh'" in output
    assert "correspondence init --ma ubnd-quang-ninh" in output, output
    assert list(p.name for p in empty.iterdir()) == ["cong-van-3018.yaml"]


def test_register_init_with_a_profile_still_works(empty: Path) -> None:
    (empty / "registers").mkdir()
    shutil.copy(EXAMPLES / "registers" / "ubnd-quang-ninh.yaml", empty / "registers")
    code, output = _run("register", "init")
    assert code == 0, output
    assert (empty / "registers" / "ubnd-quang-ninh.sqlite").is_file()
    code, output = _run("register", "list", "--co-quan", "so-khac")
    assert code != 0 and "correspondence init --ma so-khac" in output, output
    assert not (empty / "registers" / "so-khac.sqlite").exists()
