"""The accounts of the desk: added, listed, removed from the command line; their passwords kept only as argon2
hashes; every change an event of the register's chain, so that a role raised in the database is found."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from correspondence import api
from correspondence.cli import main
from correspondence.errors import RegisterConflict, UsageError
from tests.desk import AGENCY, PASSWORD


def _cli(*args: str, password: str | None = PASSWORD) -> tuple[int, str]:
    env = {"CORRESPONDENCE_PASSWORD": password} if password else {}
    result = CliRunner().invoke(main, list(args), env=env)
    return result.exit_code, result.output


def test_user_add_list_remove_from_the_command_line(examples_workspace: Path) -> None:
    code, out = _cli("user", "add", "nguyenan", "--vai-tro", "van-thu", "--co-quan", AGENCY)
    assert code == 0, out
    assert "nguyenan" in out
    code, out = _cli("user", "list", "--co-quan", AGENCY)
    assert code == 0 and "nguyenan\tvan-thu" in out
    code, out = _cli("user", "add", "nguyenan", "--vai-tro", "lanh-dao", "--co-quan", AGENCY)
    assert code == 4 and "đã có" in out
    code, out = _cli("user", "remove", "nguyenan", "--co-quan", AGENCY)
    assert code == 0, out
    code, out = _cli("user", "list", "--co-quan", AGENCY)
    assert "nguyenan" not in out and "chưa có tài khoản" in out


def test_a_password_is_kept_as_an_argon2_hash_only(examples_workspace: Path) -> None:
    api.user_add(examples_workspace, "an", "van-thu", PASSWORD, AGENCY)
    with sqlite3.connect(examples_workspace / "registers" / f"{AGENCY}.sqlite") as db:
        stored = db.execute("SELECT mat_khau FROM nguoi_dung WHERE ten = 'an'").fetchone()[0]
    assert stored.startswith("$argon2") and PASSWORD not in stored
    assert api.user_authenticate(examples_workspace, "an", PASSWORD, AGENCY) is not None
    assert api.user_authenticate(examples_workspace, "an", PASSWORD + "x", AGENCY) is None
    assert api.user_authenticate(examples_workspace, "khong-co", PASSWORD, AGENCY) is None


@pytest.mark.parametrize(("args", "password", "expected"), [
    (("user", "add", "An Nguyen", "--vai-tro", "van-thu"), PASSWORD, "tên tài khoản"),
    (("user", "add", "an", "--vai-tro", "van-thu"), "ngan", "ngắn hơn 8"),
    (("user", "add", "an", "--vai-tro", "van-thu"), None, "CORRESPONDENCE_PASSWORD"),
    (("user", "add", "an", "--vai-tro", "thu-ky"), PASSWORD, "--vai-tro"),
])
def test_a_bad_account_is_refused_and_nothing_written(examples_workspace: Path, args: tuple[str, ...],
                                                      password: str | None, expected: str) -> None:
    code, out = _cli(*args, "--co-quan", AGENCY, password=password)
    assert code == 2, out
    assert expected in out
    assert api.user_list(examples_workspace, AGENCY) == []


def test_a_role_raised_in_the_database_is_found_by_verify(examples_workspace: Path) -> None:
    api.user_add(examples_workspace, "cv", "chuyen-vien", PASSWORD, AGENCY)
    assert not api.register_verify(examples_workspace, AGENCY).problems
    with sqlite3.connect(examples_workspace / "registers" / f"{AGENCY}.sqlite") as db:
        db.execute("UPDATE nguoi_dung SET vai_tro = 'van-thu' WHERE ten = 'cv'")
        db.execute("INSERT INTO nguoi_dung (agency, ten, vai_tro, mat_khau, status, tao_luc, tao_boi) "
                   "VALUES (?, 'ke-gian', 'van-thu', 'x', 'active', 'x', 'x')", (AGENCY,))
    problems = [str(p) for p in api.register_verify(examples_workspace, AGENCY, repair=False).problems]
    assert any("cv" in p and "bị sửa" in p for p in problems), problems
    assert any("ke-gian" in p and "được thêm" in p for p in problems), problems


def test_changes_are_recorded_as_by_the_acting_account(examples_workspace: Path) -> None:
    api.user_add(examples_workspace, "an", "van-thu", PASSWORD, AGENCY)
    with api.acting("an"):
        api.user_add(examples_workspace, "binh", "chuyen-vien", PASSWORD, AGENCY)
    api.user_add(examples_workspace, "chi", "chuyen-vien", PASSWORD, AGENCY)
    with sqlite3.connect(examples_workspace / "registers" / f"{AGENCY}.sqlite") as db:
        by = dict(db.execute("SELECT json_extract(detail, '$.ten'), by FROM events WHERE action = 'user-added'"))
    assert by["binh"] == "an"
    assert by["chi"] not in ("an", "binh")  # outside the block: the process's own user again


def test_a_removed_account_cannot_sign_in_and_an_unknown_one_is_refused(examples_workspace: Path) -> None:
    api.user_add(examples_workspace, "an", "van-thu", PASSWORD, AGENCY)
    api.user_remove(examples_workspace, "an", AGENCY)
    assert api.user_authenticate(examples_workspace, "an", PASSWORD, AGENCY) is None
    with pytest.raises(RegisterConflict):
        api.user_remove(examples_workspace, "an", AGENCY)
    with pytest.raises(UsageError):
        api.user_add(examples_workspace, "x", "van-thu", PASSWORD, AGENCY)
