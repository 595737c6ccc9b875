"""Turn the text of issued and received documents into the register's full-text index, and words typed by a clerk
into the rows that hold them, the latest first: FTS5 on SQLite, a GIN index on PostgreSQL, over the same folded
words (``words.py``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Integer, Table, and_, func, literal_column, select, text

from correspondence.register.connection import Database
from correspondence.register.rows import Entry, Incoming, entry_of, incoming_of
from correspondence.register.tables import entries_t, filed_den_t, filed_t, incoming_t, text_den_t, text_t
from correspondence.register.words import bounded, index_words


class SearchIndex(Database):
    """The full-text index of both books and the searches over it."""

    def _index(self, conn: Connection, table: Table, row_id: int, agency: str, full_text: str,
               metadata: str = "") -> None:
        """Keep a document's text for search (its first ``TEXT_LIMIT`` characters) and index its words and those of
        ``metadata`` (its number), bounded so that every engine takes them."""
        kept = bounded(full_text)
        words = index_words(f"{metadata}\n{kept}" if metadata else kept)
        key = "entry_id" if table is text_t else "den_id"
        conn.execute(table.insert().values({key: row_id, "agency": agency, "tu_khoa": words, "toan_van": kept}))
        if self.sqlite:
            index = "tim_kiem_fts" if table is text_t else "tim_kiem_den_fts"
            conn.execute(text(f"INSERT INTO {index} (rowid, tu_khoa) VALUES (:id, :words)"), {"id": row_id, "words": words})

    def _words_match(self, index: str, key: Any, words: list[str], prefixes: list[str], before: int | None,
                     limit: int | None) -> Any:
        """The condition "the row's folded words hold every one of ``words`` and a word starting with each of
        ``prefixes``" (rows before ``before`` only, when given): its FTS5 ``index`` on SQLite (walking the matches
        newest first and stopping at ``limit`` when given), the GIN index on PostgreSQL."""
        if self.sqlite:
            query = " ".join([*(f'"{w}"' for w in words), *(f'"{p}"*' for p in prefixes)])
            params: dict[str, Any] = {"q": query}
            if before is not None:
                params["b"] = before
            if limit is not None:
                params["n"] = limit
            matched = text(f"SELECT rowid FROM {index} WHERE {index} MATCH :q"
                           + ("" if before is None else " AND rowid < :b") + " ORDER BY rowid DESC"
                           + ("" if limit is None else " LIMIT :n")).bindparams(**params).columns(
                rowid=Integer).subquery()
            return key.in_(select(matched.c.rowid))
        stored: Any = literal_column(f"{key.table.name}.tu_khoa_tsv")  # to_tsvector('simple', tu_khoa), kept (v11)
        condition = stored.op("@@")(func.to_tsquery("simple", " & ".join([*words, *(f"{p}:*" for p in prefixes)])))
        return condition if before is None else and_(condition, key < before)

    def search(self, agency: str, words: list[str], year: int | None = None, kind: str | None = None,
               ho_so: int | None = None, period: tuple[str, str] | None = None, limit: int = 1000,
               prefixes: list[str] | None = None, before: int | None = None) -> list[tuple[Entry, str, str]]:
        """Documents whose indexed words hold every one of ``words`` (folded) and words starting with each of
        ``prefixes``, the last issued first (those before the row ``before`` when given), at most ``limit``: each row,
        its folded words and its text."""
        filtered = year is not None or kind is not None or ho_so is not None or period is not None
        condition = self._words_match("tim_kiem_fts", text_t.c.entry_id, words, prefixes or [], before,
                                      None if filtered else limit)
        query = (select(entries_t, text_t.c.tu_khoa, text_t.c.toan_van)
                 .join(text_t, text_t.c.entry_id == entries_t.c.id)
                 .where(and_(text_t.c.agency == agency, condition)))
        if year is not None:
            query = query.where(entries_t.c.year == year)
        if kind is not None:
            query = query.where(entries_t.c.kind == kind)
        if period is not None:
            query = query.where(and_(entries_t.c.ngay >= period[0], entries_t.c.ngay <= period[1]))
        if ho_so is not None:
            query = query.where(entries_t.c.id.in_(select(filed_t.c.entry_id).where(filed_t.c.ho_so_id == ho_so)))
        query = query.order_by(entries_t.c.id.desc()).limit(limit)
        with self.engine.connect() as conn:
            return [(entry_of(row), row.tu_khoa, row.toan_van) for row in conn.execute(query)]

    def search_incoming(self, agency: str, words: list[str], year: int | None = None, ho_so: int | None = None,
                        period: tuple[str, str] | None = None, limit: int = 1000, prefixes: list[str] | None = None,
                        before: int | None = None) -> list[tuple[Incoming, str, str]]:
        """Received documents whose indexed words hold every one of ``words`` (and ``prefixes``), the last received
        first."""
        filtered = year is not None or ho_so is not None or period is not None
        condition = self._words_match("tim_kiem_den_fts", text_den_t.c.den_id, words, prefixes or [], before,
                                      None if filtered else limit)
        query = (select(incoming_t, text_den_t.c.tu_khoa, text_den_t.c.toan_van)
                 .join(text_den_t, text_den_t.c.den_id == incoming_t.c.id)
                 .where(and_(text_den_t.c.agency == agency, condition)))
        if year is not None:
            query = query.where(incoming_t.c.year == year)
        if period is not None:
            query = query.where(and_(incoming_t.c.ngay_den >= period[0], incoming_t.c.ngay_den <= period[1]))
        if ho_so is not None:
            query = query.where(incoming_t.c.id.in_(select(filed_den_t.c.den_id).where(filed_den_t.c.ho_so_id == ho_so)))
        query = query.order_by(incoming_t.c.id.desc()).limit(limit)
        with self.engine.connect() as conn:
            return [(incoming_of(row), row.tu_khoa, row.toan_van) for row in conn.execute(query)]
