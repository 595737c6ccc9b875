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
from correspondence.register.store import Entry, Incoming, words_of
from correspondence.workspace import find_root

CANDIDATES = 300  # matches ranked at most, the last issued: a clerk reads the first screen, not the ten-thousandth hit


@dataclass(frozen=True)
class Hit:
    """A document found, issued or received: its register row, its score and the line that matches best."""

    entry: Entry | Incoming
    score: int
    line: str

    @property
    def so_ky_hieu(self) -> str:
        """Its number: ``3018/UBND-XD6``, or ``Đến 5 (123/STC-NS)`` for a received one."""
        if isinstance(self.entry, Incoming):
            return f"Đến {self.entry.number}" + (f" ({self.entry.so_ky_hieu})" if self.entry.so_ky_hieu else "")
        return self.entry.so_ky_hieu

    @property
    def ngay(self) -> str:
        return self.entry.ngay_den if isinstance(self.entry, Incoming) else self.entry.ngay

    @property
    def ten(self) -> str:
        if isinstance(self.entry, Incoming):
            return f"{self.entry.tac_gia}: {self.entry.trich_yeu}"
        return self.entry.ten_loai_trich_yeu


def _day(item: Entry | Incoming) -> str:
    return item.ngay_den if isinstance(item, Incoming) else item.ngay


def _best_line(full_text: str, words: list[str]) -> str:
    lines = full_text.splitlines() or [""]
    wanted = set(words)
    scores = [len(wanted.intersection(words_of(line))) for line in lines]
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
        days = (period[0].isoformat(), period[1].isoformat()) if period else None
        found: list[tuple[Entry | Incoming, str, str]] = [
            *register.search(agency, words, nam, loai, file_id, days, CANDIDATES),
            *(register.search_incoming(agency, words, nam, file_id, days, CANDIDATES) if loai is None else [])]
        register.record_access(agency, f"search {' '.join(words)} → {len(found)}")
    scored = []
    for entry, folded, full_text in found:
        counts = Counter(folded.split())
        scored.append((sum(counts[w] for w in words), entry, full_text))
    scored.sort(key=lambda item: (_day(item[1]), item[1].id), reverse=True)  # the latest first among equals
    scored.sort(key=lambda item: -item[0])
    return [Hit(entry, score, _best_line(full_text, words)) for score, entry, full_text in scored[:limit]]
