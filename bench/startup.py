"""Print what starting the tool and making one PDF cost, each beside an anchor measured in the same run.

Run from the repository root: ``python bench/startup.py [--repeat N]``. Every figure is a median over N runs; the
commands of a table take turns, so a busy machine slows anchor and tool alike and the ratios hold better than the
times. A cold run is a new process: its CPU time (user + system, of it and its children, from ``getrusage``) is shown
beside its wall time, and the ratios are of CPU time.

- ``python -c pass`` against ``correspondence --help``, an argument error and ``check`` of the công văn;
- a cold bare Typst compile of an equivalent letter (``bench/cong-van.typ``, the shipped face) against a cold
  ``correspondence draft`` of ``examples/cong-van-3018.yaml`` (PDF only), a cold ``render --so`` and a cold ``issue``
  (numbered in a register of its own, a new number each run), and beside them what merely importing the libraries a
  draft is built on costs (click, PyYAML, pydantic, Jinja2, Typst): the floor of a draft;
- warm, in one process: one PDF of the công văn against the bare Typst compile, and beside them a naive WeasyPrint
  (an HTML string of the same text handed to ``weasyprint.HTML(...).write_pdf()``) when WeasyPrint is installed
  (``pip install .[bench]``: it is no PDF engine of the tool, only a yardstick).

The last column of the cold table counts the child processes each command starts (an audit hook sees them).
"""

from __future__ import annotations

import argparse
import html
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EXAMPLE = ROOT / "examples" / "cong-van-3018.yaml"
LETTER = ROOT / "bench" / "cong-van.typ"
FONTS = ROOT / "correspondence" / "fonts"
BARE_TYPST = (f"import typst; typst.compile({str(LETTER)!r}, format='pdf', font_paths=[{str(FONTS)!r}], "
              "ignore_system_fonts=True)")
# What a draft's libraries cost to import, and nothing else: the command line (click), the record (PyYAML), its
# validation (pydantic), the body's template (Jinja2's sandbox) and the layout (Typst).
LIBRARIES = "import click, yaml, typst, jinja2.sandbox; from pydantic import BaseModel"
# Runs a command's module with an audit hook that counts the processes it starts, and prints the count last.
COUNTING = ("import atexit, runpy, sys\n"
            "started = []\n"
            "sys.addaudithook(lambda event, args: started.append(event) if event in "
            "('subprocess.Popen', 'os.posix_spawn', 'os.exec', 'os.fork', 'os.system') else None)\n"
            "atexit.register(lambda: sys.__stderr__.write(f'\\nCHILDREN {len(started)}\\n'))\n"
            "sys.argv = sys.argv[1:]\n"
            "if sys.argv[0] == '-c':\n"
            "    sys.argv = sys.argv[1:]; exec(sys.argv[0])\n"
            "else:\n"
            "    runpy.run_module(sys.argv[0], run_name='__main__', alter_sys=True)\n")


def cold(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``command`` in a new process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, env=env, cwd=cwd, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def children(command: list[str], env: dict[str, str], cwd: Path) -> int:
    """How many processes ``command`` (a Python command) starts."""
    if command[1] == "-m":
        args = [command[0], "-c", COUNTING, *command[2:]]
    else:
        args = [command[0], "-c", COUNTING, "-c", *command[2:]]
    result = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    found = re.findall(r"CHILDREN (\d+)", result.stderr)
    return int(found[-1]) if found else -1


def cold_table(title: str, commands: dict[str, list[str]], anchor: str, repeat: int, env: dict[str, str],
               cwd: Path, targets: dict[str, float] | None = None) -> None:
    for command in commands.values():  # once first: byte-compiled files, the disk cache, the compiled catalogue
        subprocess.run(command, env=env, cwd=cwd, check=False, capture_output=True)
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, command in commands.items():
            runs[name].append(cold(command, env, cwd))
    walls = {name: statistics.median(r[0] for r in found) for name, found in runs.items()}
    cpus = {name: statistics.median(r[1] for r in found) for name, found in runs.items()}
    width = max(len(name) for name in commands)
    print(f"\n{title} (cold, new process each run)")
    print(f"{'':<{width}}  {'wall':>9}  {'CPU':>9}  {'× anchor (CPU)':>14}  {'target':>7}  {'children':>8}")
    for name, command in commands.items():
        ratio = "anchor" if name == anchor else f"{cpus[name] / cpus[anchor]:.1f}×"
        target = f"≤ {targets[name]:g}×" if targets and name in targets else ""
        print(f"{name:<{width}}  {walls[name] * 1000:7.0f} ms  {cpus[name] * 1000:7.0f} ms  {ratio:>14}  {target:>7}  "
              f"{children(command, env, cwd):>8}")


def median_time(action: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median wall and CPU (this process) seconds of ``action``, after one run to warm it."""
    action()
    walls, cpus = [], []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        action()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def letter_html() -> str:
    """The công văn's text as a plain HTML page in the shipped face: the markup a naive WeasyPrint user writes."""
    import yaml

    record = yaml.safe_load(EXAMPLE.read_text("utf-8"))
    body = re.sub(r"\{\{[^}]*\}\}", "30/5/2019", record["noi_dung"])
    paragraphs = "".join(
        "<p>" + re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", html.escape(text.strip())) + "</p>"
        for text in body.split("\n\n") if text.strip())
    faces = "".join(
        f'@font-face {{ font-family: "Liberation Serif"; src: url("{(FONTS / f"LiberationSerif-{style}.ttf").as_uri()}");'
        f" font-weight: {weight}; font-style: {slant}; }}"
        for style, weight, slant in (("Regular", "normal", "normal"), ("Bold", "bold", "normal"),
                                     ("Italic", "normal", "italic"), ("BoldItalic", "bold", "italic")))
    return (f"<!doctype html><html lang=vi><head><meta charset=utf-8><style>{faces}"
            "@page { size: A4; margin: 20mm 15mm 20mm 30mm } body { font: 14pt 'Liberation Serif' }"
            "p { text-align: justify; text-indent: 12.7mm; margin: 6pt 0 } table { width: 100% }"
            "</style></head><body><table><tr><td style='text-align:center'>ỦY BAN NHÂN DÂN<br><b>TỈNH QUẢNG NINH</b>"
            "<br>Số: 3018/UBND-XD6</td><td style='text-align:center'><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<br>"
            "Độc lập - Tự do - Hạnh phúc</b><br><i>Quảng Ninh, ngày 07 tháng 5 năm 2019</i></td></tr></table>"
            f"<p style='text-align:center'>Kính gửi: Các Sở, Ban, ngành trong tỉnh</p>{paragraphs}"
            "<p style='text-align:right'><b>KT. CHỦ TỊCH<br>PHÓ CHỦ TỊCH</b><br><br><br><b>Đặng Huy Hậu</b></p>"
            "</body></html>")


def warm_table(repeat: int) -> None:
    import typst

    from correspondence import api

    def tool() -> object:
        loaded = api.load(EXAMPLE, ROOT)
        return api.render_document(api.compose(loaded, None, None), ("pdf",), loaded.workspace)

    compiler = typst.Compiler(root=str(LETTER.parent), font_paths=[str(FONTS)], ignore_system_fonts=True)
    markup = letter_html()
    naive = "naive WeasyPrint (HTML string)"
    rows: dict[str, Callable[[], object]] = {
        "bare Typst (bench/cong-van.typ)": lambda: compiler.compile(input=str(LETTER), format="pdf"),
        "correspondence": tool,
    }
    try:  # a yardstick only (the [bench] extra): the tool does not use it
        import weasyprint
    except (ImportError, OSError):
        weasyprint = None
    if weasyprint is not None:
        rows[naive] = lambda: weasyprint.HTML(string=markup, base_url=str(ROOT)).write_pdf()
    times = {name: median_time(action, repeat) for name, action in rows.items()}
    width = max(len(name) for name in [*rows, naive])
    print("\none PDF of the công văn (warm, in one process)")
    print(f"{'':<{width}}  {'wall':>9}  {'CPU':>9}  {'× anchor (CPU)':>14}")
    anchor = times["bare Typst (bench/cong-van.typ)"][1]
    for name, (wall, cpu) in times.items():
        ratio = f"{cpu / anchor:.1f}×" if name == "correspondence" else "anchor"
        print(f"{name:<{width}}  {wall * 1000:7.1f} ms  {cpu * 1000:7.1f} ms  {ratio:>14}")
    if weasyprint is None:
        print(f"{naive:<{width}}  not installed (pip install .[bench])")
    else:
        print(f"correspondence × naive WeasyPrint (CPU): {times['correspondence'][1] / times[naive][1]:.1f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=11)
    args = parser.parse_args()
    python = sys.executable
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("CORRESPONDENCE_PDF_ENGINE", None)
    # Byte-compiled as an installed package is (pip compiles on install), whatever $PYTHONDONTWRITEBYTECODE says.
    subprocess.run([python, "-m", "compileall", "-q", str(ROOT / "correspondence")], check=True,
                   env={**env, "PYTHONDONTWRITEBYTECODE": ""})
    print(f"median of {args.repeat} runs; Python {sys.version.split()[0]}; {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch)
        # The command as a clerk starts it (the ``correspondence`` script calls the launcher), on this checkout.
        tool = [python, "-c", "import sys; from correspondence.launcher import main; sys.argv[0] = 'correspondence'; "
                "main()"]
        cold_table("start-up", {
            "python -c pass": [python, "-c", "pass"],
            "correspondence --help": [*tool, "--help"],
            "correspondence draft (no file: usage error)": [*tool, "draft"],
            "correspondence check (the công văn)": [*tool, "check", str(EXAMPLE)],
        }, "python -c pass", args.repeat, env, out, {"correspondence --help": 3})
        # an office folder for ``issue``: the example's agency, its register made once (each run takes a new number)
        office = out / "van-phong"
        (office / "output").mkdir(parents=True)
        shutil.copytree(ROOT / "examples" / "registers", office / "registers")
        shutil.copy(EXAMPLE, office / EXAMPLE.name)  # issued from the office folder: its register, its output/
        subprocess.run([*tool, "register", "init", "--co-quan", "ubnd-quang-ninh"], env=env, cwd=office, check=True,
                       capture_output=True)
        cold_table("one PDF of the công văn", {
            "bare Typst compile": [python, "-c", BARE_TYPST],
            "correspondence draft": [*tool, "draft", EXAMPLE.name, "-f", "pdf", "-o", scratch],
            "correspondence render (--so)": [*tool, "render", EXAMPLE.name, "--so", "3018", "-f", "pdf", "-o", scratch],
            "correspondence issue (register)": [*tool, "issue", EXAMPLE.name, "-f", "pdf", "--lai"],
            # the floor of the libraries the tool is built on: what importing them costs, before any work
            "its libraries, imported only": [python, "-c", LIBRARIES],
        }, "bare Typst compile", args.repeat, env, office, {"correspondence draft": 5})
    warm_table(args.repeat)


if __name__ == "__main__":
    main()
