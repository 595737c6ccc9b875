"""PDFs embed Times New Roman where the machine has it (ND 30 names it), else the shipped Liberation Serif (Typst
names the face by the font's PostScript name)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdf
import pytest
from click.testing import CliRunner

from correspondence.metrics import FACES, FONT_DIR, TABLE, face_metrics, read_face, table_text
from correspondence.render import render_document, typst

TIMES = {"Regular": "times.ttf", "Bold": "timesbd.ttf", "Italic": "timesi.ttf", "BoldItalic": "timesbi.ttf"}


def _fonts(document: Any) -> set[str]:
    pdf = next(data for name, data in render_document(document, ("pdf",)).items() if name.endswith(".pdf"))
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return {str(font.get_object()["/BaseFont"]).split("+", 1)[1].replace("-", "") for page in reader.pages
            for font in page["/Resources"]["/Font"].values()}


@pytest.fixture
def windows_fonts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A Windows fonts folder: Times New Roman's four files (the shipped face, metric-compatible, under their file
    names and, inside, the names Times New Roman carries)."""
    from fontTools.ttLib import TTFont

    folder = tmp_path / "Windows" / "Fonts"
    folder.mkdir(parents=True)
    for style, name in TIMES.items():
        font = TTFont(FONT_DIR / f"LiberationSerif-{style}.ttf")
        for record in font["name"].names:
            text = record.toUnicode()
            if "Liberation" in text:
                record.string = text.replace("Liberation Serif", "Times New Roman").replace("LiberationSerif",
                                                                                           "TimesNewRomanPS")
        font.save(folder / name)
    monkeypatch.setenv("CORRESPONDENCE_FONTS", str(folder))
    return folder


def test_without_times_new_roman_the_shipped_face_is_embedded_under_its_true_name(
        build: Callable[..., Any], make_record: Callable[..., Path]) -> None:
    """Every character of a Vietnamese document, and signs outside the old cut-down face (€, №, ≥), comes from the
    one shipped face: no other font of the machine fills in."""
    fonts = _fonts(build(make_record(noi_dung="Giá 100 € theo mục № 5, tỷ lệ ≥ 30%; **Đồng ý** và *ghi chú*.")))
    assert fonts and fonts <= {"LiberationSerif", "LiberationSerifBold", "LiberationSerifItalic",
                               "LiberationSerifBoldItalic"}, fonts
    assert set(FACES.values()) == {f"LiberationSerif-{style}.ttf" for style in TIMES}


def test_times_new_roman_is_used_where_the_machine_has_it(windows_fonts: Path, build: Callable[..., Any],
                                                         make_record: Callable[..., Path]) -> None:
    fonts = _fonts(build(make_record()))
    assert fonts and all(name.startswith("TimesNewRoman") for name in fonts), fonts


def test_the_faces_are_read_without_leaving_a_folder(windows_fonts: Path, build: Callable[..., Any],
                                                   make_record: Callable[..., Path], tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Typst reads fonts from folders, not files: the four files of the face are linked from a scratch folder, gone
    as soon as they are read. A merge's worker ends without the exit handlers of a process: a folder removed only at
    exit was left behind by every worker."""
    scratch = tmp_path / "temp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    fonts = _fonts(build(make_record(noi_dung="Văn bản **đậm** và *nghiêng*, ***cả hai***.")))
    assert fonts == {"TimesNewRomanPS", "TimesNewRomanPSBold", "TimesNewRomanPSItalic", "TimesNewRomanPSBoldItalic"}
    assert list(scratch.iterdir()) == []


def test_a_font_folder_a_killed_process_left_is_removed_by_the_next_one(
        windows_fonts: Path, build: Callable[..., Any], make_record: Callable[..., Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A process killed in the milliseconds it links the faces leaves its folder: the next process that reads fonts
    removes the folders of processes that are gone, once they are an hour old — never one of a live process, nor a
    new one (its process may live where this one does not see it)."""
    scratch = tmp_path / "temp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                           check=True)
    gone = int(ended.stdout)
    hour_ago = time.time() - 3700
    left = {}
    for name, pid, old in (("gone-old", gone, True), ("gone-new", gone, False), ("alive-old", os.getpid(), True)):
        folder = scratch / f"{typst.FONT_FOLDER}{pid}-{name}"
        folder.mkdir()
        (folder / "0-times.ttf").symlink_to(windows_fonts / "times.ttf")
        if old:
            os.utime(folder, (hour_ago, hour_ago))
        left[name] = folder
    typst._compiler.cache_clear()  # the next layout reads the fonts again, as a new process does
    _fonts(build(make_record()))
    assert sorted(path.name for path in scratch.iterdir()) == sorted(
        folder.name for name, folder in left.items() if name != "gone-old")


def test_version_names_the_pdf_font(windows_fonts: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from correspondence.cli import main

    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output.splitlines()[1] == f"Phông chữ PDF: Times New Roman ({windows_fonts / 'times.ttf'})"
    monkeypatch.setenv("CORRESPONDENCE_FONTS", "bundled")
    result = CliRunner().invoke(main, ["--version"])
    assert result.output.splitlines()[1] == ("Phông chữ PDF: Liberation Serif, kèm theo phần mềm, cùng kích thước chữ "
                                             "với Times New Roman (máy này không có Times New Roman)")


def test_the_shipped_faces_metrics_are_those_the_faces_hold() -> None:
    """The table of the shipped faces' metrics (widths, em, ascender, descender) is what fontTools reads from the faces
    themselves: after the faces change, ``python -m correspondence.metrics`` writes it again."""
    assert TABLE.read_text("utf-8") == table_text()
    for name in FACES.values():
        shipped = face_metrics(FONT_DIR / name)
        assert shipped == read_face(FONT_DIR / name)
        assert len(shipped.widths) > 2000 and shipped.widths[ord("Ư")] > 0


def test_a_face_of_the_machine_is_read_from_its_file(windows_fonts: Path, tmp_path: Path) -> None:
    """Only the shipped files take their metrics from the table: a face elsewhere is read from its own file, even
    under a shipped face's name."""
    from fontTools.ttLib import TTFont

    times = face_metrics(windows_fonts / "times.ttf")
    assert times.widths == face_metrics(FONT_DIR / FACES[(False, False)]).widths  # metric-compatible, renamed
    font = TTFont(FONT_DIR / FACES[(False, False)])
    name = font.getBestCmap()[ord("Ư")]
    font["hmtx"].metrics[name] = (1234, font["hmtx"].metrics[name][1])
    (tmp_path / "khac").mkdir()
    font.save(tmp_path / "khac" / FACES[(False, False)])
    other = face_metrics(tmp_path / "khac" / FACES[(False, False)])
    assert other.widths[ord("Ư")] == 1234 != face_metrics(FONT_DIR / FACES[(False, False)]).widths[ord("Ư")]
