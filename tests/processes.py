"""Turn a test's clerks into real processes that start at once: forked from one server process that has loaded the
tool (multiprocessing's ``forkserver``), instead of each new interpreter importing everything again (about 0.6 s of
CPU a clerk, some 70 clerks a run).

Each clerk is still a process of its own — its own register connections, killed for real by ``kill -9`` — and the
server itself never opens a register. A clerk starts in the server's working folder and environment, so its target
moves into the workspace it is given (``clerk_starts``)."""

from __future__ import annotations

import multiprocessing as mp
import os
from multiprocessing.context import BaseContext

from correspondence.outgoing import staging

# What the server loads once: the books the clerks use, their renderers and drivers, and the test modules whose
# functions the clerks run (their ``tests.conftest`` included). The tool forks the workers of a merge from the same
# server (a process has one), so the tool's list takes these too, whichever of the two starts the server.
PRELOAD = ["correspondence.outgoing", "correspondence.incoming", "correspondence.register.store",
           "correspondence.render.docx", "correspondence.render.typst", "docx", "psycopg",
           "tests.register.test_concurrency", "tests.register.test_chain_integrity", "tests.incoming.test_incoming"]
staging.PRELOAD.extend(module for module in PRELOAD if module not in staging.PRELOAD)


def clerk_processes() -> BaseContext:
    """The multiprocessing context of clerks' processes (a fresh interpreter each where there is no forkserver)."""
    if "forkserver" not in mp.get_all_start_methods():
        return mp.get_context("spawn")
    context = mp.get_context("forkserver")
    context.set_forkserver_preload(staging.PRELOAD)
    return context


def clerk_starts(workspace: str) -> None:
    """A clerk's first step: into its workspace (the server's folder may be a test's folder removed since)."""
    os.chdir(workspace)
