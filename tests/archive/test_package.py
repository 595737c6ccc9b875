"""Hand-over packages: the PDF/A originals of a hồ sơ in date order with their metadata (XML and a JSON twin) and a
sealed manifest; 'package check' finds any file missing, extra or changed, anywhere, without the register."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner

from correspondence.archive import hoso, package
from correspondence.cli import main
from correspondence.errors import UsageError
from correspondence.outgoing import issue
from correspondence.outgoing import registry as service


def _filed(make_record: Callable[..., Path], workspace: Path, code: str | None = "H49.64") -> None:
    """A closed hồ sơ of two documents, the agency's profile giving its mã định danh (``code``)."""
    if code is not None:
        profile = workspace / "registers" / "ubnd-quang-ninh.yaml"
        profile.write_text(profile.read_text("utf-8") + f"ma_dinh_danh: {code}\n", "utf-8")
    service.init(workspace, "ubnd-quang-ninh")
    hoso.create(workspace, "01.XD", "Hồ sơ rà soát dịch vụ công", "10", 2019)
    issue([make_record("b.yaml", trich_yeu="V/v thứ hai")], workspace, dt.date(2019, 5, 9), ho_so="01.XD")
    issue([make_record("a.yaml")], workspace, dt.date(2019, 5, 9))
    hoso.add(workspace, "01.XD", "02/UBND-XD6")
    hoso.close(workspace, "01.XD")


def test_a_package_holds_the_originals_in_order_and_checks_clean(make_record: Callable[..., Path],
                                                                 workspace: Path) -> None:
    _filed(make_record, workspace)
    out, count, documents = package.export(workspace, workspace / "goi-01-XD", "01.XD")
    assert (count, documents) == (1, 2)
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    base = next(f for f in files if f.startswith("uuid-")).split("/")[0]
    assert files[:2] == ["manifest-sha256.txt", "manifest-sha256.txt.sha256"]
    pdfs = [f for f in files if f.endswith(".pdf")]
    assert pdfs == [f"{base}/representations/rep1/data/H49.64.2019.01.XD.000000{n}.pdf" for n in (1, 2)]
    assert len(pdfs) == 2 and pdfs == sorted(pdfs)
    metadata = [json.loads((out / f).read_text("utf-8")) for f in files if "EAD_DOC_" in f and f.endswith(".json")]
    assert [(m["codeNumber"], m["codeNotation"], m["issuedDate"]) for m in metadata] == [
        ("01", "UBND-XD6", "09/05/2019"), ("02", "UBND-XD6", "09/05/2019")]
    first_pdf = (out / pdfs[0]).read_bytes()
    assert first_pdf == (workspace / "output" / "ubnd-quang-ninh" / "2019" / "01-UBND-XD6.pdf").read_bytes()
    ead = ET.parse(out / base / "metadata" / "descriptive" / "EAD.xml").getroot()
    assert (ead.tag, ead.findtext("title"), ead.findtext("totalDoc"), ead.findtext("maintenance")) == (
        "simpledc", "Hồ sơ rà soát dịch vụ công", "2", "06")
    twin = json.loads((out / base / "metadata" / "descriptive" / "ho-so.json").read_text("utf-8"))
    assert all(ead.findtext(key) == ("" if value is None else str(value)) for key, value in twin.items())
    mets = ET.parse(out / base / "METS.xml").getroot()
    listed = {f.find("{http://www.loc.gov/METS/}FLocat").get("{http://www.w3.org/1999/xlink}href"): f.get("CHECKSUM")
              for f in mets.iter("{http://www.loc.gov/METS/}file")}
    import hashlib

    assert mets.get("TYPE") == "Mixed" and len(listed) == len([f for f in files if f.startswith(base)]) - 1
    assert all(hashlib.sha256((out / base / path).read_bytes()).hexdigest().upper() == digest
               for path, digest in listed.items()), "the METS fileSec lists every file with its SHA-256"
    assert (out / base / "representations" / "rep1" / "METS.xml").is_file()
    assert package.check(out).problems == []
    with pytest.raises(UsageError):
        package.export(workspace, workspace / "goi-01-XD", "01.XD")


def test_a_folder_package_that_fails_halfway_leaves_nothing(make_record: Callable[..., Path], workspace: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills up after a few files: the error says so, and neither the package nor a part of it stays."""
    import errno
    import os

    _filed(make_record, workspace)
    written = []
    real = os.fsync

    def fsync(fd: int) -> None:
        written.append(fd)
        if len(written) > 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(fd)

    before = sorted(p.name for p in workspace.iterdir())
    monkeypatch.setattr(os, "fsync", fsync)
    result = CliRunner().invoke(main, ["--lang", "vi", "ho-so", "export", "01.XD", "-o", "goi-01-XD"])
    monkeypatch.setattr(os, "fsync", real)
    assert result.exit_code != 0 and "đĩa đã đầy" in result.output, result.output
    assert sorted(p.name for p in workspace.iterdir()) == before, "no package, no temporary folder"
    assert package.export(workspace, workspace / "goi-01-XD", "01.XD")[0].is_dir(), "and the same export then works"


def test_one_byte_flipped_a_file_removed_or_added_is_named(make_record: Callable[..., Path], workspace: Path) -> None:
    _filed(make_record, workspace)
    out, _count, _docs = package.export(workspace, workspace / "goi", "01.XD")
    pdf = next(out.rglob("*.pdf"))
    data = bytearray(pdf.read_bytes())
    data[len(data) // 2] ^= 0x01
    pdf.write_bytes(bytes(data))
    removed = next(out.rglob("EAD_DOC_*.json"))
    removed.unlink()
    (out / "ghi-chu.txt").write_text("thêm", "utf-8")
    found = package.check(out).problems
    names = {p.field: p.message for p in found}
    relative = pdf.relative_to(out).as_posix()
    assert names[relative].startswith("đã thay đổi") and names[removed.relative_to(out).as_posix()] == "thiếu"
    assert names["ghi-chu.txt"].startswith("thừa")
    (out / "manifest-sha256.txt").write_text("", "utf-8")
    assert any(p.field == "manifest-sha256.txt.sha256" for p in package.check(out).problems)


def test_a_zip_package_of_a_year_is_the_same_bytes_each_time_and_checks(make_record: Callable[..., Path],
                                                                         workspace: Path) -> None:
    _filed(make_record, workspace)
    hoso.create(workspace, "02.XD", "Hồ sơ trống", "vinh-vien", 2019)
    first, count, documents = package.export(workspace, workspace / "nam-2019.zip", nam=2019)
    second, _c, _d = package.export(workspace, workspace / "lai.zip", nam=2019)
    assert (count, documents) == (2, 2)
    with zipfile.ZipFile(first) as a, zipfile.ZipFile(second) as b:
        assert [i.filename.split("/", 1)[1] for i in a.infolist()] == [i.filename.split("/", 1)[1] for i in b.infolist()]
        assert all(a.read(x) == b.read(y) for x, y in zip(a.infolist(), b.infolist(), strict=True)
                   if not x.filename.endswith("manifest-sha256.txt"))
    assert package.check(first).problems == []
    runner = CliRunner()
    good = runner.invoke(main, ["--lang", "vi", "package", "check", str(first)])
    assert good.exit_code == 0 and good.output.startswith("Gói nguyên vẹn:")
    data = bytearray(first.read_bytes())
    broken = workspace / "hong.zip"
    with zipfile.ZipFile(first) as source, zipfile.ZipFile(broken, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename.endswith(".pdf"):
                content = content[:-1] + bytes([content[-1] ^ 1])
            target.writestr(info, content)
    bad = runner.invoke(main, ["--lang", "vi", "package", "check", str(broken)])
    assert bad.exit_code == 6 and ".pdf: đã thay đổi" in bad.output
    assert data == bytearray(first.read_bytes())


def test_export_from_the_command_line(make_record: Callable[..., Path], workspace: Path) -> None:
    _filed(make_record, workspace)
    result = CliRunner().invoke(main, ["--lang", "vi", "ho-so", "export", "01.XD", "-o", "goi.zip"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "đã ghi gói: goi.zip (1 hồ sơ, 2 văn bản)"
    none = CliRunner().invoke(main, ["--lang", "vi", "ho-so", "export", "-o", "x"])
    assert none.exit_code == 2 and not (workspace / "x").exists()
