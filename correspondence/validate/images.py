"""Turn the pictures an agency profile names (each signer's handwritten signature, the seal) into problems: a file
that is missing, not a PNG, or not transparent (ND 30 PL I Phần I Mục II khoản 7.d, 8.a: "định dạng (.png) nền
trong suốt"), and a seal whose real size can be known neither from ``con_dau_mm`` nor from the PNG's resolution.

Pillow (which pikepdf already needs) is imported only when a profile names a picture."""

from __future__ import annotations

from pathlib import Path

from correspondence.errors import Problem
from correspondence.i18n import _
from correspondence.records.loader import Located
from correspondence.validate.schema import SEAL_MM, CoQuan

MM_PER_INCH = 25.4


def picture_path(base: Path, name: str) -> Path:
    """Where a picture named in a profile is: relative to the profile's folder unless absolute."""
    path = Path(name).expanduser()
    return path if path.is_absolute() else base / path


def seal_size_mm(path: Path, declared: float | None) -> float | None:
    """The seal's real width in mm: as declared (``con_dau_mm``), else from the PNG's resolution (None: unknown)."""
    if declared is not None:
        return declared
    from PIL import Image

    with Image.open(path) as image:
        dpi = image.info.get("dpi")
        width = image.width
    if not dpi or not dpi[0] or float(dpi[0]) <= 1:
        return None
    return width / float(dpi[0]) * MM_PER_INCH


def _picture_problem(path: Path) -> str | None:
    """What is wrong with a picture to sign with, or None."""
    from PIL import Image, UnidentifiedImageError

    if not path.is_file():
        return _("file not found: {path}").format(path=path)
    try:
        with Image.open(path) as image:
            if image.format != "PNG":
                return _("not a PNG picture ({kind}): save it as PNG with a transparent background").format(
                    kind=image.format or "?")
            image.load()
            if image.mode not in ("RGBA", "LA", "PA") and "transparency" not in image.info:
                return _("the picture has no transparent background (no alpha channel)")
            alpha = image.convert("RGBA").getchannel("A")
            if alpha.getextrema()[0] == 255:
                return _("the picture has no transparent background (every pixel is opaque)")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return _("not a PNG picture: save it as PNG with a transparent background")
    return None


def check(located: Located, agency: CoQuan, base: Path) -> list[Problem]:
    """Every problem of the pictures ``agency`` names, located at their field; ``base``: the profile's folder."""
    problems = []
    hint = _("a PNG with a transparent background, its path relative to the profile's folder")
    for key, signer in agency.nguoi_ky.items():
        if signer.chu_ky is None:
            continue
        found = _picture_problem(picture_path(base, signer.chu_ky))
        if found:
            problems.append(Problem(located.where(("nguoi_ky", key, "chu_ky")), f"nguoi_ky.{key}.chu_ky", found, hint))
    if agency.con_dau is not None:
        path = picture_path(base, agency.con_dau)
        found = _picture_problem(path)
        if found:
            problems.append(Problem(located.where(("con_dau",)), "con_dau", found, hint))
        elif agency.con_dau_mm is None:
            size = seal_size_mm(path, None)
            if size is None or not SEAL_MM[0] <= size <= SEAL_MM[1]:
                problems.append(Problem(located.where(("con_dau",)), "con_dau", _(
                    "the seal's real size is unknown: the PNG gives no resolution, or one making it {size} mm wide")
                    .format(size="?" if size is None else f"{size:.0f}"), _(
                    "give its diameter in mm with con_dau_mm (for example con_dau_mm: 36)")))
    return problems
