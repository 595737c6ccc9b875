"""What the tests install from Debian's packages when this machine lacks it (chromium for the desk, LibreOffice for
the DOCX pages): with apt-get, as root, waiting for another worker's install; otherwise the tests that need it are
skipped, saying why."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable


def installed(packages: list[str], present: Callable[[], str | None]) -> tuple[str | None, str]:
    """``present()`` once ``packages`` are installed (installing them with apt-get when they are missing and this
    runs as root), or None and why not."""
    found = present()
    if found:
        return found, ""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return None, f"{' '.join(packages)} not installed (apt-get install {' '.join(packages)}) and not run as root"
    apt = ["apt-get", "-o", "DPkg::Lock::Timeout=600", "install", "-y", "-q", "--no-install-recommends", *packages]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        done = subprocess.run(apt, capture_output=True, text=True, timeout=900, env=env)
        if done.returncode != 0 and not present():  # a fresh machine knows no packages yet: read the lists, again
            subprocess.run(["apt-get", "-o", "DPkg::Lock::Timeout=600", "update", "-q"], capture_output=True,
                           timeout=600, env=env)
            done = subprocess.run(apt, capture_output=True, text=True, timeout=900, env=env)
    except (OSError, subprocess.TimeoutExpired) as error:
        return None, f"apt-get could not install {' '.join(packages)}: {error}"
    found = present()
    return found, "" if found else f"apt-get could not install {' '.join(packages)}: {done.stderr.strip()[-300:]}"
