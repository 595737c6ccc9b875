"""Exchanging documents between agencies as edXML envelopes (QCVN 102:2016): two offices in one test (two workspaces,
two registers): A issues and sends to B, B receives (số đến, attachment hashes), B answers 01 then 03, A reads the
statuses in register show; hostile or broken envelopes (XXE, billion laughs, a huge attachment, a missing attachment,
a repeated envelope) refused, located, with nothing registered."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import shutil
import uuid
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from correspondence import api
from correspondence.cli import main
from correspondence.errors import InvalidRecord, UsageError

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
HERE = Path(__file__).resolve().parent
NS = "{http://www.mic.gov.vn/TBT/QCVN_102_2016}"
A_CODE, B_CODE = "000.00.00.H22", "000.00.00.H45"


def _office(folder: Path, agency: str, code: str, url: str | None = None) -> Path:
    folder.mkdir()
    (folder / "registers").mkdir()
    (folder / "output").mkdir()
    profile = folder / "registers" / f"{agency}.yaml"
    shutil.copy(EXAMPLES / "registers" / f"{agency}.yaml", profile)
    profile.write_text(profile.read_text("utf-8") + f"ma_dinh_danh: {code}\n", "utf-8")
    if url is not None:  # the office's register on a PostgreSQL server, as registers/config.yaml names it
        (folder / "registers" / "config.yaml").write_text(f"register: {url}\n", "utf-8")
    api.register_init(folder, agency)
    return folder


@pytest.fixture(params=["sqlite", "postgresql"])
def offices(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """Two offices, each with its own register: two SQLite files, or two databases of one PostgreSQL server."""
    urls: list[str | None] = [None, None]
    if request.param == "postgresql":
        server = request.getfixturevalue("postgres")
        urls = [str(server.fresh_database(f"x{uuid.uuid4().hex[:12]}")) for _office_index in range(2)]
    a = _office(tmp_path / "a", "ubnd-quang-ninh", A_CODE, urls[0])
    b = _office(tmp_path / "b", "ubnd-ninh-thuan", B_CODE, urls[1])
    shutil.copytree(EXAMPLES, a / "examples")
    (tmp_path / "a.csv").write_text(f"ma,ten\n{B_CODE},UBND tỉnh Ninh Thuận\n", "utf-8")
    (tmp_path / "b.csv").write_text(f"Mã định danh;Tên cơ quan\n{A_CODE};UBND tỉnh Quảng Ninh\n", "utf-8")
    api.exchange_directory_import(a, tmp_path / "a.csv")
    api.exchange_directory_import(b, tmp_path / "b.csv")
    monkeypatch.chdir(tmp_path)
    return a, b


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _sent(a: Path, out: Path) -> Path:
    entry = api.issue([a / "examples" / "cong-van-3018.yaml"], a)[0].entry
    _run("-C", str(a), "exchange", "send", entry.so_ky_hieu, "--toi", B_CODE, "-o", str(out))
    (envelope,) = out.glob("*.edxml")
    return envelope


def test_two_offices_send_receive_and_answer(offices: tuple[Path, Path], tmp_path: Path) -> None:
    a, b = offices
    out = tmp_path / "a-gui"
    envelope = _sent(a, out)
    root = etree.parse(str(envelope)).getroot()
    header = root.find(f"{NS}edXMLEnvelope/{NS}edXMLHeader/{NS}MessageHeader")
    assert [child.tag.replace(NS, "") for child in header] == [
        "From", "To", "DocumentId", "Code", "PromulgationInfo", "DocumentType", "Subject", "Content", "SignerInfo",
        "DueDate", "OtherInfo", "SteeringType", "ToPlaces"]
    assert header.findtext(f"{NS}DocumentId") == f"{A_CODE},2019/05/07,01/UBND-XD6"
    assert header.findtext(f"{NS}PromulgationInfo/{NS}PromulgationDate") == "2019/05/07"
    assert root.find(f"{NS}edXMLEnvelope/{NS}edXMLHeader/{NS}TraceHeaderList/{NS}Bussiness") is not None
    pdf = (a / "output" / "ubnd-quang-ninh" / "2019" / "01-UBND-XD6.pdf").read_bytes()
    attached = root.findtext(f"{NS}AttachmentEncoded/{NS}Attachment/{NS}ContentTransferEncoded")
    assert base64.b64decode(attached) == pdf

    said = _run("-C", str(b), "exchange", "receive", str(envelope))
    assert "số đến 1" in said and "Ủy ban nhân dân tỉnh Quảng Ninh, 01/UBND-XD6" in said, said
    (row,) = api.incoming_list(b)
    assert (row.so_ky_hieu, row.ngay_van_ban, row.tac_gia) == ("01/UBND-XD6", "2019-05-07",
                                                                "Ủy ban nhân dân tỉnh Quảng Ninh")
    assert row.trich_yeu.startswith("Công văn") and "rà soát" in row.trich_yeu
    kept = {item.get("ten"): item for item in row.files}
    assert kept["01-UBND-XD6.pdf"]["sha256"] == hashlib.sha256(pdf).hexdigest()
    assert (b / kept["01-UBND-XD6.pdf"]["path"]).read_bytes() == pdf

    answers = tmp_path / "b-gui"
    _run("-C", str(b), "exchange", "status", "1", "--ma", "01", "-o", str(answers))
    _run("-C", str(b), "exchange", "status", "1", "--ma", "03", "-o", str(answers))
    statuses = sorted(answers.glob("*.edxml"))
    assert len(statuses) == 2
    said = _run("-C", str(a), "exchange", "receive", *map(str, statuses))
    assert "01" in said and "03" in said, said
    shown = _run("-C", str(a), "register", "show", "01/UBND-XD6")
    assert f"{B_CODE} (UBND tỉnh Ninh Thuận)" in shown and "03 (đã tiếp nhận)" in shown, shown
    for code in ("04", "06"):  # assigned, then done: A reads each as the latest
        later = tmp_path / f"b-gui-{code}"
        _run("-C", str(b), "exchange", "status", "1", "--ma", code, "-o", str(later))
        _run("-C", str(a), "exchange", "receive", *map(str, later.glob("*.edxml")))
    shown = _run("-C", str(a), "register", "show", "01/UBND-XD6")
    assert "06 (" in shown and "03 (đã tiếp nhận)" not in shown, shown
    assert api.register_verify(a).problems == [] and api.register_verify(b).problems == []


def test_a_refusal_needs_its_reason(offices: tuple[Path, Path], tmp_path: Path) -> None:
    a, b = offices
    api.exchange_receive(b, [_sent(a, tmp_path / "out")])
    with pytest.raises(UsageError):
        api.exchange_answer(b, 1, "02", None, tmp_path / "tt")
    assert not (tmp_path / "tt").exists() or not list((tmp_path / "tt").iterdir())


def _refused(b: Path, envelope: Path) -> InvalidRecord:
    with pytest.raises(InvalidRecord) as caught:
        api.exchange_receive(b, [envelope])
    assert api.incoming_list(b) == [], "nothing registered"
    assert not list((b / "output").rglob("*.*")), "no file kept"
    return caught.value


def test_xxe_is_refused_located(offices: tuple[Path, Path], tmp_path: Path) -> None:
    _a, b = offices
    secret = tmp_path / "secret.txt"
    secret.write_text("mật", "utf-8")
    file = tmp_path / "xxe.edxml"
    file.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE edXML [<!ENTITY x SYSTEM "file://{secret}">]>\n'
                    '<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><Subject>&x;</Subject></edXML>', "utf-8")
    error = _refused(b, file)
    assert error.problems[0].source == "xxe.edxml:2" and "DTD" in error.problems[0].message


def test_billion_laughs_is_refused_located(offices: tuple[Path, Path], tmp_path: Path) -> None:
    _a, b = offices
    entities = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    file = tmp_path / "lol.edxml"
    file.write_text(f'<?xml version="1.0"?>\n\n<!DOCTYPE lolz [<!ENTITY l0 "lol">{entities}]>\n<edXML>&l9;</edXML>',
                    "utf-8")
    error = _refused(b, file)
    assert error.problems[0].source == "lol.edxml:3"


def _edited(envelope: Path, target: Path, change: object) -> Path:
    tree = etree.parse(str(envelope))
    change(tree.getroot())  # type: ignore[operator]
    tree.write(str(target), xml_declaration=True, encoding="UTF-8")
    return target


def test_a_huge_attachment_is_refused(offices: tuple[Path, Path], tmp_path: Path) -> None:
    a, b = offices
    envelope = _sent(a, tmp_path / "out")

    def grow(root: etree._Element) -> None:
        node = root.find(f"{NS}AttachmentEncoded/{NS}Attachment/{NS}ContentTransferEncoded")
        node.text = base64.b64encode(b"%PDF" + bytes(8 * 1024 * 1024)).decode()

    error = _refused(b, _edited(envelope, tmp_path / "huge.edxml", grow))
    assert error.problems[0].source.startswith("huge.edxml:"), error.problems
    assert "MB" in error.problems[0].message


def test_a_missing_attachment_is_refused_located(offices: tuple[Path, Path], tmp_path: Path) -> None:
    a, b = offices
    envelope = _sent(a, tmp_path / "out")

    def drop(root: etree._Element) -> None:
        holder = root.find(f"{NS}AttachmentEncoded")
        holder.remove(holder.find(f"{NS}Attachment"))

    file = _edited(envelope, tmp_path / "thieu.edxml", drop)
    error = _refused(b, file)
    (problem,) = error.problems
    line = next(n for n, text in enumerate(file.read_text("utf-8").splitlines(), 1) if "<edXML:Reference>" in text)
    assert problem.source == f"thieu.edxml:{line}" and "cid:1" not in problem.message and "'1'" in problem.message


def test_a_repeated_envelope_is_refused(offices: tuple[Path, Path], tmp_path: Path) -> None:
    a, b = offices
    envelope = _sent(a, tmp_path / "out")
    api.exchange_receive(b, [envelope])
    copy = tmp_path / "lai.edxml"
    shutil.copy(envelope, copy)
    with pytest.raises(InvalidRecord) as caught:
        api.exchange_receive(b, [copy])
    assert "đã nhận" in caught.value.problems[0].message and "số đến 1" in caught.value.problems[0].message
    assert [r.number for r in api.incoming_list(b)] == [1]


def test_a_zipped_attachment_is_read_and_a_zip_escaping_its_folder_refused(offices: tuple[Path, Path],
                                                                         tmp_path: Path) -> None:
    a, b = offices
    envelope = _sent(a, tmp_path / "out")

    def zipped(name: str) -> object:
        def change(root: etree._Element) -> None:
            node = root.find(f"{NS}AttachmentEncoded/{NS}Attachment/{NS}ContentTransferEncoded")
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                archive.writestr(name, base64.b64decode(node.text))
            node.text = base64.b64encode(buffer.getvalue()).decode()
        return change

    _refused(b, _edited(envelope, tmp_path / "thoat.edxml", zipped("../../thoat.pdf")))
    (done,) = api.exchange_receive(b, [_edited(envelope, tmp_path / "nen.edxml", zipped("van-ban.pdf"))])
    assert any(item.get("ten") == "van-ban.pdf" for item in done.row.files)


def test_sample_shapes_are_read_leniently(offices: tuple[Path, Path]) -> None:
    _a, b = offices
    (done,) = api.exchange_receive(b, [HERE / "edoc_mau.edxml"])
    row = done.row
    assert (row.so_ky_hieu, row.ngay_van_ban, row.tac_gia) == ("25/STC-VP", "2026-03-05", "Sở Tài chính tỉnh Tây Ninh")


def test_identity_codes_are_checked(tmp_path: Path) -> None:
    (tmp_path / "registers").mkdir()
    bad = tmp_path / "danh-ba.csv"
    bad.write_text("ma,ten,ma_qd20\n000.00.00.G22,Văn phòng Chính phủ,G22\nkhông-hợp-lệ!,X,\n,Y,\n", "utf-8")
    with pytest.raises(InvalidRecord) as caught:
        api.exchange_directory_import(tmp_path, bad)
    assert [p.source.rsplit(":", 1)[1] for p in caught.value.problems] == ["3", "4"]
    assert not (tmp_path / "registers" / "danh-ba.yaml").exists()


def test_init_takes_both_identity_codes_checked(tmp_path: Path) -> None:
    base = dict(ma="so-x", mau="so", ten=["Sở X"], chu_quan=["UBND tỉnh Y"], viet_tat="SX", dia_danh="Y", thu_truong="Giám đốc",
                nguoi_ky=["A B=Giám đốc"], ma_dinh_danh="000.00.11.H53")
    with pytest.raises(InvalidRecord) as caught:
        api.init(tmp_path, api.Answers(**base, ma_dinh_danh_qd20="h53.sai!"))
    assert [p.source for p in caught.value.problems] == ["--ma-qd20"]
    assert not (tmp_path / "registers" / "so-x.yaml").exists()
    done = api.init(tmp_path, api.Answers(**base, ma_dinh_danh_qd20="H53.11"))
    assert "ma_dinh_danh_qd20: H53.11" in done.profile.read_text("utf-8")


def test_register_list_shows_the_documents_not_yet_acknowledged(offices: tuple[Path, Path], tmp_path: Path) -> None:
    """``register list --chua-bao-nhan``: the documents sent to an agency that has not answered yet (not even 01)."""
    a, b = offices
    envelope = _sent(a, tmp_path / "a-gui")
    waiting = _run("-C", str(a), "register", "list", "--chua-bao-nhan", "--json")
    assert [row["so_ky_hieu"] for row in json.loads(waiting)] == ["01/UBND-XD6"]
    _run("-C", str(b), "exchange", "receive", str(envelope))
    answers = tmp_path / "b-gui"
    _run("-C", str(b), "exchange", "status", "1", "--ma", "01", "-o", str(answers))
    _run("-C", str(a), "exchange", "receive", *map(str, answers.glob("*.edxml")))
    assert json.loads(_run("-C", str(a), "register", "list", "--chua-bao-nhan", "--json")) == []
    assert len(json.loads(_run("-C", str(a), "register", "list", "--json"))) == 1


def test_an_envelope_handed_over_is_recorded_even_when_a_later_one_fails(offices: tuple[Path, Path],
                                                                          tmp_path: Path) -> None:
    """Sending to two agencies where the second envelope's file is already there: the first, handed over, is
    recorded on the row; the second is refused, nothing written over."""
    a, _b = offices
    other = "000.00.00.H46"
    (tmp_path / "c.csv").write_text(f"ma,ten\n{other},UBND tỉnh Bình Thuận\n", "utf-8")
    api.exchange_directory_import(a, tmp_path / "c.csv")
    entry = api.issue([a / "examples" / "cong-van-3018.yaml"], a)[0].entry
    out = tmp_path / "gui"
    out.mkdir()
    taken = out / f"{entry.so_ky_hieu.replace('/', '-')}.{other}.edxml"
    taken.write_bytes(b"da co")
    result = CliRunner().invoke(main, ["-C", str(a), "exchange", "send", entry.so_ky_hieu, "--toi", B_CODE,
                                       "--toi", other, "-o", str(out)])
    assert result.exit_code != 0 and taken.read_bytes() == b"da co", result.output
    shown = _run("-C", str(a), "register", "show", entry.so_ky_hieu)
    assert B_CODE in shown and other not in shown, shown


def test_a_document_received_before_is_known_by_its_number_and_sender_and_twice_in_one_call_too(
        offices: tuple[Path, Path], tmp_path: Path) -> None:
    """The same document under another DocumentId is known by its số/ký hiệu and sender (ND 30 PL VI III.1.h); the
    same envelope twice in one call is refused as a whole; once the earlier số đến is void, the document is received
    again."""
    a, b = offices
    envelope = _sent(a, tmp_path / "out")

    def other_id(root: etree._Element) -> None:
        for node in root.iter(f"{NS}DocumentId"):
            node.text += "1"

    with pytest.raises(InvalidRecord) as caught:
        api.exchange_receive(b, [envelope, _edited(envelope, tmp_path / "lan-hai.edxml", lambda root: None)])
    assert [p.source for p in caught.value.problems] == ["lan-hai.edxml"], caught.value.problems
    assert api.incoming_list(b) == []  # nothing of the call registered
    api.exchange_receive(b, [envelope])
    renamed = _edited(envelope, tmp_path / "ma-khac.edxml", other_id)
    with pytest.raises(InvalidRecord) as caught:
        api.exchange_receive(b, [renamed])
    assert "đã nhận" in caught.value.problems[0].message and "số đến 1" in caught.value.problems[0].message
    (first,) = api.incoming_list(b)
    api.incoming_void(b, first.number, "nhận nhầm")
    api.exchange_receive(b, [renamed])
    assert [r.number for r in api.incoming_list(b)] == [1, 2]
