"""A lease names the process that will write a pending row's files: a process forked from another one (a pre-forking
web server's workers, multiprocessing's fork and forkserver) is a process of its own, with a lease of its own — else
the rows of a worker killed halfway would count as in progress for as long as its parent lives, and never be
completed."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal

from correspondence.register import leases, store


def _report(queue: mp.Queue) -> None:  # type: ignore[type-arg]
    queue.put((os.getpid(), leases.LEASE, store.LEASE, store.Register._lease(None)))  # type: ignore[arg-type]
    signal.pause()  # killed by the test, as a clerk is


def test_a_forked_process_has_its_own_lease_and_its_death_releases_it() -> None:
    context = mp.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_report, args=(queue,), daemon=True)
    child.start()
    try:
        pid, own, in_store, asked = queue.get(timeout=30)
    finally:
        os.kill(child.pid, signal.SIGKILL)  # type: ignore[arg-type]
        child.join(timeout=30)
    assert own == in_store == asked and own.split(":")[1] == str(pid) != str(os.getpid())
    assert own != leases.LEASE
    assert leases.lease_alive(own) is False  # the parent lives on: the child's rows are abandoned, not in progress
    assert leases.LEASE.split(":")[1] == str(os.getpid())  # the parent's own is unchanged
