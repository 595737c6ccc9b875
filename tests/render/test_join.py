"""Joining PDFs into one (a merge's preview, the file to print a merge at once): the pages in order, and the files
joined read one at a time — a preview of tens of thousands of rows joins thousands of files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pdfplumber
import pikepdf

from correspondence.render.join import combine, combine_files


def _pdfs(folder: Path, count: int) -> list[Path]:
    paths = []
    for index in range(count):
        pdf = pikepdf.new()
        pdf.add_blank_page(page_size=(595, 842))
        content = f"BT /F1 12 Tf 72 760 Td (trang {index}) Tj ET".encode()
        font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                    BaseFont=pikepdf.Name.Helvetica))
        pdf.pages[0].Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        pdf.pages[0].Contents = pdf.make_stream(content)
        paths.append(folder / f"{index:03d}.pdf")
        pdf.save(paths[-1])
    return paths


def test_the_pages_come_in_order_and_the_same_as_joined_in_memory(tmp_path: Path) -> None:
    paths = _pdfs(tmp_path, 5)
    combine_files(paths, "Năm trang", tmp_path / "joined.pdf")
    assert (tmp_path / "joined.pdf").read_bytes() == combine([path.read_bytes() for path in paths], "Năm trang")
    with pdfplumber.open(tmp_path / "joined.pdf") as joined:
        assert [page.extract_text() for page in joined.pages] == [f"trang {index}" for index in range(5)]
        assert joined.metadata["Title"] == "Năm trang"


def test_more_files_than_a_process_may_hold_open_are_joined(tmp_path: Path) -> None:
    """Each file is closed once its pages are copied (pikepdf copies their streams then): a process allowed 60 open
    files joins 150."""
    _pdfs(tmp_path, 150)
    script = ("import resource, sys\nfrom pathlib import Path\n"
              "resource.setrlimit(resource.RLIMIT_NOFILE, (60, 60))\n"
              "from correspondence.render.join import combine_files\n"
              "paths = sorted(Path(sys.argv[1]).glob('*.pdf'))\n"
              "combine_files(paths, 'x', Path(sys.argv[1]) / 'out' / 'joined.pdf')\n")
    (tmp_path / "out").mkdir()
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr[-2000:]
    with pikepdf.open(tmp_path / "out" / "joined.pdf") as joined:
        assert len(joined.pages) == 150
