"""Print the two figures of a clerk's day that take long: a trial mail merge (``merge --thu``) of 200 rows, every
row checked, composed and drawn into ONE preview PDF, and the printable register of a quarter (PDF).

``python bench/day.py [--rows 200] [--per-quarter 400] [--jobs N]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.merge import RECORD  # noqa: E402


def trial_merge(folder: Path, rows: int, jobs: int | None) -> None:
    from correspondence.outgoing.merge import preview

    (folder / "moi.yaml").write_text(RECORD, "utf-8")
    lines = ["kinh_gui,ten,chuc_vu,gio"] + [f"Ông Nguyễn Văn {i},ông Nguyễn Văn {i},Giám đốc Sở {i},{8 + i % 3} giờ"
                                           for i in range(rows)]
    (folder / "khach.csv").write_text("\n".join(lines) + "\n", "utf-8")
    began = time.perf_counter()
    shown = preview(folder / "moi.yaml", folder / "khach.csv", folder, workers=jobs)
    elapsed = time.perf_counter() - began
    assert len(shown.rows) == rows and not (folder / "registers" / "ubnd-quang-ninh.sqlite").exists()
    size = shown.path.stat().st_size / 1024 / 1024
    print(f"merge --thu, {rows} rows, {jobs or os.cpu_count()} processes: {elapsed:.1f} s "
          f"({rows / elapsed:.1f} rows per second), one preview PDF of {size:.1f} MiB")


def quarter_export(folder: Path, per_quarter: int) -> None:
    from correspondence.outgoing import registry
    from correspondence.register.store import Register

    registry.init(folder, "ubnd-quang-ninh")
    register = Register(f"sqlite:///{folder / 'registers' / 'ubnd-quang-ninh.sqlite'}")
    year = 2025
    days = [dt.date(year, 1, 1) + dt.timedelta(days=d) for d in range(365)]
    for index in range(per_quarter * 4):
        day = days[index * 365 // (per_quarter * 4)]
        register.allocate("ubnd-quang-ninh", "chung", day, "UBND-XD6", {
            "ten_loai_trich_yeu": f"Công văn V/v triển khai nhiệm vụ số {index} về cải cách hành chính, chuyển đổi số "
                                  "và nâng cao chất lượng dịch vụ công trực tuyến toàn trình",
            "nguoi_ky": "Đặng Huy Hậu", "noi_nhan": "Các Sở, ban, ngành; UBND các huyện, thị xã, thành phố",
            "don_vi_nhan_ban_luu": "VT, XD6", "so_luong_ban": 2, "kind": "cong_van"})
    register.close()
    began = time.perf_counter()
    path = registry.export(folder, year, "pdf", period=(dt.date(year, 4, 1), dt.date(year, 6, 30)))
    elapsed = time.perf_counter() - began
    from pypdf import PdfReader

    pages = len(PdfReader(path).pages)
    print(f"register export --quy 2 (PDF), {per_quarter} documents: {elapsed:.1f} s, {pages} pages")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--per-quarter", type=int, default=400)
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    os.environ.setdefault("CORRESPONDENCE_FONTS", "bundled")
    for run in (lambda f: trial_merge(f, args.rows, args.jobs), lambda f: quarter_export(f, args.per_quarter)):
        folder = Path(tempfile.mkdtemp())
        (folder / "registers").mkdir()
        (folder / "output").mkdir()
        shutil.copy(ROOT / "examples" / "registers" / "ubnd-quang-ninh.yaml", folder / "registers")
        cwd = os.getcwd()
        os.chdir(folder)
        try:
            run(folder)
        finally:
            os.chdir(cwd)
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
