"""Turn long renders and notable events into reports to the clerk: the CLI listens, the library reports.

``reporting(callback)`` installs a listener for the current context; ``report(done, total, label)``
is called by the renderers' driver after each file.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar

Listener = Callable[[int, int, str], None]
_listener: ContextVar[Listener | None] = ContextVar("correspondence_progress", default=None)


@contextlib.contextmanager
def reporting(listener: Listener) -> Iterator[None]:
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)


def report(done: int, total: int, label: str) -> None:
    listener = _listener.get()
    if listener is not None:
        listener(done, total, label)


Notice = Callable[[str], None]
_notice: ContextVar[Notice | None] = ContextVar("correspondence_notice", default=None)


@contextlib.contextmanager
def noticing(listener: Notice) -> Iterator[None]:
    """Hear what the library tells the clerk on the way (a register created, a file completed after a crash), each
    message once within the block: what holds for every document of a batch is not said for each."""
    said: set[str] = set()

    def once(message: str) -> None:
        if message not in said:
            said.add(message)
            listener(message)

    token = _notice.set(once)
    try:
        yield
    finally:
        _notice.reset(token)


def notice(message: str) -> None:
    listener = _notice.get()
    if listener is not None:
        listener(message)
