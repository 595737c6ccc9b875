"""The PDF, laid out by Typst: the layout of the model, the same bytes every time, the face embedded, a PDF/A-3b
carrying the archival files, a record's text never read as Typst code; the register book and the ĐẾN mark too."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pdfplumber
import pikepdf
import pytest
from click.testing import CliRunner

from correspondence import api
from correspondence.compose.archival import canonical
from correspondence.render.typst import render_typst
from correspondence.validate import self_contained
from tests.conftest import EXAMPLE_RECORD, EXAMPLES, ROOT
from tests.render.test_pdfa import attached, structural_problems

MM = 72 / 25.4


def _pdf(tmp_path: Path, record: Path = EXAMPLE_RECORD) -> Path:
    (path,) = api.render(record, 3018, None, tmp_path / "pdf", ROOT, ("pdf",))
    return path


def _first(words: list[dict[str, Any]], text: str) -> dict[str, Any]:
    return next(w for w in words if w["text"] == text)


@pytest.fixture(scope="module")
def cong_van(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The công văn's PDF."""
    return _pdf(tmp_path_factory.mktemp("cong-van"))


def test_the_cong_van_reads_in_order(cong_van: Path) -> None:
    """The header, the body and the signature in the order of the model, on two pages."""
    with pdfplumber.open(cong_van) as pdf:
        texts = [page.extract_text().split() for page in pdf.pages]
    first = " ".join(texts[0])
    for part in ("ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                 "Số: 3018/UBND-XD6", "Quảng Ninh, ngày 07 tháng 5 năm 2019", "V/v rà soát", "Kính gửi:"):
        assert part in first
    last = " ".join(texts[-1])
    assert last.index("Nơi nhận:") < last.index("TM. ỦY BAN NHÂN DÂN") < last.index("Đặng Huy Hậu")


def test_the_header_has_a_rule_under_the_agency_and_one_under_the_tieu_ngu(cong_van: Path) -> None:
    with pdfplumber.open(cong_van) as pdf:
        rules = [r for r in pdf.pages[0].rects if r["height"] < 1.5]
    assert len(rules) == 2, "a rule under the agency and one under the Tiêu ngữ"


def test_page_numbers_from_page_two_centred_at_the_top(cong_van: Path) -> None:
    with pdfplumber.open(cong_van) as pdf:
        assert len(pdf.pages) == 2
        top = [w for w in pdf.pages[0].extract_words() if w["top"] < 20 * MM]
        assert top == [], "no number on page 1"
        number = _first(pdf.pages[1].extract_words(), "2")
        assert number["top"] < 20 * MM
        centre = (30 + (210 - 15)) / 2 * MM  # the text area's middle (margins 30 and 15 mm)
        assert abs((number["x0"] + number["x1"]) / 2 - centre) < MM


def test_the_body_is_justified_with_its_first_line_indented(cong_van: Path) -> None:
    with pdfplumber.open(cong_van) as pdf:
        lines = pdf.pages[0].extract_text_lines()
    start = next(i for i, line in enumerate(lines) if line["text"].startswith("Xét đề nghị"))
    left, right = lines[start + 1]["x0"], lines[start + 1]["x1"]
    assert abs(left - 30 * MM) < 1 and abs(right - (210 - 15) * MM) < 1, "justified to both margins"
    assert abs(lines[start]["x0"] - left - 10 * MM) < 1, "the first line indented 10 mm"


def test_the_same_record_gives_the_same_bytes(build: Callable[..., Any], make_record: Callable[..., Path],
                                              workspace: Path) -> None:
    document = build(make_record())
    first = render_typst(document, workspace)
    assert render_typst(build(make_record()), workspace) == first
    with pikepdf.open(io.BytesIO(first)) as pdf:
        assert str(pdf.docinfo["/CreationDate"]).startswith("D:20190506170000")  # 07/05/2019, the agency's midnight


def test_the_face_is_embedded_and_nothing_else(cong_van: Path) -> None:
    with pikepdf.open(cong_van) as pdf:
        names = set()
        for page in pdf.pages:
            for font in page.Resources.Font.values():
                descriptor = font.DescendantFonts[0].FontDescriptor
                assert "/FontFile2" in descriptor or "/FontFile3" in descriptor
                assert "/ToUnicode" in font
                names.add(str(font.BaseFont).split("+", 1)[1])
    assert "LiberationSerif" in names and names <= {"LiberationSerif", "LiberationSerif-Bold",
                                                    "LiberationSerif-Italic", "LiberationSerif-BoldItalic"}


def test_an_archival_original_carrying_the_record_and_its_metadata(cong_van: Path) -> None:
    path = cong_van
    assert structural_problems(path) == []
    files = attached(path)
    loaded = api.load(EXAMPLE_RECORD, ROOT)
    assert files["ban-ghi.json"] == ("/Source", canonical(self_contained(loaded)))
    relationship, raw = files["sieu-du-lieu.json"]
    fields = json.loads(raw)
    assert relationship == "/Data" and fields["PageAmount"] == 2 and fields["CodeNumber"] == "3018"
    with pikepdf.open(path) as pdf:
        assert str(pdf.docinfo["/Title"]) == api.compose(loaded, 3018, None).metadata.title


def test_the_annex_prints_landscape_numbered_apart_its_table_travelling_as_csv(tmp_path: Path) -> None:
    path = _pdf(tmp_path, EXAMPLES / "ke-hoach-4498.yaml")
    assert structural_problems(path) == []
    tables = [name for name in attached(path) if name.endswith(".csv")]
    assert tables
    with pdfplumber.open(path) as pdf:
        text = "\n".join(page.extract_text() for page in pdf.pages)
        assert "KẾ HOẠCH" in text and "Phụ lục" in text and "DANH MỤC DỊCH VỤ CÔNG TRỰC TUYẾN MỨC ĐỘ 3" in text
        numbers = [[w["text"] for w in page.extract_words() if w["top"] < 20 * MM] for page in pdf.pages]
        sizes = [(round(float(page.width)), round(float(page.height))) for page in pdf.pages]
    assert sizes[-1][0] > sizes[-1][1], "the wide annex on a landscape page"
    assert numbers == [[], ["2"], ["3"], ["4"], []], "the annex numbered apart"


TRICKY = r"# [ ] $ \ * _ < @ #set page(width: 1cm) #panic(\"x\") $x^2$ <label> @ref `code` // /* */"


def test_a_record_s_text_is_never_read_as_typst(build: Callable[..., Any], make_record: Callable[..., Path],
                                                workspace: Path) -> None:
    """Every sign Typst reads as markup or code prints as typed, in the trích yếu and in the body."""
    body = TRICKY.replace("*", "")  # a lone * is the record's own emphasis mark, refused unclosed
    document = build(make_record(trich_yeu=f"thử {TRICKY}", noi_dung=f"Nội dung {body}.\n\nĐoạn **đậm** và *nghiêng*."))
    with pdfplumber.open(io.BytesIO(render_typst(document, workspace))) as pdf:
        text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
        width = float(pdf.pages[0].width)
    assert abs(width - 210 * MM) < 1, "no page setting of the record took effect"
    assert f"V/v thử {' '.join(TRICKY.split())}" in text
    for part in ("Nội dung # [ ] $", "#set page(width: 1cm) #panic(", "$x^2$ <label> @ref `code` //",
                 "Đoạn đậm và nghiêng."):
        assert part in text


def test_the_pdf_is_made_by_typst_whatever_the_workspace_says(make_record: Callable[..., Path],
                                                               workspace: Path) -> None:
    from correspondence.cli import main

    record = make_record()

    def creator(folder: str) -> str:
        result = CliRunner().invoke(main, ["draft", str(record), "-f", "pdf", "-o", folder])
        assert result.exit_code == 0, result.output
        (pdf,) = (workspace / folder).glob("*.pdf")
        with pikepdf.open(pdf) as opened:
            return str(opened.docinfo.get("/Creator", "")) + str(opened.docinfo.get("/Producer", ""))

    assert "Typst" in creator("mac-dinh")
    (workspace / "registers" / "config.yaml").write_text("pdf_engine: typst\n", "utf-8")
    assert "Typst" in creator("cau-hinh")


def test_an_unknown_engine_is_refused_before_a_number_is_taken(make_record: Callable[..., Path], workspace: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from correspondence.cli import main

    api.register_init(workspace, "ubnd-quang-ninh")
    monkeypatch.setenv("CORRESPONDENCE_PDF_ENGINE", "latex")
    result = CliRunner().invoke(main, ["issue", str(make_record())])
    assert result.exit_code != 0
    assert "không có công cụ dàn trang PDF 'latex'" in result.output
    assert list(workspace.glob("**/*.pdf")) == []
    assert api.register_list(workspace) == []


def test_the_register_book_is_drawn(make_record: Callable[..., Path], workspace: Path) -> None:
    """The framed cover and the landscape table (its header rows, a number kept on one line, a long token wrapped
    inside its column)."""
    from correspondence.outgoing import issue
    from correspondence.outgoing import registry as service

    api.register_init(workspace, "ubnd-quang-ninh")
    issue([make_record("a.yaml"), make_record("b.yaml", noi_nhan=["Như trên", "Sở " + "X" * 60, "Lưu: VT"])],
          workspace, lai=True)
    path = service.export(workspace, 2019, "pdf")
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == 2
        cover, table_page = pdf.pages
        assert cover.width < cover.height and table_page.width > table_page.height, "a portrait cover, landscape table"
        table = table_page.extract_table()
        right = max(w["x1"] for w in table_page.extract_words())
    assert [row[0] for row in table[2:]] == ["01/UBND-XD6", "02/UBND-XD6"]
    assert right < (297 - 15) * MM, "the long token wraps inside its column"


def test_a_register_book_measures_only_the_cells_that_need_it(make_record: Callable[..., Path], workspace: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the cells with a word maybe wider than its column are measured word by word (a long register's time and
    memory went to measuring every cell); the book is the same PDF as when every cell is measured, its long token
    still wrapped inside its column and its numbers on one line."""
    from correspondence.outgoing import issue
    from correspondence.render import typst

    api.register_init(workspace, "ubnd-quang-ninh")
    issue([make_record("a.yaml"), make_record("b.yaml", noi_nhan=["Như trên", "Sở " + "X" * 60, "Lưu: VT"]),
           make_record("c.yaml", trich_yeu="về việc thực hiện Nghị định 30/2020/NĐ-CP và Thông tư 01/2011/TT-BNV")],
          workspace, lai=True)
    fits: list[Any] = []
    original = typst._book_fit
    monkeypatch.setattr(typst, "_book_fit", lambda book: fits.append(original(book)) or fits[-1])
    measured_apart = typst_book(workspace)
    monkeypatch.setattr(typst, "_book_fit", lambda book: None)
    every_cell = typst_book(workspace)
    assert measured_apart == every_cell
    (fit,) = fits
    assert [4] in fit and fit.count([]) >= 2, fit  # the Nơi nhận of b, with its long token; nothing else


def typst_book(workspace: Path) -> bytes:
    """The register book of 2019 as PDF (the file removed: the next export writes it again)."""
    from correspondence.outgoing import registry as service

    path = service.export(workspace, 2019, "pdf")
    data = path.read_bytes()
    path.unlink()
    return data


def test_the_den_mark_stands_where_it_is_placed(workspace: Path) -> None:
    """The box inside its edges at the place found on page 1 (under the date line of the công văn), its lines inside
    it, the page under it kept; the place follows the model's size."""
    from correspondence import model as m
    from correspondence.render.mark import stamp_den

    received = _pdf(workspace).read_bytes()
    for width, height in ((50.0, 35.0), (60.0, 40.0)):
        dau = m.DauDen(co_quan="UBND", so="12", ngay="07/05/2019", chuyen="Phòng Tổng hợp", ho_so="01/HS",
                       width=width, height=height)
        stamped, place = stamp_den(received, dau, workspace)
        with pdfplumber.open(io.BytesIO(stamped)) as pdf:
            page = pdf.pages[0]
            words = page.extract_words(extra_attrs=["size"])
        outer = place.left * MM, place.top * MM, (place.left + width) * MM, (place.top + height) * MM
        box = min((r for r in page.rects if abs(r["width"] - width * MM) < 2 and abs(r["height"] - height * MM) < 2),
                  key=lambda r: abs(r["x0"] - outer[0]) + abs(r["top"] - outer[1]))  # a ring has two edges
        inner = (box["x0"], box["top"], box["x1"], box["bottom"])
        assert all(abs(a - b) <= 0.5 + 0.01 for a, b in zip(outer, inner, strict=True)), (outer, inner)
        mark = [w for w in words if outer[0] < w["x0"] < outer[2] and outer[1] < w["top"] < outer[3]
                and round(w["size"]) == dau.size]
        text = " ".join(w["text"] for w in mark)
        assert "ĐẾN Số: 12 Ngày: 07/05/2019 Chuyển: Phòng Tổng hợp Số và ký hiệu HS: 01/HS" in text
        assert min(w["x0"] for w in mark if w["text"] == "Số:") == pytest.approx(outer[0] + 1 + 2 * MM, abs=0.5)
        assert "ỦY" in [w["text"] for w in words], "the page under the mark is kept"


FRESH = """
import pickle, sys
from correspondence.render import typst
documents, root = pickle.loads(sys.stdin.buffer.read())
out = []
for document in documents:
    typst._ROOMS.clear()  # each laid out as the first document of its process
    out.append(typst.render_typst(document, root))
sys.stdout.buffer.write(pickle.dumps(out))
"""


def test_a_document_laid_out_after_others_alike_has_the_bytes_it_has_alone(examples_workspace: Path) -> None:
    """A process laying out many documents whose blocks under the body (signature, Nơi nhận) are alike — a merge's
    worker, the desk — measures those blocks once and gives the next documents their height: every PDF is still
    byte for byte the one a process that laid out nothing before makes."""
    import pickle
    import subprocess
    import sys

    from correspondence.render import typst

    names = ["cong-van-3018", "giay-moi", "quyet-dinh", "bien-ban", "ke-hoach-4498", "cong-dien"]
    documents = [api.compose(api.load(examples_workspace / "examples" / f"{name}.yaml", examples_workspace), 7, None)
                 for name in names]
    fresh = pickle.loads(subprocess.run(
        [sys.executable, "-c", FRESH], input=pickle.dumps((documents, examples_workspace)), capture_output=True,
        check=True, cwd=examples_workspace, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}).stdout)
    typst._ROOMS.clear()
    for name, document, alone in zip(names, documents, fresh, strict=True):
        for _time in range(3):  # measured as laid out; measured apart; given
            assert render_typst(document, examples_workspace) == alone, name
    assert sum(room is not None for room in typst._ROOMS.values()) >= 2  # the blocks of several kinds were given


def test_an_agency_s_template_changed_while_the_desk_runs_is_measured_again(examples_workspace: Path) -> None:
    """The height of the blocks under the body is known per template as it reads: an agency editing its own
    templates/van_ban.typ between two documents (here, a taller signature block) gets the layout of the new one —
    the block takes the last lines of the body to the next page where it no longer fits."""
    import pickle
    import subprocess
    import sys

    import yaml

    from correspondence.render import typst
    from tests.render.test_typst_pagination import SENTENCE, WORDS

    own = examples_workspace / "templates" / "van_ban.typ"
    own.parent.mkdir()
    own.write_text((ROOT / "templates" / "van_ban.typ").read_text("utf-8"), "utf-8")
    record = examples_workspace / "examples" / "cong-van-3018.yaml"
    fields = yaml.safe_load(record.read_text("utf-8"))
    documents = []
    for extra in range(0, 30, 6):  # the body's end lower and lower on its page
        text = "\n\n".join([SENTENCE] * 4 + [" ".join((WORDS * 4)[:extra * 3 + 1])] + [" ".join([SENTENCE] * 2)])
        record.write_text(yaml.safe_dump({**fields, "noi_dung": text}, allow_unicode=True), "utf-8")
        documents.append(api.compose(api.load(record, examples_workspace), 7, None))
    typst._ROOMS.clear()
    before = [render_typst(documents[0], examples_workspace) for _time in range(2)]  # its blocks' height now known
    own.write_text(own.read_text("utf-8").replace("let tail-of() = {", "let tail-of() = {\n    v(40mm)"), "utf-8")
    after = [render_typst(document, examples_workspace) for document in documents]
    fresh = pickle.loads(subprocess.run(
        [sys.executable, "-c", FRESH], input=pickle.dumps((documents, examples_workspace)), capture_output=True,
        check=True, cwd=examples_workspace, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}).stdout)
    assert before[0] != after[0]
    assert after == fresh


def test_the_data_is_not_kept_while_typst_lays_it_out(build: Callable[..., Any], make_record: Callable[..., Path],
                                                      workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Typst gets the document as JSON text, and the data it was made from is dropped first: a long table's data
    would otherwise stay beside Typst's own layout of it (a 5,000-row annex: some 4 MB over its memory line)."""
    import gc

    from correspondence.render import typst

    held: list[int] = []
    compile_marked = typst._compile_marked

    def watched(name: str, data: Any, *args: Any, **kwargs: Any) -> Any:
        gc.collect()
        held.append(sum(1 for item in gc.get_objects() if isinstance(item, dict) and "derived" in item and "doc" in item))
        return compile_marked(name, data, *args, **kwargs)

    typst._ROOMS.clear()  # laid out as a first document: its blocks are not measured apart
    monkeypatch.setattr(typst, "_compile_marked", watched)
    render_typst(build(make_record()), workspace)
    assert held == [0]
