"""Many clerks at once: 4 processes issuing 30 documents each into one register, with and without kill -9.

The four start together (a barrier) and issue back to back, so nearly every one of the 120 numbers is taken while
another clerk is taking one too; the numbers run past 99 into three digits."""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import os
import random
import shutil
import signal
import time
from pathlib import Path

import pytest

from correspondence.outgoing import registry as service
from correspondence.register.store import Register
from tests.conftest import EXAMPLES
from tests.processes import clerk_processes, clerk_starts

PROCESSES = 4
PER_PROCESS = 30
D = dt.date(2019, 5, 7)


def _clerk(workspace: str, url: str, count: int, barrier: mp.synchronize.Barrier | None) -> None:
    from correspondence.i18n import set_language
    from correspondence.outgoing import issue

    clerk_starts(workspace)
    set_language("vi")
    record = Path(workspace) / "cv.yaml"
    if barrier is not None:
        barrier.wait()
    for _ in range(count):
        issue([record], workspace, D, url, formats=("docx",), lai=True)


def _prepare(workspace: Path) -> None:
    shutil.copy(EXAMPLES / "cong-van-3018.yaml", workspace / "cv.yaml")


@pytest.mark.slow
def test_four_clerks_issuing_at_once(workspace: Path, register_url: str) -> None:
    _prepare(workspace)
    context = clerk_processes()
    barrier = context.Barrier(PROCESSES)
    clerks = [context.Process(target=_clerk, args=(str(workspace), register_url, PER_PROCESS, barrier))
              for _ in range(PROCESSES)]
    for clerk in clerks:
        clerk.start()
    for clerk in clerks:
        clerk.join(timeout=600)
        assert clerk.exitcode == 0
    with Register(register_url) as register:
        numbers = [e.number for e in register.entries("ubnd-quang-ninh")]
    total = PROCESSES * PER_PROCESS
    assert numbers == list(range(1, total + 1)), "01…N, each exactly once"
    report = service.verify(workspace, register_url=register_url)
    assert report.problems == [] and report.checked == total and report.files == total


@pytest.mark.slow
def test_kill_minus_nine_leaves_a_consistent_register(workspace: Path, register_url: str) -> None:
    """Clerks are killed with SIGKILL at random moments while they issue; verify then finds the register whole."""
    _prepare(workspace)
    context = clerk_processes()
    chance = random.Random(20190507)

    def issued() -> int:
        with Register(register_url) as register:
            return len(register.entries("ubnd-quang-ninh"))

    killed = 0
    for _round in range(3):
        before = issued()
        clerks = [context.Process(target=_clerk, args=(str(workspace), register_url, 10_000, None))
                  for _ in range(PROCESSES)]
        for clerk in clerks:
            clerk.start()
        target = before + chance.randint(8, 30)
        deadline = time.time() + 120
        while issued() < target and time.time() < deadline:
            time.sleep(0.05)
        for clerk in chance.sample(clerks, len(clerks)):
            time.sleep(chance.random() * 0.2)
            if clerk.is_alive():
                os.kill(clerk.pid, signal.SIGKILL)
                killed += 1
        for clerk in clerks:
            clerk.join(timeout=60)
    assert killed >= 8, "the clerks were killed while issuing"
    report = service.verify(workspace, register_url=register_url)
    assert report.problems == []
    with Register(register_url) as register:
        entries = register.entries("ubnd-quang-ninh")
    assert len(entries) >= 24
    assert [e.number for e in entries] == list(range(1, len(entries) + 1))
    assert all(not e.pending for e in entries)
    leftovers = list((workspace / "output").glob("**/.*.tmp"))
    assert not [p for p in leftovers if p.stat().st_mtime < time.time() - 2]
