"""What a merge worker keeps from one document to the next (the DOCX package read once, formats built once) never
shows in a document: its bytes are those a fresh process gives, whatever the process wrote before."""

from __future__ import annotations

import dataclasses
import io
import pickle
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from correspondence.render.docx import render_docx
from tests.conftest import ROOT

FRESH = """
import pickle, sys
from correspondence.render.docx import render_docx
document = pickle.loads(sys.stdin.buffer.read())
sys.stdout.buffer.write(render_docx(document))
"""


def _fresh(document: Any) -> bytes:
    """The DOCX of ``document`` from a process that rendered nothing before."""
    done = subprocess.run([sys.executable, "-c", FRESH], input=pickle.dumps(document), capture_output=True, check=True,
                          cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    return done.stdout


def test_a_docx_is_the_same_whatever_the_process_wrote_before(build: Callable[..., Any],
                                                               make_record: Callable[..., Path]) -> None:
    plain = build(make_record())
    other_face = dataclasses.replace(plain, typeface=dataclasses.replace(plain.typeface, family="Liberation Serif"))
    wider = dataclasses.replace(plain, spacing=dataclasses.replace(plain.spacing, vv_before=16.0))
    first = render_docx(plain)
    in_other_face, spaced = render_docx(other_face), render_docx(wider)
    assert render_docx(plain) == first  # after a document in another face and another spacing
    assert first == _fresh(plain)
    assert in_other_face == _fresh(other_face) and spaced == _fresh(wider)
    styles = {name: zipfile.ZipFile(io.BytesIO(data)).read("word/styles.xml").decode()
              for name, data in (("plain", first), ("other", in_other_face))}
    assert 'w:ascii="Liberation Serif"' in styles["other"] and "Times New Roman" not in styles["other"]
    assert 'w:ascii="Times New Roman"' in styles["plain"]


def test_documents_written_one_after_another_share_no_element(build: Callable[..., Any],
                                                             make_record: Callable[..., Path]) -> None:
    """A paragraph or table of one document is a copy, never the element the next one gets: the second document
    holds its own text only, the first is unchanged by the second."""
    one = build(make_record("a.yaml", trich_yeu="về việc thứ nhất"))
    two = build(make_record("b.yaml", trich_yeu="về việc thứ hai"))
    first = render_docx(one)
    second = render_docx(two)
    xml = zipfile.ZipFile(io.BytesIO(second)).read("word/document.xml").decode()
    assert "thứ hai" in xml and "thứ nhất" not in xml
    assert render_docx(one) == first


def test_a_preview_in_this_process_leaves_the_pdfs_issued_after_it_complete(
        workspace: Path, monkeypatch: Any) -> None:
    """A document rendered after a preview in the same process is a whole PDF/A: its metadata file holds its page
    count."""
    import pikepdf

    from correspondence.outgoing.merge import merge, preview
    from correspondence.render.typst import PAGES
    from tests.outgoing.test_merge_at_scale import _files

    monkeypatch.setenv("CORRESPONDENCE_PDF_ENGINE", "typst")
    record, data = _files(workspace, 2)
    shown = preview(record, data, workspace, workers=1)
    assert shown.path.is_file()
    done = merge(record, data, workspace, formats=("pdf",), workers=1)
    for item in done:
        with pikepdf.open(item.files[0]) as pdf:
            embedded = [spec.EF.F.read_bytes() for spec in pdf.Root.AF]
            assert embedded and all(PAGES.encode() not in content for content in embedded)
            assert any(b'"PageAmount": "1"' in content or b'"PageAmount": 1' in content for content in embedded)
