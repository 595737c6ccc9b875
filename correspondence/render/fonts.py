"""Turn this machine's fonts into the face a PDF embeds, whichever engine lays it out: Times New Roman where the
machine has it, else the shipped Liberation Serif (metric-compatible with it)."""

from __future__ import annotations

from pathlib import Path

from correspondence.metrics import BUNDLED, FACES, FONT_DIR
from correspondence.workspace import times_new_roman


def pdf_face() -> tuple[str, dict[tuple[bool, bool], Path]]:
    """The face PDFs embed and its four files: Times New Roman, which ND 30 names, when this machine has it (every
    office Windows machine does), else the shipped Liberation Serif, metric-compatible with it."""
    found = times_new_roman()
    if found is not None:
        return "Times New Roman", found
    return BUNDLED, {key: FONT_DIR / face for key, face in FACES.items()}
