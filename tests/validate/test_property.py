"""Arbitrary text, control characters and random YAML shapes through check and issue: a located message or a valid
document, never a traceback, never a number taken for a refused record."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from tests.fuzzing import fresh_workspace, records, verdict


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(records())
def test_any_record_gets_a_message_or_a_document(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        kept, what = verdict(fresh_workspace(Path(folder)), text)
        assert kept, what
