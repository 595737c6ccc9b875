"""Turn a clerk's words into the issued documents that hold them: case- and diacritic-insensitive (đ as d), every
word required, ranked by how often the words occur, with the line that matches best; the same results on SQLite and
PostgreSQL (the words are folded and split by the tool, the databases only index them)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from correspondence.errors import UsageError
from correspondence.i18n import _
from correspondence.issue import hoso
from correspondence.issue.registry import open_register
from correspondence.register.store import Entry, words_of
from correspondence.workspace import find_root

CANDIDATES = 300  # matches ranked at most, the last issued: a clerk reads the first screen, not the ten-thousandth hit


@dataclass(frozen=True)
class Hit:
    """A document found: its register row, its score and the line that matches best."""

    entry: Entry
    score: int
    line: str


def _best_line(full_text: str, words: list[str]) -> str:
    lines = full_text.splitlines() or [""]
    scores = [sum(1 for w in set(words) if w in set(words_of(line))) for line in lines]
    return lines[max(range(len(lines)), key=lambda i: (scores[i], -i))]


def search(workspace: Path | None, text: str, nam: int | None = None, loai: str | None = None,
           ho_so: str | None = None, period: tuple[dt.date, dt.date] | None = None, agency: str | None = None,
           register_url: str | None = None, limit: int = 20) -> list[Hit]:
    """The documents holding every word of ``text``, best first (then newest)."""
    words = list(dict.fromkeys(words_of(text)))
    if not words:
        raise UsageError(_("give words to search for, e.g. 'dịch vụ công'"))
    register, agency = open_register(workspace if workspace is not None else find_root(), agency, register_url)
    with register:
        file_id = hoso.one(register, agency, ho_so, None).id if ho_so is not None else None
        found = register.search(agency, words, nam, loai, file_id,
                                (period[0].isoformat(), period[1].isoformat()) if period else None, CANDIDATES)
        register.record_access(agency, f"search {' '.join(words)} → {len(found)}")
    scored = []
    for entry, folded, full_text in found:  # newest first already
        counts = Counter(folded.split())
        scored.append((sum(counts[w] for w in words), entry, full_text))
    scored.sort(key=lambda item: -item[0])  # stable: newest first among equals
    return [Hit(entry, score, _best_line(full_text, words)) for score, entry, full_text in scored[:limit]]
