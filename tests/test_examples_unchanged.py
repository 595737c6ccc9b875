"""Every example gives the same bytes as the digest recorded in tests/golden/examples.sha256.

A change meant to leave the output alone (a restructuring) must keep this test green; a change
meant to alter the output refreshes the digest with ``python -m tests.digest --write`` and says so.

It runs on every machine: the PDFs are the default engine's (Typst, which carries its own text shaping and font
subsetting, pinned exactly in pyproject.toml with pikepdf, which completes its files), set in the shipped face
(``CORRESPONDENCE_FONTS=bundled``: a machine with Times New Roman embeds that instead, other bytes by design); the
DOCX bytes were checked the same under lxml 6.1.3 and 6.2.0. The first line of the digest records the versions it
was taken with, for a reader chasing a difference.
"""

from __future__ import annotations

import pytest

from tests.digest import MANIFEST, digests


def _recorded() -> dict[str, str]:
    lines = MANIFEST.read_text("utf-8").splitlines()
    return {name: digest for digest, name in (line.split("  ", 1) for line in lines[1:])}


@pytest.mark.slow
def test_every_example_renders_the_recorded_bytes() -> None:
    recorded = _recorded()
    produced = digests()
    assert sorted(produced) == sorted(recorded), "the set of files the examples produce changed"
    changed = sorted(name for name in recorded if produced[name] != recorded[name])
    assert changed == [], "run python -m tests.digest --write if the change is meant"
