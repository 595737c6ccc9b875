"""Print how fast full-text search answers over 10,000 and 100,000 issued documents (SQLite; PostgreSQL with
--postgresql URL, filled with the largest size only).

The documents are written straight into a fresh register (rows, words and index as ``issue`` writes them); each
query is timed end to end through ``correspondence.search.search`` (median of 5). PostgreSQL is timed twice:
right after the bulk load, before the server has statistics of the new rows (its planner then walks every match:
about 0.5 s here), and once they are taken (``ANALYZE``, which autovacuum runs by itself within a minute or so of a
load this size): the figure a clerk meets.
``python bench/search.py [--documents 10000 100000] [--postgresql postgresql://…]``
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = ("dịch vụ công trực tuyến", "cải cách hành chính", "chuyển đổi số", "xây dựng nông thôn mới", "an toàn giao thông",
         "phòng chống thiên tai", "Đà Nẵng", "Quảng Ninh", "ngân sách nhà nước", "đầu tư công", "giải phóng mặt bằng",
         "bảo hiểm xã hội", "y tế cơ sở", "giáo dục phổ thông", "quy hoạch sử dụng đất", "thủ tục hành chính")
QUERIES = ("dịch vụ công", "DA NANG", "giải phóng mặt bằng đầu tư", "thiên tai quảng ninh", "xyzzy", '"dịch vụ công"',
           "chuyển*")


def fill(url: str, count: int) -> None:
    from sqlalchemy import text

    from correspondence.register.store import Register, entries_t, text_t
    from correspondence.register.words import index_words

    register = Register(url, create=True)
    rng = random.Random(7)
    with register.engine.begin() as conn:
        for start in range(0, count, 5000):
            rows, texts = [], []
            for n in range(start + 1, min(count, start + 5000) + 1):
                body = ". ".join(f"Về {rng.choice(WORDS)} và {rng.choice(WORDS)} năm {2020 + n % 6}" for _ in range(12))
                rows.append({"id": n, "agency": "bench", "year": 2025, "series": "chung", "number": n,
                             "so_ky_hieu": f"{n}/UBND-VP", "ngay": f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}",
                             "ten_loai_trich_yeu": f"Công văn V/v {rng.choice(WORDS)}", "nguoi_ky": "Đặng Huy Hậu",
                             "noi_nhan": "Các sở", "don_vi_nhan_ban_luu": "VT", "kind": "cong_van", "status": "issued",
                             "issued_at": "2025-01-01T00:00:00+00:00", "issued_by": "bench"})
                texts.append({"entry_id": n, "agency": "bench", "tu_khoa": index_words(f"{n}/UBND-VP\n{body}"),
                              "toan_van": body})
            conn.execute(entries_t.insert(), rows)
            conn.execute(text_t.insert(), texts)
            if register.sqlite:
                conn.execute(text("INSERT INTO tim_kiem_fts (rowid, tu_khoa) VALUES (:entry_id, :tu_khoa)"), texts)
    register.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--postgresql", default=None, help="an empty PostgreSQL database to fill")
    args = parser.parse_args()
    from correspondence.search import search

    runs = [(f"SQLite, {size} documents", None, size) for size in args.documents]
    if args.postgresql:
        runs.append((f"PostgreSQL, {max(args.documents)} documents", args.postgresql, max(args.documents)))
    for name, given, size in runs:
        folder = Path(tempfile.mkdtemp())
        (folder / "registers").mkdir()
        (folder / "output").mkdir()
        (folder / "registers" / "bench.yaml").write_text((ROOT / "examples" / "registers" / "ubnd-quang-ninh.yaml")
                                                         .read_text("utf-8"), "utf-8")
        url = given or f"sqlite:///{folder / 'registers' / 'bench.sqlite'}"
        began = time.perf_counter()
        fill(url, size)
        print(f"{name}: written in {time.perf_counter() - began:.0f} s")
        _time_queries(search, folder, url)
        if given:
            _analyze(url)
            print(f"{name}, with the server's statistics of the new rows (ANALYZE, as autovacuum takes them):")
            _time_queries(search, folder, url)
        shutil.rmtree(folder, ignore_errors=True)


def _time_queries(search: Any, folder: Path, url: str) -> None:
    for query in QUERIES:
        times = []
        for _ in range(5):
            start = time.perf_counter()
            hits = search(folder, query, agency="bench", register_url=url)
            times.append((time.perf_counter() - start) * 1000)
        print(f"  {query!r:32} {len(hits):3} shown, median {statistics.median(times):6.1f} ms (target < 100 ms)")


def _analyze(url: str) -> None:
    from sqlalchemy import text

    from correspondence.register.store import Register

    register = Register(url)
    with register.engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()
    register.close()


if __name__ == "__main__":
    main()
