"""Print the desk's "Xem trước" latency beside its anchor, measured in the same run on the same machine: from the
click (the form posted as htmx posts it) to the picture of page 1 received, through a desk served by uvicorn on a
loopback port; and the same record drafted by a bare ``correspondence draft --xem`` (a process of its own, as a clerk
runs it) and by ``api.draft`` + ``api.previews`` in process (what the desk itself calls). The record is the example
công văn's (examples/cong-van-3018.yaml) typed into the form; the anchors draft the very record the desk wrote.

``python bench/desk_preview.py [--repeat N]``

Target: click → picture under 3 s (median and the first, cold, click); the browser's own painting is not counted.
"""

from __future__ import annotations

import argparse
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
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
EXAMPLE = ROOT / "examples" / "cong-van-3018.yaml"
USER, PASSWORD, AGENCY = "vanthu", "mat-khau-do-thu", "ubnd-quang-ninh"
TARGET = 3.0


def _office(folder: Path) -> Path:
    from correspondence import api

    shutil.copytree(ROOT / "examples" / "registers", folder / "registers")
    (folder / "output").mkdir()
    api.register_init(folder, AGENCY)
    api.user_add(folder, USER, "van-thu", PASSWORD, AGENCY)
    return folder


def _form() -> dict[str, str]:
    """The example công văn as a clerk types it into the form (its dates written out: the form has no du_lieu)."""
    data = yaml.safe_load(EXAMPLE.read_text("utf-8"))
    body = re.sub(r"\{\{[^}]*\}\}", "30/5/2019", data["noi_dung"])
    return {"loai": "cong_van", "don_vi": data["don_vi"], "trich_yeu": data["trich_yeu"],
            "kinh_gui": "\n".join(data["kinh_gui"]), "noi_dung": body, "nguoi_ky": data["ky"]["nguoi_ky"],
            "tham_quyen": data["ky"]["tham_quyen"], "noi_nhan": "\n".join(data["noi_nhan"]),
            "noi_luu": "\n".join(data["luu"]["noi_luu"])}


def _serve(office: Path) -> tuple[Any, str]:
    import uvicorn

    from correspondence.desk.app import create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(office), host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="off"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.02)
    return server, f"http://127.0.0.1:{port}"


def _click(client: Any, form: dict[str, str]) -> tuple[float, str]:
    """One "Xem trước": the post, then the picture it names; seconds, and the draft's token."""
    start = time.perf_counter()
    answer = client.post("/van-ban-moi/xem-truoc", data=form, headers={"hx-request": "true"})
    found = re.search(r'src="(/van-ban-moi/anh/([0-9a-f]{16})/1)"', answer.text)
    if answer.status_code != 200 or not found:
        raise SystemExit(f"no picture in the answer ({answer.status_code}): {answer.text[:500]}")
    picture = client.get(found[1])
    if not picture.content.startswith(b"\x89PNG"):
        raise SystemExit("the picture is not a PNG")
    return time.perf_counter() - start, found[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    import httpx2 as httpx  # the test extras install httpx2 (what Starlette's TestClient asks for)

    from correspondence import api

    with tempfile.TemporaryDirectory() as temporary:
        office = _office(Path(temporary))
        server, url = _serve(office)
        with httpx.Client(base_url=url, follow_redirects=True, timeout=60) as client:
            login = client.get("/dang-nhap").text
            csrf = re.search(r'name="csrf" value="([^"]+)"', login)[1]  # type: ignore[index]
            client.post("/dang-nhap", data={"csrf": csrf, "ten": USER, "mat_khau": PASSWORD, "co_quan": AGENCY})
            page = client.get("/van-ban-moi").text
            form = {"csrf": re.search(r'name="csrf" value="([^"]+)"', page)[1], **_form()}  # type: ignore[index]
            first, token = _click(client, form)
            clicks = [_click(client, form)[0] for _ in range(args.repeat)]
        server.should_exit = True
        record = office / ".desk" / "nhap" / AGENCY / token / "ban-ghi.yaml"

        def in_process() -> float:
            out = Path(tempfile.mkdtemp(dir=temporary))
            start = time.perf_counter()
            pdf = api.draft(record, out, office, formats=("pdf",))[0]
            api.previews([pdf], out, pages=1)
            return time.perf_counter() - start

        def command() -> float:
            out = Path(tempfile.mkdtemp(dir=temporary))
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "correspondence", "draft", str(record), "-o", str(out), "-f", "pdf",
                            "--xem"], cwd=office, check=True, capture_output=True,
                           env={**os.environ, "PYTHONPATH": str(ROOT)})
            return time.perf_counter() - start

        anchor = statistics.median(in_process() for _ in range(args.repeat))
        bare = statistics.median(command() for _ in range(max(3, args.repeat // 2)))
    click = statistics.median(clicks)
    print(f"{'':34}{'seconds':>9}{'× api':>8}{'× draft':>9}")
    print(f"{'desk click → picture (first)':34}{first:9.3f}{first / anchor:8.2f}{first / bare:9.2f}")
    print(f"{'desk click → picture (median)':34}{click:9.3f}{click / anchor:8.2f}{click / bare:9.2f}")
    print(f"{'api.draft + previews (in process)':34}{anchor:9.3f}{1:8.2f}{anchor / bare:9.2f}")
    print(f"{'correspondence draft --xem':34}{bare:9.3f}{bare / anchor:8.2f}{1:9.2f}")
    verdict = "ok" if max(first, click) < TARGET else "OVER"
    print(f"target: click → picture < {TARGET:.0f} s: {verdict}")


if __name__ == "__main__":
    main()
