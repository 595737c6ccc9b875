"""Turn a register database of any earlier version into the current schema, one named step at a time.

Each step is applied once, in order, inside a transaction, and recorded in ``schema_migrations``.
A step never drops or rewrites rows: registers are kept for years and upgraded in place.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable

from sqlalchemy import Column, Connection, Integer, MetaData, String, Table, Text, UniqueConstraint, inspect, select, text

from correspondence.records.tables import fold
from correspondence.register.chain import event_hash, row_hash
from correspondence.register.rows import received_hashes
from correspondence.register.words import bounded, index_words, register_text

_bookkeeping = MetaData()
schema_migrations = Table(
    "schema_migrations", _bookkeeping,
    Column("version", Integer, primary_key=True),
    Column("name", String(100), nullable=False),
    Column("applied_at", String(40), nullable=False),
)


def _v1_series_and_entries(conn: Connection) -> None:
    meta = MetaData()
    Table("series", meta,
          Column("agency", String(100), primary_key=True),
          Column("year", Integer, primary_key=True),
          Column("series", String(100), primary_key=True),
          Column("last_number", Integer, nullable=False),
          Column("last_date", String(10)))
    Table("entries", meta,
          Column("id", Integer, primary_key=True, autoincrement=True),
          Column("agency", String(100), nullable=False),
          Column("year", Integer, nullable=False),
          Column("series", String(100), nullable=False),
          Column("number", Integer, nullable=False),
          Column("so_ky_hieu", String(100), nullable=False),
          Column("ngay", String(10), nullable=False),
          Column("ten_loai_trich_yeu", Text, nullable=False),
          Column("nguoi_ky", Text, nullable=False),
          Column("noi_nhan", Text, nullable=False),
          Column("don_vi_nhan_ban_luu", Text, nullable=False),
          Column("so_luong_ban", Integer),
          Column("ngay_chuyen", String(10)),
          Column("ky_nhan", Text),
          Column("ghi_chu", Text),
          Column("kind", String(40), nullable=False),
          Column("status", String(20), nullable=False),
          Column("record_json", Text),
          Column("agency_json", Text),
          Column("files_json", Text),
          Column("issued_at", String(40), nullable=False),
          Column("issued_by", String(100), nullable=False),
          UniqueConstraint("agency", "year", "series", "number", name="uq_entries_number"))
    meta.create_all(conn)


def _v2_events(conn: Connection) -> None:
    meta = MetaData()
    Table("events", meta,
          Column("id", Integer, primary_key=True, autoincrement=True),
          Column("entry_id", Integer, nullable=False, index=True),
          Column("action", String(20), nullable=False),
          Column("at", String(40), nullable=False),
          Column("by", String(100), nullable=False),
          Column("detail", Text))
    meta.create_all(conn)
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_entries_agency_ngay ON entries (agency, year, ngay)"))


def _v3_drafting_unit(conn: Connection) -> None:
    """Entries remember their drafting unit (for ``register list --don-vi``); older rows get it from their record."""
    conn.execute(text("ALTER TABLE entries ADD COLUMN don_vi VARCHAR(40)"))
    rows = conn.execute(text("SELECT id, so_ky_hieu, record_json FROM entries")).fetchall()
    for row in rows:
        unit = None
        if row.record_json:
            unit = json.loads(row.record_json).get("don_vi")
        elif "-" in row.so_ky_hieu:  # an imported công văn: 3018/UBND-XD6
            unit = row.so_ky_hieu.rsplit("-", 1)[1]
        conn.execute(text("UPDATE entries SET don_vi = :unit WHERE id = :id"), {"unit": unit, "id": row.id})


def _v4_chain_leases_closed_years(conn: Connection) -> None:
    """Every event chained to the one before by SHA-256 (older events are chained in their order, each entry's
    last event holding its row as it is now); entries keep their content hash, a failure reason and the lease of
    the process writing their files; closed years; Số, ký hiệu unique in an agency's year where the register
    allows it (older duplicates stay for verify to report)."""
    for column in ("content_hash VARCHAR(64)", "failure TEXT", "lease VARCHAR(200)"):
        conn.execute(text(f"ALTER TABLE entries ADD COLUMN {column}"))
    for column in ("agency VARCHAR(100)", "prev_hash VARCHAR(64)", "row_hash VARCHAR(64)", "hash VARCHAR(64)"):
        conn.execute(text(f"ALTER TABLE events ADD COLUMN {column}"))
    meta = MetaData()
    Table("chains", meta, Column("agency", String(100), primary_key=True), Column("last_hash", String(64)))
    Table("closed_years", meta, Column("agency", String(100), primary_key=True), Column("year", Integer, primary_key=True),
          Column("at", String(40)), Column("by", String(100)))
    meta.create_all(conn)
    rows = {r.id: r for r in conn.execute(text("SELECT * FROM entries"))}
    for row in rows.values():
        if row.record_json:
            conn.execute(text("UPDATE entries SET content_hash = :h WHERE id = :id"),
                         {"h": hashlib.sha256(row.record_json.encode("utf-8")).hexdigest(), "id": row.id})
    rows = {r.id: r for r in conn.execute(text("SELECT * FROM entries"))}
    events = list(conn.execute(text("SELECT * FROM events ORDER BY id")))
    last = {e.entry_id: e.id for e in events}
    heads: dict[str, str] = {}
    for item in events:
        found = rows.get(item.entry_id)
        if found is None:
            continue
        row = found
        detail = item.detail if item.detail is not None or item.action not in ("issued", "imported") else row.so_ky_hieu
        hashed = row_hash(row) if last[item.entry_id] == item.id else ""
        prev = heads.get(row.agency, "")
        digest = event_hash(prev, item.entry_id, row.agency, item.action, item.at, item.by, detail, hashed)
        conn.execute(text("UPDATE events SET agency = :a, detail = :d, prev_hash = :p, row_hash = :r, hash = :h "
                          "WHERE id = :id"), {"a": row.agency, "d": detail, "p": prev, "r": hashed, "h": digest,
                                              "id": item.id})
        heads[row.agency] = digest
    for agency, digest in heads.items():
        conn.execute(text("INSERT INTO chains (agency, last_hash) VALUES (:a, :h)"), {"a": agency, "h": digest})
    duplicates = conn.execute(text("SELECT 1 FROM entries GROUP BY agency, year, so_ky_hieu HAVING COUNT(*) > 1")).first()
    if duplicates is None:
        conn.execute(text("CREATE UNIQUE INDEX uq_entries_so_ky_hieu ON entries (agency, year, so_ky_hieu)"))
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_events_agency ON events (agency, id)"))


def _v5_folded_search(conn: Connection) -> None:
    """Each entry keeps its subject, signer and recipients folded (no diacritics, đ as d, lower case), so that
    "Đà Nẵng", "ĐÀ NẴNG", "da nang" find the same rows on SQLite and PostgreSQL alike."""
    conn.execute(text("ALTER TABLE entries ADD COLUMN tim_kiem TEXT"))
    for row in conn.execute(text("SELECT id, ten_loai_trich_yeu, nguoi_ky, noi_nhan FROM entries")).fetchall():
        conn.execute(text("UPDATE entries SET tim_kiem = :t WHERE id = :id"),
                     {"t": fold(" ".join(filter(None, (row.ten_loai_trich_yeu, row.nguoi_ky, row.noi_nhan)))),
                      "id": row.id})


def _v6_replacements(conn: Connection) -> None:
    """A corrected document names the row it replaces (``thay_the``), and the replaced row its replacement
    (``thay_the_boi``): entry ids, both ways."""
    conn.execute(text("ALTER TABLE entries ADD COLUMN thay_the INTEGER"))
    conn.execute(text("ALTER TABLE entries ADD COLUMN thay_the_boi INTEGER"))
    conn.execute(text("CREATE INDEX ix_entries_thay_the ON entries (thay_the)"))


def _v7_ho_so(conn: Connection) -> None:
    """Hồ sơ (case files) of the year's danh mục hồ sơ, and the documents filed in each, in order."""
    meta = MetaData()
    Table("ho_so", meta,
          Column("id", Integer, primary_key=True, autoincrement=True),
          Column("agency", String(100), nullable=False),
          Column("nam", Integer, nullable=False),
          Column("ky_hieu", String(40), nullable=False),
          Column("tieu_de", Text, nullable=False),
          Column("thoi_han", String(20), nullable=False),
          Column("don_vi", Text),
          Column("nguoi_lap", Text),
          Column("status", String(10), nullable=False),
          Column("mo_luc", String(40), nullable=False),
          Column("dong_luc", String(40)),
          UniqueConstraint("agency", "nam", "ky_hieu", name="uq_ho_so"))
    Table("ho_so_van_ban", meta,
          Column("ho_so_id", Integer, primary_key=True),
          Column("entry_id", Integer, primary_key=True),
          Column("thu_tu", Integer, nullable=False),
          Column("them_luc", String(40), nullable=False))
    meta.create_all(conn)


def _v8_full_text(conn: Connection) -> None:
    """The text of every document issued from now on, folded into words (no diacritics, đ as d) for full-text search:
    an FTS5 index on SQLite, a GIN index over the same words on PostgreSQL; the same words give the same matches."""
    conn.execute(text("CREATE TABLE tim_kiem_van_ban (entry_id INTEGER PRIMARY KEY, agency VARCHAR(100) NOT NULL, "
                      "tu_khoa TEXT NOT NULL, toan_van TEXT NOT NULL)"))
    if conn.dialect.name == "sqlite":
        conn.execute(text("CREATE VIRTUAL TABLE tim_kiem_fts USING fts5(tu_khoa, content='tim_kiem_van_ban', "
                          "content_rowid='entry_id', tokenize='unicode61')"))
    else:
        conn.execute(text("CREATE INDEX ix_tim_kiem_van_ban ON tim_kiem_van_ban USING GIN "
                          "(to_tsvector('simple', tu_khoa))"))


def _v9_incoming(conn: Connection) -> None:
    """The sổ đăng ký văn bản đến (PL IV): one yearly sequence of số đến in order of receipt (secret documents apart),
    the ten columns, the received file and its SHA-256."""
    meta = MetaData()
    Table("van_ban_den", meta,
          Column("id", Integer, primary_key=True, autoincrement=True),
          Column("agency", String(100), nullable=False),
          Column("year", Integer, nullable=False),
          Column("series", String(100), nullable=False),
          Column("number", Integer, nullable=False),
          Column("ngay_den", String(10), nullable=False),
          Column("tac_gia", Text, nullable=False),
          Column("so_ky_hieu", String(100)),
          Column("ngay_van_ban", String(10)),
          Column("trich_yeu", Text, nullable=False),
          Column("don_vi_nhan", Text),
          Column("ngay_chuyen", String(10)),
          Column("ky_nhan", Text),
          Column("ghi_chu", Text),
          Column("do_mat", String(20)),
          Column("do_khan", String(20)),
          Column("status", String(20), nullable=False),
          Column("files_json", Text),
          Column("received_at", String(40), nullable=False),
          Column("received_by", String(100), nullable=False),
          UniqueConstraint("agency", "year", "series", "number", name="uq_van_ban_den_number"))
    meta.create_all(conn)


def _v10_incoming_filed_and_searched(conn: Connection) -> None:
    """Received documents filed in hồ sơ beside issued ones, and their words searched like theirs."""
    conn.execute(text("CREATE TABLE ho_so_van_ban_den (ho_so_id INTEGER NOT NULL, den_id INTEGER NOT NULL, "
                      "thu_tu INTEGER NOT NULL, them_luc VARCHAR(40) NOT NULL, PRIMARY KEY (ho_so_id, den_id))"))
    conn.execute(text("CREATE TABLE tim_kiem_den (den_id INTEGER PRIMARY KEY, agency VARCHAR(100) NOT NULL, "
                      "tu_khoa TEXT NOT NULL, toan_van TEXT NOT NULL)"))
    if conn.dialect.name == "sqlite":
        conn.execute(text("CREATE VIRTUAL TABLE tim_kiem_den_fts USING fts5(tu_khoa, content='tim_kiem_den', "
                          "content_rowid='den_id', tokenize='unicode61')"))
    else:
        conn.execute(text("CREATE INDEX ix_tim_kiem_den ON tim_kiem_den USING GIN (to_tsvector('simple', tu_khoa))"))


def _v11_stored_search_words(conn: Connection) -> None:
    """PostgreSQL keeps each document's search vector in a stored column under its GIN index: the newest matches are
    checked without rebuilding their vectors from the text (60 ms → under 1 ms over 100,000 documents). SQLite:
    nothing."""
    if conn.dialect.name == "sqlite":
        return
    for table, index in (("tim_kiem_van_ban", "ix_tim_kiem_van_ban"), ("tim_kiem_den", "ix_tim_kiem_den")):
        conn.execute(text(f"ALTER TABLE {table} ADD COLUMN tu_khoa_tsv tsvector "
                          "GENERATED ALWAYS AS (to_tsvector('simple', tu_khoa)) STORED"))
        conn.execute(text(f"DROP INDEX {index}"))
        conn.execute(text(f"CREATE INDEX {index} ON {table} USING GIN (tu_khoa_tsv)"))
        conn.execute(text(f"ANALYZE {table}"))


def _v12_search_rows_without_text_and_numbers(conn: Connection) -> None:
    """Search finds every row of the register: a row without a document's text (imported from an earlier register,
    or issued before version 8) is indexed by its subject, signer, recipients and note; every document by its Số, ký
    hiệu too; the words of each document kept once and bounded (``words.index_words``) so that PostgreSQL takes them."""
    last = 0
    while True:  # in batches: a register of years holds far more text than memory should
        rows = conn.execute(text(
            "SELECT e.id, e.agency, e.so_ky_hieu, e.ten_loai_trich_yeu, e.nguoi_ky, e.noi_nhan, e.don_vi_nhan_ban_luu, "
            "e.ghi_chu, t.toan_van FROM entries e LEFT JOIN tim_kiem_van_ban t ON t.entry_id = e.id WHERE e.id > :last "
            "ORDER BY e.id LIMIT 500"), {"last": last}).fetchall()
        if not rows:
            break
        for row in rows:
            if row.toan_van is None:
                kept = register_text(row._asdict())
                conn.execute(text("INSERT INTO tim_kiem_van_ban (entry_id, agency, tu_khoa, toan_van) "
                                  "VALUES (:id, :agency, :words, :text)"),
                             {"id": row.id, "agency": row.agency, "text": kept,
                              "words": index_words(f"{row.so_ky_hieu}\n{kept}")})
            else:
                kept = bounded(row.toan_van)
                conn.execute(text("UPDATE tim_kiem_van_ban SET tu_khoa = :words, toan_van = :text WHERE entry_id = :id"),
                             {"id": row.id, "text": kept, "words": index_words(f"{row.so_ky_hieu}\n{kept}")})
        last = rows[-1].id
    last = 0
    while True:
        rows = conn.execute(text("SELECT den_id, toan_van FROM tim_kiem_den WHERE den_id > :last ORDER BY den_id "
                                 "LIMIT 500"), {"last": last}).fetchall()
        if not rows:
            break
        for row in rows:
            kept = bounded(row.toan_van)
            conn.execute(text("UPDATE tim_kiem_den SET tu_khoa = :words, toan_van = :text WHERE den_id = :id"),
                         {"id": row.den_id, "text": kept, "words": index_words(kept)})
        last = rows[-1].den_id
    if conn.dialect.name == "sqlite":
        for index in ("tim_kiem_fts", "tim_kiem_den_fts"):
            conn.execute(text(f"INSERT INTO {index} ({index}) VALUES ('rebuild')"))
    else:
        conn.execute(text("ANALYZE tim_kiem_van_ban"))
        conn.execute(text("ANALYZE tim_kiem_den"))


def _v13_incoming_handling(conn: Connection) -> None:
    """The life of a received document after its số đến (ND 30 Art. 23–24): each assignment to a unit (or person)
    with its deadline, kept as history, and the outcome, one row each, vouched for by an event of the chain."""
    meta = MetaData()
    Table("xu_ly_den", meta,
          Column("id", Integer, primary_key=True, autoincrement=True),
          Column("agency", String(100), nullable=False),
          Column("den_id", Integer, nullable=False, index=True),
          Column("action", String(20), nullable=False),
          Column("don_vi", Text),
          Column("nguoi", Text),
          Column("han", String(10)),
          Column("ngay", String(10), nullable=False),
          Column("ghi_chu", Text),
          Column("at", String(40), nullable=False),
          Column("by", String(100), nullable=False))
    meta.create_all(conn)


def _v14_accounts(conn: Connection) -> None:
    """The accounts of the office's desk: name, role, password hash (argon2), state; each change an event."""
    meta = MetaData()
    Table("nguoi_dung", meta,
          Column("id", Integer, primary_key=True, autoincrement=True),
          Column("agency", String(100), nullable=False),
          Column("ten", String(100), nullable=False),
          Column("vai_tro", String(20), nullable=False),
          Column("mat_khau", Text, nullable=False),
          Column("status", String(10), nullable=False),
          Column("tao_luc", String(40), nullable=False),
          Column("tao_boi", String(100), nullable=False),
          UniqueConstraint("agency", "ten", name="uq_nguoi_dung"))
    meta.create_all(conn)


def _v15_content_and_pending_indexes(conn: Connection) -> None:
    """What every issue asks is found through an index, not by reading the year's rows: the rows issued from a
    record's very content (asked once per record: once per row of a mail merge; 57 ms a question on a register of
    20,000 rows a year) and the rows left pending (asked once per issue: of the rows without files only)."""
    conn.execute(text("CREATE INDEX ix_entries_content ON entries (agency, year, content_hash)"))
    conn.execute(text("CREATE INDEX ix_entries_pending ON entries (agency, id) WHERE files_json IS NULL"))


def _v16_received_files(conn: Connection) -> None:
    """The hash of each file a received row keeps, in a table of its own with an index (``tep_den``): whether a file
    was received before was a search through every received row's files (14 ms over 30,000 receipts, each receipt).
    Filled from the rows' files, in batches."""
    meta = MetaData()
    Table("tep_den", meta, Column("den_id", Integer, primary_key=True), Column("sha256", String(64), primary_key=True),
          Column("agency", String(100)))
    meta.create_all(conn)
    conn.execute(text("CREATE INDEX ix_tep_den_sha256 ON tep_den (agency, sha256)"))
    last = 0
    while True:
        rows = conn.execute(text("SELECT id, agency, files_json FROM van_ban_den WHERE id > :last ORDER BY id LIMIT 500"),
                            {"last": last}).fetchall()
        if not rows:
            break
        kept = [{"id": row.id, "sha256": digest, "agency": row.agency} for row in rows
                for digest in received_hashes(row.files_json)]
        if kept:
            conn.execute(text("INSERT INTO tep_den (den_id, sha256, agency) VALUES (:id, :sha256, :agency)"), kept)
        last = rows[-1].id


MIGRATIONS: tuple[tuple[int, str, Callable[[Connection], None]], ...] = (
    (1, "series and entries", _v1_series_and_entries),
    (2, "events and date index", _v2_events),
    (3, "drafting unit of each entry", _v3_drafting_unit),
    (4, "chained events, leases, closed years, unique number and symbol", _v4_chain_leases_closed_years),
    (5, "folded text for search", _v5_folded_search),
    (6, "links between a correction and the document it replaces", _v6_replacements),
    (7, "hồ sơ and the documents filed in them", _v7_ho_so),
    (8, "full-text search of issued documents", _v8_full_text),
    (9, "the register of incoming documents", _v9_incoming),
    (10, "received documents in hồ sơ and in search", _v10_incoming_filed_and_searched),
    (11, "stored search vectors on PostgreSQL", _v11_stored_search_words),
    (12, "search: rows without text, numbers, bounded words", _v12_search_rows_without_text_and_numbers),
    (13, "assignment and outcome of received documents", _v13_incoming_handling),
    (14, "accounts of the desk", _v14_accounts),
    (15, "indexes of a record's content and of the pending rows", _v15_content_and_pending_indexes),
    (16, "the hashes of the received files", _v16_received_files),
)
CURRENT = MIGRATIONS[-1][0]


def applied(conn: Connection) -> set[int]:
    if not inspect(conn).has_table("schema_migrations"):
        return set()
    return {row.version for row in conn.execute(select(schema_migrations.c.version))}


def upgrade(conn: Connection, target: int = CURRENT) -> list[int]:
    """Apply the missing steps up to ``target`` on ``conn`` (inside the caller's transaction)."""
    _bookkeeping.create_all(conn)
    done = applied(conn)
    ran = []
    for version, name, step in MIGRATIONS:
        if version > target or version in done:
            continue
        step(conn)
        conn.execute(schema_migrations.insert().values(
            version=version, name=name, applied_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds")))
        ran.append(version)
    return ran
