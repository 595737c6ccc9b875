"""Turn a PDF, a pyHanko ``Signer``, a picture and its box into the PDF with one more signature: PAdES baseline B-B
(``ETSI.CAdES.detached``), SHA-256, as an incremental revision (the bytes signed before stay as they were, so an
earlier signature still covers them and the PDF/A-3b identification, output intent and associated files are kept).

The visible widget's appearance is the picture alone (a transparent PNG, no frame, no text): pyHanko's text stamps
are not used, so nothing Vietnamese is set by them. An RSA key keeps the PDF at version 1.7 (PDF/A-3); pyHanko
would move to PDF 2.0 for an ECDSA or EdDSA key, which is refused before anything is written."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from correspondence.errors import UsageError
from correspondence.i18n import _
from correspondence.signing import pyhanko
from correspondence.signing.placing import Box

SIGNER_FIELD, AGENCY_FIELD = "nguoi_ky", "co_quan"
RESERVED = 16384  # bytes of /Contents: the CMS with a chain of a few RSA-4096 certificates fits


def picture_aspect(path: Path) -> float:
    """A picture's width over its height."""
    from PIL import Image

    with Image.open(path) as image:
        return image.width / image.height


def refuse_unsuitable_key(signer: Any) -> None:
    """Only RSA keys: an elliptic-curve key would make pyHanko move the PDF to 2.0, which is no longer PDF/A-3."""
    algorithm = signer.signing_cert.public_key.algorithm
    if algorithm != "rsa":
        raise UsageError(_("the certificate's key is {kind}, not RSA: the signed PDF would no longer be PDF/A-3")
                         .format(kind=algorithm.upper()))


def sign_pdf(data: bytes, signer: Any, field: str, box: Box, picture: Path | None) -> bytes:
    """``data`` with one more signature in a new field ``field`` on its last page at ``box`` (points), whose
    appearance is ``picture`` (None: an invisible widget)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    pdf_signer = prepared_signer(signer, field, box, picture)
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    out = io.BytesIO()
    pdf_signer.sign_pdf(writer, output=out, bytes_reserved=RESERVED)
    return out.getvalue()


def prepared_signer(signer: Any, field: str, box: Box, picture: Path | None) -> Any:
    """The pyHanko ``PdfSigner`` making the signature ``sign_pdf`` makes (its field, widget and appearance), for a
    local key or for a remote one (``remote.py``: an ``ExternalSigner``, the document digested now, signed later)."""
    module = pyhanko()
    from PIL import Image
    from pyhanko.pdf_utils.images import PdfImage
    from pyhanko.pdf_utils.layout import AxisAlignment, InnerScaling, Margins, SimpleBoxLayoutRule

    fields, signers = module.sign.fields, module.sign.signers
    refuse_unsuitable_key(signer)
    style = None
    if picture is not None:
        with Image.open(picture) as image:
            image.load()
            background = PdfImage(image.convert("RGBA"))
        style = module.stamp.StaticStampStyle(
            border_width=0, background=background, background_opacity=1.0,
            background_layout=SimpleBoxLayoutRule(x_align=AxisAlignment.ALIGN_MID, y_align=AxisAlignment.ALIGN_MID,
                                                  margins=Margins(0, 0, 0, 0),
                                                  inner_content_scaling=InnerScaling.SHRINK_TO_FIT))
    meta = signers.PdfSignatureMetadata(field_name=field, md_algorithm="sha256",
                                        subfilter=fields.SigSeedSubFilter.PADES)
    spec = fields.SigFieldSpec(field, box=tuple(round(v, 2) for v in box) if picture is not None else None,
                               on_page=-1)
    return signers.PdfSigner(meta, signer=signer, stamp_style=style, new_field_spec=spec)
