"""Turn arbitrary record text into a verdict on the command line's promise: a located message or a valid document,
never a traceback, never a number taken for a refused record. Used by the property test and by bench/fuzz.py."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner
from hypothesis import strategies as st

from correspondence.cli import main
from correspondence.register.store import Register
from tests.conftest import EXAMPLE_RECORD

EXAMPLE = yaml.safe_load(EXAMPLE_RECORD.read_text("utf-8"))
FIELDS = sorted(EXAMPLE) + ["do_mat", "do_khan", "ngay", "phu_luc", "ban_goc", "kem_theo", "can_cu", "ket_thuc"]
TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=False), TEXT,
                    st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)).map(str))
SHAPES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(TEXT, inner, max_size=4)), max_leaves=12)


@st.composite
def records(draw: Any) -> str:
    """A record text: the example with some fields replaced by anything, or any YAML shape at all, or raw text."""
    kind = draw(st.sampled_from(["mutated", "mutated", "mutated", "shape", "raw"]))
    if kind == "raw":
        return str(draw(TEXT))
    if kind == "shape":
        return yaml.safe_dump(draw(SHAPES), allow_unicode=True)
    data = copy.deepcopy(EXAMPLE)
    data["ngay"] = "2019-05-07"
    for name in draw(st.lists(st.sampled_from(FIELDS), min_size=1, max_size=3, unique=True)):
        data[name] = draw(SHAPES)
    return yaml.safe_dump(data, allow_unicode=True)


def fresh_workspace(folder: Path) -> Path:
    """A workspace with the example agency and its register created, as a new office has it."""
    import shutil

    from tests.conftest import EXAMPLES

    (folder / "registers").mkdir()
    (folder / "output").mkdir()
    shutil.copy(EXAMPLES / "registers" / "ubnd-quang-ninh.yaml", folder / "registers")
    Register(f"sqlite:///{folder / 'registers' / 'ubnd-quang-ninh.sqlite'}", create=True).close()
    return folder


ACCEPTED = {0, 2, 3, 4, 5, 6}  # done, usage, invalid record, register refused, render failed, archive refused


def verdict(workspace: Path, text: str) -> tuple[bool, str]:
    """Run check and issue on ``text`` as cv.yaml in ``workspace``; (promise kept, what happened)."""
    record = workspace / "cv.yaml"
    record.write_text(text, "utf-8")
    url = f"sqlite:///{workspace / 'registers' / 'ubnd-quang-ninh.sqlite'}"
    with Register(url) as register:
        before = len(register.entries("ubnd-quang-ninh"))
    runner = CliRunner()
    checked = runner.invoke(main, ["--lang", "vi", "-C", str(workspace), "check", str(record)])
    issued = runner.invoke(main, ["--lang", "vi", "-C", str(workspace), "issue", str(record), "-f", "docx", "--lai"])
    with Register(url) as register:
        after = len(register.entries("ubnd-quang-ninh"))
    for result in (checked, issued):
        if result.exit_code not in ACCEPTED or "Traceback" in result.output:
            return False, f"exit {result.exit_code}: {result.output[-400:]} {result.exception!r}"
    if issued.exit_code != 0 and after != before:
        return False, "a refused record took a number"
    if issued.exit_code == 0 and (after != before + 1 or checked.exit_code != 0):
        return False, f"issued without a clean check (check exit {checked.exit_code})"
    if checked.exit_code == 3 and not any(line.startswith("  ") and ":" in line for line in checked.output.splitlines()):
        return False, "a refusal without a located problem: " + checked.output[-200:]
    return True, "issued" if issued.exit_code == 0 else f"refused ({issued.exit_code})"
