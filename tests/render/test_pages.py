"""The look of every example, page by page, against the approved images of its PDF (laid out by Typst):
tests/golden/pages-typst/.

A page whose blocks moved (a line, a rule, a box, the signature) fails; the tolerance only absorbs antialiasing. On
failure the image of the differences is written beside the baseline (``*.diff.png``, ignored by git); if the change
was meant, look at the pages and approve them with ``python -m tests.pages --write``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.pages import PAGES, examples, page_images

DIFFERENT = 64  # grey levels: what antialiasing never reaches
TOLERANCE = 0.0005  # of a page's pixels: a moved word or rule is more


def moved(baseline: object, actual: object) -> float:
    """The share of pixels that differ by more than antialiasing between two greyscale images of one size."""
    from PIL import ImageChops

    difference = ImageChops.difference(baseline, actual).point(lambda value: 255 if value > DIFFERENT else 0)
    histogram = difference.histogram()
    return histogram[255] / (actual.width * actual.height)  # type: ignore[attr-defined]


@pytest.mark.slow
@pytest.mark.parametrize("record", examples(), ids=lambda path: path.stem)
def test_every_page_looks_as_approved(record: Path, tmp_path: Path) -> None:
    from PIL import Image, ImageChops

    images = page_images(record, tmp_path)
    baselines = sorted((p for p in PAGES.glob(f"{record.stem}-*.png")  # not bien-ban-ban-giao-1 for bien-ban
                        if p.stem.rsplit("-", 1)[0] == record.stem), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    assert len(images) == len(baselines), f"{record.stem}: {len(images)} pages, approved {len(baselines)}"
    for number, (image, path) in enumerate(zip(images, baselines, strict=True), start=1):
        baseline = Image.open(path).convert("L")
        assert image.size == baseline.size, f"{record.stem} page {number}: another page size"
        share = moved(baseline, image)
        if share > TOLERANCE:
            ImageChops.difference(baseline, image).save(path.with_suffix(".diff.png"))
        assert share <= TOLERANCE, f"{record.stem} page {number}: {share:.3%} of the page moved (see {path.name})"


@pytest.mark.slow
def test_every_docx_page_looks_as_approved_in_libreoffice(tmp_path: Path) -> None:
    """The DOCX of every example, laid out by LibreOffice headless, against tests/golden/pages-docx/ (skipped where
    LibreOffice, or its Times New Roman alias to the shipped Liberation Serif, is missing)."""
    from PIL import Image, ImageChops

    from tests.pages import DOCX_PAGES, docx_page_images, libreoffice

    if libreoffice() is None:
        pytest.skip("LibreOffice with Times New Roman set in Liberation Serif is not installed on this machine")
    problems = []
    for stem, images in docx_page_images(examples(), tmp_path).items():
        baselines = sorted((p for p in DOCX_PAGES.glob(f"{stem}-*.png") if p.stem.rsplit("-", 1)[0] == stem),
                           key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        if len(images) != len(baselines):
            problems.append(f"{stem}: {len(images)} pages, approved {len(baselines)}")
            continue
        for number, (image, path) in enumerate(zip(images, baselines, strict=True), start=1):
            baseline = Image.open(path).convert("L")
            share = moved(baseline, image) if image.size == baseline.size else 1.0
            if share > TOLERANCE:
                if image.size == baseline.size:
                    ImageChops.difference(baseline, image).save(path.with_suffix(".diff.png"))
                problems.append(f"{stem} page {number}: {share:.3%} of the page moved")
    assert problems == []


def test_the_comparison_sees_a_moved_line(tmp_path: Path) -> None:
    """The tolerance passes the same page and fails one whose single line moved by 2 mm."""
    from PIL import Image, ImageDraw

    page = Image.new("L", (827, 1169), 255)
    ImageDraw.Draw(page).text((118, 300), "Số: 12/UBND-XD6   Quảng Ninh, ngày 07 tháng 5 năm 2019", fill=0)
    shifted = Image.new("L", page.size, 255)
    shifted.paste(page.crop((0, 290, 827, 320)), (0, 298))
    shifted.paste(page.crop((0, 0, 827, 290)), (0, 0))
    assert moved(page, page.copy()) == 0
    assert moved(page, shifted) > TOLERANCE


def test_the_guide_shows_the_first_page_of_every_example() -> None:
    from tests.pages import PICTURES, ROOT

    guide = (ROOT / "docs" / "loai-van-ban.md").read_text("utf-8")
    for record in examples():
        assert (PICTURES / f"{record.stem}.png").is_file(), record.stem
        assert f"(anh/{record.stem}.png)" in guide, record.stem
    assert {p.stem for p in PICTURES.glob("*.png")} == {r.stem for r in examples()}, "no picture of a removed example"
