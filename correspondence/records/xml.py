"""Turn the bytes of an XML file from outside (an edXML envelope another agency sent) into an element tree, safely:
no DTD, no entity ever expanded, no network, no node past libxml2's bounds, a size limit — or into a located refusal.
"""

from __future__ import annotations

from typing import Any

from correspondence.errors import InvalidRecord, Problem
from correspondence.i18n import _

MAX_ENVELOPE = 40 * 1024 * 1024  # bytes of one .edxml file
HEAD = 65536  # where a DTD or an entity declaration would stand: before the root element


def declared_dtd(data: bytes) -> int | None:
    """The line (from 1) of a DTD or an entity declaration in ``data``'s prologue, None when there is none."""
    head = data[:HEAD]
    places = [found for found in (head.find(b"<!DOCTYPE"), head.find(b"<!ENTITY")) if found >= 0]
    return head[:min(places)].count(b"\n") + 1 if places else None


def parse_untrusted(data: bytes, shown_name: str, limit: int, huge_node: str = "") -> Any:
    """The root element of an envelope's ``data`` (an lxml element), read with entity expansion, DTD loading and
    network access off; refused, located at ``shown_name[:line]``, when larger than ``limit`` bytes, declaring a DTD
    or entities, or not well-formed (``huge_node``: what to say when libxml2 refuses a node past its bounds)."""
    from lxml import etree

    if len(data) > limit:
        raise too_large(shown_name, limit)
    line = declared_dtd(data)
    if line is not None:
        raise _refused(f"{shown_name}:{line}", _("the envelope declares a DTD or entities (a way to attack the "
                                                 "reader: XXE, billion laughs): refused"))
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                             dtd_validation=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        where: int | None = error.lineno or (error.position[0] if getattr(error, "position", None) else None)
        message = str(error.msg or error)
        if huge_node and "huge" in message.lower():
            message = huge_node
        raise _refused(f"{shown_name}:{where}" if where else shown_name,
                       _("the envelope is not well-formed XML: {reason}").format(reason=message)) from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise _refused(shown_name, _("the envelope declares a DTD or entities (a way to attack the reader: XXE, "
                                     "billion laughs): refused"))
    return root


def too_large(shown_name: str, limit: int) -> InvalidRecord:
    """The refusal of an envelope larger than ``limit`` bytes (raise it before reading the file)."""
    return _refused(shown_name, _("the envelope is larger than {size} MB: refused unread").format(
        size=limit // (1024 * 1024)))


def _refused(source: str, message: str) -> InvalidRecord:
    return InvalidRecord(_("invalid envelope: nothing was registered"), [Problem(source, "", message)])
