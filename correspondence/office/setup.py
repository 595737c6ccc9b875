"""Turn a few answers about an agency into a working workspace: its profile ``registers/<mã>.yaml`` (from a sample
profile shipped with the tool, or from nothing), the ``templates/`` and ``output/`` folders and its register.

Everything is checked before anything is written: an answer missing or wrong is named by its option."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from correspondence import registers, storage
from correspondence.errors import InvalidRecord, Problem
from correspondence.i18n import N_, _
from correspondence.records.tables import identifier
from correspondence.register.store import sqlite_path
from correspondence.validate.loading import PROFILE_NAME, load_agency
from correspondence.validate.schema import CoQuan
from correspondence.workspace import register_url, shown, template_dirs

PLACEHOLDER = "…"
# The option that answers each field of the profile.
OPTIONS = {"ten_co_quan": "--ten", "ten_co_quan_chu_quan": "--chu-quan", "viet_tat": "--viet-tat",
           "dia_danh": "--dia-danh", "thu_truong": "--thu-truong", "tap_the": "--tap-the", "don_vi": "--don-vi",
           "nguoi_ky": "--nguoi-ky", "ma_dinh_danh": "--ma-dinh-danh",
           "ma_dinh_danh_qd20": "--ma-qd20", "ma": "--ma", "mau": "--mau"}
# What interactive init asks, in this order: the answers a profile needs, and those a sample leaves as "…".
REQUIRED = ("ten_co_quan", "viet_tat", "dia_danh", "thu_truong", "nguoi_ky")
QUESTIONS = {
    "ten_co_quan": N_("Agency name, lines separated by '/' (e.g. Ủy ban nhân dân/Tỉnh Quảng Ninh)"),
    "ten_co_quan_chu_quan": N_("Governing body's name, lines separated by '/' (e.g. Ủy ban nhân dân tỉnh Quảng Ninh)"),
    "viet_tat": N_("Abbreviation of the agency (e.g. UBND)"),
    "dia_danh": N_("Place name of the date line (e.g. Quảng Ninh)"),
    "thu_truong": N_("Title of the head (e.g. Chủ tịch)"),
    "tap_the": N_("The collective after TM. (e.g. Ủy ban nhân dân)"),
    "don_vi": N_("Drafting units as ABBREVIATION=Name, separated by ';' (e.g. VP=Văn phòng)"),
    "nguoi_ky": N_("Signers as Full name=Title, separated by ';' (e.g. Đặng Huy Hậu=Phó Chủ tịch)"),
}


@dataclass
class Answers:
    """What the clerk says about the agency (empty: take the sample's, or leave out)."""

    ma: str
    mau: str | None = None
    ten: list[str] = field(default_factory=list)
    chu_quan: list[str] = field(default_factory=list)
    viet_tat: str | None = None
    dia_danh: str | None = None
    thu_truong: str | None = None
    tap_the: str | None = None
    don_vi: list[str] = field(default_factory=list)  # "XD6=Phòng Xây dựng"
    nguoi_ky: list[str] = field(default_factory=list)  # "Nguyễn Văn A=Chủ tịch"
    ma_dinh_danh: str | None = None  # the agency's electronic id code, e.g. H49.64
    ma_dinh_danh_qd20: str | None = None  # the QĐ 20/2020 code (up to 35 characters)

    def given(self) -> dict[str, str | list[str] | None]:
        """Each answer by the profile field it fills."""
        return {"ma": self.ma, "mau": self.mau, "ten_co_quan": self.ten, "ten_co_quan_chu_quan": self.chu_quan,
                "viet_tat": self.viet_tat, "dia_danh": self.dia_danh, "thu_truong": self.thu_truong,
                "tap_the": self.tap_the, "don_vi": self.don_vi, "nguoi_ky": self.nguoi_ky,
                "ma_dinh_danh": self.ma_dinh_danh, "ma_dinh_danh_qd20": self.ma_dinh_danh_qd20}

    def answer(self, key: str, text: str) -> None:
        """Take the text typed for ``key`` (lines separated by '/', pairs by ';')."""
        if key in ("ten_co_quan", "ten_co_quan_chu_quan"):
            value: Any = [line.strip() for line in text.split("/") if line.strip()]
        elif key in ("don_vi", "nguoi_ky"):
            value = [item.strip() for item in text.split(";") if item.strip()]
        else:
            value = text.strip() or None
        setattr(self, {"ten_co_quan": "ten", "ten_co_quan_chu_quan": "chu_quan"}.get(key, key), value)


@dataclass(frozen=True)
class Initialised:
    profile: Path
    register: str


def samples() -> dict[str, Path]:
    """The sample profiles shipped with the tool, by name: ``ubnd-tinh``, ``so``, ``ubnd-xa``."""
    folder = template_dirs(None)[-1] / "co-quan"
    return {path.stem: path for path in sorted(folder.glob("*.yaml"))}


def questions(answers: Answers) -> list[tuple[str, str]]:
    """What interactive init must still ask, as (field, question): each answer a profile needs that no option gave
    (or the sample gives), and each line the sample leaves as a placeholder '…'."""
    sample = yaml.safe_load(samples()[answers.mau].read_text("utf-8")) if answers.mau in samples() else {}
    given = answers.given()
    wanted = []
    for key, question in QUESTIONS.items():
        if given[key]:
            continue
        from_sample = sample.get(key)
        if (key in REQUIRED and not from_sample) or PLACEHOLDER in yaml.safe_dump(from_sample, allow_unicode=True):
            wanted.append((key, question))
    return wanted


def _control_characters(answers: Answers) -> list[Problem]:
    """Every answer holding a control character (a line break, a tab, a NUL …): refused, named by its option; a
    profile is a file of lines, and a line break inside an answer would write a line of its own."""
    problems = []
    for key, value in answers.given().items():
        for text in ([value] if isinstance(value, str) else value or []):
            if any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in text):
                problems.append(Problem(OPTIONS[key], key, _(
                    "contains a control character (a line break, a tab …): give the answer on one line, without it")))
                break
    return problems


def _pairs(values: list[str], key: str, problems: list[Problem]) -> list[tuple[str, str]]:
    out = []
    for value in values:
        left, sep, right = value.partition("=")
        if not sep or not left.strip() or not right.strip():
            problems.append(Problem(OPTIONS[key], key, _("'{value}' is not of the form A=B").format(value=value)))
            continue
        out.append((left.strip(), right.strip()))
    return out


def profile_data(answers: Answers) -> dict[str, Any]:
    """The profile the answers give (over the sample's lines), or every problem, each named by its option."""
    problems: list[Problem] = _control_characters(answers)
    if problems:
        raise InvalidRecord(_("invalid answers: nothing was written"), problems)
    data: dict[str, Any] = {}
    if answers.mau is not None:
        known = samples()
        if answers.mau not in known:
            raise InvalidRecord(_("invalid answers: nothing was written"), [Problem("--mau", "mau", _(
                "no sample profile '{name}'").format(name=answers.mau), _("samples: {names}").format(
                names=", ".join(known)))])
        data = yaml.safe_load(known[answers.mau].read_text("utf-8"))
    for key, value in (("ten_co_quan", answers.ten), ("ten_co_quan_chu_quan", answers.chu_quan),
                       ("viet_tat", answers.viet_tat), ("dia_danh", answers.dia_danh),
                       ("thu_truong", answers.thu_truong), ("tap_the", answers.tap_the),
                       ("ma_dinh_danh", answers.ma_dinh_danh), ("ma_dinh_danh_qd20", answers.ma_dinh_danh_qd20)):
        if value:
            data[key] = value
    units = _pairs(answers.don_vi, "don_vi", problems)
    if units:
        data["don_vi"] = {identifier(code): {"ten": name, "viet_tat": code} for code, name in units}
    signers = _pairs(answers.nguoi_ky, "nguoi_ky", problems)
    if signers:
        data["nguoi_ky"] = {identifier(name): {"ho_ten": name, "chuc_vu": title} for name, title in signers}
    data.setdefault("luu_mac_dinh", ["VT"])
    problems += [Problem(OPTIONS.get(key, key), key, _("still a placeholder '…': give the agency's own value"))
                 for key in data if PLACEHOLDER in yaml.safe_dump(data[key], allow_unicode=True)]
    try:
        CoQuan.model_validate(data)
    except ValidationError as error:
        for item in error.errors():
            key = str(item["loc"][0]) if item["loc"] else ""
            if not any(p.field == key for p in problems):
                message = _("required") if item["type"] == "missing" else item["msg"]
                problems.append(Problem(OPTIONS.get(key, key), key, message))
    if problems:
        raise InvalidRecord(_("invalid answers: nothing was written"), problems)
    return data


def profile_text(answers: Answers, data: dict[str, Any]) -> str:
    """The profile as YAML (the safe dumper: every answer is text, quoted as needed) under a comment header."""
    name = " ".join(" ".join(data["ten_co_quan"]).split())
    head = (f"# Hồ sơ cơ quan ban hành: {name} (tạo ngày {dt.date.today():%d/%m/%Y}).\n"
            f"# Bản ghi văn bản gọi hồ sơ này bằng \"co_quan: {answers.ma}\". Sửa được bằng tay; kiểm tra lại bằng\n"
            "# 'correspondence check' một bản ghi bất kỳ.\n")
    return head + str(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000))


def init(root: Path, answers: Answers, explicit: str | None = None) -> Initialised:
    """Write the profile, make the folders, create the register; refuse before writing when anything is wrong or
    already there."""
    if not PROFILE_NAME.fullmatch(answers.ma):
        raise InvalidRecord(_("invalid answers: nothing was written"), [Problem("--ma", "ma", _(
            "'{name}' cannot name a file: use letters without diacritics, digits and '-', e.g. ubnd-quang-ninh").format(
            name=answers.ma))])
    target = root / "registers" / f"{answers.ma}.yaml"
    if target.exists():
        raise InvalidRecord(_("invalid answers: nothing was written"), [Problem(shown(target), "", _(
            "the profile already exists: edit it, or choose another --ma"))])
    where = sqlite_path(register_url(root, answers.ma, explicit))
    if where is not None and where.exists():
        raise InvalidRecord(_("invalid answers: nothing was written"), [Problem(shown(where), "", _(
            "a register is already there"))])
    data = profile_data(answers)
    made = [root / folder for folder in ("registers", "templates", "output") if not (root / folder).exists()]
    for folder in made:
        folder.mkdir()
    storage.write_new(target, profile_text(answers, data).encode("utf-8"))
    try:
        _read_back(target, data)
        return Initialised(target, registers.init(root, answers.ma, explicit))
    except BaseException:  # no register (a server out of reach, a refused URL): take back what was written
        target.unlink(missing_ok=True)
        for folder in made:
            if not any(folder.iterdir()):
                folder.rmdir()
        raise


def _read_back(target: Path, data: dict[str, Any]) -> None:
    """The profile just written, read again as any command will read it: valid, and holding exactly the answers."""
    profile, problems = load_agency(target)
    if profile is not None and not problems:
        try:
            same = yaml.safe_load(target.read_text("utf-8")) == data
        except yaml.YAMLError:
            same = False
        if not same:
            problems = [Problem(shown(target), "", _("the profile read back differs from the answers"))]
    if profile is None or problems:
        raise InvalidRecord(_("the profile written does not read back: nothing was kept"), problems or [
            Problem(shown(target), "", _("the profile read back differs from the answers"))])
