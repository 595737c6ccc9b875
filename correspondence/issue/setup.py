"""Turn a few answers about an agency into a working workspace: its profile ``registers/<mã>.yaml`` (from a sample
profile shipped with the tool, or from nothing), the ``templates/`` and ``output/`` folders and its register.

Everything is checked before anything is written: an answer missing or wrong is named by its option."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from correspondence import archive
from correspondence.errors import InvalidRecord, Problem
from correspondence.i18n import _
from correspondence.issue import registry
from correspondence.records.tables import identifier
from correspondence.register.store import sqlite_path
from correspondence.validate.loading import PROFILE_NAME
from correspondence.validate.schema import CoQuan
from correspondence.workspace import register_url, shown, template_dirs

PLACEHOLDER = "…"
# The option that answers each field of the profile.
OPTIONS = {"ten_co_quan": "--ten", "ten_co_quan_chu_quan": "--chu-quan", "viet_tat": "--viet-tat",
           "dia_danh": "--dia-danh", "thu_truong": "--thu-truong", "tap_the": "--tap-the", "don_vi": "--don-vi",
           "nguoi_ky": "--nguoi-ky"}


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


@dataclass(frozen=True)
class Initialised:
    profile: Path
    register: str


def samples() -> dict[str, Path]:
    """The sample profiles shipped with the tool, by name: ``ubnd-tinh``, ``so``, ``ubnd-xa``."""
    folder = template_dirs(None)[-1] / "co-quan"
    return {path.stem: path for path in sorted(folder.glob("*.yaml"))}


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
    problems: list[Problem] = []
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
                       ("thu_truong", answers.thu_truong), ("tap_the", answers.tap_the)):
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
    name = " ".join(data["ten_co_quan"])
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
    archive.write_new(target, profile_text(answers, data).encode("utf-8"))
    try:
        return Initialised(target, registry.init(root, answers.ma, explicit))
    except BaseException:  # no register (a server out of reach, a refused URL): take back what was written
        target.unlink(missing_ok=True)
        for folder in made:
            if not any(folder.iterdir()):
                folder.rmdir()
        raise
