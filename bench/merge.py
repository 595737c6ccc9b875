"""Print mail-merge throughput for 1,000 rows (documents per second, DOCX + PDF, every core) and the
memory of each rendering worker over the batch (it should stay flat).

``python bench/merge.py [--rows 1000] [--jobs N]``
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

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


def _children_rss(parent: int) -> dict[int, int]:
    out = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
            if ppid != parent:
                continue
            with open(f"/proc/{entry}/status") as handle:
                rss = next(int(line.split()[1]) for line in handle if line.startswith("VmRSS:"))
            out[int(entry)] = rss
        except (OSError, StopIteration, ValueError, IndexError):
            continue
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    from correspondence.outgoing.merge import merge

    folder = Path(tempfile.mkdtemp())
    (folder / "registers").mkdir()
    shutil.copy(ROOT / "examples" / "registers" / "ubnd-quang-ninh.yaml", folder / "registers")
    (folder / "moi.yaml").write_text(RECORD, "utf-8")
    lines = ["kinh_gui,ten,chuc_vu,gio"] + [f"Ông Nguyễn Văn {i},ông Nguyễn Văn {i},Giám đốc Sở {i},{8 + i % 3} giờ"
                                           for i in range(args.rows)]
    (folder / "khach.csv").write_text("\n".join(lines) + "\n", "utf-8")
    samples: list[tuple[float, dict[int, int]]] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            samples.append((time.perf_counter(), _children_rss(os.getpid())))
            time.sleep(0.25)

    watcher = threading.Thread(target=watch, daemon=True)
    os.chdir(folder)
    began = time.perf_counter()
    watcher.start()
    done = merge(folder / "moi.yaml", "khach.csv", folder, workers=args.jobs)
    elapsed = time.perf_counter() - began
    stop.set()
    watcher.join()
    assert [d.so_ky_hieu for d in done] == [f"{n:02d}/UBND-XD6" for n in range(1, args.rows + 1)]
    jobs = args.jobs or os.cpu_count()
    print(f"{args.rows} rows, {jobs} rendering processes, DOCX + PDF: {elapsed:.1f} s, "
          f"{args.rows / elapsed:.1f} documents per second (target ≥ 10)")
    peaks: dict[int, list[tuple[float, int]]] = {}
    for moment, rss in samples:
        for pid, kib in rss.items():
            peaks.setdefault(pid, []).append((moment - began, kib))
    busy = {pid: series for pid, series in peaks.items() if len(series) > 8 and max(k for _t, k in series) > 100_000}
    for pid, series in sorted(busy.items()):
        quarter = series[len(series) // 4][1] / 1024
        last = series[-1][1] / 1024
        peak = max(k for _t, k in series) / 1024
        print(f"worker {pid}: RSS at 25% {quarter:6.1f} MiB, at the end {last:6.1f} MiB, peak {peak:6.1f} MiB")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
