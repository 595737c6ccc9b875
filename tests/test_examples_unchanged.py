"""Every example gives the same bytes as the digest recorded in tests/golden/examples.sha256.

A change meant to leave the output alone (a restructuring) must keep this test green; a change
meant to alter the output refreshes the digest with ``python -m tests.digest --write`` and says so.
The digest holds only when the libraries that write the bytes are the versions it was taken with.
"""

from __future__ import annotations

import importlib.metadata

import pytest

from tests.digest import MANIFEST, digests


def _recorded() -> tuple[dict[str, str], dict[str, str]]:
    lines = MANIFEST.read_text("utf-8").splitlines()
    words = lines[0].lstrip("# ").split()
    versions = dict(zip(words[::2], words[1::2], strict=True))
    files = {name: digest for digest, name in (line.split("  ", 1) for line in lines[1:])}
    return versions, files


@pytest.mark.slow
def test_every_example_renders_the_recorded_bytes() -> None:
    versions, recorded = _recorded()
    installed = {name: importlib.metadata.version(name) for name in versions}
    if installed != versions:
        pytest.skip(f"the digest was taken with {versions}, these are {installed}")
    produced = digests()
    assert sorted(produced) == sorted(recorded), "the set of files the examples produce changed"
    changed = sorted(name for name in recorded if produced[name] != recorded[name])
    assert changed == [], "run python -m tests.digest --write if the change is meant"
