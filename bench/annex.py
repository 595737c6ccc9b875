"""Print DOCX and PDF render times of an annex of 100, 1,000 and 5,000 rows, so the growth shows.

``python bench/annex.py [--rows 100 1000 5000]``: the time per row should stay flat (linear growth).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

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


def document(rows: int):  # type: ignore[no-untyped-def]
    from correspondence.compose import annex_model, build_table, kem_theo_line, standalone
    from correspondence.model import Metadata
    from correspondence.validate.schema import Bang

    data = [(f"row {i}", {"muc": "3" if i % 3 else "4", "ten": f"Thủ tục hành chính số {i} về cấp phép xây dựng",
                          "m3": "x", "m4": "" if i % 2 else "x", "so": i * 7, "ghi_chu": "Đã kết nối" if i % 5 else ""})
            for i in range(rows)]
    table, wide = build_table(Bang.model_validate(SPEC), data)
    kem_theo = kem_theo_line("Kế hoạch", "4498/KH-UBND", dt.date(2019, 10, 30), "Ủy ban nhân dân tỉnh")
    annex = annex_model("Phụ lục", "Danh mục thủ tục hành chính", kem_theo, table, wide, True, "bench-phu-luc", None)
    return standalone(annex, Metadata("Phụ lục", "bench", "bench", dt.datetime(2019, 10, 30), "bench"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, nargs="+", default=[100, 1000, 5000])
    args = parser.parse_args()
    from correspondence.render.docx import render_docx
    from correspondence.render.pdf import render_pdf

    render_pdf(document(10), None, 0)  # warm: imports, fonts, parsed CSS
    print(f"{'rows':>6} {'DOCX':>9} {'per row':>9} {'PDF':>9} {'per row':>9} {'pages':>6}")
    for rows in args.rows:
        doc = document(rows)
        began = time.perf_counter()
        render_docx(doc, 0)
        docx_time = time.perf_counter() - began
        began = time.perf_counter()
        pdf = render_pdf(doc, None, 0)
        pdf_time = time.perf_counter() - began
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        print(f"{rows:>6} {docx_time:>8.2f}s {docx_time / rows * 1000:>7.2f}ms {pdf_time:>8.2f}s "
              f"{pdf_time / rows * 1000:>7.2f}ms {pages:>6}")


if __name__ == "__main__":
    main()
