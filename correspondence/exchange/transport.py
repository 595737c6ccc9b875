"""Turn envelopes into messages of a transport and back: a folder is the first transport (a folder shared between
two offices works); ``Transport`` is the protocol an office implements for its bus adapter (the Trục liên thông văn
bản quốc gia through the VPCP/VNPT SDK, a provincial LGSP …). None is shipped with credentials."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

from correspondence import storage
from correspondence.errors import UsageError
from correspondence.i18n import _
from correspondence.workspace import shown


class Transport(Protocol):
    """What the exchange needs of a transport: send an envelope, list those waiting, acknowledge one handled."""

    def send(self, name: str, data: bytes) -> str:
        """Send one envelope (``name``: a file name for it); where it went, or the message's id."""
        ...

    def pending(self) -> list[tuple[str, Path]]:
        """The envelopes waiting to be received: (message id, a local file holding it)."""
        ...

    def acknowledge(self, message_id: str, ok: bool) -> None:
        """Tell the transport a message was handled (``ok``) or refused, so it is not offered again."""
        ...


class FolderTransport:
    """Envelopes as ``.edxml`` files: sent into ``outbox``; received from ``inbox``, then moved into ``inbox/da-nhan``
    (handled) or ``inbox/loi`` (refused)."""

    def __init__(self, outbox: Path | None, inbox: Path | None) -> None:
        self.outbox, self.inbox = outbox, inbox

    def send(self, name: str, data: bytes) -> str:
        if self.outbox is None:
            raise UsageError(_("no folder to send into"))
        self.outbox.mkdir(parents=True, exist_ok=True)
        target = self.outbox / name
        if target.exists():
            raise UsageError(_("{path} already exists: choose another folder").format(path=shown(target)))
        storage.write_atomic({target: data})
        return shown(target)

    def pending(self) -> list[tuple[str, Path]]:
        if self.inbox is None or not self.inbox.is_dir():
            return []
        return [(path.name, path) for path in sorted(self.inbox.glob("*.edxml")) if path.is_file()]

    def acknowledge(self, message_id: str, ok: bool) -> None:
        assert self.inbox is not None
        folder = self.inbox / ("da-nhan" if ok else "loi")
        folder.mkdir(exist_ok=True)
        os.replace(self.inbox / message_id, folder / message_id)
