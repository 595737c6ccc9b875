"""Files and permissions: a register shared by the clerks of one group, files never readable by other users, issued
originals never replaced by an -o, the internal-error log, odd names and a closed standard output."""

from __future__ import annotations

import datetime as dt
import grp
import os
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE_RECORD, EXAMPLES, ROOT

GROUP = "cvtest-vanthu"
CLERKS = ("cvtest-clerk1", "cvtest-clerk2")
OUTSIDER = "cvtest-outsider"
AGENCY = "ubnd-quang-ninh"


@dataclass
class Shared:
    """A workspace in a shared office folder: group-owned, setgid, group-writable."""

    root: Path
    group: str

    def run(self, user: str, *args: str, umask: int = 0o002, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        """The CLI run as another OS user. It keeps CAP_DAC_READ_SEARCH only so that it can read the interpreter
        (which may live in root's private home): writing is still checked against the user's own permissions."""
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT), "HOME": str(self.root),
               "CORRESPONDENCE_FONTS": "bundled", "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1"}
        command = ["setpriv", f"--reuid={user}", f"--regid={pwd.getpwnam(user).pw_gid}", "--init-groups",
                   "--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search", "--",
                   sys.executable, "-m", "correspondence", "--lang", "vi", *args]
        return subprocess.run(command, cwd=self.root, env=env, capture_output=True, text=True, timeout=300,
                              preexec_fn=lambda: os.umask(umask), input=stdin, check=False)

    def listing(self) -> dict[str, tuple[str, str, str]]:
        """Every file and folder: (mode, owner, group)."""
        return {str(p.relative_to(self.root)): (stat.filemode(p.lstat().st_mode), pwd.getpwuid(p.lstat().st_uid).pw_name,
                                                grp.getgrgid(p.lstat().st_gid).gr_name) for p in sorted(self.root.rglob("*"))}


def _run(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True)


@pytest.fixture(scope="module")
def accounts() -> Iterator[None]:
    """Real OS accounts: two clerks in the office group, one user outside it."""
    if os.geteuid() != 0:
        pytest.skip("creating OS users needs root")
    if not shutil.which("useradd") or not shutil.which("setpriv"):
        pytest.skip("useradd and setpriv are needed to run the tool as other users")
    made_group = False
    made: list[str] = []
    try:
        try:
            grp.getgrnam(GROUP)
        except KeyError:
            _run("groupadd", GROUP)
            made_group = True
        for user in (*CLERKS, OUTSIDER):
            try:
                pwd.getpwnam(user)
            except KeyError:
                _run("useradd", "--no-create-home", "--user-group", user)
                made.append(user)
        for user in CLERKS:
            _run("usermod", "-a", "-G", GROUP, user)
        yield
    finally:
        for user in made:
            subprocess.run(["userdel", user], capture_output=True, check=False)
        if made_group:
            subprocess.run(["groupdel", GROUP], capture_output=True, check=False)


@pytest.fixture
def shared(accounts: None) -> Iterator[Shared]:
    base = Path(tempfile.mkdtemp(prefix="cvtest-"))
    base.chmod(0o755)
    root = base / "van-thu"
    root.mkdir()
    shutil.copytree(EXAMPLES / "registers", root / "registers")
    (root / "output").mkdir()
    shutil.copy(EXAMPLE_RECORD, root / "cv.yaml")
    gid = grp.getgrnam(GROUP).gr_gid
    for path in [root, *root.rglob("*")]:
        os.chown(path, -1, gid)
        path.chmod(0o2770 if path.is_dir() else 0o660)
    try:
        yield Shared(root, GROUP)
    finally:
        shutil.rmtree(base)


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Lỗi nội bộ" not in result.stderr
    return result.stdout


# ---------------------------------------------------------------------------------------------- a shared register


def test_two_clerks_of_a_shared_folder_both_issue_list_and_verify(shared: Shared) -> None:
    one, two = CLERKS
    _ok(shared.run(one, "register", "init", "--co-quan", AGENCY))
    _ok(shared.run(one, "issue", "cv.yaml"))
    _ok(shared.run(two, "issue", "cv.yaml", "--lai"))
    _ok(shared.run(one, "issue", "cv.yaml", "--lai"))
    listed = _ok(shared.run(one, "register", "list", "--co-quan", AGENCY))
    assert all(f"{n:02d}/UBND-XD6" in listed for n in (1, 2, 3)), listed
    _ok(shared.run(two, "register", "list", "--co-quan", AGENCY))
    _ok(shared.run(one, "register", "verify", "--co-quan", AGENCY))
    _ok(shared.run(two, "register", "verify", "--co-quan", AGENCY))
    files = shared.listing()
    register = files[f"registers/{AGENCY}.sqlite"]
    assert register[0] == "-rw-rw----" and register[2] == GROUP, files
    issued = {name: what for name, what in files.items() if name.startswith(f"output/{AGENCY}/")}
    assert issued and all(what[2] == GROUP for what in issued.values()), issued
    assert all(what[0] in ("-rw-rw----", "drwxrws---") for what in issued.values()), issued
    assert {what[1] for name, what in issued.items() if name.endswith(".pdf")} == {one, two}


def test_a_clerk_who_cannot_write_the_register_is_told_which_file_and_leaves_nothing(shared: Shared) -> None:
    one, two = CLERKS
    _ok(shared.run(one, "register", "init", "--co-quan", AGENCY, umask=0o022))  # a clerk with the usual umask
    _ok(shared.run(one, "issue", "cv.yaml", umask=0o022))
    before = shared.listing()
    assert before[f"registers/{AGENCY}.sqlite"][0] == "-rw-r-----"
    for args in (("issue", "cv.yaml", "--lai"), ("register", "list", "--co-quan", AGENCY),
                 ("register", "verify", "--co-quan", AGENCY)):
        result = shared.run(two, *args)
        assert result.returncode == 4, result.stderr
        assert "Lỗi nội bộ" not in result.stderr
        assert f"registers/{AGENCY}.sqlite" in result.stderr
        assert f"nhóm {GROUP}" in result.stderr and "chmod g+rw" in result.stderr, result.stderr
        assert shared.listing() == before
    result = shared.run(OUTSIDER, "register", "list", "--co-quan", AGENCY)
    assert result.returncode == 4 and "Lỗi nội bộ" not in result.stderr
    assert f"không thuộc nhóm {GROUP}" in result.stderr, result.stderr
    assert shared.listing() == before
    _ok(shared.run(one, "register", "list", "--co-quan", AGENCY))  # the owner still works


def test_a_clerk_who_cannot_write_the_registers_folder_is_told_so(shared: Shared) -> None:
    one, two = CLERKS
    _ok(shared.run(one, "register", "init", "--co-quan", AGENCY))
    (shared.root / "registers").chmod(0o2750)
    before = shared.listing()
    result = shared.run(two, "register", "list", "--co-quan", AGENCY)
    assert result.returncode == 4 and "Lỗi nội bộ" not in result.stderr
    assert "registers" in result.stderr and "thư mục" in result.stderr, result.stderr
    assert shared.listing() == before


# ---------------------------------------------------------------------------------------------- never world-readable


def test_register_and_issued_files_are_not_readable_by_other_users(examples_workspace: Path) -> None:
    from correspondence import api

    old = os.umask(0o022)
    try:
        shutil.copy(EXAMPLE_RECORD, examples_workspace / "cv.yaml")
        (examples_workspace / "registers" / f"{AGENCY}.sqlite").unlink()
        api.register_init(examples_workspace, AGENCY)
        done = api.issue([examples_workspace / "cv.yaml"], examples_workspace)
        secret = examples_workspace / "mat.yaml"
        secret.write_text(EXAMPLE_RECORD.read_text("utf-8") + "do_mat: mat\n", "utf-8")
        done += api.issue([secret], examples_workspace)
    finally:
        os.umask(old)
    register = examples_workspace / "registers" / f"{AGENCY}.sqlite"
    assert stat.filemode(register.stat().st_mode) == "-rw-r-----"
    written = [path for item in done for path in item.files]
    assert len(written) == 4
    assert {stat.filemode(path.stat().st_mode) for path in written} == {"-rw-r-----"}
    assert stat.filemode(written[0].parent.stat().st_mode) == "drwxr-x---"


# ---------------------------------------------------------------------------------------------- issued originals


@pytest.fixture(scope="module")
def issued_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An examples workspace (as the ``examples_workspace`` fixture makes it) with the công văn issued, made once for
    the module: each test works on a copy of its register and output/ (``issued``)."""
    from correspondence import api
    from correspondence.i18n import set_language

    set_language("vi")
    root = tmp_path_factory.mktemp("issued")
    shutil.copytree(EXAMPLES, root / "examples")
    shutil.copytree(EXAMPLES / "registers", root / "registers")
    (root / "output").mkdir()
    api.register_init(root, AGENCY)
    api.issue([root / "examples" / "cong-van-3018.yaml"], root)
    return root


@pytest.fixture
def issued(issued_once: Path, examples_workspace: Path) -> dict[Path, bytes]:
    """The examples workspace with the công văn issued (a copy of ``issued_once``): every file of output/ and
    registers/, byte for byte."""
    for folder in ("registers", "output"):
        shutil.rmtree(examples_workspace / folder)
        shutil.copytree(issued_once / folder, examples_workspace / folder)
    return _snapshot(examples_workspace)


def _snapshot(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted((root / "output").rglob("*")) + sorted((root / "registers").glob("*"))
            if p.is_file() and not p.name.endswith((".lock", "-wal", "-shm"))}


def _cli(*args: str) -> object:
    from click.testing import CliRunner

    from correspondence.cli import main

    return CliRunner().invoke(main, ["--lang", "vi", *args], catch_exceptions=False)


@pytest.mark.parametrize("args", [
    ("render", "examples/cong-van-3018.yaml", "--so", "1", "--ngay", "07/05/2019", "-o", f"output/{AGENCY}/2019"),
    ("draft", "examples/cong-van-3018.yaml", "-o", f"output/{AGENCY}/2019"),
    ("draft", "examples/cong-van-3018.yaml", "-o", f"output/{AGENCY}/2019/moi"),
    ("register", "export", "--nam", "2019", "--co-quan", AGENCY, "-o", f"output/{AGENCY}/2019/01-UBND-XD6.pdf"),
    ("register", "export", "--nam", "2019", "--co-quan", AGENCY, "-o", f"output/{AGENCY}/2019/so-moi.pdf"),
    ("register", "export", "--nam", "2019", "--co-quan", AGENCY, "--format", "csv", "-o", f"registers/{AGENCY}.sqlite"),
    ("incoming", "export", "--nam", "2019", "--co-quan", AGENCY, "-o", f"output/{AGENCY}/2019/01-UBND-XD6.docx"),
    ("merge", "examples/giay-moi.yaml", "examples/khach-moi.csv", "--thu", "-o", f"output/{AGENCY}/2019/01-UBND-XD6.pdf"),
    ("dinh-chinh", "01/UBND-XD6", "--co-quan", AGENCY, "-o", f"output/{AGENCY}/2019/dinh-chinh.yaml"),
    ("new", "cong-van", "-o", f"output/{AGENCY}/2019/moi.yaml"),
    ("ho-so", "export", "--nam", "2019", "--co-quan", AGENCY, "-o", f"output/{AGENCY}/2019/goi"),
])
def test_no_output_option_writes_into_the_archive(issued: dict[Path, bytes], examples_workspace: Path,
                                                  args: tuple[str, ...]) -> None:
    events_before = _events(examples_workspace)
    result = _cli(*args)
    assert result.exit_code == 2, result.output
    assert "Lỗi nội bộ" not in result.stderr
    assert "tùy chọn -o không bao giờ ghi vào đó" in result.stderr, result.stderr
    assert args[-1] in result.stderr
    assert _snapshot(examples_workspace) == issued
    assert _events(examples_workspace) == events_before  # refused before anything was read or recorded


def test_an_output_folder_outside_the_archive_is_still_fine(issued: dict[Path, bytes], examples_workspace: Path) -> None:
    result = _cli("render", "examples/cong-van-3018.yaml", "--so", "1", "--ngay", "07/05/2019", "-o", "ban-in")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (examples_workspace / "ban-in").iterdir()) == ["01-UBND-XD6.docx", "01-UBND-XD6.pdf"]
    for _again in range(2):  # the printable book is made again
        assert _cli("register", "export", "--nam", "2019", "--co-quan", AGENCY).exit_code == 0
    assert _snapshot(examples_workspace).items() >= {k: v for k, v in issued.items() if "2019" in k.parts}.items()


def _events(root: Path) -> int:
    import sqlite3

    with sqlite3.connect(root / "registers" / f"{AGENCY}.sqlite") as conn:
        return int(conn.execute("SELECT count(*) FROM events").fetchone()[0])


# ---------------------------------------------------------------------------------------------- the internal-error log


def test_the_internal_error_log_never_follows_a_planted_link(workspace: Path, monkeypatch: pytest.MonkeyPatch,
                                                           tmp_path_factory: pytest.TempPathFactory) -> None:
    import time

    from correspondence import api

    temp = tmp_path_factory.mktemp("temp")
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    victim = tmp_path_factory.mktemp("victim") / "victim.txt"
    victim.write_text("keep me\n")
    start = time.time()
    for second in range(-1, 6):  # the names the log used to take: its second and process id
        stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(start + second))
        (temp / f"correspondence-loi-{stamp}-{os.getpid()}.log").symlink_to(victim)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("an unexpected failure")

    monkeypatch.setattr(api, "draft", broken)
    result = _cli("draft", "cv.yaml")
    assert result.exit_code == 70
    assert victim.read_text() == "keep me\n"
    logs = [p for p in temp.iterdir() if not p.is_symlink()]
    assert len(logs) == 1 and str(logs[0]) in result.stderr
    assert stat.filemode(logs[0].lstat().st_mode) == "-rw-------"
    assert "RuntimeError: an unexpected failure" in logs[0].read_text("utf-8")


# ---------------------------------------------------------------------------------------------- odd outputs and names


def _closed_pipe_run(args: list[str], cwd: Path, temp: Path) -> subprocess.CompletedProcess[bytes]:
    """The CLI with its standard output a pipe whose reader is gone (``… | head`` after head has quit)."""
    read, write = os.pipe()
    os.close(read)
    try:
        env = {**os.environ, "TMPDIR": str(temp), "PYTHONPATH": str(ROOT), "CORRESPONDENCE_FONTS": "bundled"}
        return subprocess.run([sys.executable, "-m", "correspondence", "--lang", "vi", *args], cwd=cwd, env=env,
                              stdout=write, stderr=subprocess.PIPE, timeout=300, check=False)
    finally:
        os.close(write)


def test_a_closed_standard_output_ends_quietly(examples_workspace: Path,
                                               tmp_path_factory: pytest.TempPathFactory) -> None:
    temp = tmp_path_factory.mktemp("temp")
    result = _closed_pipe_run(["kinds"], examples_workspace, temp)
    assert result.returncode == 141 and result.stderr == b""
    result = _closed_pipe_run(["issue", "examples/cong-van-3018.yaml"], examples_workspace, temp)
    assert result.returncode == 141 and result.stderr == b"", result.stderr.decode()
    assert list(temp.iterdir()) == []  # no internal-error log
    assert sorted(p.name for p in (examples_workspace / "output" / AGENCY / "2019").iterdir()) == [
        "01-UBND-XD6.docx", "01-UBND-XD6.pdf"]  # the document was issued; only its report was not read


@pytest.mark.parametrize("args", [
    ("draft", "examples/cong-van-3018.yaml", "-o", "-"),
    ("register", "export", "--nam", "2019", "--co-quan", AGENCY, "--format", "csv", "-o", "-"),
    ("new", "cong-van", "-o", "-"),
])
def test_output_to_a_dash_is_refused(issued: dict[Path, bytes], examples_workspace: Path, args: tuple[str, ...]) -> None:
    result = _cli(*args)
    assert result.exit_code == 2, result.output
    assert "-o -" in result.stderr and "Lỗi nội bộ" not in result.stderr, result.stderr
    assert not (examples_workspace / "-").exists()
    assert _snapshot(examples_workspace) == issued


def test_too_long_names_are_said_and_nothing_is_written(issued: dict[Path, bytes], examples_workspace: Path) -> None:
    long = "a" * 249
    shutil.copy(examples_workspace / "examples" / "cong-van-3018.yaml", examples_workspace / f"{long}.yaml")
    events = _events(examples_workspace)
    for args in (("check", f"{long}aaaaaaaa.yaml"), ("issue", f"{long}aaaaaaaa.yaml"),
                 ("draft", f"{long}.yaml"),  # du-thao-<name>.docx is longer than a name can be
                 ("render", "examples/cong-van-3018.yaml", "--so", "1", "-o", "b" * 256),
                 ("register", "export", "--nam", "2019", "--co-quan", AGENCY, "-o", f"{long}aaaaaaaa.pdf")):
        result = _cli(*args)
        assert result.exit_code != 0 and "Lỗi nội bộ" not in result.stderr, (args, result.stderr)
        assert "tên tệp quá dài" in result.stderr and "aaaaaaaaaa" in result.stderr or "bbbbbbbbbb" in result.stderr, \
            (args, result.stderr)
        assert _snapshot(examples_workspace) == issued
        assert _events(examples_workspace) == events
        assert sorted(p.name for p in examples_workspace.iterdir() if "aaa" in p.name or "bbb" in p.name) == [
            f"{long}.yaml"]
    written = _cli("register", "export", "--nam", "2019", "--co-quan", AGENCY, "-o", f"{long}.pdf")
    assert written.exit_code == 0, written.output  # a name that fits is written, however long
    assert (examples_workspace / f"{long}.pdf").is_file()


def test_control_characters_in_names_are_shown_escaped(workspace: Path) -> None:
    name = "cv\x1b[31mĐỎ\x07.yaml"
    (workspace / name).write_text("loai: cong_van\nso: [\n", "utf-8")
    result = _cli("check", name)
    assert result.exit_code == 3
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "cv\\x1b[31mĐỎ\\x07.yaml" in result.stderr, result.stderr
    missing = _cli("draft", "khong-co\x1b]0;title\x07.yaml")
    assert missing.exit_code != 0 and "\x1b" not in missing.stderr and "\\x1b]0;title" in missing.stderr, missing.stderr


# ---------------------------------------------------------------------------------------------- received file names


def test_a_received_file_keeps_its_name_folded_to_ascii(examples_workspace: Path) -> None:

    from correspondence import incoming

    received = examples_workspace / "Công văn tỉnh Quảng Ninh – đợt 1 (Đắk Lắk).txt"
    received.write_text("Công văn số 12/UBND-VX\n", "utf-8")
    row, files = incoming.receive(examples_workspace, received, "UBND tỉnh Quảng Ninh", "12/UBND-VX", "02/05/2019",
                                  "Công văn tỉnh", ngay_den=dt.date(2019, 5, 7), agency=AGENCY)
    assert files[0].name.split("-", 1)[1] == "Cong-van-tinh-Quang-Ninh-dot-1-Dak-Lak.txt"
    assert files[0].parent == examples_workspace / "output" / AGENCY / "den" / "2019"
    assert row.files[0]["path"].endswith("Cong-van-tinh-Quang-Ninh-dot-1-Dak-Lak.txt")


def test_received_text_with_terminal_escapes_is_printed_escaped_in_every_listing(workspace: Path) -> None:
    """Not only errors and paths: what a received document's sender or subject holds is printed escaped by the
    listings too (incoming list and show, search, the JSON of search)."""
    import json

    from click.testing import CliRunner

    from correspondence.cli import main

    scan = workspace / "den.txt"
    scan.write_text("công văn đến", "utf-8")

    def run(*args: str) -> str:
        result = CliRunner().invoke(main, ["--lang", "vi", *args])
        assert result.exit_code == 0, result.output
        return result.output

    run("register", "init")
    run("incoming", "receive", str(scan), "--tu", "Sở \x1b[31mX", "--trich-yeu", "rà soát \x1b[2J đỏ\u202e ngược",
        "--ngay-den", "01/05/2019")
    for args in (["incoming", "list", "--nam", "2019"], ["incoming", "show", "1", "--nam", "2019"],
                 ["search", "rà soát"]):
        output = run(*args)
        assert "\x1b" not in output and "\u202e" not in output, (args, output)
        assert "\\x1b[2J" in output and "\\u202e" in output, (args, output)
    raw = run("search", "rà soát", "--json")
    assert "\x1b" not in raw and "\u202e" not in raw, raw
    found = json.loads(raw)  # still JSON: the escapes are JSON escapes, the text as it came
    assert found[0]["ten_loai_trich_yeu"].endswith("rà soát \x1b[2J đỏ\u202e ngược")
