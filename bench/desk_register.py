"""Print how many register pages a second the desk serves when the register holds 10,000 rows, beside an anchor.

Run from the repository root: ``python bench/desk_register.py [--rows N] [--seconds S] [--threads T]``. An office in a
temporary folder gets a register of N rows (a generated CSV brought in with ``register import``: no rendering) and a
văn thư account; ``correspondence serve`` runs it in a subprocess (uvicorn, one worker). A client of T threads (httpx2,
each signed in with its own session) then asks for each page for S seconds:

- the anchor: the sign-in page (``/dang-nhap``: a template, no register read);
- ``/so-van-ban-di``: the register's first page of 50 (every row read, the latest 50 shown);
- ``/so-van-ban-di?nam=…&thang=6``: one month of it;
- ``/so-van-ban-di?tim=…``: rows whose subject holds a word;
- a row page (its events read, the access recorded: a write to the register);
- beside them, the time of ``correspondence register list --json`` over the same register (a new process).

Requests a second and the latency (p50, p99) of each; the ratio to the anchor.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AGENCY = "ubnd-quang-ninh"
PASSWORD = "mat-khau-do-hieu-nang"


def office(folder: Path, rows: int) -> float:
    """An office with ``rows`` rows in its register of 2019 and the account ``vanthu``; seconds the import took."""
    from correspondence import api

    (folder / "registers").mkdir()
    (folder / "output").mkdir()
    shutil.copy(ROOT / "examples" / "registers" / f"{AGENCY}.yaml", folder / "registers")
    api.register_init(folder, AGENCY)
    first = dt.date(2019, 1, 1)
    lines = ['"Số, ký hiệu",Ngày tháng,Tên loại và trích yếu nội dung,Người ký,Nơi nhận']
    subjects = ["rà soát dịch vụ công trực tuyến", "kế hoạch cải cách hành chính", "báo cáo tình hình kinh tế",
                "tổ chức hội nghị tổng kết", "phòng chống thiên tai"]
    for n in range(1, rows + 1):
        day = first + dt.timedelta(days=(n - 1) * 365 // rows)
        lines.append(f"{n}/UBND-VP,{day:%d/%m/%Y},Công văn V/v {subjects[n % len(subjects)]} số {n},"
                     f"Đặng Huy Hậu,Các Sở ban ngành")
    table = folder / "so-cu.csv"
    table.write_text("\n".join(lines) + "\n", "utf-8")
    start = time.perf_counter()
    assert api.register_import(folder, table, AGENCY) == rows
    took = time.perf_counter() - start
    api.user_add(folder, "vanthu", "van-thu", PASSWORD, AGENCY)
    return took


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(folder: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "correspondence", "serve", "--port", str(port)], cwd=folder,
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the desk did not start")


def signed_in(url: str) -> object:
    import httpx2 as httpx  # the test extras install httpx2 (what Starlette's TestClient asks for)

    client = httpx.Client(base_url=url, timeout=60)
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/dang-nhap").text)
    assert token, "no login form"
    answer = client.post("/dang-nhap", data={"csrf": token[1], "ten": "vanthu", "mat_khau": PASSWORD,
                                             "co_quan": AGENCY})
    assert answer.status_code in (200, 303), answer.text[:300]
    return client


def measure(clients: list[object], path: str, seconds: float, expect: str) -> tuple[float, list[float]]:
    """Requests a second of ``path`` over all clients (each in its own thread) for ``seconds``; the latencies."""
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def run(client: object) -> None:
        mine = []
        while time.monotonic() < stop:
            began = time.perf_counter()
            answer = client.get(path)  # type: ignore[attr-defined]
            mine.append(time.perf_counter() - began)
            assert answer.status_code == 200 and expect in answer.text, (path, answer.status_code)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies) / (time.perf_counter() - began), latencies


def report(name: str, rate: float, latencies: list[float], anchor: float | None) -> None:
    ordered = sorted(latencies)
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[max(0, int(len(ordered) * 0.99) - 1)] * 1000
    ratio = f"{anchor / rate:6.1f}× the anchor's time" if anchor else "anchor"
    print(f"{name:<44} {rate:8.1f} req/s   p50 {p50:7.1f} ms   p99 {p99:7.1f} ms   {ratio}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-desk-") as scratch:
        folder = Path(scratch)
        took = office(folder, args.rows)
        print(f"register of {args.rows} rows brought in (register import of a CSV) in {took:.1f} s")
        port = free_port()
        process = serve(folder, port)
        try:
            url = f"http://127.0.0.1:{port}"
            clients = [signed_in(url) for _ in range(args.threads)]
            print(f"correspondence serve (uvicorn, one process) on loopback; {args.threads} client threads, "
                  f"{args.seconds:.0f} s a page")
            anchor, latencies = measure(clients, "/dang-nhap", args.seconds, "mat_khau")
            report("/dang-nhap (anchor: a template, no register)", anchor, latencies, None)
            for name, path, expect in (
                    ("/so-van-ban-di (page 1 of all rows)", "/so-van-ban-di", f"{args.rows}/UBND-VP"),
                    ("/so-van-ban-di?nam=2019&thang=6", "/so-van-ban-di?nam=2019&thang=6", "UBND-VP"),
                    ("/so-van-ban-di?tim=hoi nghi", "/so-van-ban-di?tim=hoi%20nghi", "hội nghị"),
                    ("/so-van-ban-di/<id> (a row: events, access)", f"/so-van-ban-di/{args.rows // 2}",
                     f"{args.rows // 2}/UBND-VP")):
                rate, latencies = measure(clients, path, args.seconds, expect)
                report(name, rate, latencies, anchor)
            for client in clients:
                client.close()  # type: ignore[attr-defined]
        finally:
            process.terminate()
            process.wait(timeout=10)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        times = []
        for _ in range(3):
            began = time.perf_counter()
            subprocess.run([sys.executable, "-m", "correspondence", "register", "list", "--json"], cwd=folder,
                           env=env, check=True, stdout=subprocess.DEVNULL)
            times.append(time.perf_counter() - began)
        print(f"{'correspondence register list --json (new process)':<44} {statistics.median(times) * 1000:8.0f} ms "
              f"(median of 3)")


if __name__ == "__main__":
    main()
