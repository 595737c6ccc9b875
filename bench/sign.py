"""Print the time to sign one issued document: the signer's signature (``sign --ky-nguoi``: placing the picture,
PAdES B-B, writing the file, recording it), then the agency's (``--ky-co-quan``), beside an anchor: pyHanko signing
the same bare PDF the same way (RSA-2048, SHA-256, an invisible field), which is what the tool adds to.

``python bench/sign.py [--documents 5]`` (median of the documents)."""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=5)
    count = parser.parse_args().documents
    warnings.simplefilter("ignore")
    from correspondence import api
    from tests.signing.conftest import PASSWORD, _ca, _leaf, seal_png, signature_png

    work = Path(tempfile.mkdtemp(prefix="bench-sign-"))
    try:
        shutil.copytree(ROOT / "examples", work / "examples")
        (work / "registers").mkdir()
        shutil.copy(ROOT / "examples" / "registers" / "ubnd-quang-ninh.yaml", work / "registers")
        (work / "output").mkdir()
        os.chdir(work)
        folder = work / "registers"
        (folder / "chu-ky").mkdir()
        signature_png(folder / "chu-ky" / "dang-huy-hau.png")
        seal_png(folder / "con-dau.png")
        profile = folder / "ubnd-quang-ninh.yaml"
        profile.write_text(profile.read_text("utf-8").replace(
            "    chuc_vu: Phó Chủ tịch\n", "    chuc_vu: Phó Chủ tịch\n    chu_ky: chu-ky/dang-huy-hau.png\n", 1)
            + "con_dau: con-dau.png\ncon_dau_mm: 36\n", "utf-8")
        api.register_init(work, "ubnd-quang-ninh")
        key, ca = _ca("CA bench")
        signer_p12 = _leaf("Đặng Huy Hậu", key, ca, work / "nguoi-ky.p12")
        agency_p12 = _leaf("Ủy ban nhân dân tỉnh Quảng Ninh", key, ca, work / "co-quan.p12")
        record = work / "examples" / "cong-van-3018.yaml"
        signer_times, agency_times, anchor_times = [], [], []
        for _index in range(count):
            entry = api.issue([record], work, lai=_index > 0)[0].entry
            start = time.perf_counter()
            api.sign(work, entry.so_ky_hieu, api.SIGNER, signer_p12, PASSWORD)
            signer_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            api.sign(work, entry.so_ky_hieu, api.AGENCY, agency_p12, PASSWORD)
            agency_times.append(time.perf_counter() - start)
            bare = (work / next(f["path"] for f in entry.files if f["path"].endswith(".pdf"))).read_bytes()
            anchor_times.append(_anchor(bare, signer_p12, PASSWORD))
        for label, times in (("sign --ky-nguoi", signer_times), ("sign --ky-co-quan", agency_times),
                             ("anchor: pyHanko alone", anchor_times)):
            print(f"{label:24} {statistics.median(times) * 1000:8.0f} ms per document (median of {len(times)})")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _anchor(data: bytes, p12: Path, password: str) -> float:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    signer = signers.SimpleSigner.load_pkcs12(str(p12), passphrase=password.encode())
    start = time.perf_counter()
    meta = signers.PdfSignatureMetadata(field_name="Sig", md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES)
    signers.PdfSigner(meta, signer=signer).sign_pdf(IncrementalPdfFileWriter(io.BytesIO(data)), output=io.BytesIO())
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
