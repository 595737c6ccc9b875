"""Turn each command of the tool into one function call: check, draft, render, issue, merge, annex, the register.

The library's front door: the CLI calls these and prints what they return; nothing here prints. Each reads top to
bottom as load → validate → compose → (number) → render → write.

A name is loaded from its module when first asked for (``api.check``, ``from correspondence.api import issue``):
``checking`` holds what only validates and composes, ``drafting`` what makes files without the register (``draft``,
``render``, ``previews``), ``issuing`` issue, a mail merge and an annex (the outgoing book alone), ``signing`` the
signing commands (pyHanko, on use), ``lint`` the ND 30 lint of a Word file, ``commands`` all the rest. So
``correspondence check`` loads no renderer and no book, a draft loads no register, issuing loads no other book, and
importing this package loads nothing.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from correspondence.api.accounts import *  # noqa: F403
    from correspondence.api.checking import *  # noqa: F403
    from correspondence.api.commands import *  # noqa: F403
    from correspondence.api.commands import period as period
    from correspondence.api.drafting import *  # noqa: F403
    from correspondence.api.drafting import pdf_font as pdf_font
    from correspondence.api.exchange import *  # noqa: F403
    from correspondence.api.issuing import *  # noqa: F403
    from correspondence.api.lint import *  # noqa: F403
    from correspondence.api.signing import *  # noqa: F403

MODULES = {**dict.fromkeys(("check", "check_with_advice", "compose", "agency_settings", "signing_authorities"),
                          "checking"),
           **dict.fromkeys(("FORMATS", "Loaded", "draft", "load", "page_count", "pdf_font", "previews", "render",
                            "render_document"), "drafting"),
           **dict.fromkeys(("sign", "sign_annexes", "signature_state", "package_signature_problems",
                            "verify_signature", "entry_signatures", "signature_problems", "SIGNER", "AGENCY",
                            "Token", "pkcs11_pin_from_environment", "received_signatures", "REMOTE_PROVIDERS", "Request",
                            "prepare_remote_signature", "complete_remote_signature", "sign_remotely",
                            "pending_signature"),
                           "signing"),
           **dict.fromkeys(("STATUS_CODES", "exchange_answer", "exchange_directory", "exchange_directory_import",
                            "exchange_receive", "exchange_recipients", "exchange_send", "exchange_unanswered"), "exchange"),
           **dict.fromkeys(("lint_docx", "lint_fix", "component_name"), "lint"),
           **dict.fromkeys(("issue", "merge", "merge_preview", "merge_print", "annex"), "issuing"),
           **dict.fromkeys(("Account", "ROLES", "PERMISSIONS", "acting", "agency_list", "may", "office_root", "session_key",
                            "user_account", "user_add", "user_authenticate", "user_change", "user_list",
                            "user_remove"), "accounts")}


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = import_module(f"correspondence.api.{MODULES.get(name, 'commands')}")
    try:
        return getattr(module, name)
    except AttributeError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
