"""Turn failures into one exception tree with exit statuses and located problems."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class ExitStatus(IntEnum):
    """Exit statuses of the command line, one per kind of failure."""

    OK = 0
    ERROR = 1
    USAGE = 2
    INVALID = 3
    REGISTER = 4
    RENDER = 5
    ARCHIVE = 6
    SIGNATURE = 7  # a signature is broken, invalid, untrusted, or followed by changes (verify-signature)
    FINDINGS = 8  # the lint found a departure from ND 30's thể thức in the document (lint)
    INTERNAL = 70  # an unexpected failure of the tool itself (EX_SOFTWARE); the traceback goes to a log file


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as ``file:line``."""

    source: str
    field: str
    message: str
    hint: str | None = None

    def __str__(self) -> str:
        text = f"{self.source}: {self.field}: {self.message}" if self.field else f"{self.source}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text

    def as_dict(self) -> dict[str, str | None]:
        return {"source": self.source, "field": self.field, "message": self.message, "hint": self.hint}


class CorrespondenceError(Exception):
    """Root of every error the tool reports to a person."""

    status: ExitStatus = ExitStatus.ERROR

    def __init__(self, message: str, problems: tuple[Problem, ...] | list[Problem] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = tuple(problems)


class UsageError(CorrespondenceError):
    status = ExitStatus.USAGE


class InvalidRecord(CorrespondenceError):
    """One or more input files are invalid; every problem is listed."""

    status = ExitStatus.INVALID


class RenderFailed(CorrespondenceError):
    status = ExitStatus.RENDER


class RegisterConflict(CorrespondenceError):
    """The register refuses: a back-dated issue, an unknown number, a number already used …"""

    status = ExitStatus.REGISTER


class RegisterUnavailable(CorrespondenceError):
    """The register database cannot be opened or reached."""

    status = ExitStatus.REGISTER


class RegisterMismatch(CorrespondenceError):
    """``register verify`` found something wrong: a gap, a missing or altered file."""

    status = ExitStatus.ARCHIVE


class Backdated(RegisterConflict):
    """The register refuses a date before the last document of its series; carries that document."""

    def __init__(self, last_date: str, last_number: int) -> None:
        super().__init__("backdated")
        self.last_date = last_date
        self.last_number = last_number


class FilterError(ValueError):
    """A template filter was given a value it cannot format: (filter name, value, what it expects)."""


class ArchiveFailed(CorrespondenceError):
    """A file could not be written (a full disk, a read-only folder) or would replace an issued file."""

    status = ExitStatus.ARCHIVE


class WriteFailed(ArchiveFailed):
    """A file could not be written (a full disk, no permission): once that is fixed, writing it again can work."""


class AlreadyIssued(RegisterConflict):
    """The same record content was already issued this year; carries the earlier number."""

    def __init__(self, message: str, earlier: str) -> None:
        super().__init__(message)
        self.earlier = earlier


class TooLarge(OverflowError):
    """A template expression would build a value too large to print (``'x' * 10**9``)."""


class SignatureInvalid(CorrespondenceError):
    """``verify-signature`` found a signature that is not intact, not valid, not trusted or followed by changes."""

    status = ExitStatus.SIGNATURE


class SigningKeyError(UsageError):
    """The key named for a digital signature cannot be used (its file, its token, its PIN): fix the option or the
    PIN and sign again; nothing was signed."""


class TokenLibraryNotFound(SigningKeyError):
    """The PKCS#11 driver of a token (a .so or .dll) is missing or cannot be loaded."""


class TokenSlotNotFound(SigningKeyError):
    """No token in the slot named (or the token cannot be opened)."""


class SigningPinIncorrect(SigningKeyError):
    """The token refused its PIN (or is locked), or a key file's password is wrong."""


class SigningKeyNotFound(SigningKeyError):
    """No key (with its certificate) where one was named: the label, the token, the key file."""


class SigningKeyAmbiguous(SigningKeyError):
    """Several keys could sign and none was named (a token's keys without ``--nhan``)."""


class SigningLevelError(CorrespondenceError):
    """A signature asked at B-T or B-LT could not be made: the timestamp server or the revocation answers were not
    reached (``--tsa``, ``--ltv`` need the network); nothing was signed."""

    status = ExitStatus.SIGNATURE


class CertificateRevoked(SigningLevelError):
    """The revocation answer fetched for a B-LT signature says the signing certificate (or one of its chain) was
    revoked: nothing was signed."""
