"""The documents the examples re-create read as the published ones: at least 97 % of the words in common.

The measure is Dice's on the two multisets of words, so that the order in which a PDF's two-column header or
signature block is read does not count; the web page's trailer after the plan's annex is not part of the document.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pdfplumber
import pytest

from correspondence import api
from tests.conftest import EXAMPLES, ROOT, SEEDS


def similarity(printed: str, published: str) -> float:
    a, b = Counter(printed.split()), Counter(published.split())
    return 2 * sum((a & b).values()) / (sum(a.values()) + sum(b.values()))


@pytest.mark.parametrize(("record", "number"), [("cong-van-3018", 3018), ("ke-hoach-4498", 4498)])
def test_a_recreated_document_reads_as_the_published_one(record: str, number: int, tmp_path: Path) -> None:
    (path,) = api.render(EXAMPLES / f"{record}.yaml", number, None, tmp_path, ROOT, ("pdf",))
    with pdfplumber.open(path) as pdf:
        printed = " ".join(page.extract_text() for page in pdf.pages)
    published = (SEEDS / f"{record}.txt").read_text("utf-8")
    published = published.split("\n- 1 ")[0].replace("**", "").replace("|", " ")
    assert similarity(printed, published) >= 0.97


def test_the_measure_tells_another_document() -> None:
    assert similarity("Ủy ban nhân dân tỉnh", "tỉnh Ủy ban nhân dân") == 1
    assert similarity("Kính gửi các Sở", "Kính gửi Bộ Nội vụ và Bộ Tài chính") < 0.5
