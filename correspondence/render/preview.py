"""Turn a PDF into PNG pictures of its first pages: a look at a document without a PDF viewer (a terminal that shows
images, a file manager, a chat message to the signer)."""

from __future__ import annotations

import io

PAGES = 2  # the first pages: enough to see the header, the body's start and, mostly, the signature
DPI = 110


def pages_png(pdf: bytes, pages: int = PAGES, dpi: int = DPI) -> list[bytes]:
    """PNG bytes of the first ``pages`` pages of ``pdf``; the same PDF gives the same pictures."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        out = []
        for index in range(min(pages, len(document))):
            image = document[index].render(scale=dpi / 72).to_pil()
            buffer = io.BytesIO()
            image.save(buffer, format="PNG", optimize=True)
            out.append(buffer.getvalue())
        return out
    finally:
        document.close()


def page_count(pdf: bytes) -> int:
    """How many pages ``pdf`` has."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()
