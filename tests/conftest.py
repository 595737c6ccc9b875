"""Shared fixtures: a workspace with the example agency, records built from the example, renderers."""

from __future__ import annotations

import copy
import io
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml

import tests.processes  # noqa: F401  (the server workers and clerks are forked from loads the tests' modules too)
from correspondence.i18n import set_language

# Every PDF of the tests embeds the shipped face, whether or not this machine has Times New Roman (see test_fonts).
os.environ["CORRESPONDENCE_FONTS"] = "bundled"

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SEEDS = ROOT / "tests" / "golden" / "seeds"
EXAMPLE_RECORD = EXAMPLES / "cong-van-3018.yaml"


@pytest.fixture(autouse=True)
def _vietnamese() -> Any:
    set_language("vi")
    yield
    set_language("vi")


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh workspace (the current folder) with the example agency profile in registers/."""
    (tmp_path / "registers").mkdir()
    shutil.copy(EXAMPLES / "registers" / "ubnd-quang-ninh.yaml", tmp_path / "registers")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def example_data() -> dict[str, Any]:
    return yaml.safe_load(EXAMPLE_RECORD.read_text("utf-8"))


@pytest.fixture
def examples_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workspace (the current folder) holding the examples, their agency profiles and a new register."""
    from correspondence import api

    shutil.copytree(EXAMPLES, tmp_path / "examples")
    shutil.copytree(EXAMPLES / "registers", tmp_path / "registers")
    (tmp_path / "output").mkdir()
    monkeypatch.chdir(tmp_path)
    api.register_init(tmp_path, "ubnd-quang-ninh")
    return tmp_path


@pytest.fixture
def make_record(workspace: Path) -> Callable[..., Path]:
    """Write a record: the example công văn with keys replaced (a value of None removes the key)."""

    def make(name: str = "cv.yaml", text: str | None = None, **changes: Any) -> Path:
        path = workspace / name
        if text is not None:
            path.write_text(text, "utf-8")
            return path
        data = copy.deepcopy(example_data())
        for key, value in changes.items():
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
        return path

    return make


@pytest.fixture
def build(workspace: Path) -> Callable[..., Any]:
    """Compose a record file into the document model (number and date optional)."""
    from correspondence import api

    def run(path: Path, so: int | None = 3018, ngay: Any = None) -> Any:
        return api.compose(api.load(path, workspace), so, ngay)

    return run


@pytest.fixture
def pdf_of(build: Callable[..., Any], workspace: Path) -> Callable[..., Any]:
    """Render a record to PDF and open it with pdfplumber."""
    import pdfplumber

    from correspondence.render.typst import render_typst

    def run(path: Path, so: int | None = 3018) -> Any:
        return pdfplumber.open(io.BytesIO(render_typst(build(path, so), workspace)))

    return run


@pytest.fixture
def docx_of(build: Callable[..., Any]) -> Callable[..., Any]:
    """Render a record to DOCX and open it with python-docx."""
    import docx

    from correspondence.render.docx import render_docx

    def run(path: Path, so: int | None = 3018) -> Any:
        return docx.Document(io.BytesIO(render_docx(build(path, so))))

    return run


@pytest.fixture(scope="session")
def postgres() -> Any:
    """A real PostgreSQL server on loopback for the whole run (started here, stopped at the end)."""
    from tests.pgserver import TempPostgres

    server = TempPostgres()
    yield server
    server.stop()


_databases = iter(range(1, 1_000_000))


@pytest.fixture(params=["sqlite", "postgresql"])
def blank_url(request: pytest.FixtureRequest, workspace: Path) -> str:
    """Where a register can be made, on SQLite (a file in the workspace) and PostgreSQL (a fresh, empty database)."""
    if request.param == "sqlite":
        return f"sqlite:///{workspace / 'registers' / 'ubnd-quang-ninh.sqlite'}"
    return str(request.getfixturevalue("postgres").fresh_database(f"t{next(_databases)}"))


@contextmanager
def older_register(url: str, version: int) -> Iterator[Any]:
    """A register at ``url`` made as the tool made it at schema ``version`` (a clerk's register from before a
    migration): a connection to it, in a transaction, to add rows as that version held them."""
    from sqlalchemy import create_engine

    from correspondence.register import migrations
    from correspondence.register.store import normalise_url

    engine = create_engine(normalise_url(url))
    try:
        with engine.begin() as conn:
            assert migrations.upgrade(conn, target=version) == list(range(1, version + 1))
            yield conn
    finally:
        engine.dispose()


@pytest.fixture
def register_url(blank_url: str) -> str:
    """The same tests against SQLite and PostgreSQL, each register created as a clerk does it (``register init``)."""
    from correspondence.register.store import Register

    Register(blank_url, create=True).close()
    return blank_url


MERGE_RECORD = """loai: cong_van
co_quan: ubnd-quang-ninh
don_vi: XD6
trich_yeu: mời dự hội nghị
kinh_gui: "-"
noi_dung: |
  Ủy ban nhân dân tỉnh trân trọng kính mời {{ ten }} tới dự hội nghị.
ky: {tham_quyen: KT, nguoi_ky: dang_huy_hau}
noi_nhan: [Như trên]
ngay: 2019-05-07
"""
"""A mail-merge record whose body uses one column, ``ten``."""


def crash_after_numbering(run: Callable[[], Any], lease: str | None = None) -> None:
    """Run an issue that dies between its number and its files, as a clerk's process killed there would, leaving a
    pending row leased to ``lease`` (by default a process that is gone)."""
    from correspondence import storage as archive
    from correspondence.register import store

    def crash(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    saved = store.LEASE, archive.publish
    store.LEASE, archive.publish = lease or f"{store.HOST}:999999999:0", crash  # type: ignore[assignment]
    try:
        with pytest.raises(KeyboardInterrupt):
            run()
    finally:
        store.LEASE, archive.publish = saved


# ---------------------------------------------------------------------------------------------- parallel runs


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """A run of the whole suite or of folders goes on every core (pytest-xdist, ``-n auto``), each worker taking whole
    files (``--dist loadfile``: a file's module fixtures and its ordered steps, as the docs examples', stay together).
    A run of one file or of test ids stays in this process: it starts sooner, and ``--pdb``, ``-s`` work there. An
    explicit ``-n`` (``-n0``: no workers) or ``--dist`` wins; without pytest-xdist everything runs here."""
    if not config.pluginmanager.hasplugin("xdist") or hasattr(config, "workerinput"):
        return  # no pytest-xdist, or a worker of it
    if config.getoption("numprocesses") is not None:
        return
    if config.getoption("usepdb") or config.getoption("capture") == "no" or config.getoption("collectonly"):
        return
    named = [arg for arg in config.args if not Path(arg.split("::")[0]).is_dir()]
    if "::" in "".join(config.args) or (named and len(named) == len(config.args) == 1):
        return
    config.option.numprocesses = "auto"
    if config.getoption("dist") == "no":
        config.option.dist = "loadfile"
