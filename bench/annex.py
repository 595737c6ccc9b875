"""Print an annex's cost beside its anchor, measured in the same run on the same machine: a bare Typst table of the
same rows (bench/typst/table.typ, the same fonts and page, PDF/A-3b) and the annex of a document in the register
(``correspondence annex``: the table read from CSV, checked, built, laid out as PDF/A by the Typst engine, published,
recorded), each in a process of its own: ms per row (wall and CPU) and peak RSS, with the ratios to the anchor; then
the DOCX alone (its rows written into the file as it is saved above 2,000 rows: its "flat ×" too).

``python bench/annex.py [--rows 1000 5000 50000] [--quick]``

Targets: a 5,000-row annex ≤ 2× the bare table's time and ≤ 1.2× its memory; a 50,000-row annex (laid out in slices
of rows, render/typst.py) completes in memory flat in the row count: its peak RSS ≤ 1.2× the 5,000-row annex's
("flat ×"). The anchor lays the whole table out in one compile, as Typst alone does: at 50,000 rows it needs some
5 GB; ``--bare-max`` skips it above that many rows on a machine without the memory (the annex's ratios are then
left blank, "flat ×" still printed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TABLE = Path(__file__).resolve().parent / "typst" / "table.typ"

SPEC = {
    "cot": [{"ten": "STT", "kieu": "stt", "rong": 12},
            {"ten": "Tên thủ tục hành chính", "khoa": "ten", "rong": 110},
            {"ten": "Mức độ 3", "nhom": "Mức độ DVCTT", "khoa": "m3", "kieu": "dau_x", "rong": 18},
            {"ten": "Mức độ 4", "nhom": "Mức độ DVCTT", "khoa": "m4", "kieu": "dau_x", "rong": 18},
            {"ten": "Số hồ sơ", "khoa": "so", "kieu": "so", "rong": 22, "tong": True},
            {"ten": "Ghi chú", "khoa": "ghi_chu", "rong": 60}],
    "nhom_theo": "muc",
    "nhom": {"3": "DỊCH VỤ CÔNG TRỰC TUYẾN MỨC ĐỘ 3", "4": "DỊCH VỤ CÔNG TRỰC TUYẾN MỨC ĐỘ 4"},
}
RECORD = """loai: cong_van
co_quan: ubnd-quang-ninh
don_vi: XD6
trich_yeu: danh mục thủ tục hành chính cung cấp dịch vụ công trực tuyến
kinh_gui: [Các sở, ban, ngành tỉnh]
noi_dung: |
  Ủy ban nhân dân tỉnh gửi kèm theo danh mục thủ tục hành chính cung cấp dịch vụ công trực tuyến.
ky: {tham_quyen: KT, nguoi_ky: dang_huy_hau}
noi_nhan: [Như trên]
ngay: 2026-11-20
"""

def _rows(count: int) -> list[dict[str, Any]]:
    return [{"muc": "3" if i % 3 else "4", "ten": f"Thủ tục hành chính số {i} về cấp phép xây dựng", "m3": "x",
             "m4": "" if i % 2 else "x", "so": i * 7, "ghi_chu": "Đã kết nối" if i % 5 else ""} for i in range(count)]


def _bare(rows: int) -> None:
    import typst

    data = [[str(i + 1), r["ten"], "X", "X" if r["m4"] else "", f"{r['so']:,}".replace(",", "."), r["ghi_chu"]]
            for i, r in enumerate(_rows(rows))]
    fonts = typst.Fonts(include_system_fonts=False, include_embedded_fonts=False,
                        font_paths=[str(ROOT / "correspondence" / "fonts")])
    pdf = typst.compile(str(TABLE), font_paths=fonts, ignore_system_fonts=True, pdf_standards=["a-3b"],
                        sys_inputs={"rows": json.dumps(data, ensure_ascii=False)})
    assert len(pdf) > rows * 100


def _workspace(rows: int) -> Path:
    """A workspace with a công văn issued in the register and the annex's table (CSV) and spec beside it."""
    import yaml

    from correspondence import api

    folder = Path(tempfile.mkdtemp())
    (folder / "registers").mkdir()
    shutil.copy(ROOT / "examples" / "registers" / "ubnd-quang-ninh.yaml", folder / "registers")
    (folder / "cong-van.yaml").write_text(RECORD, "utf-8")
    (folder / "bang.yaml").write_text(yaml.safe_dump(SPEC, allow_unicode=True), "utf-8")
    lines = ["muc,ten,m3,m4,so,ghi_chu"] + [",".join(str(v) for v in r.values()) for r in _rows(rows)]
    (folder / "bang.csv").write_text("\n".join(lines) + "\n", "utf-8")
    api.issue([folder / "cong-van.yaml"], folder, formats=("docx",))
    return folder


def _annex(folder: Path, formats: tuple[str, ...]) -> None:
    from correspondence import api

    written = api.annex(folder, "01/UBND-XD6", folder / "bang.csv", folder / "bang.yaml", formats=formats)
    assert [p.suffix for p in written] == [f".{f}" for f in formats]


def one(kind: str, rows: int, folder: Path | None = None) -> dict[str, float]:
    """Run one measurement in this process (a fresh one): wall, CPU, peak RSS. An annex is made in ``folder``, a
    workspace another process made (issuing the công văn is not the annex's cost, nor what it leaves in memory: a
    clerk's ``correspondence annex`` is a process of its own)."""
    before = resource.getrusage(resource.RUSAGE_SELF)
    began = time.perf_counter()
    if kind == "bare":
        _bare(rows)
    else:
        assert folder is not None
        os.chdir(folder)
        _annex(folder, ("pdf",) if kind == "pdf" else ("docx",))
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return {"wall": wall, "cpu": cpu, "rss": after.ru_maxrss / 1024}


def _spawn(kind: str, rows: int) -> dict[str, float] | None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CORRESPONDENCE_PDF_ENGINE": "typst"}
    folder = []
    if kind != "bare":
        made = subprocess.run([sys.executable, __file__, "--make", str(rows)], capture_output=True, text=True,
                              env=env, check=False)
        if made.returncode != 0:
            print(f"{kind} {rows}: the workspace could not be made\n{made.stderr[-2000:]}")
            return None
        folder = [made.stdout.strip().splitlines()[-1]]
    try:
        done = subprocess.run([sys.executable, __file__, "--one", kind, str(rows), *folder], capture_output=True,
                              text=True, env=env, check=False)
    finally:
        for path in folder:
            shutil.rmtree(path, ignore_errors=True)
    if done.returncode != 0:
        print(f"{kind} {rows}: failed\n{done.stderr[-2000:]}")
        return None
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, nargs="+", default=[1000, 5000, 50000])
    parser.add_argument("--quick", action="store_true", help="200, 1,000 and 5,000 rows")
    parser.add_argument("--bare-max", type=int, default=None, help="no bare anchor above this many rows")
    parser.add_argument("--one", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--make", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make:
        print(_workspace(args.make))
        return
    if args.one:
        print(json.dumps(one(args.one[0], int(args.one[1]), Path(args.one[2]) if len(args.one) > 2 else None)))
        return
    sizes = [200, 1000, 5000] if args.quick else args.rows
    print(f"{dt.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; "
          "each figure from a process of its own")
    print(f"{'rows':>6} {'':26} {'ms/row':>7} {'CPU ms/row':>10} {'peak RSS':>9} {'time ×':>7} {'CPU ×':>6} "
          f"{'RSS ×':>6} {'flat ×':>6}")
    annexes: dict[int, dict[str, float]] = {}
    documents: dict[int, dict[str, float]] = {}  # the DOCX alone
    for rows in sizes:
        skipped = args.bare_max is not None and rows > args.bare_max
        anchor = None if skipped else _spawn("bare", rows)
        if skipped:
            print(f"{rows:>6} {'bare Typst table (anchor)':26} skipped (--bare-max {args.bare_max})")
        for kind, name in (("bare", "bare Typst table (anchor)"), ("pdf", "annex, PDF/A (Typst)"),
                           ("docx", "annex, DOCX")):
            f = anchor if kind == "bare" else _spawn(kind, rows)
            if f is None:
                continue
            ratios = ""
            if kind == "pdf":
                annexes[rows] = f
                ratios = (f"{f['wall'] / anchor['wall']:6.2f}× {f['cpu'] / anchor['cpu']:5.2f}× "
                          f"{f['rss'] / anchor['rss']:5.2f}×" if anchor is not None else f"{'':22}")
                if 5000 in annexes and rows > 5000:
                    ratios += f" {f['rss'] / annexes[5000]['rss']:5.2f}×"
            if kind == "docx":
                documents[rows] = f
                if 5000 in documents and rows > 5000:
                    ratios = f"{'':22} {f['rss'] / documents[5000]['rss']:5.2f}×"
            print(f"{rows:>6} {name:26} {f['wall'] / rows * 1000:7.2f} {f['cpu'] / rows * 1000:10.2f} "
                  f"{f['rss']:6.0f}MiB {ratios}", flush=True)
    print("targets: at 5,000 rows the annex PDF ≤ 2× the anchor's time, ≤ 1.2× its memory; at 50,000 rows it "
          "completes, its memory flat (≤ 1.2× the 5,000-row annex's: flat ×)")


if __name__ == "__main__":
    main()
