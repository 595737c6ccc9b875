"""Untrusted inputs kept within bounds: a received PDF that cannot be stamped or was received already, huge fields,
runaway template loops, package members that escape their package or inflate without end, huge CSV cells. Each is
refused (or warned about) with a located message, quickly, and nothing is written or consumed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from correspondence import incoming
from correspondence.cli import main
from correspondence.errors import RegisterConflict
from correspondence.outgoing import registry as service

D = dt.date(2019, 5, 7)


def _encrypted_pdf(path: Path) -> Path:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.save(path, encryption=pikepdf.Encryption(owner="chu", user="mat-khau"))
    return path


# ---------------------------------------------------------------- 1. a received PDF that cannot be stamped


def test_an_encrypted_pdf_with_dau_is_received_once_without_the_stamp_and_said_so(workspace: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["--lang", "vi", "register", "init"]).exit_code == 0
    pdf = _encrypted_pdf(workspace / "co-mat-khau.pdf")
    args = ["--lang", "vi", "incoming", "receive", str(pdf), "--tu", "Sở A", "--trich-yeu", "Thư", "--ngay-den",
            "07/05/2019", "--dau"]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "Lỗi nội bộ" not in result.output
    assert "đã nhận: số đến 1" in result.output
    assert "không làm bản có dấu ĐẾN" in result.output and "mật khẩu" in result.output, result.output
    kept = sorted(p.name for p in (workspace / "output" / "ubnd-quang-ninh" / "den" / "2019").iterdir())
    assert len(kept) == 1 and kept[0].endswith("co-mat-khau.pdf"), "the file kept, no stamped copy"
    again = runner.invoke(main, args)
    assert again.exit_code == 4 and "số đến 1" in again.output and "--nhan-lai" in again.output, again.output
    assert [r.number for r in incoming.list_all(workspace, 2019)] == [1], "a retry takes no second số đến"


def test_the_same_file_twice_is_refused_naming_the_earlier_number_unless_received_again(workspace: Path) -> None:
    service.init(workspace, "ubnd-quang-ninh")
    letter = workspace / "thu.txt"
    letter.write_text("một lá thư", "utf-8")
    incoming.receive(workspace, letter, "Sở A", None, None, "Thư", ngay_den=D)
    copy = workspace / "ban-sao.txt"
    copy.write_bytes(letter.read_bytes())
    with pytest.raises(RegisterConflict) as caught:
        incoming.receive(workspace, copy, "Sở B", None, None, "Thư lần hai", ngay_den=D, mat=True)
    assert "số đến 1" in caught.value.message and "07/05/2019" in caught.value.message
    assert incoming.list_all(workspace, 2019, mat=True) == [] and len(incoming.list_all(workspace, 2019)) == 1
    second, _files = incoming.receive(workspace, copy, "Sở B", None, None, "Thư lần hai", ngay_den=D, nhan_lai=True)
    assert second.number == 2
    incoming.void(workspace, 2, "Nhận trùng", 2019)
    incoming.void(workspace, 1, "Nhận trùng", 2019)
    third, _files = incoming.receive(workspace, copy, "Sở B", None, None, "Thư", ngay_den=D)
    assert third.number == 3, "a voided receipt does not count"


# ---------------------------------------------------------------- 2. huge fields: linear work, bounded sizes


def _finishes_within(seconds: float, code: str) -> None:
    """Run ``code`` in a fresh interpreter; fail if it has not finished after ``seconds`` (a hang, a quadratic)."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    try:
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=seconds)
    except subprocess.TimeoutExpired:
        pytest.fail(f"still running after {seconds} s: {code}")
    assert done.returncode == 0, done.stderr


def test_long_tokens_are_handled_in_linear_time() -> None:
    """Patterns that backtracked over every start position: 200,000 characters took minutes (quadratic)."""
    _finishes_within(20, "\n".join([
        "from correspondence.compose.document import _strip_end",
        "from correspondence.validate import markup",
        "n = 200_000",
        "assert _strip_end('.' * n + 'x') == '.' * n + 'x' and _strip_end('x' + ' ;' * n) == 'x'",
        "assert _strip_end('x' + ' ' * n + 'y') == 'x' + ' ' * n + 'y'",
        "assert markup._NOTE_CALL.search('[^' * n) is None",
        "assert markup._NOTE_CALL.findall('[^a] [^b]') == ['a', 'b']",
    ]))


def test_a_huge_trich_yeu_is_refused_quickly_with_its_line(make_record: object, workspace: Path) -> None:
    from correspondence import api
    from correspondence.errors import InvalidRecord

    record = make_record("dai.yaml", trich_yeu="x" * 100_000)  # type: ignore[operator]
    with pytest.raises(InvalidRecord) as caught:
        api.load(record, workspace)
    (problem,) = [p for p in caught.value.problems if p.field == "trich_yeu"]
    assert problem.source.startswith("dai.yaml:") and "100000" in problem.message and "2000" in problem.message
    result = CliRunner().invoke(main, ["--lang", "vi", "check", str(record)])
    assert result.exit_code == 3 and "trich_yeu" in result.output and "2000" in result.output, result.output


def test_a_huge_record_file_is_refused_before_it_is_parsed(workspace: Path) -> None:
    from correspondence import api
    from correspondence.errors import InvalidRecord

    record = workspace / "to.yaml"
    with record.open("w", encoding="utf-8") as out:
        out.write("loai: cong_van\nnoi_dung: |\n")
        for _line in range(120_000):
            out.write("  " + "Nội dung rất dài " * 6 + "\n")
    with pytest.raises(InvalidRecord) as caught:
        api.load(record, workspace)
    (problem,) = caught.value.problems
    assert problem.source == "to.yaml" and "MB" in problem.message, problem


# ---------------------------------------------------------------- 3. runaway template loops


_NESTED = ("Nội dung.\n\n{% for a in range(10**4) %}{% for b in range(10**4) %}Dòng {{ a }} {{ b }} rất dài.\n"
           "{% endfor %}{% endfor %}\n")
_SILENT = "Nội dung.\n\n{% for a in range(10**5) %}{% for b in range(10**5) %}{% endfor %}{% endfor %}Hết.\n"
_GROWING = ("Nội dung.\n\n{% set ns = namespace(x='a') %}{% for a in range(60) %}{% set ns.x = ns.x ~ ns.x %}"
            "{% endfor %}{{ ns.x|length }}\n")


@pytest.mark.parametrize("body", [_NESTED, _SILENT, _GROWING], ids=["nested", "silent", "doubling"])
def test_a_runaway_body_template_fails_check_with_its_line_and_writes_nothing(make_record: object, workspace: Path,
                                                                             body: str) -> None:
    import time

    record = make_record("vong.yaml", noi_dung=body)  # type: ignore[operator]
    start = time.monotonic()
    result = CliRunner().invoke(main, ["--lang", "vi", "check", str(record)])
    assert time.monotonic() - start < 30, "refused well before it eats the machine"
    assert result.exit_code == 3, result.output
    assert "vong.yaml:" in result.output and "noi_dung" in result.output and "quá nhiều" in result.output, result.output
    drafted = CliRunner().invoke(main, ["--lang", "vi", "draft", str(record), "-o", str(workspace / "nhap")])
    assert drafted.exit_code == 3, drafted.output
    assert not (workspace / "nhap").exists() or not any((workspace / "nhap").iterdir())


def test_a_body_looping_over_its_data_still_renders(make_record: object, workspace: Path) -> None:
    from correspondence import api

    rows = [{"ten": f"Xã {n}", "so": n} for n in range(2_000)]
    body = "Danh sách:\n\n{% for r in rows %}{% for k in range(3) %}- {{ r.ten }}: {{ r.so * k }};\n{% endfor %}{% endfor %}"
    record = make_record("dai.yaml", noi_dung=body, du_lieu={"rows": rows})  # type: ignore[operator]
    loaded = api.load(record, workspace)
    assert loaded.body is not None and len(loaded.body.blocks) >= 6_000


# ---------------------------------------------------------------- 4. packages whose members escape or explode


def _sealed_zip(path: Path, members: dict[str, bytes], links: dict[str, str] | None = None,
                listed: tuple[str, ...] | None = None) -> Path:
    """A .zip package whose manifest lists ``members`` (and ``listed`` names) with their true SHA-256, sealed."""
    import hashlib
    import zipfile

    links = links or {}
    everything = {**members, **{name: target.encode() for name, target in links.items()}}
    names = sorted(everything) if listed is None else sorted(listed)
    manifest = "".join(f"{hashlib.sha256(everything.get(n, b'')).hexdigest()}  {n}\n" for n in names).encode()
    seal = f"{hashlib.sha256(manifest).hexdigest()}  manifest-sha256.txt\n".encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("goi/manifest-sha256.txt", manifest)
        package.writestr("goi/manifest-sha256.txt.sha256", seal)
        for name, data in members.items():
            package.writestr(name if name.startswith(("/", "..")) or "\\" in name else f"goi/{name}", data)
        for name, target in links.items():
            info = zipfile.ZipInfo(f"goi/{name}")
            info.external_attr = (0o120777 << 16)
            package.writestr(info, target)
    return path


def test_zip_members_escaping_the_package_or_links_are_refused(workspace: Path) -> None:
    from correspondence.archive import package

    bad = _sealed_zip(workspace / "goi.zip", {"data/a.pdf": b"%PDF a", "../../thoat.txt": b"ra ngoai",
                                              "/etc/tuyet-doi.txt": b"tuyet doi", "data\\..\\..\\x.txt": b"gach"},
                      links={"data/lien-ket.pdf": "/etc/passwd"})
    problems = package.check(bad).problems
    by_name = {p.field: p.message for p in problems}
    assert set(by_name) >= {"../../thoat.txt", "/etc/tuyet-doi.txt", "data\\..\\..\\x.txt", "data/lien-ket.pdf"}, problems
    assert "ngoài gói" in by_name["../../thoat.txt"] and "ngoài gói" in by_name["/etc/tuyet-doi.txt"]
    assert "gạch chéo ngược" in by_name["data\\..\\..\\x.txt"] and "liên kết" in by_name["data/lien-ket.pdf"]
    assert "data/a.pdf" not in by_name, "the good member is intact"
    result = CliRunner().invoke(main, ["--lang", "vi", "package", "check", str(bad)])
    assert result.exit_code == 6 and "thoat.txt" in result.output, result.output


def test_a_folder_package_with_a_symbolic_link_is_refused(workspace: Path) -> None:
    import hashlib

    from correspondence.archive import package

    secret = workspace / "bi-mat.txt"
    secret.write_text("không được đưa vào gói", "utf-8")
    folder = workspace / "goi"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "a.pdf").write_bytes(b"%PDF a")
    (folder / "data" / "lien-ket.txt").symlink_to(secret)
    (folder / "thu-muc").symlink_to(workspace)
    digest = hashlib.sha256(secret.read_bytes()).hexdigest()
    manifest = (f"{hashlib.sha256(b'%PDF a').hexdigest()}  data/a.pdf\n{digest}  data/lien-ket.txt\n"
                f"{digest}  thu-muc/bi-mat.txt\n").encode()
    (folder / "manifest-sha256.txt").write_bytes(manifest)
    (folder / "manifest-sha256.txt.sha256").write_text(f"{hashlib.sha256(manifest).hexdigest()}  manifest-sha256.txt\n")
    problems = package.check(folder).problems
    by_name = {p.field: p.message for p in problems}
    assert "liên kết" in by_name["data/lien-ket.txt"] and "liên kết" in by_name["thu-muc"], problems
    result = CliRunner().invoke(main, ["--lang", "vi", "package", "check", str(folder)])
    assert result.exit_code == 6, result.output


def test_a_zip_bomb_is_named_not_inflated(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import resource
    import time

    from correspondence.archive import package

    bomb = _sealed_zip(workspace / "bom.zip", {"data/a.pdf": b"%PDF a", "data/bom.bin": bytes(300 * 2**20)})
    assert bomb.stat().st_size < 2 * 2**20
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.monotonic()
    problems = package.check(bomb).problems
    assert time.monotonic() - start < 5
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200 * 1024, "never held in memory (KB)"
    (problem,) = problems
    assert problem.field == "data/bom.bin" and "lần" in problem.message, problem
    monkeypatch.setattr(package, "MAX_MEMBERS", 2)
    many = package.check(_sealed_zip(workspace / "nhieu.zip", {f"data/{n}.pdf": b"%PDF" for n in range(3)}))
    assert [p.message for p in many.problems] == ["5 tệp: một gói có tối đa 2 tệp"], many.problems


# ---------------------------------------------------------------- 5. a huge CSV cell


@pytest.mark.parametrize("size", [128 * 1024, 300_000])
def test_a_huge_csv_cell_is_located_by_file_line_and_column(workspace: Path, size: int) -> None:
    from correspondence.errors import InvalidRecord
    from correspondence.records import read_cells, read_rows

    table = workspace / "bang.csv"
    table.write_text(f"Họ và tên,Ghi chú\nBà A,ngắn\nÔng B,{'x' * size}\n", "utf-8")
    with pytest.raises(InvalidRecord) as caught:
        read_rows("bang.csv", workspace, lambda j: f"bang.csv:{j + 1}")
    (problem,) = caught.value.problems
    assert (problem.source, problem.field) == ("bang.csv:3", "cột 2"), problem
    assert str(size) in problem.message and "100000" in problem.message
    with pytest.raises(InvalidRecord):
        read_cells(table)
    service.init(workspace, "ubnd-quang-ninh")
    result = CliRunner().invoke(main, ["--lang", "vi", "register", "import", str(table)])
    assert result.exit_code == 3 and "bang.csv:3" in result.output and "Lỗi nội bộ" not in result.output, result.output


def test_a_cell_just_under_the_bound_is_read(workspace: Path) -> None:
    from correspondence.records import read_rows

    table = workspace / "bang.csv"
    table.write_text(f"Họ và tên,Ghi chú\nBà A,{'x' * 99_000}\n", "utf-8")
    ((where, row),) = read_rows("bang.csv", workspace, lambda j: f"bang.csv:{j + 1}")
    assert where == "bang.csv:2" and len(row["Ghi chú"]) == 99_000
