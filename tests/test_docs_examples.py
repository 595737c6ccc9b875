"""Every ```sh and ```yaml example of README.md and docs/*.md runs, in a scratch workspace like a clerk's.

Convention (what a doc writer needs to know):

- Blocks are collected from README.md and every docs/*.md (the generated docs/cli.md and docs/records.md
  hold only ```text blocks, so they give nothing to run). ```text blocks are output and are never run.
  Each block is one test, its id ``file:line`` (the line of the opening fence).
- The blocks of one doc run in order in one workspace of their own (``clerk_workspace``): like the
  ``examples_workspace`` fixture (``examples/`` copied, an empty ``output/``), but an office of one agency —
  ``registers/`` holds only ``ubnd-quang-ninh.yaml`` and no register yet, as the docs assume (their register
  commands name no agency; ``register init`` or the first ``issue`` creates the register). A block that follows others
  (``issue`` after the record it issues was written) finds what they left; run alone (``-k``), a block first replays
  the blocks before it. Commands run in that folder, so doc paths are relative to it.
- ```yaml blocks:
  * a *whole file* names where it goes — a first-line comment ``# 2026/cv-tap-huan.yaml``, or the heading just
    above it (``### Ví dụ: `registers/so-noi-vu.yaml` ``, first yaml block under that heading), or a marker
    ``<!-- docs-test: file PATH -->``. It is written there; a file under ``registers/`` is checked as an agency
    profile, any other as a record (``correspondence check``): it must give no problem.
  * a record without a path (it has ``loai`` and ``co_quan``) is written to a scratch name in ``examples/`` (whose
    ``registers/`` holds both example agencies) and checked the same way;
  * a *fragment* (some keys of a record, of an agency profile or of a table spec) must load as YAML, and is
    checked in context: record keys replace those of a base record — the doc's own whole records first, then
    ``examples/cong-van-3018.yaml`` and ``examples/ke-hoach-4498.yaml`` — and must check clean against one of them;
    profile keys replace those of ``registers/ubnd-quang-ninh.yaml``; a table spec (``cot`` …) is loaded as one.
    A block holding only comments (a line to paste) is only parsed.
- ```sh blocks: each command ``correspondence …`` (also ``$ correspondence``, ``.venv/bin/correspondence``,
  ``python -m correspondence``; ``VAR=value`` words before it go into its environment; ``\\`` continuations joined,
  ``#`` comments dropped, ``a && b`` split, ``> FILE``
  redirected, globs expanded) runs in the doc's workspace and must exit 0. It runs in this process (click's test
  runner against ``correspondence.cli.main``, in the workspace folder, with the environment a clerk's shell gives and
  the language chosen afresh, as a new process would): a new process per command proves nothing more and costs a
  second each; ``DOCS_TEST_SUBPROCESS=1`` runs them with the venv's console script instead.
  Any other command (``pip install``, ``python3 -m venv``, ``pybabel``, ``pytest``, ``git``, ``cd``, ``export`` …)
  is not run. A command that shows an error ends with a comment ``# mã thoát N`` / ``# exit status N`` and must
  exit N.
- Markers, an HTML comment on the line just before the fence, kept few:
  ``<!-- docs-test: skip (reason) -->`` (not run; the reason is shown by pytest),
  ``<!-- docs-test: file PATH -->`` (a yaml block, or a table shown as ```csv, written there) and
  ``<!-- docs-test: fresh (reason) -->`` (this block and the next start a new workspace, which holds the files of
  the doc's yaml blocks above it). The English half of a doc (after ``## English``) starts a new workspace too.
"""

from __future__ import annotations

import contextlib
import copy
import glob
import os
import re
import shlex
import shutil
import subprocess
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import EXAMPLES, ROOT

pytestmark = pytest.mark.slow

DOC_FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
RUN = ("sh", "yaml")
MARKER = re.compile(r"^\s*<!--\s*docs-test:\s*(?P<what>skip|file|fresh)\b\s*(?P<arg>.*?)\s*-->\s*$")
FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>```+)\s*(?P<lang>[\w+-]*)\s*$")
HEADING = re.compile(r"^#{1,6}\s")
ENGLISH = re.compile(r"^##\s+English\s*$")
HEADING_PATH = re.compile(r"`([^`\s]+\.ya?ml)`")
FIRST_LINE_PATH = re.compile(r"^#\s*([\w./-]+\.ya?ml)\s*$")
ASSIGNMENT = re.compile(r"[A-Z_][A-Z0-9_]*=.*")  # ``CORRESPONDENCE_PASSWORD=… correspondence user add …``
EXPECTED_EXIT = re.compile(r"#.*\b(?:mã thoát|exit status)\s+(\d+)")
COMMAND_PREFIXES = (("correspondence",), (".venv/bin/correspondence",), ("python", "-m", "correspondence"),
                    ("python3", "-m", "correspondence"), (".venv/bin/python", "-m", "correspondence"))
BASE_RECORDS = ("examples/cong-van-3018.yaml", "examples/ke-hoach-4498.yaml")
BASE_PROFILE = "registers/ubnd-quang-ninh.yaml"


@dataclass(frozen=True)
class Block:
    doc: str  # path relative to the repository, e.g. docs/huong-dan.md
    line: int  # line of the opening fence
    lang: str
    text: str
    marker: tuple[str, str] | None = None
    heading_path: str | None = None
    group: str = "vi0"  # the blocks of one group run in order in one workspace

    def marked(self, what: str) -> bool:
        return self.marker is not None and self.marker[0] == what

    @property
    def where(self) -> str:
        return f"{self.doc}:{self.line}"


def parse_blocks(path: Path, name: str | None = None) -> list[Block]:
    """The fenced blocks of a Markdown file (every language), with their markers and the path their heading names."""
    lines = path.read_text("utf-8").splitlines()
    doc = name or path.relative_to(ROOT).as_posix()
    blocks: list[Block] = []
    heading_path: str | None = None
    part, fresh = "vi", 0
    index = 0
    while index < len(lines):
        line = lines[index]
        opening = FENCE.match(line)
        if ENGLISH.match(line):
            part, fresh = "en", 0
        if HEADING.match(line):
            found = HEADING_PATH.search(line)
            heading_path = found.group(1) if found else None
        if not opening:
            index += 1
            continue
        indent, fence = opening.group("indent"), opening.group("fence")
        body: list[str] = []
        end = index + 1
        while end < len(lines) and lines[end].strip() != fence:
            body.append(lines[end][len(indent):] if lines[end].startswith(indent) else lines[end].lstrip())
            end += 1
        before = next((lines[i] for i in range(index - 1, -1, -1) if lines[i].strip()), "")
        marked = MARKER.match(before)
        lang = opening.group("lang")
        marker = (marked.group("what"), marked.group("arg")) if marked else None
        if marker and marker[0] == "fresh":
            fresh += 1
        blocks.append(Block(doc, index + 1, lang, "\n".join(body) + "\n", marker,
                            heading_path if lang == "yaml" else None, f"{part}{fresh}"))
        if lang == "yaml":
            heading_path = None  # only the first yaml block under a heading is the file it names
        index = end + 1
    return blocks


def runnable(path: Path) -> list[Block]:
    return [block for block in parse_blocks(path) if block.lang in RUN or block.marked("file")]


BLOCKS = [block for doc in DOC_FILES for block in runnable(doc)]


# ---------------------------------------------------------------------------------------------- workspaces


def clerk_workspace(root: Path) -> Path:
    """The workspace the docs assume: like the ``examples_workspace`` fixture (``examples/`` copied, an empty
    ``output/``), but an office of one agency — ``registers/`` holds only ``ubnd-quang-ninh.yaml`` (the register
    commands of the docs name no agency) and no register yet (the docs create it, or let the first ``issue`` do it).
    The records of ``examples/`` still find their profiles in ``examples/registers/``."""
    shutil.copytree(EXAMPLES, root / "examples")
    (root / "registers").mkdir()
    shutil.copy(EXAMPLES / "registers" / "ubnd-quang-ninh.yaml", root / "registers")
    (root / "output").mkdir()
    return root


@dataclass
class DocState:
    root: Path
    done: int = 0  # blocks of the group already run in this workspace
    bases: list[str] = field(default_factory=list)  # whole records written by the doc, newest first
    merged: set[str] = field(default_factory=set)  # records the doc's ``merge`` commands use


def cli_command() -> list[str]:
    script = Path(sys.executable).with_name("correspondence")
    return [str(script)] if script.exists() else [sys.executable, "-m", "correspondence"]


def cli_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CORRESPONDENCE_", "LC_", "LANG"))}
    env.update(CORRESPONDENCE_FONTS="bundled", LANG="C.UTF-8", LC_ALL="C.UTF-8",
               PYTHONPATH=os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))
    return env


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


@contextlib.contextmanager
def clerk_process(root: Path) -> Iterator[None]:
    """What a new process of the tool would start with, for the time of one command run in this one: the workspace
    as the current folder, the clerk's environment (``cli_env``), the language and click's own messages chosen from
    it as ``correspondence.cli`` does on import, and click's type names in that language. All put back after."""
    from correspondence import i18n
    from correspondence.click_messages import localize_types

    saved_env, saved_cwd, saved_language = dict(os.environ), os.getcwd(), i18n.current_language()
    try:
        os.environ.clear()
        os.environ.update(cli_env())
        os.chdir(root)
        i18n.translate_click(i18n.set_language(None))
        localize_types()
        yield
    finally:
        os.chdir(saved_cwd)
        i18n.translate_click(i18n.set_language(saved_language))
        localize_types()
        os.environ.clear()
        os.environ.update(saved_env)  # also undoes the $LANGUAGE translate_click sets


def run_cli(args: list[str], root: Path, env: dict[str, str] | None = None) -> Ran:
    """Run ``correspondence ARGS`` in the workspace ``root`` (with ``env`` added, from ``VAR=value`` before the
    command): its exit status and what it printed."""
    if os.environ.get("DOCS_TEST_SUBPROCESS"):
        done = subprocess.run([*cli_command(), *args], cwd=root, env={**cli_env(), **(env or {})},
                              capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=300)
        return Ran(done.returncode, done.stdout, done.stderr)
    from click.testing import CliRunner

    from correspondence.cli import main

    with clerk_process(root):
        result = CliRunner().invoke(main, args, prog_name="correspondence", env=env)
    escaped = result.exception if not isinstance(result.exception, (SystemExit, type(None))) else None
    if escaped is not None:  # the tool's own handler lets nothing through: show what did
        trace = "".join(traceback.format_exception(escaped))
        return Ran(result.exit_code, result.stdout, f"{result.stderr}{trace}")
    return Ran(result.exit_code, result.stdout, result.stderr)


class DocFailure(AssertionError):
    pass


# ---------------------------------------------------------------------------------------------- shell blocks


def shell_commands(block: Block) -> list[tuple[int, str]]:
    """(doc line, text) of every command of a sh block, continuations joined."""
    commands: list[tuple[int, str]] = []
    pending: list[str] = []
    start = 0
    for offset, raw in enumerate(block.text.splitlines(), start=1):
        if not pending:
            start = block.line + offset
        stripped = raw.strip()
        if stripped.endswith("\\"):
            pending.append(stripped[:-1])
            continue
        text = " ".join([*pending, stripped]).strip()
        pending = []
        if text.startswith("$ "):
            text = text[2:]
        if text and not text.startswith("#"):
            commands.append((start, text))
    return commands


def correspondence_args(words: list[str]) -> list[str] | None:
    for prefix in COMMAND_PREFIXES:
        if tuple(words[:len(prefix)]) == prefix:
            return words[len(prefix):]
    return None


def run_shell(block: Block, state: DocState) -> list[str]:
    """Run the block's correspondence commands; the failures, each named by file:line."""
    failures: list[str] = []
    for line, text in shell_commands(block):
        expected = EXPECTED_EXIT.search(text)
        words = shlex.split(text, comments=True)
        parts: list[list[str]] = [[]]
        for word in words:
            if word == "&&":
                parts.append([])
            else:
                parts[-1].append(word)
        for part in parts:
            env = {}
            while part and ASSIGNMENT.fullmatch(part[0]):
                name, value = part.pop(0).split("=", 1)
                env[name] = value
            args = correspondence_args(part)
            if args is None:
                continue  # installing, pybabel, pytest …: not a command of the tool
            out_file = None
            if ">" in args:
                at = args.index(">")
                args, out_file = args[:at], args[at + 1]
            expanded: list[str] = []
            for arg in args:
                matches = sorted(glob.glob(arg, root_dir=state.root)) if any(c in arg for c in "*?[") else []
                expanded += matches or [arg]
            result = run_cli(expanded, state.root, env)
            if out_file is not None:
                (state.root / out_file).write_text(result.stdout, "utf-8")
            want = int(expected.group(1)) if expected else 0
            if result.returncode != want:
                failures.append(f"{block.doc}:{line}: `{' '.join(part)}` exited {result.returncode}, expected {want}\n"
                                f"{result.stdout}{result.stderr}".rstrip())
    return failures


# ---------------------------------------------------------------------------------------------- yaml blocks


def target_path(block: Block) -> str | None:
    if block.marker and block.marker[0] == "file":
        return block.marker[1]
    first = block.text.splitlines()[0] if block.text.strip() else ""
    found = FIRST_LINE_PATH.match(first.strip())
    if found:
        return found.group(1)
    return block.heading_path


def inside(root: Path, relative: str, where: str) -> Path:
    path = (root / relative).resolve()
    if not path.is_relative_to(root.resolve()):
        raise DocFailure(f"{where}: {relative} is outside the workspace")
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def record_problems(path: Path, root: Path, body: bool = True) -> list[Any]:
    """What ``correspondence check`` says of a record; without its body for a mail-merge record (the body's
    names come from the table: ``merge`` checks them row by row)."""
    from correspondence import api
    from correspondence.errors import InvalidRecord
    from correspondence.validate.loading import load

    if body:
        return api.check([path], root)
    try:
        load(path, root, check_body=False)
    except InvalidRecord as error:
        return list(error.problems)
    return []


def profile_problems(path: Path) -> list[Any]:
    from correspondence.validate.loading import load_agency

    return load_agency(path)[1]


def at_doc_line(problem: Any, block: Block, target: str) -> str:
    """A problem of a file written verbatim from a block, located in the doc: line N of the file is block.line + N."""
    source, _, line = str(problem.source).rpartition(":")
    where = f"{block.doc}:{block.line + int(line)}" if line.isdigit() else block.where
    text = str(problem).removeprefix(f"{problem.source}: ")
    return f"{where}: {text}  [{target}]"


def fields_of(model: Any) -> set[str]:
    return set(model.model_fields)


def dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def write_file(block: Block, state: DocState, target: str) -> Path:
    path = inside(state.root, target, block.where)
    path.write_text(block.text, "utf-8")
    return path


def run_yaml(block: Block, state: DocState) -> list[str]:
    from correspondence.errors import InvalidRecord
    from correspondence.validate.loading import load_spec
    from correspondence.validate.schema import Bang, CoQuan, VanBan

    root = state.root
    if block.lang != "yaml":  # a table or another file the doc shows, marked with its path
        write_file(block, state, block.marker[1] if block.marker else "")
        return []
    try:
        data = yaml.safe_load(block.text)
    except yaml.YAMLError as error:
        return [f"{block.where}: not valid YAML: {error}"]
    target = target_path(block)
    if target is None and isinstance(data, dict) and {"loai", "co_quan"} <= data.keys():
        target = f"examples/docs-{Path(block.doc).stem}-{block.line}.yaml"  # beside both example agencies
    if target is not None:
        path = write_file(block, state, target)
        if Path(target).parts[0] == "registers":
            problems = profile_problems(path)
        else:
            problems = record_problems(path, root, body=target not in state.merged)
            state.bases.insert(0, target)
        return [at_doc_line(problem, block, target) for problem in problems]
    if data is None:
        return []  # only comments: a line to paste into a record
    if not isinstance(data, dict):
        return [f"{block.where}: neither a record, an agency profile nor a table spec: {type(data).__name__}"]
    keys = set(data)
    if keys <= fields_of(VanBan):
        tried: list[str] = []
        for base in [*state.bases, *BASE_RECORDS]:
            base_path = root / base
            merged = {**yaml.safe_load(base_path.read_text("utf-8")), **copy.deepcopy(data)}
            path = base_path.with_name("docs-fragment.yaml")
            path.write_text(dump(merged), "utf-8")
            problems = record_problems(path, root, body=base not in state.merged)
            path.unlink()
            if not problems:
                return []
            tried += [f"  merged into {base}: {p.field}: {p.message}" for p in problems]
        return [f"{block.where}: the fragment checks clean in no base record\n" + "\n".join(tried)]
    if keys <= fields_of(CoQuan):
        merged = {**yaml.safe_load((root / BASE_PROFILE).read_text("utf-8")), **copy.deepcopy(data)}
        path = root / "registers" / "docs-fragment.yaml"
        path.write_text(dump(merged), "utf-8")
        problems = profile_problems(path)
        if not problems:
            record = {**yaml.safe_load((root / BASE_RECORDS[0]).read_text("utf-8")), "co_quan": "docs-fragment"}
            record_path = root / "docs-fragment-record.yaml"
            record_path.write_text(dump(record), "utf-8")
            problems = record_problems(record_path, root)
            record_path.unlink()
        path.unlink()
        return [f"{block.where}: merged into {BASE_PROFILE}: {p.field}: {p.message}" for p in problems]
    if keys <= fields_of(Bang):
        path = root / "docs-bang.yaml"
        path.write_text(block.text, "utf-8")
        try:
            load_spec(path.name, root, block.where)
        except InvalidRecord as error:
            return [f"{block.where}: table spec: {p.field}: {p.message}" for p in error.problems]
        finally:
            path.unlink()
        return []
    return [f"{block.where}: keys {sorted(keys)} are neither a record's, an agency profile's nor a table spec's"]


# ---------------------------------------------------------------------------------------------- the tests


def run_block(block: Block, state: DocState) -> list[str]:
    if block.marked("skip"):
        return []
    return run_shell(block, state) if block.lang == "sh" else run_yaml(block, state)


def merge_records(blocks: list[Block]) -> set[str]:
    """The records that the ``merge`` commands of these blocks use."""
    found: set[str] = set()
    for block in blocks:
        if block.lang != "sh" or block.marked("skip"):
            continue
        for _line, text in shell_commands(block):
            args = correspondence_args(shlex.split(text, comments=True)) or []
            positional = [a for a in args[args.index("merge") + 1:] if not a.startswith("-")] if "merge" in args else []
            found |= set(positional[:1])
    return found


def new_state(doc_blocks: list[Block], group: str, root: Path) -> DocState:
    """A workspace for a group of a doc's blocks; a later group (the English half, a block marked ``fresh``) finds
    the files the doc's earlier yaml blocks define (the English half shows no yaml: it uses the Vietnamese one's)."""
    state = DocState(clerk_workspace(root), merged=merge_records(doc_blocks))
    for block in doc_blocks:
        if block.group == group:
            break
        target = target_path(block) if block.lang == "yaml" else (block.marker[1] if block.marked("file") else None)
        if target and not block.marked("skip"):
            write_file(block, state, target)
    return state


@pytest.fixture(scope="module")
def doc_states() -> dict[tuple[str, str], DocState]:
    return {}


@pytest.mark.parametrize("block", BLOCKS, ids=[block.where for block in BLOCKS])
def test_doc_example(block: Block, doc_states: dict[tuple[str, str], DocState],
                     tmp_path_factory: pytest.TempPathFactory) -> None:
    if block.marked("skip"):
        pytest.skip(f"{block.where}: {block.marker[1] if block.marker else ''}")
    doc_blocks = [b for b in BLOCKS if b.doc == block.doc]
    key = (block.doc, block.group)
    if key not in doc_states:
        doc_states[key] = new_state(doc_blocks, block.group, tmp_path_factory.mktemp(Path(block.doc).stem))
    state = doc_states[key]
    group = [b for b in doc_blocks if b.group == block.group]
    position = group.index(block)
    earlier: list[str] = []
    for before in group[state.done:position]:  # run alone (-k), a block first replays the blocks above it
        earlier += run_block(before, state)
    state.done = position + 1
    failures = run_block(block, state)
    if failures:
        note = ("\n(the blocks above it also failed:\n" + "\n".join(earlier) + ")") if earlier else ""
        pytest.fail("\n".join(failures) + note, pytrace=False)


def test_every_doc_is_read() -> None:
    """The generated reference pages hold no runnable block; the hand-written ones hold some."""
    counts = {doc.name: len(runnable(doc)) for doc in DOC_FILES}
    assert counts["cli.md"] == counts["records.md"] == 0
    assert counts["README.md"] and counts["huong-dan.md"]


BROKEN_DOC = """# Ví dụ hỏng

### Ví dụ: `2026/cv-hong.yaml`

```yaml
loai: cong_van
co_quan: ubnd-quang-ninh
don_vi: XD6
trich_yeu: thử một khối hỏng
kinh_gui: Sở Tài chính
noi_dung: |
  Nội dung.
ky: {tham_quyen: KT, nguoi_ky: dang_huy_hau}
noi_nhans: [Như trên]
```

```sh
correspondence check 2026/cv-hong.yaml
correspondence kinds --khong-co-tuy-chon
correspondence check 2026/cv-hong.yaml   # mã thoát 3
```

```yaml
ky: {tham_quyen: KT, nguoi_ky: khong_co_ai}
```
"""


def test_a_broken_example_is_reported_with_its_file_and_line(tmp_path: Path) -> None:
    doc = tmp_path / "hong.md"
    doc.write_text(BROKEN_DOC, "utf-8")
    record, shell, fragment = [b for b in parse_blocks(doc, "docs/hong.md") if b.lang in RUN]
    state = DocState(clerk_workspace(tmp_path / "ws"))

    failures = run_block(record, state)
    assert record.where == "docs/hong.md:5"
    assert len(failures) == 1 and failures[0].startswith("docs/hong.md:14: noi_nhans: ")  # the line of the key
    assert failures[0].endswith("[2026/cv-hong.yaml]")

    failures = run_block(shell, state)
    assert [f.split(":", 2)[:2] for f in failures] == [["docs/hong.md", "18"], ["docs/hong.md", "19"]]
    assert "exited 3, expected 0" in failures[0] and "exited 2, expected 0" in failures[1]

    failures = run_block(fragment, state)
    assert len(failures) == 1 and failures[0].startswith("docs/hong.md:23: the fragment checks clean in no base")
    assert "khong_co_ai" in failures[0]
