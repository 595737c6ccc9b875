"""Arbitrary text, control characters and random YAML shapes through check and issue: a located message or a valid
document, never a traceback, never a number taken for a refused record."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from correspondence.register.store import Register
from tests.conftest import EXAMPLES
from tests.fuzzing import records, verdict


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(records())
def test_any_record_gets_a_message_or_a_document(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        workspace = Path(folder)
        (workspace / "registers").mkdir()
        (workspace / "output").mkdir()
        shutil.copy(EXAMPLES / "registers" / "ubnd-quang-ninh.yaml", workspace / "registers")
        Register(f"sqlite:///{workspace / 'registers' / 'ubnd-quang-ninh.sqlite'}", create=True).close()
        kept, what = verdict(workspace, text)
        assert kept, what
