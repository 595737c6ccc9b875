"""Turn long renders into progress reports: the CLI listens, the library reports, nothing else is coupled.

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
