"""The pictures an agency profile names for signing: the signer's signature (nguoi_ky.<key>.chu_ky) and the seal
(con_dau): `check` refuses one that is missing, not a PNG or not transparent, located at its field."""

from __future__ import annotations

from pathlib import Path

from correspondence import api
from tests.signing.conftest import seal_png, signature_png


def _problems(workspace: Path) -> list[str]:
    return [str(p) for p in api.check([workspace / "examples" / "cong-van-3018.yaml"], workspace)]


def _line(profile: Path, text: str) -> int:
    return next(n for n, line in enumerate(profile.read_text("utf-8").splitlines(), 1) if text in line)


def test_a_profile_with_its_pictures_passes(signing_workspace: Path) -> None:
    assert _problems(signing_workspace) == []


def test_a_missing_signature_picture_is_located(signing_workspace: Path) -> None:
    (signing_workspace / "registers" / "chu-ky" / "dang-huy-hau.png").unlink()
    profile = signing_workspace / "registers" / "ubnd-quang-ninh.yaml"
    line = _line(profile, "chu_ky:")
    problems = _problems(signing_workspace)
    assert len(problems) == 1
    assert problems[0].startswith(f"registers/ubnd-quang-ninh.yaml:{line}: nguoi_ky.dang_huy_hau.chu_ky: ")
    assert "dang-huy-hau.png" in problems[0]


def test_a_picture_that_is_not_png_is_refused(signing_workspace: Path) -> None:
    from PIL import Image

    Image.new("RGB", (50, 20), "white").save(signing_workspace / "registers" / "con-dau.png", "JPEG")
    line = _line(signing_workspace / "registers" / "ubnd-quang-ninh.yaml", "con_dau:")
    problems = _problems(signing_workspace)
    assert len(problems) == 1
    assert problems[0].startswith(f"registers/ubnd-quang-ninh.yaml:{line}: con_dau: ")
    assert "JPEG" in problems[0] and "PNG" in problems[0]


def test_an_opaque_picture_is_refused(signing_workspace: Path) -> None:
    signature_png(signing_workspace / "registers" / "chu-ky" / "dang-huy-hau.png", opaque=True)
    problems = _problems(signing_workspace)
    assert len(problems) == 1 and "nguoi_ky.dang_huy_hau.chu_ky" in problems[0]
    assert "trong suốt" in problems[0]


def test_a_picture_without_alpha_is_refused(signing_workspace: Path) -> None:
    from PIL import Image

    Image.new("RGB", (50, 20), "white").save(signing_workspace / "registers" / "chu-ky" / "dang-huy-hau.png", "PNG")
    problems = _problems(signing_workspace)
    assert len(problems) == 1 and "nguoi_ky.dang_huy_hau.chu_ky" in problems[0]


def test_the_seal_size_comes_from_the_png_resolution_or_is_asked_for(signing_workspace: Path) -> None:
    profile = signing_workspace / "registers" / "ubnd-quang-ninh.yaml"
    profile.write_text(profile.read_text("utf-8").replace("con_dau_mm: 36\n", ""), "utf-8")
    seal_png(signing_workspace / "registers" / "con-dau.png", pixels=425, dpi=300)  # 36 mm at 300 dpi
    assert _problems(signing_workspace) == []
    seal_png(signing_workspace / "registers" / "con-dau.png", pixels=425)
    problems = _problems(signing_workspace)
    assert len(problems) == 1 and "con_dau_mm" in problems[0]
