"""Turn a clerk's words into the issued and received documents that hold them, best first, with the line that
holds them.

- Every word is required, whole (``dịch`` is not ``dịch vụ``'s prefix ``dị``; ``dị*`` asks for a prefix).
- Words in quotes (or one shell argument with spaces, or joined by punctuation like ``02/UBND-XD6``) form a phrase:
  adjacent, in order, within one line.
- Any case. A query typed without diacritics ignores them (``dich`` finds ``dịch`` and ``đích``); a query typed with
  diacritics — any of its words — matches them exactly (``dịch`` is not ``đích``, ``giao nhiệm vụ`` is not
  ``Giáo``), wherever the tone mark was written (``hoà`` is ``hòa``).
- Ranked by how often the words occur, then newest. The databases (SQLite FTS5, PostgreSQL GIN) find the documents
  holding the folded words; the tool then checks the exact words and phrases on their text, the same on both."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from correspondence.errors import UsageError
from correspondence.i18n import _
from correspondence.register.store import FAILED, VOIDED, Entry, Incoming
from correspondence.register.words import exact_word, exact_words, fold_word, has_diacritics, words_of
from correspondence.registers import find_ho_so, open_register
from correspondence.workspace import find_root

CANDIDATES = 300  # matches ranked at most, the last issued: a clerk reads the first screen, not the ten-thousandth hit
EXAMINED = 3000  # documents holding the folded words checked at most for exact words and phrases (newest first)
_TYPED_WORD = re.compile(r"((?:[a-z0-9\u0111][\u0300-\u036f]*)+)(\*?)")


@dataclass(frozen=True)
class Word:
    """A word of the query: folded, exact (letters with their marks, tone), and whether it is a prefix (``dị*``)."""

    folded: str
    exact: tuple[str, str]
    prefix: bool


Term = tuple[Word, ...]  # a word, or a phrase: words adjacent and in order


def terms_of(query: str | Sequence[str]) -> list[Term]:
    """The words and phrases of a query: a phrase in quotes, or a shell argument holding spaces, or words joined by
    punctuation (``02/UBND-XD6``); ``*`` after a word asks for a prefix."""
    if not isinstance(query, str):
        query = " ".join(f'"{arg}"' if len(arg.split()) > 1 and '"' not in arg else arg for arg in query)
    terms: list[Term] = []
    for index, part in enumerate(query.split('"')):
        chunks = [part] if index % 2 else part.split()
        for chunk in chunks:
            words = tuple(Word(fold_word(typed), exact_word(typed), bool(star))
                          for typed, star in _TYPED_WORD.findall(unicodedata.normalize("NFD", chunk.lower())))
            if words and words not in terms:
                terms.append(words)
    return terms


@dataclass(frozen=True)
class Hit:
    """A document found, issued or received: its register row, its score and the line that matches best."""

    entry: Entry | Incoming
    score: int
    line: str
    trang_thai: str = ""  # "đã hủy: …" for a voided document, "" for a valid one

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


def _matches(word: Word, exact: bool) -> tuple[Any, Callable[[Any], bool] | None]:
    """A query word as compared with a text's words: the key it equals, or a test (for a prefix)."""
    if not exact:
        return word.folded, (lambda w: w.startswith(word.folded)) if word.prefix else None
    shape, tone = word.exact
    if word.prefix:
        return word.exact, lambda w: w[0].startswith(shape) and (not tone or w[1] == tone)
    return word.exact, None


def _count(words: list[Any], term: list[tuple[Any, Callable[[Any], bool] | None]]) -> int:
    """How many times the term (a word, or a phrase) occurs in the words of a line."""
    if len(term) == 1:
        key, test = term[0]
        return words.count(key) if test is None else sum(1 for w in words if test(w))

    def at(i: int, j: int) -> bool:
        key, test = term[j]
        return words[i + j] == key if test is None else test(words[i + j])
    return sum(1 for i in range(len(words) - len(term) + 1) if all(at(i, j) for j in range(len(term))))


def _check(metadata: str, full_text: str, subject: str, terms: list[list[tuple[Any, Callable[[Any], bool] | None]]],
           exact: bool) -> tuple[int, str] | None:
    """The score of a document and its best line (the one holding the most of the terms, first of equals; the subject
    when only its number holds them), or None when a term is nowhere."""
    split = exact_words if exact else words_of
    lines = full_text.splitlines()
    found = [0] * len(terms)
    best, best_line = 0, subject
    for number, line in enumerate([metadata, *lines]):
        words = split(line)
        if not words:
            continue
        counts = [_count(words, term) for term in terms]
        found = [a + b for a, b in zip(found, counts, strict=True)]
        held = sum(1 for c in counts if c)
        if number and held > best:
            best, best_line = held, line
    return (sum(found), best_line) if all(found) else None


def search(workspace: Path | None, text: str | Sequence[str], nam: int | None = None, loai: str | None = None,
           ho_so: str | None = None, period: tuple[dt.date, dt.date] | None = None, agency: str | None = None,
           register_url: str | None = None, limit: int = 20) -> list[Hit]:
    """The documents holding every word and phrase of ``text`` (a query, or the command line's arguments), best first
    (then newest)."""
    terms = terms_of(text)
    if not terms:
        raise UsageError(_("give words to search for, e.g. 'dịch vụ công'"))
    exact = has_diacritics(text if isinstance(text, str) else " ".join(text))
    matchers = [[_matches(word, exact) for word in term] for term in terms]
    words = list(dict.fromkeys(w.folded for term in terms for w in term if not w.prefix))
    prefixes = list(dict.fromkeys(w.folded for term in terms for w in term if w.prefix))
    register, agency = open_register(workspace if workspace is not None else find_root(), agency, register_url)
    scored: list[tuple[int, Entry | Incoming, str]] = []
    with register:
        file_id = find_ho_so(register, agency, ho_so, None).id if ho_so is not None else None
        days = (period[0].isoformat(), period[1].isoformat()) if period else None
        sources: list[Callable[[int | None], list[Any]]] = [
            lambda before: register.search(agency, words, nam, loai, file_id, days, CANDIDATES, prefixes, before)]
        if loai is None:
            sources.append(lambda before: register.search_incoming(agency, words, nam, file_id, days, CANDIDATES,
                                                                   prefixes, before))
        for fetch in sources:
            kept, examined, before = 0, 0, None
            while kept < CANDIDATES and examined < EXAMINED:
                page = fetch(before)
                for entry, _folded, full_text in page:
                    metadata = entry.so_ky_hieu if isinstance(entry, Entry) else ""
                    subject = entry.trich_yeu if isinstance(entry, Incoming) else entry.ten_loai_trich_yeu
                    checked = _check(metadata, full_text, subject, matchers, exact)
                    if checked is not None and kept < CANDIDATES:
                        scored.append((checked[0], entry, checked[1]))
                        kept += 1
                examined += len(page)
                if len(page) < CANDIDATES:
                    break
                before = page[-1][0].id
        replacements = {e.thay_the_boi: register.get(e.thay_the_boi).so_ky_hieu for _s, e, _l in scored
                        if isinstance(e, Entry) and e.thay_the_boi}
        register.record_access(agency, f"search {' '.join(' '.join(w.folded for w in t) for t in terms)} → {len(scored)}")
    scored.sort(key=lambda item: (_day(item[1]), item[1].id), reverse=True)  # the latest first among equals
    scored.sort(key=lambda item: -item[0])
    return [Hit(entry, score, line, _state(entry, replacements)) for score, entry, line in scored[:limit]]


def _state(entry: Entry | Incoming, replacements: dict[int, str]) -> str:
    """What a clerk must know before using a document found: voided (why, and what replaces it), never issued."""
    if entry.status == VOIDED:
        note = entry.ghi_chu or ""
        replaced = replacements.get(entry.thay_the_boi) if isinstance(entry, Entry) and entry.thay_the_boi else None
        if replaced and replaced not in note:
            note = f"{note}; " if note else note
            note += _("replaced by {number}").format(number=replaced)
        return _("voided: {reason}").format(reason=note)
    if entry.status == FAILED:
        return _("not issued: {reason}").format(reason=getattr(entry, "failure", "") or "")
    return ""
