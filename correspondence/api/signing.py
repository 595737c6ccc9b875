"""Turn the signing commands into calls of the signing book: sign an issued document with a PKCS#12 file (the
signer's or the agency's certificate), verify the signatures of a PDF, the signatures a register row records.

Loaded only by the commands that sign or verify (``api.MODULES``): pyHanko stays out of every other command."""

from __future__ import annotations

from pathlib import Path

from correspondence.errors import Problem
from correspondence.register.store import Entry
from correspondence.signing import book, keys, verifying
from correspondence.signing.book import AGENCY, SIGNER, Signed
from correspondence.signing.verifying import Checked
from correspondence.workspace import find_root

__all__ = ["AGENCY", "SIGNER", "Checked", "Signed", "entry_signatures", "sign", "signature_problems",
           "verify_signature"]


def sign(workspace: Path | None, so_ky_hieu: str, role: str, p12: Path, password: str | bytes | None,
         agency: str | None = None, year: int | None = None, series: str | None = None,
         register_url: str | None = None) -> Signed:
    """Sign an issued document as its signer (``SIGNER``) or as the agency (``AGENCY``) with a PKCS#12 file."""
    return book.sign(workspace or find_root(), so_ky_hieu, role, keys.p12_signer(p12, password), agency, year, series,
                     register_url)


def verify_signature(path: Path, trust: Path) -> list[Checked]:
    """Every signature of a PDF: intact, valid, trusted against the certificates in ``trust``, who, when, coverage."""
    return verifying.check_file(path, trust)


def entry_signatures(entry: Entry) -> list[dict[str, str]]:
    """The signed files a register row records (role, signer, time, certificate serial, path), in order."""
    return book.signatures(entry)


def signature_problems(workspace: Path | None, agency: str | None = None,
                       register_url: str | None = None) -> list[Problem]:
    """The signatures of the register's signed files, checked for integrity."""
    return verifying.register_problems(workspace or find_root(), agency, register_url)
