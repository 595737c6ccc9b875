"""Turn a text into the words search compares: each word folded (lower case, no diacritics, đ as d) for the index and
for a query typed without diacritics, or kept exact (lower case, its letters' marks and its tone, wherever the tone
mark was put: "hoà" is "hòa") for a query typed with them; and the bounded list of words a register indexes.

The tool splits and folds the words; SQLite (FTS5) and PostgreSQL (GIN over ``to_tsvector('simple', …)``) only index
the folded words it gives them, so both find the same rows."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

# A word: letters a–z, đ and digits, each with the combining marks that follow it (the text decomposed, NFD).
_WORD = re.compile(r"(?:[a-z0-9\u0111][\u0300-\u036f]*)+")
_FOLDED_WORD = re.compile(r"[a-z0-9]+")
_FOLD = {**{code: None for code in range(0x300, 0x370)}, ord("\u0111"): "d"}
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền, sắc, ngã, hỏi, nặng
_NO_TONES = {ord(mark): None for mark in _TONES}

TEXT_LIMIT = 1_000_000  # characters of a document's text kept and searched (about 300 pages); the rest is not indexed
WORD_LIMIT = 100  # characters: a longer "word" (a hash, a base64 run) is not indexed
# Bytes of the folded words indexed per document, at most: PostgreSQL refuses a search vector over 1 MB (each word
# costs its length and up to 6 bytes there); SQLite gets the same words, so both find the same documents.
INDEX_BUDGET = 800_000


def _decomposed_words(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFD", text.lower()))


def words_of(text: str) -> list[str]:
    """The folded words of ``text``, in order: "Đà Nẵng, 2019" → ["da", "nang", "2019"]."""
    return _FOLDED_WORD.findall(unicodedata.normalize("NFD", text.lower()).translate(_FOLD))


def fold_word(decomposed: str) -> str:
    """A word (lower case, NFD) folded: no marks, đ as d."""
    return decomposed.translate(_FOLD)


@functools.lru_cache(maxsize=65536)  # Vietnamese has some 7,000 syllables: a text's words are mostly met before
def exact_word(decomposed: str) -> tuple[str, str]:
    """A word kept exact: its letters with their marks (decomposed, in canonical order) and its tone mark apart (""
    for none), so that the tone is compared wherever it was written."""
    tone = "".join(c for c in decomposed if c in _TONES)
    return (decomposed.translate(_NO_TONES), tone) if tone else (decomposed, "")


def exact_words(text: str) -> list[tuple[str, str]]:
    """The exact words of ``text``, in order: "Hoà giải" → [("hoa", "\\u0300"), ("giai", "\\u0309")]."""
    return [exact_word(word) for word in _decomposed_words(text)]


def has_diacritics(text: str) -> bool:
    """Whether ``text`` was typed with Vietnamese diacritics (any mark, or đ)."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "\u0111" in decomposed or any(unicodedata.combining(c) for c in decomposed)


def bounded(text: str) -> str:
    """The part of a document's text a register keeps and searches: its first ``TEXT_LIMIT`` characters."""
    return text if len(text) <= TEXT_LIMIT else text[:TEXT_LIMIT].rsplit("\n", 1)[0]


def index_words(text: str) -> str:
    """The folded words a register indexes for ``text``: each once, in order of appearance, none longer than
    ``WORD_LIMIT``, until ``INDEX_BUDGET`` is spent (the same on every engine)."""
    seen: dict[str, None] = {}
    spent = 0
    for found in _FOLDED_WORD.finditer(unicodedata.normalize("NFD", bounded(text).lower()).translate(_FOLD)):
        word = found.group()
        if word in seen or len(word) > WORD_LIMIT:
            continue
        spent += len(word) + 6
        if spent > INDEX_BUDGET:
            break
        seen[word] = None
    return " ".join(seen)


def register_text(values: dict[str, Any]) -> str:
    """The text searched of a register row that has no document (imported from an earlier register): its subject,
    signer, recipients, copies kept and note, a line each."""
    return "\n".join(str(values[k]) for k in ("ten_loai_trich_yeu", "nguoi_ky", "noi_nhan", "don_vi_nhan_ban_luu",
                                               "ghi_chu") if values.get(k))
