"""Turn the ``exchange`` commands into calls of the exchange book: the danh bạ of other agencies, sending an issued
document as edXML envelopes, receiving envelopes (documents into the incoming register, statuses onto outgoing rows),
answering with a status; and the recipients of an outgoing row for ``register show``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from correspondence.exchange import directory, receiving, sending
from correspondence.exchange.envelope import MAX_ATTACHMENT, MAX_ENVELOPE, STATUS_CODES
from correspondence.exchange.receiving import Received
from correspondence.exchange.sending import Sent
from correspondence.exchange.transport import FolderTransport, Transport
from correspondence.register.store import Entry
from correspondence.registers import open_register
from correspondence.workspace import find_root

__all__ = ["MAX_ATTACHMENT", "MAX_ENVELOPE", "STATUS_CODES", "FolderTransport", "Received", "Sent", "Transport",
           "exchange_answer", "exchange_directory", "exchange_directory_import", "exchange_receive",
           "exchange_recipients", "exchange_send", "exchange_unanswered"]


def exchange_directory_import(workspace: Path | None, file: Path) -> tuple[int, Path]:
    """Add the agencies of a CSV or XLSX file (mã định danh, name) to registers/danh-ba.yaml."""
    return directory.import_file(workspace or find_root(), file)


def exchange_directory(workspace: Path | None) -> list[dict[str, Any]]:
    """The danh bạ: each agency's code and name, by code."""
    return directory.entries(workspace or find_root())


def exchange_send(workspace: Path | None, so_ky_hieu: str, recipients: list[str], output: Path | None = None,
                  agency: str | None = None, year: int | None = None, series: str | None = None,
                  register_url: str | None = None, transport: Transport | None = None) -> list[Sent]:
    """One envelope per recipient of an issued document, into ``output`` (or the configured outbox, or
    ``transport``); the row records each."""
    root = workspace or find_root()
    return sending.send(root, so_ky_hieu, recipients, transport or sending.folder_transport(root, output), agency,
                        year, series, register_url)


def exchange_receive(workspace: Path | None, files: list[Path], agency: str | None = None,
                     register_url: str | None = None, inbox: Path | None = None) -> list[Received]:
    """Receive envelopes: the files named, else those waiting in ``inbox`` (or the configured one), each moved
    aside once handled."""
    root = workspace or find_root()
    if files:
        return receiving.receive(root, files, agency, register_url)
    folder = inbox or sending.configured(root, "nhan")
    transport = FolderTransport(None, folder)
    waiting = transport.pending()
    if not waiting:
        return []
    done = receiving.receive(root, [path for _id, path in waiting], agency, register_url)
    for message_id, _path in waiting:
        transport.acknowledge(message_id, True)
    return done


def exchange_answer(workspace: Path | None, number: int, code: str, reason: str | None, output: Path | None = None,
                    agency: str | None = None, year: int | None = None, register_url: str | None = None,
                    secret: bool = False) -> tuple[Any, str]:
    """A status envelope (01–06) to the sender of số đến ``number``."""
    root = workspace or find_root()
    return receiving.answer(root, number, code, reason, sending.folder_transport(root, output), agency, year,
                            register_url, secret)


def exchange_unanswered(workspace: Path | None, entries: list[Entry], register_url: str | None = None) -> list[Entry]:
    """The rows among ``entries`` sent to an agency that has not answered yet (not even 01 đã đến)."""
    if not entries:
        return []
    register, agency = open_register(workspace or find_root(), entries[0].agency, register_url)
    with register:
        waiting = sending.unanswered(register, agency)
    return [entry for entry in entries if entry.id in waiting]


def exchange_recipients(workspace: Path | None, entry: Entry, register_url: str | None = None) -> list[dict[str, str]]:
    """Each recipient an outgoing row was sent to, with its latest status."""
    register, _agency = open_register(workspace or find_root(), entry.agency, register_url)
    with register:
        return sending.recipients(register, entry)
