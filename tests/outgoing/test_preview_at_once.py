"""A mail merge's preview on Typst lays out many rows in one compile (``render_drafts``): its pages must be exactly
those of each row's own draft — the same text at the same places in the same face and size, the same rules, the same
page sizes and page count — each document starting on a new page with its own page numbers and footnote numbers,
its annexes printed apart following it."""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
import yaml

from correspondence import api
from correspondence import model as m
from correspondence.outgoing.merge import preview
from correspondence.render import drafts_at_once, render_document, render_drafts
from tests.conftest import EXAMPLES, example_data

SENTENCE = ("Ủy ban nhân dân tỉnh yêu cầu các sở, ban, ngành và địa phương khẩn trương rà soát, cập nhật các thủ tục "
            "hành chính thuộc phạm vi quản lý, bảo đảm đúng quy định và công khai trên cổng dịch vụ công của tỉnh.")

CONTACTS = """lien_he:
  dia_chi: Trụ sở Liên cơ quan số 2, phường Hồng Hà, thành phố Hạ Long, tỉnh Quảng Ninh
  dien_thoai: (0203) 3835 555
"""


def _pages(source: bytes | Path) -> list[tuple[Any, ...]]:
    """Each page as what it shows: its size, every glyph (text, place, face without its subset tag, size) and every
    filled bar or line (the rules)."""
    with pdfplumber.open(io.BytesIO(source) if isinstance(source, bytes) else source) as pdf:
        return [(round(float(page.width), 2), round(float(page.height), 2),
                 [(c["text"], round(float(c["x0"]), 2), round(float(c["top"]), 2), c["fontname"].split("+")[-1],
                   round(float(c["size"]), 2)) for c in page.chars],
                 sorted((round(float(r["x0"]), 2), round(float(r["top"]), 2), round(float(r["x1"]), 2),
                         round(float(r["bottom"]), 2)) for r in [*page.rects, *page.lines]))
                for page in pdf.pages]


def _own(documents: list[m.Document], workspace: Path) -> list[tuple[Any, ...]]:
    """The pages of every PDF file each document gives on its own, in order."""
    return [page for document in documents
            for name, data in render_document(document, ("pdf",), workspace).items() if name.endswith(".pdf")
            for page in _pages(data)]


@pytest.fixture
def typst_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORRESPONDENCE_PDF_ENGINE", "typst")


def _documents(root: Path) -> list[m.Document]:
    """Drafts unlike one another: a plan whose annex table is printed apart, then the same plan with its annex at its
    end; a letter of three pages with footnotes and ô 13 (twice: its notes numbered from 1 again); the example
    letter."""
    plan = yaml.safe_load((root / "examples" / "ke-hoach-4498.yaml").read_text("utf-8"))
    plan["phu_luc"][0]["tep_rieng"] = True
    (root / "examples" / "ke-hoach-rieng.yaml").write_text(yaml.safe_dump(plan, allow_unicode=True), "utf-8")
    letter = example_data()
    letter["noi_dung"] = "\n\n".join([f"Thực hiện Quyết định số 09/2019/QĐ-UBND[^1], {SENTENCE}",
                                      *[" ".join([SENTENCE] * 3)] * 14, f"Theo Thông tư[^2] {SENTENCE}",
                                      "[^1]: Quyết định số 09/2019/QĐ-UBND ngày 13/02/2019 của Ủy ban nhân dân tỉnh.",
                                      "[^2]: Thông tư số 02/2017/TT-VPCP ngày 31/10/2017 của Văn phòng Chính phủ."])
    profile = root / "registers" / "ubnd-quang-ninh.yaml"  # ô 13 on page 1 of its documents
    profile.write_text(profile.read_text("utf-8") + CONTACTS, "utf-8")
    (root / "dai.yaml").write_text(yaml.safe_dump(letter, allow_unicode=True), "utf-8")
    records = [root / "examples" / "ke-hoach-rieng.yaml", root / "dai.yaml", root / "examples" / "ke-hoach-4498.yaml",
               root / "dai.yaml", root / "examples" / "cong-van-3018.yaml"]
    return [api.compose(api.load(path, root), None, None) for path in records]


def test_drafts_laid_out_at_once_have_each_draft_s_own_pages(examples_workspace: Path, typst_engine: None) -> None:
    root = examples_workspace
    documents = _documents(root)
    assert drafts_at_once(documents, root)
    own = _own(documents, root)
    together = _pages(render_drafts(documents, "Xem trước", root))
    assert len(own) > len(documents) + 3  # several pages each for some, and an annex file of its own
    assert len(together) == len(own)
    for number, (mine, theirs) in enumerate(zip(together, own, strict=True), 1):
        assert mine == theirs, f"page {number} differs from the draft's own"


def test_a_merge_preview_shows_each_row_s_own_draft(examples_workspace: Path, typst_engine: None) -> None:
    """End to end, in one process and on two: the preview's pages are the rows' own drafts, in row order."""
    root = examples_workspace
    rows = ["kinh_gui,ten"] + [f"Ông Nguyễn Văn {i},ông Nguyễn Văn {i} - Giám đốc Sở {i}" for i in range(7)]
    (root / "khach.csv").write_text("\n".join(rows) + "\n", "utf-8")
    record = root / "examples" / "giay-moi.yaml"
    from correspondence.outgoing.merge import _read, _records

    _root, loaded, _table, rows = _read(record, root / "khach.csv", root, None)
    checked = _records(loaded, rows, 1)
    items = [item for item, _doc in checked]
    own = _own([api.compose(item, None, None) for item in items], root)
    for workers in (1, 2):
        shown = preview(record, root / "khach.csv", root, root / f"xem-{workers}.pdf", workers=workers)
        assert _pages(shown.path) == own
        assert [path.name for path in root.iterdir() if path.name.startswith(".xem-truoc")] == []


def test_an_agency_s_own_template_of_before_lays_out_each_row_apart(examples_workspace: Path,
                                                                    typst_engine: None) -> None:
    """A workspace's own van_ban.typ made before several documents could share a file is not asked to: each row is
    laid out on its own as before, the preview the same pages."""
    root = examples_workspace
    (root / "templates").mkdir()
    shipped = (EXAMPLES.parent / "templates" / "van_ban.typ").read_text("utf-8")
    assert "<doc-start>" in shipped
    shutil.copy(EXAMPLES.parent / "templates" / "van_ban.typ", root / "templates" / "van_ban.typ")
    documents = _documents(root)[-2:]
    assert drafts_at_once(documents, root)
    (root / "templates" / "van_ban.typ").write_text(shipped.replace("<doc-start>", "<bat-dau>"), "utf-8")
    assert not drafts_at_once(documents, root)


def test_rows_unlike_in_their_signature_blocks_keep_each_their_own_pages(examples_workspace: Path,
                                                                        typst_engine: None) -> None:
    """The blocks under the body (Nơi nhận beside the signature) are measured once for the rows alike in them: rows
    whose blocks differ, each body ending where only the shorter blocks still fit under it on page 1, keep each their
    own pages (the taller blocks take the last lines to page 2, the shorter do not)."""
    root = examples_workspace

    def letter(words: int, recipients: int) -> m.Document:
        data = example_data()
        data["noi_dung"] = " ".join((SENTENCE.split() * 40)[:words]) + "."
        data["noi_nhan"] = [f"Sở Ban ngành số {number}" for number in range(recipients)]
        path = root / f"thu-{words}-{recipients}.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
        return api.compose(api.load(path, root), None, None)

    def pages(document: m.Document) -> int:
        (pdf,) = [data for name, data in render_document(document, ("pdf",), root).items() if name.endswith(".pdf")]
        with pdfplumber.open(io.BytesIO(pdf)) as opened:
            return len(opened.pages)

    low, high = 100, 800  # the fewest words that send the taller blocks' letter onto a second page
    assert pages(letter(low, 14)) == 1 and pages(letter(high, 14)) == 2
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if pages(letter(middle, 14)) == 1 else (low, middle)
    tall, short = letter(high, 14), letter(high, 2)
    assert pages(short) == 1  # the shorter blocks still fit under the same body
    for documents, count in (([tall, short, tall], 5), ([short, tall, short], 4)):
        own = _own(documents, root)
        together = _pages(render_drafts(documents, "Xem trước", root))
        assert len(together) == len(own) == count
        for number, (mine, theirs) in enumerate(zip(together, own, strict=True), 1):
            assert mine == theirs, f"page {number} differs from the draft's own"
