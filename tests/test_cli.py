"""The command line: exit statuses, exact messages, files written (or not), help for every command."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from correspondence.cli import main
from tests.conftest import ROOT


@pytest.fixture
def cli(workspace: Path) -> Callable[..., object]:
    runner = CliRunner()

    def run(*args: str) -> object:
        return runner.invoke(main, ["--lang", "vi", *args], catch_exceptions=False)

    return run


def test_check_ok(cli: Callable[..., object], make_record: Callable[..., Path]) -> None:
    path = make_record()
    result = cli("check", str(path))
    assert result.exit_code == 0
    assert result.output == "Đã kiểm tra 1 tệp, không có lỗi.\n"


def test_check_tells_the_advice_a_valid_record_gets(cli: Callable[..., object],
                                                    make_record: Callable[..., Path]) -> None:
    """A trích yếu in capitals is printed as typed with a warning: ``check`` says it too, not only draft and issue."""
    path = make_record(trich_yeu="THỰC HIỆN CUNG CẤP DỊCH VỤ CÔNG TRỰC TUYẾN")
    result = cli("check", str(path))
    assert result.exit_code == 0
    assert result.stdout == "Đã kiểm tra 1 tệp, không có lỗi.\n"
    assert result.stderr == (f"{path.name}:4: trich_yeu: cảnh báo: trích yếu viết hoa toàn bộ; Nghị định 30/2020/NĐ-CP "
                             "viết chữ thường (Phụ lục I, mục II.5.b) (chỉ viết hoa chữ cái đầu và tên riêng)\n")
    data = json.loads(cli("check", "--json", str(path)).stdout)
    assert data["problems"] == [] and [w["field"] for w in data["warnings"]] == ["trich_yeu"]


def test_check_reports_and_exits_3(cli: Callable[..., object], make_record: Callable[..., Path]) -> None:
    path = make_record(ngay="2019-02-31")
    result = cli("check", str(path))
    assert result.exit_code == 3
    first, problem = result.stderr.splitlines()
    assert first == "Lỗi: có 1 lỗi"
    assert problem.startswith("  cv.yaml:")
    assert problem.endswith(": ngay: cần ngày dạng dd/mm/yyyy, nhận được '2019-02-31' (ví dụ 07/05/2019)")


def test_a_working_folder_removed_meanwhile_is_said(cli: Callable[..., object], make_record: Callable[..., Path],
                                                   tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A terminal still in a folder that was removed (or moved) since it went into it: the clerk is told to go into the
    office folder again, not shown an internal error."""
    path = make_record()
    gone = tmp_path / "da-xoa"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    result = cli("check", str(path))
    assert result.exit_code == 2
    assert result.stderr == ("Lỗi: thư mục đang làm việc không còn nữa (đã bị xóa hoặc chuyển đi sau khi cửa sổ lệnh "
                             "vào đó): hãy vào lại thư mục của cơ quan (lệnh cd) rồi chạy lại\n")


def test_check_json(cli: Callable[..., object], make_record: Callable[..., Path]) -> None:
    result = cli("check", "--json", str(make_record(ky={"nguoi_ky": "ai"})))
    assert result.exit_code == 3
    data = json.loads(result.stdout)
    assert [p["field"] for p in data["problems"]] == ["ky.nguoi_ky"]


def test_render_writes_both_files_named_without_slash(cli: Callable[..., object], make_record: Callable[..., Path],
                                                      workspace: Path) -> None:
    result = cli("render", str(make_record()), "--so", "3018", "--ngay", "2019-05-07")
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in (workspace / "output").iterdir())
    assert files == ["3018-UBND-XD6.docx", "3018-UBND-XD6.pdf"]
    assert result.output.count("Đã ghi: output/") == 2


def test_draft_writes_a_marked_draft(cli: Callable[..., object], make_record: Callable[..., Path],
                                     workspace: Path) -> None:
    import pdfplumber

    result = cli("draft", str(make_record()), "-o", "nhap")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (workspace / "nhap").iterdir()) == ["du-thao-cv.docx", "du-thao-cv.pdf"]
    with pdfplumber.open(workspace / "nhap" / "du-thao-cv.pdf") as pdf:
        assert "DỰ THẢO" in pdf.pages[0].extract_text()


def test_bad_record_writes_nothing(cli: Callable[..., object], make_record: Callable[..., Path], workspace: Path) -> None:
    result = cli("render", str(make_record(ky={"nguoi_ky": "ai"})), "--so", "1")
    assert result.exit_code == 3
    assert not (workspace / "output").exists()
    assert not list(workspace.glob("**/*.tmp"))


def test_bad_body_writes_nothing(cli: Callable[..., object], make_record: Callable[..., Path], workspace: Path) -> None:
    result = cli("draft", str(make_record(noi_dung="Hạn {{ khong_co }}.")))
    assert result.exit_code == 3
    assert "tên 'khong_co' trong nội dung chưa được khai báo" in result.stderr
    assert not (workspace / "output").exists()


def test_bad_date_option(cli: Callable[..., object], make_record: Callable[..., Path]) -> None:
    result = cli("render", str(make_record()), "--so", "1", "--ngay", "31/02/2019")
    assert result.exit_code == 2
    assert result.stderr == "Lỗi: --ngay: cần ngày dạng dd/mm/yyyy, nhận được '31/02/2019'\n"


def test_english(workspace: Path, make_record: Callable[..., Path]) -> None:
    result = CliRunner().invoke(main, ["--lang", "en", "check", str(make_record(ngay="2019-02-31"))])
    assert result.exit_code == 3
    assert result.stderr.startswith("Error: 1 problem(s) found\n")
    assert "ngay: expected a date dd/mm/yyyy, got '2019-02-31' (for example 07/05/2019)" in result.stderr


def test_schema_is_json_schema_of_the_record(cli: Callable[..., object]) -> None:
    result = cli("schema")
    schema = json.loads(result.output)
    assert schema["additionalProperties"] is False
    assert {"trich_yeu", "kinh_gui", "noi_nhan", "ky", "luu"} <= set(schema["properties"])
    profile = json.loads(cli("schema", "--co-quan").output)
    assert {"ten_co_quan", "viet_tat", "nguoi_ky", "don_vi"} <= set(profile["properties"])


def test_new_skeleton_is_a_valid_record(cli: Callable[..., object], workspace: Path) -> None:
    result = cli("new", "cong-van", "-o", "moi.yaml")
    assert result.exit_code == 0
    assert cli("check", "moi.yaml").exit_code == 0
    skeleton = (workspace / "moi.yaml").read_text("utf-8")
    assert "correspondence issue" in skeleton and "--so" not in skeleton, "a clerk numbers through the register"
    again = cli("new", "cong-van", "-o", "moi.yaml")
    assert again.exit_code == 2
    assert "moi.yaml đã có: hãy chọn tên khác" in again.stderr


def test_kinds_lists_the_catalogue(cli: Callable[..., object]) -> None:
    output = cli("kinds").output
    assert "quy_dinh         QyĐ   Quy định" in output
    assert "cong_van         —     Công văn" in output
    assert "trich_sao        TrS   Bản trích sao" in output
    assert len(output.splitlines()) == 32


def test_every_command_has_help_and_is_documented(cli: Callable[..., object]) -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    reference = (ROOT / "docs" / "cli.md").read_text("utf-8")
    for name, command in main.commands.items():
        assert command.help, name
        assert cli(name, "--help").exit_code == 0
        assert f"correspondence {name}" in readme, name
        assert f"## correspondence {name}" in reference, name


def test_help_imports_nothing_heavy() -> None:
    code = ("import sys; import correspondence.cli; "
            "heavy = [m for m in ('weasyprint', 'docx', 'pydantic', 'jinja2', 'babel', 'fontTools', 'yaml', "
            "'sqlalchemy', 'rich', 'openpyxl', 'psycopg') "
            "if m in sys.modules]; print(heavy)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == "[]"


# What a run of the CLI imported: the modules of $WATCH it left in sys.modules.
_IMPORTED = ("import os, runpy, sys\n"
             "sys.argv = ['correspondence', *sys.argv[1:]]\n"
             "try:\n"
             "    runpy.run_module('correspondence', run_name='__main__')\n"
             "except SystemExit:\n"
             "    pass\n"
             "names = os.environ['WATCH'].split(',')\n"
             "print('IMPORTED', [n for n in names if n in sys.modules or any(m.startswith(n + '.') for m in sys.modules)])\n")
_RENDERERS = "weasyprint,typst,pikepdf,docx,fontTools,pypdfium2,PIL,correspondence.render"
_BOOKS = "sqlalchemy,psycopg,openpyxl,rich,correspondence.register,correspondence.incoming,correspondence.search"


def _imported(*args: str, watch: str, cwd: Path = ROOT) -> list[str]:
    result = subprocess.run([sys.executable, "-c", _IMPORTED, "--lang", "vi", *args], capture_output=True, text=True,
                            cwd=cwd, env={"PYTHONPATH": str(ROOT), "PATH": "", "WATCH": watch,
                                           "CORRESPONDENCE_FONTS": "bundled"})
    line = next(line for line in result.stdout.splitlines() if line.startswith("IMPORTED"))
    return json.loads(line.removeprefix("IMPORTED ").replace("'", '"'))


def test_argument_errors_import_nothing_heavy() -> None:
    """A mistyped command is answered by click alone: no renderer, no validation, no register."""
    watch = f"{_RENDERERS},{_BOOKS},pydantic,yaml,jinja2,babel,correspondence.api,correspondence.validate"
    assert _imported("draft", watch=watch) == []  # the file is missing
    assert _imported("issue", "--khong-co", watch=watch) == []
    assert _imported("khong-co-lenh", watch=watch) == []


def test_check_imports_no_renderer() -> None:
    """``check`` validates and composes, nothing more: it loads no PDF or DOCX engine, no other book and no database
    library (the register is opened only for a copy or a document issued with a quyết định)."""
    watch = ("weasyprint,typst,pikepdf,docx,pypdfium2,PIL,correspondence.render,psycopg,openpyxl,rich,"
             "correspondence.incoming,correspondence.search,correspondence.archive,correspondence.api.commands")
    assert _imported("check", str(ROOT / "examples" / "cong-van-3018.yaml"), watch=watch) == []
    assert _imported("check", str(ROOT / "examples" / "cong-van-3018.yaml"), watch="sqlalchemy") == []


def test_a_pdf_draft_loads_only_its_own_engine(tmp_path: Path) -> None:
    """A draft needs no register: a PDF by Typst loads neither the database library, nor WeasyPrint (no longer an
    engine), nor the DOCX writer, nor a PDF rewriter (Typst writes the whole PDF/A itself), nor a font reader (the
    shipped face's metrics are in a table of their own)."""
    watch = ("weasyprint,pikepdf,docx,pypdfium2,PIL,sqlalchemy,psycopg,openpyxl,rich,correspondence.register.store,"
             "correspondence.incoming,correspondence.search,correspondence.archive,correspondence.api.commands,typst,"
             "fontTools")
    found = _imported("draft", str(ROOT / "examples" / "cong-van-3018.yaml"), "-f", "pdf", "-o", str(tmp_path),
                      watch=watch)
    assert found == ["typst"]
    assert (tmp_path / "du-thao-cong-van-3018.pdf").is_file()


def test_issuing_loads_no_other_book(examples_workspace: Path) -> None:
    """``issue`` (and ``merge``, ``annex``: the same module of the api) loads the outgoing book alone: not the received
    documents, the search, the archive, signing or the exchange."""
    watch = ("correspondence.incoming,correspondence.search,correspondence.archive,correspondence.signing,"
             "correspondence.exchange,correspondence.api.commands,correspondence.register.store")
    found = _imported("issue", "examples/cong-van-3018.yaml", "-f", "docx", watch=watch, cwd=examples_workspace)
    assert found == ["correspondence.register.store"]  # the register, which it numbers in
    assert [path.name for path in (examples_workspace / "output").rglob("*.docx")] == ["01-UBND-XD6.docx"]


def test_main_module_runs(workspace: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "correspondence", "--lang", "vi", "check", "khong-co.yaml"],
                            capture_output=True, text=True, env={"PYTHONPATH": str(ROOT), "PATH": ""})
    assert result.returncode == 3
    assert result.stderr == "Lỗi: có 1 lỗi\n  khong-co.yaml: không tìm thấy tệp (kiểm tra lại đường dẫn)\n"
    assert "Traceback" not in result.stderr


def test_new_plan_skeleton_is_a_valid_record_but_its_places_to_fill_in(cli: Callable[..., object],
                                                                       workspace: Path) -> None:
    assert cli("new", "ke-hoach", "-o", "kh.yaml").exit_code == 0
    result = cli("check", "kh.yaml")
    assert result.exit_code == 3, result.output
    problems = [line.strip() for line in result.output.splitlines()[1:]]
    assert problems and all(": vẫn còn chỗ để điền, đánh dấu '…'" in line for line in problems), result.output
    assert [line.split(": ")[1] for line in problems] == ["trich_yeu"] + ["noi_dung"] * 5
    assert cli("draft", "kh.yaml", "-f", "pdf").exit_code == 0, "a draft is made, with warnings"


# Runs the CLI with an audit hook that notes every process it starts, and prints them last.
_SPAWNS = ("import atexit, runpy, sys\n"
           "started = []\n"
           "def hook(event, args):\n"
           "    if event in ('subprocess.Popen', 'os.posix_spawn', 'os.exec', 'os.system', 'os.fork'):\n"
           "        started.append(repr(args[:2]))\n"
           "sys.addaudithook(hook)\n"
           "atexit.register(lambda: print('STARTED', len(started), started))\n"
           "sys.argv = ['correspondence', *sys.argv[1:]]\n"
           "runpy.run_module('correspondence', run_name='__main__')\n")


def test_a_draft_starts_no_process(tmp_path: Path) -> None:
    """Making a PDF starts no compiler, linker or ldconfig (a library lookup) and, with the fonts declared, no process
    at all: start-up is imports, and imports run nothing."""
    result = subprocess.run(
        [sys.executable, "-c", _SPAWNS, "--lang", "vi", "draft", str(ROOT / "examples" / "cong-van-3018.yaml"),
         "-f", "pdf", "-o", str(tmp_path)], capture_output=True, text=True, cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin:/usr/sbin:/sbin", "CORRESPONDENCE_FONTS": "bundled"})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "du-thao-cong-van-3018.pdf").read_bytes().startswith(b"%PDF-")
    assert result.stdout.splitlines()[-1] == "STARTED 0 []"


_LAUNCH = ("import atexit, sys; atexit.register(lambda: print('CLICK', 'click' in sys.modules)); "
           "sys.argv[0] = 'correspondence'; from correspondence.launcher import main; main()")
_CLICK = "import sys; sys.argv[0] = 'correspondence'; from correspondence.cli import main; main()"


def _run(code: str, *args: str, columns: int = 80, lang: str = "vi") -> str:
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT,
                            env={"PYTHONPATH": str(ROOT), "PATH": "", "COLUMNS": str(columns),
                                 "CORRESPONDENCE_LANG": lang})
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize(("args", "lang"), [(("--help",), "vi"), (("draft", "-h"), "vi"),
                                            (("register", "list", "--help"), "en"), (("incoming", "--help"), "vi")])
def test_help_is_answered_without_loading_click_with_the_text_click_prints(args: tuple[str, ...], lang: str) -> None:
    """``correspondence … --help`` comes from the written help pages, word for word what click prints."""
    launched = _run(_LAUNCH, *args, lang=lang)
    assert launched.endswith("CLICK False\n")
    assert launched.removesuffix("CLICK False\n") == _run(_CLICK, *args, lang=lang)


def test_help_in_a_narrow_terminal_or_with_other_arguments_is_clicks() -> None:
    narrow = _run(_LAUNCH, "draft", "--help", columns=60)
    assert narrow.endswith("CLICK True\n")
    assert narrow.removesuffix("CLICK True\n") == _run(_CLICK, "draft", "--help", columns=60)
    assert max(len(line) for line in narrow.splitlines()) <= 60
    assert _run(_LAUNCH, "draft", "--help", "--xem").endswith("CLICK True\n")  # not a written page: click answers


def test_help_with_lang_english_is_wholly_english() -> None:
    page = _run(_LAUNCH, "--lang", "en", "draft", "--help")
    assert page.startswith("Usage: correspondence draft [OPTIONS] FILE\n\n  Render a draft: marked DỰ THẢO")
    assert page.endswith("CLICK False\n")


def test_a_command_looks_for_no_pydantic_plugin() -> None:
    """Pydantic looks for plugins among every installed package when it builds its first model (some 10 ms of each
    command): the tool's own schema is observed by none. An explicit PYDANTIC_DISABLE_PLUGINS is kept."""
    code = ("import atexit, sys; from pydantic.plugin import _loader; "
            "atexit.register(lambda: print('PLUGINS', _loader._plugins)); "
            "sys.argv[0] = 'correspondence'; from correspondence.launcher import main; main()")
    for environment, plugins in (({}, "None"), ({"PYDANTIC_DISABLE_PLUGINS": ""}, "{}")):
        result = subprocess.run([sys.executable, "-c", code, "check", str(ROOT / "examples" / "cong-van-3018.yaml")],
                                capture_output=True, text=True, cwd=ROOT,
                                env={"PYTHONPATH": str(ROOT), "PATH": "", **environment})
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines()[-1] == f"PLUGINS {plugins}", result.stdout
