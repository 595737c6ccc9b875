"""Turn every change of the register into an event of its agency's chain, and the chain back into what it vouches
for: the seal with the agency key, the years it says were closed, whether a row is as its last event left it, and
the audit that finds any row or event changed, added or removed outside the tool.

Each event holds the previous event's hash and the SHA-256 of the row it changed (``chain.py``); with the agency key
the chain is sealed and its later events are keyed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import Connection, and_, bindparam, func, select, update
from sqlalchemy.exc import IntegrityError

from correspondence.errors import Problem, RegisterConflict
from correspondence.i18n import _
from correspondence.register.chain import KEY_ENV, SEAL, agency_key, event_hash, fingerprint, row_hash
from correspondence.register.connection import Database, current_user, now
from correspondence.register.tables import (
    CLOSED,
    IMPORTED,
    ISSUED,
    READ,
    VOIDED,
    chains_t,
    entries_t,
    events_t,
)

_SELECT_FACTS = select(events_t.c.id, events_t.c.action, events_t.c.detail, events_t.c.at).where(and_(
    events_t.c.agency == bindparam("k_agency"), events_t.c.id > bindparam("k_after"),
    events_t.c.action.in_((CLOSED, SEAL)))).order_by(events_t.c.id)
_SELECT_LAST_EVENT = select(func.max(events_t.c.id)).where(events_t.c.agency == bindparam("k_agency"))
_SELECT_HEAD = select(chains_t.c.last_hash).where(chains_t.c.agency == bindparam("k_agency")).with_for_update()
_UPDATE_HEAD = update(chains_t).where(chains_t.c.agency == bindparam("k_agency")).values(last_hash=bindparam("h"))
_EVENT_COLUMNS = ("entry_id", "action", "at", "by", "detail", "agency", "prev_hash", "row_hash", "hash")
_INSERT_EVENT = events_t.insert().values({name: bindparam(name) for name in _EVENT_COLUMNS})


# How many rows the audit reads at a time (PostgreSQL through a server-side cursor; a client-side one would hold them
# all): a row keeps its record, annex tables included.
ROWS_AT_ONCE = 50


class Audited(NamedTuple):
    """An outgoing row as the audit of the chain checks it: where it is, its links, and its content's hash."""

    id: int
    year: int
    series: str
    number: int
    so_ky_hieu: str
    status: str
    thay_the: int | None
    written: bool  # its files recorded
    hash: str  # row_hash of the row as it is


@dataclass(frozen=True)
class ChainFacts:
    """What the chain says of a register as a whole: the years closed (and when), the seal (its event, key print)."""

    closed: dict[int, str]
    seal: int | None
    sealed_with: str | None


class EventChain(Database):
    """The chain of events of each agency in the register: appending to it, reading it, checking it."""

    def __init__(self, url: str, create: bool = False) -> None:
        self._facts: dict[str, tuple[int, ChainFacts]] = {}  # agency → (last event read, what the events said)
        self._writing: Any = None  # the transaction that appended events not yet committed
        # What the chain says, by agency, as known to the transaction ``_writing`` (see ``_chain_facts``)
        self._held: dict[str, ChainFacts] = {}
        self.key = agency_key()
        super().__init__(url, create)

    def _append(self, conn: Connection, agency: str, entry_id: int | None, action: str, by: str,
                detail: str | None = None, row: Any = None, at: str | None = None) -> None:
        """Add an event to the agency's chain: it holds the previous event's hash and the row's content hash. With the
        agency key, a chain not sealed yet is sealed first; the events of a sealed chain are keyed."""
        head = conn.execute(_SELECT_HEAD, {"k_agency": agency}).first()
        if head is None:
            try:
                with conn.begin_nested():
                    conn.execute(chains_t.insert().values(agency=agency, last_hash=""))
            except IntegrityError:
                pass
            head = conn.execute(_SELECT_HEAD, {"k_agency": agency}).one()
        facts = self._chain_facts(conn, agency)
        key = self._key_for(facts, agency)
        sealed = False
        if key is None and self.key is not None:
            if action != SEAL:
                self._append(conn, agency, 0, SEAL, by, fingerprint(self.key))
                head = conn.execute(_SELECT_HEAD, {"k_agency": agency}).one()
                sealed = True
            key = self.key
        when = at or now()
        hashed = row_hash(row) if row is not None else ""
        prev = head.last_hash or ""
        digest = event_hash(prev, entry_id, agency, action, when, by, detail, hashed, key)
        conn.execute(_INSERT_EVENT, {"entry_id": entry_id, "action": action, "at": when, "by": by, "detail": detail,
                                     "agency": agency, "prev_hash": prev, "row_hash": hashed, "hash": digest})
        conn.execute(_UPDATE_HEAD, {"k_agency": agency, "h": digest})
        if self._writing is not conn.get_transaction():
            self._held = {}
        self._writing = conn.get_transaction()
        # This transaction holds the agency's chain head (locked above) until it ends: no other writer adds an event to
        # it meanwhile, so what the chain says changes only by what this transaction appends — known, unless a year is
        # closed or the chain sealed now (read again then).
        if action in (CLOSED, SEAL) or sealed:
            self._held.pop(agency, None)
        else:
            self._held[agency] = facts

    def _row(self, conn: Connection, entry_id: int) -> Any:
        return conn.execute(select(entries_t).where(entries_t.c.id == entry_id)).one()

    def _vouched(self, conn: Connection, row: Any) -> bool:
        """Whether the chain vouches for a row as it is: its last event is intact and holds its content hash."""
        last = conn.execute(select(events_t).where(events_t.c.entry_id == row.id)
                            .order_by(events_t.c.id.desc()).limit(1)).first()
        if last is None or not last.row_hash or last.row_hash != row_hash(row):
            return False
        facts = self._chain_facts(conn, last.agency)
        keyed = facts.seal is not None and last.id > facts.seal
        if keyed and (self.key is None or fingerprint(self.key) != facts.sealed_with):
            return False
        expected = event_hash(last.prev_hash or "", last.entry_id, last.agency, last.action, last.at, last.by,
                              last.detail, last.row_hash, self.key if keyed else None)
        return bool(last.hash == expected)

    def vouched(self, entry_id: int) -> bool:
        """Whether the chain of events vouches for the row as it is now (never changed outside the tool)."""
        with self.engine.connect() as conn:
            return self._vouched(conn, self._row(conn, entry_id))

    def _refuse_unvouched(self, conn: Connection, entry_id: int) -> Any:
        """The row, locked; refused when it was changed outside the tool: nothing is ever built or recorded over a row
        the chain does not vouch for."""
        row = conn.execute(select(entries_t).where(entries_t.c.id == entry_id).with_for_update()).one()
        if not self._vouched(conn, row):
            raise RegisterConflict(_("{number}: the row was changed outside the tool since its last event").format(
                number=row.so_ky_hieu), [Problem(f"{row.agency}/{row.year}/{row.series}:{row.number}", "",
                                                 _("restore the register from a backup"))])
        return row

    def _chain_facts(self, conn: Connection, agency: str) -> ChainFacts:
        """What the chain of events says of an agency's register as a whole: the years closed (a lock row deleted
        outside the tool reopens nothing) and the seal. The events are read once, then only those added since (a
        closed year never reopens, a seal stays); what this transaction appended is not remembered until committed."""
        if agency in self._held and self._writing is not None and self._writing is conn.get_transaction():
            return self._held[agency]  # this transaction appended to the chain and holds its head (``_append``)
        after, facts = self._facts.get(agency, (0, ChainFacts({}, None, None)))
        last = conn.execute(_SELECT_LAST_EVENT, {"k_agency": agency}).scalar() or 0
        if last > after:
            facts = ChainFacts(dict(facts.closed), facts.seal, facts.sealed_with)
            for item in conn.execute(_SELECT_FACTS, {"k_agency": agency, "k_after": after}):
                if item.action == CLOSED and (item.detail or "").isdigit():
                    facts.closed.setdefault(int(item.detail), item.at)
                elif item.action == SEAL and facts.seal is None:
                    facts = ChainFacts(facts.closed, item.id, item.detail)
            if self._writing is None or self._writing is not conn.get_transaction():
                self._facts[agency] = (last, facts)
        return facts

    def _key_for(self, facts: ChainFacts, agency: str) -> bytes | None:
        """The key new events of a sealed chain are hashed with; refused without it, or with another key."""
        if facts.seal is None:
            return None
        if self.key is None:
            raise RegisterConflict(_("the register of {agency} is sealed with the agency key: nothing can be written "
                                     "without it").format(agency=agency), [Problem(KEY_ENV, "", _(
                                         "set {variable} to the agency key file").format(variable=KEY_ENV))])
        if fingerprint(self.key) != facts.sealed_with:
            raise RegisterConflict(_("the register of {agency} is sealed with another key than {variable} names")
                                   .format(agency=agency, variable=KEY_ENV), [Problem(KEY_ENV, "", _(
                                       "set {variable} to the agency key file").format(variable=KEY_ENV))])
        return self.key

    # ------------------------------------------------------------------ the access log

    def seal(self, agency: str, by: str | None = None) -> bool:
        """Seal the agency's chain with the agency key now (``register init`` with a key: sealed from its first
        event, no unsealed window); whether a seal was added (none without a key, or when sealed already)."""
        if self.key is None:
            return False
        with self._writer(), self.engine.begin() as conn:
            if self._chain_facts(conn, agency).seal is not None:
                return False
            self._append(conn, agency, 0, SEAL, by or current_user(), fingerprint(self.key))
        return True

    def record_access(self, agency: str, what: str, by: str | None = None) -> None:
        """Record that ``what`` was read through the tool (an event of the chain, so it cannot be erased unseen)."""
        with self._writer(), self.engine.begin() as conn:
            self._append(conn, agency, 0, READ, by or current_user(), what)

    def record_event(self, agency: str, entry_id: int, action: str, detail: str, by: str | None = None) -> None:
        """Record a fact about a row (an outgoing row's ``entry_id``; 0 for one that names its row in ``detail``) as
        an event of the chain, the row unchanged; refused on a row changed outside the tool."""
        with self._writer(), self.engine.begin() as conn:
            row = self._refuse_unvouched(conn, entry_id) if entry_id else None
            self._append(conn, agency, entry_id, action, by or current_user(), detail, row)

    def events(self, agency: str, actions: tuple[str, ...] | None = None) -> list[Any]:
        """The events of an agency's chain, oldest first (only ``actions`` when given)."""
        query = select(events_t).where(events_t.c.agency == agency)
        if actions is not None:
            query = query.where(events_t.c.action.in_(actions))
        with self.engine.connect() as conn:
            return list(conn.execute(query.order_by(events_t.c.id)))

    def entry_events(self, agency: str, entry_id: int) -> list[Any]:
        """The events of one outgoing row of an agency (numbered, completed, signed, voided …), oldest first."""
        query = select(events_t).where(and_(events_t.c.agency == agency, events_t.c.entry_id == entry_id))
        with self.engine.connect() as conn:
            return list(conn.execute(query.order_by(events_t.c.id)))

    # ------------------------------------------------------------------ the audit

    def _audit_chain(self, conn: Connection, agency: str, kept: list[Any]) -> list[Problem]:
        """Every sign of a change made outside the tool to the chain or to the outgoing rows: an event altered, added
        or removed, a row changed, added or deleted since its last event, a row voided or replaced twice. The events
        and the rows are read ``ROWS_AT_ONCE`` at a time and not held (a register of years holds hundreds of
        thousands): of each row's events, the last one's hash; of each row, where it is, its links and its content's
        hash. The events of no outgoing row (receipts, hồ sơ, closed years, accounts; not the access log) are added to
        ``kept``, for the audits of those."""
        problems: list[Problem] = []
        where = f"{agency}/events"
        previous = ""
        last_event: dict[int, tuple[int, str | None]] = {}  # of each row: its last event's id and row hash
        numbered: dict[int, str] = {}
        voids: Counter[int] = Counter()
        keyed = unreadable = False
        events = 0
        for item in conn.execute(select(events_t).where(events_t.c.agency == agency).order_by(events_t.c.id)
                                 .execution_options(yield_per=ROWS_AT_ONCE)):
            events += 1
            if item.action == SEAL and not keyed:
                keyed = True
                if self.key is None:
                    unreadable = True
                    problems.append(Problem(f"{where}:{item.id}", "", _(
                        "the chain of events is sealed with the agency key: checking it needs that key"), _(
                        "set {variable} to the agency key file").format(variable=KEY_ENV)))
                elif fingerprint(self.key) != item.detail:
                    unreadable = True
                    problems.append(Problem(f"{where}:{item.id}", "", _(
                        "the chain of events is sealed with another key"), _(
                        "set {variable} to the agency key file").format(variable=KEY_ENV)))
            expected = event_hash(item.prev_hash or "", item.entry_id, item.agency, item.action, item.at, item.by,
                                  item.detail, item.row_hash or "", self.key if keyed and not unreadable else None)
            if item.prev_hash != previous or (item.hash != expected and not unreadable):
                problems.append(Problem(f"{where}:{item.id}", "", _(
                    "the chain of events is broken at event {id}: an event was changed, inserted or removed "
                    "outside the tool").format(id=item.id), _("restore the register from a backup")))
            previous = item.hash or ""
            if item.entry_id:
                last_event[item.entry_id] = (item.id, item.row_hash)
                if item.action in (ISSUED, IMPORTED):
                    numbered[item.entry_id] = item.detail or str(item.entry_id)
                elif item.action == VOIDED:
                    voids[item.entry_id] += 1
            elif item.action != READ:  # the access log (every search and show) is read by no other audit
                kept.append(item)
        rows = {r.id: Audited(r.id, r.year, r.series, r.number, r.so_ky_hieu, r.status, r.thay_the,
                              r.files_json is not None, row_hash(r))
                for r in conn.execute(select(entries_t).where(entries_t.c.agency == agency)
                                      .execution_options(yield_per=ROWS_AT_ONCE))}
        head = conn.execute(select(chains_t.c.last_hash).where(chains_t.c.agency == agency)).scalar()
        if events and self.key is not None and not keyed:
            problems.append(Problem(where, "", _("the chain of events is not sealed with the agency key yet"), _(
                "the next change of the register seals it; if it was sealed before, the chain was rewritten outside "
                "the tool: restore the register from a backup")))
        if events and head != previous:
            problems.append(Problem(where, "", _("the last events of the chain were removed outside the tool"),
                                    _("restore the register from a backup")))
        for entry_id, (event_id, hashed) in sorted(last_event.items()):
            row = rows.get(entry_id)
            if row is None:
                problems.append(Problem(f"{where}:{event_id}", "", _("the row of {number} was deleted outside the tool")
                                        .format(number=numbered.get(entry_id, entry_id)),
                                        _("restore the register from a backup")))
            elif hashed and row.hash != hashed:
                problems.append(Problem(f"{agency}/{row.year}/{row.series}:{row.number}", "", _(
                    "{number}: the row was changed outside the tool since its last event").format(number=row.so_ky_hieu),
                    _("restore the register from a backup")))
        for entry_id in sorted(e for e, count in voids.items() if count > 1):
            row = rows.get(entry_id)
            problems.append(Problem(f"{where}:{entry_id}", "", _("{number}: voided {count} times").format(
                number=row.so_ky_hieu if row is not None else numbered.get(entry_id, entry_id),
                count=voids[entry_id]), _("restore the register from a backup")))
        corrections: dict[int, list[Audited]] = {}
        for row in rows.values():
            if row.thay_the is not None and (row.status == ISSUED or row.written):
                corrections.setdefault(row.thay_the, []).append(row)
        for old_id, news in sorted(corrections.items()):
            old = rows.get(old_id)
            if len(news) > 1 and old is not None:
                problems.append(Problem(f"{agency}/{old.year}/{old.series}:{old.number}", "", _(
                    "{number}: replaced by more than one document: {numbers}").format(
                    number=old.so_ky_hieu, numbers=", ".join(r.so_ky_hieu for r in sorted(news, key=lambda r: r.id))),
                    _("void the corrections but one with 'correspondence register void'")))
        for entry_id, row in sorted(rows.items()):
            if entry_id not in last_event:
                problems.append(Problem(f"{agency}/{row.year}/{row.series}:{row.number}", "", _(
                    "{number}: the row was added outside the tool").format(number=row.so_ky_hieu),
                    _("restore the register from a backup")))
        return problems
