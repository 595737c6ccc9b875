"""Turn an empty temporary folder into a running PostgreSQL server on loopback, for tests and benchmarks.

The server belongs to the test run: initdb into a temporary folder, started with pg_ctl on a free
port of 127.0.0.1, stopped and removed at the end. As root it runs as the unprivileged user
``postgres`` (or ``nobody``); when no PostgreSQL is installed and apt-get is at hand, it installs
Debian's ``postgresql`` package first.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def _bindir() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("initdb")
    if found and all((Path(found).parent / tool).exists() for tool in ("pg_ctl", "createdb")):
        return Path(found).parent
    return None


def ensure_installed() -> Path:
    """The folder of initdb/pg_ctl, installing Debian's PostgreSQL when it is missing and we may (one process at a
    time: the test workers each start a server, and apt-get refuses a second install while one runs)."""
    bindir = _bindir()
    if bindir is None and os.geteuid() == 0 and shutil.which("apt-get"):
        import fcntl

        with open(Path(tempfile.gettempdir()) / "correspondence-pg-install.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            bindir = _bindir()  # installed by another worker while this one waited
            if bindir is None:  # waiting, as the other installs of the tests do, for an apt-get another one runs
                from tests.apt import installed

                found, _why = installed(["postgresql"], lambda: str(_bindir() or "") or None)
                bindir = Path(found) if found else None
    if bindir is None:
        raise RuntimeError("PostgreSQL is not installed (initdb not found) and cannot be installed here")
    return bindir


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class TempPostgres:
    """A throwaway server: ``url`` is a SQLAlchemy URL for its ``correspondence`` database."""

    def __init__(self) -> None:
        self.bindir = ensure_installed()
        self.root = Path(tempfile.mkdtemp(prefix="correspondence-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.user = None
        if os.geteuid() == 0:
            for name in ("postgres", "nobody"):
                try:
                    self.user = pwd.getpwnam(name)
                    break
                except KeyError:
                    continue
            assert self.user is not None, "no unprivileged user to run PostgreSQL"
            os.chown(self.root, self.user.pw_uid, self.user.pw_gid)
            os.chmod(self.root, 0o700)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} -c fsync=on "
                   "-c max_connections=60 -c shared_buffers=64MB")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"), "-w", "start")
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "correspondence")
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/correspondence"

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bindir / tool), *args]
        kwargs: dict = {"check": True, "capture_output": True, "cwd": self.root}
        if self.user is not None:
            uid, gid = self.user.pw_uid, self.user.pw_gid

            def demote() -> None:
                os.setgid(gid)
                os.setuid(uid)

            kwargs["preexec_fn"] = demote
        subprocess.run(command, **kwargs)

    def fresh_database(self, name: str) -> str:
        """A new empty database on this server; its URL."""
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            time.sleep(0.1)
            shutil.rmtree(self.root, ignore_errors=True)
