"""Turn a PDF, a pyHanko ``Signer``, a picture and its box into the PDF with one more signature: PAdES baseline B-B
(``ETSI.CAdES.detached``), SHA-256, as an incremental revision (the bytes signed before stay as they were, so an
earlier signature still covers them and the PDF/A-3b identification, output intent and associated files are kept).

The visible widget's appearance is the picture alone (a transparent PNG, no frame, no text): pyHanko's text stamps
are not used, so nothing Vietnamese is set by them. An RSA key keeps the PDF at version 1.7 (PDF/A-3); pyHanko
would move to PDF 2.0 for an ECDSA or EdDSA key, which is refused before anything is written."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from correspondence.errors import CertificateRevoked, SigningLevelError, UsageError
from correspondence.i18n import _
from correspondence.render.typst import signature_text
from correspondence.signing import pyhanko
from correspondence.signing.keys import common_name
from correspondence.signing.placing import Box

SIGNER_FIELD, AGENCY_FIELD = "nguoi_ky", "co_quan"
RESERVED = 16384  # bytes of /Contents: the CMS with a chain of a few RSA-4096 certificates fits


def picture_aspect(path: Path) -> float:
    """A picture's width over its height."""
    from PIL import Image

    with Image.open(path) as image:
        return image.width / image.height


def drawn_text(text: str, workspace: Path | None) -> bytes:
    """A one-page PDF holding ``text`` in the PDF face at 10 pt, its fonts embedded (laid out by Typst: Vietnamese
    set as the documents are), its page grown to whole points up and to the right (pyHanko sizes an appearance in
    whole points: a fraction would scale the text off 10 pt)."""
    import math

    import pikepdf

    with pikepdf.open(io.BytesIO(signature_text(text, workspace))) as pdf:
        x1, y1, x2, y2 = (float(v) for v in pdf.pages[0].MediaBox)
        pdf.pages[0].MediaBox = pikepdf.Array([x1, y1, x1 + math.ceil(x2 - x1), y1 + math.ceil(y2 - y1)])
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()


def refuse_unsuitable_key(signer: Any) -> None:
    """Only RSA keys: an elliptic-curve key would make pyHanko move the PDF to 2.0, which is no longer PDF/A-3."""
    algorithm = signer.signing_cert.public_key.algorithm
    if algorithm != "rsa":
        raise UsageError(_("the certificate's key is {kind}, not RSA: the signed PDF would no longer be PDF/A-3")
                         .format(kind=algorithm.upper()))


@dataclass(frozen=True)
class Level:
    """How far beyond PAdES B-B a signature goes: ``tsa`` (B-T) the URL of an RFC 3161 timestamp server whose token
    is added to the signature; ``ltv`` (B-LT) the certificates and revocation answers (CRL/OCSP, fetched from the
    addresses the certificates give) kept in the PDF's DSS, checked against ``roots``. Both need the network: off by
    default (an office may sign offline)."""

    tsa: str | None = None
    ltv: bool = False
    roots: tuple[Any, ...] = ()

    @property
    def name(self) -> str:
        return "B-LT" if self.ltv else "B-T" if self.tsa else "B-B"


def sign_pdf(data: bytes, signer: Any, field: str, box: Box, picture: Path | None, *, page: int = -1,
             stamp: bytes | None = None, at: dt.datetime | None = None, level: Level | None = None) -> bytes:
    """``data`` with one more signature in a new field ``field`` on page ``page`` (the last by default) at ``box``
    (points), whose appearance is ``picture`` or ``stamp`` (a one-page PDF the size of the box, drawn by the
    project: its text in the embedded face) — neither: an invisible widget. ``at``: the signing time the CMS
    carries (the time a stamp shows); ``level``: B-T / B-LT."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    level = level or Level()
    with tempfile.TemporaryDirectory(prefix="correspondence-sign-") as scratch:  # the stamp's PDF, read while signing
        pdf_signer = prepared_signer(signer, field, box, picture, page=page, stamp=stamp, at=at, level=level,
                                     scratch=Path(scratch))
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
        out = io.BytesIO()
        try:
            pdf_signer.sign_pdf(writer, output=out, bytes_reserved=reserved_bytes(level))
        except Exception as error:  # the network steps: the timestamp server, the revocation answers
            if level.name == "B-B" or isinstance(error, UsageError):
                raise
            raise level_error(error, signer, level) from None
    return out.getvalue()


def reserved_bytes(level: Level) -> int:
    """The room kept in /Contents for the CMS: the chain, and the timestamp token (B-T) and the validation data
    (B-LT) when asked."""
    return RESERVED + (8192 if level.tsa else 0) + (16384 if level.ltv else 0)


def prepared_signer(signer: Any, field: str, box: Box, picture: Path | None, *, page: int = -1,
                    stamp: bytes | None = None, at: dt.datetime | None = None, level: Level | None = None,
                    scratch: Path | None = None) -> Any:
    """The pyHanko ``PdfSigner`` making the signature ``sign_pdf`` makes (its field, widget and appearance, its
    signing time, its level), for a local key or for a remote one (``remote.py``: an ``ExternalSigner``, the document
    digested now, signed later). A ``stamp`` is read from ``scratch`` (a folder kept until the signature is made)."""
    module = pyhanko()
    from pyhanko.pdf_utils.images import PdfImage
    from pyhanko.pdf_utils.layout import AxisAlignment, InnerScaling, Margins, SimpleBoxLayoutRule

    fields = module.sign.fields
    refuse_unsuitable_key(signer)
    level = level or Level()
    layout = SimpleBoxLayoutRule(x_align=AxisAlignment.ALIGN_MID, y_align=AxisAlignment.ALIGN_MID,
                                 margins=Margins(0, 0, 0, 0), inner_content_scaling=InnerScaling.SHRINK_TO_FIT)
    style = None
    if picture is not None:
        from PIL import Image

        with Image.open(picture) as image:
            image.load()
            background = PdfImage(image.convert("RGBA"))
        style = module.stamp.StaticStampStyle(border_width=0, background=background, background_opacity=1.0,
                                              background_layout=layout)
    elif stamp is not None:
        from pyhanko.pdf_utils.content import ImportedPdfPage

        if scratch is None:
            raise ValueError("a drawn appearance needs a scratch folder kept while signing")
        drawn = scratch / "appearance.pdf"
        drawn.write_bytes(stamp)
        style = module.stamp.StaticStampStyle(border_width=0, background=ImportedPdfPage(str(drawn)),  # type: ignore[no-untyped-call]
                                              background_opacity=1.0, background_layout=layout)
    visible = style is not None
    meta = signature_metadata(field, level)
    shown = tuple(round(v, 2) for v in box) if picture is not None else box  # a drawn text: its exact size
    spec = fields.SigFieldSpec(field, box=shown if visible else None, on_page=page)
    return _signer_at(at)(meta, signer=signer, stamp_style=style, new_field_spec=spec,
                          timestamper=timestamper_for(level))


def signature_metadata(field: str, level: Level) -> Any:
    """pyHanko's settings of a signature in ``field`` at ``level``: PAdES, SHA-256; for B-LT a validation context
    fetching the revocation answers, hard-fail, and the validation data embedded after signing."""
    signers = pyhanko().sign.signers
    options: dict[str, Any] = {}
    if level.ltv:
        from pyhanko_certvalidator import ValidationContext

        # hard-fail: a certificate that names a responder must get an answer from it (a soft failure would make a
        # B-LT signature without its revocation answers)
        options = {"validation_context": ValidationContext(trust_roots=list(level.roots), allow_fetching=True,
                                                           revocation_mode="hard-fail"),
                   "embed_validation_info": True}
    return signers.PdfSignatureMetadata(field_name=field, md_algorithm="sha256",
                                        subfilter=pyhanko().sign.fields.SigSeedSubFilter.PADES, **options)


def timestamper_for(level: Level) -> Any:
    """The RFC 3161 client of ``level``'s timestamp server, or None (B-B)."""
    if not level.tsa:
        return None
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(level.tsa, timeout=30)  # type: ignore[no-untyped-call]


async def finish_signing(data: bytes, region: tuple[int, int], document_digest: bytes, attributes: bytes,
                         signature: Any, field: str, level: Level, unsigned: bytes) -> bytes:
    """A signature made in two steps (``remote.py``) finished: ``signature`` (a pyHanko ``ExternalSigner`` holding
    the signature value over the prepared signed ``attributes``, DER) is wrapped in its CMS with, for B-T, the signature
    timestamp fetched now (it covers the signature value, which exists only now); the CMS goes into the reserved
    /Contents (``region``) of the prepared ``data``; for B-LT the certificates and revocation answers of the
    signer's chain and of the timestamp server's, collected now as pyHanko collects them before a local signature
    (hard-fail), are kept in the DSS in a revision after the signature (pyHanko's post-signing instructions), as a
    local B-LT signature has them. ``unsigned``: the PDF before the signature (a scratch copy in which pyHanko's
    pre-signing validation runs)."""
    from asn1crypto import cms
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
    from pyhanko.sign.signers.pdf_signer import PdfTBSDocument, PostSignInstructions

    meta = signature_metadata(field, level)
    timestamper = timestamper_for(level)
    content = await signature.async_sign_prescribed_attributes("sha256", signed_attrs=cms.CMSAttributes.load(
        attributes), timestamper=timestamper)
    instructions = None
    if level.ltv:
        from pyhanko.sign.signers import PdfSigner

        session = PdfSigner(meta, signer=signature, timestamper=timestamper).init_signing_session(
            IncrementalPdfFileWriter(io.BytesIO(unsigned), strict=False))
        info = await session.perform_presign_validation()
        assert info is not None  # B-LT: the metadata holds a validation context
        instructions = PostSignInstructions(validation_info=info, dss_settings=meta.dss_settings,
                                            embed_roots=signature.embed_roots, strict=False)
    out = io.BytesIO(data)
    start, end = region
    await PdfTBSDocument.async_finish_signing(out, PreparedByteRangeDigest(document_digest, start, end), content,
                                              post_sign_instr=instructions, validation_context=meta.validation_context)
    return out.getvalue()


def level_error(error: BaseException, signer: Any, level: Level) -> SigningLevelError:
    """What the clerk is told when a B-T / B-LT signature could not be made: the signer's certificate revoked, the
    timestamp server's certificate not checked against the key's root CA, or the server that did not answer."""
    from pyhanko.sign.general import SigningError
    from pyhanko_certvalidator.errors import PathError, ValidationError

    cause = error.__cause__
    if isinstance(error, SigningError) and isinstance(cause, (PathError, ValidationError)):  # the signer's chain
        revoked = _revoked(cause)
        if revoked is not None:
            return CertificateRevoked(_(
                "the certificate of {name} was revoked on {date}: it can no longer sign (the {level} signature was "
                "not made); ask the CA for a new certificate").format(
                name=common_name(signer.signing_cert) or "?", date=f"{revoked:%d/%m/%Y}", level=level.name))
        return SigningLevelError(_("the {level} signature could not be made: the certificate of {name} could not be "
                                   "checked with the revocation answers of its CA ({error})").format(
            level=level.name, name=common_name(signer.signing_cert) or "?", error=_reason(cause)))
    if isinstance(error, (PathError, ValidationError)):  # pyHanko checks the timestamp server's certificate
        return SigningLevelError(_("the {level} signature could not be made: the timestamp server's certificate "
                                   "could not be checked up to the root CA the key came with ({error})").format(
            level=level.name, error=_reason(error)))
    return SigningLevelError(_("the {level} signature could not be made: {error}").format(
        level=level.name, error=_reason(error)))


def _revoked(error: BaseException) -> dt.datetime | None:
    """When ``error`` (or what caused it) is the validator's finding that a certificate was revoked: when."""
    from pyhanko_certvalidator.errors import RevokedError

    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, RevokedError):
            return seen.revocation_dt
        seen = seen.__cause__ or seen.__context__
    return None


def _reason(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def _signer_at(at: dt.datetime | None) -> Any:
    """pyHanko's PdfSigner, its signing session dated ``at`` (None: now) so that the CMS signing time is the time a
    drawn appearance shows."""
    from pyhanko.sign.signers import PdfSigner

    if at is None:
        return PdfSigner
    moment: dt.datetime = at

    class DatedSigner(PdfSigner):
        def init_signing_session(self, pdf_out: Any, existing_fields_only: bool = False) -> Any:
            session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
            session.system_time = moment
            return session

    return DatedSigner


def level_for(signer: Any, tsa: str | None, ltv: bool) -> Level:
    """The level asked (``--tsa URL``, ``--ltv``); for B-LT the chain is checked against the root certificates the key
    came with (a .p12's chain, a token's CA certificates): the revocation answers are fetched for that chain."""
    if not ltv:
        return Level(tsa or None)
    if not tsa:
        raise UsageError(_("--ltv needs --tsa URL: PAdES B-LT is a timestamped signature (B-T) with the revocation "
                           "answers kept in the PDF"))
    registry = getattr(signer, "cert_registry", None)
    roots = tuple(cert for cert in (list(registry) if registry is not None else [])
                  if cert.self_signed in ("yes", "maybe") and cert.ca)
    if not roots:
        raise UsageError(_("--ltv needs the key's certificate chain up to its root CA: the key file or token holds "
                           "no root certificate"))
    return Level(tsa or None, True, roots)
