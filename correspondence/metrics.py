"""Turn a string, a size and a style into its printed width, from the fonts shipped with the package (Times New Roman's
widths: the shipped face is metric-compatible with it)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent / "fonts"
BUNDLED = "Liberation Serif"  # shipped unmodified (SIL OFL), metric-compatible with Times New Roman
FACES = {
    (False, False): "LiberationSerif-Regular.ttf",
    (True, False): "LiberationSerif-Bold.ttf",
    (False, True): "LiberationSerif-Italic.ttf",
    (True, True): "LiberationSerif-BoldItalic.ttf",
}
_PT_TO_MM = 25.4 / 72


@lru_cache(maxsize=4)
def _advances(bold: bool, italic: bool) -> tuple[dict[int, int], int, int]:
    from fontTools.ttLib import TTFont

    font = TTFont(FONT_DIR / FACES[(bold, italic)], lazy=True)
    cmap = font.getBestCmap()
    hmtx = font["hmtx"].metrics
    widths = {code: hmtx[name][0] for code, name in cmap.items()}
    units = font["head"].unitsPerEm
    fallback = hmtx[cmap.get(ord("n"), ".notdef")][0]
    font.close()
    return widths, units, fallback


def text_width(text: str, size: float, bold: bool = False, italic: bool = False) -> float:
    """Width of ``text`` in millimetres at ``size`` points (no kerning: Word and PDF both ignore it here)."""
    import unicodedata

    widths, units, fallback = _advances(bold, italic)
    total = 0
    for char in unicodedata.normalize("NFC", text):
        if unicodedata.combining(char):
            continue
        total += widths.get(ord(char), fallback)
    return total / units * size * _PT_TO_MM
