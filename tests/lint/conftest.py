"""The lint's shared fixture: the example công văn rendered to DOCX by the project (it lints clean), once a module."""

from __future__ import annotations

from pathlib import Path

import pytest

from correspondence import api
from tests.lint.test_lint import _workspace


@pytest.fixture(scope="module")
def cong_van(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = _workspace(tmp_path_factory.mktemp("cong-van"))
    [file] = api.render(work / "examples" / "cong-van-3018.yaml", 12, None, work / "output", work, formats=("docx",))
    assert api.lint_docx(file) == []
    return file
