"""Every PDF is an archival original: PDF/A-3b in structure (XMP identification, an sRGB output intent, every font
embedded with its ToUnicode map, no encryption, no JavaScript) carrying the record it was made from (Source), the
document metadata of ND 30 PL VI and its annex tables (Data). veraPDF checks it too where a ``verapdf`` command is
installed."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from correspondence import api, kinds
from correspondence.compose.archival import canonical
from correspondence.validate import self_contained
from tests.pages import ROOT, examples


def structural_problems(path: Path) -> list[str]:
    """What keeps ``path`` from being a PDF/A-3b, as far as its structure shows."""
    problems = []
    with pikepdf.open(path) as pdf:
        if pdf.is_encrypted or "/Encrypt" in pdf.trailer:
            problems.append("encrypted")
        meta = pdf.open_metadata()
        if (meta.get("pdfaid:part"), meta.get("pdfaid:conformance")) != ("3", "B"):
            problems.append(f"XMP identification {meta.get('pdfaid:part')}{meta.get('pdfaid:conformance')}")
        intents = pdf.Root.get("/OutputIntents")
        if not intents or intents[0].get("/S") != "/GTS_PDFA1":
            problems.append("no PDF/A output intent")
        else:
            profile = intents[0].DestOutputProfile
            if profile.read_bytes()[36:40] != b"acsp" or int(profile.get("/N")) != 3:
                problems.append("the output intent is not an RGB ICC profile")
        names = pdf.Root.get("/Names")
        if names is not None and "/JavaScript" in names:
            problems.append("JavaScript")
        if "/OpenAction" in pdf.Root or "/AA" in pdf.Root:
            problems.append("an action on opening")
        for number, page in enumerate(pdf.pages, 1):
            for name, font in (page.Resources.get("/Font") or {}).items():
                descendants = font.get("/DescendantFonts")
                descriptor = (descendants[0] if descendants else font).get("/FontDescriptor")
                if descriptor is None or not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    problems.append(f"page {number}: font {name} not embedded")
                if "/ToUnicode" not in font:
                    problems.append(f"page {number}: font {name} without ToUnicode")
        if "/AF" not in pdf.Root:
            problems.append("no associated files")
        for spec in pdf.Root.get("/AF", []):
            if spec.get("/AFRelationship") not in ("/Source", "/Data", "/Supplement", "/Alternative", "/Unspecified"):
                problems.append(f"{spec.get('/F')}: relationship {spec.get('/AFRelationship')}")
            stream = spec.EF.F
            if "/Subtype" not in stream or "/ModDate" not in stream.get("/Params", {}):
                problems.append(f"{spec.get('/F')}: no MIME type or modification date")
    return problems


def attached(path: Path) -> dict[str, tuple[str, bytes]]:
    """Each associated file: its relationship and bytes."""
    with pikepdf.open(path) as pdf:
        return {str(spec.F): (str(spec.AFRelationship), spec.EF.F.read_bytes()) for spec in pdf.Root.AF}


@pytest.mark.slow
@pytest.mark.parametrize("record", examples(), ids=lambda path: path.stem)
def test_every_example_is_an_archival_original(record: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORRESPONDENCE_FONTS", "bundled")
    (pdf, *annexes) = sorted(api.render(record, 12, None, tmp_path, ROOT, ("pdf",)), key=lambda p: len(p.name))
    assert structural_problems(pdf) == []
    files = attached(pdf)
    loaded = api.load(record, ROOT)
    assert files["ban-ghi.json"] == ("/Source", canonical(self_contained(loaded)))
    relationship, raw = files["sieu-du-lieu.json"]
    fields: dict[str, Any] = json.loads(raw)
    with pikepdf.open(pdf) as opened:
        pages = len(opened.pages)
    assert relationship == "/Data" and fields["PageAmount"] == pages
    assert fields["CodeNumber"] == "12" and fields["TypeName"] == kinds.BY_CODE[loaded.record.loai].ten
    assert fields["OrganName"] == " ".join(loaded.agency.ten_co_quan) and fields["Language"] == "Tiếng Việt"
    for annex in loaded.annexes:
        tables = [name for name in files if name.endswith(".csv")]
        assert tables, "each annex table travels as CSV"
        rows = list(csv.reader(io.StringIO(files[tables[0]][1].decode("utf-8-sig"))))
        assert len(rows) >= len(annex.rows)
    for separate in annexes:  # an annex printed apart: a PDF/A too (its table travels with the main document)
        assert set(structural_problems(separate)) <= {"no associated files"}
    if shutil.which("verapdf"):
        report = subprocess.run(["verapdf", "--flavour", "3b", str(pdf)], capture_output=True, text=True, check=False)
        assert 'isCompliant="true"' in report.stdout, report.stdout[-2000:]


def test_an_issued_original_carries_the_record_the_register_keeps(make_record: Any, workspace: Path) -> None:
    from correspondence.outgoing import issue
    from correspondence.outgoing import registry as service

    (done,) = issue([make_record("cv.yaml")], workspace, formats=("pdf",))
    pdf = done.files[0]
    assert structural_problems(pdf) == []
    stored = json.loads(service.show(workspace, done.entry.so_ky_hieu).record_json or "{}")
    assert json.loads(attached(pdf)["ban-ghi.json"][1]) == stored
    fields = json.loads(attached(pdf)["sieu-du-lieu.json"][1])
    assert fields["IssuedDate"] == dt_text(done.entry.ngay) and fields["CodeNotation"] == "UBND-XD6"
    assert fields["SignerInfo"] == {"Position": "PHÓ CHỦ TỊCH", "FullName": "Đặng Huy Hậu"}


def dt_text(iso: str) -> str:
    year, month, day = iso[:10].split("-")
    return f"{day}/{month}/{year}"


def test_a_broken_archival_pdf_is_caught(tmp_path: Path) -> None:
    """The structural check fails on a PDF that is not PDF/A (it can fail)."""
    plain = pikepdf.new()
    plain.add_blank_page()
    path = tmp_path / "plain.pdf"
    plain.save(path)
    assert set(structural_problems(path)) >= {"XMP identification NoneNone", "no PDF/A output intent",
                                              "no associated files"}
