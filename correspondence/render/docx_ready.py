"""Turn a new process into one ready to write DOCX: the blank package in the ND 30 face is read as this module is
imported. Only the server the workers of a merge are forked from imports it (``outgoing.staging.PRELOAD_DOCX``), so
that each worker starts with the package read (some 50 ms of CPU a worker); any other process reads it when it writes
its first DOCX."""

from __future__ import annotations

import contextlib

from correspondence import model as m
from correspondence.render.wordpackage import word_for

# Should it fail here, the server must still start (it only skips modules that cannot be imported): the worker that
# writes a DOCX then reads the package itself, and says why it cannot.
with contextlib.suppress(Exception):
    word_for(m.Typeface().family)
