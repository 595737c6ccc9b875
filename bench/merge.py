"""Print mail-merge throughput beside its anchor, measured in the same run on the same machine: a pool of bare Typst
processes compiling an equivalent letter (bench/typst/letter.typ, the same fonts, PDF/A-3b) in documents per second,
then ``merge --thu`` (every row a draft, joined into one preview PDF), a real ``merge`` (DOCX + PDF/A, numbered in
the register, published, hashed) and the same without the DOCX (``merge -f pdf``, no target) on the same rows and as
many processes, with the ratios to the anchor; wall and CPU
time (this process and its workers) and the peak memory of the parent and of each worker.

``python bench/merge.py [--rows 200] [--jobs 2] [--quick] [--pdf-engine typst]``

Targets: ``merge --thu`` ≥ 0.7× and ``merge`` ≥ 0.4× the anchor's documents per second.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LETTER = Path(__file__).resolve().parent / "typst" / "letter.typ"

RECORD = """loai: cong_van
co_quan: ubnd-quang-ninh
don_vi: XD6
trich_yeu: mời dự Hội nghị tổng kết công tác cải cách hành chính năm 2026
kinh_gui: "-"
noi_dung: |
  Ủy ban nhân dân tỉnh trân trọng kính mời {{ ten }}, {{ chuc_vu }}, tới dự Hội nghị tổng kết công tác cải cách
  hành chính năm 2026.

  1. Thời gian: **{{ gio }}, ngày 15/12/2026**.

  2. Địa điểm: Hội trường Trung tâm Hội nghị tỉnh.
ky: {tham_quyen: KT, nguoi_ky: dang_huy_hau}
noi_nhan: [Như trên]
"""


def _row(i: int) -> dict[str, str]:
    return {"kinh_gui": f"Ông Nguyễn Văn {i}", "ten": f"ông Nguyễn Văn {i}", "chuc_vu": f"Giám đốc Sở {i}",
            "gio": f"{8 + i % 3} giờ"}


_COMPILER: Any = None


def _bare_letter(i: int) -> int:
    """One letter compiled by bare Typst (in a pool worker): the compiler made once per process, as ours is."""
    global _COMPILER
    import typst

    if _COMPILER is None:
        fonts = typst.Fonts(include_system_fonts=False, include_embedded_fonts=False,
                            font_paths=[str(ROOT / "correspondence" / "fonts")])
        _COMPILER = typst.Compiler(root=str(LETTER.parent), font_paths=fonts, ignore_system_fonts=True)
    pdf = _COMPILER.compile(input=str(LETTER), format="pdf", sys_inputs={"so": str(i + 1), **_row(i)},
                            pdf_standards=["a-3b"])
    return len(pdf)


def _bare_pool(rows: int, jobs: int) -> None:
    with multiprocessing.get_context("spawn").Pool(jobs) as pool:
        sizes = pool.map(_bare_letter, range(rows), chunksize=1)
        pool.close()
        pool.join()
    assert all(size > 10_000 for size in sizes)


def _rss(pid: int) -> int:
    with open(f"/proc/{pid}/status") as handle:
        return next(int(line.split()[1]) for line in handle if line.startswith("VmRSS:"))


def _children(parent: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    if int(handle.read().rsplit(")", 1)[1].split()[1]) == parent:
                        out.append(int(entry))
            except (OSError, ValueError, IndexError):
                continue
    return out


def _descendants(parent: int) -> list[int]:
    out = []
    for child in _children(parent):
        out += [child, *_descendants(child)]
    return out


def _servers() -> list[int]:
    """The children of this process that serve forks (multiprocessing's ``forkserver``): the tool's workers are its
    children, not ours."""
    out = []
    for child in _children(os.getpid()):
        try:
            with open(f"/proc/{child}/cmdline", "rb") as handle:
                if b"forkserver" in handle.read():
                    out.append(child)
        except OSError:
            continue
    return out


def _server_cpu() -> float:
    """CPU seconds of the fork servers and of the workers they reaped (a server waits for its children)."""
    total = 0
    for server in _servers():
        try:
            with open(f"/proc/{server}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            total += sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
        except (OSError, ValueError, IndexError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


def measure(action: Callable[[], None]) -> dict[str, float]:
    """Wall time, CPU time of this process and of the workers (those it waited for, and those a fork server started
    for it and waited for), peak RSS of this process and of the largest worker (sampled every 0.2 s) while ``action``
    runs."""
    peaks = {"parent": 0, "worker": 0}
    stop = threading.Event()
    served = _server_cpu()

    def watch() -> None:
        while not stop.is_set():
            try:
                peaks["parent"] = max(peaks["parent"], _rss(os.getpid()))
                servers = set(_servers())
                for child in _descendants(os.getpid()):
                    if child not in servers:
                        peaks["worker"] = max(peaks["worker"], _rss(child))
            except (OSError, StopIteration):
                pass
            time.sleep(0.2)

    watcher = threading.Thread(target=watch, daemon=True)
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    watcher.start()
    action()
    wall = time.perf_counter() - began
    stop.set()
    watcher.join()
    own2, children2 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    time.sleep(0.1)  # a fork server reaps its finished workers as they end
    cpu = sum(getattr(after, f) - getattr(before, f) for before, after in ((own, own2), (children, children2))
              for f in ("ru_utime", "ru_stime")) + _server_cpu() - served
    return {"wall": wall, "cpu": cpu, "parent": peaks["parent"] / 1024, "worker": peaks["worker"] / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="60 rows: a look in well under a minute")
    args = parser.parse_args()
    rows = 60 if args.quick else args.rows
    from correspondence.outgoing.merge import merge, preview

    folder = Path(tempfile.mkdtemp())
    try:
        (folder / "registers").mkdir()
        shutil.copy(ROOT / "examples" / "registers" / "ubnd-quang-ninh.yaml", folder / "registers")
        (folder / "moi.yaml").write_text(RECORD, "utf-8")
        # the same letter once more, for the merge without DOCX (a record is issued once: this one is another)
        (folder / "moi-pdf.yaml").write_text(RECORD.replace("năm 2026\n", "năm 2026 (bản PDF)\n", 1), "utf-8")
        lines = ["kinh_gui,ten,chuc_vu,gio"] + [",".join(_row(i).values()) for i in range(rows)]
        (folder / "khach.csv").write_text("\n".join(lines) + "\n", "utf-8")
        os.chdir(folder)
        done: list[Any] = []
        figures = {
            f"bare Typst, Pool({args.jobs}) (anchor)": measure(lambda: _bare_pool(rows, args.jobs)),
            "merge --thu (one preview PDF)": measure(lambda: preview(folder / "moi.yaml", "khach.csv", folder,
                                                                     workers=args.jobs)),
            "merge (DOCX + PDF/A + register)": measure(lambda: done.extend(merge(folder / "moi.yaml", "khach.csv",
                                                                                  folder, workers=args.jobs))),
            # where the DOCX's share shows: the same rows without it (numbered after those above)
            "merge -f pdf (PDF/A + register)": measure(lambda: done.extend(merge(
                folder / "moi-pdf.yaml", "khach.csv", folder, workers=args.jobs, formats=("pdf",)))),
        }
        assert [d.so_ky_hieu for d in done] == [f"{n:02d}/UBND-XD6" for n in range(1, 2 * rows + 1)]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    anchor = rows / next(iter(figures.values()))["wall"]
    anchor_cpu = next(iter(figures.values()))["cpu"]
    targets = {"merge --thu (one preview PDF)": 0.7, "merge (DOCX + PDF/A + register)": 0.4}
    print(f"{rows} rows, {args.jobs} processes, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f}")
    print("ratio: documents/s over the anchor's (wall); by CPU: the anchor's CPU time over this one's (a busy machine "
          "slows the wall clock, not the CPU time)")
    print(f"{'':34} {'docs/s':>7} {'ratio':>6} {'by CPU':>6} {'target':>7} {'wall':>7} {'CPU':>7} {'CPU/doc':>8} "
          f"{'parent':>8} {'worker':>8}")
    for name, f in figures.items():
        speed = rows / f["wall"]
        target = f"≥ {targets[name]}" if name in targets else ""
        print(f"{name:34} {speed:7.1f} {speed / anchor:6.2f} {anchor_cpu / f['cpu']:6.2f} {target:>7} "
              f"{f['wall']:6.1f}s {f['cpu']:6.1f}s "
              f"{f['cpu'] / rows * 1000:6.0f}ms {f['parent']:6.0f}MiB {f['worker']:6.0f}MiB")


if __name__ == "__main__":
    main()
