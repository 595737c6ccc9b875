"""Print the figures of the công văn pipeline: --help time, warm DOCX and PDF build times, PDF size; with ``--all``,
then every other figure of bench/ in the same run, each beside its anchor: start-up and one PDF cold and warm
(``startup.py``), a mail merge and its preview (``merge.py``), an annex at 1,000, 5,000 and 50,000 rows
(``annex.py``, the bare 50,000-row table skipped: it needs some 5 GB), a register of 2,000 to 20,000 rows
(``book.py``). A few minutes on two cores.

Run from the repository root: ``python bench/run.py [--repeat N] [--all]``. Each time is a median.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EXAMPLE = ROOT / "examples" / "cong-van-3018.yaml"


def median_time(action, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def help_command() -> list[str]:
    script = shutil.which("correspondence", path=str(Path(sys.executable).parent))
    return [script, "--help"] if script else [sys.executable, "-m", "correspondence", "--help"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--all", action="store_true", help="then startup.py, merge.py and annex.py, in this run")
    args = parser.parse_args()

    from correspondence import api
    from correspondence.render.docx import render_docx
    from correspondence.render.typst import render_typst as render_pdf

    command = help_command()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run(command, check=True, capture_output=True, env=env, cwd=ROOT)
    help_time = median_time(lambda: subprocess.run(command, check=True, capture_output=True, env=env, cwd=ROOT),
                            args.repeat)

    def build(render):  # type: ignore[no-untyped-def]
        loaded = api.load(EXAMPLE, ROOT)
        return render(api.compose(loaded, 3018, None))

    build(render_docx), build(render_pdf)  # warm: imports, fonts, the template
    docx_time = median_time(lambda: build(render_docx), args.repeat)
    pdf_time = median_time(lambda: build(render_pdf), args.repeat)
    pdf_size = len(build(render_pdf))
    docx_size = len(build(render_docx))

    rows = [
        ("correspondence --help (wall)", f"{help_time * 1000:.0f} ms", "target < 250 ms"),
        ("example công văn → DOCX (warm, in-process)", f"{docx_time * 1000:.1f} ms", "target ≤ 30 ms"),
        ("example công văn → PDF (warm, in-process)", f"{pdf_time * 1000:.1f} ms", "target ≤ 150 ms"),
        ("PDF size", f"{pdf_size / 1024:.0f} KiB", "fonts subset to the glyphs used"),
        ("DOCX size", f"{docx_size / 1024:.0f} KiB", ""),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"median of {args.repeat} runs; Python {sys.version.split()[0]}")
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>9}  {note}")
    if args.all:
        here = Path(__file__).resolve().parent
        for script, options in (("startup.py", ["--repeat", "7"]), ("merge.py", ["--rows", "200"]),
                                ("annex.py", ["--rows", "1000", "5000", "50000", "--bare-max", "5000"]),
                                ("book.py", [])):
            print(f"\n== bench/{script} {' '.join(options)}", flush=True)
            subprocess.run([sys.executable, str(here / script), *options], check=True, cwd=ROOT)


if __name__ == "__main__":
    main()
