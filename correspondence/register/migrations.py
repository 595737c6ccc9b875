"""Turn a register database of any earlier version into the current schema, one named step at a time.

Each step is applied once, in order, inside a transaction, and recorded in ``schema_migrations``.
A step never drops or rewrites rows: registers are kept for years and upgraded in place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import Column, Connection, Integer, MetaData, String, Table, Text, UniqueConstraint, inspect, select, text

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
    import json

    conn.execute(text("ALTER TABLE entries ADD COLUMN don_vi VARCHAR(40)"))
    rows = conn.execute(text("SELECT id, so_ky_hieu, record_json FROM entries")).fetchall()
    for row in rows:
        unit = None
        if row.record_json:
            unit = json.loads(row.record_json).get("don_vi")
        elif "-" in row.so_ky_hieu:  # an imported công văn: 3018/UBND-XD6
            unit = row.so_ky_hieu.rsplit("-", 1)[1]
        conn.execute(text("UPDATE entries SET don_vi = :unit WHERE id = :id"), {"unit": unit, "id": row.id})


MIGRATIONS: tuple[tuple[int, str, Callable[[Connection], None]], ...] = (
    (1, "series and entries", _v1_series_and_entries),
    (2, "events and date index", _v2_events),
    (3, "drafting unit of each entry", _v3_drafting_unit),
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
