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


# 2 ---------------------------------------------------------------- init: control characters, every answer asked

SO_X = ["init", "--ma", "so-x", "--mau", "so", "--chu-quan", "Ủy ban nhân dân tỉnh Y", "--ten", "Sở X",
        "--viet-tat", "SX", "--dia-danh", "Y", "--don-vi", "VP=Văn phòng Sở", "--nguoi-ky", "Nguyễn Văn An=Giám đốc"]


@pytest.mark.parametrize(("option", "value"), [
    ("--ten", "Sở X\nky_hieu_mat: Y"), ("--ten", "Sở X\u2028ma_dinh_danh: H1"), ("--nguoi-ky", "A B=Giám đốc\nx: y"),
    ("--dia-danh", "Y\x00"), ("--viet-tat", "SX\r"), ("--chu-quan", "UBND\ttỉnh Y"), ("--don-vi", "VP=Văn\x1bphòng"),
    ("--thu-truong", "Giám\x85đốc"), ("--ma-dinh-danh", "H49\n.1")])
def test_init_refuses_control_characters_in_any_answer(empty: Path, option: str, value: str) -> None:
    args = list(SO_X)
    if option in args:
        args[args.index(option) + 1] = value
    else:
        args += [option, value]
    code, output = _run(*args)
    assert code == 3, output
    assert f"  {option}: " in output and "ký tự điều khiển" in output, output
    assert list(empty.iterdir()) == [], "nothing written"


def test_init_writes_a_profile_that_reads_back_as_given(empty: Path) -> None:
    """Quotes, a colon, a hash: the profile holds them as text, and it is read back before success is said."""
    import yaml

    from correspondence.validate import load_agency

    tricky = ["--ten", "Sở X: \"Y\" # z", "--nguoi-ky", "Nguyễn Văn 'An'=Giám đốc: #1", "--ma-dinh-danh", "H49.10"]
    code, output = _run(*[a for a in SO_X if a not in ("--ten", "Sở X")], *tricky)
    assert code == 0, output
    profile_path = empty / "registers" / "so-x.yaml"
    data = yaml.safe_load(profile_path.read_text("utf-8"))
    assert data["ten_co_quan"] == ["Sở X: \"Y\" # z"] and data["ma_dinh_danh"] == "H49.10"
    assert "ky_hieu_mat" not in data
    assert data["nguoi_ky"]["nguyen_van_an"] == {"ho_ten": "Nguyễn Văn 'An'", "chuc_vu": "Giám đốc: #1"}
    profile, problems = load_agency(profile_path)
    assert profile is not None and problems == []


def test_init_takes_back_a_profile_that_does_not_read_back(empty: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the writer produced, a profile that does not validate when read again is not left behind."""
    from correspondence.office import setup

    monkeypatch.setattr(setup, "profile_text", lambda answers, data: "ten_co_quan: [\n")
    code, output = _run(*SO_X)
    assert code == 3, output
    assert "registers/so-x.yaml" in output
    assert list(empty.iterdir()) == [], "the profile and the folders are taken back"


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The clerk types the answers on a terminal (the CliRunner's input stands for the keyboard)."""
    import click.testing

    monkeypatch.setattr(click.testing._NamedTextIOWrapper, "isatty", lambda self: True, raising=False)


@pytest.mark.parametrize("sample", ["so", "ubnd-tinh", ""])
def test_interactive_init_asks_every_answer_it_needs(empty: Path, terminal: None, sample: str) -> None:
    import yaml

    answers = {  # the words of each question (the more precise first) → the answer typed
        "Hồ sơ mẫu": sample, "Mã cơ quan": "co-quan-moi", "Tên cơ quan chủ quản": "Ủy ban nhân dân tỉnh Y",
        "Tên cơ quan": "Sở Mới/Tỉnh Y", "Địa danh": "Y", "Chữ viết tắt": "SM", "Chức danh người đứng đầu": "Giám đốc",
        "Đơn vị soạn thảo": "VP=Văn phòng", "Những người ký": "Nguyễn Văn An=Giám đốc", "Mã định danh": "H49.10"}
    runner = CliRunner()
    # The prompts are answered in the order they come: each answer is picked by the words of its prompt.
    from correspondence.cli import office as cli

    asked: list[str] = []
    original = cli.click.prompt

    def prompt(text: str, *args: object, **kwargs: object) -> object:
        asked.append(text)
        key = next(k for k in answers if k in text)
        return answers[key] if answers[key] or "default" not in kwargs else kwargs["default"]

    cli.click.prompt = prompt  # type: ignore[assignment]
    try:
        result = runner.invoke(main, ["--lang", "vi", "init"])
    finally:
        cli.click.prompt = original
    assert result.exit_code == 0, result.output + "\n".join(asked)
    assert any("Mã định danh" in text for text in asked), asked
    data = yaml.safe_load((empty / "registers" / "co-quan-moi.yaml").read_text("utf-8"))
    assert "…" not in yaml.safe_dump(data, allow_unicode=True), data
    assert data["ma_dinh_danh"] == "H49.10" and data["dia_danh"] == "Y"
    assert data["nguoi_ky"]["nguyen_van_an"]["ho_ten"] == "Nguyễn Văn An"
    assert data["viet_tat"] == ("SM" if sample != "ubnd-tinh" else "UBND")


def test_interactive_init_with_typed_input(empty: Path, terminal: None) -> None:
    """The same through the keyboard itself: every answer typed, one a line."""
    import yaml

    typed = "\n".join(["so", "so-moi", "Sở Mới", "Ủy ban nhân dân tỉnh Y", "SM", "Y",
                       "Nguyễn Văn An=Giám đốc; Trần Bình=Phó Giám đốc", "H49.10", "H49.10.SM"]) + "\n"
    code, output = _run("init", input=typed)
    assert code == 0, output
    data = yaml.safe_load((empty / "registers" / "so-moi.yaml").read_text("utf-8"))
    assert data["ten_co_quan_chu_quan"] == ["Ủy ban nhân dân tỉnh Y"] and data["viet_tat"] == "SM"
    assert data["ma_dinh_danh"] == "H49.10" and len(data["nguoi_ky"]) == 2 and data["ma_dinh_danh_qd20"] == "H49.10.SM"


# 3 ---------------------------------------------------------------- a period's dates already say the year


def _issue(record: Path, day: str | None = None) -> None:
    code, output = _run("issue", str(record), "-f", "docx", *(["--ngay", day] if day else []))
    assert code == 0, output


def test_register_export_takes_the_year_from_the_dates(make_record, workspace: Path) -> None:  # type: ignore[no-untyped-def]
    _issue(make_record("a.yaml"))  # dated 07/05/2019
    code, output = _run("register", "export", "--tu-ngay", "01/04/2019", "--den-ngay", "30/06/2019", "--format", "csv")
    assert code == 0, output
    book = workspace / "output" / "ubnd-quang-ninh" / "so-dang-ky-van-ban-di-2019-20190401-20190630.csv"
    assert "01/UBND-XD6" in book.read_text("utf-8-sig")
    code, output = _run("register", "export", "--tu-ngay", "01/05/2019", "--format", "csv")
    assert code == 0, output
    code, output = _run("register", "export", "--quy", "2", "--nam", "2019", "--format", "csv")
    assert code == 0, output
    code, output = _run("register", "list", "--tu-ngay", "01/04/2019", "--den-ngay", "30/06/2019")
    assert code == 0 and "01/UBND-XD6" in output, output


def test_register_export_refuses_a_period_across_years_or_against_nam(make_record, workspace: Path) -> None:  # type: ignore[no-untyped-def]
    _issue(make_record("a.yaml"))
    code, output = _run("register", "export", "--tu-ngay", "01/12/2018", "--den-ngay", "31/05/2019")
    assert code == 2 and "2018" in output and "2019" in output, output
    code, output = _run("register", "export", "--nam", "2020", "--tu-ngay", "01/04/2019", "--den-ngay", "30/06/2019")
    assert code == 2 and "--nam" in output, output
    assert not list((workspace / "output").rglob("so-dang-ky-*")), "nothing written"


def test_a_quarter_or_month_without_nam_is_this_year_and_says_so(make_record, workspace: Path) -> None:  # type: ignore[no-untyped-def]
    from correspondence.vietnamese import hom_nay

    today = hom_nay()
    _issue(make_record("a.yaml"), today.strftime("%d/%m/%Y"))
    quarter = (today.month - 1) // 3 + 1
    code, output = _run("register", "export", "--quy", str(quarter), "--format", "csv")
    assert code == 0, output
    assert f"năm {today.year}" in output, output
    written = list((workspace / "output" / "ubnd-quang-ninh").glob(f"so-dang-ky-van-ban-di-{today.year}-*.csv"))
    assert len(written) == 1 and "01/UBND-XD6" in written[0].read_text("utf-8-sig")
    code, output = _run("register", "list", "--thang", str(today.month))
    assert code == 0 and "01/UBND-XD6" in output and f"năm {today.year}" in output, output
    code, output = _run("register", "export", "--format", "csv")  # no period, no year: this year's whole book
    assert code == 0 and f"năm {today.year}" in output, output


# 4 ---------------------------------------------------------------- what a clerk reads: labels and local time


def _local(iso: str) -> str:
    import datetime as dt

    moment = dt.datetime.fromisoformat(iso).astimezone(dt.timezone(dt.timedelta(hours=7)))
    return moment.strftime("%d/%m/%Y %H:%M")


def test_incoming_show_prints_vietnamese_labels_and_local_time(workspace: Path) -> None:
    from correspondence import api

    assert _run("register", "init")[0] == 0
    received = workspace / "den.pdf"
    received.write_bytes((EXAMPLES / "du-thao.docx").read_bytes())  # any file is kept as received
    code, output = _run("incoming", "receive", str(received), "--tu", "Sở Tài chính", "--so-ky-hieu", "123/STC-NS",
                        "--ngay-van-ban", "20/04/2019", "--trich-yeu", "Công văn V/v dự toán", "--ngay-den", "07/05/2019")
    assert code == 0, output
    code, output = _run("incoming", "show", "1", "--nam", "2019")
    assert code == 0, output
    row = api.incoming_show(workspace, 1, 2019)
    lines = output.splitlines()
    assert "Số đến: 1" in lines and "Ngày đến: 07/05/2019" in lines and "Tác giả: Sở Tài chính" in lines, output
    assert "Ngày văn bản: 20/04/2019" in lines, output
    assert f"Thời điểm vào sổ: {_local(row.received_at)} (giờ Việt Nam)" in lines, output
    assert "Trạng thái: đã vào sổ" in lines and "ban hành" not in output, output  # received, not issued
    for internal in ("received_at", "ngay_den", "tac_gia", "status", "agency", "series", "files_json"):
        assert not any(line.split(": ")[0] == internal for line in lines), (internal, output)
    assert "+00:00" not in output


def test_register_show_prints_the_issue_time_in_local_time(make_record, workspace: Path) -> None:  # type: ignore[no-untyped-def]
    from correspondence import api

    _issue(make_record("a.yaml"))
    entry = api.register_show(workspace, "01/UBND-XD6")
    code, output = _run("register", "show", "01/UBND-XD6")
    assert code == 0, output
    assert f"Thời điểm cấp số: {_local(entry.issued_at)} (giờ Việt Nam)" in output.splitlines(), output
    assert "+00:00" not in output and entry.issued_at not in output
    code, output = _run("register", "log")  # the access log, in the same local time
    assert code == 0 and output.splitlines()[-1].startswith(_local(entry.issued_at)[:10]), output


# 5 ---------------------------------------------------------------- click's own words, and -h


ENGLISH = ("Usage:", "Options:", "[OPTIONS]", "COMMAND [ARGS]", "TEXT", "INTEGER", "RANGE", "Show this message",
           "Error:", "No such option", "Missing argument", "NUMBER", "SYMBOL", "FILES", "Commands:")


@pytest.mark.parametrize("command", [["-h"], ["register", "-h"], ["register", "export", "-h"], ["issue", "-h"],
                                     ["incoming", "show", "-h"], ["ho-so", "add", "--help"], ["annex", "-h"]])
def test_help_is_vietnamese_and_takes_h(command: list[str]) -> None:
    code, output = _run(*command)
    assert code == 0, output
    assert output.startswith("Cách dùng: "), output
    assert "  -h, --help " in output, output
    english = [word for word in ENGLISH if word in output]
    assert english == [], (english, output)


@pytest.mark.parametrize(("command", "expected"), [
    (["incoming", "show"], "Thiếu đối số"), (["register", "list", "--bogus"], "Không có tùy chọn '--bogus'"),
    (["register", "list", "--thang", "x"], "--thang"), (["ho-so", "add"], "Thiếu đối số")])
def test_usage_errors_are_vietnamese(empty: Path, command: list[str], expected: str) -> None:
    code, output = _run(*command)
    assert code == 2 and expected in output, output
    english = [word for word in ENGLISH if word in output]
    assert english == [], (english, output)


def test_english_stays_available() -> None:
    result = CliRunner().invoke(main, ["--lang", "en", "register", "export", "-h"])
    try:
        assert result.exit_code == 0 and result.output.startswith("Usage: "), result.output
        assert "[OPTIONS]" in result.output and "INTEGER RANGE" in result.output
    finally:
        CliRunner().invoke(main, ["--lang", "vi", "kinds"])


# 7 ---------------------------------------------------------------- the docs name only commands that exist


def _commands() -> dict[str, set[str] | None]:
    """Every command of the CLI: a group's name → its subcommands; a command's name → None."""
    import click

    return {name: set(command.commands) if isinstance(command, click.Group) else None
            for name, command in main.commands.items()}


def test_every_command_the_docs_name_exists() -> None:
    import re

    commands = _commands()
    groups = {name for name, subs in commands.items() if subs is not None}
    # `correspondence X …` anywhere; `GROUP SUB` in backquotes (`register verify`); a backquoted lone word that a
    # sentence offers as a command (`recover`) is caught by the glossary's own check below.
    invoked = re.compile(r"(?:^|[\s`(|$])correspondence ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?")
    quoted = re.compile(r"`(" + "|".join(sorted(groups)) + r") ([a-z][a-z-]*)")
    unknown = []
    for doc in [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]:
        for number, line in enumerate(doc.read_text("utf-8").splitlines(), start=1):
            where = f"{doc.relative_to(ROOT)}:{number}"
            for match in invoked.finditer(line):
                name, sub = match.group(1), match.group(2)
                if name not in commands and name not in ("cli", "reference"):  # python -m correspondence.reference
                    unknown.append(f"{where}: correspondence {name}")
                elif name in groups and sub is not None and sub not in commands[name]:  # type: ignore[operator]
                    unknown.append(f"{where}: correspondence {name} {sub}")
            for match in quoted.finditer(line):
                if match.group(2) not in commands[match.group(1)]:  # type: ignore[operator]
                    unknown.append(f"{where}: {match.group(1)} {match.group(2)}")
    assert unknown == []


def test_the_glossary_names_no_command_that_does_not_exist() -> None:
    """A backquoted word the glossary gives as what a clerk runs is a command of the CLI (it once named `recover`)."""
    import re

    commands = _commands()
    text = (ROOT / "docs" / "glossary.md").read_text("utf-8")
    named = set(re.findall(r"(?:by|run|runs|with) `([a-z][a-z-]*)`", text))
    assert {word for word in named if word not in commands} == set()


# 6 ---------------------------------------------------------------- a column named like a field of the record


def test_a_column_titled_like_a_record_field_is_said_in_the_mapping(examples_workspace: Path) -> None:
    table = examples_workspace / "khach.csv"
    table.write_text("kinh_gui,ten,Đơn vị\nÔng A,ông A - Giám đốc Sở Nội vụ,XD6\n", "utf-8")
    code, output = _run("merge", "examples/giay-moi.yaml", "khach.csv", "--thu")
    assert code == 0, output
    mapping = [line.strip() for line in output.splitlines() if line.startswith("  Đơn vị → ")]
    assert mapping and "don_vi" in mapping[0] and "trường của bản ghi" in mapping[0], output
    assert "đơn vị soạn thảo" in mapping[0], output
    assert any(line.strip() == "ten → ten" for line in output.splitlines()), output  # a body variable: as before
    code, output = _run("merge", "examples/giay-moi.yaml", "khach.csv", "-f", "docx")
    assert code == 0, output
    assert "cột 'Đơn vị' thay trường don_vi của bản ghi" in output, output
