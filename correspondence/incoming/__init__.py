"""Turn received documents into the sổ đăng ký văn bản đến: ``receiving`` registers a received file under the next
số đến; ``book`` shows, lists, voids and prints the book."""

from correspondence.incoming.book import export, find, list_all, void
from correspondence.incoming.receiving import kept_name, receive

__all__ = ["export", "find", "kept_name", "list_all", "receive", "void"]
