"""Turn the register's schema into SQLAlchemy Core tables: the books, the chain of events, hồ sơ, the search index,
and the names of the states and actions their rows hold."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table, Text

metadata = MetaData()
series_t = Table("series", metadata,
                 Column("agency", String(100), primary_key=True), Column("year", Integer, primary_key=True),
                 Column("series", String(100), primary_key=True), Column("last_number", Integer, nullable=False),
                 Column("last_date", String(10)))
entries_t = Table("entries", metadata,
                  Column("id", Integer, primary_key=True, autoincrement=True),
                  Column("agency", String(100)), Column("year", Integer), Column("series", String(100)),
                  Column("number", Integer), Column("so_ky_hieu", String(100)), Column("ngay", String(10)),
                  Column("ten_loai_trich_yeu", Text), Column("nguoi_ky", Text), Column("noi_nhan", Text),
                  Column("don_vi_nhan_ban_luu", Text), Column("so_luong_ban", Integer), Column("ngay_chuyen", String(10)),
                  Column("ky_nhan", Text), Column("ghi_chu", Text), Column("kind", String(40)), Column("status", String(20)),
                  Column("record_json", Text), Column("agency_json", Text), Column("files_json", Text),
                  Column("issued_at", String(40)), Column("issued_by", String(100)), Column("don_vi", String(40)),
                  Column("content_hash", String(64)), Column("failure", Text), Column("lease", String(200)),
                  Column("tim_kiem", Text), Column("thay_the", Integer), Column("thay_the_boi", Integer))
events_t = Table("events", metadata,
                 Column("id", Integer, primary_key=True, autoincrement=True), Column("entry_id", Integer),
                 Column("action", String(20)), Column("at", String(40)), Column("by", String(100)), Column("detail", Text),
                 Column("agency", String(100)), Column("prev_hash", String(64)), Column("row_hash", String(64)),
                 Column("hash", String(64)))
chains_t = Table("chains", metadata, Column("agency", String(100), primary_key=True), Column("last_hash", String(64)))
ho_so_t = Table("ho_so", metadata, Column("id", Integer, primary_key=True, autoincrement=True),
                Column("agency", String(100)),
                Column("nam", Integer), Column("ky_hieu", String(40)), Column("tieu_de", Text),
                Column("thoi_han", String(20)), Column("don_vi", Text), Column("nguoi_lap", Text),
                Column("status", String(10)), Column("mo_luc", String(40)), Column("dong_luc", String(40)))
filed_t = Table("ho_so_van_ban", metadata, Column("ho_so_id", Integer, primary_key=True),
                Column("entry_id", Integer, primary_key=True), Column("thu_tu", Integer), Column("them_luc", String(40)))
text_t = Table("tim_kiem_van_ban", metadata, Column("entry_id", Integer, primary_key=True),
               Column("agency", String(100)), Column("tu_khoa", Text), Column("toan_van", Text))
incoming_t = Table("van_ban_den", metadata, Column("id", Integer, primary_key=True, autoincrement=True),
                   Column("agency", String(100)), Column("year", Integer), Column("series", String(100)),
                   Column("number", Integer), Column("ngay_den", String(10)), Column("tac_gia", Text),
                   Column("so_ky_hieu", String(100)), Column("ngay_van_ban", String(10)), Column("trich_yeu", Text),
                   Column("don_vi_nhan", Text), Column("ngay_chuyen", String(10)), Column("ky_nhan", Text),
                   Column("ghi_chu", Text), Column("do_mat", String(20)), Column("do_khan", String(20)),
                   Column("status", String(20)), Column("files_json", Text), Column("received_at", String(40)),
                   Column("received_by", String(100)))
# The hash of each file a received row keeps (the file received, or an exchange package and its attachments): whether
# a file was received before is looked up here (``IncomingBook.incoming_with_file``). Derived from the rows' files,
# which the chain vouches for.
files_den_t = Table("tep_den", metadata, Column("den_id", Integer, primary_key=True),
                    Column("sha256", String(64), primary_key=True), Column("agency", String(100)))
filed_den_t = Table("ho_so_van_ban_den", metadata, Column("ho_so_id", Integer, primary_key=True),
                    Column("den_id", Integer, primary_key=True), Column("thu_tu", Integer), Column("them_luc", String(40)))
text_den_t = Table("tim_kiem_den", metadata, Column("den_id", Integer, primary_key=True),
                   Column("agency", String(100)), Column("tu_khoa", Text), Column("toan_van", Text))
handling_t = Table("xu_ly_den", metadata, Column("id", Integer, primary_key=True, autoincrement=True),
                   Column("agency", String(100)), Column("den_id", Integer), Column("action", String(20)),
                   Column("don_vi", Text), Column("nguoi", Text), Column("han", String(10)), Column("ngay", String(10)),
                   Column("ghi_chu", Text), Column("at", String(40)), Column("by", String(100)))
users_t = Table("nguoi_dung", metadata, Column("id", Integer, primary_key=True, autoincrement=True),
                Column("agency", String(100)), Column("ten", String(100)), Column("vai_tro", String(20)),
                Column("mat_khau", Text), Column("status", String(10)), Column("tao_luc", String(40)),
                Column("tao_boi", String(100)))
closed_t = Table("closed_years", metadata, Column("agency", String(100), primary_key=True),
                 Column("year", Integer, primary_key=True), Column("at", String(40)), Column("by", String(100)))

ISSUED, VOIDED, IMPORTED, FAILED = "issued", "voided", "imported", "failed"
OPEN, CLOSED_FILE, DESTROYED_FILE = "mo", "dong", "huy"  # a hồ sơ takes documents while open; "huy": decided
HO_SO_CREATED, HO_SO_FILED, HO_SO_CLOSED = "ho-so-create", "ho-so-add", "ho-so-close"
INCOMING, INCOMING_SECRET = "van_ban_den", "van_ban_den_mat"  # the số đến sequences: one a year, secret ones apart
RECEIVED, INCOMING_VOIDED = "received", "den-voided"
ASSIGNED, DONE = "den-assigned", "den-done"  # a received document assigned to a unit (kept as history), its outcome
READ = "read"  # a document or the register read through the tool: the access log
DESTRUCTION = "ho-so-destruction"  # the council's decision that a hồ sơ may be destroyed, recorded (nothing deleted)
CLOSED = "close-year"
HO_SO_CHAINED = ("nam", "ky_hieu", "tieu_de", "thoi_han", "don_vi", "nguoi_lap")  # what a hồ sơ's creation event holds
NOTED = "noted"  # a note added to a row's Ghi chú (the đính chính công văn that corrects it)
SIGN_PENDING = "sign-pending"  # a remote signature prepared, its request sent: the prepared PDF waits for the signature
SIGNED = "signed"  # a signed PDF of an issued document recorded beside its original (the file, its SHA-256, who signed)
# edXML exchange between agencies: an envelope sent for an outgoing row (recipient, hash, time), a status received
# from a recipient for it, a status sent back for an incoming row
EDXML_SENT, EDXML_STATUS, EDXML_ANSWERED = "edxml-sent", "edxml-status", "edxml-answered"
# the accounts of the desk: one added (or back), its role or password changed, one removed
USER_ADDED, USER_CHANGED, USER_REMOVED = "user-added", "user-changed", "user-removed"
