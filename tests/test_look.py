"""Seeing a document without a PDF viewer: '--xem' writes PNG pictures of the first pages, '--mo' opens the PDF."""

from __future__ import annotations

import io
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from PIL import Image

from correspondence.cli import main


def _dark_share(png: bytes) -> float:
    image = Image.open(io.BytesIO(png)).convert("L")
    histogram = image.histogram()
    return sum(histogram[:128]) / (image.width * image.height)


def test_draft_with_pictures_and_opened(make_record: object, workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(click, "launch", lambda target, **_kw: opened.append(target) or 0)
    make_record("cv.yaml")  # type: ignore[operator]
    result = CliRunner().invoke(main, ["--lang", "vi", "draft", "cv.yaml", "--xem", "--mo"])
    assert result.exit_code == 0, result.output
    picture = workspace / "output" / "du-thao-cv.trang-1.png"
    assert "hình trang: output/du-thao-cv.trang-1.png" in result.output.splitlines()
    image = Image.open(picture)
    assert [abs(a - b) <= 1 for a, b in zip(image.size, (210 / 25.4 * 110, 297 / 25.4 * 110), strict=True)] == [True, True]
    assert 0.005 < _dark_share(picture.read_bytes()) < 0.2, "a page with text on it, not blank"
    assert opened == [str(workspace / "output" / "du-thao-cv.pdf")]
    refused = CliRunner().invoke(main, ["--lang", "vi", "draft", "cv.yaml", "--xem", "-f", "docx"])
    assert refused.exit_code == 2 and "--format pdf" in refused.output


def test_issue_puts_pictures_out_of_the_archive(make_record: object, workspace: Path) -> None:
    from correspondence.outgoing import registry as service

    make_record("cv.yaml")  # type: ignore[operator]
    result = CliRunner().invoke(main, ["--lang", "vi", "issue", "cv.yaml", "--xem"])
    assert result.exit_code == 0, result.output
    pictures = sorted((workspace / "output" / "xem").iterdir())
    assert [p.name for p in pictures] == ["01-UBND-XD6.trang-1.png", "01-UBND-XD6.trang-2.png"]
    assert service.verify(workspace).problems == [], "pictures are not archive files"
