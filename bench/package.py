"""Print the export rate of hand-over packages: a hồ sơ of N issued documents (each a real PDF/A of the example công
văn) written as a folder and as a .zip, then checked. ``python bench/package.py [--documents 500]``"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=500)
    args = parser.parse_args()
    import os

    os.environ.setdefault("CORRESPONDENCE_FONTS", "bundled")
    from correspondence import api
    from correspondence.archive import package
    from correspondence.outgoing import registry as service
    from correspondence.register.store import Register

    folder = Path(tempfile.mkdtemp())
    (folder / "registers").mkdir()
    (folder / "output").mkdir()
    shutil.copy(ROOT / "examples" / "registers" / "ubnd-quang-ninh.yaml", folder / "registers")
    service.init(folder, "ubnd-quang-ninh")
    (pdf,) = api.render(ROOT / "examples" / "cong-van-3018.yaml", 1, dt.date(2019, 5, 7), folder / "tmp", ROOT, ("pdf",))
    data = pdf.read_bytes()
    register = Register(f"sqlite:///{folder / 'registers' / 'ubnd-quang-ninh.sqlite'}")
    made = register.ho_so_create("ubnd-quang-ninh", {"ky_hieu": "01.VP", "tieu_de": "Hồ sơ đo tốc độ", "thoi_han": "10",
                                                     "nam": 2019, "don_vi": None, "nguoi_lap": None})
    for n in range(1, args.documents + 1):
        copy = data + f"\n% {n}\n".encode()  # a distinct file each
        path = folder / "output" / "ubnd-quang-ninh" / "2019" / f"{n:04d}.pdf"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(copy)
        entry = register.allocate("ubnd-quang-ninh", "chung", dt.date(2019, 5, 7), "UBND-VP", {
            "ten_loai_trich_yeu": f"Công văn V/v số {n}", "nguoi_ky": "Đặng Huy Hậu", "noi_nhan": "Các sở",
            "don_vi_nhan_ban_luu": "VT", "kind": "cong_van", "record_json": json.dumps({"trich_yeu": f"số {n}"})})
        register.complete(entry.id, [{"path": path.relative_to(folder).as_posix(),
                                      "sha256": hashlib.sha256(copy).hexdigest()}])
        register.ho_so_add(made, entry)
    register.close()
    size = args.documents * len(data) / 1024 / 1024
    for target in (folder / "goi", folder / "goi.zip"):
        began = time.perf_counter()
        package.export(folder, target, "01.VP")
        elapsed = time.perf_counter() - began
        start = time.perf_counter()
        assert package.check(target).problems == []
        checked = time.perf_counter() - start
        print(f"{target.name:8} {args.documents} documents ({size:.0f} MiB): export {elapsed:.1f} s "
              f"({args.documents / elapsed:.0f} documents/s), check {checked:.1f} s")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
