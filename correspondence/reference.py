"""Turn the CLI and the record schemas into the reference pages docs/cli.md and docs/records.md, and into the help
pages the command answers ``--help`` with (correspondence/cli/help.json, see ``correspondence.launcher``).

Refresh them with ``python -m correspondence.reference``; a test fails when they are stale.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
from pydantic import BaseModel

from correspondence.cli import main as cli_main
from correspondence.i18n import LANGUAGES, set_language
from correspondence.launcher import PAGES as HELP_PAGES
from correspondence.launcher import PROGRAM, WIDTH
from correspondence.validate.schema import (
    Bang,
    ChuKy,
    CoQuan,
    Cot,
    DonVi,
    LienHe,
    Luu,
    NguoiKy,
    NoiNhanMuc,
    PhuLuc,
    SoRieng,
    VanBan,
)

DOCS = Path(__file__).resolve().parent.parent / "docs"


def cli_reference() -> str:
    set_language("vi")
    lines = ["# Tra cứu lệnh — `correspondence`", "",
             "Trang này sinh từ `--help` của từng lệnh (`python -m correspondence.reference`).", ""]
    ctx = click.Context(cli_main, info_name="correspondence", terminal_width=88, max_content_width=88,
                        **cli_main.context_settings)  # click caches each help option: keep -h in it
    lines += ["## correspondence", "", "```text", cli_main.get_help(ctx).rstrip(), "```", ""]
    def walk(group: click.Group, parent: click.Context, prefix: str) -> None:
        for name in sorted(group.commands):
            command = group.commands[name]
            sub = click.Context(command, info_name=name, parent=parent, terminal_width=88, max_content_width=88)
            lines.extend([f"## {prefix} {name}", "", "```text", command.get_help(sub).rstrip(), "```", ""])
            if isinstance(command, click.Group):
                walk(command, sub, f"{prefix} {name}")

    walk(cli_main, ctx, "correspondence")
    return "\n".join(lines)


def _type_name(annotation: Any) -> str:
    text = repr(annotation) if not isinstance(annotation, type) else annotation.__name__
    for noise in ("typing.", "datetime.", "correspondence.validate.schema.", "Annotated[", "pydantic."):
        text = text.replace(noise, "")
    if "StringConstraints" in text or text.startswith("str"):
        text = "str" if "list" not in text else text
    return text


def _model_table(model: type[BaseModel]) -> list[str]:
    rows = ["| khóa | bắt buộc | mô tả |", "|---|---|---|"]
    for name, info in model.model_fields.items():
        required = "có" if info.is_required() else "không"
        rows.append(f"| `{name}` | {required} | {(info.description or '').replace('|', '/')} |")
    return rows


def records_reference() -> str:
    lines = ["# Các trường của bản ghi và hồ sơ cơ quan", "",
             "Trang này sinh từ khai báo schema (`correspondence/validate/schema.py`); khóa lạ là lỗi.", ""]
    for title, model in (("Văn bản (`loai: cong_van`, `ke_hoach`, `bao_cao` …)", VanBan), ("`ky` — chữ ký", ChuKy),
                         ("`luu` — dòng Lưu", Luu), ("Mục Nơi nhận có mục con", NoiNhanMuc),
                         ("Hồ sơ cơ quan (`registers/<mã>.yaml`)", CoQuan), ("`don_vi.<mã>`", DonVi),
                         ("`nguoi_ky.<mã>`", NguoiKy), ("`lien_he`", LienHe), ("`so_rieng.<tên sổ>`", SoRieng),
                         ("`phu_luc[]` — phụ lục", PhuLuc), ("`bang` — mô tả bảng", Bang), ("`bang.cot[]` — cột", Cot)):
        lines += [f"## {title}", "", *_model_table(model), ""]
    return "\n".join(lines)


PAGES = {"cli.md": cli_reference, "records.md": records_reference}


def _command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = [prefix]
    for name in sorted(group.commands):
        command = group.commands[name]
        paths += _command_paths(command, (*prefix, name)) if isinstance(command, click.Group) else [(*prefix, name)]
    return paths


def _help_pages_here() -> dict[str, str]:
    """What ``--help`` prints for every command, in this process's language, at $COLUMNS (80): click itself answers,
    as in a terminal."""
    pages = {}
    for path in _command_paths(cli_main):
        with contextlib.redirect_stdout(io.StringIO()) as out:
            status = cli_main.main([*path, "--help"], prog_name=PROGRAM, standalone_mode=False)
        assert status == 0, out.getvalue()
        pages[" ".join(path)] = out.getvalue()
    return pages


def help_pages() -> str:
    """The help pages of every command in every language (each language in a process of its own: the messages are
    translated as the commands are defined)."""
    pages = {}
    for language in LANGUAGES:
        env = {**os.environ, "CORRESPONDENCE_LANG": language, "COLUMNS": str(WIDTH)}
        found = subprocess.run([sys.executable, "-m", "correspondence.reference", "--help-pages"], env=env,
                               capture_output=True, text=True, check=True, encoding="utf-8").stdout
        pages[language] = json.loads(found)
    return json.dumps(pages, ensure_ascii=False, indent=0, sort_keys=True) + "\n"


def main() -> None:
    if sys.argv[1:] == ["--help-pages"]:
        sys.stdout.write(json.dumps(_help_pages_here(), ensure_ascii=False))
        return
    HELP_PAGES.write_text(help_pages(), "utf-8")
    sys.stdout.write(f"{HELP_PAGES}\n")
    DOCS.mkdir(exist_ok=True)
    for name, make in PAGES.items():
        (DOCS / name).write_text(make(), "utf-8")
        sys.stdout.write(f"{DOCS / name}\n")


if __name__ == "__main__":
    main()
