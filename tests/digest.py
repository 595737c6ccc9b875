"""Turn every example into files and print their SHA-256: the proof that a change left the output alone.

``python -m tests.digest`` prints one ``<sha256>  <name>`` line per file; ``--write`` refreshes
``tests/golden/examples.sha256``, which ``tests/test_examples_unchanged.py`` compares with.

Every example is rendered with number 12 (``render``); then, in one fresh register, the documents
that need the register are issued in date order (the công văn, the quyết định with the quy chế issued
with it, the copy, the plan and its annex, a mail merge) and the 2019 register is exported in all
four formats.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
MANIFEST = ROOT / "tests" / "golden" / "examples.sha256"
NEEDS_REGISTER = ("sao-y.yaml", "sao-luc.yaml", "trich-sao.yaml", "quy-che-kem-quyet-dinh.yaml")


def _sha256(path: Path) -> str:
    """The file's SHA-256; for XLSX, of its parts but the core properties (openpyxl stamps the time of writing)."""
    if path.suffix != ".xlsx":
        return hashlib.sha256(path.read_bytes()).hexdigest()
    import zipfile

    digest = hashlib.sha256()
    with zipfile.ZipFile(path) as package:
        for name in sorted(set(package.namelist()) - {"docProps/core.xml"}):
            digest.update(name.encode() + b"\0" + package.read(name))
    return digest.hexdigest()


def digests() -> dict[str, str]:
    """Every file the examples produce, by a stable name, with its SHA-256."""
    from correspondence.i18n import set_language

    set_language("vi")
    out: dict[str, str] = {}
    chosen = os.environ.pop("CORRESPONDENCE_PDF_ENGINE", None)  # the digest is of the tool's own PDFs, whatever a run set
    try:
        _digests(out)
    finally:
        if chosen is not None:
            os.environ["CORRESPONDENCE_PDF_ENGINE"] = chosen
    return dict(sorted(out.items()))


def _digests(out: dict[str, str]) -> None:
    from correspondence import api

    with tempfile.TemporaryDirectory() as tmp:
        def fresh(name: str) -> Path:
            work = Path(tmp) / name
            shutil.copytree(EXAMPLES, work / "examples")
            (work / "registers").mkdir()
            for profile in (work / "examples" / "registers").glob("*.yaml"):
                shutil.copy(profile, work / "registers")
            return work

        def take(paths: list[Path], work: Path, prefix: str) -> None:
            for path in paths:
                name = path.relative_to(work / "output").as_posix()
                out[f"{prefix}/{name}"] = _sha256(path)

        work = fresh("render")
        examples = work / "examples"
        for record in sorted([*examples.glob("*.yaml"), *(examples / "loai").glob("*.yaml")]):
            if record.name not in NEEDS_REGISTER:
                take(api.render(record, 12, None, work / "output" / record.stem, work), work, "render")

        work = fresh("quyet-dinh")  # the quyết định 01/QĐ-UBND, then the quy chế issued with it
        examples = work / "examples"
        take(api.issue([examples / "quyet-dinh.yaml"], work)[0].files, work, "issue")
        take(api.render(examples / "quy-che-kem-quyet-dinh.yaml", 1, dt.date(2019, 5, 20), work / "output" / "quy-che",
                        work), work,
             "render")

        work = fresh("issue")  # 01/UBND-XD6 and its copy, the plan and its annex, two mail merges, the register
        examples = work / "examples"
        for name in ("cong-van-3018.yaml", "sao-y.yaml", "sao-luc.yaml", "trich-sao.yaml", "ke-hoach-4498.yaml"):
            issued = api.issue([examples / name], work)[0]
            take(issued.files, work, "issue")
        take(api.annex(work, issued.entry.so_ky_hieu, examples / "ke-hoach-4498" / "danh-muc.csv",
                       examples / "ke-hoach-4498" / "bang.yaml", agency="ubnd-ninh-thuan"), work, "annex")
        for merged in api.merge(examples / "giay-moi.yaml", examples / "khach-moi.csv", work, dt.date(2019, 12, 10),
                                workers=1):
            take(merged.files, work, "merge")
        for merged in api.merge(examples / "giay-moi.yaml", examples / "khach-moi.csv", work, dt.date(2019, 12, 11),
                                one_number=True, workers=1):
            take(merged.files, work, "merge")
        for fmt in ("pdf", "docx", "xlsx", "csv"):
            take([api.register_export(work, 2019, fmt, "ubnd-quang-ninh")], work, "export")


LIBRARIES = ("typst", "pikepdf", "fonttools", "python-docx", "openpyxl", "lxml")  # what writes the bytes


def main() -> None:
    import importlib.metadata

    os.environ["CORRESPONDENCE_FONTS"] = "bundled"  # the shipped face, as the tests render
    lines = [f"{digest}  {name}" for name, digest in digests().items()]
    if "--write" in sys.argv[1:]:
        header = "# " + " ".join(f"{name} {importlib.metadata.version(name)}" for name in LIBRARIES)
        MANIFEST.write_text("\n".join([header, *lines]) + "\n", "utf-8")
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
