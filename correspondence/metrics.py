"""Turn a string, a size and a style into its printed width, from the fonts shipped with the package (Times New Roman's
widths: the shipped face is metric-compatible with it); and give any face's metrics (advances, ascender, descender).

The shipped faces' metrics are read once from the faces into ``fonts/advances.json`` (``python -m
correspondence.metrics`` writes it again; a test checks that it is what the faces hold): reading a face's tables with
fontTools costs a cold draft more than its layout does."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

FONT_DIR = Path(__file__).resolve().parent / "fonts"
BUNDLED = "Liberation Serif"  # shipped unmodified (SIL OFL), metric-compatible with Times New Roman
FACES = {
    (False, False): "LiberationSerif-Regular.ttf",
    (True, False): "LiberationSerif-Bold.ttf",
    (False, True): "LiberationSerif-Italic.ttf",
    (True, True): "LiberationSerif-BoldItalic.ttf",
}
TABLE = FONT_DIR / "advances.json"
_PT_TO_MM = 25.4 / 72


@dataclass(frozen=True)
class Face:
    """A face's metrics, in its units: each character's advance, the em, the ascender and descender of its ``hhea``
    table (the descender below the baseline, negative), and the advance of a character it lacks (its ``n``'s)."""

    widths: dict[int, int]
    units: int
    ascender: int
    descender: int
    fallback: int


def read_face(path: Path) -> Face:
    """The metrics of the face file ``path``, read from its tables (fontTools)."""
    from fontTools.ttLib import TTFont

    font = TTFont(path, lazy=True)
    try:
        cmap = font.getBestCmap()
        hmtx = font["hmtx"].metrics
        widths = {code: hmtx[name][0] for code, name in cmap.items()}
        return Face(widths, font["head"].unitsPerEm, font["hhea"].ascent, font["hhea"].descent,
                    hmtx[cmap.get(ord("n"), ".notdef")][0])
    finally:
        font.close()


def _encoded(face: Face) -> dict[str, Any]:
    """``face`` as the table holds it: the advances as runs of consecutive characters, ``[first, [advance, …]]``."""
    runs: list[tuple[int, list[int]]] = []
    previous = None
    for code in sorted(face.widths):
        if previous is None or code != previous + 1:
            runs.append((code, []))
        runs[-1][1].append(face.widths[code])
        previous = code
    return {"units": face.units, "ascender": face.ascender, "descender": face.descender, "fallback": face.fallback,
            "runs": runs}


def table_text() -> str:
    """The table of the shipped faces, as ``fonts/advances.json`` holds it."""
    return json.dumps({name: _encoded(read_face(FONT_DIR / name)) for name in sorted(FACES.values())},
                      separators=(",", ":"), sort_keys=True) + "\n"


@lru_cache(maxsize=1)
def _table() -> dict[str, Any]:
    try:
        loaded = json.loads(TABLE.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


@lru_cache(maxsize=8)
def face_metrics(path: Path) -> Face:
    """The metrics of the face file ``path``: a shipped face's from the table, any other's (Times New Roman of the
    machine) read from the file."""
    entry = _table().get(path.name) if path.parent == FONT_DIR else None
    if entry is None:
        return read_face(path)
    widths: dict[int, int] = {}
    for first, advances in entry["runs"]:
        widths.update(zip(range(first, first + len(advances)), advances, strict=True))
    return Face(widths, entry["units"], entry["ascender"], entry["descender"], entry["fallback"])


def text_width(text: str, size: float, bold: bool = False, italic: bool = False) -> float:
    """Width of ``text`` in millimetres at ``size`` points (no kerning: Word and PDF both ignore it here)."""
    import unicodedata

    metrics = face_metrics(FONT_DIR / FACES[(bold, italic)])
    widths, fallback = metrics.widths, metrics.fallback
    total = 0
    for char in unicodedata.normalize("NFC", text):
        if unicodedata.combining(char):
            continue
        total += widths.get(ord(char), fallback)
    return total / metrics.units * size * _PT_TO_MM


if __name__ == "__main__":  # python -m correspondence.metrics: write the shipped faces' table again
    TABLE.write_text(table_text(), "utf-8")
    sys.stdout.write(f"{TABLE}\n")
