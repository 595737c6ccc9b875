"""'correspondence new KIND': a commented skeleton for every kind of ND 30 and every copy, valid once its places marked
'…' are filled; both spellings of a kind code; an unknown kind said with the kinds there are, nothing written."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from correspondence import api
from correspondence.cli import main
from tests.conftest import ROOT

KINDS = [code for code, _abbreviation, _name in api.kind_list()]
COPIES = ("sao_y", "sao_luc", "trich_sao")
UNFILLED = ": vẫn còn chỗ để điền, đánh dấu '…'"
PLACE = re.compile(r"(?<![\w.])…")  # a place to fill in, as check finds it
# What a copy is made from: a sao lục from a sao y, the others from an original (ND 30, Art. 25).
ORIGINAL = {"sao_y": "01/UBND-XD6", "trich_sao": "01/UBND-XD6", "sao_luc": "01/SY-UBND"}


@pytest.fixture
def cli(workspace: Path) -> Callable[..., object]:
    runner = CliRunner()

    def run(*args: str) -> object:
        return runner.invoke(main, ["--lang", "vi", *args], catch_exceptions=False)

    return run


def _spelling(code: str, index: int) -> str:
    """Every other kind written with '-' (cong-van), the others as the catalogue writes them (cong_van)."""
    return code.replace("_", "-") if index % 2 == 0 else code


def _problems(output: str) -> list[str]:
    return [line.strip() for line in output.splitlines()[1:]]


def _fill(text: str, original: str | None) -> str:
    """Each place marked '…' given a plausible value: a number before 'giờ', 'tháng', 'năm' or after 'ngày', 'số' …,
    the copied document's number in ban_goc, words elsewhere."""
    if original is not None:
        text = re.sub(r"^ban_goc: …", f"ban_goc: {original}", text, flags=re.MULTILINE)

    def value(match: re.Match[str]) -> str:
        before, after = text[max(0, match.start() - 6):match.start()], text[match.end():match.end() + 6]
        if re.search(r"(ngày|tháng|năm|giờ|số|gian) $", before) or re.match(r" (giờ|tháng|năm|bản|ngày)", after):
            return "10"
        return "Sở Tư pháp"

    return PLACE.sub(value, text)


def _issue_originals(cli: Callable[..., object], workspace: Path) -> None:
    """The register holds an original công văn (01/UBND-XD6) and a sao y of it (01/SY-UBND)."""
    shutil.copy(ROOT / "examples" / "cong-van-3018.yaml", workspace / "goc.yaml")
    assert cli("issue", "goc.yaml", "--ngay", "01/06/2019", "-f", "docx").exit_code == 0
    shutil.copy(ROOT / "examples" / "sao-y.yaml", workspace / "sy.yaml")
    assert cli("issue", "sy.yaml", "--ngay", "02/06/2019", "-f", "docx").exit_code == 0


def test_every_kind_and_copy_has_a_skeleton_in_the_help() -> None:
    from correspondence.cli.documents import KINDS_NEW

    assert sorted(KINDS_NEW) == sorted(code.replace("_", "-") for code in KINDS)
    assert api.skeleton_kinds(ROOT) == KINDS
    result = CliRunner().invoke(main, ["--lang", "vi", "new", "--help"], terminal_width=80)
    words = set(re.findall(r"[a-z-]+", result.output.split("cong_van):", 1)[1]))
    assert {code.replace("_", "-") for code in KINDS} <= words


@pytest.mark.parametrize("index,code", list(enumerate(KINDS)), ids=KINDS)
def test_skeleton_holds_only_places_to_fill_in_and_is_a_document_once_filled(
        cli: Callable[..., object], workspace: Path, index: int, code: str) -> None:
    import pdfplumber

    spelled = _spelling(code, index)
    result = cli("new", spelled, "-o", "moi.yaml")
    assert result.exit_code == 0, result.output
    path = workspace / "moi.yaml"
    skeleton = path.read_text("utf-8")
    assert yaml.safe_load(skeleton)["loai"] == code
    assert "correspondence issue" in skeleton and "--so" not in skeleton, "a clerk numbers through the register"

    checked = cli("check", "moi.yaml")
    problems = _problems(checked.output)
    if code == "cong_van":  # the công văn skeleton is a whole example
        assert checked.exit_code == 0, checked.output
    else:
        assert checked.exit_code == 3, checked.output
        unfilled = [line for line in problems if UNFILLED in line]
        other = [line for line in problems if UNFILLED not in line]
        assert unfilled, checked.output
        assert other == [], checked.output
        # every place marked in the file is told, at its line
        assert sorted({int(line.split(":")[1]) for line in unfilled}) == sorted(
            {number for number, line in enumerate(skeleton.splitlines(), 1)
             if PLACE.search(re.sub(r"(?<=\S)\s+#\s.*$", "", line)) and not line.startswith("#")})

    if code in COPIES:
        _issue_originals(cli, workspace)
    filled = workspace / "du-an-moi.yaml"
    filled.write_text(_fill(skeleton, ORIGINAL.get(code)), "utf-8")
    clean = cli("check", filled.name)
    assert clean.exit_code == 0, clean.output
    assert clean.stdout == "Đã kiểm tra 1 tệp, không có lỗi.\n"
    made = cli("draft", filled.name, "-f", "pdf", "-o", "nhap")
    assert made.exit_code == 0, made.output
    assert "chỗ để điền" not in made.stderr
    with pdfplumber.open(workspace / "nhap" / "du-thao-du-an-moi.pdf") as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages)
    assert "DỰ THẢO" in text
    assert "Sở Tư pháp" in text or code == "cong_van", "a filled place is printed"


def _line_of(text: str, key: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if line.startswith(f"{key}:"))


@pytest.mark.parametrize("code", COPIES)
def test_copy_skeleton_is_refused_only_for_its_places_to_fill_in(cli: Callable[..., object], code: str) -> None:
    assert cli("new", code, "-o", "moi.yaml").exit_code == 0
    problems = _problems(cli("check", "moi.yaml").output)
    assert problems and all(UNFILLED in line for line in problems), problems


def test_both_spellings_give_the_same_skeleton(cli: Callable[..., object]) -> None:
    assert cli("new", "quyet-dinh").output == cli("new", "quyet_dinh").output == cli("new", "Quyet-Dinh").output
    assert cli("new", "sao-luc").output.count("loai: sao_luc") == 1


def test_an_unknown_kind_is_said_with_the_kinds_there_are_and_nothing_is_written(cli: Callable[..., object],
                                                                               workspace: Path) -> None:
    before = sorted(workspace.rglob("*"))
    result = cli("new", "quyet-dinhh", "-o", "qd.yaml")
    assert result.exit_code == 2
    first, = result.stderr.splitlines()
    assert first.startswith("Lỗi: LOẠI 'quyet-dinhh': không có bản ghi mẫu của loại này (có phải là 'quyet-dinh'?). "
                            "Các loại có bản ghi mẫu: nghi-quyet, quyet-dinh, chi-thi, ")
    assert first.endswith(", thu-cong, sao-y, sao-luc, trich-sao")
    assert sorted(workspace.rglob("*")) == before
    for name in ("../registers/ubnd-quang-ninh", "x/y", ""):
        result = cli("new", name)
        assert result.exit_code == 2 and "không có bản ghi mẫu của loại này" in result.stderr, result.output
    english = CliRunner().invoke(main, ["--lang", "en", "new", "cong_vn"])
    assert english.exit_code == 2
    assert english.stderr.startswith("Error: KIND 'cong_vn': there is no skeleton of this kind (did you mean 'cong-van'?)")


def test_a_copy_takes_no_word_body(cli: Callable[..., object], workspace: Path) -> None:
    result = cli("new", "sao-y", "--tu", str(ROOT / "examples" / "du-thao.docx"), "-o", "sy.yaml")
    assert result.exit_code == 2
    assert result.stderr == "Lỗi: --tu: bản sao y không có nội dung riêng: nó sao văn bản được ghi ở ban_goc\n"
    assert not (workspace / "sy.yaml").exists()


def test_the_workspace_skeleton_wins_and_its_own_kinds_are_listed(cli: Callable[..., object], workspace: Path) -> None:
    (workspace / "templates" / "new").mkdir(parents=True)
    own = "# Tờ trình của Văn phòng\nloai: to_trinh\n"
    (workspace / "templates" / "new" / "to_trinh.yaml").write_text(own, "utf-8")
    (workspace / "templates" / "new" / "cong_van_mat.yaml").write_text("loai: cong_van\n", "utf-8")
    assert cli("new", "to-trinh").output == own
    assert cli("new", "cong-van-mat").output == "loai: cong_van\n"
    assert api.skeleton_kinds(workspace)[-1] == "cong_van_mat"
    assert cli("new", "khong-co").stderr.rstrip().endswith(", sao-luc, trich-sao, cong-van-mat")


def test_another_agency_gets_every_skeleton_with_its_own_signer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A workspace of another agency: its id, its unit and a signer it has in every skeleton (a deputy under KT.),
    its name in the body; check then finds only the places to fill in."""
    (tmp_path / "registers").mkdir()
    profile = yaml.safe_load((ROOT / "examples" / "registers" / "ubnd-quang-ninh.yaml").read_text("utf-8"))
    profile.update(ten_co_quan=["Ủy ban nhân dân", "Huyện Vân Đồn"], dia_danh="Vân Đồn",
                   don_vi={"vp": {"ten": "Văn phòng", "viet_tat": "VP"}},
                   nguoi_ky={"pct": {"ho_ten": "Lê Văn Nam", "chuc_vu": "Phó Chủ tịch"},
                             "ct": {"ho_ten": "Trần Văn Bình", "chuc_vu": "Chủ tịch"}})
    (tmp_path / "registers" / "ubnd-van-don.yaml").write_text(yaml.safe_dump(profile, allow_unicode=True), "utf-8")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for code in KINDS:
        text = api.skeleton(code, tmp_path)
        assert "co_quan: ubnd-van-don" in text and "don_vi: VP" in text and "Quảng Ninh" not in text, code
        (tmp_path / f"{code}.yaml").write_text(text, "utf-8")
        result = runner.invoke(main, ["--lang", "vi", "check", f"{code}.yaml"])
        problems = [line for line in _problems(result.output) if UNFILLED not in line]
        assert problems == [], (code, result.output)
    for code in ("sao_y", "nghi_quyet", "quyet_dinh"):  # TL. by a Chánh Văn phòng, TM. by a head the agency lacks
        assert re.search(r"^  tham_quyen: KT +#.*\n  nguoi_ky: pct +#", api.skeleton(code, tmp_path), re.MULTILINE)
    assert "  nguoi_ky: pct" in api.skeleton("bien_ban", tmp_path)
    assert "Ủy ban nhân dân huyện Vân Đồn trân trọng giới thiệu:" in api.skeleton("giay_gioi_thieu", tmp_path)


@pytest.mark.parametrize("code", [code for code in KINDS if code not in ("sao_y", "sao_luc")])
def test_every_skeleton_with_a_body_takes_it_from_a_word_file(cli: Callable[..., object], workspace: Path,
                                                              code: str) -> None:
    shutil.copy(ROOT / "examples" / "du-thao.docx", workspace / "du-thao.docx")
    assert cli("new", code, "--tu", "du-thao.docx", "-o", "moi.yaml").exit_code == 0
    data = yaml.safe_load((workspace / "moi.yaml").read_text("utf-8"))
    assert data["noi_dung_tu"] == "du-thao.docx" and "noi_dung" not in data
    problems = _problems(cli("check", "moi.yaml").output)
    assert all(UNFILLED in line for line in problems), problems
    assert not [line for line in problems if ": noi_dung" in line], problems
