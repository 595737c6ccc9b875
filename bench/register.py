"""Print how fast the register hands out numbers: 4 processes allocating through ``Register.allocate``.

For SQLite (a file in a temporary folder) and PostgreSQL (a throwaway server on loopback): numbers
per second over all processes, and the wait of one allocation (p50, p99, worst). Then the
end-to-end time of ``issue`` for the example công văn, split into rendering and the cost of the guarantees
(checks, staging, numbering with the event chain, publishing). ``python bench/register.py [--per-process N]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


FIELDS = {"ten_loai_trich_yeu": "Công văn V/v thử", "nguoi_ky": "Đặng Huy Hậu", "noi_nhan": "Như trên",
          "don_vi_nhan_ban_luu": "VT, XD6", "kind": "cong_van"}


def _worker(url: str, count: int, start: float, out: mp.Queue) -> None:  # type: ignore[type-arg]
    from correspondence.register.store import Register

    register = Register(url)
    register.allocate(f"warm-{mp.current_process().pid}", "chung", dt.date(2019, 1, 1), "UBND-XD6", FIELDS)  # connect, warm up
    while time.time() < start:
        time.sleep(0.001)
    waits = []
    for _ in range(count):
        began = time.perf_counter()
        register.allocate("bench", "chung", dt.date(2019, 5, 7), "UBND-XD6", FIELDS)
        waits.append(time.perf_counter() - began)
    register.close()
    out.put(waits)


def measure(url: str, processes: int, count: int) -> tuple[float, list[float], int]:
    from correspondence.register.store import Register

    Register(url, create=True).close()  # create the register once, as register init does
    queue: mp.Queue = mp.Queue()  # type: ignore[type-arg]
    start = time.time() + 1.0
    workers = [mp.Process(target=_worker, args=(url, count, start, queue)) for _ in range(processes)]
    for worker in workers:
        worker.start()
    waits = [w for _ in workers for w in queue.get()]
    for worker in workers:
        worker.join()
    elapsed = time.time() - start
    with Register(url) as register:
        numbers = [e.number for e in register.entries("bench", series="chung")]
    assert numbers == list(range(1, processes * count + 1)), "numbers are not 1…N exactly once"
    return len(waits) / elapsed, waits, len(numbers)


def report(name: str, rate: float, waits: list[float], total: int) -> None:
    waits = sorted(waits)
    p50 = statistics.median(waits) * 1000
    p99 = waits[int(len(waits) * 0.99) - 1] * 1000
    worst = waits[-1] * 1000
    print(f"{name:<11} {rate:8.0f} numbers/s   wait p50 {p50:6.2f} ms   p99 {p99:6.2f} ms   worst {worst:7.2f} ms"
          f"   ({total} numbers, 1…{total} exactly once)")


def big_register(folder: Path, rows: int = 10_000) -> str:
    """A register of ``rows`` rows in a year of the agency "bench", each keeping a record and an agency profile as
    issued rows do: its URL."""
    import json

    from correspondence.register.store import Register

    url = f"sqlite:///{folder / 'big.sqlite'}"
    record = json.dumps({"noi_dung": "Ủy ban nhân dân tỉnh trân trọng kính mời dự hội nghị. " * 30}, ensure_ascii=False)
    agency = json.dumps({"profile": {"ten": "Ủy ban nhân dân tỉnh Quảng Ninh " * 30}}, ensure_ascii=False)
    with Register(url, create=True) as register:
        for first in range(0, rows, 200):
            ids = []
            with register.batch(series=[("bench", 2019, "chung")]):
                for number in range(first, min(first + 200, rows)):
                    ids.append(register.allocate("bench", "chung", dt.date(2019, 5, 7), "UBND-XD6", {
                        **FIELDS, "record_json": f"{record}{number}", "agency_json": agency}).id)
            with register.batch(rows=ids):
                for entry_id in ids:
                    register.complete(entry_id, [])
    return url


def lookup_time(url: str, repeat: int = 50) -> float:
    """What every issue asks the register: the rows issued from a record's very content (once per record: once per
    row of a merge), median ms."""
    import hashlib

    from correspondence.register.store import Register

    with Register(url) as register:
        times = []
        for index in range(repeat):
            began = time.perf_counter()
            register.issued_content("bench", 2019, hashlib.sha256(str(index).encode()).hexdigest())
            times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000


def verify_time(url: str) -> float:
    """What ``register verify`` checks of every row, in s: the chain's audit, then the rows read as verify reads them
    and their series checked (no duplicate, no gap, dates in order)."""
    from correspondence.outgoing.registry import _series_problems
    from correspondence.register.store import Register

    began = time.perf_counter()
    with Register(url) as register:
        problems = register.audit("bench")
        states = {(s.year, s.series): s for s in register.series_states("bench")}
        problems += _series_problems("bench", register.entries("bench", stored=False), states)
    assert problems == [], problems
    return time.perf_counter() - began


def issue_time(repeat: int) -> float:
    import shutil

    from correspondence.outgoing import issue

    folder = Path(tempfile.mkdtemp())
    (folder / "registers").mkdir()
    shutil.copy(ROOT / "examples" / "registers" / "ubnd-quang-ninh.yaml", folder / "registers")
    times = []
    for index in range(repeat + 1):
        began = time.perf_counter()
        issue([ROOT / "examples" / "cong-van-3018.yaml"], workspace=folder, ngay=dt.date(2019, 5, 7), lai=True)
        if index:
            times.append(time.perf_counter() - began)
    return statistics.median(times)


def render_time(repeat: int) -> float:
    """The same document composed and rendered alone, without the register: what issuing costs above it."""
    from correspondence import api

    loaded = api.load(ROOT / "examples" / "cong-van-3018.yaml", ROOT)
    times = []
    for index in range(repeat + 1):
        began = time.perf_counter()
        api.render_document(api.compose(loaded, 1, dt.date(2019, 5, 7)))
        if index:
            times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--per-process", type=int, default=1000)
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    mp.set_start_method("spawn")
    print(f"{args.processes} processes × {args.per_process} allocations each, every one chained by SHA-256 "
          "(worst wait target < 500 ms)")
    with tempfile.TemporaryDirectory() as folder:
        report("SQLite", *measure(str(Path(folder) / "bench.sqlite"), args.processes, args.per_process))
        big = big_register(Path(folder))
        print(f"{'':11} on a register of 10,000 rows a year, the rows issued from a record's very content are found "
              f"in {lookup_time(big):.2f} ms (each issue asks, a merge once per row); register verify checks its "
              f"rows in {verify_time(big):.1f} s (their files apart)")
    if not args.skip_postgres:
        from tests.pgserver import TempPostgres

        server = TempPostgres()
        try:
            report("PostgreSQL", *measure(server.url, args.processes, args.per_process))
        finally:
            server.stop()
    whole, rendering = issue_time(7), render_time(7)
    print(f"issue, end to end (example công văn, DOCX + PDF, SQLite): {whole * 1000:.0f} ms median; of which "
          f"composing and rendering {rendering * 1000:.0f} ms, and the guarantees (checks, staging, numbering with "
          f"the event chain, write-once publishing, completion) {(whole - rendering) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
