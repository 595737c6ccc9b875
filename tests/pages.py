"""Turn every example into page images: the approved look of each document, compared by the visual tests.

``python -m tests.pages --write [--pdf-only]`` renders each example (number 12, as ``render`` does) to PDF, each page
to a greyscale PNG at 100 dpi in ``tests/golden/pages-typst/``; the first page of each kind, smaller, into
``docs/anh/`` for the guide; where LibreOffice is installed (and without ``--pdf-only``), the DOCX pages as it lays
them out into ``tests/golden/pages-docx/``. Run it when a change of layout is meant, look at the images, and commit
them.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
PAGES = ROOT / "tests" / "golden" / "pages-typst"  # the PDF's pages, laid out by Typst
PICTURES = ROOT / "docs" / "anh"
DPI = 100
PICTURE_DPI = 40
NEEDS_REGISTER = ("sao-y.yaml", "sao-luc.yaml", "trich-sao.yaml", "quy-che-kem-quyet-dinh.yaml")


def examples() -> list[Path]:
    """The examples a page image is kept for: every record that renders without a register."""
    return [record for record in sorted([*EXAMPLES.glob("*.yaml"), *(EXAMPLES / "loai").glob("*.yaml")])
            if record.name not in NEEDS_REGISTER]


def page_images(record: Path, out: Path, dpi: int = DPI) -> list[Any]:
    """The pages of ``record``'s PDF (its annexes printed apart too), greyscale, at ``dpi``."""
    import pypdfium2

    from correspondence import api

    os.environ["CORRESPONDENCE_FONTS"] = "bundled"  # the shipped face, as every test renders
    images = []
    for path in sorted(api.render(record, 12, None, out / record.stem, ROOT, ("pdf",))):
        document = pypdfium2.PdfDocument(str(path))
        try:
            images += [page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for page in document]
        finally:
            document.close()
    return images


DOCX_PAGES = ROOT / "tests" / "golden" / "pages-docx"


def libreoffice() -> str | None:
    """``soffice`` when the DOCX baselines can be drawn here as they were: LibreOffice installed (with apt-get when
    missing, as root) and Times New Roman set in the shipped face's metrics and shapes (fontconfig's alias to
    Liberation Serif), else None."""
    import shutil
    import subprocess

    from tests.apt import installed

    soffice, _why = installed(["libreoffice-writer-nogui", "fonts-liberation"],
                              lambda: shutil.which("soffice") or shutil.which("libreoffice"))
    fc_match = shutil.which("fc-match")
    if soffice is None or fc_match is None:
        return None
    face = subprocess.run([fc_match, "-f", "%{family}", "Times New Roman"], capture_output=True, text=True,
                          check=False).stdout
    return soffice if face.split(",")[0] == "Liberation Serif" else None


def docx_page_images(records: list[Path], out: Path, dpi: int = DPI) -> dict[str, list[Any]]:
    """The pages of each record's DOCX as LibreOffice lays them out, greyscale, at ``dpi``, by record stem."""
    import subprocess

    import pypdfium2

    from correspondence import api

    soffice = libreoffice()
    assert soffice is not None
    files = {record.stem: sorted(p for p in api.render(record, 12, None, out / record.stem, ROOT, ("docx",)))
             for record in records}
    subprocess.run([soffice, f"-env:UserInstallation=file://{out / 'profile'}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out / "lo"), *(str(p) for paths in files.values() for p in paths)],
                   check=True, capture_output=True, timeout=900)
    images: dict[str, list[Any]] = {}
    for stem, paths in files.items():
        images[stem] = []
        for path in paths:
            document = pypdfium2.PdfDocument(str(out / "lo" / f"{path.stem}.pdf"))
            try:
                images[stem] += [page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for page in document]
            finally:
                document.close()
    return images


def main() -> None:
    from correspondence.i18n import set_language

    set_language("vi")
    if "--write" not in sys.argv[1:]:
        sys.stdout.write(__doc__ or "")
        return
    PICTURES.mkdir(parents=True, exist_ok=True)
    PAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for old in [*PAGES.glob("*.png"), *PICTURES.glob("*.png")]:
            old.unlink()
        for record in examples():
            images = page_images(record, Path(tmp))
            for number, image in enumerate(images, start=1):
                image.save(PAGES / f"{record.stem}-{number}.png", optimize=True)
            small = images[0].resize((round(images[0].width * PICTURE_DPI / DPI),
                                      round(images[0].height * PICTURE_DPI / DPI)))
            small.save(PICTURES / f"{record.stem}.png", optimize=True)
            sys.stdout.write(f"{record.stem}: {len(images)} trang\n")
        if "--pdf-only" in sys.argv[1:]:
            return
        if libreoffice() is None:
            sys.stdout.write("LibreOffice (or its Times New Roman alias to Liberation Serif) is missing: the DOCX "
                             "pages are left as they were\n")
            return
        DOCX_PAGES.mkdir(parents=True, exist_ok=True)
        for old in DOCX_PAGES.glob("*.png"):
            old.unlink()
        for stem, pages in docx_page_images(examples(), Path(tmp) / "docx").items():
            for number, image in enumerate(pages, start=1):
                image.save(DOCX_PAGES / f"{stem}-{number}.png", optimize=True)


if __name__ == "__main__":
    main()
