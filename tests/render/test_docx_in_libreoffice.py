"""The DOCX files as another word processor lays them out: LibreOffice headless (installed by the tests as root).

It reads the grid, not the cells' widths, and merges a section that ends with a table into the page before:
the register's landscape pages came out portrait on the cover's section, columns (8)–(10) off the page.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from correspondence import api
from tests.apt import installed
from tests.conftest import EXAMPLES, ROOT


@pytest.fixture(autouse=True)
def _soffice() -> None:
    """LibreOffice, installed with apt-get when missing (as root); the tests are skipped, saying why, elsewhere."""
    found, why = installed(["libreoffice-writer-nogui", "fonts-liberation"], _present)
    if found is None:
        pytest.skip(why)


def _present() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _as_pdf(docx: Path, out: Path) -> Path:
    subprocess.run([str(_present()), f"-env:UserInstallation=file://{out / 'profile'}", "--headless", "--convert-to",
                    "pdf", "--outdir", str(out), str(docx)], check=True, capture_output=True, timeout=180)
    return out / f"{docx.stem}.pdf"


def test_the_register_book_keeps_its_portrait_cover_and_landscape_columns(examples_workspace: Path) -> None:
    tmp_path = examples_workspace
    api.issue([tmp_path / "examples" / "cong-van-3018.yaml"], tmp_path)
    docx = api.register_export(tmp_path, 2019, "docx", "ubnd-quang-ninh")
    with pdfplumber.open(_as_pdf(docx, tmp_path)) as pdf:
        cover, columns = pdf.pages[0], pdf.pages[1]
        assert cover.width < cover.height and columns.width > columns.height
        table = columns.extract_table()
    assert [" ".join(c.split()) for c in table[0]][-3:] == ["Ngày chuyển", "Ký nhận", "Ghi chú"]
    assert table[2][:2] == ["01/UBND-XD6", "07/05/2019"]


def test_a_landscape_annex_stays_landscape(tmp_path: Path) -> None:
    (docx,) = api.render(EXAMPLES / "ke-hoach-4498.yaml", 12, None, tmp_path, ROOT, ("docx",))
    with pdfplumber.open(_as_pdf(docx, tmp_path)) as pdf:
        sizes = [(p.width > p.height) for p in pdf.pages]
    assert sizes[-1] and not any(sizes[:-1])


def test_the_urgency_box_stands_where_the_pdf_draws_it(tmp_path: Path) -> None:
    pdf_path, docx_path = api.render(EXAMPLES / "cong-dien.yaml", 12, None, tmp_path, ROOT, ("pdf", "docx"))

    def top(path: Path) -> float:
        with pdfplumber.open(path) as pdf:
            return next(w["top"] for w in pdf.pages[0].extract_words() if w["text"] == "HỎA") * 25.4 / 72

    assert abs(top(_as_pdf(docx_path, tmp_path / "lo")) - top(pdf_path)) < 1.0


@pytest.mark.slow
def test_every_example_has_as_many_pages_in_both_files(tmp_path: Path) -> None:
    """The PDF and the DOCX as a word processor sets it break into the same number of pages (the signature block
    never moves alone to a page of its own in one of them)."""
    from tests.pages import examples

    pairs = [api.render(record, 12, None, tmp_path / record.stem, ROOT, ("pdf", "docx")) for record in examples()]
    docx = [str(path) for paths in pairs for path in paths if path.suffix == ".docx"]
    subprocess.run([str(_present()), f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path / "lo"), *docx],
                   check=True, capture_output=True, timeout=600)
    different = []
    for paths in pairs:
        for pdf_path in (p for p in paths if p.suffix == ".pdf"):
            with pdfplumber.open(pdf_path) as ours, pdfplumber.open(tmp_path / "lo" / pdf_path.name) as theirs:
                if len(ours.pages) != len(theirs.pages):
                    different.append((pdf_path.name, len(ours.pages), len(theirs.pages)))
    assert different == []


SENTENCE = "Các cơ quan, đơn vị báo cáo kết quả thực hiện về Ủy ban nhân dân tỉnh."


@pytest.mark.slow
def test_around_a_page_end_the_docx_breaks_as_the_pdf_does(build: Any, make_record: Any, tmp_path: Path) -> None:
    """Body lengths stepping a sentence at a time across the end of page 1 (the signature block fits, then moves
    with the last lines): the DOCX as LibreOffice sets it has as many pages as the PDF, and its
    last page never holds the signature block alone (a last paragraph of one line goes over alone, in both)."""
    from correspondence.render.docx import render_docx
    from correspondence.render.typst import render_typst
    from tests.render.test_pagination import PARAGRAPH

    cases: dict[str, dict[str, int]] = {}
    for count in (6, 7, 8):
        for extra in range(4):
            parts = [PARAGRAPH] * count + ([SENTENCE * extra] if extra else [])
            document = build(make_record(noi_dung="\n\n".join(parts)))
            name = f"than-{count}-{extra}"
            (tmp_path / f"{name}.docx").write_bytes(render_docx(document))
            cases[name] = {}
            with pdfplumber.open(io.BytesIO(render_typst(document))) as pdf:
                cases[name]["typst"] = len(pdf.pages)
    subprocess.run([str(_present()), f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path / "lo"), *(str(tmp_path / f"{n}.docx")
                                                                               for n in cases)],
                   check=True, capture_output=True, timeout=600)
    different, alone = [], []
    for name, pages in cases.items():
        with pdfplumber.open(tmp_path / "lo" / f"{name}.pdf") as laid_out:
            count = len(laid_out.pages)
            lines = [line["text"] for line in laid_out.pages[-1].extract_text_lines()]
        if any(count != theirs for theirs in pages.values()):
            different.append((name, count, pages))
        label = next(i for i, text in enumerate(lines) if text.startswith("Nơi nhận"))
        if count > 1 and label < 2:  # the page number, then the body's last line(s) above the signature block
            alone.append((name, lines[:label]))
    assert {pages["typst"] for pages in cases.values()} == {1, 2}, "the lengths must cross the end of page 1"
    assert different == [] and alone == []


@pytest.mark.slow
def test_a_copy_block_stands_on_the_sheet_where_the_copied_document_ends(examples_workspace: Path) -> None:
    """PL I Phần II §I.2.a: the copy block (Mẫu 3.1) and its full-width rule stand on the same sheet as the copied
    document's end, right after it. The công văn copied ends near the foot of page 2 with its signature; the copy
    block does not fit under it, so the copied document's last lines go to page 3 with it — as in the PDF. It used to
    stand alone at the head of page 3 in the DOCX as LibreOffice sets it (the keep-with-next chain Word follows from
    the signature table to the rule, LibreOffice does not)."""
    work = examples_workspace
    api.issue([work / "examples" / "cong-van-3018.yaml"], work)
    for name, blocks in (("sao-y.yaml", 1), ("sao-luc.yaml", 2), ("trich-sao.yaml", 1)):
        files = api.issue([work / "examples" / name], work)[0].files
        docx = next(path for path in files if path.suffix == ".docx")
        ours = next(path for path in files if path.suffix == ".pdf")
        for made, path in (("docx", _as_pdf(docx, work / "lo" / docx.stem)), ("pdf", ours)):
            with pdfplumber.open(path) as pdf:
                pages = [" ".join((page.extract_text() or "").split()) for page in pdf.pages]
            copy_pages = [number for number, text in enumerate(pages) if "Nguyễn Văn Hùng" in text]  # its signer
            signed = [number for number, text in enumerate(pages) if "Đặng Huy Hậu" in text]  # the copied one's
            assert len(copy_pages) == 1 and signed == copy_pages, (name, made, copy_pages, signed)
            assert pages[copy_pages[0]].count("Nơi nhận:") == 1 + blocks, (name, made)


def test_a_draft_copy_s_mark_stands_where_the_model_puts_it(examples_workspace: Path) -> None:
    """The DỰ THẢO mark opening a draft copy's block: ``copy_after_rule`` under the full-width rule, then
    ``stamp_top`` above the mark (a mark opening a cell), then ``stamp_around`` under it — in the PDF and in the
    DOCX as LibreOffice sets it. The PDF dropped the space above the mark (at the top of a cell); the DOCX put the
    block's 6 pt under the mark instead of above it."""
    from correspondence import model as m

    work = examples_workspace
    api.issue([work / "examples" / "cong-van-3018.yaml"], work)
    files = api.draft(work / "examples" / "sao-y.yaml", work / "nhap", work)
    sp, mm = m.Spacing(), 25.4 / 72
    above = (sp.copy_after_rule + sp.stamp_top) * mm
    tops = {}
    for made, path in (("pdf", next(p for p in files if p.suffix == ".pdf")),
                       ("docx", _as_pdf(next(p for p in files if p.suffix == ".docx"), work / "lo"))):
        with pdfplumber.open(path) as pdf:
            page = pdf.pages[-1]
            mark = next(w for w in page.extract_words() if w["text"] == "DỰ")
            rule = max(r["top"] for r in (*page.lines, *page.rects)
                       if (r["x1"] - r["x0"]) * mm > 150 and r["top"] < mark["top"])
            box = min(r["top"] for r in (*page.lines, *page.rects)
                      if rule + 1 < r["top"] < mark["top"] and (r["x1"] - r["x0"]) * mm > 10)
            agency = next(w for w in page.extract_words() if w["text"] == "ỦY" and w["top"] > mark["bottom"])
        assert abs((box - rule) * mm - above) < 0.5, (made, (box - rule) * mm, above)
        tops[made] = (agency["top"] - rule) * mm
    assert abs(tops["pdf"] - tops["docx"]) < 1.0, tops
