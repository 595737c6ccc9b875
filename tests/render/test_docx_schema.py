"""Every DOCX the project writes keeps WordprocessingML's element order (ECMA-376 Part 1, §17): Word refuses a file
whose property elements are out of sequence or repeated, where LibreOffice and python-docx read it silently.

The sequences below are the schema's own (``CT_PPrBase``, ``CT_PPr``, ``EG_RPrBase``, ``CT_SectPr``, ``CT_TblPr``,
``CT_TcPr``, ``CT_PBdr``, ``CT_TblBorders``) for the containers the renderers write.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from correspondence import api
from tests.conftest import EXAMPLES, ROOT

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SEQUENCES = {
    "pPr": ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
            "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
            "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
            "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
            "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"),
    "rPr": ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
            "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w",
            "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign",
            "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath"),
    "sectPr": ("headerReference", "footerReference", "footnotePr", "endnotePr", "type", "pgSz", "pgMar",
               "paperSrc", "pgBorders", "lnNumType", "pgNumType", "cols", "formProt", "vAlign", "noEndnote",
               "titlePg", "textDirection", "bidi", "rtlGutter", "docGrid", "printerSettings", "sectPrChange"),
    "tblPr": ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
              "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook",
              "tblCaption", "tblDescription"),
    "tcPr": ("cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
             "textDirection", "tcFitText", "vAlign", "hideMark"),
    "pBdr": ("top", "left", "bottom", "right", "between", "bar"),
    "tblBorders": ("top", "left", "start", "bottom", "right", "end", "insideH", "insideV"),
}
REPEATABLE = {("sectPr", "headerReference"), ("sectPr", "footerReference")}


def schema_problems(path: Path) -> list[str]:
    """Every element out of its schema sequence, or repeated where the schema allows one, in the package's parts."""
    problems = []
    with zipfile.ZipFile(path) as package:
        for name in package.namelist():
            if not (name.startswith("word/") and name.endswith(".xml")):
                continue
            root = etree.fromstring(package.read(name))
            for container, order in SEQUENCES.items():
                for element in root.iter(f"{W}{container}"):
                    children = [etree.QName(child).localname for child in element if isinstance(child.tag, str)]
                    known = [child for child in children if child in order]
                    positions = [order.index(child) for child in known]
                    if positions != sorted(positions):
                        problems.append(f"{path.name}:{name}: <{container}> out of order: {known}")
                    repeated = {c for c in known if known.count(c) > 1 and (container, c) not in REPEATABLE}
                    if repeated:
                        problems.append(f"{path.name}:{name}: <{container}> repeats {sorted(repeated)}")
    return problems


@pytest.mark.slow
def test_every_example_docx_keeps_the_schemas_order(tmp_path: Path) -> None:
    problems: list[str] = []
    for record in sorted([*EXAMPLES.glob("*.yaml"), *(EXAMPLES / "loai").glob("*.yaml")]):
        if record.name in ("sao-y.yaml", "sao-luc.yaml", "trich-sao.yaml", "quy-che-kem-quyet-dinh.yaml"):
            continue
        for path in api.render(record, 12, None, tmp_path / record.stem, ROOT, ("docx",)):
            problems += schema_problems(path)
    assert problems == []


def test_issued_copies_annexes_and_the_register_keep_the_schemas_order(examples_workspace: Path) -> None:
    tmp_path = examples_workspace
    files: list[Path] = []
    for name in ("cong-van-3018.yaml", "sao-y.yaml", "sao-luc.yaml", "trich-sao.yaml"):
        files += api.issue([tmp_path / "examples" / name], tmp_path)[0].files
    files.append(api.register_export(tmp_path, 2019, "docx", "ubnd-quang-ninh"))
    problems = [problem for path in files if path.suffix == ".docx" for problem in schema_problems(path)]
    assert problems == []


def test_the_check_finds_what_word_refuses(tmp_path: Path) -> None:
    """The check itself fails on a misplaced and on a repeated element."""
    body = ('<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
            '<w:p><w:pPr><w:jc w:val="center"/><w:spacing w:before="0"/></w:pPr></w:p>'
            '<w:sectPr><w:pgNumType w:start="1"/><w:pgNumType w:start="1"/></w:sectPr></w:body></w:document>')
    path = tmp_path / "bad.docx"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("word/document.xml", body)
    assert schema_problems(path) == ["bad.docx:word/document.xml: <pPr> out of order: ['jc', 'spacing']",
                                     "bad.docx:word/document.xml: <sectPr> repeats ['pgNumType']"]
