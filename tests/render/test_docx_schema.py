"""Every DOCX the project writes validates against the WordprocessingML schema (ECMA-376 / ISO/IEC 29500 transitional,
as Word 2010 and later read it): element order and cardinality, attribute names and values, relationships.

The validator is openxml-audit, a port of the Open XML SDK's schema validation (the check Word's own tooling applies),
with the SDK's schema data: Word refuses, or "repairs", a file whose property elements are out of sequence or
repeated, where LibreOffice and python-docx read it silently.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openxml_audit import FileFormat, OpenXmlValidator

from correspondence import api, incoming
from correspondence.render.docx import render_docx
from tests.conftest import EXAMPLES, ROOT
from tests.digest import NEEDS_REGISTER

# The oldest Word the offices still run: ISO/IEC 29500 transitional, the schema Word 2010 and later write.
VALIDATOR = OpenXmlValidator(file_format=FileFormat.OFFICE_2010, max_errors=20)


def schema_problems(path: Path) -> list[str]:
    """What the WordprocessingML schema refuses in a package: part, element path and the schema's reason."""
    result = VALIDATOR.validate(path)
    return [f"{path.name}:{error.part_uri}:{error.path}: {error.description}" for error in result.errors]


@pytest.mark.slow
def test_every_example_docx_is_valid(tmp_path: Path) -> None:
    problems: list[str] = []
    records = sorted([*EXAMPLES.glob("*.yaml"), *(EXAMPLES / "loai").glob("*.yaml")])
    for record in records:
        if record.name in NEEDS_REGISTER:
            continue  # made from the register's entries (below)
        for path in api.render(record, 12, None, tmp_path / record.stem, ROOT, ("docx",)):
            problems += schema_problems(path)
    assert problems == []


@pytest.mark.slow
def test_issued_copies_annexes_and_the_registers_are_valid(examples_workspace: Path) -> None:
    work = examples_workspace
    examples = work / "examples"
    files: list[Path] = []
    for name in ("cong-van-3018.yaml", "sao-y.yaml", "sao-luc.yaml", "trich-sao.yaml", "ke-hoach-4498.yaml"):
        issued = api.issue([examples / name], work)[0]
        files += issued.files
    files += api.annex(work, issued.entry.so_ky_hieu, examples / "ke-hoach-4498" / "danh-muc.csv",
                       examples / "ke-hoach-4498" / "bang.yaml", agency="ubnd-ninh-thuan")
    files.append(api.register_export(work, 2019, "docx", "ubnd-quang-ninh"))
    received = next(path for path in files if path.suffix == ".pdf")
    incoming.receive(work, received, "Sở Nội vụ", "12/SNV-VP", "02/05/2019", "Về lịch họp",
                      ngay_den=dt.date(2019, 5, 8), agency="ubnd-quang-ninh")
    files.append(incoming.export(work, 2019, "docx", agency="ubnd-quang-ninh"))
    docx = [path for path in files if path.suffix == ".docx"]
    assert len(docx) >= 8
    assert [problem for path in docx for problem in schema_problems(path)] == []


@pytest.mark.slow
def test_a_quy_che_issued_with_its_quyet_dinh_is_valid(examples_workspace: Path) -> None:
    work = examples_workspace
    files = api.issue([work / "examples" / "quyet-dinh.yaml"], work)[0].files
    files += api.render(work / "examples" / "quy-che-kem-quyet-dinh.yaml", 1, None, work / "output" / "quy-che", work,
                        ("docx",))
    assert [problem for path in files if path.suffix == ".docx" for problem in schema_problems(path)] == []


def test_two_annexes_and_a_body_table_are_valid(build: Callable[..., Any], make_record: Callable[..., Path],
                                                tmp_path: Path) -> None:
    """The case the schema once refused: a document with two annexes (one pgNumType per section), and a body table."""
    table = {"cot": [{"ten": "Tên", "khoa": "ten"}, {"ten": "Ghi chú", "khoa": "ghi_chu"}]}
    annexes = [{"tieu_de": f"Bảng {i}", "bang": table, "du_lieu": [{"ten": "A\nB", "ghi_chu": "x@y.vn"}]}
               for i in (1, 2)]
    body = "Nội dung:\n| Cột 1 | Cột 2 |\n| a | b |\nTrân trọng."
    path = tmp_path / "hai-phu-luc.docx"
    path.write_bytes(render_docx(build(make_record(phu_luc=annexes, noi_dung=body))))
    assert zipfile.ZipFile(path).read("word/document.xml").count(b"<w:pgNumType") == 2
    assert schema_problems(path) == []


def test_the_check_finds_what_word_refuses(build: Callable[..., Any], make_record: Callable[..., Path],
                                           tmp_path: Path) -> None:
    """The check itself fails on a repeated element, an element out of its sequence and a value outside its list."""
    good = render_docx(build(make_record()))
    xml = zipfile.ZipFile(io.BytesIO(good)).read("word/document.xml").decode()
    last = xml.rindex("<w:sectPr")
    bad = {
        "repeated": xml[:last] + xml[last:].replace("<w:pgMar", '<w:pgNumType w:start="1"/><w:pgNumType/><w:pgMar', 1),
        "order": xml.replace('<w:jc w:val="center"/>', "", 1).replace("<w:pPr>", '<w:pPr><w:jc w:val="left"/>'
                                                                    '<w:spacing w:before="0"/>', 1),
        "value": xml.replace('w:val="center"', 'w:val="middle"', 1),
    }
    for name, text in bad.items():
        path = tmp_path / f"{name}.docx"
        with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
            for part in source.namelist():
                out.writestr(part, text.encode() if part == "word/document.xml" else source.read(part))
        assert schema_problems(path), name
    (tmp_path / "good.docx").write_bytes(good)
    assert schema_problems(tmp_path / "good.docx") == []


def test_the_extended_properties_name_the_tool_and_claim_no_count(tmp_path: Path) -> None:
    """docProps/app.xml said what python-docx's blank document says: made by "Microsoft Macintosh Word" 14, one page,
    no word — of a three-page công văn, read so by an archive or a file manager. It names the tool and claims no
    count (Word counts them again on saving)."""
    from lxml import etree

    (docx,) = api.render(EXAMPLES / "cong-van-3018.yaml", 12, None, tmp_path, ROOT, ("docx",))
    with zipfile.ZipFile(docx) as package:
        app = etree.fromstring(package.read("docProps/app.xml"))
    names = {etree.QName(child).localname: (child.text or "") for child in app}
    assert names.get("Application") == "correspondence", names
    assert not {"Pages", "Words", "Characters", "Lines", "Paragraphs", "CharactersWithSpaces"} & set(names), names
    assert "Microsoft" not in etree.tostring(app).decode()
