"""Turn issued documents into digitally signed ones (the signer's, then the agency's signature on the PDF, ND 30
PL I Phần I Mục II khoản 7–8), and signed PDFs back into what their signatures say.

- ``keys.py``: a key source (a PKCS#12 file) → the pyHanko ``Signer`` the rest takes;
- ``placing.py``: the issued PDF's last page → where the signer's picture (ô 7c) and the seal (ô 8) go;
- ``signer.py``: a PDF, a ``Signer``, a picture and its box → the PDF with one more signature (PAdES B-B, SHA-256,
  an incremental revision: what was signed before stays byte for byte);
- ``book.py``: ``sign SO``: a register row → its signed file beside the original, recorded as an event;
- ``verifying.py``: a signed PDF → each signature intact, valid, trusted, who, when, what it covers.

pyHanko is imported only here, on first use (``correspondence --help`` never loads it)."""

from __future__ import annotations

import logging
import warnings
from typing import Any


def pyhanko() -> Any:
    """pyHanko's signing and validation modules, imported once (cryptography's warning about DSA, a key type never
    used here, silenced: it would reach the clerk's terminal)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pyhanko.sign.validation
        import pyhanko.stamp
        from pyhanko.sign import fields, signers  # noqa: F401
    import pyhanko as module

    for name in ("pyhanko", "pyhanko_certvalidator"):  # their findings are returned, never logged to the clerk
        logging.getLogger(name).setLevel(logging.CRITICAL)
    return module
