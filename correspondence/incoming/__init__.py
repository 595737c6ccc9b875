"""Turn received documents into the sổ đăng ký văn bản đến: ``receiving`` registers a received file under the next
số đến; ``book`` shows, lists, voids and prints the book; ``handling`` assigns a document, records its outcome and lists
those overdue."""

from correspondence.incoming.book import export, find, list_all, void
from correspondence.incoming.handling import Life, assign, done, history, overdue
from correspondence.incoming.receiving import kept_name, receive

__all__ = ["Life", "assign", "done", "export", "find", "history", "kept_name", "list_all", "overdue", "receive", "void"]
