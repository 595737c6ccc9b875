"""Print what printing a long register costs: the sổ đăng ký of a year (PDF by Typst, DOCX) at 2,000, 5,000 and
20,000 rows — a large office's year — each in a process of its own: seconds, ms per row and peak RSS, and how the
memory grows with the rows ("flat ×": the peak over the 5,000-row book's; above 2,000 rows the PDF is laid out in
slices and the DOCX written row by row, so it should stay near 1).

``python bench/book.py [--rows 2000 5000 20000]``
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RECORD = ROOT / "examples" / "cong-van-3018.yaml"


def one(fmt: str, rows: int) -> dict[str, float]:
    """In this process (a fresh one): a register of ``rows`` numbers (one issued row, its number changed), printed."""
    from correspondence import api
    from correspondence.register import book as register_book
    from correspondence.render import book as render_book
    from correspondence.workspace import template_dirs

    folder = Path(tempfile.mkdtemp())
    try:
        shutil.copytree(ROOT / "examples" / "registers", folder / "registers")
        (folder / "output").mkdir()
        shutil.copy(RECORD, folder / RECORD.name)
        os.chdir(folder)
        api.register_init(folder, "ubnd-quang-ninh")
        api.issue([folder / RECORD.name], folder, formats=("pdf",))
        (entry,) = api.register_list(folder, "ubnd-quang-ninh")
        entries = [dataclasses.replace(entry, number=n, so_ky_hieu=f"{n:02d}/UBND-XD6") for n in range(1, rows + 1)]
        book = register_book.build(entries, ("UBND TỈNH QUẢNG NINH",), ("VĂN PHÒNG",), 2019, "di")
        before = resource.getrusage(resource.RUSAGE_SELF)
        began = time.perf_counter()
        data = (render_book.to_pdf(book, template_dirs(folder), folder) if fmt == "pdf"
                else render_book.WRITERS[fmt](book))
        wall = time.perf_counter() - began
        after = resource.getrusage(resource.RUSAGE_SELF)
        assert len(data) > 1000
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {"wall": wall, "cpu": after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime,
            "rss": after.ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, nargs="+", default=[2000, 5000, 20000])
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one[0], int(args.one[1]))))
        return
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    print(f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; each figure from a process of its own")
    print(f"{'rows':>6} {'':14} {'seconds':>8} {'ms/row':>7} {'peak RSS':>9} {'flat ×':>7}")
    base: dict[str, float] = {}
    for rows in args.rows:
        for fmt in ("pdf", "docx"):
            done = subprocess.run([sys.executable, __file__, "--one", fmt, str(rows)], capture_output=True, text=True,
                                  env=env, check=False)
            if done.returncode != 0:
                print(f"{rows:>6} {fmt}: failed\n{done.stderr[-2000:]}")
                continue
            f = json.loads(done.stdout.strip().splitlines()[-1])
            if rows == 5000:
                base[fmt] = f["rss"]
            flat = f"{f['rss'] / base[fmt]:6.2f}×" if fmt in base and rows > 5000 else ""
            print(f"{rows:>6} {'register, ' + fmt.upper():14} {f['wall']:8.1f} {f['wall'] / rows * 1000:7.2f} "
                  f"{f['rss']:6.0f}MiB {flat:>7}", flush=True)


if __name__ == "__main__":
    main()
