"""The server a merge's workers are forked from reads the blank DOCX package once, as it imports
``render.docx_ready``: each worker starts with it read, and writes the same bytes as a process that read it itself."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import EXAMPLE_RECORD, ROOT

WRITE = """
import hashlib, sys
{ready}
from correspondence.render.wordpackage import _skeleton
read_at_import = _skeleton.cache_info().currsize
from correspondence import api
loaded = api.load(sys.argv[1], sys.argv[2])
data = api.render_document(api.compose(loaded, None, None), ("docx",), loaded.workspace)
print(read_at_import, hashlib.sha256(b"".join(data.values())).hexdigest())
"""


def _write(ready: bool) -> tuple[str, str]:
    code = WRITE.format(ready="import correspondence.render.docx_ready" if ready else "")
    done = subprocess.run([sys.executable, "-c", code, str(EXAMPLE_RECORD), str(ROOT)], capture_output=True,
                          text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
    read, digest = done.stdout.split()
    return read, digest


def test_a_process_that_imports_docx_ready_has_the_package_read_and_writes_the_same_bytes() -> None:
    ready_read, ready_digest = _write(ready=True)
    plain_read, plain_digest = _write(ready=False)
    assert (ready_read, plain_read) == ("1", "0")  # read as the module is imported; otherwise not until needed
    assert ready_digest == plain_digest
